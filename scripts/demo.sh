#!/bin/sh
# The demo behind `make run`: record a small shell pipeline with its data, then show and summarize it.
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
