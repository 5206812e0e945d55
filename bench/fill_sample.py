#!/usr/bin/env python3
"""Fills a review sample written by `hrcs sample` with gold codes taken from a truth file, as a
person would by hand: `fill_sample.py SAMPLE.csv TRUTH.csv OUT.csv`. The truth file has an id
column and hc/rac lists (`;`-separated, NIHR style) or UKHRA HC_1../RA_1.. columns."""
import csv
import sys


def truth_codes(row):
    if "HC_1" in row:
        hc = [(row[f"HC_{i}"], row.get(f"HC_{i}%", "")) for i in range(1, 6) if row.get(f"HC_{i}")]
        ra = [(row[f"RA_{i}"], row.get(f"RA_{i}%", "")) for i in range(1, 5) if row.get(f"RA_{i}")]
        return hc, ra
    hc = [(c.strip(), "") for c in row["hc"].split(";") if c.strip()]
    ra = [(c.strip(), "") for c in row["rac"].split(";") if c.strip()]
    return hc, ra


def main(sample, truth, out):
    rows = list(csv.DictReader(open(truth, newline="", encoding="utf-8-sig")))
    id_col = None
    for c in ("id", "OrganisationReference", "Prosjektnummer"):
        if rows and c in rows[0]:
            id_col = c
    gold = {r[id_col]: truth_codes(r) for r in rows}
    reader = csv.DictReader(open(sample, newline="", encoding="utf-8"))
    w = csv.DictWriter(open(out, "w", newline="", encoding="utf-8"), fieldnames=reader.fieldnames)
    w.writeheader()
    for r in reader:
        hc, ra = gold[r["id"]]
        for i, (c, p) in enumerate(hc[:5], 1):
            r[f"HC_{i}"], r[f"HC_{i}%"] = c, p
        for i, (c, p) in enumerate(ra[:4], 1):
            r[f"RA_{i}"], r[f"RA_{i}%"] = c, p
        w.writerow(r)


if __name__ == "__main__":
    main(*sys.argv[1:4])
