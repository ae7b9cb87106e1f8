# Real programs, recorded and checked in their traces.
. "$E2E_DIR/lib.sh"
printf 'reprise-cat-content\n' > in.txt

# cat's output goes to a pipe: into a file, GNU cat would copy in the kernel (copy_file_range)
"$REPRISE" record -o cat.rpr -- cat in.txt | cat > /dev/null
"$REPRISE" show cat.rpr > cat.txt
expect_grep 'openat\(AT_FDCWD, "in.txt", O_RDONLY\) = 3' cat.txt
expect_grep 'read\(3, "reprise-cat-content\\n", [0-9]+\) = 20' cat.txt
expect_grep 'write\(1, "reprise-cat-content\\n", 20\) = 20' cat.txt
expect_grep '\+\+\+ exited with 0 \+\+\+' cat.txt

record_show cp cp in.txt out.txt
expect_grep 'openat\(AT_FDCWD, "out.txt", O_WRONLY\|O_CREAT\|O_EXCL, 0644\) = 4' cp.txt
cmp in.txt out.txt

mkdir -p tree/a/b && echo one > tree/a/one.txt && echo two > tree/a/b/two.txt
record_show ls ls -lR tree
expect_grep 'getdents64\(3, 0x[0-9a-f]+ /\* [0-9]+ entries \*/, [0-9]+\) = [0-9]+' ls.txt
expect_grep '(statx|lstat|newfstatat)\(.*"tree/a/b/two.txt"' ls.txt

record_show find find tree -name '*.txt'
expect_grep 'write\(1, "tree/a/one.txt\\ntree/a/b/two.txt\\n"|write\(1, "tree/a/b/two.txt\\ntree/a/one.txt\\n"' find.txt

record_show tarc tar cf t.tar tree
expect_grep 'creat\("t.tar", 0666\) = 3' tarc.txt
expect_grep 'openat\([0-9]+, "one.txt", O_RDONLY\|O_NOCTTY\|O_NONBLOCK\|O_NOFOLLOW\|O_CLOEXEC\) = [0-9]+' tarc.txt
expect_grep 'read\([0-9]+, "one\\n", [0-9]+\) = 4' tarc.txt
mkdir x
record_show tarx tar xf t.tar -C x
expect_grep 'openat\([0-9A-Z_]+, "tree/a/one.txt", O_WRONLY\|O_CREAT\|O_EXCL\|O_NOCTTY\|O_NONBLOCK\|O_CLOEXEC, 0600\) = [0-9]+' tarx.txt
expect_grep 'write\([0-9]+, "two\\n", 4\) = 4' tarx.txt
cmp x/tree/a/b/two.txt tree/a/b/two.txt

record_show pipe sh -c 'echo hello | tr a-z A-Z'
expect_grep 'pipe2?\(\[3, 4\]' pipe.txt
expect_grep 'execve\("/usr/bin/tr", \["tr", "a-z", "A-Z"\]' pipe.txt
expect_grep 'write\(1, "HELLO\\n", 6\) = 6' pipe.txt
[ "$(grep -c 'exited with 0' pipe.txt)" -ge 3 ] || fail "expected 3 processes to exit in pipe.txt"

record_show py python3 -c 'open("py.out", "w").write("py-data")'
expect_grep 'openat\(AT_FDCWD, "py.out", O_WRONLY\|O_CREAT\|O_TRUNC\|O_CLOEXEC, 0666\) = 3' py.txt
expect_grep 'write\(3, "py-data", 7\) = 7' py.txt
