# reprise emulate --seed: reads of /dev/urandom and /dev/random (read, readv, pread64, through dup and
# from shell tools) and getrandom give the same bytes on every run, other bytes with another seed;
# the UDP example is identical from run to run.
. "$E2E_DIR/lib.sh"
EX=$ROOT/examples/emulate
[ -x "$ROOT/build/examples/emulate/udp_server" ] || skip "examples not built (make emulate-examples)"
cd "$ROOT"

cat > "$WORK/random.xml" <<XML
<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<platform version="4.1">
  <actor host="bob" function="/usr/bin/python3"><argument value="-c"/><argument value="
import os
f = os.open('/dev/urandom', os.O_RDONLY)
bufs = [bytearray(8), bytearray(8)]
os.readv(f, bufs)
g = os.open('/dev/random', os.O_RDONLY)
print('read', os.read(f, 16).hex(), 'readv', (bufs[0] + bufs[1]).hex(), 'pread', os.pread(f, 16, 0).hex())
print('dup', os.read(os.dup(f), 16).hex(), 'random', os.read(g, 16).hex(), 'getrandom', os.urandom(16).hex())
"/></actor>
  <actor host="carol" function="/bin/sh"><argument value="-c"/><argument value="head -c 32 /dev/urandom | od -An -tx1; od -An -N16 -tx1 /dev/urandom"/></actor>
</platform>
XML
"$REPRISE" emulate --seed 1 "$EX/platform.xml" "$WORK/random.xml" > "$WORK/seed1a.out" 2> "$WORK/seed1a.err"
"$REPRISE" emulate --seed 1 "$EX/platform.xml" "$WORK/random.xml" > "$WORK/seed1b.out" 2> /dev/null
"$REPRISE" emulate --seed 2 "$EX/platform.xml" "$WORK/random.xml" > "$WORK/seed2.out" 2> /dev/null
"$REPRISE" emulate "$EX/platform.xml" "$WORK/random.xml" > "$WORK/unseeded1.out" 2> /dev/null
"$REPRISE" emulate "$EX/platform.xml" "$WORK/random.xml" > "$WORK/unseeded2.out" 2> /dev/null
[ "$(grep -cE "' started 0\.000000 s, ended [0-9.]+ s, exited 0\$" "$WORK/seed1a.err")" -eq 2 ] ||
	{ cat "$WORK/seed1a.err" >&2; fail "the readers did not both exit 0"; }
hex16='[0-9a-f]{32}'
expect_grep "^read $hex16 readv $hex16 pread $hex16\$" "$WORK/seed1a.out"
expect_grep "^dup $hex16 random $hex16 getrandom $hex16\$" "$WORK/seed1a.out"
[ "$(grep -cE '^( [0-9a-f]{2}){16}$' "$WORK/seed1a.out")" -eq 3 ] || { cat "$WORK/seed1a.out" >&2; fail "od printed no 48 bytes"; }
cmp -s "$WORK/seed1a.out" "$WORK/seed1b.out" || { diff "$WORK/seed1a.out" "$WORK/seed1b.out" >&2; fail "two runs with --seed 1 read different bytes"; }
# Each read gives new bytes: no two 16-byte values of a run are the same.
tr ' ' '\n' < "$WORK/seed1a.out" | grep -E "^$hex16\$" | sort | uniq -d > "$WORK/repeated"
[ ! -s "$WORK/repeated" ] || fail "the same bytes were read twice: $(cat "$WORK/repeated")"
# Another seed, or none, gives other bytes in every line.
for other in seed2 unseeded1; do
	paste -d '\n' "$WORK/seed1a.out" "$WORK/$other.out" | paste - - | awk -F '\t' '$1 == $2 { bad = 1 } END { exit bad }' ||
		fail "$other read some of the bytes --seed 1 read"
done
paste -d '\n' "$WORK/unseeded1.out" "$WORK/unseeded2.out" | paste - - | awk -F '\t' '$1 == $2 { bad = 1 } END { exit bad }' ||
	fail "two runs without --seed read the same bytes"

# UDP with --cpu=none --seed 1: the same outputs and simulated times on every run.
"$REPRISE" emulate --cpu=none --seed 1 "$EX/platform.xml" "$EX/udp.xml" > "$WORK/udp1.out" 2> "$WORK/udp1.err"
"$REPRISE" emulate --cpu=none --seed 1 "$EX/platform.xml" "$EX/udp.xml" > "$WORK/udp2.out" 2> "$WORK/udp2.err"
[ -s "$WORK/udp1.out" ] || fail "the UDP example printed nothing"
cmp -s "$WORK/udp1.out" "$WORK/udp2.out" || fail "two UDP runs printed different outputs"
grep '^reprise: emulate:' "$WORK/udp1.err" > "$WORK/u1"
grep '^reprise: emulate:' "$WORK/udp2.err" > "$WORK/u2"
cmp -s "$WORK/u1" "$WORK/u2" || { diff "$WORK/u1" "$WORK/u2" >&2; fail "two UDP runs reported different simulated times"; }
exit 0
