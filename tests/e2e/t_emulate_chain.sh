# reprise emulate with three hosts in a chain: curl on carol asks bob's python relay (examples/emulate/relay.py),
# which fetches the file from python3 -m http.server on alice; carol must get alice's file, over both links.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
command -v curl > /dev/null || skip "curl is not installed"
command -v python3 > /dev/null || skip "python3 is not installed"
cd "$ROOT"

mkdir -p "$WORK/www"
head -c 300000 /dev/urandom | base64 > "$WORK/www/x"
sed -e "s|<argument value=\"examples/emulate\"/>|<argument value=\"$WORK/www\"/>|" \
	-e "s|<argument value=\"-D\"/><argument value=\"-\"/><argument value=\"http://bob:8000/platform.xml\"/>|<argument value=\"-D\"/><argument value=\"$WORK/headers\"/><argument value=\"-o\"/><argument value=\"$WORK/got\"/><argument value=\"http://bob:8000/x\"/>|" \
	"$EX/chain.xml" > "$WORK/chain.xml"
grep -q "$WORK/got" "$WORK/chain.xml" || fail "could not adapt examples/emulate/chain.xml"
"$REPRISE" emulate "$EX/platform.xml" "$WORK/chain.xml" > "$WORK/out" 2> "$WORK/err" || fail "emulate failed: $(cat "$WORK/err")"
cmp "$WORK/www/x" "$WORK/got" || fail "carol did not get alice's file"
expect_grep '^X-Relayed-From: alice:8000' "$WORK/headers"
# alice saw bob (its dual-stack server: IPv4-mapped), bob saw carol, at the simulated date.
expect_grep '^::ffff:10\.0\.0\.1 - - \[01/Jan/2000 00:00:0[2-5]\] "GET /x HTTP/1\.1" 200 -$' "$WORK/err"
expect_grep '^10\.0\.0\.2 - - \[01/Jan/2000 00:00:0[2-5]\] "GET /x HTTP/1\.1" 200 -$' "$WORK/err"
expect_grep "carol: 'curl -sS -D .* http://bob:8000/x' started 2\.000000 s, ended [2-5]\.[0-9]+ s, exited 0" "$WORK/err"
exit 0
