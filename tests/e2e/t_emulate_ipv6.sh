# reprise emulate: IPv6 sockets between hosts and on ::1, dual-stack sockets taking IPv4 peers as
# ::ffff:a.b.c.d, an IPV6_V6ONLY listener refusing IPv4, UDP over both, every address as Linux reports it.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/ipv6_probe" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

"$REPRISE" emulate "$EX/platform.xml" "$EX/ipv6.xml" > "$WORK/out" 2> "$WORK/err" || fail "emulate failed: $(cat "$WORK/err")"
expect_no_grep 'warning' "$WORK/err"
expect_no_grep 'exited [1-9]' "$WORK/err"
# alice is 192.168.1.10, so fd00::c0a8:10a; bob 10.0.0.1 (fd00::a00:1); carol 10.0.0.2 (fd00::a00:2).
expect_grep '^tcp-client fd00::c0a8:10a 7000: \[fd00::a00:1\]:32768 -> \[fd00::c0a8:10a\]:7000, echo hello$' "$WORK/out"
expect_grep '^tcp-server 7000: accepted \[fd00::a00:1\]:32768 \(peer \[fd00::a00:1\]:32768\) on \[fd00::c0a8:10a\]:7000$' "$WORK/out"
# IPv4 to a dual-stack listener: the client sees plain IPv4, the server IPv4-mapped addresses.
expect_grep '^tcp-client 192\.168\.1\.10 7000: 10\.0\.0\.1:32769 -> 192\.168\.1\.10:7000, echo hello$' "$WORK/out"
expect_grep '^tcp-server 7000: accepted \[::ffff:10\.0\.0\.1\]:32769 \(peer \[::ffff:10\.0\.0\.1\]:32769\) on \[::ffff:192\.168\.1\.10\]:7000$' "$WORK/out"
# IPV6_V6ONLY: IPv4 is refused, IPv6 gets through.
expect_grep '^tcp-client 192\.168\.1\.10 7002: connect: Connection refused$' "$WORK/out"
expect_grep '^tcp-client fd00::c0a8:10a 7002: \[fd00::a00:1\]:[0-9]+ -> \[fd00::c0a8:10a\]:7002, echo hello$' "$WORK/out"
# UDP: recvmsg names the source in a sockaddr_in6 (28 bytes), mapped for IPv4; the answers come back.
expect_grep '^udp-server 7001: 4 bytes from \[fd00::a00:2\]:32768 \(name length 28\)$' "$WORK/out"
expect_grep '^udp-server 7001: 4 bytes from \[::ffff:10\.0\.0\.2\]:32769 \(name length 28\)$' "$WORK/out"
expect_grep '^udp-client fd00::c0a8:10a 7001: ping from \[fd00::c0a8:10a\]:7001 to \[::\]:32768$' "$WORK/out"
expect_grep '^udp-client 192\.168\.1\.10 7001: ping from 192\.168\.1\.10:7001 to 0\.0\.0\.0:32769$' "$WORK/out"
expect_grep '^loopback: \[::1\]:32768 -> \[::1\]:7003, loop$' "$WORK/out"
# A handshake and an exchange over one link: 4 crossings of 0.130 s each, at least.
expect_grep "bob: '.*ipv6_probe tcp-client fd00::c0a8:10a 7000' started 1\.000000 s, ended 1\.[5-9][0-9]+ s, exited 0" "$WORK/err"

# An ip6 property names a host's IPv6 address; a bad one is a one-line error.
sed 's|<host id="bob" speed="1Gf"/>|<host id="bob" speed="1Gf"><prop id="ip6" value="2001:db8::b0b"/></host>|' \
	"$EX/platform.xml" > "$WORK/platform6.xml"
"$REPRISE" emulate "$WORK/platform6.xml" "$EX/ipv6.xml" > "$WORK/out6" 2> "$WORK/err6" || fail "emulate failed: $(cat "$WORK/err6")"
expect_grep '^tcp-server 7000: accepted \[2001:db8::b0b\]:32768 ' "$WORK/out6"
sed 's|2001:db8::b0b|not-an-address|' "$WORK/platform6.xml" > "$WORK/bad.xml"
expect_status 1 "$REPRISE" emulate "$WORK/bad.xml" "$EX/ipv6.xml" 2> "$WORK/bad.err"
one_line_error "$WORK/bad.err"
expect_grep "host bob: ip6 'not-an-address' is not a usable IPv6 address" "$WORK/bad.err"
exit 0
