# reprise replay: deliberate differences are caught, a stalled replay gives up, the sandbox holds, --data and --timing do what they say,
# bad traces give one-line errors.
source "$E2E_DIR/lib.sh"

mkdir run
cd run
printf 'recorded input\n' > in.txt
# tr reads and writes with read(2) and write(2) (cat would copy inside the kernel, leaving no bytes in the trace)
"$REPRISE" record -o "$WORK/cat.rpr" -- sh -c 'tr a-z a-z < in.txt > out.txt'
cd "$WORK"
R=$WORK/root
"$REPRISE" replay --root "$R" --prepare --verify cat.rpr > first.txt 2> first.err || fail "clean replay failed"
[ "$(cat "$R$WORK/run/out.txt")" = "recorded input" ] || fail "replay did not write out.txt"

# without --root or --prepare the new root is empty: the mismatches come with a hint at --prepare
expect_status 4 "$REPRISE" replay cat.rpr > empty.out 2> empty.err
expect_grep '^reprise: hint: the new root held none of the files the recording found; --prepare builds them first$' empty.err
rm -rf "$(sed -n 's/^reprise: replaying under //p' empty.err)"
expect_no_grep 'hint' first.err

# a file made read-only in the root: the recorded open for writing now fails with EACCES
chmod 0444 "$R$WORK/run/out.txt"
expect_status 4 "$REPRISE" replay --root "$R" cat.rpr > ro.txt 2> ro.err
expect_grep '^reprise: mismatch: .*openat\(AT_FDCWD, "out.txt", O_WRONLY\|O_CREAT\|O_TRUNC, 0666\) = [0-9]+: expected [0-9]+, replay -1 EACCES' ro.err
expect_grep '^replayed .* [1-9][0-9]* mismatches$' ro.txt

# --on-mismatch=abort stops at the first one with status 3
expect_status 3 "$REPRISE" replay --root "$R" --on-mismatch=abort cat.rpr > abort.txt 2> abort.err
[ "$(grep -c '^reprise: mismatch' abort.err)" -eq 1 ] || fail "abort printed more than one mismatch"
expect_grep 'stopped at the first mismatch' abort.err
chmod 0644 "$R$WORK/run/out.txt"

# a file changed between prepare and replay: same size, other bytes; only --verify compares data
printf 'RECORDED INPUT\n' > "$R$WORK/run/in.txt"
"$REPRISE" replay --root "$R" cat.rpr > noverify.txt 2> noverify.err || fail "without --verify the data is not compared"
expect_status 4 "$REPRISE" replay --root "$R" --verify cat.rpr > changed.txt 2> changed.err
expect_grep '^reprise: mismatch: .*read\(0, "recorded input\\n".*expected the recorded data, replay different data from byte 0' changed.err

# files under /dev/shm are a tmpfs's ordinary files, not devices: their data is compared too. Options may
# follow the trace, as the synopsis in the issue and the man page shows them.
shm=$(mktemp -d /dev/shm/reprise-e2e.XXXXXX)
printf 'shm input\n' > "$shm/in.txt"
"$REPRISE" record -o shm.rpr -- sh -c "tr a-z a-z < $shm/in.txt > /dev/null"
rm -rf "$shm"
"$REPRISE" replay shm.rpr --root "$WORK/root-shm" --prepare --verify > shm.out 2> shm.err || fail "clean /dev/shm replay failed"
printf 'SHM INPUT\n' > "$WORK/root-shm$shm/in.txt"
expect_status 4 "$REPRISE" replay shm.rpr --root "$WORK/root-shm" --verify > shm2.out 2> shm2.err
expect_grep '^reprise: mismatch: .*read\(0, "shm input\\n".*expected the recorded data, replay different data from byte 0' shm2.err

# the on-disk state check: every written file ends with the bytes the recording says. A symlink planted in
# the root sends the second file's writes into the first; every call still succeeds as recorded.
mkdir state
(cd state && "$REPRISE" record -o "$WORK/state.rpr" -- sh -c 'echo first > a.txt; echo second-longer > b.txt; printf xy | dd of=c.bin bs=1 seek=5 conv=notrunc 2> /dev/null')
"$REPRISE" replay --root "$WORK/root-state" --prepare --verify -v --json state.json state.rpr > state.out 2> state.err ||
	fail "clean state replay failed"
expect_grep '"on_disk_state": \{"checked": [3-9], "differing": 0, "not_checkable": \[\]\}' state.json
expect_grep '^on-disk state: [3-9] written files checked, 0 differ, 0 not checkable$' state.out
rm -rf "$WORK/root-state2"
mkdir -p "$WORK/root-state2$WORK/state"
ln -s a.txt "$WORK/root-state2$WORK/state/b.txt"
expect_status 4 "$REPRISE" replay --root "$WORK/root-state2" --prepare --verify --json state2.json state.rpr > state2.out 2> state2.err
expect_grep "^reprise: mismatch: on-disk state of $WORK/state/a.txt: expected byte 0x66 at offset 0, replay 0x73\$" state2.err
expect_grep '"on_disk_state": \{"checked": [3-9], "differing": 1,' state2.json
[ "$(grep -c '^reprise: mismatch' state2.err)" -eq 1 ] || fail "the planted symlink caused call mismatches too"
expect_status 3 "$REPRISE" replay --root "$WORK/root-state2" --verify --on-mismatch=abort state.rpr > /dev/null 2> state3.err
expect_grep 'on-disk state of' state3.err

# the stall watchdog: a FIFO put where the recording wrote a regular file blocks the replayed open for
# good; after --stall-timeout the blocked thread is named with its call, and the replay exits 5
mkdir stall
(cd stall && "$REPRISE" record -o "$WORK/stall.rpr" -- sh -c 'echo x > f; cat f' > /dev/null)
rm -rf "$WORK/root-stall"
"$REPRISE" replay --root "$WORK/root-stall" --prepare stall.rpr > /dev/null 2>&1 || fail "clean stall.rpr replay failed"
rm "$WORK/root-stall$WORK/stall/f"
mkfifo "$WORK/root-stall$WORK/stall/f"
start=$(date +%s%N)
expect_status 5 "$REPRISE" replay --root "$WORK/root-stall" --stall-timeout 1 stall.rpr > stall.out 2> stall.err
took=$(( ($(date +%s%N) - start) / 1000000 ))
expect_grep '^reprise: replay stalled: no call completed for 1 s' stall.err
expect_grep '^reprise: stalled: thread [0-9]+ blocked in openat$' stall.err
[ "$took" -lt 6000 ] || fail "the stalled replay took ${took} ms to give up"
expect_status 2 "$REPRISE" replay --stall-timeout soon stall.rpr > /dev/null 2> stallopt.err
one_line_error stallopt.err

# an absolute path lands under the root only
mkdir scratch
"$REPRISE" record -o abs.rpr -- sh -c "echo absolute > $WORK/scratch/abs.txt"
rm "$WORK/scratch/abs.txt"
"$REPRISE" replay --root "$WORK/root-abs" --prepare --verify abs.rpr > abs.out 2> abs.err || fail "absolute replay failed"
[ "$(cat "$WORK/root-abs$WORK/scratch/abs.txt")" = absolute ] || fail "the absolute path was not replayed under the root"
[ ! -e "$WORK/scratch/abs.txt" ] || fail "replay wrote outside its root"

# ".." cannot climb out of the root
name=reprise-escape-$$
(cd scratch && "$REPRISE" record -o "$WORK/dots.rpr" -- sh -c "echo dots > ../../../../../../../../../../tmp/$name")
rm -f "/tmp/$name"
"$REPRISE" replay --root "$WORK/root-dots" --prepare dots.rpr > dots.out 2> dots.err || fail "dots replay failed"
[ -e "$WORK/root-dots/tmp/$name" ] || fail "the .. path was not replayed under the root"
[ ! -e "/tmp/$name" ] || { rm -f "/tmp/$name"; fail "replay escaped its root with .."; }

# /proc/self/fd/N names the replayed descriptor: a file in the root; through a descriptor replay stands in
# for (a /proc file, stood in for by /dev/null), nothing is done
echo modes > scratch/modes.txt
"$REPRISE" record -o procfd.rpr -- sh -c "exec 3<$WORK/scratch/modes.txt 4</proc/self/status; chmod 600 /proc/self/fd/3; chmod 640 /proc/self/fd/4 2> /dev/null; true"
"$REPRISE" replay --root "$WORK/root-procfd" --prepare --json procfd.json procfd.rpr > procfd.out 2> procfd.err || fail "/proc/self/fd replay failed"
[ "$(stat -c %a "$WORK/root-procfd$WORK/scratch/modes.txt")" = 600 ] || fail "chmod through /proc/self/fd/N did not reach the replayed file"
expect_grep '"not_replayed_calls": \{[^}]*"fchmodat": 1[,}]' procfd.json
[ "$(stat -c %a /dev/null)" = 666 ] || { chmod 666 /dev/null; fail "chmod through /proc/self/fd/N reached /dev/null"; }

# a symlink in the root pointing out of it (absolute, or up by ..) resolves inside the root
mkdir outside
ln -s "$WORK/outside" scratch/lnk
ln -s ../../../../../../../../../.. scratch/up
"$REPRISE" record -o link.rpr -- sh -c "echo link > $WORK/scratch/lnk/f.txt; echo up > $WORK/scratch/up$WORK/outside/g.txt"
rm outside/f.txt outside/g.txt
mkdir -p "$WORK/root-link$WORK/scratch"
cp -P scratch/lnk scratch/up "$WORK/root-link$WORK/scratch/"
"$REPRISE" replay --root "$WORK/root-link" --prepare link.rpr > link.out 2> link.err || fail "symlink replay failed"
[ ! -e outside/f.txt ] || fail "replay followed an absolute symlink out of its root"
[ ! -e outside/g.txt ] || fail "replay followed a .. symlink out of its root"
[ "$(cat "$WORK/root-link$WORK/outside/f.txt")" = link ] || fail "the absolute symlink did not resolve inside the root"
[ "$(cat "$WORK/root-link$WORK/outside/g.txt")" = up ] || fail "the .. symlink did not resolve inside the root"
# a trailing slash makes the kernel follow a final symlink even for a call that does not follow one
# (chown -h): the replay must not be led out of its root by one
mkdir outside2
ln -s "$WORK/outside2" scratch/lnk2
"$REPRISE" record -o slash.rpr -- chown -h 4321 "$WORK/scratch/lnk2/"
[ "$(stat -c %u outside2)" = 4321 ] || fail "chown -h LINK/ did not follow the link when recorded"
chown 0 outside2
cp -P scratch/lnk2 "$WORK/root-link$WORK/scratch/"
"$REPRISE" replay --root "$WORK/root-link" --prepare slash.rpr > slash.out 2> slash.err ||
	{ cat slash.err >&2; fail "trailing-slash replay failed"; }
[ "$(stat -c %u outside2)" = 0 ] || fail "replay followed a symlink with a trailing slash out of its root"

# --data: the declared bytes where the trace has none (--no-data) or instead of the recorded ones
"$REPRISE" record --no-data -o nodata.rpr -- sh -c "printf hello > $WORK/scratch/data.txt"
"$REPRISE" replay --root "$WORK/root-zero" --prepare --data=zero nodata.rpr > /dev/null 2>&1
[ "$(od -An -tx1 "$WORK/root-zero$WORK/scratch/data.txt" | tr -d ' \n')" = 0000000000 ] || fail "--data=zero"
"$REPRISE" replay --root "$WORK/root-pattern" --prepare --data=pattern:0x41 nodata.rpr > /dev/null 2>&1
[ "$(cat "$WORK/root-pattern$WORK/scratch/data.txt")" = AAAAA ] || fail "--data=pattern:0x41"
"$REPRISE" record -o data.rpr -- sh -c "printf hello > $WORK/scratch/data.txt"
"$REPRISE" replay --root "$WORK/root-recorded" --prepare data.rpr > /dev/null 2>&1
[ "$(cat "$WORK/root-recorded$WORK/scratch/data.txt")" = hello ] || fail "--data=recorded"
for mode in random urandom; do
	"$REPRISE" replay --root "$WORK/root-$mode" --prepare --data=$mode data.rpr > /dev/null 2>&1 || true
	f=$WORK/root-$mode$WORK/scratch/data.txt
	[ "$(stat -c %s "$f")" -eq 5 ] && [ "$(cat "$f")" != hello ] || fail "--data=$mode"
done
# prepared files: the bytes the program read, --data's bytes where it read nothing
head -c 1000 /dev/urandom > scratch/big.bin
"$REPRISE" record -o part.rpr -- sh -c "stat -c %s $WORK/scratch/big.bin > /dev/null; dd if=$WORK/scratch/big.bin of=$WORK/scratch/part.bin bs=100 count=1 2> /dev/null"
"$REPRISE" replay --root "$WORK/root-part" --prepare --data=pattern:0x5a part.rpr > /dev/null 2>&1
big=$WORK/root-part$WORK/scratch/big.bin
[ "$(stat -c %s "$big")" -eq 1000 ] || fail "prepared file has the wrong size"
cmp -n 100 "$big" scratch/big.bin || fail "prepared file lacks the bytes the program read"
[ "$(tail -c 900 "$big" | tr -d Z | wc -c)" -eq 0 ] || fail "unread bytes are not --data's"

# --timing=original waits out the recorded time; afap does not
"$REPRISE" record -o sleep.rpr -- sh -c "sleep 1; echo done > $WORK/scratch/slept.txt"
start=$(date +%s%N)
"$REPRISE" replay --root "$WORK/root-t1" --prepare --timing=original sleep.rpr > /dev/null 2>&1
orig=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
"$REPRISE" replay --root "$WORK/root-t2" --prepare sleep.rpr > /dev/null 2>&1
afap=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$orig" -ge 950 ] || fail "--timing=original took ${orig} ms for a 1 s recording"
[ "$afap" -lt $((orig - 500)) ] || fail "afap took ${afap} ms, original ${orig} ms"

# a replay that runs more than two seconds shows a progress bar on a terminal (script gives it one), and
# leaves no trace of it on the line; without a terminal there is none
"$REPRISE" record -o sleep3.rpr -- sh -c "sleep 2.6; echo done > $WORK/scratch/slept3.txt"
script -qec "$REPRISE replay --root $WORK/root-t3 --prepare --timing=original sleep3.rpr" /dev/null > progress.tty
expect_grep 'reprise: replay \[#*\.*\] +[0-9]+% [0-9]+/[0-9]+ events' progress.tty
expect_grep $'\r\033\\[K' progress.tty
"$REPRISE" replay --root "$WORK/root-t4" --prepare --timing=original sleep3.rpr > progress.out 2> progress.err
expect_no_grep 'reprise: replay \[' progress.err

# an incomplete trace (its end cut off, as a killed recorder leaves it) replays up to its last block,
# with the warning `reprise show` gives, and the usual exit status
head -c $(($(stat -c %s cat.rpr) - 30)) cat.rpr > cut.rpr
"$REPRISE" replay --root "$WORK/root-cut" --prepare cut.rpr > cut.out 2> cut.err || fail "an incomplete trace did not replay"
expect_grep '^reprise: warning: cut.rpr: trace is incomplete \(recorder did not finish\); [0-9]+ bytes after offset [0-9]+ lost$' cut.err
expect_grep '^replayed [1-9]' cut.out

# bad input: one-line errors, non-zero status
head -c 20 cat.rpr > short.rpr
expect_status 1 "$REPRISE" replay --root "$WORK/root-bad" short.rpr > /dev/null 2> short.err
one_line_error short.err
echo "not a trace" > junk.rpr
expect_status 1 "$REPRISE" replay --root "$WORK/root-bad" junk.rpr > /dev/null 2> junk.err
one_line_error junk.err
cp cat.rpr newer.rpr
printf '\x63\x00' | dd of=newer.rpr bs=1 seek=8 conv=notrunc status=none
expect_status 1 "$REPRISE" replay --root "$WORK/root-bad" newer.rpr > /dev/null 2> newer.err
one_line_error newer.err
"$REPRISE" record -o big.rpr -- sh -c 'seq 1 300000 | cat > /dev/null'
size=$(stat -c %s big.rpr)
printf '\xff\xfe\xfd\xfc' | dd of=big.rpr bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_status 1 "$REPRISE" replay --root "$WORK/root-bad" --on-mismatch=ignore big.rpr > /dev/null 2> corrupt.err
one_line_error corrupt.err
expect_grep 'checksum mismatch' corrupt.err
expect_status 2 "$REPRISE" replay --timing=sometimes cat.rpr > /dev/null 2> opt.err
one_line_error opt.err
