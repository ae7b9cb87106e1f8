#!/bin/sh
# `make bench`: recording overhead against native runs and strace, then replay speed against native runs
# and against the floor no replay can beat, each measured side by side in one run; then emulation speed
# (wall time against simulated time).
set -eu
reprise=$(realpath "$1")
mkdir -p build/bench
for w in write_loop getppid_loop; do
	cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "build/bench/$w" "bench/$w.c"
done
python3 bench/bench.py "$reprise" build/bench
python3 bench/replay.py "$reprise" build/bench/replay_floor
python3 bench/emulate.py "$reprise" examples/emulate
