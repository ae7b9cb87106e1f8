#!/usr/bin/env python3
"""Replay speed and memory of `reprise replay`.

Each workload is recorded once; then, round by round, it runs natively and is replayed (afap, with
--prepare building the input files first, which is not timed: replay_wall_ns from --json covers the
replay alone). Each round's replay time is divided by the native time measured just before it: the
machine's speed drifts (on the VM this was measured on, native tar x took 0.53 s, then 0.85 s a
quarter of an hour later), and a pair of runs a second apart shares its state. The median of those
ratios is reported, with their range, and the ratio of the fastest replay to the fastest native run:
on a noisy machine noise only adds time, so the fastest runs are the least disturbed.

For tar, each round also runs bench/replay_floor (argument 2): the calls replay issues, decoded into
memory beforehand and issued back to back as recorded, in the recording's own directory restored to
its initial state. No replay can be faster; its ratio to the native run is what issuing recorded
calls costs on this machine, before any replay bookkeeping. Last, the peak RSS of replaying a trace of
more than 5 million events (skipped with BENCH_QUICK=1).
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
QUICK = os.environ.get("BENCH_QUICK", "0") == "1"
# bytes dd copies one at a time: a read and a write per byte, each an entry and an exit event
DD_BYTES = 2600000
# the replay's own peak RSS: getrusage(RUSAGE_CHILDREN) in a process whose only child is the replay
PEAK_RSS = ("import resource, subprocess, sys\n"
            "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
            "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def run(cmd, cwd, env=None, ok=(0,)):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"bench: {' '.join(cmd)} exited with {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}")
    return elapsed, proc


def events_of(stderr):
    m = re.search(rb"(\d+) events", stderr)
    return int(m.group(1)) if m else 0


def floor_run(floor, trace, directory):
    """Restores the recording's (initially empty) directory, then issues the trace's calls in it."""
    shutil.rmtree(directory)
    os.mkdir(directory)
    proc = subprocess.run([floor, trace], cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    m = re.search(rb"calls (\d+) differing (\d+) wall_ns (\d+)", proc.stdout)
    if proc.returncode or not m:
        sys.exit(f"bench: {floor} {trace} failed: {proc.stderr.decode(errors='replace')[-500:]}")
    return int(m.group(3)) / 1e9, int(m.group(2))


def main():
    reprise = os.path.realpath(sys.argv[1])
    floor = os.path.realpath(sys.argv[2])
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = tempfile.mkdtemp(prefix="reprise-replay-bench.", dir=shm)
    try:
        tree_tar = os.path.join(work, "tree.tar")
        subprocess.run(["tar", "cf", tree_tar, "-C", "/usr/include", "."], check=True)
        sql = os.path.join(work, "insert.sql")
        with open(sql, "w") as f:
            f.write("PRAGMA journal_mode=WAL;\nCREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);\n")
            for i in range(2000):
                f.write(f"INSERT INTO t(v) VALUES('{'value-%06d-' % i * 4}');\n")
        home = os.path.join(work, "home")
        os.mkdir(home)
        git_env = dict(os.environ, HOME=home, GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_DATE="2020-01-01T00:00:00Z",
                       GIT_COMMITTER_DATE="2020-01-01T00:00:00Z")
        git = "git init -q . && git add . && git -c user.name=x -c user.email=y commit -qm m"

        def fresh(setup):
            d = tempfile.mkdtemp(dir=work)
            if setup:
                setup(d)
            return d

        def copy_linux(d):
            shutil.copytree("/usr/include/linux", os.path.join(d, "linux"), symlinks=True)

        tar = "tar x (/usr/include)"
        workloads = {
            tar: (lambda d: ["tar", "xf", tree_tar, "-C", d], None, None),
            "sqlite3 2000 inserts": (lambda d: ["sh", "-c", f"sqlite3 {d}/db.sqlite < {sql}"], None, None),
            "git init/add/commit (/usr/include/linux)": (lambda d: ["sh", "-c", git], copy_linux, git_env),
        }
        traces, events, recorded_in = {}, {}, {}
        for w, (make, setup, env) in workloads.items():
            d = fresh(setup)
            traces[w] = os.path.join(work, f"{len(traces)}.rpr")
            _, proc = run([reprise, "record", "-v", "-o", traces[w], "--"] + make(d), d, env)
            events[w] = events_of(proc.stderr)
            recorded_in[w] = d
        native = {w: [] for w in workloads}
        replay = {w: [] for w in workloads}
        mismatches = {w: 0 for w in workloads}
        floor_s, floor_differing = [], 0
        for _ in range(ROUNDS):
            for w, (make, setup, env) in workloads.items():
                d = fresh(setup)
                elapsed, _ = run(make(d), d, env)
                native[w].append(elapsed)
                shutil.rmtree(d)
                if w == tar:
                    elapsed, differing = floor_run(floor, traces[w], recorded_in[w])
                    floor_s.append(elapsed)
                    floor_differing = max(floor_differing, differing)
                root = tempfile.mkdtemp(dir=work)
                report = os.path.join(work, "replay.json")
                run([reprise, "replay", "--root", root, "--prepare", "--json", report, traces[w]], work, ok=(0, 4))
                with open(report) as f:
                    summary = json.load(f)
                replay[w].append(summary["replay_wall_ns"] / 1e9)
                mismatches[w] = max(mismatches[w], summary["mismatches"])
                shutil.rmtree(root)

        print(f"Replay (afap, --prepare not timed), {ROUNDS} rounds; ratio = replay time / native time of the "
              "recorded program in the same round (median, and range); times are medians\n")
        print("| workload | events | native s | replay s | ratio | range | fastest runs | mismatches |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        ratios = {w: [r / n for n, r in zip(native[w], replay[w])] for w in workloads}
        for w in workloads:
            n, r = statistics.median(native[w]), statistics.median(replay[w])
            print(f"| {w} | {events[w]} | {n:.3f} | {r:.3f} | {statistics.median(ratios[w]):.2f}x | "
                  f"{min(ratios[w]):.2f}-{max(ratios[w]):.2f} | {min(replay[w]) / min(native[w]):.2f}x | "
                  f"{mismatches[w]} |")
        floor_ratios = [f / n for n, f in zip(native[tar], floor_s)]
        print(f"\nFloor for {tar} (bench/replay_floor: the same calls pre-decoded and issued back to back, "
              f"{floor_differing} results differing from the recording): {statistics.median(floor_s):.3f} s, "
              f"{statistics.median(floor_ratios):.2f}x native (range {min(floor_ratios):.2f}-{max(floor_ratios):.2f}, "
              f"fastest runs {min(floor_s) / min(native[tar]):.2f}x); the replay takes "
              f"{statistics.median([r / f for f, r in zip(floor_s, replay[tar])]):.2f}x the floor")
        print("\nTarget: ratio <= 1.2x:")
        for w in workloads:
            ratio = statistics.median(ratios[w])
            print(f"  {w}: {ratio:.2f}x {'(met)' if ratio <= 1.2 else '(NOT met)'}")

        if QUICK:
            print("\nPeak RSS of a 5-million-event replay: skipped (BENCH_QUICK=1)")
            return
        d = fresh(None)
        big = os.path.join(work, "dd.rpr")
        _, proc = run([reprise, "record", "-v", "-o", big, "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1",
                       f"count={DD_BYTES}"], d)
        root = tempfile.mkdtemp(dir=work)
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", PEAK_RSS, reprise, "replay", "--root", root, big],
                             capture_output=True, text=True, check=True).stdout.split()
        elapsed = time.perf_counter() - start
        if out[0] not in ("0", "4"):
            sys.exit(f"bench: replaying {big} exited with {out[0]}")
        rss_mb = int(out[1]) / 1024
        print("\n| trace | events | replay s | peak RSS MB |")
        print("|---|---:|---:|---:|")
        print(f"| dd bs=1 count={DD_BYTES} | {events_of(proc.stderr)} | {elapsed:.1f} | {rss_mb:.1f} |")
        print(f"\nTarget: peak RSS <= 256 MB: {'met' if rss_mb <= 256 else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
