# Recording memory stays bounded however long the run: a million events do not grow the recorder.
. "$E2E_DIR/lib.sh"
cc -O2 -o loop "$ROOT/bench/write_loop.c"
peak() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
}
small=$(peak "$REPRISE" record -o small.rpr -- ./loop 20000)
big=$(peak "$REPRISE" record -o big.rpr -- ./loop 500000)
echo "peak RSS: ${small} MiB for 40k events, ${big} MiB for 1M events"
[ "$big" -lt 200 ] || fail "recording 1M events peaked at ${big} MiB"
[ "$big" -lt $((small + 64)) ] || fail "recorder memory grew with the run: ${small} -> ${big} MiB"
