#!/usr/bin/env python3
"""Benchmark `hrcs code`: throughput, CPU time and peak memory at 1 and 2 threads, side by side
with the floor (a bare csv-crate pass, `examples/csvcount.rs`, or `xsv count` if installed) and,
optionally, a second hrcs binary (`--baseline`), interleaved so machine load hits all alike.

Builds corpora of 200,000 and 1,000,000 awards by sampling (with a fixed seed) the bundled
fixtures and ../shared/data/medical-abstracts-dev.csv, then codes each corpus several times with
-j1 and -j2 and reports the median awards/s, MB/s and the peak resident memory of each run.

Usage: python3 bench/bench.py [--rows 200000 1000000] [--runs 3] [--baseline OLD_HRCS]
                              [--alloc-binary NEW_COUNTING] [--baseline-alloc-binary OLD_COUNTING]
                              [--out docs/benchmarks-latest.md]

Allocations per abstract: a binary built with `cargo build --release --features count-allocs`
prints its allocation count to stderr at exit. It is run on the first 2,000 and the first
12,000 rows of each corpus at each thread count, and the difference divided by 10,000 is the
figure (start-up's allocations cancel out; 12,000 rows is past the point where the pipeline's
recycled batches have all been filled once).
Run from the repository root after `cargo build --release --bins --example csvcount`. The
machine is shared: CPU seconds per row (user + system of the whole process, from wait4) are the
figure to compare; wall time depends on what else runs (the load average is printed). Corpora go to bench-data/ (ignored by
git) and are reused when present.
"""
import argparse
import csv
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV = os.path.join(ROOT, "..", "shared", "data", "medical-abstracts-dev.csv")


def sources():
    rows = []
    for name in ("awards.csv", "awards-more.csv"):
        path = os.path.join(ROOT, "fixtures", name)
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    rows.append((r["AwardTitle"], r["AwardAbstract"]))
    if os.path.exists(DEV):
        with open(DEV, newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                rows.append(("", r["abstract"]))
    if not rows:
        sys.exit("no source abstracts found")
    return rows


def build(n, path):
    if os.path.exists(path):
        return
    rng = random.Random(20261125)
    src = sources()
    tmp = path + ".part"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "abstract"])
        for i in range(n):
            title, text = src[rng.randrange(len(src))]
            w.writerow([f"B{i:07d}", title, text])
    os.replace(tmp, path)


def run_cmd(cmd):
    """Runs a command with stdout discarded: (wall s, CPU s, peak RSS MiB)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd[0]} failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def prefix(corpus, rows):
    """The header and the first `rows` rows of a corpus (one line per row), made once."""
    path = f"{corpus[:-4]}-head{rows}.csv"
    if not os.path.exists(path):
        with open(corpus, "rb") as src, open(path + ".part", "wb") as out:
            for i, line in enumerate(src):
                if i > rows:
                    break
                out.write(line)
        os.replace(path + ".part", path)
    return path


def allocations(binary, corpus, threads):
    """Heap allocations of one run of a counting binary (`--features count-allocs`)."""
    with open(os.devnull, "wb") as devnull:
        err = subprocess.run(
            [binary, "code", corpus, "-j", str(threads), "-q"],
            stdout=devnull, stderr=subprocess.PIPE, text=True, check=True,
        ).stderr
    for line in err.splitlines():
        if line.startswith("hrcs: allocations="):
            return int(line.split()[1].split("=")[1])
    sys.exit(f"{binary} does not count allocations: build it with --features count-allocs")


def allocations_per_row(binary, corpus, threads, small=2_000, large=12_000):
    """Allocations per abstract: the difference of two runs, so start-up cancels out."""
    a = allocations(binary, prefix(corpus, small), threads)
    b = allocations(binary, prefix(corpus, large), threads)
    return (b - a) / (large - small)


def floor_cmd(corpus):
    """`xsv count` if installed, else the bare csv-crate pass of examples/csvcount.rs."""
    for xsv in ("xsv", os.path.expanduser("~/.cargo/bin/xsv")):
        path = xsv if os.path.isabs(xsv) else shutil.which(xsv)
        if path and os.path.exists(path):
            return "xsv count", [path, "count", corpus]
    example = os.path.join(ROOT, "target", "release", "examples", "csvcount")
    if not os.path.exists(example):
        sys.exit("build the floor first: cargo build --release --example csvcount")
    return "csv-crate pass", [example, corpus]


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "hrcs"))
    ap.add_argument("--baseline", default=None, help="another hrcs binary, run alongside")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--alloc-binary", default=None,
                    help="the new hrcs built with --features count-allocs, for allocations per abstract")
    ap.add_argument("--baseline-alloc-binary", default=None,
                    help="the baseline built with --features count-allocs")
    ap.add_argument("--out", default=None, help="also write the Markdown table to this file")
    args = ap.parse_args()
    os.makedirs(os.path.join(ROOT, "bench-data"), exist_ok=True)
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True).stdout.strip()
    binaries = [("new", args.binary)] + ([("baseline", args.baseline)] if args.baseline else [])
    lines = [
        f"Machine: {os.cpu_count()} cores, {cpu_model()}; {platform.system()} {platform.release()}",
        f"Binary: {version} ({args.binary}); baseline: {args.baseline or '-'}; median of {args.runs} interleaved runs",
        f"Load average at start: {load_average()}",
        "",
        "| rows | input MB | program | threads | wall s | rows/s (wall) | MB/s (wall) | CPU s | CPU µs/row | x floor (wall) | x floor (CPU) | peak RSS MiB | allocs/row |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    notes = []
    for n in args.rows:
        corpus = os.path.join(ROOT, "bench-data", f"corpus-{n}.csv")
        build(n, corpus)
        mb = os.path.getsize(corpus) / 1e6
        floor_name, floor = floor_cmd(corpus)
        jobs = [(floor_name, 0, floor)]
        for name, binary in binaries:
            for t in args.threads:
                jobs.append((name, t, [binary, "code", corpus, "-j", str(t), "-q"]))
        results = {j[:2]: [] for j in jobs}
        for _ in range(args.runs):  # interleaved: A B C A B C ...
            for name, t, cmd in jobs:
                results[(name, t)].append(run_cmd(cmd))
        floor_cpu = statistics.median(r[1] for r in results[(floor_name, 0)])
        floor_wall = statistics.median(r[0] for r in results[(floor_name, 0)])
        counting = {"new": args.alloc_binary, "baseline": args.baseline_alloc_binary}
        walls = {}
        for name, t, _ in jobs:
            rs = results[(name, t)]
            wall = statistics.median(r[0] for r in rs)
            cpu = statistics.median(r[1] for r in rs)
            rss = max(r[2] for r in rs)
            walls[(name, t)] = wall
            allocs = "-"
            if t and counting.get(name):
                allocs = f"{allocations_per_row(counting[name], corpus, t):.1f}"
            line = (
                f"| {n:,} | {mb:,.0f} | {name} | {t or '-'} | {wall:.2f} | {n / wall:,.0f} | "
                f"{mb / wall:,.1f} | {cpu:.2f} | {cpu / n * 1e6:.1f} | {wall / floor_wall:.1f} | "
                f"{cpu / floor_cpu:.1f} | {rss:,.1f} | {allocs} |"
            )
            lines.append(line)
            print(line, flush=True)
        for name, _ in binaries:
            if (name, 1) in walls and (name, 2) in walls:
                notes.append(f"{n:,} rows, {name}: -j1 to -j2 speed-up (wall) {walls[(name, 1)] / walls[(name, 2)]:.2f}x")
    lines.append("")
    lines.extend(notes)
    lines.append(f"Load average at end: {load_average()}")
    print("\n".join(notes))
    print(lines[-1])
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
