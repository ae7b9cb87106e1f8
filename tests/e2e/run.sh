#!/usr/bin/env bash
# Runs every end-to-end test (tests/e2e/t_*.sh) against a reprise binary.
# Each test exits 0 (pass), 77 (skip) or anything else (fail).
# E2E=pattern (a shell glob on the test name, e.g. E2E='emulate*') runs only the matching tests.
set -u
export REPRISE=$(realpath "$1")
export PROGS=$(realpath build/programs)
export E2E_DIR=$(realpath tests/e2e)
export ROOT=$(pwd)
# ASan: ptrace-heavy code forks a lot; keep reports on stderr and fail hard.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}
pass=0 fail=0 skip=0 failed=""
for t in "$E2E_DIR"/t_*.sh; do
	name=$(basename "$t" .sh)
	# shellcheck disable=SC2254
	case ${name#t_} in ${E2E:-*}) ;; *) continue ;; esac
	work=$(mktemp -d /tmp/reprise-e2e.XXXXXX)
	start=$(date +%s.%N)
	( cd "$work" && WORK="$work" timeout 300 bash "$t" ) > "$work.log" 2>&1
	rc=$?
	secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)"; rm -rf "$work" "$work.log" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$work.log")"; rm -rf "$work" "$work.log" ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name (exit $rc, ${secs}s)"; sed 's/^/    /' "$work.log" | tail -n 40 ;;
	esac
done
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
