#!/usr/bin/env bash
# Compares `reprise show` with strace on one program: both run it, both outputs are
# normalized (pids renumbered in order of appearance, timestamps, durations, addresses
# and random bytes blanked) and diffed. Exit 0 when they agree, 1 with the diff otherwise.
# usage: tests/e2e/oracle.sh REPRISE PROGRAM [ARGS...]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 REPRISE PROGRAM [ARGS...]" >&2; exit 2; }
reprise=$(realpath "$1")
shift
command -v strace >/dev/null || { echo "strace is not installed" >&2; exit 77; }
work=$(mktemp -d /tmp/reprise-oracle.XXXXXX)
trap 'rm -rf "$work"' EXIT

strace -f -tt -T -o "$work/strace.txt" "$@" >/dev/null 2>&1 || true
"$reprise" record -o "$work/trace.rpr" -- "$@" >/dev/null 2>&1 || true
"$reprise" show "$work/trace.rpr" >"$work/reprise.txt"

normalize() {
	perl -ne '
		my ($pid, $line) = /^(\d+) +[\d:.]+ (.*?)(?: <[\d.]+>)?$/ or next;
		$alias{$pid} //= "P" . (++$count);
		for my $p (keys %alias) { $line =~ s/\b$p\b/$alias{$p}/g }
		$line =~ s/0x[0-9a-f]{5,}/0xADDR/g;
		$line =~ s/"[^"]*"/"RANDOM"/ if $line =~ /^getrandom\(/;
		print "$alias{$pid} $line\n";
	' "$1"
}
normalize "$work/strace.txt" >"$work/strace.norm"
normalize "$work/reprise.txt" >"$work/reprise.norm"
total=$(wc -l <"$work/strace.norm")
if diff -u "$work/strace.norm" "$work/reprise.norm" >"$work/diff"; then
	echo "oracle: $* : all $total lines match strace"
	exit 0
fi
differing=$(grep -c '^-[^-]' "$work/diff" || true)
echo "oracle: $* : $differing of $total strace lines differ"
cat "$work/diff"
exit 1
