# reprise emulate -o: the run recorded in simulated time, with what the programs saw.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
BIN=$ROOT/build/examples/emulate
[ -x "$BIN/sleeper" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

# show_ok TRACE OUT: `reprise show` reads the whole trace without a complaint.
show_ok() {
	"$REPRISE" show -s 32 "$1" > "$2" 2> "$2.err" || fail "show $1 failed: $(cat "$2.err")"
	[ ! -s "$2.err" ] || fail "show $1 complained: $(cat "$2.err")"
}

# An hour of sleep: the trace spans an hour of simulated time from the epoch, the sleep lasts it.
"$REPRISE" emulate -o "$WORK/sleep.rpr" "$EX/platform.xml" "$EX/sleep.xml" > "$WORK/sleep.out" 2> "$WORK/sleep.err" ||
	fail "emulate -o failed: $(cat "$WORK/sleep.err")"
expect_grep '^slept 3600\.000000 s from 946684800 to 946688400$' "$WORK/sleep.out"
show_ok "$WORK/sleep.rpr" "$WORK/sleep.txt"
expect_grep '^[0-9]+ +00:00:00\.000000 execve\(".*sleeper"' "$WORK/sleep.txt"
expect_grep '^[0-9]+ +00:00:00\.000000 clock_gettime\(CLOCK_MONOTONIC, \{tv_sec=0, tv_nsec=0\}\) += 0' "$WORK/sleep.txt"
expect_grep '^[0-9]+ +00:00:00\.000000 time\(NULL\) += 946684800 ' "$WORK/sleep.txt"
expect_grep '^[0-9]+ +00:00:00\.000000 (clock_)?nanosleep\(.*\) += 0 <3600\.000000>$' "$WORK/sleep.txt"
expect_grep '^[0-9]+ +01:00:00\.000000 clock_gettime\(CLOCK_MONOTONIC, \{tv_sec=3600, tv_nsec=0\}\) += 0' "$WORK/sleep.txt"
expect_grep '^[0-9]+ +01:00:00\.000000 \+\+\+ exited with 0 \+\+\+$' "$WORK/sleep.txt"
# Header flags (u32 at offset 20): EMULATED is bit 3.
flags=$(od -An -tu4 -j20 -N4 "$WORK/sleep.rpr" | tr -d ' ')
[ $((flags & 8)) -ne 0 ] || fail "the trace header does not say the run was emulated (flags $flags)"
"$REPRISE" stats "$WORK/sleep.rpr" > "$WORK/sleep.stats" 2> "$WORK/sleep.stats.err" || fail "stats failed: $(cat "$WORK/sleep.stats.err")"
expect_grep '^100\.00 +3600\.000000 .* (clock_)?nanosleep$' "$WORK/sleep.stats"
expect_grep 'sleeper$' "$WORK/sleep.stats"

# --epoch moves the trace's wall clock with the programs'.
"$REPRISE" emulate --epoch 2020-02-02T10:00:00 -o "$WORK/epoch.rpr" "$EX/platform.xml" "$EX/sleep.xml" > /dev/null 2>&1
TZ=UTC "$REPRISE" show "$WORK/epoch.rpr" > "$WORK/epoch.txt"
expect_grep '^[0-9]+ +10:00:00\.000000 time\(NULL\) += 1580637600 ' "$WORK/epoch.txt"
expect_grep '^[0-9]+ +11:00:00\.000000 \+\+\+ exited with 0 \+\+\+$' "$WORK/epoch.txt"

# TCP from carol to alice: the mediated calls with the addresses and bytes the programs saw,
# and recording changes nothing in the emulation.
"$REPRISE" emulate --seed 1 "$EX/platform.xml" "$EX/tcp.xml" > "$WORK/tcp_plain.out" 2>/dev/null
"$REPRISE" emulate --seed 1 -o "$WORK/tcp.rpr" "$EX/platform.xml" "$EX/tcp.xml" > "$WORK/tcp.out" 2> "$WORK/tcp.err" ||
	fail "emulate -o failed: $(cat "$WORK/tcp.err")"
cmp -s "$WORK/tcp_plain.out" "$WORK/tcp.out" || fail "recording changed what the programs printed"
show_ok "$WORK/tcp.rpr" "$WORK/tcp.txt"
expect_grep '^[0-9]+ +00:00:00\.000000 bind\([0-9]+, \{sa_family=AF_INET, sin_port=htons\(5000\), sin_addr=inet_addr\("0\.0\.0\.0"\)\}, 16\) += 0' "$WORK/tcp.txt"
expect_grep '^[0-9]+ +00:00:01\.000000 connect\([0-9]+, \{sa_family=AF_INET, sin_port=htons\(5000\), sin_addr=inet_addr\("192\.168\.1\.10"\)\}, 16' "$WORK/tcp.txt"
# accept's peer address is written by the emulator after the kernel made the descriptor.
expect_grep 'accept resumed>\{sa_family=AF_INET, sin_port=htons\(32768\), sin_addr=inet_addr\("10\.0\.0\.2"\)\}, \[16\]\) += [0-9]+ <1\.[0-9]+>$' "$WORK/tcp.txt"
# The handshake takes a SYN and a SYN-ACK crossing two 10 ms links (the call may be shown in two parts).
expect_grep '(connect\(.*\}, 16|connect resumed>)\) += 0 <0\.5[0-9]+>$' "$WORK/tcp.txt"
expect_grep 'read resumed>"abcdefghijklmnopqrstuvwxyzabcdef"\.\.\., 65536\) += 65536 <0\.[0-9]+>$' "$WORK/tcp.txt"
expect_grep 'write\([0-9]+, "abcdefghijklmnopqrstuvwxyzabcdef"\.\.\., 1000000\) += 1000000 ' "$WORK/tcp.txt"
expect_grep 'write\([0-9]+, "k", 1\) += 1 ' "$WORK/tcp.txt"
# The client's clock reads in the trace are the simulated times it printed.
got=$(sed -n 's/^client: 1000000 bytes sent and answered in \([0-9.]*\) s$/\1/p' "$WORK/tcp.out")
first=$(grep -E 'clock_gettime\(CLOCK_MONOTONIC' "$WORK/tcp.txt" | sed -n 's/.*tv_sec=\([0-9]*\), tv_nsec=\([0-9]*\).*/\1 \2/p' | head -1)
last=$(grep -E 'clock_gettime\(CLOCK_MONOTONIC' "$WORK/tcp.txt" | sed -n 's/.*tv_sec=\([0-9]*\), tv_nsec=\([0-9]*\).*/\1 \2/p' | tail -1)
awk -v f="$first" -v l="$last" -v g="$got" 'BEGIN { split(f, a, " "); split(l, b, " ");
	d = (b[1] + b[2] / 1e9) - (a[1] + a[2] / 1e9); e = d - g; if (e < 0) e = -e; exit !(e < 1e-6) }' ||
	fail "the client's clock reads in the trace ($first .. $last) do not span the $got s it printed"
"$REPRISE" stats "$WORK/tcp.rpr" > "$WORK/tcp.stats" || fail "stats failed on the TCP trace"
expect_grep 'exited 0 +.*tcp_server$' "$WORK/tcp.stats"
expect_grep 'exited 0 +.*tcp_client$' "$WORK/tcp.stats"
expect_grep '^socket +1000001 +1000001 ' "$WORK/tcp.stats"

# UDP: sendto and recvfrom with the source and destination addresses of the simulated platform.
"$REPRISE" emulate -o "$WORK/udp.rpr" "$EX/platform.xml" "$EX/udp.xml" > /dev/null 2> "$WORK/udp.err" ||
	fail "emulate -o failed: $(cat "$WORK/udp.err")"
show_ok "$WORK/udp.rpr" "$WORK/udp.txt"
expect_grep 'recvfrom resumed>"abcdefghijklmnopqrstuvwxyzabcdef"\.\.\., 65536, 0, \{sa_family=AF_INET, sin_port=htons\(32768\), sin_addr=inet_addr\("10\.0\.0\.2"\)\}, \[16\]\) += 50000 ' "$WORK/udp.txt"
expect_grep 'sendto\([0-9]+, "k", 1, 0, \{sa_family=AF_INET, sin_port=htons\(32768\), sin_addr=inet_addr\("10\.0\.0\.2"\)\}, 16\) += 1 ' "$WORK/udp.txt"
[ "$(grep -c 'recvfrom resumed>"k", 1' "$WORK/udp.txt")" -eq 20 ] || fail "the client's 20 answers are not all in the trace"

# A trace that cannot be created: one line, nothing run. (The release build: SimGrid's
# context switches make ASan print a warning, which is not an error line.)
R=$ROOT/build/reprise
[ -x "$R" ] || R=$REPRISE
expect_status 1 "$R" emulate -o "$WORK/no/such/dir/x.rpr" "$EX/platform.xml" "$EX/sleep.xml" > "$WORK/bad.out" 2> "$WORK/bad.err"
one_line_error "$WORK/bad.err"
expect_grep 'no/such/dir/x\.rpr' "$WORK/bad.err"
[ ! -s "$WORK/bad.out" ] || fail "a program ran although the trace could not be created"
exit 0
