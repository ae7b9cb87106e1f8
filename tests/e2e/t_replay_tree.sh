# reprise replay --prepare: the tree everyday tools look at is rebuilt as they saw it - a directory opened as
# ".", more files than a process may hold open, symlinks read, only listed or followed unread, "dir/..", a program
# file known only from its exec or a failed call - a device that refused an open is kept in place, not replayed,
# and a trace narrowed with -e replays without waiting for closes it does not hold.
source "$E2E_DIR/lib.sh"

mkdir -p tree/sub run
for i in $(seq 1 150); do printf 'file %s\n' "$i" > "tree/sub/f$i"; done
printf 'through the link\n' > tree/target.txt
ln -s target.txt tree/link
ln -s /nowhere/at/all tree/dangling

# replay_clean ROOT TRACE: prepare and replay with --verify; fails on any mismatch or error
replay_clean() {
	"$REPRISE" replay --root "$1" --prepare --verify "$2" > "$2.out" 2> "$2.err" ||
		fail "replay of $2 failed: $(head -3 "$2.err")"
	expect_no_grep 'mismatch:' "$2.err"
	expect_grep '^replayed [0-9]+ calls, .* 0 mismatches$' "$2.out"
}

# find opens the directory it starts from as "." without O_DIRECTORY, and fchdir()s back to it
cd tree
"$REPRISE" record -o "$WORK/find.rpr" -- find . -name 'f1*' > /dev/null
cd "$WORK"
replay_clean "$WORK/r-find" find.rpr
[ -d "$WORK/r-find$WORK/tree" ] || fail "the directory find opened as . is not a directory"

# du stats 150 files: prepare holds no more of them open at once than a small descriptor limit allows
"$REPRISE" record -o du.rpr -- du -s tree > /dev/null
(ulimit -n 64 && replay_clean "$WORK/r-du" du.rpr) || fail "prepare ran out of descriptors"
[ "$(ls "$WORK/r-du$WORK/tree/sub" | wc -l)" -eq 150 ] || fail "du's tree was not rebuilt whole"

# ls -l reads the links it lists; the file read through the link before that lands at the link's target
"$REPRISE" record -o ls.rpr -- sh -c 'tr a-z A-Z < tree/link > run/upper.txt; ls -la tree > /dev/null'
replay_clean "$WORK/r-ls" ls.rpr
[ "$(readlink "$WORK/r-ls$WORK/tree/link")" = target.txt ] || fail "the link read by ls is not a link to target.txt"
[ "$(cat "$WORK/r-ls$WORK/tree/target.txt")" = "through the link" ] || fail "the bytes read through the link are not at its target"
[ "$(cat "$WORK/r-ls$WORK/run/upper.txt")" = "THROUGH THE LINK" ] || fail "the replay did not read through the link"
# --data fills only what the program did not read, there too
"$REPRISE" replay --root "$WORK/r-ls-pattern" --prepare --data=pattern:0x41 ls.rpr > /dev/null 2>&1 ||
	fail "replay with --data=pattern failed"
[ "$(cat "$WORK/r-ls-pattern$WORK/tree/target.txt")" = "through the link" ] || fail "--data overwrote the bytes read through the link"

# du -a lstat()s links without reading them: they are made dangling, with a target of the recorded length
"$REPRISE" record -o dua.rpr -- du -a tree > /dev/null
replay_clean "$WORK/r-dua" dua.rpr
[ -L "$WORK/r-dua$WORK/tree/dangling" ] || fail "a link du listed is not a link"
[ "$(stat -c %s "$WORK/r-dua$WORK/tree/dangling")" -eq 15 ] || fail "the unread link's target does not have the recorded length"

# ls -L lists links, then follows them without reading them: each gets a target of replay's own holding
# what following it showed (here target.txt's 17 bytes); the dangling one stays dangling
"$REPRISE" record -o lsL.rpr -- ls -lL tree > /dev/null 2>&1 || true
replay_clean "$WORK/r-lsL" lsL.rpr
[ -L "$WORK/r-lsL$WORK/tree/link" ] || fail "a link ls -L followed is not a link"
[ "$(stat -L -c %s "$WORK/r-lsL$WORK/tree/link")" -eq 17 ] || fail "following the link does not give the recorded size"

# followed first, read later: what following showed moves from replay's own file to the real target
"$REPRISE" record -o lsL2.rpr -- sh -c 'ls -lL tree; ls -l tree' > /dev/null 2>&1 || true
replay_clean "$WORK/r-lsL2" lsL2.rpr
[ "$(readlink "$WORK/r-lsL2$WORK/tree/link")" = target.txt ] || fail "the link read after it was followed is not a link to target.txt"
[ -z "$(ls -A "$WORK/r-lsL2/.reprise/links" 2>/dev/null)" ] || fail "a made-up link target was left behind"

# stat of "/": the root replay makes for itself (0700) takes the recorded mode
"$REPRISE" record -o slash.rpr -- stat -c %a / > slash.native
"$REPRISE" replay --prepare --verify slash.rpr > slash.out 2> slash.err || fail "replay of stat / failed: $(head -3 slash.err)"
made_root=$(sed -n 's/^reprise: replaying under //p' slash.err)
[ "$(stat -c %a "$made_root")" = "$(cat slash.native)" ] || fail "the new root does not have the recorded mode of /"
rm -rf "$made_root"

# stat of "dir/..": the directory itself, not the /proc link that names it in the sandbox
"$REPRISE" record -o dotdot.rpr -- stat -c '%F %a' tree/sub/.. > dotdot.native
replay_clean "$WORK/r-dotdot" dotdot.rpr
expect_grep '^directory ' dotdot.native

# files known only from calls that failed because they were there, or from an exec, are prepared:
# readlink of a plain file (EINVAL), an O_EXCL create of an existing one (EEXIST), the program exec'd
cp /usr/bin/stat run/mystat
printf 'plain\n' > run/plain
printf 'there\n' > run/existing
"$REPRISE" record -o known.rpr -- sh -c 'readlink run/plain; set -C; true > run/existing; exec run/mystat -c %n /' \
	> /dev/null 2>&1 || true
replay_clean "$WORK/r-known" known.rpr
for f in mystat plain existing; do
	[ -f "$WORK/r-known$WORK/run/$f" ] || fail "run/$f was not prepared"
done

# a program run through a symlink (found to be one only after the exec) makes its target an executable file
ln -s mystat run/statlink
"$REPRISE" record -o execlink.rpr -- sh -c 'run/statlink -c %N run/statlink; test -x run/statlink' > /dev/null
replay_clean "$WORK/r-execlink" execlink.rpr
[ -x "$WORK/r-execlink$WORK/run/mystat" ] || fail "the target of the link a program ran through is not executable"

# without a controlling terminal, opening /dev/tty fails with ENXIO: the device's answer, which a stand-in
# file cannot give, so the call is kept in place and listed, not reported as a mismatch
setsid "$REPRISE" record -o tty.rpr -- sh -c 'exec 3<>/dev/tty' < /dev/null > /dev/null 2>&1 || true
"$REPRISE" show tty.rpr | grep -q 'openat(AT_FDCWD, "/dev/tty".* = -1 ENXIO' || skip "this machine gave /dev/tty"
replay_clean "$WORK/r-tty" tty.rpr
expect_grep '^openat +1$' tty.rpr.out
expect_grep "^ +1  a device's refusal$" tty.rpr.out

# a trace narrowed with -e trace=%file holds the opens but not the closes: a number the recording shows
# reused is taken over at once, where waiting for the close that never comes took 2 s per open
"$REPRISE" record -e trace=%file -o filtered.rpr -- sh -c 'for i in 1 2 3 4 5; do cat tree/target.txt; done' > /dev/null
start=$(date +%s.%N)
replay_clean "$WORK/r-filtered" filtered.rpr
awk -v s="$(seconds_since "$start")" 'BEGIN { exit !(s < 5) }' || fail "the filtered trace took $(seconds_since "$start") s to replay"
