//! `hrcs eval`: comparing coding with human coding. The expected numbers are worked out by hand
//! in the comments, from tiny gold and prediction files (with --pred, so the coder's own choices
//! do not move them).

use crate::util::{csv_text, fixture, Workdir};

fn json(run: &crate::util::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap()
}

#[track_caller]
fn close(v: &serde_json::Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!(
        (got - expected).abs() < 1e-9,
        "got {got}, expected {expected}"
    );
}

const UKHRA: &[&str] = &[
    "OrganisationReference",
    "AwardTitle",
    "AwardAbstract",
    "HC_1",
    "HC_1%",
    "HC_2",
    "HC_2%",
    "RA_1",
    "RA_1%",
    "RA_2",
    "RA_2%",
];

/// Gold: A1 Cancer / 2.1; A2 Cancer 50 Oral 50 / 5.1; A3 Neuro / 2.1 50 2.2 50; A4 has no text.
/// Predictions: A1 Cancer / 2.1 (confidence 0.9); A2 Cancer / 5.1 50 6.1 50 (0.5);
/// A3 Stroke 60 Neuro 40 / 2.2 (0.7); A4 Generic / 1.1 with no_text.
fn ukhra_case(wd: &Workdir) {
    wd.write(
        "gold.csv",
        csv_text(
            UKHRA,
            &[
                &[
                    "A1",
                    "Tumour growth",
                    "Text one",
                    "Cancer",
                    "100",
                    "",
                    "",
                    "2.1",
                    "100",
                    "",
                    "",
                ],
                &[
                    "A2",
                    "Gut tumours",
                    "Text two",
                    "Cancer and neoplasms",
                    "50",
                    "Oral",
                    "50",
                    "5.1 Pharmaceuticals",
                    "100",
                    "",
                    "",
                ],
                &[
                    "A3",
                    "Nerves",
                    "Text three",
                    "HRCS_HC_13NEU",
                    "100",
                    "",
                    "",
                    "2.1",
                    "50",
                    "2.2",
                    "50",
                ],
                &[
                    "A4", "n/a", "Redacted", "Blood", "100", "", "", "1.1", "100", "", "",
                ],
            ],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "hc_confidence", "rac", "review_reasons"],
            &[
                &["A4", "Generic:100", "0", "1.1:100", "no_text"],
                &["A1", "Cancer:100", "0.9", "2.1:100", ""],
                &["A2", "Cancer:100", "0.5", "5.1:50;6.1:50", "close_call"],
                &["A3", "Stroke:60;Neuro:40", "0.7", "2.2:100", ""],
            ],
        ),
    );
}

#[test]
fn ukhra_gold_with_predictions() {
    let wd = Workdir::new();
    ukhra_case(&wd);
    let run = wd
        .run(&["eval", "gold.csv", "--pred", "pred.csv", "--format", "json"])
        .ok();
    let v = json(&run);
    assert_eq!(v["gold_format"], "ukhra");
    assert_eq!(v["rows"], 4);
    assert_eq!(v["evaluated"], 3);
    assert_eq!(v["excluded"]["no_text"], 1);
    let m = &v["metrics"];
    // HC sets gold {Cancer} {Cancer, Oral} {Neuro}, predicted {Cancer} {Cancer} {Stroke, Neuro}:
    // Cancer tp 2, Oral fn 1, Neuro tp 1, Stroke fp 1. Pooled tp 3 fp 1 fn 1: F1 0.75.
    close(&m["hc_micro_f1"], 0.75);
    // Per-code F1: Cancer 1, Oral 0, Neuro 1, Stroke 0.
    close(&m["hc_macro_f1"], 0.5);
    // Tops Cancer (in gold), Cancer (in gold), Stroke (not): 2/3.
    close(&m["hc_top1"], 2.0 / 3.0);
    // Only A1 has the same set.
    close(&m["hc_exact"], 1.0 / 3.0);
    // A1 1; A2 min(50, 100) for Cancer = 0.5; A3 min(100, 40) for Neuro = 0.4. Mean 1.9 / 3.
    close(&m["hc_weighted"], 1.9 / 3.0);
    // RAC gold {2.1} {5.1} {2.1, 2.2}, predicted {2.1} {5.1, 6.1} {2.2}: 2.1 tp 1 fn 1, 5.1 tp 1,
    // 6.1 fp 1, 2.2 tp 1. Pooled tp 3 fp 1 fn 1: 0.75. Macro (2/3 + 1 + 0 + 1) / 4.
    close(&m["rac_micro_f1"], 0.75);
    close(&m["rac_macro_f1"], (2.0 / 3.0 + 2.0) / 4.0);
    close(&m["rac_exact"], 1.0 / 3.0);
    // A1 1; A2 0.5 (5.1); A3 0 (2.1) + 0.5 (2.2). Mean 2 / 3.
    close(&m["rac_weighted"], 2.0 / 3.0);
    // Groups gold {2} {5} {2}, predicted {2} {5, 6} {2}: tp 3 fp 1 fn 0, P 3/4 R 1, F1 6/7.
    close(&m["rac_group_micro_f1"], 6.0 / 7.0);
    assert!(m.get("five_class_accuracy").is_none());
    // Reliability: 0.5 right (0.4-0.6), 0.7 wrong (0.6-0.8), 0.9 right (0.8-1.0).
    let rel = v["reliability"].as_array().unwrap();
    let counts: Vec<u64> = rel.iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, vec![0, 0, 1, 1, 1]);
    close(&rel[3]["top1"], 0.0);
    close(&rel[4]["top1"], 1.0);
    // Confusion of tops: Cancer->Cancer twice, Neuro->Stroke once.
    assert_eq!(v["confusion"][0]["gold"], "Cancer");
    assert_eq!(v["confusion"][0]["count"], 2);
    assert_eq!(v["confusion"][1]["pred"], "Stroke");

    // The same in the terminal table and in Markdown.
    let table = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).ok();
    assert!(table.stdout.contains("evaluated: 3"), "{}", table.stdout);
    assert!(table.stdout.contains("no text: 1"));
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["hc_micro_f1", "0.750"]),
        "{}",
        table.stdout
    );
    let md = wd
        .run(&[
            "eval", "gold.csv", "--pred", "pred.csv", "--format", "markdown",
        ])
        .ok();
    assert!(md.stdout.contains("| hc_top1 | 0.667 |"), "{}", md.stdout);

    // --include-no-text keeps A4: gold Blood, predicted Generic.
    let all = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--format",
            "json",
            "--include-no-text",
        ])
        .ok();
    let v = json(&all);
    assert_eq!(v["evaluated"], 4);
    close(&v["metrics"]["hc_top1"], 0.5);
}

#[test]
fn gates() {
    let wd = Workdir::new();
    ukhra_case(&wd);
    let base = ["eval", "gold.csv", "--pred", "pred.csv"];
    // hc_top1 is 2/3 and hc_micro_f1 is 0.75: the first gate fails, the second (equal) passes.
    let failed = wd
        .run(
            &[
                &base[..],
                &["--min", "hc_top1=0.9", "--min", "hc_micro_f1=0.75"],
            ]
            .concat(),
        )
        .fails(1);
    assert!(
        failed.stderr.contains("unmet: hc_top1 = 0.667 < 0.9"),
        "{}",
        failed.stderr
    );
    assert!(!failed.stderr.contains("unmet: hc_micro_f1"));
    assert!(
        failed.stdout.contains("evaluated: 3"),
        "the report is printed"
    );
    wd.run(
        &[
            &base[..],
            &["--min", "hc_micro_f1=0.75", "--min", "rac_exact=0.3"],
        ]
        .concat(),
    )
    .ok();
    let unknown = wd
        .run(&[&base[..], &["--min", "hc_f1=0.5"]].concat())
        .fails(2);
    assert!(unknown.stderr.contains("hc_f1"), "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("rac_group_micro_f1"),
        "lists the keys"
    );
}

#[test]
fn missing_predictions_and_bad_gold_labels() {
    let wd = Workdir::new();
    ukhra_case(&wd);
    wd.write(
        "short.csv",
        csv_text(&["id", "hc", "rac"], &[&["A1", "Cancer:100", "2.1:100"]]),
    );
    let run = wd
        .run(&["eval", "gold.csv", "--pred", "short.csv"])
        .fails(1);
    assert!(run.stderr.contains("A2, A3, A4"), "{}", run.stderr);
    let gold = wd.read("gold.csv").replace(
        "Nerves,Text three,HRCS_HC_13NEU",
        "Nerves,Text three,Brainz",
    );
    wd.write("bad.csv", gold);
    let run = wd.run(&["eval", "bad.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("bad.csv:4: column HC_1: \"Brainz\" is not an HRCS health category"),
        "{}",
        run.stderr
    );
}

#[test]
fn single_label_gold() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        csv_text(
            &["id", "label", "label_name", "abstract"],
            &[
                &["r1", "1", "tumours", "x"],
                &["r2", "2", "brain", "x"],
                &["r3", "3", "heart", "x"],
                &["r4", "3", "heart", "x"],
                &["r5", "4", "other", "x"],
            ],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[
                &["r1", "Cancer:100", "2.1:100"],
                &["r2", "Stroke:100", "2.1:100"],
                &["r3", "Stroke:100", "2.1:100"],
                &["r4", "Oral:100", "2.1:100"],
                &["r5", "Cancer:100", "2.1:100"],
            ],
        ),
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--format",
            "json",
            "--labels",
            "tumours=Cancer, brain=Neuro|Stroke, heart=Cardio|Stroke, other=none",
        ])
        .ok();
    let v = json(&run);
    assert_eq!(v["gold_format"], "label");
    assert_eq!(v["evaluated"], 5);
    assert!(v["hc"].is_null(), "only the label metrics");
    let m = &v["metrics"];
    // Predicted classes: tumours (right), brain (Stroke counts for brain: right), heart (Stroke
    // counts for heart too: right), other (Oral is none of the four: wrong), tumours (wrong).
    close(&m["five_class_accuracy"], 0.6);
    // F1: tumours tp 1 fp 1 -> 2/3; brain 1; heart tp 1 fn 1 -> 2/3; other fp 1 fn 1 -> 0.
    close(
        &m["five_class_macro_f1"],
        (2.0 / 3.0 + 1.0 + 2.0 / 3.0) / 4.0,
    );
    // The four rows of labels with categories: 3 right.
    close(&m["four_class_top1"], 0.75);
    assert_eq!(v["labels"]["accepted_rows"], 4);

    // The same mapping from a file, naming the label column.
    wd.write(
        "map.csv",
        "label,category\n1,Cancer\n2,Neuro|Stroke\n3,Cardio|Stroke\n4,none\n",
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--format",
            "json",
            "--labels",
            "map.csv",
            "--label-column",
            "label",
        ])
        .ok();
    close(&json(&run)["metrics"]["five_class_accuracy"], 0.6);

    // A label that is not in the mapping is an error naming it.
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--labels",
            "tumours=Cancer,brain=Neuro",
        ])
        .fails(1);
    assert!(run.stderr.contains("\"heart\""), "{}", run.stderr);
}

#[test]
fn own_format_gold() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        csv_text(
            &["id", "title", "hc", "rac"],
            &[
                &["g1", "One", "Cancer:50;Oral:50", "2.1:100"],
                &["g2", "Two", "Mental:100", "6.1:100"],
            ],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[
                &["g2", "Mental:100", "6.1:100"],
                &["g1", "Cancer:100", "2.1:100"],
            ],
        ),
    );
    let v = json(
        &wd.run(&["eval", "gold.csv", "--pred", "pred.csv", "--format", "json"])
            .ok(),
    );
    assert_eq!(v["gold_format"], "coded");
    let m = &v["metrics"];
    // g1: 0.5 (Cancer 50 of 100), g2: 1.
    close(&m["hc_weighted"], 0.75);
    close(&m["hc_top1"], 1.0);
    close(&m["hc_exact"], 0.5);
    close(&m["rac_exact"], 1.0);
    // Oral is missed: tp 2, fn 1 -> P 1, R 2/3, F1 0.8.
    close(&m["hc_micro_f1"], 0.8);
}

#[test]
fn fixture_coded_now() {
    // AWD-040's abstract is a redaction marker but its title is real text, so it is coded from
    // the title and evaluated: all 40 rows count.
    let wd = Workdir::new();
    let v = json(
        &wd.run(&[
            "eval",
            &fixture("awards.csv"),
            "--format",
            "json",
            "-j",
            "2",
        ])
        .ok(),
    );
    assert_eq!(v["gold_format"], "ukhra");
    assert_eq!(v["rows"], 40);
    assert_eq!(v["evaluated"], 40);
    assert_eq!(v["excluded"]["no_text"], 0);
    for key in [
        "hc_micro_f1",
        "hc_top1",
        "rac_micro_f1",
        "rac_group_micro_f1",
        "review_share",
        "review_hc_recall",
        "review_rac_precision",
        "conf80_exact",
    ] {
        let x = v["metrics"][key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{key} = {x}");
    }
    assert_eq!(v["reliability"].as_array().unwrap().len(), 5);
    // Coded now, every row carries its reasons: the flagged rows add up.
    let review = &v["review"];
    assert_eq!(review["rows"], 40);
    let flagged = review["flagged"].as_u64().unwrap();
    let reasons = review["reasons"].as_array().unwrap();
    assert!(reasons
        .iter()
        .all(|r| r["flagged"].as_u64().unwrap() <= flagged));
    let only: u64 = reasons.iter().map(|r| r["only"].as_u64().unwrap()).sum();
    assert!(only <= flagged);
    // Another threshold changes the flag, not the codes.
    let strict = json(
        &wd.run(&[
            "eval",
            &fixture("awards.csv"),
            "--format",
            "json",
            "--param",
            "review_hc_confidence=1.01",
            "--param",
            "review_w_low_confidence=1",
        ])
        .ok(),
    );
    assert_eq!(
        strict["metrics"]["hc_micro_f1"],
        v["metrics"]["hc_micro_f1"]
    );
    close(&strict["metrics"]["review_share"], 1.0);
    close(&strict["metrics"]["review_hc_recall"], 1.0);
}

#[test]
fn review_as_a_detector_of_wrong_codings() {
    // Evaluated: A1 right in both dimensions, not flagged; A2 HC {Cancer} for {Cancer, Oral} and
    // RAC {5.1, 6.1} for {5.1}, flagged close_call; A3 HC {Stroke, Neuro} for {Neuro} and RAC
    // {2.2} for {2.1, 2.2}, not flagged. Two wrong sets per dimension, one flagged and wrong.
    let wd = Workdir::new();
    ukhra_case(&wd);
    let base = ["eval", "gold.csv", "--pred", "pred.csv"];
    let v = json(&wd.run(&[&base[..], &["--format", "json"]].concat()).ok());
    let m = &v["metrics"];
    close(&m["review_share"], 1.0 / 3.0);
    close(&m["review_hc_precision"], 1.0);
    close(&m["review_hc_recall"], 0.5);
    close(&m["review_rac_precision"], 1.0);
    close(&m["review_rac_recall"], 0.5);
    let r = &v["review"];
    assert_eq!(r["hc"]["wrong"], 2);
    assert_eq!(r["hc"]["caught"], 1);
    assert_eq!(r["reasons"][0]["reason"], "close_call");
    assert_eq!(r["reasons"][0]["flagged"], 1);
    assert_eq!(r["reasons"][0]["only"], 1);
    assert_eq!(r["reasons"][0]["hc_wrong"], 1);
    assert_eq!(r["reasons"][0]["rac_wrong"], 1);
    // Each row in order, for bench/review_cv.py to weigh the signals again.
    let rows = r["per_row"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["reasons"][0], "close_call");
    assert_eq!(rows[1]["hc_wrong"], true);
    assert_eq!(rows[2]["reasons"].as_array().unwrap().len(), 0);
    assert_eq!(rows[2]["hc_wrong"], true);
    assert_eq!(rows[0]["hc_wrong"], false);
    // Confidence bands: A1 (0.9) has the right set; A2 (0.5) and A3 (0.7) do not.
    let rel = v["reliability"].as_array().unwrap();
    close(&rel[4]["exact"], 1.0);
    close(&rel[2]["exact"], 0.0);
    close(&m["conf80_share"], 1.0 / 3.0);
    close(&m["conf80_top1"], 1.0);
    close(&m["conf80_exact"], 1.0);

    let table = wd.run(&base).ok();
    assert!(
        table.stdout.contains("flagged: 1 of 3 rows (0.333)"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("HC set wrong"), "{}", table.stdout);
    assert!(table.stdout.contains("close_call"));
    let csv = wd.run(&[&base[..], &["--format", "csv"]].concat()).ok();
    assert!(csv.stdout.starts_with("section,item,measure,value\n"));
    assert!(
        csv.stdout.contains("\nreview,hc,recall,0.5\n"),
        "{}",
        csv.stdout
    );
    assert!(csv
        .stdout
        .contains("\nreview_reason,close_call,hc_wrong,1\n"));
    assert!(csv.stdout.contains("\nmetrics,,hc_micro_f1,0.75\n"));

    // Gates: a ceiling on the share flagged, a floor on the recall.
    let failed = wd
        .run(
            &[
                &base[..],
                &["--max", "review_share=0.3", "--min", "review_hc_recall=0.5"],
            ]
            .concat(),
        )
        .fails(1);
    assert!(
        failed.stderr.contains("unmet: review_share = 0.333 > 0.3"),
        "{}",
        failed.stderr
    );
    assert!(!failed.stderr.contains("review_hc_recall"));
    wd.run(&[&base[..], &["--max", "review_share=0.4"]].concat())
        .ok();
    wd.run(&[&base[..], &["--max", "share=0.4"]].concat())
        .fails(2);
    // --param changes how the text is coded: with --pred nothing is coded.
    let p = wd
        .run(&[&base[..], &["--param", "review_hc_confidence=0.6"]].concat())
        .fails(2);
    assert!(p.stderr.contains("--param"), "{}", p.stderr);

    // Predictions without a review_reasons column: no review report, and its gates are unmet.
    wd.write(
        "bare.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[
                &["A1", "Cancer:100", "2.1:100"],
                &["A2", "Cancer:100", "5.1:100"],
                &["A3", "Neuro:100", "2.1:100"],
                &["A4", "Generic:100", "1.1:100"],
            ],
        ),
    );
    let bare = json(
        &wd.run(&["eval", "gold.csv", "--pred", "bare.csv", "--format", "json"])
            .ok(),
    );
    assert!(bare["review"].is_null());
    assert!(bare["metrics"].get("review_share").is_none());
}

#[test]
fn unknown_review_parameter() {
    let wd = Workdir::new();
    let run = wd
        .run(&[
            "eval",
            &fixture("awards.csv"),
            "--param",
            "review_confidence=0.5",
        ])
        .fails(2);
    assert!(
        run.stderr.contains("review_hc_confidence"),
        "lists the parameters: {}",
        run.stderr
    );
    wd.run(&[
        "eval",
        &fixture("awards.csv"),
        "--param",
        "review_off_title=maybe",
    ])
    .fails(2);
}

#[test]
fn amount_weights_agreement_by_funding() {
    let wd = Workdir::new();
    ukhra_case(&wd);
    // Add an Amount column: A1 £100, A2 £300, A3 £600 (A4 has no text and is excluded).
    let gold = wd.read("gold.csv");
    let mut lines = gold.lines();
    let mut with_amount = format!("{},Amount\n", lines.next().unwrap());
    for (line, amount) in lines.zip(["£100", "300", "\"600.00\"", "1,000"]) {
        with_amount.push_str(&format!("{line},{amount}\n"));
    }
    wd.write("gold.csv", with_amount);
    let run = wd
        .run(&[
            "eval", "gold.csv", "--pred", "pred.csv", "--amount", "Amount", "--format", "json",
        ])
        .ok();
    let v = json(&run);
    // HC agreement per award: A1 1.0, A2 0.5 (Cancer 50 of 100), A3 0.4 (Neuro 40 of 100):
    // (100 * 1.0 + 300 * 0.5 + 600 * 0.4) / 1000 = 0.49.
    close(&v["metrics"]["hc_amount_weighted"], 0.49);
    // RAC: A1 1.0, A2 0.5 (5.1 50 of 100), A3 0.5 (2.2 50 of 50+50): (100 + 150 + 300) / 1000.
    close(&v["metrics"]["rac_amount_weighted"], 0.55);
    let run = wd
        .run(&[
            "eval", "gold.csv", "--pred", "pred.csv", "--amount", "Funding",
        ])
        .fails(2);
    assert!(
        run.stderr.contains("no amount column named \"Funding\""),
        "{}",
        run.stderr
    );
}

#[test]
fn gold_without_percentages_splits_like_hrcs() {
    // Three gold categories with no percentages are thirds of exactly 100 (33.34/33.33/33.33),
    // so the same coding agrees completely: weighted agreement 1, not 0.9999.
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        csv_text(
            &[
                "OrganisationReference",
                "AwardTitle",
                "HC_1",
                "HC_2",
                "HC_3",
                "RA_1",
            ],
            &[&["B1", "Text", "Cancer", "Cardio", "Stroke", "2.1"]],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[&["B1", "Cancer:33.34;Cardio:33.33;Stroke:33.33", "2.1:100"]],
        ),
    );
    let run = wd
        .run(&["eval", "gold.csv", "--pred", "pred.csv", "--format", "json"])
        .ok();
    let v = json(&run);
    close(&v["metrics"]["hc_weighted"], 1.0);
}

#[test]
fn nihr_style_lists_in_named_columns() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        csv_text(
            &["id", "title", "abstract", "categories", "activities"],
            &[
                &[
                    "N1",
                    "t",
                    "x",
                    "Mental Health, Stroke",
                    "6.1 Pharmaceuticals/7.3 Management",
                ],
                &["N2", "t", "x", "Cancer and neoplasms", "6.4"],
            ],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[
                &["N1", "Mental:50;Stroke:50", "6.1:50;7.3:50"],
                &["N2", "Cancer:100", "6.1:100"],
            ],
        ),
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--gold-hc",
            "categories",
            "--gold-rac",
            "activities",
            "--format",
            "json",
        ])
        .ok();
    let v = json(&run);
    assert_eq!(v["gold_format"], "lists");
    // Both HC sets match; RAC: N1 matches, N2 does not.
    close(&v["metrics"]["hc_exact"], 1.0);
    close(&v["metrics"]["rac_exact"], 0.5);
    close(&v["metrics"]["hc_weighted"], 1.0);
    // A list that is not HRCS names its place.
    wd.write(
        "bad.csv",
        "id,title,abstract,categories\nN1,t,x,\"Mental Health, Sadness\"\n",
    );
    let run = wd
        .run(&[
            "eval",
            "bad.csv",
            "--pred",
            "pred.csv",
            "--gold-hc",
            "categories",
        ])
        .fails(1);
    assert!(
        run.stderr
            .contains("bad.csv:2: column categories: \"Sadness\" is not an HRCS health category"),
        "{}",
        run.stderr
    );
}

#[test]
fn several_labels_in_one_cell_accept_either() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        csv_text(
            &["id", "label_name", "abstract"],
            &[&["r1", "tumours; brain", "x"], &["r2", "brain|heart", "x"]],
        ),
    );
    wd.write(
        "pred.csv",
        csv_text(
            &["id", "hc", "rac"],
            &[
                &["r1", "Neuro:100", "2.1:100"],
                &["r2", "Oral:100", "2.1:100"],
            ],
        ),
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--format",
            "json",
            "--labels",
            "tumours=Cancer,brain=Neuro,heart=Cardio,other=none",
        ])
        .ok();
    let v = json(&run);
    // r1: Neuro stands for brain, one of its labels: right. r2: Oral is neither: wrong.
    close(&v["metrics"]["five_class_accuracy"], 0.5);
}
