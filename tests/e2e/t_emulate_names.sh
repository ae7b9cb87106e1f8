# reprise emulate: the platform's host names resolve inside the emulation, from a generated hosts file.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/tcp_client" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# The C client finds the server by name with getaddrinfo; the transfer is the same as by address.
sed 's|<argument value="192\.168\.1\.10"/>|<argument value="alice"/>|' "$EX/tcp.xml" > "$WORK/byname.xml"
grep -q '"alice"/>' "$WORK/byname.xml" || fail "could not make the by-name deployment"
"$REPRISE" emulate "$EX/platform.xml" "$WORK/byname.xml" > "$WORK/byname.out" 2> "$WORK/byname.err" || fail "emulate failed: $(cat "$WORK/byname.err")"
expect_grep '^server: 1000000 bytes from 10\.0\.0\.2:32768, then end of stream$' "$WORK/byname.out"
expect_grep "carol: '.*tcp_client alice 5000 1000000' started 1\.000000 s, ended [0-9.]+ s, exited 0" "$WORK/byname.err"
got=$(sed -n 's/^client: 1000000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/byname.out")
want=$("$BIN/route_time" "$EX/platform.xml" carol alice 1000000)
within "$got" "$want" 0.01 ||
	fail "the transfer by name took '$got' s, SimGrid says $want s"

# Every host, and localhost, as Python's resolver sees them; /etc/hosts read by a program is the platform's.
cat > "$WORK/py.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="carol" function="/usr/bin/python3"><argument value="-c"/><argument value="
import socket
for name in ('alice', 'bob', 'carol', 'localhost'):
    print(name, socket.gethostbyname(name))
print('file', ' '.join(open('/etc/hosts').read().split()))
"/></actor>
</platform>
XML
"$REPRISE" emulate "$EX/platform.xml" "$WORK/py.xml" > "$WORK/py.out" 2> "$WORK/py.err" || fail "python run failed: $(cat "$WORK/py.err")"
expect_grep '^alice 192\.168\.1\.10$' "$WORK/py.out"
expect_grep '^bob 10\.0\.0\.1$' "$WORK/py.out"
expect_grep '^carol 10\.0\.0\.2$' "$WORK/py.out"
expect_grep '^localhost 127\.0\.0\.1$' "$WORK/py.out"
expect_grep '^file 127\.0\.0\.1 localhost 192\.168\.1\.10 alice 10\.0\.0\.1 bob 10\.0\.0\.2 carol$' "$WORK/py.out"
expect_no_grep 'may be wrong' "$WORK/py.err"
exit 0
