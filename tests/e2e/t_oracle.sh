# The strace oracle: for deterministic programs, `reprise show` and Debian's `strace -f` agree on every
# syscall name, result and decoded argument once pids, times, addresses and run-dependent values are
# normalized (tests/e2e/oracle.sh).
. "$E2E_DIR/lib.sh"
command -v strace > /dev/null || skip "strace is not installed"
failed=""
for p in file_io dirs stat clocks mmap random poll signals process pipes sockets thread_exec; do
	"$E2E_DIR/oracle.sh" "$REPRISE" "$PROGS/$p" @DIR@ > "$p.oracle" 2>&1 || failed="$failed $p"
	head -n 1 "$p.oracle"
done
mkdir -p tree/sub && printf 'x\n' > tree/f && ln -sf f tree/link
"$E2E_DIR/oracle.sh" "$REPRISE" ls -l tree > ls.oracle 2>&1 || failed="$failed ls"
"$E2E_DIR/oracle.sh" "$REPRISE" cat /etc/passwd > cat.oracle 2>&1 || failed="$failed cat"
"$E2E_DIR/oracle.sh" "$REPRISE" sort -r /etc/passwd > sort.oracle 2>&1 || failed="$failed sort"
"$E2E_DIR/oracle.sh" "$REPRISE" tar cf @DIR@/t.tar tree > tar.oracle 2>&1 || failed="$failed tar"
for f in $failed; do sed -n 1,60p "$f.oracle"; done
[ -z "$failed" ] || fail "reprise show and strace disagree on:$failed"
