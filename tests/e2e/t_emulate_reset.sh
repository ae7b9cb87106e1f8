# reprise emulate: abortive closes and full accept queues, as Linux has them.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/conn_probe" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# SO_LINGER {1, 0} then close, and a close with received bytes unread: the peer gets an RST one crossing
# later, so its recv fails with ECONNRESET; the error is taken, poll says in and hup, a send fails with
# EPIPE, and a read sees the end. (The server's times may carry a few simulated milliseconds of the
# driver's polling of its natively run accept, so only the peers' order of events is checked.)
"$REPRISE" emulate "$EX/platform.xml" "$EX/reset.xml" > "$WORK/reset.out" 2> "$WORK/reset.err" ||
	fail "emulate failed: $(cat "$WORK/reset.err")"
expect_grep '^reset: closed \(linger\) at ' "$WORK/reset.out"
expect_grep '^reset: closed \(unread\) at ' "$WORK/reset.out"
[ "$(grep -c '^peer: recv: Connection reset by peer at ' "$WORK/reset.out")" -eq 2 ] || fail "both peers should see ECONNRESET"
[ "$(grep -c '^peer: poll: in hup$' "$WORK/reset.out")" -eq 2 ] || fail "both peers should poll in and hup"
[ "$(grep -c '^peer: send: Broken pipe at ' "$WORK/reset.out")" -eq 2 ] || fail "both peers should get EPIPE"
[ "$(grep -c '^peer: recv: 0 at ' "$WORK/reset.out")" -eq 2 ] || fail "both peers should read the end"
# The RST comes after the handshake (0.26 s) and, for the unread case, after the 100 bytes reached alice.
awk '/^peer: recv: Connection reset/ { n++; if ($NF < 0.26) exit 1 } END { exit n != 2 }' "$WORK/reset.out" ||
	fail "an RST came before the connection was made"

# SO_RCVTIMEO: a receive nobody answers gives up after its 1.5 simulated seconds.
expect_grep '^timeout: recv: Resource temporarily unavailable at 1\.50$' "$WORK/reset.out"

# Backlog 1 holds two connections; the third SYN is dropped at 1 s and 2 s and gets in at 4 s, once
# alice accepted at 3 s (4.26 s: its try, plus a round trip). With backlog 0 and nobody accepting, the
# second client gives up after 6 retries: ETIMEDOUT 127 s after it began.
"$REPRISE" emulate "$EX/platform.xml" "$EX/backlog.xml" > "$WORK/backlog.out" 2> "$WORK/backlog.err" ||
	fail "emulate failed: $(cat "$WORK/backlog.err")"
[ "$(grep -c '^connect: through at 0\.26$' "$WORK/backlog.out")" -eq 2 ] || fail "two connections should fit backlog 1"
expect_grep '^connect: through at 3\.26$' "$WORK/backlog.out"
[ "$(grep -cE '^listen: accepted port [0-9]+ at 3\.[0-9]+$' "$WORK/backlog.out")" -eq 2 ] || fail "two connections should wait in the queue"
expect_grep '^listen: accepted port [0-9]+ at 4\.[1-9][0-9]$' "$WORK/backlog.out"
expect_grep '^connect: through at 0\.52$' "$WORK/backlog.out"
expect_grep '^connect: Connection timed out at 127\.00$' "$WORK/backlog.out"
exit 0
