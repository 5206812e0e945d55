//! `hrcs code`: the main job, end to end.

use crate::util::{codes, csv_text, fixture, percent_sum, Workdir};

const WIDE: [&str; 9] = [
    "id",
    "hc",
    "hc_confidence",
    "rac",
    "rac_confidence",
    "review",
    "review_reasons",
    "language",
    "evidence",
];

#[test]
fn codes_the_bundled_fixture_completely_and_in_order() {
    let wd = Workdir::new();
    let run = wd.run(&["code", &fixture("awards.csv")]).ok();
    let rows = run.csv();
    assert_eq!(rows[0], WIDE);
    let input = std::fs::read_to_string(fixture("awards.csv")).unwrap();
    let mut r = csv::Reader::from_reader(input.as_bytes());
    let ids: Vec<String> = r.records().map(|rec| rec.unwrap()[0].to_string()).collect();
    let out_ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(out_ids, ids, "one output row per input row, in input order");
    for row in &rows[1..] {
        let (hc, rac) = (&row[1], &row[3]);
        assert!((1..=5).contains(&codes(hc).len()), "{row:?}");
        assert!((1..=4).contains(&codes(rac).len()), "{row:?}");
        assert_eq!(percent_sum(hc), 10_000, "{row:?}");
        assert_eq!(percent_sum(rac), 10_000, "{row:?}");
        for conf in [&row[2], &row[4]] {
            let c: f64 = conf.parse().unwrap();
            assert!((0.0..=1.0).contains(&c));
        }
        assert_eq!(
            row[5] == "true",
            !row[6].is_empty(),
            "review flag matches reasons: {row:?}"
        );
    }
    // The stderr summary accounts for every row.
    assert!(
        run.stderr.contains(&format!("rows_read={}", ids.len())),
        "{}",
        run.stderr
    );
}

#[test]
fn redacted_abstract_is_coded_from_title_and_flagged() {
    let wd = Workdir::new();
    let data = csv_text(
        &["id", "title", "abstract"],
        &[
            &[
                "a",
                "Asthma attacks in schoolchildren",
                "Not available in public dataset",
            ],
            &["b", "", "redacted"],
            &["c", "", ""],
        ],
    );
    wd.write("in.csv", data);
    let rows = wd.run(&["code", "in.csv"]).ok().rows();
    assert!(rows[0]["review_reasons"].contains("title_only"));
    assert!(rows[0]["hc"].starts_with("Respiratory"), "{:?}", rows[0]);
    for r in &rows[1..] {
        assert_eq!(r["hc"], "");
        assert_eq!(r["rac"], "");
        assert_eq!(r["review"], "true");
        assert_eq!(r["review_reasons"], "no_text");
    }
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let wd = Workdir::new();
    // Several batches' worth of rows, so that threads really interleave.
    let fixture_text = std::fs::read_to_string(fixture("awards.csv")).unwrap();
    let mut lines = fixture_text.lines();
    let header = lines.next().unwrap();
    let body: Vec<&str> = lines.collect();
    let mut big = String::from(header);
    big.push('\n');
    for i in 0..60 {
        for l in &body {
            big.push_str(&l.replacen("AWD-", &format!("R{i}-"), 1));
            big.push('\n');
        }
    }
    wd.write("big.csv", big);
    let one = wd.run(&["code", "big.csv", "-j", "1", "-q"]).ok();
    let two = wd.run(&["code", "big.csv", "-j", "2", "-q"]).ok();
    let eight = wd.run(&["code", "big.csv", "--threads", "8", "-q"]).ok();
    assert!(one.raw.len() > 100_000);
    assert_eq!(one.raw, two.raw);
    assert_eq!(one.raw, eight.raw);
    assert!(
        one.stderr.is_empty(),
        "--quiet silences stderr: {}",
        one.stderr
    );
}

#[test]
fn stdin_gives_the_same_bytes_as_a_file() {
    let wd = Workdir::new();
    let data = std::fs::read(fixture("awards.csv")).unwrap();
    wd.write("a.csv", &data);
    let from_file = wd.run(&["code", "a.csv", "-q"]).ok();
    let from_stdin = wd.run_stdin(&["code", "-", "-q"], Some(&data)).ok();
    assert_eq!(from_file.raw, from_stdin.raw);
}

#[test]
fn rows_without_an_id_column_are_numbered() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(
            &["abstract"],
            &[&["Glaucoma progression."], &["Hip fracture after falls."]],
        ),
    );
    let rows = wd.run(&["code", "in.csv"]).ok().rows();
    assert_eq!(
        rows.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["1", "2"]
    );
}

#[test]
fn header_only_gives_header_only_output() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,title,abstract\r\n");
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(run.stdout.trim_end(), WIDE.join(","));
    assert!(run.stderr.contains("rows_read=0"));
}

#[test]
fn an_empty_file_is_an_error_that_says_so() {
    let wd = Workdir::new();
    wd.write("empty.csv", "");
    let run = wd.run(&["code", "empty.csv"]).fails(1);
    assert!(
        run.stderr.contains("empty.csv") && run.stderr.contains("empty"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn missing_columns_are_usage_errors_listing_the_columns() {
    let wd = Workdir::new();
    wd.write("in.csv", "ref,text_en,year\n1,hello,2020\n");
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(run.stderr.contains("in.csv"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"ref\", \"text_en\", \"year\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--abstract"));
    let run = wd
        .run(&["code", "in.csv", "--abstract", "summary_text"])
        .fails(2);
    assert!(
        run.stderr
            .contains("no abstract column named \"summary_text\""),
        "{}",
        run.stderr
    );
    // Naming the column makes it work.
    wd.run(&["code", "in.csv", "--abstract", "text_en", "--id", "ref"])
        .ok();
}

#[test]
fn columns_are_detected_by_common_names() {
    let wd = Workdir::new();
    for (header, title, text) in [
        (
            ["AwardTitle", "AwardAbstract", "OrganisationReference"],
            "Asthma",
            "Asthma in children.",
        ),
        (
            ["PROJECT_TITLE", "Scientific Abstract", "project_id"],
            "Asthma",
            "Asthma in children.",
        ),
        (
            ["tittel", "sammendrag", "id"],
            "Asthma",
            "Asthma in children.",
        ),
    ] {
        wd.write("in.csv", csv_text(&header, &[&[title, text, "X-1"]]));
        let rows = wd.run(&["code", "in.csv"]).ok().rows();
        assert_eq!(rows[0]["id"], "X-1", "{header:?}");
        assert!(
            rows[0]["hc"].starts_with("Respiratory"),
            "{header:?}: {:?}",
            rows[0]
        );
    }
}

#[test]
fn several_abstract_columns_are_joined() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(
            &["id", "aims", "methods"],
            &[&[
                "1",
                "We study glaucoma.",
                "Retinal imaging in glaucoma patients.",
            ]],
        ),
    );
    let only_aims = wd
        .run(&["code", "in.csv", "--abstract", "aims"])
        .ok()
        .rows();
    let both = wd
        .run(&[
            "code",
            "in.csv",
            "--abstract",
            "aims",
            "--abstract",
            "methods",
        ])
        .ok()
        .rows();
    // Words of the second column count only when it is read.
    assert!(
        !only_aims[0]["evidence"].contains("retinal"),
        "{only_aims:?}"
    );
    assert!(both[0]["evidence"].contains("retinal"), "{both:?}");
    assert!(both[0]["evidence"].contains("glaucoma x2"), "{both:?}");
}

#[test]
fn keep_passes_input_columns_and_renames_clashes() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(
            &["id", "title", "abstract", "hc", "Amount"],
            &[&["7", "Asthma", "Asthma trial.", "old", "1000"]],
        ),
    );
    let run = wd.run(&["code", "in.csv", "--keep"]).ok();
    let rows = run.csv();
    assert_eq!(
        &rows[0][..5],
        ["input_id", "title", "abstract", "input_hc", "Amount"]
    );
    // Then the fields of a ragged row beyond the header (none here).
    assert_eq!(rows[0][5], "input_extra");
    assert_eq!(&rows[0][6..], WIDE);
    assert_eq!(
        &rows[1][..6],
        ["7", "Asthma", "Asthma trial.", "old", "1000", ""]
    );
    assert_eq!(rows[1][6], "7");
}

#[test]
fn long_layout_has_one_row_per_code() {
    let wd = Workdir::new();
    let wide = wd.run(&["code", &fixture("awards.csv"), "-q"]).ok().rows();
    let long = wd
        .run(&["code", &fixture("awards.csv"), "--layout", "long", "-q"])
        .ok();
    let header = &long.csv()[0];
    assert_eq!(
        header,
        &[
            "id",
            "dimension",
            "code",
            "name",
            "percent",
            "confidence",
            "review",
            "review_reasons",
            "language",
            "evidence"
        ]
    );
    let long = long.rows();
    let expected: usize = wide
        .iter()
        .map(|r| codes(&r["hc"]).len().max(1) + codes(&r["rac"]).len())
        .sum();
    assert_eq!(long.len(), expected);
    for w in &wide {
        let mine: Vec<_> = long.iter().filter(|r| r["id"] == w["id"]).collect();
        let hc: f64 = mine
            .iter()
            .filter(|r| r["dimension"] == "hc")
            .map(|r| r["percent"].parse::<f64>().unwrap())
            .sum();
        assert!((hc - 100.0).abs() < 1e-9, "{:?}", w["id"]);
        assert!(mine.iter().all(|r| !r["name"].is_empty()));
    }
}

#[test]
fn jsonl_output_carries_schema_and_lexicon() {
    let wd = Workdir::new();
    let run = wd
        .run(&["code", &fixture("awards.csv"), "--format", "jsonl", "-q"])
        .ok();
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let wide = wd.run(&["code", &fixture("awards.csv"), "-q"]).ok().rows();
    assert_eq!(lines.len(), wide.len());
    for (j, w) in lines.iter().zip(&wide) {
        assert_eq!(j["schema"], "hrcs.coding/1");
        assert!(j["lexicon"].as_str().unwrap().starts_with("hrcs-default@"));
        assert_eq!(j["id"], w["id"].as_str());
        let hc: Vec<String> = j["hc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(hc, codes(&w["hc"]));
        let sum: f64 = j["hc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["percent"].as_f64().unwrap())
            .sum();
        if !hc.is_empty() {
            assert!((sum - 100.0).abs() < 1e-9);
            assert!(j["hc"][0]["id"].as_str().unwrap().starts_with("HRCS_HC_"));
        }
    }
}

#[test]
fn output_file_is_written_whole_and_never_over_an_input() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(&["id", "abstract"], &[&["1", "Asthma."]]),
    );
    wd.run(&["code", "in.csv", "-o", "out.csv"]).ok();
    assert!(wd.read("out.csv").starts_with("id,hc,"));
    let run = wd.run(&["code", "in.csv", "-o", "in.csv"]).fails(2);
    assert!(run.stderr.contains("also an input"), "{}", run.stderr);
    assert!(
        wd.read("in.csv").starts_with("id,abstract"),
        "input untouched"
    );
    // A failed run leaves no output file behind.
    wd.write("bad.jsonl", "[1,2]\n");
    wd.run(&["code", "bad.jsonl", "-o", "never.csv"]).fails(1);
    assert!(!wd.path("never.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(wd.path("."))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let wd = Workdir::new();
    wd.run(&["code"]).fails(2);
    wd.run(&["code", "x.csv", "--frobnicate"]).fails(2);
    wd.run(&["code", "x.csv", "--threads", "0"]).fails(2);
    let help = wd.run(&["code", "--help"]).ok();
    assert!(help.stdout.contains("Examples:"));
    let run = wd.run(&["code", "does-not-exist.csv"]).fails(1);
    assert!(run.stderr.contains("does-not-exist.csv"), "{}", run.stderr);
}

#[test]
fn first_sentence_title_takes_the_title_from_the_abstract() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(
            &["id", "title", "abstract"],
            &[
                &[
                    "1",
                    "",
                    "Glaucoma in older adults. We measured eye pressure in a cohort.",
                ],
                // A title of its own is kept; a one-sentence abstract stays the abstract.
                &["2", "Cataract surgery", "Glaucoma in older adults."],
                &["3", "", "Glaucoma in older adults"],
            ],
        ),
    );
    let plain = wd.run(&["code", "in.csv"]).ok().rows();
    assert!(!plain[0]["evidence"].contains("(title)"), "{plain:?}");
    let rows = wd
        .run(&["code", "in.csv", "--first-sentence-title"])
        .ok()
        .rows();
    assert!(rows[0]["evidence"].contains("glaucoma (title)"), "{rows:?}");
    assert!(
        !rows[1]["evidence"].contains("glaucoma (title)"),
        "{rows:?}"
    );
    assert!(rows[1]["evidence"].contains("cataract (title)"), "{rows:?}");
    assert!(!rows[2]["evidence"].contains("(title)"), "{rows:?}");
    assert!(
        !rows[2]["review_reasons"].contains("title_only"),
        "{rows:?}"
    );
}
