//! `hrcs diff`: the awards whose coding changes between two lexicon sets.

use crate::util::{csv_text, fixture, Workdir};

/// Two tiny lexicon sets (the new one adds `mucositis` for Oral) and three awards: the first
/// has no new term, the second and third change.
fn setup() -> Workdir {
    let wd = Workdir::new();
    let old = "code\tkind\tterm\tweight\nCancer\tterm\ttumour\t3\n2.1\tterm\tmechanism\t2\n";
    wd.write("old/entries.tsv", old);
    wd.write(
        "new/entries.tsv",
        format!("{old}Oral\tterm\tmucositis\t3\n"),
    );
    wd.write(
        "in.csv",
        csv_text(
            &["id", "abstract"],
            &[
                &["A1", "We study the tumour and its mechanism."],
                &["A2", "Tumour mucositis: the mechanism of mucositis."],
                &["A3", "Mucositis and the mechanism of mucositis."],
            ],
        ),
    );
    wd
}

#[test]
fn reports_exactly_the_changed_awards_with_their_terms() {
    let wd = setup();
    let run = wd
        .run(&["diff", "--old", "old", "--new", "new", "in.csv"])
        .ok();
    let all = run.csv();
    assert_eq!(
        all[0],
        [
            "id",
            "hc_before",
            "hc_after",
            "rac_before",
            "rac_after",
            "changes"
        ]
    );
    let rows = run.rows();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["A2", "A3"], "{}", run.stdout);

    let a2 = &rows[0];
    assert_eq!(a2["hc_before"], "Cancer:100");
    assert!(a2["hc_after"].contains("Oral"), "{a2:?}");
    assert!(a2["hc_after"].contains("Cancer"), "{a2:?}");
    assert_eq!(a2["rac_before"], "2.1:100");
    assert_eq!(a2["rac_after"], "2.1:100");
    assert!(a2["changes"].contains("+Oral: mucositis x2"), "{a2:?}");

    let a3 = &rows[1];
    assert_eq!(a3["hc_before"], "Generic:100");
    assert_eq!(a3["hc_after"], "Oral:100");
    assert!(a3["changes"].contains("-Generic"), "{a3:?}");
    assert!(a3["changes"].contains("+Oral: mucositis x2"), "{a3:?}");

    // The summary goes to stderr in CSV mode.
    for expected in [
        "awards_read=3 changed=2 hc_changed=2 rac_changed=0",
        "code Oral gained=2 lost=0",
        "code Generic gained=0 lost=1",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected:?} in\n{}",
            run.stderr
        );
    }
    // -q: no summary.
    let quiet = wd
        .run(&["diff", "--old", "old", "--new", "new", "in.csv", "-q"])
        .ok();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    assert_eq!(quiet.stdout, run.stdout);
}

#[test]
fn fail_on_change_sets_the_exit_code() {
    let wd = setup();
    let run = wd
        .run(&[
            "diff",
            "--old",
            "old",
            "--new",
            "new",
            "in.csv",
            "--fail-on-change",
            "-o",
            "report.csv",
        ])
        .fails(1);
    assert!(
        run.stderr.contains("2 of 3 awards changed"),
        "{}",
        run.stderr
    );
    // The report is written before the run fails.
    assert!(wd.read("report.csv").contains("A3"));

    let same = wd
        .run(&[
            "diff",
            "--old",
            "old",
            "--new",
            "old",
            "in.csv",
            "--fail-on-change",
        ])
        .ok();
    assert_eq!(same.csv().len(), 1, "header only: {}", same.stdout);
    assert!(same.stderr.contains("changed=0"), "{}", same.stderr);
}

#[test]
fn markdown_report_has_rows_and_summary() {
    let wd = setup();
    let run = wd
        .run(&[
            "diff", "--old", "old", "--new", "new", "in.csv", "--format", "markdown",
        ])
        .ok();
    let md = &run.stdout;
    assert!(md.contains("| id | hc before | hc after"), "{md}");
    assert!(md.contains("| A2 | Cancer:100 |"), "{md}");
    assert!(md.contains("| A3 | Generic:100 | Oral:100 |"), "{md}");
    assert!(!md.contains("| A1 |"), "{md}");
    assert!(md.contains("## Summary"), "{md}");
    assert!(md.contains("| changed | 2 |"), "{md}");
    assert!(md.contains("| Oral | 2 | 0 |"), "{md}");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn json_report_parses() {
    let wd = setup();
    let run = wd
        .run(&[
            "diff", "--old", "old", "--new", "new", "in.csv", "--format", "json",
        ])
        .ok();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let s = &doc["summary"];
    assert_eq!(s["awards_read"], 3);
    assert_eq!(s["awards_changed"], 2);
    assert_eq!(s["hc_changed"], 2);
    assert_eq!(s["rac_changed"], 0);
    let oral = s["per_code"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "Oral")
        .unwrap();
    assert_eq!(oral["gained"], 2);
    assert_eq!(oral["lost"], 0);
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["id"], "A2");
    assert_eq!(changes[1]["id"], "A3");
    assert_eq!(changes[1]["hc_after"], "Oral:100");
    assert!(changes[1]["changes"]
        .as_str()
        .unwrap()
        .contains("mucositis"));
}

#[test]
fn default_names_the_embedded_set() {
    let wd = Workdir::new();
    let awards = fixture("awards.csv");
    // The embedded set against itself: nothing changes.
    let run = wd
        .run(&[
            "diff",
            "--old",
            "default",
            "--new",
            "default",
            &awards,
            "--fail-on-change",
        ])
        .ok();
    assert_eq!(run.csv().len(), 1, "{}", run.stdout);
    assert!(run.stderr.contains("changed=0"), "{}", run.stderr);

    // The embedded set against a three-term set: most fixture awards change.
    let wd = setup();
    let run = wd
        .run(&["diff", "--old", "default", "--new", "new", &awards, "-q"])
        .ok();
    assert!(run.csv().len() > 10, "{}", run.stdout);
}
