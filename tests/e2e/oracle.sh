#!/usr/bin/env bash
# Compares `reprise show` with Debian's strace on one program. Both run it, each in a fresh
# directory (@DIR@ in the arguments), and both outputs are normalized the same way: pids renamed
# P1, P2... in order of appearance, times and durations dropped; addresses, clock readings, CPU
# times, ports, free space and memory counts, the tracer's pid (getppid) and random bytes blanked;
# <unfinished ...>/<... resumed> halves joined, and lines grouped per process (the interleaving of
# processes is up to the scheduler). Exit 0 when they agree, 1 with the diff otherwise, 77 when
# strace is missing.
# usage: tests/e2e/oracle.sh REPRISE PROGRAM [ARGS with @DIR@...]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 REPRISE PROGRAM [ARGS...]" >&2; exit 2; }
reprise=$(realpath "$1")
shift
command -v strace >/dev/null || { echo "strace is not installed" >&2; exit 77; }
work=$(mktemp -d /tmp/reprise-oracle.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/s" "$work/r"

strace -f -tt -T -o "$work/strace.txt" "${@//@DIR@/$work/s}" >/dev/null 2>&1 || true
"$reprise" record -o "$work/trace.rpr" -- "${@//@DIR@/$work/r}" >/dev/null 2>&1 || true
"$reprise" show "$work/trace.rpr" >"$work/reprise.txt"

normalize() {
	perl -e '
		my ($file, $dir) = @ARGV;
		open(my $in, "<", $file) or die "$file: $!";
		my (%pending, %lines, @order, %seen);
		while (<$in>) {
			chomp;
			my ($pid, $rest) = /^(\d+) +[\d:.]+ (.*?)(?: <[\d.]+>)?$/ or next;
			push @order, $pid unless $seen{$pid}++;
			if ($rest =~ /^(.*?) ?<unfinished \.\.\.>$/) { $pending{$pid} = $1; next; }
			if ($rest =~ /^<\.\.\. \S+ resumed>(.*)$/) {
				my $head = delete $pending{$pid} // "";
				my $tail = $1;
				$head .= " " if $head =~ /,$/ && $tail !~ /^ /;
				$rest = $head . $tail;
			}
			push @{$lines{$pid}}, $rest;
		}
		push @{$lines{$_}}, "$pending{$_} <unfinished ...>" for keys %pending;
		my %alias; my $n = 0;
		$alias{$_} = "P" . ++$n for @order;
		my $pids = join "|", sort { length($b) <=> length($a) } @order;
		for my $pid (@order) {
			for my $line (@{$lines{$pid}}) {
				$line =~ s/\Q$dir\E/DIR/g;
				$line =~ s/\b($pids)\b/$alias{$1}/g if $pids;
				$line =~ s/0x[0-9a-f]{5,}/0xADDR/g;
				$line =~ s/\b(tv_sec|tv_nsec|tv_usec)=\d+/$1=N/g;
				$line =~ s/\b(f_bfree|f_bavail|f_ffree)=\d+/$1=N/g;
				$line =~ s/htons\(\d+\)/htons(PORT)/g;
				$line =~ s/^(getrandom\()"(?:[^"\\]|\\.)*"(?:\.\.\.)?/$1"RANDOM"/;
				$line =~ s/\b(si_utime|si_stime)=\d+(?: \/\* [\d.]+ s \*\/)?/$1=N/g;
				$line =~ s/^(getppid\(\) += )\d+$/$1PPID/;
				$line =~ s/\b(uptime|freeram|sharedram|bufferram|freeswap|procs)=\d+/$1=N/g;
				$line =~ s/\bloads=\[\d+, \d+, \d+\]/loads=[N, N, N]/g;
				$line =~ s/ +=/ =/;
				print "$alias{$pid} $line\n";
			}
		}
	' "$1" "$2"
}
normalize "$work/strace.txt" "$work/s" >"$work/strace.norm"
normalize "$work/reprise.txt" "$work/r" >"$work/reprise.norm"
total=$(wc -l <"$work/strace.norm")
[ "$total" -gt 0 ] || { echo "oracle: strace produced no lines"; exit 1; }
if diff -u "$work/strace.norm" "$work/reprise.norm" >"$work/diff"; then
	echo "oracle: $* : all $total lines match strace"
	exit 0
fi
differing=$(grep -c '^-[^-]' "$work/diff" || true)
echo "oracle: $* : $differing of $total strace lines differ"
cat "$work/diff"
exit 1
