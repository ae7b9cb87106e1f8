# reprise emulate: a signal ends a wait on a mediated socket as Linux's would (EINTR, or a restart
# with SA_RESTART, or death), at its exact simulated time.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
cc -std=gnu11 -Wall -Wextra -Werror -O1 -o "$WORK/sigwait" "$EX/sigwait.c" || fail "cannot build the sigwait example"
sed "s|build/examples/emulate/sigwait|$WORK/sigwait|" "$EX/sigwait.xml" > "$WORK/sigwait.xml"

# The run ends, every program with it: nothing waits for the end of its wait.
rc=0
timeout 60 "$REPRISE" emulate "$EX/platform.xml" "$WORK/sigwait.xml" > "$WORK/run1.out" 2> "$WORK/run1.err" || rc=$?
[ "$rc" -ne 124 ] || { cat "$WORK/run1.err" >&2; fail "a program hung in a wait a signal should have ended"; }
# The exit status is that of the program killed: 128 + SIGTERM.
[ "$rc" -eq 143 ] || { cat "$WORK/run1.err" >&2; fail "reprise exited $rc, expected 143"; }
expect_no_grep 'results may be wrong' "$WORK/run1.err"

# alarm(2) ends an accept, alarm(1) a UDP receive: EINTR, the handler having run once at that instant.
expect_grep '^accept: EINTR after 2\.000000 s, 1 signal handled, the last at 2\.000000 s$' "$WORK/run1.out"
expect_grep '^recv: EINTR after 1\.000000 s, 1 signal handled, the last at 1\.000000 s$' "$WORK/run1.out"
# A POSIX timer's signal ends poll, select and epoll_wait; SA_RESTART restarts none of them.
expect_grep '^poll: EINTR after 0\.500000 s, 1 signal handled, the last at 0\.500000 s$' "$WORK/run1.out"
expect_grep '^select: EINTR after 1\.000000 s, 2 signals handled, the last at 1\.000000 s$' "$WORK/run1.out"
expect_grep '^epoll_wait: EINTR after 1\.500000 s, 3 signals handled, the last at 1\.500000 s$' "$WORK/run1.out"
# With SA_RESTART the handler runs at 1 s and the receive goes on until bob's datagram, sent at 3 s,
# arrives 10 ms later (times SimGrid's latency factor, 13.01); with SO_RCVTIMEO set it ends, EINTR.
expect_grep '^restart: recv: returned after 3\.130100 s, 1 signal handled, the last at 1\.000000 s$' "$WORK/run1.out"
expect_grep '^restart: received "hello"$' "$WORK/run1.out"
expect_grep '^restart: recv with SO_RCVTIMEO: EINTR after 4\.130100 s, 2 signals handled, the last at 4\.130100 s$' "$WORK/run1.out"
# A connect cut short goes on: made again, it waits for the handshake, which the retried SYN (1 s) completes.
expect_grep '^connect: EINTR after 0\.500000 s, 1 signal handled, the last at 0\.500000 s$' "$WORK/run1.out"
expect_grep '^connect again: returned after 1\.000000 s, 1 signal handled, the last at 0\.500000 s$' "$WORK/run1.out"
# A send into a connection nobody reads, cut short by alarm(1), returns the bytes that found room:
# more than the 4 MiB window, at most as much again arrived unread (how much of the last batch
# counts is the window's business, not the signal's).
expect_grep '^fill: send: returned after 1\.000000 s, 1 signal handled, the last at 1\.000000 s$' "$WORK/run1.out"
sent=$(sed -n 's/^fill: \([0-9]*\) of 16777216 bytes sent$/\1/p' "$WORK/run1.out")
[ -n "$sent" ] && [ "$sent" -gt 4194304 ] && [ "$sent" -le 8388608 ] || fail "the interrupted send sent '$sent' bytes"
# Blocked (SIGUSR1), ignored (SIGUSR2) and default-ignored (SIGCHLD) signals leave a receive alone:
# it gives up at its SO_RCVTIMEO of 2 s.
expect_grep '^deaf: recv: EAGAIN after 2\.000000 s, 0 signals handled, the last at 0\.000000 s$' "$WORK/run1.out"
# A signal for the process ends the wait of one of its two waiting threads (either), EINTR; the
# other goes on waiting until the datagram the first then sends it.
[ "$(grep -cE '^pair: (recv|poll): EINTR after 0\.500000 s, 1 signal handled, the last at 0\.500000 s$' "$WORK/run1.out")" -eq 1 ] ||
	{ grep '^pair' "$WORK/run1.out" >&2; fail "a signal for the process did not end exactly one thread's wait"; }
[ "$(grep -cE '^pair: (recv|poll): returned after 0\.500000 s, 1 signal handled, the last at 0\.500000 s$' "$WORK/run1.out")" -eq 1 ] ||
	{ grep '^pair' "$WORK/run1.out" >&2; fail "the other thread's wait did not go on"; }
# SIGTERM, not handled, kills a program waiting in accept, when its child sends it.
expect_grep "carol: '.*sigwait killed 7204' started 0\.000000 s, ended 1\.000000 s, killed by TERM$" "$WORK/run1.err"
expect_no_grep '^killed:' "$WORK/run1.out"
for role in 'accept 7200' 'recv 7201' 'multiplex 7202' 'restart 7203' 'connect 7205' 'fill 7206' 'deaf 7207' 'pair 7208'; do
	expect_grep "'.*sigwait $role' started 0\.000000 s, ended [0-9.]+ s, exited 0$" "$WORK/run1.err"
done
expect_grep 'simulated time 4\.130100 s$' "$WORK/run1.err"

# Same programs, same output, simulated times included (but for which thread of the pair the signal ended).
timeout 60 "$REPRISE" emulate "$EX/platform.xml" "$WORK/sigwait.xml" > "$WORK/run2.out" 2> "$WORK/run2.err" || true
grep -v '^pair: ' "$WORK/run1.out" | sort > "$WORK/run1.sorted"
grep -v '^pair: ' "$WORK/run2.out" | sort > "$WORK/run2.sorted"
cmp -s "$WORK/run1.sorted" "$WORK/run2.sorted" || { diff "$WORK/run1.sorted" "$WORK/run2.sorted" >&2; fail "two runs printed different outputs"; }
