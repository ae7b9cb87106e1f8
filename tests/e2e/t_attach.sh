# -p attaches to a running multi-line writer; SIGINT detaches and leaves it running.
. "$E2E_DIR/lib.sh"
sh -c 'while :; do echo tick; sleep 0.1; done' > ticks.txt &
victim=$!
trap 'kill $victim 2>/dev/null || true' EXIT
sleep 0.3
"$REPRISE" record -o att.rpr -p "$victim" 2> rec.err &
rec=$!
sleep 1.5
kill -INT "$rec"
rc=0; wait "$rec" || rc=$?
[ "$rc" -eq 0 ] || { cat rec.err >&2; fail "record -p exited with $rc"; }
kill -0 "$victim" || fail "the attached process died"
before=$(wc -l < ticks.txt); sleep 0.5; after=$(wc -l < ticks.txt)
[ "$after" -gt "$before" ] || fail "the attached process stopped running after detach"
grep -q TracerPid:.0 /proc/$victim/status || fail "the process is still traced"
"$REPRISE" show att.rpr > att.txt
expect_grep 'clone\(|fork\(|clone3\(' att.txt
expect_grep 'execve\(".*sleep"' att.txt
expect_grep '\+\+\+ exited with 0 \+\+\+' att.txt
expect_grep 'wait4\(-1, ' att.txt
