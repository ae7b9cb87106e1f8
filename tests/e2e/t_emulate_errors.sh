# reprise emulate on bad input: one line, non-zero exit, no program left behind.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/sleeper" ] || skip "examples not built (make emulate-examples)"
# The release build: SimGrid's context switches make ASan print a warning, which is not an error line.
R=$ROOT/build/reprise
[ -x "$R" ] || R=$REPRISE

deployment() { # deployment FILE HOST PROGRAM: one actor
	cat > "$1" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="$BIN/sleeper"><argument value="100"/></actor>
  <actor host="$2" function="$3"/>
</platform>
XML
}

echo '<platform version="4.1"><zone id="z" routing="Full">' > broken.xml
expect_status 1 "$R" emulate broken.xml "$EX/sleep.xml" 2> err.txt
one_line_error err.txt
expect_grep 'broken\.xml' err.txt

deployment unknown_host.xml dave "$BIN/sleeper"
expect_status 1 "$R" emulate "$EX/platform.xml" unknown_host.xml 2> err.txt
one_line_error err.txt
expect_grep "host 'dave' does not exist" err.txt

deployment missing.xml bob /nonexistent/program
expect_status 1 "$R" emulate "$EX/platform.xml" missing.xml 2> err.txt
one_line_error err.txt
expect_grep "bob: cannot run '/nonexistent/program': No such file or directory" err.txt

deployment not_exec.xml bob "$EX/platform.xml"
expect_status 1 "$R" emulate "$EX/platform.xml" not_exec.xml 2> err.txt
one_line_error err.txt
expect_grep "cannot run .*Permission denied" err.txt

expect_status 1 "$R" emulate "$EX/platform.xml" no_such_file.xml 2> err.txt
one_line_error err.txt
expect_status 2 "$R" emulate --cpu=scaled:fast "$EX/platform.xml" "$EX/sleep.xml" 2> err.txt
one_line_error err.txt
expect_status 2 "$R" emulate --log-level=loud "$EX/platform.xml" "$EX/sleep.xml" 2> err.txt
one_line_error err.txt

# A server nobody connects to is still waiting when the simulation ends: reported, then killed.
cat > idle.xml <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="$BIN/tcp_server"><argument value="7000"/><argument value="10"/></actor>
  <actor host="bob" function="$BIN/sleeper"><argument value="5"/></actor>
</platform>
XML
expect_status 0 "$R" emulate "$EX/platform.xml" idle.xml > out.txt 2> err.txt
expect_grep "alice: '.*tcp_server 7000 10' started 0\.000000 s, ended - s, still running at the end \(killed\)" err.txt
expect_grep 'simulated time 5\.000000 s' err.txt

# Nothing the emulations started survives them.
sleep 0.2
if pgrep -f "$BIN/" > /dev/null; then pgrep -af "$BIN/" >&2; fail "programs left behind"; fi
exit 0
