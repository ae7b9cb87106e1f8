# Helpers for end-to-end tests; sourced by tests/e2e/t_*.sh (which run in a fresh $WORK directory).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

# expect_status WANT CMD...: runs CMD, fails unless it exits with WANT.
expect_status() {
	local want=$1; shift
	local rc=0
	"$@" || rc=$?
	[ "$rc" -eq "$want" ] || fail "'$*' exited with $rc, expected $want"
}

# expect_grep PATTERN FILE: extended regex must match a line of FILE.
expect_grep() {
	grep -Eq -- "$1" "$2" || { echo "--- $2:" >&2; head -c 4000 "$2" >&2; fail "no line of $2 matches: $1"; }
}

# expect_no_grep PATTERN FILE
expect_no_grep() {
	if grep -Eq -- "$1" "$2"; then grep -E -- "$1" "$2" | head -5 >&2; fail "$2 unexpectedly matches: $1"; fi
}

# within GOT WANT FRACTION: GOT is within FRACTION of WANT, which is above 0 (measured times and rates).
within() {
	awk -v g="$1" -v w="$2" -v f="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d <= f * w) }'
}

# seconds_since START: wall-clock seconds since START, a `date +%s.%N` reading.
seconds_since() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'
}

# one_line_error FILE: stderr must be exactly one line starting with "reprise: ".
one_line_error() {
	[ "$(wc -l < "$1")" -eq 1 ] || { cat "$1" >&2; fail "expected a one-line error, got $(wc -l < "$1") lines"; }
	expect_grep '^reprise: ' "$1"
}

# record_show NAME CMD...: records CMD into NAME.rpr and writes `show` output to NAME.txt.
record_show() {
	local name=$1; shift
	"$REPRISE" record -o "$name.rpr" -- "$@"
	"$REPRISE" show -s 256 "$name.rpr" > "$name.txt"
}
