#!/usr/bin/env python3
"""Tune the review thresholds (Params::review, src/coding/review.rs) and measure them honestly:
dev figures and 5-fold cross-validated figures of the review flag as a detector of wrong
health-category sets.

The gold file is split into five folds by a hash of each row's id (deterministic, independent of
row order). For every combination of thresholds in the grid, `hrcs eval FOLD --param ...
--format json` is run on each fold and the review counts are kept. Then, for each fold, the
combination with the highest HC-wrong recall on the other four folds while flagging at most
--budget of their rows (ties: fewer rows flagged) is chosen and scored on the held-out fold. The
cross-validated figures pool the held-out counts of the five folds; the dev figures are those of
the combination chosen on all five folds (what the defaults should be).

Usage (from the repository root, after `cargo build --release`):
  python3 bench/review_cv.py ../shared/data/nihr-hta-dev.csv
  python3 bench/review_cv.py ../shared/data/nihr-hta-dev.csv --budget 0.3 0.35 -- --abstract plain_english_abstract
Arguments after `--` go to every `hrcs eval` run. Re-run after any change of the HC or RAC rules:
the errors the flag must catch change with them. Nothing is timed.
"""
import argparse
import csv
import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GRID = {
    "review_hc_confidence": ["0.45", "0.5", "0.55", "0.6", "0.65", "0.7"],
    "review_weak_share": ["0", "0.3", "0.5"],
    "review_weak_stated": ["0", "0.1", "0.2"],
    "review_off_title": ["false", "true"],
}
FOLDS = 5


def fold_of(row_id):
    return int(hashlib.sha256(row_id.strip().encode()).hexdigest(), 16) % FOLDS


def split(gold, outdir):
    csv.field_size_limit(1 << 30)
    with open(gold, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader)
        id_at = header.index("id")
        rows = list(reader)
    paths = []
    for k in range(FOLDS):
        path = os.path.join(outdir, f"fold{k}.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(r for r in rows if fold_of(r[id_at]) == k)
        paths.append(path)
    return paths


def counts(binary, path, params, extra):
    cmd = [binary, "eval", path, "--format", "json", "-j", "1"] + extra
    for k, v in params:
        cmd += ["--param", f"{k}={v}"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    r = json.loads(out.stdout)["review"]
    rac = r["rac"] or {"wrong": 0, "caught": 0}
    return {
        "rows": r["rows"],
        "flagged": r["flagged"],
        "wrong": r["hc"]["wrong"],
        "caught": r["hc"]["caught"],
        "rac_wrong": rac["wrong"],
        "rac_caught": rac["caught"],
    }


def pool(cs):
    return {k: sum(c[k] for c in cs) for k in cs[0]}


def figures(c):
    ratio = lambda a, b: a / b if b else 0.0
    return {
        "share": ratio(c["flagged"], c["rows"]),
        "hc_recall": ratio(c["caught"], c["wrong"]),
        "hc_precision": ratio(c["caught"], c["flagged"]),
        "rac_recall": ratio(c["rac_caught"], c["rac_wrong"]),
        "rac_precision": ratio(c["rac_caught"], c["flagged"]),
    }


def choose(results, folds, budget):
    """The combination with the best pooled HC recall over `folds` within the budget."""
    best = None
    for combo, per_fold in results.items():
        f = figures(pool([per_fold[k] for k in folds]))
        if f["share"] > budget:
            continue
        key = (f["hc_recall"], -f["share"])
        if best is None or key > best[0]:
            best = (key, combo)
    return best[1] if best else None


def line(name, f):
    return (
        f"| {name} | {f['share']:.3f} | {f['hc_recall']:.3f} | {f['hc_precision']:.3f} "
        f"| {f['rac_recall']:.3f} | {f['rac_precision']:.3f} |"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "hrcs"))
    ap.add_argument("--budget", type=float, nargs="+", default=[0.30, 0.35],
                    help="most rows flagged (share); several give one table each")
    ap.add_argument("--jobs", type=int, default=2, help="hrcs runs at a time")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[: len(argv) - len(extra) - (1 if "--" in argv else 0)])
    a.extra = extra
    keys = list(GRID)
    combos = [tuple(zip(keys, vs)) for vs in itertools.product(*GRID.values())]
    with tempfile.TemporaryDirectory() as tmp:
        paths = split(a.gold, tmp)
        jobs = [(c, k) for c in combos + [()] for k in range(FOLDS)]
        with ThreadPoolExecutor(max_workers=a.jobs) as pool_:
            done = pool_.map(lambda j: counts(a.binary, paths[j[1]], j[0], a.extra), jobs)
            got = dict(zip(jobs, done))
        results = {c: [got[(c, k)] for k in range(FOLDS)] for c in combos}
        default = [got[((), k)] for k in range(FOLDS)]
    print(f"gold: {a.gold} {' '.join(a.extra)}")
    print(f"folds: {[r['rows'] for r in default]} rows (sha256 of id mod {FOLDS})")
    everything = list(range(FOLDS))
    for budget in a.budget:
        print(f"\nBudget: at most {budget:.2f} of rows flagged\n")
        print("| thresholds | flagged | HC recall | HC precision | RAC recall | RAC precision |")
        print("|---|---|---|---|---|---|")
        print(line("built-in defaults, dev", figures(pool(default))))
        held = []
        for k in everything:
            c = choose(results, [j for j in everything if j != k], budget)
            if c is None:
                sys.exit(f"fold {k}: no combination within the budget")
            held.append(results[c][k])
            desc = " ".join(f"{n.removeprefix('review_')}={v}" for n, v in c)
            print(line(f"fold {k} held out ({desc})", figures(results[c][k])))
        print(line("**5-fold cross-validated (pooled held-out folds)**", figures(pool(held))))
        dev_choice = choose(results, everything, budget)
        if dev_choice:
            desc = " ".join(f"{n}={v}" for n, v in dev_choice)
            print(line(f"chosen on all of dev ({desc})", figures(pool(results[dev_choice]))))
    print("\nBest dev HC recall at other budgets (no cross-validation):")
    for b in [0.2, 0.25, 0.3, 0.35, 0.4, 0.5]:
        c = choose(results, everything, b)
        if c:
            f = figures(pool(results[c]))
            desc = " ".join(f"{n.removeprefix('review_')}={v}" for n, v in c)
            print(f"  budget {b:.2f}: flagged {f['share']:.3f} HC recall {f['hc_recall']:.3f} "
                  f"precision {f['hc_precision']:.3f} ({desc})")


if __name__ == "__main__":
    main()
