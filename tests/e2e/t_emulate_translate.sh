# reprise emulate --mode=translate: real kernel sockets over loopback, virtual addresses for the programs, simulated transfer times.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/tcp_client" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# Every deployed program carries this variable, so what outlives reprise can be found.
MARK="REPRISE_TRANSLATE_TEST=$WORK"
mark() { sed "s|</actor>|<prop id=\"env.REPRISE_TRANSLATE_TEST\" value=\"$WORK\"/></actor>|" "$1"; }
left_running() {
	{ grep -lsaF "$MARK" /proc/[0-9]*/environ || true; } | sed 's|/proc/\([0-9]*\)/environ|\1|' | tr '\n' ' '
}

# The TCP example: 1 MB from carol to alice and one byte back, as long as SimGrid says and as in mediate mode.
mark "$EX/tcp.xml" > "$WORK/tcp.xml"
"$REPRISE" emulate --mode=mediate "$EX/platform.xml" "$WORK/tcp.xml" > "$WORK/mediate.out" 2> "$WORK/mediate.err" ||
	fail "mediate run failed: $(cat "$WORK/mediate.err")"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/tcp.xml" > "$WORK/tcp.out" 2> "$WORK/tcp.err" ||
	fail "translate run failed: $(cat "$WORK/tcp.err")"
# The server prints the peer address accept gave it: carol's virtual address, with the port the kernel chose.
expect_grep '^server: 1000000 bytes from 10\.0\.0\.2:[0-9]+, then end of stream$' "$WORK/tcp.out"
expect_grep "carol: '.*tcp_client 192\.168\.1\.10 5000 1000000' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/tcp.err"
expect_grep "alice: '.*tcp_server 5000 1000000' started 0\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/tcp.err"
expect_no_grep 'warning' "$WORK/tcp.err"
got=$(sed -n 's/^client: 1000000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/tcp.out")
mediated=$(sed -n 's/^client: 1000000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/mediate.out")
want=$("$BIN/route_time" "$EX/platform.xml" carol alice 1000000)
[ -n "$got" ] && [ -n "$mediated" ] || fail "a client printed no time"
within "$got" "$want" 0.01 ||
	fail "the translated transfer took $got s, SimGrid says $want s"
within "$got" "$mediated" 0.01 ||
	fail "the translated transfer took $got s, the mediated one $mediated s"

# The UDP example: 20 datagrams of 50000 bytes, each answered, each taking the route's time.
mark "$EX/udp.xml" > "$WORK/udp.xml"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/udp.xml" > "$WORK/udp.out" 2> "$WORK/udp.err" ||
	fail "translate UDP run failed: $(cat "$WORK/udp.err")"
expect_grep '^server: 20 datagrams of 50000 bytes from 10\.0\.0\.2:[0-9]+$' "$WORK/udp.out"
got=$(sed -n 's/^client: 20 datagrams of 50000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/udp.out")
one=$("$BIN/route_time" "$EX/platform.xml" carol alice 50000)
[ -n "$got" ] || fail "the UDP client printed no time"
within "$got" "$(awk -v o="$one" 'BEGIN { print 20 * o }')" 0.01 ||
	fail "20 round trips took $got s, SimGrid says 20 x $one s"

# The epoll example: a non-blocking epoll server (a pipe in its set too), clients waiting in select with a
# timeout first; as in mediate mode, to the microsecond.
mark "$EX/epoll.xml" > "$WORK/epoll.xml"
"$REPRISE" emulate --mode=mediate "$EX/platform.xml" "$WORK/epoll.xml" > "$WORK/epoll-mediate.out" 2> "$WORK/epoll-mediate.err" ||
	fail "mediated epoll run failed: $(cat "$WORK/epoll-mediate.err")"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/epoll.xml" > "$WORK/epoll.out" 2> "$WORK/epoll.err" ||
	fail "translate epoll run failed: $(cat "$WORK/epoll.err")"
expect_grep '^server: 3 clients served, 300000 bytes echoed$' "$WORK/epoll.out"
expect_grep '^server: the pipe was ready too$' "$WORK/epoll.out"
[ "$(grep -c '^client: select gave 0 after 1\.000000 s$' "$WORK/epoll.out")" -eq 3 ] || fail "select did not time out after 1 simulated s"
grep '^client: 100000 bytes echoed' "$WORK/epoll.out" | sort > "$WORK/epoll.times"
grep '^client: 100000 bytes echoed' "$WORK/epoll-mediate.out" | sort > "$WORK/epoll-mediate.times"
cmp -s "$WORK/epoll.times" "$WORK/epoll-mediate.times" || fail "echo times differ: $(cat "$WORK/epoll.times") / $(cat "$WORK/epoll-mediate.times")"

# Python on both ends: the addresses each side sees, data intact, names, 127.0.0.1 within a host, unreachable addresses.
cat > "$WORK/py.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket
t = socket.socket(); t.bind(('', 7000)); t.listen()
print('alice listens on', t.getsockname(), flush=True)
c, peer = t.accept()
print('alice accepted', peer[0], 'on', c.getsockname(), 'peer', c.getpeername() == peer, flush=True)
data = b''
while True:
    chunk = c.recv(65536)
    if not chunk: break
    data += chunk
print('alice got', len(data), data == bytes(i % 251 for i in range(300000)), flush=True)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', 7000))
c.sendall(b'thanks'); c.close()
d, src = u.recvfrom(4)
print('alice datagram', d, 'from', src[0], src[1] == peer[1] + 1, flush=True)
"/></actor>
  <actor host="bob" function="/usr/bin/python3" start_time="1"><argument value="-c"/><argument value="
import socket
s = socket.create_connection(('alice', 7000))
print('bob connected from', s.getsockname()[0], 'to', s.getpeername(), flush=True)
s.sendall(bytes(i % 251 for i in range(300000))); s.shutdown(socket.SHUT_WR)
print('bob got', s.recv(100), flush=True)
try:
    socket.create_connection(('172.16.0.1', 7000))
except OSError as e:
    print('bob:', e.strerror, flush=True)
l = socket.socket(); l.bind(('127.0.0.1', 7100)); l.listen()
print('bob listens on', l.getsockname(), flush=True)
c = socket.create_connection(('127.0.0.1', 7100)); a, _ = l.accept()
c.sendall(b'self'); print('bob to itself', a.recv(10), flush=True)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', s.getsockname()[1] + 1))
u.sendto(b'truncated', ('192.168.1.10', 7000))
"/></actor>
</platform>
XML
mark "$WORK/py.xml" > "$WORK/py-marked.xml"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/py-marked.xml" > "$WORK/py.out" 2> "$WORK/py.err" ||
	fail "python run failed: $(cat "$WORK/py.err")"
expect_grep "^alice listens on \('0\.0\.0\.0', 7000\)$" "$WORK/py.out"
expect_grep "^alice accepted 10\.0\.0\.1 on \('192\.168\.1\.10', 7000\) peer True$" "$WORK/py.out"
expect_grep "^alice got 300000 True$" "$WORK/py.out"
expect_grep "^alice datagram b'trun' from 10\.0\.0\.1 True$" "$WORK/py.out"
expect_grep "^bob connected from 10\.0\.0\.1 to \('192\.168\.1\.10', 7000\)$" "$WORK/py.out"
expect_grep "^bob got b'thanks'$" "$WORK/py.out"
expect_grep '^bob: Network is unreachable$' "$WORK/py.out"
expect_grep "^bob listens on \('127\.0\.0\.1', 7100\)$" "$WORK/py.out"
expect_grep "^bob to itself b'self'$" "$WORK/py.out"
# The same exchange mediated takes as long (within 1%): handshake, 300 kB and the FIN behind them, the answer, the datagram.
"$REPRISE" emulate --mode=mediate "$EX/platform.xml" "$WORK/py-marked.xml" > "$WORK/py-mediate.out" 2> "$WORK/py-mediate.err" ||
	fail "mediated python run failed: $(cat "$WORK/py-mediate.err")"
got=$(sed -n 's/^reprise: emulate: simulated time \([0-9.]*\) s$/\1/p' "$WORK/py.err")
mediated=$(sed -n 's/^reprise: emulate: simulated time \([0-9.]*\) s$/\1/p' "$WORK/py-mediate.err")
{ within "$got" "$mediated" 0.01 && awk -v m="$mediated" 'BEGIN { exit !(m > 1.5) }'; } ||
	fail "the translated python exchange ended at $got s, the mediated one at $mediated s"

# IPv6 sockets: the hosts have IPv4 addresses only, which IPv6 sockets reach IPv4-mapped, as dual-stack sockets do;
# an IPv6 destination is unreachable and an IPv6 address cannot be bound, whatever this machine's own network has.
cat > "$WORK/v6.xml" <<'XML'
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket, sys
def say(*words): sys.stdout.write(' '.join(map(str, words)) + '\n'); sys.stdout.flush()
t = socket.socket(socket.AF_INET6); t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); t.bind(('::', 7000)); t.listen()
say('alice listens on', t.getsockname()[:2])
for _ in range(2):
    c, peer = t.accept()
    say('alice accepted', peer[0], 'on', c.getsockname()[0], 'says', c.recv(10))
    c.sendall(b'hi'); c.close()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(('::', 7000))
d, src = u.recvfrom(10)
say('alice datagram', d, 'from', src[0])
u.sendto(b'back', src)
o = socket.socket(socket.AF_INET6); o.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); o.bind(('::', 7001))
try:
    o.connect(('::ffff:10.0.0.2', 7000))
except OSError as e:
    say('alice v6only:', e.strerror)
for a in ('::1', 'fd00::1'):
    try:
        socket.socket(socket.AF_INET6).bind((a, 0))
    except OSError as e:
        say('alice bind', a, e.strerror)
"/></actor>
  <actor host="bob" function="/usr/bin/python3" start_time="1"><argument value="-c"/><argument value="
import socket, sys
def say(*words): sys.stdout.write(' '.join(map(str, words)) + '\n'); sys.stdout.flush()
s = socket.create_connection(('alice', 7000)); s.sendall(b'ipv4')
say('bob got', s.recv(10))
s6 = socket.socket(socket.AF_INET6); s6.connect(('::ffff:192.168.1.10', 7000)); s6.sendall(b'mapped')
say('bob mapped from', s6.getsockname()[0], 'to', s6.getpeername()[0], 'got', s6.recv(10))
for a in ('::1', '2001:db8::1'):
    try:
        socket.socket(socket.AF_INET6).connect((a, 7000))
    except OSError as e:
        say('bob to', a, e.strerror)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.sendto(b'dgram', ('::ffff:192.168.1.10', 7000))
d, src = u.recvfrom(10)
say('bob datagram', d, 'from', src[0], src[1])
say('getaddrinfo', socket.getaddrinfo(None, 8000, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][4][0])
"/></actor>
</platform>
XML
mark "$WORK/v6.xml" > "$WORK/v6-marked.xml"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/v6-marked.xml" > "$WORK/v6.out" 2> "$WORK/v6.err" ||
	fail "IPv6 run failed: $(cat "$WORK/v6.err")"
expect_grep "^alice listens on \('::', 7000\)$" "$WORK/v6.out"
[ "$(grep -c "^alice accepted ::ffff:10\.0\.0\.1 on ::ffff:192\.168\.1\.10 says b'\(ipv4\|mapped\)'$" "$WORK/v6.out")" -eq 2 ] ||
	fail "the dual-stack listener did not take both clients by their mapped virtual addresses: $(cat "$WORK/v6.out")"
expect_grep "^bob got b'hi'$" "$WORK/v6.out"
expect_grep "^bob mapped from ::ffff:10\.0\.0\.1 to ::ffff:192\.168\.1\.10 got b'hi'$" "$WORK/v6.out"
expect_grep '^bob to ::1 Network is unreachable$' "$WORK/v6.out"
expect_grep '^bob to 2001:db8::1 Network is unreachable$' "$WORK/v6.out"
expect_grep "^alice datagram b'dgram' from ::ffff:10\.0\.0\.1$" "$WORK/v6.out"
expect_grep "^bob datagram b'back' from ::ffff:192\.168\.1\.10 7000$" "$WORK/v6.out"
expect_grep '^alice v6only: Network is unreachable$' "$WORK/v6.out"
expect_grep '^alice bind ::1 Cannot assign requested address$' "$WORK/v6.out"
expect_grep '^alice bind fd00::1 Cannot assign requested address$' "$WORK/v6.out"
# The C library's choice for a passive address (RFC 3484 sorting, which probes with an IPv6 socket) is IPv4's.
expect_grep '^getaddrinfo 0\.0\.0\.0$' "$WORK/v6.out"
[ "$(grep -c 'warning' "$WORK/v6.err")" -eq 1 ] && expect_grep 'IPv6-only socket \(IPV6_V6ONLY\) has no peers' "$WORK/v6.err"

# SO_RCVTIMEO bounds blocking receives and accepts in simulated time.
cat > "$WORK/timeo.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket, struct, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', 7000))
t = socket.socket(); t.bind(('', 7000)); t.listen()
for s in (u, t):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 2, 500000))
    start = time.monotonic()
    try:
        s.recvfrom(10) if s is u else s.accept()
    except BlockingIOError:
        print('gave up after', time.monotonic() - start, flush=True)
"/></actor>
</platform>
XML
mark "$WORK/timeo.xml" > "$WORK/timeo-marked.xml"
"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/timeo-marked.xml" > "$WORK/timeo.out" 2> "$WORK/timeo.err" ||
	fail "SO_RCVTIMEO run failed: $(cat "$WORK/timeo.err")"
[ "$(grep -c '^gave up after 2\.5$' "$WORK/timeo.out")" -eq 2 ] || fail "SO_RCVTIMEO: $(cat "$WORK/timeo.out")"

# Real programs: python3's http.server on alice, curl on carol. The server's choice between :: and 0.0.0.0 is
# made in the emulation (the C library probes with an IPv6 socket), never by this machine's own network.
if command -v curl > /dev/null; then
	mkdir -p "$WORK/www"
	echo "hello from alice" > "$WORK/www/index.html"
	# python3's start may take up to a simulated second (calls that may wait in the kernel are looked at in growing
	# simulated quanta): curl comes at 3 s.
	cat > "$WORK/http.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="python3" kill_time="6">
    <argument value="-m"/><argument value="http.server"/><argument value="8000"/>
    <prop id="cwd" value="$WORK/www"/>
  </actor>
  <actor host="carol" function="curl" start_time="3"><argument value="-sS"/><argument value="http://alice:8000/"/></actor>
</platform>
XML
	mark "$WORK/http.xml" > "$WORK/http-marked.xml"
	"$REPRISE" emulate --mode=translate "$EX/platform.xml" "$WORK/http-marked.xml" > "$WORK/http.out" 2> "$WORK/http.err" ||
		fail "http run failed: $(cat "$WORK/http.err"); the server printed: $(cat "$WORK/http.out")"
	expect_grep '^hello from alice$' "$WORK/http.out"
	expect_grep '^Serving HTTP on 0\.0\.0\.0 port 8000' "$WORK/http.out"
	expect_grep '^10\.0\.0\.2 - - \[01/Jan/2000 00:00:03\] "GET / HTTP/1\.1" 200 -$' "$WORK/http.err"
	expect_grep "carol: 'curl -sS http://alice:8000/' started 3\.000000 s, ended 3\.[0-9]+ s, exited 0" "$WORK/http.err"
	expect_grep 'simulated time 6\.000000 s' "$WORK/http.err"
	expect_no_grep 'reprise: warning' "$WORK/http.err"
fi

left=$(left_running)
[ -z "$left" ] || fail "programs left running: $left"
exit 0
