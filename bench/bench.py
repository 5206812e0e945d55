#!/usr/bin/env python3
"""Benchmark `hrcs code`: throughput and peak memory at 1 and 2 threads.

Builds corpora of 200,000 and 1,000,000 awards by sampling (with a fixed seed) the bundled
fixtures and ../shared/data/medical-abstracts-dev.csv, then codes each corpus several times with
-j1 and -j2 and reports the median awards/s, MB/s and the peak resident memory of each run.

Usage: python3 bench/bench.py [--rows 200000 1000000] [--runs 3] [--out docs/benchmarks-latest.md]
Run from the repository root after `cargo build --release`. Corpora go to bench-data/ (ignored by
git) and are reused when present.
"""
import argparse
import csv
import os
import platform
import random
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


def run_once(binary, corpus, threads):
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen([binary, "code", corpus, "-j", str(threads), "-q"], stdout=devnull)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"hrcs failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024.0  # MiB


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
    ap.add_argument("--out", default=None, help="also write the Markdown table to this file")
    args = ap.parse_args()
    os.makedirs(os.path.join(ROOT, "bench-data"), exist_ok=True)
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"Machine: {os.cpu_count()} cores, {cpu_model()}; {platform.system()} {platform.release()}",
        f"Binary: {version} ({args.binary}); median of {args.runs} runs",
        "",
        "| rows | input MB | threads | seconds | awards/s | MB/s | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(lines), flush=True)
    for n in args.rows:
        corpus = os.path.join(ROOT, "bench-data", f"corpus-{n}.csv")
        build(n, corpus)
        mb = os.path.getsize(corpus) / 1e6
        for threads in (1, 2):
            results = [run_once(args.binary, corpus, threads) for _ in range(args.runs)]
            secs = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results)
            line = f"| {n:,} | {mb:,.0f} | {threads} | {secs:.2f} | {n / secs:,.0f} | {mb / secs:,.1f} | {rss:,.1f} |"
            lines.append(line)
            print(line, flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
