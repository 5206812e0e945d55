//! `hrcs summary`: counts and apportioned funding that reconcile exactly with the input.
#![allow(clippy::inconsistent_digit_grouping)] // amounts written as units_cents

use crate::util::{csv_text, fixture, Workdir};

/// The coded file of a few awards with awkward amounts and splits.
fn coded(wd: &Workdir) {
    wd.write(
        "coded.csv",
        csv_text(
            &[
                "Funder",
                "Amount",
                "id",
                "hc",
                "hc_confidence",
                "rac",
                "rac_confidence",
                "review",
                "review_reasons",
                "evidence",
            ],
            &[
                &[
                    "A",
                    "100001",
                    "1",
                    "Cancer:33.34;Oral:33.33;Blood:33.33",
                    "0.9",
                    "2.1:50;2.2:25;6.1:25",
                    "0.8",
                    "false",
                    "",
                    "",
                ],
                &[
                    "A",
                    "7",
                    "2",
                    "Cancer:33.34;Oral:33.33;Blood:33.33",
                    "0.9",
                    "2.1:33.34;5.1:33.33;6.1:33.33",
                    "0.8",
                    "true",
                    "close_call",
                    "",
                ],
                &[
                    "B",
                    "£1,000.50",
                    "3",
                    "Neuro:100",
                    "0.9",
                    "8.1:100",
                    "0.8",
                    "true",
                    "inconsistent_code",
                    "",
                ],
                &["B", "", "4", "", "", "", "", "true", "no_text", ""],
                &["B", "333", "5", "", "", "", "", "true", "no_text", ""],
            ],
        ),
    );
}

/// Minor units of a printed amount.
fn units(s: &str) -> i64 {
    let (w, f) = s.split_once('.').unwrap_or((s, "00"));
    let f = format!("{f:0<2}");
    w.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

#[test]
fn every_dimension_adds_up_to_the_input_total_to_the_last_unit() {
    let wd = Workdir::new();
    coded(&wd);
    let run = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "Amount",
            "--format",
            "csv",
        ])
        .ok();
    let rows = run.rows();
    // 100001 + 7 + 1000.50 + 0 + 333
    let total = 100_001_00 + 7_00 + 1_000_50 + 333_00;
    for dim in ["hc", "rac_group", "rac"] {
        let lines: Vec<_> = rows.iter().filter(|r| r["dimension"] == dim).collect();
        let sum: i64 = lines.iter().map(|r| units(&r["amount"])).sum();
        assert_eq!(sum, total, "{dim}");
        let shares: i64 = lines.iter().map(|r| units(&r["share_percent"])).sum();
        assert_eq!(shares, 100_00, "{dim} shares");
        let none = lines.iter().find(|r| r["code"] == "none").unwrap();
        assert_eq!(
            (none["awards"].as_str(), none["amount"].as_str()),
            ("2", "333.00")
        );
    }
    let get = |dim: &str, code: &str| {
        rows.iter()
            .find(|r| r["dimension"] == dim && r["code"] == code)
            .unwrap()
            .clone()
    };
    // Cancer has 33.34% of award 1 (100001) and of award 2 (7): exactly 33342.6672, printed
    // 33342.67 (amounts are split exactly and rounded once per line, not award by award).
    assert_eq!(get("hc", "Cancer")["amount"], "33342.67");
    assert_eq!(get("hc", "Cancer")["awards"], "2");
    assert_eq!(get("hc", "Cancer")["flagged"], "1");
    assert_eq!(get("hc", "Neuro")["amount"], "1000.50");
    // A group is the sum of its codes.
    let g2 = units(&get("rac_group", "2")["amount"]);
    assert_eq!(
        g2,
        units(&get("rac", "2.1")["amount"]) + units(&get("rac", "2.2")["amount"])
    );
    assert_eq!(get("rac", "8.1")["flagged"], "1");
    // Every code is listed, also those no award has.
    assert_eq!(
        rows.iter().filter(|r| r["dimension"] == "rac").count(),
        48 + 1
    );
}

#[test]
fn by_a_column_each_group_reconciles_and_norwegian_labels() {
    let wd = Workdir::new();
    coded(&wd);
    let run = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "Amount",
            "--by",
            "Funder",
            "--labels",
            "nb",
            "--format",
            "csv",
        ])
        .ok();
    let rows = run.rows();
    for (funder, total) in [("A", 100_001_00 + 7_00), ("B", 1_000_50 + 333_00)] {
        let sum: i64 = rows
            .iter()
            .filter(|r| r["Funder"] == funder && r["dimension"] == "hc")
            .map(|r| units(&r["amount"]))
            .sum();
        assert_eq!(sum, total, "{funder}");
    }
    let cancer = rows.iter().find(|r| r["code"] == "Cancer").unwrap();
    assert_eq!(cancer["name"], "Kreft");
}

#[test]
fn without_amounts_awards_are_apportioned() {
    let wd = Workdir::new();
    coded(&wd);
    let run = wd.run(&["summary", "coded.csv", "--format", "csv"]).ok();
    let rows = run.rows();
    let sum: i64 = rows
        .iter()
        .filter(|r| r["dimension"] == "hc")
        .map(|r| units(&r["amount"]))
        .sum();
    assert_eq!(sum, 5_00, "five awards");
    let cancer = rows.iter().find(|r| r["code"] == "Cancer").unwrap();
    assert_eq!(
        cancer["amount"], "0.67",
        "two 33.34% shares of one award each: 0.6668"
    );
}

#[test]
fn bad_amounts_and_columns_are_named() {
    let wd = Workdir::new();
    coded(&wd);
    let run = wd
        .run(&["summary", "coded.csv", "--amount", "Nope"])
        .fails(2);
    assert!(run.stderr.contains("no \"Nope\" column"), "{}", run.stderr);
    assert!(run.stderr.contains("Funder, Amount, id"), "{}", run.stderr);
    wd.write(
        "bad.csv",
        "id,hc,rac,review,Amount\n1,Cancer:100,2.1:100,false,lots\n",
    );
    let run = wd
        .run(&["summary", "bad.csv", "--amount", "Amount"])
        .fails(1);
    assert!(
        run.stderr.contains("bad.csv:2: column \"Amount\""),
        "{}",
        run.stderr
    );
    wd.write("bad2.csv", "id,hc,rac,review\n1,Cancer:60,2.1:100,false\n");
    let run = wd.run(&["summary", "bad2.csv"]).fails(1);
    assert!(
        run.stderr.contains("bad2.csv:2: column \"hc\""),
        "{}",
        run.stderr
    );
}

#[test]
fn coding_then_summary_reconciles_with_the_fixture() {
    let wd = Workdir::new();
    wd.run(&["code", &fixture("awards.csv"), "--keep", "-o", "coded.csv"])
        .ok();
    let run = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "AwardAmount",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut r = csv::Reader::from_path(fixture("awards.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let at = h.iter().position(|c| c == "AwardAmount").unwrap();
    let input_total: i64 = r
        .records()
        .map(|rec| rec.unwrap()[at].parse::<i64>().unwrap())
        .sum();
    assert_eq!(v["summary"]["total"], input_total.to_string());
    assert_eq!(v["summary"]["awards"], 40);
    for dim in ["hc", "rac_group", "rac"] {
        let sum: i64 = v["summary"]["dimensions"][dim]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount"].as_str().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(sum, input_total, "{dim}");
    }
    // The terminal table and Markdown carry the same total.
    let table = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "AwardAmount",
            "--format",
            "markdown",
        ])
        .ok();
    assert!(
        table.stdout.contains(&format!("total {input_total}")),
        "{}",
        table.stdout
    );
}

/// The hand-coded English fixtures (awards.csv, then awards-more.csv), as rows by column name.
fn fixture_rows() -> Vec<std::collections::HashMap<String, String>> {
    let mut rows = Vec::new();
    for name in ["awards.csv", "awards-more.csv"] {
        let mut r = csv::Reader::from_path(fixture(name)).unwrap();
        let h = r.headers().unwrap().clone();
        for rec in r.records() {
            let rec = rec.unwrap();
            rows.push(
                h.iter()
                    .zip(rec.iter())
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            );
        }
    }
    rows
}

/// Fills a review sample with the fixture's own (human) coding, as a coder would by hand.
fn fill_from_fixture(sample: &str) -> String {
    let truth: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        fixture_rows()
            .into_iter()
            .map(|row| (row["OrganisationReference"].clone(), row))
            .collect();
    let mut r = csv::Reader::from_reader(sample.as_bytes());
    let h = r.headers().unwrap().clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&h).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let t = &truth[&rec[0]];
        let out: Vec<String> = h
            .iter()
            .zip(rec.iter())
            .map(|(k, v)| t.get(k).cloned().unwrap_or_else(|| v.to_string()))
            .collect();
        w.write_record(&out).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn a_checked_sample_corrects_every_share_with_an_interval_that_reconciles() {
    let wd = Workdir::new();
    wd.run(&["code", &fixture("awards.csv"), "--keep", "-o", "coded.csv"])
        .ok();
    let draw = |seed: &str, out: &str| {
        wd.run(&["sample", "coded.csv", "-n", "20", "--seed", seed, "-o", out])
            .ok();
        wd.read(out)
    };
    let a = draw("5", "s.csv");
    assert_eq!(a, draw("5", "again.csv"), "the same seed, the same sample");
    assert_ne!(a, draw("6", "other.csv"));
    assert!(a.starts_with("id,title,abstract,HC_1,HC_1%,"), "{a}");
    assert!(a
        .lines()
        .next()
        .unwrap()
        .ends_with("RA_4%,stratum,inclusion_probability"));
    assert_eq!(a.lines().count(), 21);
    wd.write("filled.csv", fill_from_fixture(&a));
    let run = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "AwardAmount",
            "--checked",
            "filled.csv",
            "--format",
            "csv",
        ])
        .ok();
    let rows = run.rows();
    let total: i64 = rows
        .iter()
        .filter(|r| r["dimension"] == "hc")
        .map(|r| units(&r["amount"]))
        .sum();
    for dim in ["hc", "rac_group", "rac"] {
        let lines: Vec<_> = rows.iter().filter(|r| r["dimension"] == dim).collect();
        let corrected: i64 = lines.iter().map(|r| units(&r["corrected_amount"])).sum();
        assert_eq!(
            corrected, total,
            "{dim}: corrected amounts add up to the total"
        );
        for r in &lines {
            let f = |k: &str| r[k].parse::<f64>().unwrap();
            assert!(
                f("ci_low_percent") <= f("corrected_share_percent") + 0.01
                    && f("corrected_share_percent") <= f("ci_high_percent") + 0.01,
                "{r:?}"
            );
        }
    }
    // Intervals are in percent of the total: none is empty or spans everything, and the big
    // categories' are informative.
    for r in rows.iter().filter(|r| r["dimension"] == "hc") {
        let f = |k: &str| r[k].parse::<f64>().unwrap();
        let width = f("ci_high_percent") - f("ci_low_percent");
        assert!(width > 0.0 && width < 60.0, "{r:?}");
    }
    // Without --checked, the summary says its figures are uncorrected.
    let run = wd
        .run(&["summary", "coded.csv", "--format", "markdown"])
        .ok();
    assert!(
        run.stdout.contains("not corrected for coding error"),
        "{}",
        run.stdout
    );
    // A sample row whose gold does not add up to 100 is an error naming it.
    let bad = fill_from_fixture(&a).replacen(",100,", ",130,", 1);
    wd.write("bad.csv", bad);
    let run = wd
        .run(&["summary", "coded.csv", "--checked", "bad.csv"])
        .fails(1);
    assert!(
        run.stderr.contains("bad.csv:2: column") && run.stderr.contains("add up to 130"),
        "{}",
        run.stderr
    );
}

/// Item 4 of issue 13: with a sample stratified `--by` a column, every group of a summary `--by`
/// the same column gets corrected figures that add up to the group's total; with a sample that is
/// not, the groups show counts only and the note says why.
#[test]
fn a_sample_stratified_by_a_column_corrects_each_group() {
    let wd = Workdir::new();
    wd.run(&["code", &fixture("awards.csv"), "--keep", "-o", "coded.csv"])
        .ok();
    let by = "FundingOrganisation";
    wd.run(&[
        "sample",
        "coded.csv",
        "-n",
        "36",
        "--by",
        by,
        "--seed",
        "2",
        "-o",
        "s.csv",
    ])
    .ok();
    wd.write("filled.csv", fill_from_fixture(&wd.read("s.csv")));
    let summary = |sample: &str, format: &str| {
        wd.run(&[
            "summary",
            "coded.csv",
            "--amount",
            "AwardAmount",
            "--by",
            by,
            "--checked",
            sample,
            "--format",
            format,
        ])
        .ok()
        .stdout
    };
    let csv_text = summary("filled.csv", "csv");
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    let rows: Vec<std::collections::HashMap<String, String>> = r
        .records()
        .map(|rec| {
            h.iter()
                .map(String::from)
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    let groups: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[by].as_str()).collect();
    assert!(groups.len() >= 5, "{groups:?}");
    for g in groups {
        let lines: Vec<_> = rows
            .iter()
            .filter(|r| r[by] == g && r["dimension"] == "hc")
            .collect();
        let total: i64 = lines.iter().map(|r| units(&r["amount"])).sum();
        let corrected: i64 = lines.iter().map(|r| units(&r["corrected_amount"])).sum();
        assert_eq!(
            corrected, total,
            "{g}: corrected amounts add up to the group's total"
        );
    }
    let md = summary("filled.csv", "markdown");
    assert!(md.contains("Checked sample per group"), "{md}");
    assert!(md.contains("FundingOrganisation = NIHR"), "{md}");
    assert!(!md.contains("per group they need a sample"), "{md}");
    let json = summary("filled.csv", "json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["by"][0]["summary"]["dimensions"]["hc"][0]["corrected_share_percent"].is_string());

    // A sample drawn without --by: the groups have no corrected cells, and the note says why.
    wd.run(&[
        "sample",
        "coded.csv",
        "-n",
        "20",
        "--seed",
        "2",
        "-o",
        "plain.csv",
    ])
    .ok();
    wd.write("plain-filled.csv", fill_from_fixture(&wd.read("plain.csv")));
    let md = summary("plain-filled.csv", "markdown");
    assert!(md.contains("per group they need a sample"), "{md}");
    let csv_text = summary("plain-filled.csv", "csv");
    let first = csv_text.lines().nth(1).unwrap();
    assert!(first.ends_with(",,,,"), "{first}");
}

/// The fast version of bench/simulate.py (docs/simulation.md): the 110 hand-coded English fixture
/// awards are the truth; a few review samples of 50 (fixed seeds, drawn with their amounts, so the
/// largest awards are checked whole) are drawn, filled with the human codes and corrected. No interval is zero-wide, the intervals cover the true money share
/// of the health categories about 95 % of the time, and the corrected shares are nearer the
/// truth than the coded ones.
#[test]
fn the_simulation_on_the_fixtures_covers_the_truth_and_beats_the_coded_shares() {
    let wd = Workdir::new();
    let rows = fixture_rows();
    let mut header: Vec<String> = ["OrganisationReference", "AwardTitle", "AwardAbstract"]
        .map(String::from)
        .to_vec();
    header.push("AwardAmount".into());
    for (prefix, n) in [("HC", 5), ("RA", 4)] {
        for i in 1..=n {
            header.push(format!("{prefix}_{i}"));
            header.push(format!("{prefix}_{i}%"));
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    let mut truth: std::collections::HashMap<String, f64> = std::collections::HashMap::new();
    let mut total = 0.0;
    for r in &rows {
        w.write_record(header.iter().map(|h| r[h].as_str()))
            .unwrap();
        let amount: f64 = r["AwardAmount"].parse().unwrap();
        total += amount;
        for i in 1..=5 {
            let code = &r[&format!("HC_{i}")];
            if !code.is_empty() {
                let percent: f64 = r[&format!("HC_{i}%")].parse().unwrap();
                *truth.entry(code.clone()).or_default() += amount * percent / 100.0;
            }
        }
    }
    wd.write("truth.csv", w.into_inner().unwrap());
    wd.run(&["code", "truth.csv", "--keep", "-o", "coded.csv"])
        .ok();
    let (mut covered, mut tries, mut err_coded, mut err_corrected) = (0, 0, 0.0, 0.0);
    for seed in 1..=12 {
        let seed = seed.to_string();
        wd.run(&[
            "sample",
            "coded.csv",
            "-n",
            "50",
            "--seed",
            &seed,
            "--amount",
            "AwardAmount",
            "-o",
            "s.csv",
        ])
        .ok();
        wd.write("filled.csv", fill_from_fixture(&wd.read("s.csv")));
        let run = wd
            .run(&[
                "summary",
                "coded.csv",
                "--amount",
                "AwardAmount",
                "--checked",
                "filled.csv",
                "--format",
                "csv",
            ])
            .ok();
        for r in run
            .rows()
            .iter()
            .filter(|r| r["dimension"] == "hc" && r["code"] != "none")
        {
            let f = |k: &str| r[k].parse::<f64>().unwrap();
            let t = 100.0 * truth.get(&r["code"]).copied().unwrap_or(0.0) / total;
            assert!(
                f("ci_high_percent") > f("ci_low_percent"),
                "zero-wide: {r:?}"
            );
            if t == 0.0 {
                continue;
            }
            tries += 1;
            covered += usize::from(f("ci_low_percent") <= t && t <= f("ci_high_percent"));
            err_coded += (f("share_percent") - t).abs();
            err_corrected += (f("corrected_share_percent") - t).abs();
        }
    }
    let coverage = covered as f64 / tries as f64;
    assert!((0.90..=1.0).contains(&coverage), "coverage {coverage}");
    assert!(
        err_corrected < 0.8 * err_coded,
        "corrected {err_corrected} vs coded {err_coded}"
    );
}
