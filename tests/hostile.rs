//! Hostile input: every case of docs/bad-input.md with its defined behaviour. No case may lose,
//! merge or reorder a row without saying so, and no case may leave a complete-looking output file
//! behind a failed run.

use crate::util::Workdir;

/// The ids of a coded CSV, in output order.
fn ids(run: &crate::util::Run) -> Vec<String> {
    run.rows().iter().map(|r| r["id"].clone()).collect()
}

/// The summary line's counters.
fn summary(stderr: &str) -> std::collections::HashMap<String, String> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("hrcs: rows_read="))
        .unwrap_or_else(|| panic!("no summary line in {stderr:?}"));
    line["hrcs: ".len()..]
        .split(' ')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn an_unclosed_quote_fails_naming_its_line_and_leaves_no_output() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"Unclosed quote\n2,Glaucoma,fine row\n3,Stroke,another row\n",
    );
    let run = wd.run(&["code", "in.csv", "-o", "out.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("in.csv:2: unbalanced quote: a quote in column \"abstract\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("lines 3-4"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists(), "no partial output file");
}

#[test]
fn a_quote_closed_rows_later_fails_instead_of_merging_rows() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"Quote opens\n2,Glaucoma,fine row\n3,Stroke,\"closes here\"\n4,Cancer,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).fails(1);
    assert!(
        run.stderr.contains("in.csv:2: unbalanced quote"),
        "{}",
        run.stderr
    );
}

#[test]
fn quoted_fields_over_several_lines_with_escaped_quotes_are_fine() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,\"First paragraph, with commas.\n\nSecond \"\"quoted\"\" paragraph, more commas.\"\n2,Glaucoma,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["1", "2"]);
}

#[test]
fn nul_bytes_are_removed_and_flagged() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        b"id,title,abstract\n1,Asth\0ma,text\n2,Glaucoma,ok\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1", "2"]);
    assert!(rows[0]["hc"].starts_with("Respiratory"), "{:?}", rows[0]);
    assert!(rows[0]["review_reasons"].contains("row_error"));
    assert!(
        rows[0]["evidence"].contains("contains NUL bytes: removed"),
        "{:?}",
        rows[0]
    );
    assert!(!rows[1]["review_reasons"].contains("row_error"));
}

#[test]
fn utf16_with_a_byte_order_mark_is_decoded() {
    let wd = Workdir::new();
    let text = "id\ttitle\tabstract\r\n1\tGlaucoma in adults\tRetinal imaging\r\n";
    let mut bytes = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    wd.write("in.tsv", bytes);
    let run = wd.run(&["code", "in.tsv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1"]);
    assert!(rows[0]["hc"].starts_with("Eye"), "{:?}", rows[0]);
}

#[test]
fn mixed_line_ends_give_one_row_per_line_with_true_line_numbers() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,abstract\r\n1,Asthma\n2,Glaucoma\r\n3,Stroke,extra\n4,Cancer\r\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    assert_eq!(ids(&run), ["1", "2", "3", "4"]);
    assert!(run.rows()[2]["evidence"].contains("line 4"));
}

#[test]
fn a_duplicated_column_name_that_is_read_is_a_usage_error() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract,Abstract\n1,one,two\n");
    let run = wd.run(&["code", "in.csv"]).fails(2);
    assert!(
        run.stderr
            .contains("the abstract column \"abstract\" appears 2 times (columns 2, 3)"),
        "{}",
        run.stderr
    );
    // Duplicates among the columns not read are no problem.
    wd.write("other.csv", "id,abstract,note,note\n1,Asthma,a,b\n");
    wd.run(&["code", "other.csv"]).ok();
}

#[test]
fn duplicate_ids_are_kept_in_order() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n7,Asthma\n7,Glaucoma\n7,Stroke\n");
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["7", "7", "7"]);
    assert!(rows[1]["hc"].starts_with("Eye"));
}

#[test]
fn redaction_markers_are_no_text_not_a_guess() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n\
         1,,Not available in public dataset\n\
         2,,Redacted for public dataset\n\
         3,,no data entered\n\
         4,,redacted\n\
         5,,n/a\n\
         6,,-\n\
         7,,\n\
         8,Glaucoma in adults,[Redacted]\n",
    );
    let run = wd.run(&["code", "in.csv"]).ok();
    let rows = run.rows();
    assert_eq!(rows.len(), 8);
    for r in &rows[..7] {
        assert_eq!(r["hc"], "", "{r:?}");
        assert_eq!(r["rac"], "", "{r:?}");
        assert_eq!(r["review_reasons"], "no_text", "{r:?}");
    }
    assert!(rows[7]["hc"].starts_with("Eye"));
    assert!(rows[7]["review_reasons"].contains("title_only"));
    let s = summary(&run.stderr);
    assert_eq!(s["no_text"], "7");
    assert_eq!(s["rows_read"], "8");
}

#[test]
fn a_ten_megabyte_field_is_coded() {
    let wd = Workdir::new();
    let mut big = String::with_capacity(10_500_000);
    while big.len() < 10_000_000 {
        big.push_str("Glaucoma damages the optic nerve in older adults. ");
    }
    wd.write(
        "in.csv",
        format!("id,abstract\n1,\"{big}\"\n2,Asthma in children\n"),
    );
    let run = wd.run(&["code", "in.csv", "-q"]).ok();
    let rows = run.rows();
    assert_eq!(ids(&run), ["1", "2"]);
    assert!(rows[0]["hc"].starts_with("Eye"), "{:?}", rows[0]["hc"]);
}

#[test]
fn a_million_rows_are_all_accounted_for() {
    let wd = Workdir::new();
    let mut text = String::with_capacity(20_000_000);
    text.push_str("id,abstract\n");
    for i in 0..1_000_000u32 {
        // Every 1000th row is ragged: damaged rows are counted, not dropped.
        if i % 1000 == 0 {
            text.push_str(&format!("{i},asthma,extra\n"));
        } else {
            text.push_str(&format!("{i},asthma\n"));
        }
    }
    wd.write("in.csv", text);
    let run = wd
        .run(&["code", "in.csv", "-o", "out.csv", "--layout", "wide"])
        .ok();
    let s = summary(&run.stderr);
    assert_eq!(s["rows_read"], "1000000");
    assert_eq!(s["coded"], "1000000");
    assert_eq!(s["row_errors"], "1000");
    let out = std::fs::read_to_string(wd.path("out.csv")).unwrap();
    assert_eq!(out.lines().count(), 1_000_001);
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("999999,"), "{last}");
}

#[test]
fn a_truncated_gzip_fails_naming_the_line_and_leaves_no_output() {
    let wd = Workdir::new();
    let mut text = String::from("id,abstract\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},Asthma and glaucoma in adults number {i}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    wd.write("in.csv.gz", &bytes[..bytes.len() / 2]);
    let run = wd.run(&["code", "in.csv.gz", "-o", "out.csv"]).fails(1);
    assert!(
        run.stderr.contains("in.csv.gz:") && run.stderr.contains("check that the file is complete"),
        "{}",
        run.stderr
    );
    assert!(!wd.path("out.csv").exists());
}

#[test]
fn a_corrupt_spreadsheet_fails_and_leaves_no_output() {
    let wd = Workdir::new();
    wd.write("in.xlsx", b"PK\x03\x04 this is not a spreadsheet");
    let run = wd.run(&["code", "in.xlsx", "-o", "out.csv"]).fails(1);
    assert!(run.stderr.contains("in.xlsx"), "{}", run.stderr);
    assert!(!wd.path("out.csv").exists());
}

#[test]
fn an_unwritable_output_path_is_an_error_naming_it() {
    let wd = Workdir::new();
    wd.write("in.csv", "id,abstract\n1,Asthma\n");
    // A file where a folder should be: fails even for root, unlike permissions.
    wd.write("blocker", "");
    let run = wd
        .run(&["code", "in.csv", "-o", "blocker/out.csv"])
        .fails(1);
    assert!(run.stderr.contains("blocker/out.csv"), "{}", run.stderr);
}

#[test]
fn output_is_byte_identical_at_1_2_and_8_threads_with_bad_rows() {
    let wd = Workdir::new();
    let topics = [
        "Asthma in children",
        "Glaucoma and retinal imaging",
        "Not available in public dataset",
        "Stroke rehabilitation after discharge",
        "",
        "Breast cancer screening uptake",
    ];
    let mut text: Vec<u8> = b"id,title,abstract\n".to_vec();
    for i in 0..6000usize {
        let t = topics[i % topics.len()];
        match i % 97 {
            0 => text.extend_from_slice(format!("{i},Ragged\n").as_bytes()),
            1 => text.extend_from_slice(format!("{i},Extra,{t},field\n").as_bytes()),
            2 => {
                text.extend_from_slice(format!("{i},Sj").as_bytes());
                text.extend_from_slice(b"\xf6gren,");
                text.extend_from_slice(format!("{t}\n").as_bytes());
            }
            3 => text.extend_from_slice(format!("{i},Nul\0byte,{t}\n").as_bytes()),
            _ => text
                .extend_from_slice(format!("{i},\"Title {i}\",\"{t}. More text.\"\n").as_bytes()),
        }
    }
    wd.write("in.csv", &text);
    let one = wd.run(&["code", "in.csv", "-j", "1", "-q"]).ok().raw;
    for j in ["2", "8"] {
        let other = wd.run(&["code", "in.csv", "-j", j, "-q"]).ok().raw;
        assert!(one == other, "output at -j {j} differs from -j 1");
    }
    let rows = crate::util::Run {
        stdout: String::from_utf8(one).unwrap(),
        stderr: String::new(),
        code: 0,
        raw: Vec::new(),
    };
    let got = ids(&rows);
    let want: Vec<String> = (0..6000).map(|i| i.to_string()).collect();
    assert_eq!(got, want, "every row once, in input order");
}

/// A tiny UKHRA gold file: ids, text and one health category each with its percent.
fn ukhra_gold(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut s = String::from("id,title,abstract,HC_1,HC_1%,HC_2,HC_2%,RA_1,RA_1%\n");
    for (id, hc1, p1, hc2, p2) in rows {
        s.push_str(&format!(
            "{id},Title {id},Text,{hc1},{p1},{hc2},{p2},2.1,100\n"
        ));
    }
    s
}

#[test]
fn eval_refuses_predictions_with_repeated_ids_naming_their_lines() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "100", "", ""),
            ("A2", "Oral", "100", "", ""),
        ]),
    );
    // A1 is predicted twice, once right and once wrong: the score must not depend on which wins.
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:100,2.1:100\nA2,Oral:100,2.1:100\nA1,Stroke:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("pred.csv: id \"A1\" is predicted 2 times, at lines 2, 4"),
        "{}",
        run.stderr
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--skip-bad-gold",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["excluded"]["bad_gold"], 1);
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["metrics"]["hc_exact"], 1.0);
}

#[test]
fn eval_refuses_gold_with_repeated_ids() {
    let wd = Workdir::new();
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "100", "", ""),
            ("A2", "Oral", "100", "", ""),
            ("A1", "Stroke", "100", "", ""),
        ]),
    );
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:100,2.1:100\nA2,Oral:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("gold.csv: id \"A1\" is given 2 times, at lines 2, 4"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_refuses_gold_percentages_that_do_not_add_up_to_100() {
    let wd = Workdir::new();
    // Excel percent cells: 0.5 means 50 %; and a row adding up to 130.
    wd.write(
        "gold.csv",
        ukhra_gold(&[
            ("A1", "Cancer", "0.5", "Oral", "0.5"),
            ("A2", "Oral", "80", "Stroke", "50"),
            ("A3", "Stroke", "100", "", ""),
        ]),
    );
    wd.write(
        "pred.csv",
        "id,hc,rac\nA1,Cancer:50;Oral:50,2.1:100\nA2,Oral:100,2.1:100\nA3,Stroke:100,2.1:100\n",
    );
    let run = wd.run(&["eval", "gold.csv", "--pred", "pred.csv"]).fails(1);
    assert!(
        run.stderr
            .contains("gold.csv:2: column HC_1%..HC_2%: percentages add up to 1, not 100 (fractions such as 0.5 for 50 %? write 50)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("gold.csv:3: column HC_1%..HC_2%: percentages add up to 130, not 100"),
        "{}",
        run.stderr
    );
    let run = wd
        .run(&[
            "eval",
            "gold.csv",
            "--pred",
            "pred.csv",
            "--skip-bad-gold",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["excluded"]["bad_gold"], 2);
    assert_eq!(v["evaluated"], 1);
    assert_eq!(v["rows"], 3);
}
