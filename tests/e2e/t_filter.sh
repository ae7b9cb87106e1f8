# -e trace= narrows recording (through seccomp: unselected calls leave no events), --no-data and -s limit data.
. "$E2E_DIR/lib.sh"
printf 'filter-data-0123456789\n' > in.txt
"$REPRISE" record -e trace=openat,close -o f.rpr -- cat in.txt > /dev/null
"$REPRISE" show f.rpr > f.txt
expect_grep 'openat\(AT_FDCWD, "in.txt", O_RDONLY\) = 3' f.txt
expect_no_grep ' (read|write|mmap|fstat|newfstatat)\(' f.txt
"$REPRISE" record -e 'trace=!%memory' -o m.rpr -- cat in.txt > /dev/null
"$REPRISE" show m.rpr > m.txt
expect_grep 'read\(3, "filter-data-0123456789\\n"' m.txt
expect_no_grep ' (mmap|munmap|mprotect|brk)\(' m.txt
"$REPRISE" record --no-data -o n.rpr -- cat in.txt > /dev/null
"$REPRISE" show n.rpr > n.txt
expect_grep 'openat\(AT_FDCWD, "in.txt", O_RDONLY\) = 3' n.txt
expect_no_grep 'filter-data' n.txt
"$REPRISE" record -s 6 -o s.rpr -- cat in.txt > /dev/null
"$REPRISE" show -s 256 s.rpr > s.txt
expect_grep 'read\(3, "filter"\.\.\., [0-9]+\) = 23' s.txt
