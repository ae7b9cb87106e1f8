#!/bin/sh
# The demo behind `make run`: record a small shell pipeline with its data, show and summarize it, replay it
# in a sandbox, then run a client and a server on two hosts of a simulated platform.
set -eu
reprise=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "== reprise record -o $dir/demo.rpr -- sh -c 'printf \"hello\\nworld\\n\" > $dir/in.txt; sort -r $dir/in.txt | tr a-z A-Z'"
"$reprise" record -o "$dir/demo.rpr" -- sh -c "printf 'hello\nworld\n' > $dir/in.txt; sort -r $dir/in.txt | tr a-z A-Z"
echo
echo "== reprise show $dir/demo.rpr (file and descriptor calls)"
"$reprise" show -e trace=%file,%desc "$dir/demo.rpr"
echo
echo "== reprise stats $dir/demo.rpr"
"$reprise" stats "$dir/demo.rpr"
echo
echo "== reprise replay --root $dir/root --prepare --verify $dir/demo.rpr"
"$reprise" replay --root "$dir/root" --prepare --verify "$dir/demo.rpr"
echo
echo "== reprise emulate examples/emulate/platform.xml examples/emulate/tcp.xml (1 MB from carol to alice over two 100 Mbit/s, 10 ms links)"
"$reprise" emulate examples/emulate/platform.xml examples/emulate/tcp.xml
