# Bad command lines and bad files give one line on stderr and a non-zero exit, never a crash.
. "$E2E_DIR/lib.sh"
expect_status 2 "$REPRISE" frobnicate 2> err.txt
one_line_error err.txt
expect_status 2 "$REPRISE" record 2> err.txt
expect_grep '^reprise: record: nothing to record' err.txt
expect_status 2 "$REPRISE" record -e trace=nosuchcall -- true 2> err.txt
one_line_error err.txt
expect_status 2 "$REPRISE" record -p notapid 2> err.txt
one_line_error err.txt
for cmd in show stats; do
	expect_status 1 "$REPRISE" $cmd /nonexistent.rpr 2> err.txt
	one_line_error err.txt
	expect_grep '^reprise: /nonexistent.rpr: No such file or directory$' err.txt
done
head -c 5000 /dev/urandom > random.bin
expect_status 1 "$REPRISE" show random.bin 2> err.txt
one_line_error err.txt
expect_grep '^reprise: random.bin: not a reprise trace$' err.txt
printf 'hello\n' > text.txt
expect_status 1 "$REPRISE" stats text.txt 2> err.txt
one_line_error err.txt
: > empty.rpr
expect_status 1 "$REPRISE" show empty.rpr 2> err.txt
one_line_error err.txt
"$REPRISE" --help | grep -q record || fail "--help does not list record"
for c in record show stats; do
	"$REPRISE" $c --help > help.txt || fail "$c --help failed"
	expect_grep "reprise $c" help.txt
done
