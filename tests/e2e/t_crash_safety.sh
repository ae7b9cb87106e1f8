# A recorder killed with SIGKILL leaves a readable trace up to its last block; truncation at any offset
# never crashes a reader.
. "$E2E_DIR/lib.sh"
"$REPRISE" record -o long.rpr -- sh -c 'i=0; while [ $i -lt 100000 ]; do echo line $i; i=$((i+1)); done > /dev/null' &
rec=$!
sleep 3
kill -9 "$rec"
wait "$rec" || true
"$REPRISE" show long.rpr > long.txt 2> long.err
expect_grep 'trace is incomplete' long.err
[ "$(grep -c 'write(1, "line ' long.txt)" -gt 100 ] || fail "too few events survived the crash"
"$REPRISE" stats long.rpr > stats.txt 2> stats.err

# truncation at random offsets of a complete trace
"$REPRISE" record -o full.rpr -- sh -c 'for i in 1 2 3 4 5 6 7 8 9; do cat /etc/passwd; done > /dev/null'
size=$(stat -c %s full.rpr)
for off in 0 1 7 8 16 31 64 100 $(shuf -i 0-"$size" -n 25 --random-source=full.rpr) $((size - 1)); do
	head -c "$off" full.rpr > cut.rpr
	rc=0; "$REPRISE" show cut.rpr > /dev/null 2> cut.err || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { cat cut.err >&2; fail "show exited with $rc on a trace cut at $off"; }
	[ "$rc" -eq 0 ] || one_line_error cut.err
	rc=0; "$REPRISE" stats cut.rpr > /dev/null 2> cut.err || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || { cat cut.err >&2; fail "stats exited with $rc on a trace cut at $off"; }
done
