# A damaged block in the middle of a trace is named in a one-line error with its offset.
. "$E2E_DIR/lib.sh"
"$REPRISE" record -o t.rpr -- sh -c 'seq 1 300000 | cat > /dev/null'
size=$(stat -c %s t.rpr)
[ "$size" -gt 200000 ] || fail "trace too small ($size bytes) to hold several blocks"
cp t.rpr bad.rpr
printf '\xff\xfe\xfd\xfc' | dd of=bad.rpr bs=1 seek=$((size / 2)) conv=notrunc status=none
expect_status 1 "$REPRISE" show bad.rpr > /dev/null 2> err.txt
one_line_error err.txt
expect_grep '^reprise: bad.rpr: block [0-9]+ checksum mismatch at offset [0-9]+$' err.txt
