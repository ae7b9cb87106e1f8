# reprise emulate with Debian's iperf3: the server on alice listens dual-stack on ::, bob measures 5 s of
# TCP. iperf3's own figures must be within 10% of what SimGrid computes for a long transfer on that route.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
command -v iperf3 > /dev/null || skip "iperf3 is not installed"
[ -x "$BIN/route_time" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

start=$(date +%s.%N)
"$REPRISE" emulate "$EX/platform.xml" "$EX/iperf3.xml" > "$WORK/iperf3.out" 2> "$WORK/iperf3.err" ||
	fail "emulate failed: $(cat "$WORK/iperf3.err")"
wall=$(seconds_since "$start")
expect_grep "alice: 'iperf3 -s -1' started 0\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/iperf3.err"
expect_grep "bob: 'iperf3 -c alice -t 5' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/iperf3.err"
# The server took the IPv4 connection on its IPv6 socket and names bob by his IPv4 address.
expect_grep '^Accepted connection from 10\.0\.0\.1, port [0-9]+$' "$WORK/iperf3.out"
expect_grep '^iperf Done\.$' "$WORK/iperf3.out"

# The reference: SimGrid's rate for a long transfer alone on the route, the slope of route_time between
# 10 MB and 60 MB (so that the latency cancels out). SimGrid's TCP model gives less than the nominal
# 100 Mbit/s: 0.97 of the bandwidth, shared with the acknowledgements' 5% cross traffic.
t1=$("$BIN/route_time" "$EX/platform.xml" bob alice 10000000)
t2=$("$BIN/route_time" "$EX/platform.xml" bob alice 60000000)
ref=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", 50e6 * 8 / (b - a) / 1e6 }')

# iperf3's summary lines, in Mbit/s: "[  5]   0.00-5.00   sec  56.0 MBytes  94.0 Mbits/sec    0   sender".
rate() {
	awk -v side="$1" '$NF == side && $0 ~ /bits\/sec/ {
		for (i = 1; i < NF; i++) if ($(i + 1) ~ /bits\/sec$/) { v = $i; u = $(i + 1) }
		m = u ~ /^G/ ? 1000 : u ~ /^M/ ? 1 : u ~ /^K/ ? 0.001 : 0.000001
		printf "%.3f\n", v * m }' "$2" | tail -1
}
sent=$(rate sender "$WORK/iperf3.out")
received=$(rate receiver "$WORK/iperf3.out")
[ -n "$sent" ] && [ -n "$received" ] || fail "no sender or receiver summary in iperf3's output"
for got in "$sent" "$received"; do
	within "$got" "$ref" 0.10 ||
		fail "iperf3 measured $got Mbit/s; SimGrid's rate for the route is $ref Mbit/s (sender $sent, receiver $received)"
done
echo "iperf3: sender $sent Mbit/s, receiver $received Mbit/s, SimGrid $ref Mbit/s, wall ${wall}s"

# The same run in translate mode: the kernel carries the bytes over loopback and reprise paces them. It
# used to abort (an actor, and its stack's mappings, for every few bytes written). The sender must see
# SimGrid's rate within 10%; the receiver, whose count leaves out what is still crossing when the test ends,
# what it sees in mediate mode within 10%. The server's dual-stack socket is translated too: it names bob
# by his virtual IPv4 address, and nothing is warned about.
start=$(date +%s.%N)
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$EX/iperf3.xml" > "$WORK/translate.out" 2> "$WORK/translate.err" ||
	fail "translate run failed: $(cat "$WORK/translate.err")"
twall=$(seconds_since "$start")
expect_grep "alice: 'iperf3 -s -1' started 0\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/translate.err"
expect_grep "bob: 'iperf3 -c alice -t 5' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/translate.err"
expect_grep '^iperf Done\.$' "$WORK/translate.out"
expect_grep '^Accepted connection from 10\.0\.0\.1, port [0-9]+$' "$WORK/translate.out"
expect_no_grep 'reprise: warning' "$WORK/translate.err"
tsent=$(rate sender "$WORK/translate.out")
treceived=$(rate receiver "$WORK/translate.out")
[ -n "$tsent" ] && [ -n "$treceived" ] || fail "no sender or receiver summary in translate mode's iperf3 output"
within "$tsent" "$ref" 0.10 ||
	fail "translated iperf3 sent at $tsent Mbit/s; SimGrid's rate for the route is $ref Mbit/s"
within "$treceived" "$received" 0.10 ||
	fail "translated iperf3 received at $treceived Mbit/s, mediated at $received Mbit/s"
echo "iperf3 translated: sender $tsent Mbit/s, receiver $treceived Mbit/s, wall ${twall}s"
awk -v w="$twall" 'BEGIN { exit !(w < 60) }' || fail "the translated iperf3 run took $twall s of wall time"

# The IPv4-only server (-4: an AF_INET socket) with the client's JSON report (-J), by address: this run
# used to hang, iperf3 polling a writable socket in a loop that took no simulated time.
cat > "$WORK/json.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="iperf3" kill_time="60"><argument value="-s"/><argument value="-4"/><argument value="-1"/></actor>
  <actor host="bob" function="iperf3" start_time="1">
    <argument value="-c"/><argument value="192.168.1.10"/><argument value="-t"/><argument value="5"/><argument value="-J"/>
  </actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/json.xml" > "$WORK/json.out" 2> "$WORK/json.err" ||
	fail "emulate failed: $(cat "$WORK/json.err")"
expect_grep "alice: 'iperf3 -s -4 -1' started 0\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/json.err"
# The client's JSON document is the part of the output from its opening brace to its closing one.
python3 - "$WORK/json.out" "$ref" <<'PY' || fail "iperf3's JSON report is off: $(head -c 2000 "$WORK/json.out")"
import json, sys
text = open(sys.argv[1]).read()
report = json.loads(text[text.index("{\n"):text.rindex("\n}") + 2])
ref = float(sys.argv[2]) * 1e6
end = report["end"]
for side in ("sum_sent", "sum_received"):
    got = end[side]["bits_per_second"]
    print("iperf3 -J: %s %.1f Mbit/s" % (side, got / 1e6))
    if abs(got - ref) / ref > 0.10:
        sys.exit(1)
if report["start"]["connected"][0]["remote_host"] != "192.168.1.10":
    sys.exit(1)
PY
awk -v w="$wall" 'BEGIN { exit !(w < 60) }' || fail "the iperf3 run took $wall s of wall time"
exit 0
