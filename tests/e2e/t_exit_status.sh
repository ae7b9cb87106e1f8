# reprise exits with the recorded program's status, 128+N when signal N killed it, 127 when it cannot run.
. "$E2E_DIR/lib.sh"
expect_status 7 "$REPRISE" record -o a.rpr -- sh -c 'exit 7'
expect_status 0 "$REPRISE" record -o b.rpr -- true
expect_status 137 "$REPRISE" record -o c.rpr -- sh -c 'kill -9 $$'
expect_status 127 "$REPRISE" record -o d.rpr -- /nonexistent/program 2> err.txt
one_line_error err.txt
expect_grep "cannot run '/nonexistent/program'" err.txt

"$REPRISE" show a.rpr > a.txt
expect_grep '^[0-9]+ +[0-9:.]+ exit_group\(7\) += \?' a.txt
expect_grep '\+\+\+ exited with 7 \+\+\+' a.txt
"$REPRISE" show c.rpr > c.txt
expect_grep 'kill\([0-9]+, SIGKILL' c.txt
expect_grep '\+\+\+ killed by SIGKILL \+\+\+' c.txt
