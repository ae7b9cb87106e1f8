#!/usr/bin/env python3
"""Emulation speed of `reprise emulate`.

Each example deployment of examples/emulate runs ROUNDS times (--cpu=none --seed 1, so every round
simulates the same thing); the median wall time is reported with the simulated time, the slowdown
(wall / simulated: below 1 means the emulation runs faster than the simulated platform would) and
the intercepted events per wall second reprise reports with -v. The spread is the largest difference
of simulated time between the runs (0 when the runs are identical, as they should be).
"""
import os
import re
import statistics
import subprocess
import sys
import time

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
EXAMPLES = [
    ("TCP client/server, 1 MB over 2 links", "tcp.xml"),
    ("UDP client/server", "udp.xml"),
    ("epoll server, 3 clients", "epoll.xml"),
    ("iperf3 -c -t 5 over 100 Mbit/s, 10 ms", "iperf3.xml"),
    ("sleep 3600 s", "sleep.xml"),
]
SIMULATED = re.compile(r"simulated time ([0-9.]+) s")
EVENTS = re.compile(r"(\d+) events intercepted in ([0-9.]+) s of wall time, (\d+) events per wall second")


def emulate(reprise, platform, deployment):
    start = time.perf_counter()
    proc = subprocess.run([reprise, "emulate", "-v", "--cpu=none", "--seed", "1", platform, deployment],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: emulating {deployment} exited with {proc.returncode}: {proc.stderr[-500:]}")
    simulated = SIMULATED.search(proc.stderr)
    events = EVENTS.search(proc.stderr)
    if not simulated or not events:
        sys.exit(f"bench: no simulated time or event count in the output of {deployment}")
    return wall, float(simulated.group(1)), int(events.group(1)), int(events.group(3))


def main():
    reprise = os.path.realpath(sys.argv[1])
    examples = os.path.realpath(sys.argv[2])
    platform = os.path.join(examples, "platform.xml")
    rows = []
    for name, file in EXAMPLES:
        deployment = os.path.join(examples, file)
        if not os.path.exists(deployment):
            sys.exit(f"bench: {deployment} is missing")
        runs = [emulate(reprise, platform, deployment) for _ in range(ROUNDS)]
        wall = statistics.median(r[0] for r in runs)
        simulated = statistics.median(r[1] for r in runs)
        spread = max(r[1] for r in runs) - min(r[1] for r in runs)
        rows.append((name, runs[0][2], wall, simulated, spread, statistics.median(r[3] for r in runs)))
    print(f"Emulation (--cpu=none --seed 1), median wall time of {ROUNDS} runs; "
          "slowdown = wall time / simulated time\n")
    print("| example | events | wall s | simulated s | simulated spread s | slowdown | events per wall s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, events, wall, simulated, spread, rate in rows:
        print(f"| {name} | {events} | {wall:.3f} | {simulated:.6f} | {spread:.6f} | {wall / simulated:.3g} | {rate:.0f} |")


if __name__ == "__main__":
    main()
