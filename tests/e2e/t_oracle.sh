# The strace oracle: for deterministic programs, `reprise show` and Debian's `strace -f` agree on every
# syscall name, result and decoded argument once pids, times, addresses and run-dependent values are
# normalized (tests/e2e/oracle.sh).
. "$E2E_DIR/lib.sh"
command -v strace > /dev/null || skip "strace is not installed"
failed=""
# A disagreement is confirmed by a second run: the programs are deterministic, but which of two processes
# the scheduler runs first is not, and a decoding difference shows up every time.
oracle() { "$E2E_DIR/oracle.sh" "$REPRISE" "$@" || "$E2E_DIR/oracle.sh" "$REPRISE" "$@"; }
for p in file_io dirs stat clocks mmap random poll signals process pipes sockets thread_exec; do
	oracle "$PROGS/$p" @DIR@ > "$p.oracle" 2>&1 || failed="$failed $p"
	head -n 1 "$p.oracle"
done
mkdir -p tree/sub && printf 'x\n' > tree/f && ln -sf f tree/link
oracle ls -l tree > ls.oracle 2>&1 || failed="$failed ls"
oracle cat /etc/passwd > cat.oracle 2>&1 || failed="$failed cat"
oracle sort -r /etc/passwd > sort.oracle 2>&1 || failed="$failed sort"
oracle tar cf @DIR@/t.tar tree > tar.oracle 2>&1 || failed="$failed tar"
for f in $failed; do sed -n 1,60p "$f.oracle"; done
[ -z "$failed" ] || fail "reprise show and strace disagree on:$failed"
