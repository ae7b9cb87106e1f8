# Traces are created with mode 0600, even over an existing file; an unwritable path is a one-line error
# and the command is not run.
. "$E2E_DIR/lib.sh"
touch old.rpr && chmod 0644 old.rpr
"$REPRISE" record -o old.rpr -- true
[ "$(stat -c %a old.rpr)" = 600 ] || fail "trace mode is $(stat -c %a old.rpr), want 600"
"$REPRISE" record -o new.rpr -- true
[ "$(stat -c %a new.rpr)" = 600 ] || fail "trace mode is $(stat -c %a new.rpr), want 600"
expect_status 1 "$REPRISE" record -o /nonexistent/dir/t.rpr -- touch ran 2> err.txt
one_line_error err.txt
[ ! -e ran ] || fail "the command ran although the trace could not be created"
