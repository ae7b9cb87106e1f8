# reprise emulate: a UDP flood. The datagrams a socket has in flight hold its send buffer (the 4 MiB window,
# each one charged 1024 bytes besides its own), so a non-blocking sender gets EAGAIN and a blocking one
# waits, paced by the route, where unbounded datagrams in flight once exhausted SimGrid's actors.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
command -v python3 > /dev/null || skip "python3 is not installed"
cd "$ROOT"

cat > "$WORK/flood.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="bob" function="python3"><argument value="-c"/><argument value="
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
to = ('fd00::c0a8:10a', 9)
s.setblocking(False)
n = 0
try:
    while True:
        s.sendto(b'x' * 65000, to)
        n += 1
except BlockingIOError:
    print('EAGAIN after', n)
s.setblocking(True)
start = time.monotonic()
for i in range(200):
    s.sendto(b'x' * 65000, to)
print('200 more in %.2f s' % (time.monotonic() - start))
"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/flood.xml" > "$WORK/out" 2> "$WORK/err" || fail "emulate failed: $(cat "$WORK/err")"
# 4 MiB / (65000 + 1024) bytes.
expect_grep '^EAGAIN after 63$' "$WORK/out"
# 200 datagrams wait for room as earlier ones land: at least what 100 Mbit/s takes for 200 x 65000 bytes.
got=$(sed -n 's/^200 more in \([0-9.]*\) s$/\1/p' "$WORK/out")
[ -n "$got" ] || fail "the blocking sends did not finish: $(cat "$WORK/out")"
awk -v g="$got" 'BEGIN { exit !(g >= 200 * 65000 * 8 / 100e6) }' || fail "200 datagrams left in $got s"
exit 0
