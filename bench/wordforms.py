#!/usr/bin/env python3
"""Benchmark the word-form search (docs/lexicons.md, "Word forms"): what a Norwegian field costs.

Builds a synthetic Norwegian corpus (fixed seed: sentences of Norwegian project-description words,
each with two compounds or inflected nouns of the test lexicon, three in ten with a hyphenated
coordination; and the same sentences without those words) and two lexicon sets: the default set
plus the Norwegian test lexicon of tests/cases/lexicon-no (`forms`), and the same with the forms
column emptied (`plain`). Codes the Norwegian corpus and the English dev corpus with both, -j1,
alternating the two sets run by run, and prints the median CPU seconds (user + system, which a
busy shared machine disturbs less than wall time), the start-up CPU (a one-row file) and the CPU
per abstract without start-up.

Usage: python3 bench/wordforms.py [--rows 20000] [--runs 5]
Run from the repository root after `cargo build --release`. Files go to bench-data/wordforms/.
"""
import argparse
import csv
import os
import random
import shutil
import statistics
import resource
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-data", "wordforms")
HRCS = os.path.join(ROOT, "target", "release", "hrcs")
DEV = os.path.join(ROOT, "..", "shared", "data", "medical-abstracts-dev.csv")

WORDS = ("brystkreftpasienter kreften svulstene hjernesvulster hjerteinfarktpasientene "
         "hjerneslaget lungekreft tarmkreften hjertesykdommene karsykdom kreftbehandling "
         "Kreftforeningen Kreftregisteret sykdomsbyrden").split()
COORD = ["hjerte- og karsykdommer", "bryst- og eggstokkreft", "lunge-, bryst- og tarmkreft"]
FILLER = ("prosjektet skal undersøke om behandling av pasienter med en av de vanligste årsakene "
          "til død i Norge kan bedres gjennom tidlig diagnostikk og oppfølging i "
          "spesialisthelsetjenesten vi vil bruke data fra registre og en randomisert studie "
          "hvor deltakerne følges over fem år målet er bedre livskvalitet og overlevelse for "
          "pasientene og deres pårørende").split()


def sentence(rng, terms=True):
    words = rng.sample(FILLER, 12)
    if not terms:
        return " ".join(words).capitalize() + "."
    for _ in range(2):
        words.insert(rng.randrange(len(words)), rng.choice(WORDS))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(COORD))
    return " ".join(words).capitalize() + "."


def corpus(path, rows, terms=True):
    rng = random.Random(11)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "abstract"])
        for i in range(rows):
            text = " ".join(sentence(rng, terms) for _ in range(12))
            w.writerow([i, sentence(rng, terms), text])


def lexicons():
    sets = {}
    for name in ("forms", "plain"):
        d = os.path.join(OUT, f"lex-{name}")
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "lexicons"), d)
        for f in ("entries.tsv", "exclusions.tsv"):
            src = open(os.path.join(ROOT, "tests", "cases", "lexicon-no", f), encoding="utf-8").read()
            if name == "plain":
                lines = src.splitlines()
                header = next(l for l in lines if not l.startswith("#")).split("\t")
                col = header.index("forms")
                out = []
                for l in lines:
                    cells = l.split("\t")
                    if not l.startswith("#") and l.split("\t") != header and len(cells) > col:
                        cells[col] = ""
                    out.append("\t".join(cells))
                src = "\n".join(out) + "\n"
            open(os.path.join(d, "no-" + f), "w", encoding="utf-8").write(src)
        sets[name] = d
    return sets


def run(lex, path, extra):
    """CPU seconds (user + system) of one run: on a shared machine wall time says little."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([HRCS, "code", path, "-j1", "-q", "--lexicons", lex, "-o",
                    os.path.join(OUT, "out.csv")] + extra, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    no = os.path.join(OUT, f"no-{args.rows}.csv")
    filler = os.path.join(OUT, f"no-filler-{args.rows}.csv")
    if not os.path.exists(no):
        corpus(no, args.rows)
    if not os.path.exists(filler):
        corpus(filler, args.rows, terms=False)
    sets = lexicons()
    cases = [("Norwegian", no, args.rows, []), ("Norwegian, no terms", filler, args.rows, [])]
    if os.path.exists(DEV):
        n = sum(1 for _ in csv.DictReader(open(DEV, newline="", encoding="utf-8")))
        cases.append(("English dev", DEV, n, ["--abstract", "abstract"]))
    one = os.path.join(OUT, "one.csv")
    with open(one, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "title", "abstract"], ["1", "Kreft", "Kreften."]])
    start = {k: statistics.median(run(d, one, []) for _ in range(args.runs)) for k, d in sets.items()}
    print("| corpus | rows | MB | lexicon | median CPU s | start-up CPU s | µs per abstract |")
    print("|---|---|---|---|---|---|---|")
    for label, path, rows, extra in cases:
        times = {k: [] for k in sets}
        for _ in range(args.runs):
            for k, d in sets.items():
                times[k].append(run(d, path, extra))
        mb = os.path.getsize(path) / 1e6
        for k in sets:
            med = statistics.median(times[k])
            per = (med - start[k]) / rows * 1e6
            print(f"| {label} | {rows} | {mb:.1f} | {k} | {med:.2f} | {start[k]:.2f} | {per:.0f} |")


if __name__ == "__main__":
    main()
