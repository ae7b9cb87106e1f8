# reprise emulate: epoll, select and poll over mediated sockets mixed with kernel descriptors, timeouts in simulated time.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/epoll_server" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# One epoll server, three clients on two other hosts; each client's select times out after one simulated second.
"$REPRISE" emulate "$EX/platform.xml" "$EX/epoll.xml" > "$WORK/epoll.out" 2> "$WORK/epoll.err" || fail "emulate failed: $(cat "$WORK/epoll.err")"
expect_grep '^server: 3 clients served, 300000 bytes echoed$' "$WORK/epoll.out"
expect_grep '^server: the pipe was ready too$' "$WORK/epoll.out"
[ "$(grep -c '^client: select gave 0 after 1\.000000 s$' "$WORK/epoll.out")" = 3 ] || fail "not every select timed out after 1 s"
[ "$(grep -c '^client: 100000 bytes echoed in ' "$WORK/epoll.out")" = 3 ] || fail "not every client got its bytes back"
expect_grep "alice: '.*epoll_server 7000 3' started 0\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/epoll.err"
[ "$(grep -c "echo_client .* exited 0" "$WORK/epoll.err")" = 3 ] || fail "not every client exited 0"
expect_no_grep 'may be wrong' "$WORK/epoll.err"

# Python's select, poll and epoll: a ready pipe beside an idle socket, then timeouts that take simulated time only.
cat > "$WORK/py.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="bob" function="/usr/bin/python3"><argument value="-c"/><argument value="
import os, select, socket, time
r, w = os.pipe(); os.write(w, b'x')
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', 9000))
print('select', select.select([u, r], [], [], 5)[0] == [r])
p = select.poll(); p.register(u, select.POLLIN); p.register(r, select.POLLIN)
print('poll', p.poll(5000) == [(r, select.POLLIN)])
e = select.epoll(); e.register(u, select.EPOLLIN); e.register(r, select.EPOLLIN)
print('epoll', e.poll(5) == [(r, select.EPOLLIN)])
os.read(r, 1)
t = time.monotonic(); print('select', select.select([u, r], [], [], 2.5), round(time.monotonic() - t, 6))
t = time.monotonic(); print('epoll', e.poll(1.5), round(time.monotonic() - t, 6))
u.sendto(b'hi', ('127.0.0.1', 9000))
print('epoll', e.poll(5) == [(u.fileno(), select.EPOLLIN)])
"/></actor>
</platform>
XML
start=$(date +%s.%N)
"$REPRISE" emulate "$EX/platform.xml" "$WORK/py.xml" > "$WORK/py.out" 2> "$WORK/py.err" || fail "python run failed: $(cat "$WORK/py.err")"
wall=$(seconds_since "$start")
awk -v w="$wall" 'BEGIN { exit !(w < 2.5) }' || fail "4 s of simulated timeouts took $wall s of wall time"
expect_grep '^select True$' "$WORK/py.out"
expect_grep '^poll True$' "$WORK/py.out"
expect_grep '^epoll True$' "$WORK/py.out"
expect_grep '^select \(\[\], \[\], \[\]\) 2\.5$' "$WORK/py.out"
expect_grep '^epoll \[\] 1\.5$' "$WORK/py.out"
[ "$(grep -c '^epoll True$' "$WORK/py.out")" = 2 ] || fail "the datagram was not reported by epoll"

# A lone program talking to itself over TCP loopback: the bytes take no simulated time (its waits in the kernel may add a quantum).
cat > "$WORK/loop.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="bob" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket, time
l = socket.socket(); l.bind(('', 9000)); l.listen()
c = socket.create_connection(('127.0.0.1', 9000)); s, _ = l.accept()
c.sendall(b'hi' * 100000); c.close()
n = 0
while True:
    b = s.recv(65536)
    if not b: break
    n += len(b)
print('loopback', n, time.monotonic())
"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/loop.xml" > "$WORK/loop.out" 2> "$WORK/loop.err" || fail "loopback run failed: $(cat "$WORK/loop.err")"
expect_grep '^loopback 200000 0\.0[0-9]*$' "$WORK/loop.out"
exit 0
