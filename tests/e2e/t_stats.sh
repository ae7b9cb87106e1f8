# reprise stats: strace -c's counts, percentiles, bytes per path and descriptor type, processes, JSON.
. "$E2E_DIR/lib.sh"
head -c 100000 /dev/zero > zeros.bin
"$REPRISE" record -o t.rpr -- sh -c 'cat zeros.bin > copy.bin; cat missing.txt 2> /dev/null; true'
"$REPRISE" stats t.rpr > stats.txt
expect_grep '^% time +seconds +usecs/call +calls +errors syscall$' stats.txt
expect_grep '^100\.00 +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ total$' stats.txt
expect_grep '^latency \(usecs\) +calls +p50 +p90 +p99 +max$' stats.txt
expect_grep ' 100000 +[0-9]+ +[0-9]+ +[0-9]+ +(/.*/)?zeros\.bin$' stats.txt
expect_grep '^ +0 +100000 +[0-9]+ +[0-9]+ +(/.*/)?copy\.bin$' stats.txt
expect_grep 'exited 1 +/usr/bin/cat' stats.txt

"$REPRISE" stats --json t.rpr > stats.json
python3 - <<'PY'
import json
d = json.load(open("stats.json"))
calls = {s["name"]: s for s in d["syscalls"]}
assert calls["execve"]["calls"] == 3, calls["execve"]  # sh, cat, cat (true is a shell builtin)
assert calls["openat"]["errors"] >= 1, calls["openat"]
paths = {p["path"].split("/")[-1]: p for p in d["bytes_by_path"]}
assert paths["zeros.bin"]["io"]["read_bytes"] == 100000, paths["zeros.bin"]
assert paths["copy.bin"]["io"]["written_bytes"] == 100000, paths["copy.bin"]
assert len(d["processes"]) == 3, d["processes"]
PY
# strace -c's own numbers for the same kind of run agree on the call counts
"$REPRISE" record -o r.rpr -- cat zeros.bin > /dev/null
strace -c -o strace-c.txt cat zeros.bin > /dev/null
for call in read write openat close mmap; do
	want=$(awk -v c=$call '$NF == c {print $4}' strace-c.txt)
	got=$("$REPRISE" stats r.rpr | awk -v c=$call '$NF == c {print $4; exit}')
	[ "$want" = "$got" ] || fail "$call: strace -c counts $want calls, reprise stats $got"
done
