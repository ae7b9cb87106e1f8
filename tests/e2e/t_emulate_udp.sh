# reprise emulate over UDP: datagrams carried whole, each taking the time SimGrid models for its size.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/udp_client" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# 20 round trips of 50000 bytes from carol to alice and one byte back: 20 times what SimGrid computes.
"$REPRISE" emulate "$EX/platform.xml" "$EX/udp.xml" > "$WORK/udp.out" 2> "$WORK/udp.err" || fail "emulate failed: $(cat "$WORK/udp.err")"
expect_grep '^server: 20 datagrams of 50000 bytes from 10\.0\.0\.2:32768$' "$WORK/udp.out"
expect_grep "carol: '.*udp_client 192\.168\.1\.10 6000 20 50000' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/udp.err"
got=$(sed -n 's/^client: 20 datagrams of 50000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/udp.out")
one=$("$BIN/route_time" "$EX/platform.xml" carol alice 50000)
[ -n "$got" ] || fail "the client printed no time"
within "$got" "$(awk -v o="$one" 'BEGIN { print 20 * o }')" 0.01 ||
	fail "20 round trips took $got s, SimGrid says 20 x $one s"

# Python's socket module on both ends: a datagram and its source, truncation, and UDP's own port space.
cat > "$WORK/py.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket
t = socket.socket(); t.bind(('', 7000)); t.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', 7000))
data, src = u.recvfrom(4)
print('alice got', data, 'from', src)
print('alice then', u.recv(100))
"/></actor>
  <actor host="bob" function="/usr/bin/python3" start_time="1"><argument value="-c"/><argument value="
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print('bob sent', u.sendto(b'truncated', ('192.168.1.10', 7000)))
u.sendto(b'whole', ('192.168.1.10', 7000))
try:
    u.sendto(b'x', ('172.16.0.1', 7000))
except OSError as e:
    print('bob:', e.strerror)
"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/py.xml" > "$WORK/py.out" 2> "$WORK/py.err" || fail "python run failed: $(cat "$WORK/py.err")"
expect_grep "^alice got b'trun' from \('10\.0\.0\.1', 32768\)$" "$WORK/py.out"
expect_grep "^alice then b'whole'$" "$WORK/py.out"
expect_grep '^bob sent 9$' "$WORK/py.out"
expect_grep '^bob: Network is unreachable$' "$WORK/py.out"
exit 0
