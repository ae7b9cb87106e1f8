#!/usr/bin/env python3
"""Recording overhead of `reprise record` against native runs and strace, measured side by side.

Every workload runs natively, under strace (without and with full string capture) and under reprise
(full data, and --no-data), interleaved round by round so that machine noise hits all alike; the
median of the rounds is reported as a ratio to the native median.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def run(cmd, cwd, stderr=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited with {proc.returncode}")
    return elapsed, proc


def main():
    reprise, bindir = sys.argv[1], os.path.realpath(sys.argv[2])
    # tmpfs where there is one: the file system's own noise is not what is measured here
    work = tempfile.mkdtemp(prefix="reprise-bench.", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        tree_tar = os.path.join(work, "tree.tar")
        subprocess.run(["tar", "cf", tree_tar, "-C", "/usr/include", "."], check=True)
        sql = os.path.join(work, "insert.sql")
        with open(sql, "w") as f:
            f.write("PRAGMA journal_mode=WAL;\nCREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\n")
            for i in range(2000):
                f.write(f"INSERT INTO t(v) VALUES('{'value-%06d-' % i * 4}');\n")
        workloads = {
            "write64 x200k": (lambda d: [f"{bindir}/write_loop", "200000"], None),
            "getppid x200k": (lambda d: [f"{bindir}/getppid_loop", "200000"], None),
            "tar x (/usr/include)": (lambda d: ["tar", "xf", tree_tar, "-C", d], None),
            "sqlite3 2000 inserts": (lambda d: ["sh", "-c", f"sqlite3 {d}/db.sqlite < {sql}"], None),
        }
        tools = {
            "native": lambda cmd, d: cmd,
            "strace": lambda cmd, d: ["strace", "-f", "-qq", "-o", "/dev/null"] + cmd,
            "strace -s65536": lambda cmd, d: ["strace", "-f", "-qq", "-s", "65536", "-o", "/dev/null"] + cmd,
            "reprise": lambda cmd, d: [reprise, "record", "-v", "-o", os.path.join(work, "t.rpr"), "--"] + cmd,
            "reprise --no-data": lambda cmd, d: [reprise, "record", "-v", "--no-data", "-o", os.path.join(work, "n.rpr"), "--"] + cmd,
        }
        times = {(w, t): [] for w in workloads for t in tools}
        per_event = {}
        for _ in range(ROUNDS):
            for w, (make, _) in workloads.items():
                for t, wrap in tools.items():
                    d = tempfile.mkdtemp(dir=work)
                    elapsed, proc = run(wrap(make(d), d), d,
                                        stderr=subprocess.PIPE if t.startswith("reprise") else subprocess.DEVNULL)
                    times[(w, t)].append(elapsed)
                    if t.startswith("reprise"):
                        m = re.search(rb"(\d+) events, (\d+) bytes before compression, (\d+) bytes of trace", proc.stderr)
                        if m:
                            per_event[(w, t)] = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
                    shutil.rmtree(d)
        print(f"Recording overhead, median of {ROUNDS} interleaved rounds; ratio = time / native time\n")
        names = list(tools)
        print("| workload | native s | " + " | ".join(n for n in names[1:]) + " |")
        print("|---|---:|" + "---:|" * (len(names) - 1))
        for w in workloads:
            native = statistics.median(times[(w, "native")])
            cells = [f"{statistics.median(times[(w, t)]) / native:.2f}x" for t in names[1:]]
            print(f"| {w} | {native:.3f} | " + " | ".join(cells) + " |")
        print("\nTrace size\n")
        print("| workload | mode | events | bytes before compression | trace bytes | trace bytes/event |")
        print("|---|---|---:|---:|---:|---:|")
        for (w, t), (events, captured, size) in per_event.items():
            print(f"| {w} | {t} | {events} | {captured} | {size} | {size / max(events, 1):.1f} |")
        print("\nTarget: reprise (full data) no slower than strace (no data) on every workload:")
        for w in workloads:
            r = statistics.median(times[(w, "reprise")]) / statistics.median(times[(w, "strace")])
            print(f"  {w}: reprise/strace = {r:.2f} {'(met)' if r <= 1.0 else '(NOT met)'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
