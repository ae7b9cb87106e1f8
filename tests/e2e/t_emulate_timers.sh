# reprise emulate: alarm, interval timers, POSIX timers and timerfds expire in simulated time.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
cc -std=gnu11 -Wall -Wextra -Werror -O1 -o "$WORK/timers" "$EX/timers.c" -lpthread || fail "cannot build the timers example"
cat > "$WORK/timers.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="$WORK/timers"/>
</platform>
XML

# About 20 s of timers take well under a second of wall time.
start=$(date +%s.%N)
"$REPRISE" emulate "$EX/platform.xml" "$WORK/timers.xml" > "$WORK/run1.out" 2> "$WORK/run1.err"
wall=$(seconds_since "$start")
awk -v w="$wall" 'BEGIN { exit !(w < 3) }' || fail "20 simulated seconds of timers took $wall s of wall time"
# It ends when it is done, though the C library's SIGEV_THREAD thread still waits for signals.
expect_grep "alice: '.*timers' started 0\.000000 s, ended 20\.480000 s, exited 0" "$WORK/run1.err"
# The one thing said: a signal that overran carries no si_overrun (timer_getoverrun has the count).
grep 'results may be wrong' "$WORK/run1.err" > "$WORK/warnings" || true
[ "$(wc -l < "$WORK/warnings")" -eq 1 ] && grep -q 'si_overrun' "$WORK/warnings" ||
	{ cat "$WORK/run1.err" >&2; fail "unexpected warnings"; }

# alarm(3) and pause; alarm(0) after 2.5 s of an alarm(10): 7.5 s left, rounded as Linux does.
expect_grep '^alarm: woken after 3\.000000 s, 1 SIGALRM$' "$WORK/run1.out"
expect_grep '^alarm: 8 s were left of 10 after 2\.5 s$' "$WORK/run1.out"
# A signal ends a sleep as in the kernel: sleep(100) returns the 99 s it did not sleep.
expect_grep '^alarm: sleep\(100\) ended by SIGALRM after 1\.000000 s, 99 s left$' "$WORK/run1.out"
# Ten ticks of 0.5 s end at 5 s; 0.2 s after the third, 0.3 s are left.
expect_grep '^itimer: 0\.300000 s left, interval 0\.500000 s$' "$WORK/run1.out"
expect_grep '^itimer: 10 ticks of 0\.5 s after 5\.000000 s$' "$WORK/run1.out"
expect_grep '^itimer: 10 ticks 1 s after it was disarmed$' "$WORK/run1.out"
# A POSIX timer's SIGRTMIN every 0.25 s, from SI_TIMER with the program's value.
for i in 1 2 3 4; do
	t=$(awk -v i="$i" 'BEGIN { printf "%.6f", i * 0.25 }')
	expect_grep "^posix signal: tick $i at $t s, SI_TIMER, value 42$" "$WORK/run1.out"
done
expect_grep '^posix signal: 0\.150000 s left, interval 0\.250000 s$' "$WORK/run1.out"
# SIGEV_NONE: expiries at 1.0 and 1.3 s, the next at 1.6 s. Four expiries while the first signal of a 0.1 s timer waited.
expect_grep '^posix none: 0\.100000 s left after 1\.5 s$' "$WORK/run1.out"
expect_grep '^posix overrun: 4 expirations while the first signal waited$' "$WORK/run1.out"
# SIGEV_THREAD on an absolute CLOCK_REALTIME expiry 1.5 s ahead.
expect_grep '^posix thread: function ran after 1\.500000 s with value 7$' "$WORK/run1.out"
# A 0.1 s timerfd: 3 expirations unread by 0.35 s, a blocking read waits for the 4th; then gettime.
expect_grep '^timerfd: 3 expirations by 0\.350000 s$' "$WORK/run1.out"
expect_grep '^timerfd: 1 more at 0\.400000 s$' "$WORK/run1.out"
expect_grep '^timerfd: 0\.070000 s left, interval 0\.100000 s$' "$WORK/run1.out"
# An absolute CLOCK_REALTIME timerfd, non-blocking, then woken through epoll.
expect_grep '^timerfd: a read before the expiry: EAGAIN$' "$WORK/run1.out"
expect_grep '^timerfd: epoll woke after 2\.000000 s, 1 expiration$' "$WORK/run1.out"
# Beside a mediated UDP socket, in epoll and poll sets that reprise answers.
expect_grep '^timerfd and socket: epoll woke for the timerfd at 0\.300000 s$' "$WORK/run1.out"
expect_grep '^timerfd and socket: epoll woke for the timerfd at 0\.600000 s$' "$WORK/run1.out"
expect_grep '^timerfd and socket: poll woke for the timerfd at 0\.900000 s$' "$WORK/run1.out"
expect_grep '^done at 20\.480000 s$' "$WORK/run1.out"

# Same program, same output, simulated times included.
"$REPRISE" emulate "$EX/platform.xml" "$WORK/timers.xml" > "$WORK/run2.out" 2> "$WORK/run2.err"
cmp -s "$WORK/run1.out" "$WORK/run2.out" || { diff "$WORK/run1.out" "$WORK/run2.out" >&2; fail "two runs printed different outputs"; }
grep '^reprise: emulate:' "$WORK/run1.err" > "$WORK/r1"
grep '^reprise: emulate:' "$WORK/run2.err" > "$WORK/r2"
cmp -s "$WORK/r1" "$WORK/r2" || { diff "$WORK/r1" "$WORK/r2" >&2; fail "two runs reported different simulated times"; }

# A timer does not outlive its process: the alarm of an exited shell sends nothing to anybody.
cat > "$WORK/exit.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="import signal; signal.alarm(100)"/></actor>
  <actor host="bob" function="/bin/sleep"><argument value="200"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/exit.xml" > /dev/null 2> "$WORK/exit.err"
expect_grep "alice: '/usr/bin/python3 .*' started 0\.000000 s, ended 0\.000000 s, exited 0" "$WORK/exit.err"
expect_grep "bob: '/bin/sleep 200' started 0\.000000 s, ended 200\.000000 s, exited 0" "$WORK/exit.err"

# exec ends POSIX timers (sleep 2 runs to its end) but not alarms (sleep is killed at 1 s), as in Linux.
cat > "$WORK/exec.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="$WORK/timers"><argument value="exec-posix"/></actor>
  <actor host="bob" function="$WORK/timers"><argument value="exec-alarm"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/exec.xml" > /dev/null 2> "$WORK/exec.err" || true
expect_grep "alice: '.*timers exec-posix' started 0\.000000 s, ended 2\.000000 s, exited 0" "$WORK/exec.err"
expect_grep "bob: '.*timers exec-alarm' started 0\.000000 s, ended 1\.000000 s, killed by ALRM" "$WORK/exec.err"

# ITIMER_VIRTUAL stays the kernel's, said once.
cat > "$WORK/virtual.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="import signal; signal.setitimer(signal.ITIMER_VIRTUAL, 100); signal.setitimer(signal.ITIMER_VIRTUAL, 0)"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/virtual.xml" > /dev/null 2> "$WORK/virtual.err"
[ "$(grep -c 'setitimer: CPU-time interval timers run in the kernel' "$WORK/virtual.err")" -eq 1 ] ||
	{ cat "$WORK/virtual.err" >&2; fail "ITIMER_VIRTUAL was not reported once"; }
exit 0
