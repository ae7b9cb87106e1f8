# reprise show's options: -p, -e, -s, -x, --data, --raw, --since/--until.
. "$E2E_DIR/lib.sh"
printf 'hello-show\n' > in.txt
printf 'caf\xc3\xa9\n' > utf.txt
"$REPRISE" record -o t.rpr -- sh -c 'cat in.txt; sleep 1; cat utf.txt' > /dev/null
"$REPRISE" show t.rpr > all.txt

"$REPRISE" show -e trace=read t.rpr > read.txt
expect_grep 'read\(3, "hello-show\\n", [0-9]+\) = 11' read.txt
expect_no_grep ' (openat|write|mmap)\(' read.txt
# options after the trace, as strace users type them after the command
"$REPRISE" show t.rpr -e trace=read > read_after.txt
cmp read.txt read_after.txt || fail "show TRACE -e differs from show -e TRACE"
"$REPRISE" stats t.rpr -e trace=read > stats_after.txt
"$REPRISE" stats -e trace=read t.rpr > stats_before.txt
cmp stats_before.txt stats_after.txt || fail "stats TRACE -e differs from stats -e TRACE"

first_cat=$(grep 'execve("/usr/bin/cat"' all.txt | head -n 1 | awk '{print $1}')
"$REPRISE" show -p "$first_cat" t.rpr > p.txt
[ "$(awk '{print $1}' p.txt | sort -u)" = "$first_cat" ] || fail "-p $first_cat showed other processes"
expect_grep 'hello-show' p.txt
expect_no_grep 'openat\(.*utf\.txt|"caf' p.txt

"$REPRISE" show -s 5 -e trace=write t.rpr > s.txt
expect_grep 'write\(1, "hello"\.\.\., 11\) = 11' s.txt

"$REPRISE" show -x -e trace=write t.rpr > x.txt
# like strace -x: a string with any non-ASCII byte is printed all in hex
expect_grep 'write\(1, "\\x63\\x61\\x66\\xc3\\xa9\\x0a", 6\) = 6' x.txt
expect_grep 'write\(1, "hello-show\\n", 11\) = 11' x.txt

"$REPRISE" show --data -e trace=write t.rpr > data.txt
expect_grep '^ \| 00000  68 65 6c 6c 6f 2d 73 68  6f 77 0a +hello-show\. +\|$' data.txt

"$REPRISE" show --raw -e trace=openat t.rpr > raw.txt
expect_grep 'openat\(0xffffff9c, 0x[0-9a-f]+, 0x[0-9a-f]+\) = 3' raw.txt

"$REPRISE" show --since 0.6 t.rpr > since.txt
expect_no_grep 'hello-show' since.txt
expect_grep '"caf' since.txt
"$REPRISE" show --until 0.6 t.rpr > until.txt
expect_grep 'hello-show' until.txt
expect_no_grep 'openat\(.*utf\.txt|"caf' until.txt

expect_status 2 "$REPRISE" show --since yesterday t.rpr 2> err.txt
one_line_error err.txt
