#!/usr/bin/env python3
"""A throwaway-grade re-implementation of the `--checked` estimator, used to compare design
choices quickly on several coded files at once (docs/estimate.md, "Choices and what was tried").
Not the product: the numbers in docs/simulation.md come from the real binary (bench/simulate.py).
The draw uses Python's random, not hrcs's splitmix64, so individual samples differ from
`hrcs sample`'s; the strata and the allocation are the same.

    hrcs code ../shared/data/nihr-hta-dev.csv --keep -o /tmp/nihr.csv
    hrcs code ../shared/data/nihr-hta-dev.csv --abstract plain_english_abstract --keep -o /tmp/lay.csv
    hrcs code fixtures/awards.csv fixtures/awards-more.csv --keep -o /tmp/en.csv   (or concatenated)
    hrcs code fixtures/prosjekter-no.csv --keep -o /tmp/no.csv
    python3 bench/estimator_variants.py 1000 '{"var":"twoway","point":"pretest"}' \\
        nihr=/tmp/nihr.csv:50,100,200 lay=/tmp/lay.csv:50,100,200 en=/tmp/en.csv:25,50,100 \\
        no=/tmp/no.csv:15,30,45

Options (JSON); `{"count":1,"borrow":1,"takeall":1,"amountw":1,"point":"fh","limit":1}` is what
hrcs ships since 2026-12-08, `{"var":"floor","point":"c2"}` what it shipped before:
  var     = "floor" (own s² with a pooled floor where no error was seen; default), "own" (textbook
            s² only), "twoway" (every code's within-stratum variance from a stratum × code model:
            the stratum's pooled error variance times the code's share of the error variance pooled
            over strata), "blend" (own s² and the two-way model averaged)
  count   = 1: the floor's per-code pseudo-count is ½ award over the stratum's checked awards
            (else ½ mean award per checked award, the 2026-12-07 rule)
  borrow  = 1: an error-free stratum's Jeffreys pseudo-error has the size of the errors seen
            elsewhere in the sample (else a whole award moving)
  takeall = 1: Hidiroglou's take-all stratum of awards whose own allocation is one draw or more
  amountw = 1: Neyman weights times the stratum's root mean square amount
  alloc   = "neyman" (default) or "prop" (proportional)
  df      = "nh" (n − H, default) or "satt" (Satterthwaite's effective degrees of freedom)
  point   = "diff" (the difference estimate), "c2" (per-code composite, weight (d²−v)⁺/d²),
            "pretest" (the difference estimate where significant at 5 %, else the coded figure),
            "js" (James-Stein: one positive-part weight for all codes of the dimension),
            "fh" (Fay-Herriot: γ = τ²/(τ²+v), τ² the codes' mean squared bias by moments),
            "fhs" (the same with τ² in proportion to the code's size)
  limit   = 1: Efron-Morris limited translation, the figure within one standard error of the
            difference estimate
Truth: the coded file's input_hc column (NIHR style, equal split) or its HC_1/HC_1% columns."""
import csv
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = [l.rstrip("\n").split("\t") for l in open(os.path.join(HERE, "..", "src", "hrcs", "codes.tsv"),
                                                     encoding="utf-8") if l.startswith("hc\t")]
KEYS = {}
for c in CODES:
    for k in c[1:5]:
        KEYS[k.lower()] = int(c[1]) - 1
K = 21
Z = 1.959964
EPS = 1e-6


def equal_split(n):
    b = 10000 // n
    p = [b] * n
    for i in range(10000 - b * n):
        p[i] += 1
    return p


class Data:
    """One coded file: each award's coded and true amount per category (`none` last)."""

    def __init__(self, path):
        rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
        amount = next(c for c in ("award_amount", "AwardAmount", "Bevilget beløp") if c in rows[0])
        self.X, self.Y, self.conf, self.flag = [], [], [], []
        for r in rows:
            a = float(r[amount] or 0)
            x = [0.0] * (K + 1)
            if r["hc"]:
                for part in r["hc"].split(";"):
                    n, p = part.rsplit(":", 1)
                    x[KEYS[n.lower()]] += a * float(p) / 100
            else:
                x[K] = a
            y = [0.0] * (K + 1)
            if "input_hc" in r:
                cats = [c.strip() for c in r["input_hc"].split(";") if c.strip()]
                parts = list(zip(cats, equal_split(len(cats)))) if cats else []
            else:
                cats = [(r[f"HC_{i}"], r.get(f"HC_{i}%", "")) for i in range(1, 6) if r.get(f"HC_{i}")]
                if cats and all(p for _, p in cats):
                    parts = [(c, float(p) * 100) for c, p in cats]
                else:
                    parts = list(zip([c for c, _ in cats], equal_split(len(cats)))) if cats else []
            if not parts:
                y[K] = a
            for c, p in parts:
                y[KEYS[c.strip().lower()]] += a * p / 10000
            self.X.append(x)
            self.Y.append(y)
            self.D = None
            self.conf.append(float(r["hc_confidence"] or 0))
            self.flag.append(r["review"] == "true")
        self.N = len(rows)
        self.D = [[y - x for x, y in zip(X, Y)] for X, Y in zip(self.X, self.Y)]
        self.T = sum(sum(x) for x in self.X)
        self.truth = [100 * sum(y[j] for y in self.Y) / self.T for j in range(K + 1)]
        self.coded = [100 * sum(x[j] for x in self.X) / self.T for j in range(K + 1)]
        self.Xtot = [sum(x[j] for x in self.X) for j in range(K + 1)]

    def band(self, i):
        if self.flag[i]:
            return 0
        c = self.conf[i]
        return 3 if c >= 0.9 else 2 if c >= 0.75 else 1 if c >= 0.5 else 0

    def strata(self):
        S = {}
        for i in range(self.N):
            S.setdefault(self.band(i), []).append(i)
        return [S[k] for k in sorted(S)]


def allocate(n, sizes, w):
    al = [min(2, s) for s in sizes]
    left = n - sum(al)
    while left > 0:
        room = [w[i] if al[i] < sizes[i] else 0 for i in range(len(sizes))]
        tot = sum(room)
        give = [int(left * r / tot) for r in room]
        rem = sorted(range(len(sizes)), key=lambda i: -(left * room[i] / tot - give[i]))
        for i in rem[: left - sum(give)]:
            give[i] += 1
        g = 0
        for i in range(len(sizes)):
            e = min(give[i], sizes[i] - al[i])
            al[i] += e
            g += e
        left -= g
    return al


def tq(df):
    if df <= 0:
        return float("inf")
    z, v = Z, df
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4))


def err_sd(data, i):
    return math.sqrt(min(max(1 - data.conf[i], 0.05), 1))


def take_all(data, n, opt):
    """Hidiroglou (1986): awards whose share of n under allocation in proportion to their own
    error spread (amount times sqrt of the expected error rate) is one or more are checked all."""
    if not opt.get("takeall"):
        return []
    w = {i: sum(data.X[i]) * err_sd(data, i) for i in range(data.N)}
    certain = []
    while True:
        rest = [i for i in w if i not in certain]
        left = n - len(certain)
        tot = sum(w[i] for i in rest)
        new = [i for i in rest if tot > 0 and left * w[i] / tot >= 1]
        # keep two draws per remaining stratum possible: stop if too few left
        if not new or left - len(new) < 2 * 4:
            return certain
        certain += new


def draw(data, strata, n, rng, opt):
    certain = take_all(data, n, opt)
    if certain:
        cs = set(certain)
        strata = [[i for i in s if i not in cs] for s in strata]
        strata = [s for s in strata if s]
        n -= len(certain)
    sizes = [len(s) for s in strata]
    if opt.get("alloc", "neyman") == "prop":
        w = [float(len(s)) for s in strata]
    else:
        w = []
        for s in strata:
            e = sum(1 - data.conf[i] for i in s) / len(s)
            rms = math.sqrt(sum(sum(data.X[i]) ** 2 for i in s) / len(s)) if opt.get("amountw") else 1.0
            w.append(len(s) * math.sqrt(min(max(e, 0.05), 1)) * rms)
    al = allocate(n, sizes, w)
    out = [(len(s), rng.sample(s, a)) for s, a in zip(strata, al)]
    if certain:
        out.append((len(certain), certain))
    return out


def jeffreys_pool(data, draws, nh):
    """The pooled error variance of a stratum where no error was seen: half a pseudo-error."""
    m2 = sum(sum(data.X[i]) ** 2 for i in draws) / nh
    return 2 * m2 * 0.5 / (nh + 1)


def stratum_stats(data, sample):
    out = []
    for Nh, draws in sample:
        nh = len(draws)
        d = [data.D[i] for i in draws]
        mean = [sum(v[j] for v in d) / nh for j in range(K + 1)]
        s2 = [sum((v[j] - mean[j]) ** 2 for v in d) / (nh - 1) if nh > 1 else 0.0 for j in range(K + 1)]
        seen = [any(abs(v[j]) > EPS for v in d) for j in range(K + 1)]
        amt = [sum(data.X[i][j] for i in draws) / nh for j in range(K + 1)]
        out.append(dict(Nh=Nh, nh=nh, mean=mean, s2=s2, seen=seen, amt=amt, draws=draws))
    return out


def size_share(st, count=False):
    """Each code's share of a stratum by coded amount, plus half a mean award each (in the
    count form, half a mean award over the whole stratum sample)."""
    abar = sum(st["amt"])
    w = [a + abar / 2 / (st["nh"] if count else 1) for a in st["amt"]]
    t = sum(w)
    return [x / t for x in w]


def variances(data, stats, opt):
    kind = opt.get("var", "floor")
    out = []
    if kind in ("twoway", "blend"):
        # The code's share of the error variance, pooled over strata with their degrees of freedom.
        col = [sum((st["nh"] - 1) * st["s2"][j] for st in stats) for j in range(K + 1)]
        tot = sum(col)
    # The mean squared size of an observed error (Σ_j d_j² of an award checked wrong, relative
    # to its amount squared), over all strata: what an unseen error would look like.
    errs = [sum(v * v for v in data.D[i]) / sum(data.X[i]) ** 2
            for st in stats for i in st["draws"] if sum(data.X[i]) > 0 and any(abs(v) > EPS for v in data.D[i])]
    rel = sum(errs) / len(errs) if errs else 2.0
    for st in stats:
        s2 = list(st["s2"])
        nh = st["nh"]
        pooled = sum(s2)
        if pooled == 0:
            pooled = jeffreys_pool(data, st["draws"], nh)
            if opt.get("borrow"):
                pooled *= rel / 2.0
        pooled /= 2
        share = size_share(st, opt.get("count"))
        if kind == "floor":
            for j in range(K + 1):
                if not st["seen"][j]:
                    s2[j] = max(s2[j], share[j] * pooled)
        elif kind in ("twoway", "blend"):
            # Codes never seen in error anywhere get a Jeffreys half pseudo-error's worth by size.
            hstot = 2 * pooled
            model = []
            for j in range(K + 1):
                if tot > 0:
                    p = col[j] / tot
                    floor = share[j] * 0.5 / (sum((st2["nh"] - 1) for st2 in stats) + 1)
                    p = max(p, floor)
                else:
                    p = share[j] / 2
                model.append(hstot * p)
            if kind == "twoway":
                s2 = model
            else:
                s2 = [(a + b) / 2 for a, b in zip(s2, model)]
        out.append(s2)
    return out


def estimate(data, sample, opt):
    stats = stratum_stats(data, sample)
    s2s = variances(data, stats, opt)
    Dh = [0.0] * (K + 1)
    V = [0.0] * (K + 1)
    parts = [[] for _ in range(K + 1)]
    n = 0
    for st, s2 in zip(stats, s2s):
        Nh, nh = st["Nh"], st["nh"]
        n += nh
        f = nh / Nh
        for j in range(K + 1):
            Dh[j] += Nh * st["mean"][j]
            v = Nh * Nh * (1 - f) * s2[j] / nh
            V[j] += v
            parts[j].append((v, nh - 1))
    H = len(sample)
    out = []
    qs = []
    for j in range(K + 1):
        if opt.get("df") == "satt":
            num = V[j] ** 2
            den = sum(v * v / max(df, 1) for v, df in parts[j])
            df = num / den if den > 0 else n - H
            qs.append(tq(max(1, min(df, n - H))))
        else:
            qs.append(tq(n - H))
    point = opt.get("point", "c2")
    if point == "js":
        ratios = [Dh[j] ** 2 / V[j] for j in range(K + 1) if V[j] > 0]
        s = sum(ratios)
        lam_js = max(0.0, 1 - (len(ratios) - 2) / s) if s > 0 else 0.0
    if point in ("fh", "fhs"):
        # Fay-Herriot: biases B_j ~ (0, tau² w_j), tau² by moments from D_j² - V_j.
        if point == "fh":
            w = [1.0] * (K + 1)
        else:
            w = [data.Xtot[j] / data.T + 1.0 / (K + 1) for j in range(K + 1)]
        t2 = max(0.0, sum(Dh[j] ** 2 - V[j] for j in range(K + 1)) / sum(w))
        tau2 = [t2 * x for x in w]
    for j in range(K + 1):
        se = math.sqrt(V[j])
        diff = data.Xtot[j] + Dh[j]
        d2 = Dh[j] ** 2
        if point == "diff":
            lam = 1.0
        elif point == "c2":
            lam = max(0.0, d2 - V[j]) / d2 if d2 > 0 else 0.0
        elif point == "pretest":
            lam = 1.0 if d2 > qs[j] ** 2 * V[j] else 0.0
        elif point == "js":
            lam = lam_js
        elif point in ("fh", "fhs"):
            lam = tau2[j] / (tau2[j] + V[j]) if tau2[j] + V[j] > 0 else 0.0
        pt = data.Xtot[j] + lam * Dh[j]
        if opt.get("limit"):
            # Efron-Morris limited translation: never more than one standard error from the
            # difference estimate, so the figure stays inside its own interval.
            pt = min(max(pt, diff - se), diff + se)
        q = qs[j]
        out.append((100 * max(pt, 0) / data.T, 100 * (diff - q * se) / data.T, 100 * (diff + q * se) / data.T))
    s = sum(o[0] for o in out)
    return [(o[0] * 100 / s, max(o[1], 0), min(o[2], 100)) for o in out]


def sim(data, n, draws, opt):
    strata = data.strata()
    acc = {j: [0, 0.0, 0.0, 0.0, 0] for j in range(K)}
    for seed in range(draws):
        est = estimate(data, draw(data, strata, n, random.Random(seed), opt), opt)
        for j in range(K):
            p, lo, hi = est[j]
            t = data.truth[j]
            a = acc[j]
            a[0] += lo - 1e-9 <= t <= hi + 1e-9
            a[1] += abs(p - t)
            a[2] += abs(data.coded[j] - t)
            a[3] += hi - lo
            a[4] += 1
    res = []
    for large in (True, False):
        js = [j for j in range(K) if (data.truth[j] >= 5) == large and data.truth[j] > 0]
        k = sum(acc[j][4] for j in js)
        res.append((len(js), 100 * sum(acc[j][0] for j in js) / k, sum(acc[j][2] for j in js) / k,
                    sum(acc[j][1] for j in js) / k, sum(acc[j][3] for j in js) / k))
    return res


def main():
    draws = int(sys.argv[1])
    opts = json.loads(sys.argv[2])
    for spec in sys.argv[3:]:
        name, rest = spec.split("=", 1)
        path, sizes = rest.rsplit(":", 1)
        data = Data(path)
        for n in [int(s) for s in sizes.split(",")]:
            (kl, cl, rl, el, wl), (ks, cs, rs, es, ws) = sim(data, n, draws, dict(opts))
            print(f"{name:5} n={n:3}  large: cov {cl:5.1f} mae {rl:.2f}->{el:.2f} w {wl:5.2f}   "
                  f"small: cov {cs:5.1f} mae {rs:.2f}->{es:.2f} w {ws:5.2f}", flush=True)


if __name__ == "__main__":
    main()


def percat(path, n, draws, opt):
    """Per-category coverage, error and width, and the strata's error counts (for reading)."""
    data = Data(path)
    strata = data.strata()
    print("strata", [(len(s), sum(any(abs(v) > EPS for v in data.D[i]) for i in s)) for s in strata])
    acc = {j: [0, 0.0, 0.0, 0, 0, 0] for j in range(K)}
    for seed in range(draws):
        est = estimate(data, draw(data, strata, n, random.Random(seed), opt), opt)
        for j in range(K):
            p, lo, hi = est[j]
            t = data.truth[j]
            a = acc[j]
            a[0] += lo - 1e-9 <= t <= hi + 1e-9
            a[1] += abs(p - t)
            a[2] += hi - lo
            a[3] += t < lo
            a[4] += t > hi
            a[5] += 1
    for j in sorted(range(K), key=lambda j: -data.truth[j]):
        a = acc[j]
        errs = [sum(abs(data.D[i][j]) > EPS for i in s) for s in strata]
        print(f"{CODES[j][2]:13} truth {data.truth[j]:5.2f} coded {data.coded[j]:5.2f} cov {100*a[0]/a[5]:5.1f} "
              f"(below {a[3]} above {a[4]}) mae {a[1]/a[5]:.2f} w {a[2]/a[5]:.2f} errors/stratum {errs}")
