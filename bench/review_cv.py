#!/usr/bin/env python3
"""Choose the review signals' thresholds and weights (ReviewParams, src/coding/review.rs) and
measure them honestly: dev figures and 5-fold cross-validated figures of the review flag as a
detector of wrong health-category sets.

The review flag (docs/coding.md, section 7) is raised by a reason that flags on its own, or when
the weights of the *signals* that hold add up to 1. This script

1. splits the gold file into five folds by a hash of each row's id (deterministic, independent
   of row order);
2. for every combination of the signal thresholds in DEFINITIONS, runs `hrcs eval FOLD --format
   json` with every weight 1 and `review_min_score=0`, so each row lists every signal that
   holds, and keeps each row's reasons and whether its HC and RAC sets are wrong;
3. for every combination of thresholds and of weights from WEIGHTS, computes without coding again
   which rows would be flagged;
4. for each fold, chooses the combination with the highest HC-wrong recall on the other four
   folds while flagging at most --budget of their rows (ties: fewer rows flagged, then smaller
   weights) and scores it on the held-out fold. The cross-validated figures pool the five
   held-out folds; the dev figures are those of the combination chosen on all five folds (what
   the defaults should be).

Usage (from the repository root, after `cargo build --release`):
  python3 bench/review_cv.py ../shared/data/nihr-hta-dev.csv
  python3 bench/review_cv.py ../shared/data/nihr-hta-dev.csv --budget 0.3 -- --abstract plain_english_abstract
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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Thresholds that define when a signal holds (each combination is one set of `hrcs eval` runs).
DEFINITIONS = {
    "review_hc_confidence": ["0.6", "0.65", "0.7", "0.75", "0.8"],
    "review_few_terms": ["2", "3"],
    "review_left_out": ["0.5", "1"],
}
# The weighed signals (ReviewParams' SIGNALS) and the weights tried for each; a flag needs 1.
SIGNALS = [
    "low_confidence",
    "second_category",
    "few_terms",
    "left_out",
    "weak_category",
    "background_only",
    "off_title",
    "close_call",
    "no_specific_category",
]
WEIGHTS = [0.0, 0.5, 1.0]
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


def rows_of(binary, path, params, extra):
    """Each row of one eval run: (signals that hold, flagged on its own, HC wrong, RAC wrong)."""
    cmd = [binary, "eval", path, "--format", "json", "-j", "1"] + extra
    for k, v in params:
        cmd += ["--param", f"{k}={v}"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    rows = []
    for r in json.loads(out.stdout)["review"]["per_row"]:
        held = frozenset(x for x in r["reasons"] if x in SIGNALS)
        alone = any(x not in SIGNALS for x in r["reasons"])
        rows.append((held, alone, bool(r["hc_wrong"]), bool(r["rac_wrong"])))
    return rows


def patterns(rows):
    """Rows grouped by what the flag can see (signals, flagged alone), with their counts:
    (signals, alone, rows, HC wrong, RAC wrong)."""
    groups = {}
    for held, alone, hc, rac in rows:
        n = groups.setdefault((held, alone), [0, 0, 0])
        n[0] += 1
        n[1] += hc
        n[2] += rac
    return [(h, a, *n) for (h, a), n in groups.items()]


def counts(pats, weights, wrong):
    """flagged, caught (HC), caught (RAC), rows, HC wrong, RAC wrong of the weighted flag."""
    flagged = hc = rac = rows = 0
    for held, alone, n, h, r in pats:
        rows += n
        if alone or sum(weights[s] for s in held) >= 1.0 - 1e-9:
            flagged += n
            hc += h
            rac += r
    return (flagged, hc, rac, rows, wrong[0], wrong[1])


def figures(c):
    flagged, hc, rac, rows, hc_wrong, rac_wrong = c
    ratio = lambda a, b: a / b if b else 0.0
    return {
        "share": ratio(flagged, rows),
        "hc_recall": ratio(hc, hc_wrong),
        "hc_precision": ratio(hc, flagged),
        "rac_recall": ratio(rac, rac_wrong),
        "rac_precision": ratio(rac, flagged),
    }


def add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def choose(table, folds, budget):
    """The combination with the best pooled HC recall over `folds` within the budget."""
    best = None
    for combo, per_fold in table.items():
        c = per_fold[folds[0]]
        for k in folds[1:]:
            c = add(c, per_fold[k])
        f = figures(c)
        if f["share"] > budget:
            continue
        key = (f["hc_recall"], -f["share"], -sum(w for _, w in combo[1]))
        if best is None or key > best[0]:
            best = (key, combo)
    return best[1] if best else None


def line(name, f):
    return (
        f"| {name} | {f['share']:.3f} | {f['hc_recall']:.3f} | {f['hc_precision']:.3f} "
        f"| {f['rac_recall']:.3f} | {f['rac_precision']:.3f} |"
    )


def describe(combo):
    defs, weights = combo
    d = " ".join(f"{n.removeprefix('review_')}={v}" for n, v in defs)
    w = " ".join(f"{s}={v:g}" for s, v in weights if v)
    return f"{d}; weights {w}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "hrcs"))
    ap.add_argument("--budget", type=float, nargs="+", default=[0.30],
                    help="most rows flagged (share); several give one table each")
    ap.add_argument("--jobs", type=int, default=2, help="hrcs runs at a time")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[: len(argv) - len(extra) - (1 if "--" in argv else 0)])
    keys = list(DEFINITIONS)
    defs = [tuple(zip(keys, vs)) for vs in itertools.product(*DEFINITIONS.values())]
    every_signal = [("review_min_score", "0")] + [(f"review_w_{s}", "1") for s in SIGNALS]
    with tempfile.TemporaryDirectory() as tmp:
        paths = split(a.gold, tmp)
        jobs = [(d, k) for d in defs for k in range(FOLDS)]
        with ThreadPoolExecutor(max_workers=a.jobs) as pool_:
            done = pool_.map(
                lambda j: rows_of(a.binary, paths[j[1]], j[0] + tuple(every_signal), extra), jobs)
            got = dict(zip(jobs, done))
        default_runs = [rows_of(a.binary, p, (), extra) for p in paths]
    default = (0, 0, 0, 0, 0, 0)
    for rows in default_runs:
        flagged = sum(1 for h, al, _, _ in rows if h or al)
        default = add(default, (
            flagged,
            sum(1 for h, al, w, _ in rows if (h or al) and w),
            sum(1 for h, al, _, r in rows if (h or al) and r),
            len(rows), sum(w for *_, w, _ in rows), sum(r for *_, r in rows)))
    # Every combination of thresholds and weights, with its counts per fold.
    table = {}
    weight_sets = list(itertools.product(WEIGHTS, repeat=len(SIGNALS)))
    for d in defs:
        per_fold = []
        for k in range(FOLDS):
            rows = got[(d, k)]
            wrong = (sum(1 for r in rows if r[2]), sum(1 for r in rows if r[3]))
            per_fold.append((patterns(rows), wrong))
        for ws in weight_sets:
            weights = dict(zip(SIGNALS, ws))
            table[(d, tuple(zip(SIGNALS, ws)))] = [counts(p, weights, w) for p, w in per_fold]
    print(f"gold: {a.gold} {' '.join(extra)}")
    print(f"folds: {[len(r) for r in default_runs]} rows (sha256 of id mod {FOLDS})")
    print(f"combinations: {len(table)} ({len(defs)} threshold sets x {len(weight_sets)} weight sets)")
    everything = list(range(FOLDS))
    for budget in a.budget:
        print(f"\nBudget: at most {budget:.2f} of rows flagged\n")
        print("| review | flagged | HC recall | HC precision | RAC recall | RAC precision |")
        print("|---|---|---|---|---|---|")
        print(line("built-in defaults, dev", figures(default)))
        held = (0, 0, 0, 0, 0, 0)
        for k in everything:
            c = choose(table, [j for j in everything if j != k], budget)
            if c is None:
                sys.exit(f"fold {k}: no combination within the budget")
            held = add(held, table[c][k])
            print(line(f"fold {k} held out ({describe(c)})", figures(table[c][k])))
        print(line("**5-fold cross-validated (pooled held-out folds)**", figures(held)))
        dev_choice = choose(table, everything, budget)
        if dev_choice:
            c = table[dev_choice][0]
            for k in everything[1:]:
                c = add(c, table[dev_choice][k])
            print(line(f"chosen on all of dev ({describe(dev_choice)})", figures(c)))
    print("\nBest dev HC recall at other budgets (no cross-validation):")
    for b in [0.2, 0.25, 0.3, 0.35, 0.4, 0.5]:
        choice = choose(table, everything, b)
        if choice:
            c = table[choice][0]
            for k in everything[1:]:
                c = add(c, table[choice][k])
            f = figures(c)
            print(f"  budget {b:.2f}: flagged {f['share']:.3f} HC recall {f['hc_recall']:.3f} "
                  f"precision {f['hc_precision']:.3f} ({describe(choice)})")


if __name__ == "__main__":
    main()
