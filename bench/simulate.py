#!/usr/bin/env python3
"""The simulation behind docs/estimate.md: does `hrcs summary --checked` give honest intervals?

Codes a hand-coded file with hrcs, treats its human codes as the truth, then for each sample size
draws many review samples with `hrcs sample`, fills them with the true codes (a perfect human
checker, bench/fill_sample.py), runs `hrcs summary --checked`, and compares every health
category's corrected share and 95 % interval with its true money share.

    python3 bench/simulate.py [--draws 200] [--sizes 50,100,200] [--data PATH[,PATH..]]
                              [--amount COL] [--name LABEL] [--abstract COL] [--out DIR] [--plot]

The truth file is NIHR style (`hc`/`rac` lists separated by `;`, HRCS equal split) or UKHRA
style (HC_1, HC_1% ..). Several files of the same layout are concatenated. Writes
DIR/simulation-LABEL.md (the table) and, with --plot, DIR/simulation.svg; prints the table."""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fill_sample import main as fill  # noqa: E402

HRCS = os.environ.get("HRCS_BIN", os.path.join(HERE, "..", "target", "release", "hrcs"))
LARGE = 5.0  # a category is "large" when its true share is 5 % or more


def hc_keys():
    """Every spelling of a health category hrcs accepts (code, short, name, id) -> short name."""
    keys = {}
    for line in open(os.path.join(HERE, "..", "src", "hrcs", "codes.tsv"), encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "hc":
            for k in f[1:5]:
                keys[k.lower()] = f[2]
    return keys


def equal_split(n):
    """The HRCS equal split in hundredths (thirds 33.34/33.33/33.33)."""
    base = 10000 // n
    parts = [base] * n
    for i in range(10000 - base * n):
        parts[i] += 1
    return parts


def truth_shares(rows, amount_col):
    """The true money share of each health category (by short name), in percent."""
    keys = hc_keys()
    money, total = {}, 0.0
    for r in rows:
        amount = float(r[amount_col] or 0)
        total += amount
        if "hc" in r:
            cats = [c.strip() for c in r["hc"].split(";") if c.strip()]
            parts = list(zip(cats, equal_split(len(cats)))) if cats else []
        else:
            cats = [(r[f"HC_{i}"], r.get(f"HC_{i}%", "")) for i in range(1, 6) if r.get(f"HC_{i}")]
            if all(p for _, p in cats):
                parts = [(c, float(p) * 100) for c, p in cats]
            else:
                parts = list(zip([c for c, _ in cats], equal_split(len(cats)))) if cats else []
        for c, p in parts:
            k = keys[c.strip().lower()]
            money[k] = money.get(k, 0.0) + amount * p / 10000
    return {k: 100 * v / total for k, v in money.items()}


def run(args):
    return subprocess.run([HRCS] + args, check=True, capture_output=True, text=True).stdout


def concatenate(paths, out):
    """One truth file of several of the same layout (the hand-coded fixtures)."""
    rows, header = [], None
    for p in paths:
        r = csv.DictReader(open(p, newline="", encoding="utf-8-sig"))
        header = header or r.fieldnames
        rows += list(r)
    w = csv.DictWriter(open(out, "w", newline="", encoding="utf-8"), fieldnames=header, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return rows


def simulate(a, tmp):
    data = os.path.join(tmp, "truth.csv")
    rows = concatenate(a.data.split(","), data)
    truth = truth_shares(rows, a.amount)
    coded = os.path.join(tmp, "coded.csv")
    run(["code", data, "--keep", "-o", coded] + (["--abstract", a.abstract] if a.abstract else []))
    results = {}
    for n in [int(s) for s in a.sizes.split(",")]:
        per_cat = {}
        for seed in range(1, a.draws + 1):
            sample = os.path.join(tmp, "sample.csv")
            filled = os.path.join(tmp, "filled.csv")
            run(["sample", coded, "-n", str(n), "--seed", str(seed), "--amount", a.amount, "-o", sample])
            fill(sample, data, filled)
            out = run(["summary", coded, "--amount", a.amount, "--checked", filled, "--format", "csv"])
            for r in csv.DictReader(io.StringIO(out)):
                if r["dimension"] != "hc" or r["code"] == "none":
                    continue
                t = truth.get(r["code"], 0.0)
                s = per_cat.setdefault(r["name"], {"truth": t, "cov": 0, "err": 0.0, "raw": 0.0,
                                                   "width": 0.0, "zero": 0, "k": 0})
                lo, hi = float(r["ci_low_percent"]), float(r["ci_high_percent"])
                s["cov"] += lo - 1e-9 <= t <= hi + 1e-9
                s["err"] += abs(float(r["corrected_share_percent"]) - t)
                s["raw"] += abs(float(r["share_percent"]) - t)
                s["width"] += hi - lo
                s["zero"] += hi - lo < 0.005
                s["k"] += 1
        results[n] = per_cat
        print(f"{a.name}: n={n} done", file=sys.stderr)
    return results, len(rows)


def summarise(per_cat, large):
    cats = [s for s in per_cat.values() if (s["truth"] >= LARGE) == large and s["truth"] > 0]
    k = sum(s["k"] for s in cats)
    if not k:
        return (0, 0.0, 0.0, 0.0, 0.0, 0)
    return (
        len(cats),
        100 * sum(s["cov"] for s in cats) / k,
        sum(s["raw"] for s in cats) / k,
        sum(s["err"] for s in cats) / k,
        sum(s["width"] for s in cats) / k,
        sum(s["zero"] for s in cats),
    )


def table(a, results, awards):
    lines = [
        f"{a.name}: {awards} awards ({', '.join(p.split('/')[-1] for p in a.data.split(','))}), "
        f"{a.draws} draws per sample size. Truth: the human codes, money-weighted. Large categories: "
        f"true share of {LARGE:.0f} % or more; small: above 0 and under {LARGE:.0f} %.",
        "",
        "| n | categories | coverage of the 95 % intervals | MAE coded (pp) | MAE corrected (pp) "
        "| mean interval width (pp) | zero-width intervals |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, per_cat in results.items():
        for large in (True, False):
            c, cov, raw, err, width, zero = summarise(per_cat, large)
            label = "large" if large else "small"
            lines.append(f"| {n} | {c} {label} | {cov:.1f} % | {raw:.2f} | {err:.2f} | {width:.2f} | {zero} |")
    n = max(results)
    lines += ["", f"Per category at n = {n}:", "",
              "| category | true share % | coverage | MAE coded | MAE corrected | mean width |",
              "|---|---|---|---|---|---|"]
    for name, s in sorted(results[n].items(), key=lambda kv: -kv[1]["truth"]):
        if s["truth"] > 0:
            lines.append(f"| {name} | {s['truth']:.2f} | {100 * s['cov'] / s['k']:.1f} % | "
                         f"{s['raw'] / s['k']:.2f} | {s['err'] / s['k']:.2f} | {s['width'] / s['k']:.2f} |")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--sizes", default="50,100,200")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data", "nihr-hta-dev.csv"))
    ap.add_argument("--amount", default="award_amount")
    ap.add_argument("--name", default="nihr-hta-dev")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "docs"))
    ap.add_argument("--abstract", default=None,
                    help="code from this column instead (e.g. plain_english_abstract: a coder with another error profile)")
    ap.add_argument("--plot", action="store_true", help="also write DIR/simulation.svg")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results, awards = simulate(a, tmp)
    lines = table(a, results, awards)
    os.makedirs(a.out, exist_ok=True)
    open(os.path.join(a.out, f"simulation-{a.name}.md"), "w").write("\n".join(lines) + "\n")
    if a.plot:
        svg(os.path.join(a.out, "simulation.svg"), results, a.name)
    print("\n".join(lines))


def svg(path, results, name):
    """Three panels over the sample size: coverage (large and small categories), MAE coded vs
    corrected (large), mean interval width (large and small)."""
    sizes = list(results)
    big = {n: summarise(results[n], True) for n in sizes}
    small = {n: summarise(results[n], False) for n in sizes}
    panels = [
        (f"coverage of 95% intervals, {name} (%)",
         [("large", "#1f6f8b", [big[n][1] for n in sizes]), ("small", "#7a9a01", [small[n][1] for n in sizes])],
         80, 100, 95),
        ("mean absolute error, large categories (pp)", [("coded", "#b05a00", [big[n][2] for n in sizes]),
                                                        ("corrected", "#1f6f8b", [big[n][3] for n in sizes])], 0, None, None),
        ("mean interval width (pp)", [("large", "#1f6f8b", [big[n][4] for n in sizes]),
                                      ("small", "#7a9a01", [small[n][4] for n in sizes])], 0, None, None),
    ]
    w, h, pad = 300, 220, 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{3 * w}" height="{h}" font-family="sans-serif" font-size="11">']
    for p, (title, series, lo, hi, ref) in enumerate(panels):
        x0 = p * w
        top = hi if hi is not None else max(max(v) for _, _, v in series) * 1.15
        sx = lambda i: x0 + pad + i * (w - 2 * pad) / max(1, len(sizes) - 1)
        sy = lambda v: h - pad - (min(max(v, lo), top) - lo) / (top - lo) * (h - 2 * pad)
        out.append(f'<text x="{x0 + 10}" y="15">{title}</text>')
        out.append(f'<line x1="{x0 + pad}" y1="{h - pad}" x2="{x0 + w - pad}" y2="{h - pad}" stroke="#444"/>')
        out.append(f'<line x1="{x0 + pad}" y1="{pad}" x2="{x0 + pad}" y2="{h - pad}" stroke="#444"/>')
        out.append(f'<text x="{x0 + 5}" y="{sy(top) + 4:.1f}">{top:.1f}</text><text x="{x0 + 5}" y="{h - pad}">{lo}</text>')
        if ref is not None:
            out.append(f'<line x1="{x0 + pad}" y1="{sy(ref):.1f}" x2="{x0 + w - pad}" y2="{sy(ref):.1f}" stroke="#999" stroke-dasharray="4"/>')
        for i, n in enumerate(sizes):
            out.append(f'<text x="{sx(i) - 8:.1f}" y="{h - pad + 15}">n={n}</text>')
        for k, (label, colour, values) in enumerate(series):
            pts = " ".join(f"{sx(i):.1f},{sy(v):.1f}" for i, v in enumerate(values))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, v in enumerate(values):
                out.append(f'<circle cx="{sx(i):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>')
            out.append(f'<text x="{x0 + w - pad - 60}" y="{pad + 12 * k}" fill="{colour}">{label}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
