# reprise replay: record-then-replay round trips with --prepare --verify give zero mismatches and the same files.
source "$E2E_DIR/lib.sh"

# tree_hash DIR: one line per file (path, type, permission bits, content hash), sorted; with TREE_SIZES=1,
# sizes instead of hashes.
tree_hash() {
	local content='sha256sum < "$1" | cut -c1-64'
	[ "${TREE_SIZES:-0}" = 1 ] && content='stat -c %s "$1"'
	(cd "$1" && find . -mindepth 1 \( -type f -printf '%p f %m ' -exec sh -c "$content" _ {} \; \) \
		-o \( -type d -printf '%p d %m\n' \) -o \( -type l -printf '%p l %l\n' \) | sort)
}

# round_trip NAME DIR CMD...: records CMD run in the fresh directory DIR, replays it under a new root,
# and checks the replay left DIR's files under ROOT with the same contents.
round_trip() {
	local name=$1 dir=$2; shift 2
	local out=$WORK/out/$name
	mkdir -p "$WORK/out"
	"$REPRISE" record -o "$out.rpr" -- "$@" > "$out.rec.out" 2>&1 || fail "$name: recording failed"
	"$REPRISE" replay --root "$WORK/root-$name" --prepare --verify --json "$out.json" "$out.rpr" \
		> "$out.replay.out" 2> "$out.replay.err" || { cat "$out.replay.err" >&2; fail "$name: replay exited non-zero"; }
	expect_grep '"mismatches": 0' "$out.json"
	tree_hash "$dir" > "$out.want"
	tree_hash "$WORK/root-$name$dir" > "$out.got"
	diff "$out.want" "$out.got" >&2 || fail "$name: the replayed tree differs"
}

# signals: a pipe read that alarm() cuts short, with EINTR and restarted by the kernel (ERESTARTSYS in the
# trace): the cut-short attempts did nothing and are kept in place; issued again, with no signal to come,
# they would block for good
for p in file_io dirs stat pipes signals; do
	mkdir "$WORK/run-$p"
	round_trip "$p" "$WORK/run-$p" "$PROGS/$p" "$WORK/run-$p"
done

expect_grep '"not_replayed_calls": \{.*"read": 2' out/signals.json
expect_grep '"not_replayed_reasons": \{.*"cut short by a signal: it did nothing": 2' out/signals.json

# a descriptor the recorded program inherited beyond 0-2 (7, from this shell) stands for something outside
# the recording: calls on it keep their place instead of failing with EBADF
printf 'inherited\n' > "$WORK/inherited.txt"
mkdir "$WORK/run-inherited"
(cd "$WORK/run-inherited" && round_trip inherited "$WORK/run-inherited" \
	sh -c 'read line <&7; echo "$line" > got.txt; exec 7<&-') 7< "$WORK/inherited.txt"
[ "$(cat "$WORK/root-inherited$WORK/run-inherited/got.txt")" = inherited ] || fail "inherited: got.txt not replayed"
expect_grep '"not_replayed_calls": \{.*"read": ' out/inherited.json
expect_grep '"not_replayed_reasons": \{.*"on a descriptor replay does not reproduce \(/proc, /sys, socket, inherited\)": [1-9]' \
	out/inherited.json

# a single-threaded program is replayed by the trace reader thread alone
expect_grep '"os_threads": 1,' out/file_io.json

# a multi-threaded writer: one replay thread per recorded thread
mkdir "$WORK/run-threads"
round_trip threads "$WORK/run-threads" "$PROGS/threads" "$WORK/run-threads"
expect_grep '"threads": 5' out/threads.json

# a read in flight while another thread writes what it waits for: the replay goes parallel and finishes
mkdir "$WORK/run-handoff"
round_trip handoff "$WORK/run-handoff" "$PROGS/handoff" "$WORK/run-handoff"
expect_grep '"os_threads": [2-9],' out/handoff.json

# tar extract, cp -r
mkdir -p "$WORK/src/sub/deeper" "$WORK/untar"
for i in 1 2 3; do head -c $((i * 7000)) /dev/urandom > "$WORK/src/sub/f$i"; done
echo hello > "$WORK/src/sub/deeper/hello.txt"
ln -s f1 "$WORK/src/sub/link"
tar -C "$WORK/src" -cf "$WORK/src.tar" sub
(cd "$WORK/untar" && round_trip tar "$WORK/untar" tar xf "$WORK/src.tar")
# tar sets directory modes through /proc/self/fd/N: replayed on the replay's own descriptor
expect_no_grep '"not_replayed_calls": \{[^}]*"chmod"' out/tar.json
# cp copies with copy_file_range: the bytes move inside the kernel and are not in the trace, so the
# replayed copies have the recorded names and sizes, with --data's bytes
mkdir "$WORK/copy"
TREE_SIZES=1 round_trip cp "$WORK/copy" cp -r "$WORK/src/sub" "$WORK/copy/sub"
# ... so the on-disk state check lists them as not checkable, with the reason, rather than passing them
expect_grep '"not_checkable": \[.*\{"path": "'"$WORK"'/copy/sub/f1", "reason": "bytes copied in by copy_file_range or splice"\}' out/cp.json
expect_grep '"on_disk_state": \{"checked": [1-9]' out/tar.json

# a file written through both of its hard-linked names: the on-disk state check expects it under both
mkdir "$WORK/links"
(cd "$WORK/links" && round_trip links "$WORK/links" sh -c 'echo one > f; ln f g; echo two >> g')
expect_grep '"on_disk_state": \{"checked": 2, "differing": 0, "not_checkable": \[\]\}' out/links.json

# a fork/exec pipeline: sh, sort and tee through pipes
mkdir "$WORK/pipeline"
printf 'b\na\nc\n' > "$WORK/pipeline/in.txt"
(cd "$WORK/pipeline" && round_trip pipeline "$WORK/pipeline" sh -c 'sort in.txt | tee sorted.txt > copy.txt')

# sqlite3: a database created, filled, queried
if command -v sqlite3 > /dev/null; then
	mkdir "$WORK/db"
	(cd "$WORK/db" && round_trip sqlite "$WORK/db" sqlite3 test.db \
		'create table t(a integer primary key, b text); insert into t(b) values ("one"), ("two"); select count(*) from t;')
fi

# git init/add/commit: objects, refs and the index replayed byte for byte. Data read from /dev/urandom
# (git's temporary names) is the device's, not the recording's, and is not compared; the index holds the
# recording's stat data (times, inodes), since replay writes the recorded bytes, so a later `git status`
# in the root refreshes it
if command -v git > /dev/null; then
	mkdir -p "$WORK/git/sub" "$WORK/git-home"
	echo hello > "$WORK/git/a.txt"
	echo world > "$WORK/git/sub/b.txt"
	(cd "$WORK/git" && round_trip git "$WORK/git" env HOME="$WORK/git-home" GIT_CONFIG_NOSYSTEM=1 \
		GIT_AUTHOR_DATE=2020-01-01T00:00:00Z GIT_COMMITTER_DATE=2020-01-01T00:00:00Z \
		sh -c 'git init -q . && git -c user.name=x -c user.email=y add . && git -c user.name=x -c user.email=y commit -qm m')
	expect_grep '"on_disk_state": \{"checked": [1-9][0-9]*, "differing": 0, "not_checkable": \[\]\}' out/git.json
	[ "$(git -C "$WORK/root-git$WORK/git" cat-file -p HEAD:sub/b.txt)" = world ] || fail "git: the replayed repository is not readable"
fi

# the summary names what was not replayed, by name
expect_grep '"not_replayed_calls": \{.*"execve": 1' out/file_io.json
# without --prepare the libraries the loader read are missing: mismatches, exit status 4
expect_status 4 "$REPRISE" replay --root "$WORK/root-again" out/file_io.rpr > again.txt 2> again.err
expect_grep '^reprise: mismatch: .*openat\(AT_FDCWD, "/etc/ld.so.cache".*expected 3, replay -1 ENOENT' again.err
expect_grep '^not replayed +calls' again.txt
expect_grep '^execve +1$' again.txt
