# The syscall-family test programs, recorded: each passes its own checks under reprise, and its trace holds
# the calls with the values the program used.
. "$E2E_DIR/lib.sh"
for p in "$PROGS"/*; do
	name=$(basename "$p")
	case $name in killed|sleeper) continue ;; esac
	mkdir -p "$name.d"
	rc=0; "$REPRISE" record -o "$name.rpr" -- "$p" "$name.d" > "$name.out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || { cat "$name.out" >&2; fail "$name exited with $rc under reprise"; }
	"$REPRISE" show -s 256 "$name.rpr" > "$name.txt"
	expect_grep '\+\+\+ exited with 0 \+\+\+' "$name.txt"
done
expect_status 137 "$REPRISE" record -o killed.rpr -- "$PROGS/killed"
"$REPRISE" show killed.rpr > killed.txt
expect_grep '\+\+\+ killed by SIGKILL \+\+\+' killed.txt
"$REPRISE" show static_hello.rpr > static.txt
expect_no_grep 'openat\(.*libc\.so' static.txt
