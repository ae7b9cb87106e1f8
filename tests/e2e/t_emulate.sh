# reprise emulate: virtual time, a TCP transfer timed as SimGrid models it, determinism.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/route_time" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# An hour of sleep takes no hour, and the program's own clocks say an hour passed.
start=$(date +%s.%N)
"$REPRISE" emulate "$EX/platform.xml" "$EX/sleep.xml" > "$WORK/sleep.out" 2> "$WORK/sleep.err"
wall=$(seconds_since "$start")
awk -v w="$wall" 'BEGIN { exit !(w < 5) }' || fail "sleeping 3600 s took $wall s of wall time"
expect_grep '^slept 3600\.000000 s from 946684800 to 946688400$' "$WORK/sleep.out"
expect_grep "alice: '.*sleeper 3600' started 0\.000000 s, ended 3600\.000000 s, exited 0" "$WORK/sleep.err"
expect_grep 'simulated time 3600\.000000 s' "$WORK/sleep.err"

# --epoch moves the wall clock the programs see.
"$REPRISE" emulate --epoch 2020-02-02 "$EX/platform.xml" "$EX/sleep.xml" > "$WORK/epoch.out" 2>/dev/null
expect_grep ' from 1580601600 to 1580605200$' "$WORK/epoch.out"

# 1 MB from carol to alice (two links) and one byte back: what SimGrid computes for that route, within 1%.
"$REPRISE" emulate "$EX/platform.xml" "$EX/tcp.xml" > "$WORK/tcp.out" 2> "$WORK/tcp.err"
expect_grep '^server: 1000000 bytes from 10\.0\.0\.2:32768, then end of stream$' "$WORK/tcp.out"
expect_grep "carol: '.*tcp_client 192\.168\.1\.10 5000 1000000' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/tcp.err"
got=$(sed -n 's/^client: 1000000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/tcp.out")
want=$("$BIN/route_time" "$EX/platform.xml" carol alice 1000000)
[ -n "$got" ] || fail "the client printed no time"
within "$got" "$want" 0.01 ||
	fail "the transfer took $got s, SimGrid says $want s"

# Same inputs, same seed: same output, simulated times included.
"$REPRISE" emulate --cpu=none --seed 1 "$EX/platform.xml" "$EX/tcp.xml" > "$WORK/run1.out" 2> "$WORK/run1.err"
"$REPRISE" emulate --cpu=none --seed 1 "$EX/platform.xml" "$EX/tcp.xml" > "$WORK/run2.out" 2> "$WORK/run2.err"
cmp -s "$WORK/run1.out" "$WORK/run2.out" || fail "two runs printed different outputs"
grep '^reprise: emulate:' "$WORK/run1.err" > "$WORK/r1"
grep '^reprise: emulate:' "$WORK/run2.err" > "$WORK/r2"
cmp -s "$WORK/r1" "$WORK/r2" || fail "two runs reported different simulated times"

# getrandom answered from the seed: the same bytes on every run, other bytes with another seed.
cat > "$WORK/random.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="bob" function="/usr/bin/python3"><argument value="-c"/><argument value="import os; print(os.getrandom(16).hex())"/></actor>
</platform>
XML
a=$("$REPRISE" emulate --seed 1 "$EX/platform.xml" "$WORK/random.xml" 2>/dev/null)
b=$("$REPRISE" emulate --seed 1 "$EX/platform.xml" "$WORK/random.xml" 2>/dev/null)
c=$("$REPRISE" emulate --seed 2 "$EX/platform.xml" "$WORK/random.xml" 2>/dev/null)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "getrandom differs between runs with --seed 1: '$a' '$b'"
[ "$a" != "$c" ] || fail "--seed 2 gave the same bytes as --seed 1"
exit 0
