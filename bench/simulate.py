#!/usr/bin/env python3
"""The simulation behind docs/estimate.md: does `hrcs summary --checked` give honest intervals?

Codes the NIHR HTA dev awards with hrcs, treats NIHR's own codes as the truth (HRCS equal split,
no percentages are published), then for each sample size draws many review samples with
`hrcs sample`, fills them with the true codes (a perfect human checker), and compares the
corrected shares and their 95 % intervals with the true money share of every health category.

    python3 bench/simulate.py [--draws 200] [--sizes 50,100,200] [--data PATH] [--out DIR]

Writes DIR/simulation.md (the table) and DIR/simulation.svg (the plot)."""
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

HRCS = os.path.join(HERE, "..", "target", "release", "hrcs")


def equal_split(n):
    """The HRCS equal split in hundredths (thirds 33.34/33.33/33.33)."""
    base = 10000 // n
    parts = [base] * n
    for i in range(10000 - base * n):
        parts[i] += 1
    return parts


def truth_shares(data):
    rows = list(csv.DictReader(open(data, newline="", encoding="utf-8")))
    money = {}
    total = 0.0
    for r in rows:
        amount = float(r["award_amount"] or 0)
        total += amount
        cats = [c.strip() for c in r["hc"].split(";") if c.strip()]
        for c, p in zip(cats, equal_split(len(cats))):
            money[c.lower()] = money.get(c.lower(), 0.0) + amount * p / 10000
    return {k: 100 * v / total for k, v in money.items()}


def run(args):
    return subprocess.run([HRCS] + args, check=True, capture_output=True, text=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--sizes", default="50,100,200")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data", "nihr-hta-dev.csv"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "docs"))
    a = ap.parse_args()
    truth = truth_shares(a.data)
    tmp = tempfile.mkdtemp()
    coded = os.path.join(tmp, "coded.csv")
    run(["code", a.data, "--keep", "-o", coded])
    results = {}
    for n in [int(s) for s in a.sizes.split(",")]:
        per_cat = {}
        for seed in range(1, a.draws + 1):
            sample = os.path.join(tmp, "sample.csv")
            filled = os.path.join(tmp, "filled.csv")
            run(["sample", coded, "-n", str(n), "--seed", str(seed), "-o", sample])
            fill(sample, a.data, filled)
            out = run(["summary", coded, "--amount", "award_amount", "--checked", filled, "--format", "csv"])
            for r in csv.DictReader(io.StringIO(out)):
                if r["dimension"] != "hc" or r["code"] == "none":
                    continue
                t = truth.get(r["name"].lower(), 0.0)
                s = per_cat.setdefault(r["name"], {"truth": t, "cov": 0, "err": 0.0, "raw": 0.0, "width": 0.0, "k": 0})
                lo, hi = float(r["ci_low_percent"]), float(r["ci_high_percent"])
                s["cov"] += lo - 1e-9 <= t <= hi + 1e-9
                s["err"] += abs(float(r["corrected_share_percent"]) - t)
                s["raw"] += abs(float(r["share_percent"]) - t)
                s["width"] += hi - lo
                s["k"] += 1
        results[n] = per_cat
        print(f"n={n} done", file=sys.stderr)
    write(a, results)


def summarise(per_cat, large):
    cats = [s for s in per_cat.values() if (s["truth"] >= 5.0) == large]
    k = sum(s["k"] for s in cats)
    return (
        len(cats),
        100 * sum(s["cov"] for s in cats) / k,
        sum(s["raw"] for s in cats) / k,
        sum(s["err"] for s in cats) / k,
        sum(s["width"] for s in cats) / k,
    )


def write(a, results):
    lines = [
        f"Draws per sample size: {a.draws}. Truth: NIHR's codes of the {a.data.split('/')[-1]} awards "
        "(equal split), money-weighted. Large categories: true share of 5 % or more.",
        "",
        "| n | categories | coverage of the 95 % intervals | MAE coded (pp) | MAE corrected (pp) | mean interval width (pp) |",
        "|---|---|---|---|---|---|",
    ]
    for n, per_cat in results.items():
        for large in (True, False):
            c, cov, raw, err, width = summarise(per_cat, large)
            label = "large" if large else "small"
            lines.append(f"| {n} | {c} {label} | {cov:.1f} % | {raw:.2f} | {err:.2f} | {width:.2f} |")
    lines += ["", "Per large category at the largest n:", "",
              "| category | true share % | coverage | MAE coded | MAE corrected |", "|---|---|---|---|---|"]
    n = max(results)
    for name, s in sorted(results[n].items(), key=lambda kv: -kv[1]["truth"]):
        if s["truth"] >= 5.0:
            lines.append(f"| {name} | {s['truth']:.2f} | {100 * s['cov'] / s['k']:.1f} % | "
                         f"{s['raw'] / s['k']:.2f} | {s['err'] / s['k']:.2f} |")
    open(os.path.join(a.out, "simulation.md"), "w").write("\n".join(lines) + "\n")
    svg(os.path.join(a.out, "simulation.svg"), results)
    print("\n".join(lines))


def svg(path, results):
    """Three panels over the sample size: coverage (large categories), MAE coded vs corrected,
    mean interval width."""
    sizes = list(results)
    stats = {n: summarise(results[n], True) for n in sizes}
    panels = [
        ("coverage of 95% intervals, large categories (%)", [("coverage", "#1f6f8b", [stats[n][1] for n in sizes])], 80, 100, 95),
        ("mean absolute error, large categories (pp)", [("coded", "#b05a00", [stats[n][2] for n in sizes]),
                                                        ("corrected", "#1f6f8b", [stats[n][3] for n in sizes])], 0, None, None),
        ("mean interval width, large categories (pp)", [("width", "#1f6f8b", [stats[n][4] for n in sizes])], 0, None, None),
    ]
    w, h, pad = 300, 220, 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{3 * w}" height="{h}" font-family="sans-serif" font-size="11">']
    for p, (title, series, lo, hi, ref) in enumerate(panels):
        x0 = p * w
        top = hi if hi is not None else max(max(v) for _, _, v in series) * 1.15
        sx = lambda i: x0 + pad + i * (w - 2 * pad) / max(1, len(sizes) - 1)
        sy = lambda v: h - pad - (v - lo) / (top - lo) * (h - 2 * pad)
        out.append(f'<text x="{x0 + 10}" y="15">{title}</text>')
        out.append(f'<line x1="{x0 + pad}" y1="{h - pad}" x2="{x0 + w - pad}" y2="{h - pad}" stroke="#444"/>')
        out.append(f'<line x1="{x0 + pad}" y1="{pad}" x2="{x0 + pad}" y2="{h - pad}" stroke="#444"/>')
        out.append(f'<text x="{x0 + 5}" y="{sy(top) + 4:.1f}">{top:.1f}</text><text x="{x0 + 5}" y="{h - pad}">{lo}</text>')
        if ref is not None:
            out.append(f'<line x1="{x0 + pad}" y1="{sy(ref):.1f}" x2="{x0 + w - pad}" y2="{sy(ref):.1f}" stroke="#999" stroke-dasharray="4"/>')
        for i, n in enumerate(sizes):
            out.append(f'<text x="{sx(i) - 8:.1f}" y="{h - pad + 15}">n={n}</text>')
        for k, (name, colour, values) in enumerate(series):
            pts = " ".join(f"{sx(i):.1f},{sy(v):.1f}" for i, v in enumerate(values))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, v in enumerate(values):
                out.append(f'<circle cx="{sx(i):.1f}" cy="{sy(v):.1f}" r="3" fill="{colour}"/>')
            out.append(f'<text x="{x0 + w - pad - 60}" y="{pad + 12 * k}" fill="{colour}">{name}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
