# reprise emulate --cpu: computing between calls takes simulated time on the program's host.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/spin" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# spin on alice (1 Gflop/s) and on carol (500 Mflop/s), computing 0.3 and 0.25 s of CPU time.
cat > "$WORK/spin.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="alice" function="$BIN/spin"><argument value="0.3"/></actor>
  <actor host="carol" function="$BIN/spin"><argument value="0.25"/></actor>
</platform>
XML

# run NAME OPTION: emulates spin.xml with OPTION; NAME.alice and NAME.carol get "CPU ELAPSED".
run() {
	"$REPRISE" emulate "$2" "$EX/platform.xml" "$WORK/spin.xml" > "$WORK/$1.out" 2> "$WORK/$1.err" ||
		fail "emulate $2 failed: $(cat "$WORK/$1.err")"
	sed -n 's/^spin 0\.300: cpu \([0-9.]*\) s, elapsed \([0-9.]*\) s$/\1 \2/p' "$WORK/$1.out" > "$WORK/$1.alice"
	sed -n 's/^spin 0\.250: cpu \([0-9.]*\) s, elapsed \([0-9.]*\) s$/\1 \2/p' "$WORK/$1.out" > "$WORK/$1.carol"
	[ -s "$WORK/$1.alice" ] && [ -s "$WORK/$1.carol" ] || fail "emulate $2: spin did not report: $(cat "$WORK/$1.out")"
}

# near GOT WANT WHAT: GOT within 15% of WANT.
near() {
	within "$1" "$2" 0.15 ||
		fail "$3: $1 s, expected $2 s (+-15%)"
}

# scaled:1Gf: a CPU second here is 1 Gflop, so alice takes as long as the CPU time, carol twice that.
run scaled --cpu=scaled:1Gf
read -r cpu elapsed < "$WORK/scaled.alice"
near "$elapsed" "$cpu" "scaled:1Gf on alice (1 Gflop/s)"
read -r cpu elapsed < "$WORK/scaled.carol"
near "$elapsed" "$(awk -v c="$cpu" 'BEGIN { print 2 * c }')" "scaled:1Gf on carol (500 Mflop/s)"

# scaled:2Gf: twice the flops per CPU second, twice the time.
run scaled2 --cpu=scaled:2Gf
read -r cpu elapsed < "$WORK/scaled2.alice"
near "$elapsed" "$(awk -v c="$cpu" 'BEGIN { print 2 * c }')" "scaled:2Gf on alice"

# none: computing is instantaneous, as without --cpu.
run none --cpu=none
for host in alice carol; do
	read -r cpu elapsed < "$WORK/none.$host"
	awk -v e="$elapsed" 'BEGIN { exit !(e < 0.001) }' || fail "--cpu=none: spin on $host saw $elapsed s pass"
done

# measured: the calibrated speed is reported, and alice computes at 1 Gflop/s what took cpu s here.
run measured --cpu=measured
speed=$(sed -n 's/^reprise: emulate: measured CPU speed \([0-9.e+]*\) flops per CPU second$/\1/p' "$WORK/measured.err")
[ -n "$speed" ] || fail "--cpu=measured did not report the speed: $(cat "$WORK/measured.err")"
awk -v s="$speed" 'BEGIN { exit !(s > 1e7 && s < 1e12) }' || fail "--cpu=measured: implausible speed $speed"
read -r cpu elapsed < "$WORK/measured.alice"
near "$elapsed" "$(awk -v c="$cpu" -v s="$speed" 'BEGIN { print c * s / 1e9 }')" "--cpu=measured on alice"

# -v: the number of intercepted events and their rate.
"$REPRISE" emulate -v --cpu=none "$EX/platform.xml" "$WORK/spin.xml" > /dev/null 2> "$WORK/verbose.err"
expect_grep '^reprise: emulate: [1-9][0-9]* events intercepted in [0-9.]+ s of wall time, [0-9]+ events per wall second$' "$WORK/verbose.err"
expect_no_grep 'events intercepted' "$WORK/none.err"
# With a CPU model, -v also gives the kernel time per stop (being stopped for reprise) left out of computations.
"$REPRISE" emulate -v --cpu=scaled:1Gf "$EX/platform.xml" "$WORK/spin.xml" > /dev/null 2> "$WORK/verbose_cpu.err"
cost=$(sed -n 's/^reprise: emulate: \([0-9.]*\) us of kernel CPU time per stop for reprise left out of computations$/\1/p' "$WORK/verbose_cpu.err")
[ -n "$cost" ] || fail "-v --cpu=scaled did not report the cost of a stop: $(cat "$WORK/verbose_cpu.err")"
awk -v c="$cost" 'BEGIN { exit !(c < 1000) }' || fail "implausible cost of a stop: $cost us"
exit 0
