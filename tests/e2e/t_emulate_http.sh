# reprise emulate with real programs from Debian: python3's http.server on alice, curl on carol asking for http://alice:8000/.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
command -v curl > /dev/null || skip "curl is not installed"
command -v python3 > /dev/null || skip "python3 is not installed"
cd "$ROOT"

mkdir -p "$WORK/www"
echo "hello from alice" > "$WORK/www/index.html"
# The server would serve forever (its poll times out every 0.5 simulated s): kill_time ends it.
cat > "$WORK/http.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="python3" kill_time="5">
    <argument value="-m"/><argument value="http.server"/><argument value="8000"/>
    <prop id="cwd" value="$WORK/www"/>
  </actor>
  <actor host="carol" function="curl" start_time="1"><argument value="-sS"/><argument value="http://alice:8000/"/></actor>
</platform>
XML
start=$(date +%s.%N)
"$REPRISE" emulate "$EX/platform.xml" "$WORK/http.xml" > "$WORK/http.out" 2> "$WORK/http.err" || fail "emulate failed: $(cat "$WORK/http.err")"
wall=$(seconds_since "$start")
expect_grep '^hello from alice$' "$WORK/http.out"
# The server's access log: carol's address, IPv4-mapped (http.server listens on :: dual-stack), and the
# simulated wall clock (epoch 2000-01-01, one second in).
expect_grep '^::ffff:10\.0\.0\.2 - - \[01/Jan/2000 00:00:01\] "GET / HTTP/1\.1" 200 -$' "$WORK/http.err"
expect_grep "carol: 'curl -sS http://alice:8000/' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/http.err"
expect_grep "alice: 'python3 -m http\.server 8000' started 0\.000000 s, ended - s, still running at the end \(killed\)" "$WORK/http.err"
expect_grep 'simulated time 5\.000000 s' "$WORK/http.err"
awk -v w="$wall" 'BEGIN { exit !(w < 30) }' || fail "5 simulated seconds took $wall s of wall time"
exit 0
