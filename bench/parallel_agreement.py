#!/usr/bin/env python3
"""Agreement between the codes hrcs gives the same award in two languages.

Usage: python3 bench/parallel_agreement.py CODED_EN.csv CODED_NO.csv

Both files are `hrcs code` outputs (CSV, wide layout). Awards are paired by `id`; for each pair
it reports whether the health-category set is identical, whether the set of research activity
groups is identical, and whether the top health category is the same, then the shares over all
pairs. Used for issue 11's target (same HC set for at least 90% of parallel awards); see
docs/accuracy.md for the commands.
"""
import csv
import sys


def codes(cell):
    return [c.split(":")[0] for c in cell.split(";") if c]


def load(path):
    return {r["id"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    en, no = load(sys.argv[1]), load(sys.argv[2])
    pairs = sorted(set(en) & set(no))
    if not pairs:
        sys.exit("no award ids in common")
    same_hc = same_groups = same_top = 0
    for i in pairs:
        hc_en, hc_no = codes(en[i]["hc"]), codes(no[i]["hc"])
        g_en = {c.split(".")[0] for c in codes(en[i]["rac"])}
        g_no = {c.split(".")[0] for c in codes(no[i]["rac"])}
        a, b, t = set(hc_en) == set(hc_no), g_en == g_no, hc_en[:1] == hc_no[:1]
        same_hc += a
        same_groups += b
        same_top += t
        flag = "" if a and b else "  <- differs"
        print(f"{i}\tHC en={';'.join(hc_en)} no={';'.join(hc_no)}\tgroups en={','.join(sorted(g_en))} no={','.join(sorted(g_no))}{flag}")
    n = len(pairs)
    print(f"\npairs: {n}")
    print(f"identical HC set:        {same_hc}/{n} = {same_hc / n:.2f}")
    print(f"identical top HC:        {same_top}/{n} = {same_top / n:.2f}")
    print(f"identical RAC group set: {same_groups}/{n} = {same_groups / n:.2f}")


if __name__ == "__main__":
    main()
