//! Each input format gives the same coding as CSV.

use std::io::Write;

use crate::util::{csv_text, Workdir};

const ROWS: &[&[&str]] = &[
    &[
        "A-1",
        "Glaucoma progression",
        "We will image the optic nerve in glaucoma patients.",
    ],
    &[
        "A-2",
        "Falls in older people",
        "A randomised trial of exercise to prevent falls and hip fracture.",
    ],
    &[
        "A-3",
        "Sjögren's syndrome",
        "Dry eyes and mouth in Sjögren’s syndrome with ménière and naïve terms.",
    ],
];

fn reference(wd: &Workdir) -> Vec<u8> {
    wd.write("ref.csv", csv_text(&["id", "title", "abstract"], ROWS));
    wd.run(&["code", "ref.csv", "-q"]).ok().raw
}

fn delimited(delim: &str) -> String {
    let mut s = format!("id{delim}title{delim}abstract\n");
    for r in ROWS {
        s.push_str(&r.join(delim));
        s.push('\n');
    }
    s
}

#[test]
fn tsv_by_extension_and_by_sniffing() {
    let wd = Workdir::new();
    let expected = reference(&wd);
    wd.write("in.tsv", delimited("\t"));
    assert_eq!(wd.run(&["code", "in.tsv", "-q"]).ok().raw, expected);
    wd.write("in.txt", delimited("\t"));
    assert_eq!(wd.run(&["code", "in.txt", "-q"]).ok().raw, expected);
    wd.write("semi.csv", delimited(";"));
    assert_eq!(wd.run(&["code", "semi.csv", "-q"]).ok().raw, expected);
    wd.write("pipe.dat", delimited("|"));
    assert_eq!(
        wd.run(&["code", "pipe.dat", "--delimiter", "|", "-q"])
            .ok()
            .raw,
        expected
    );
}

#[test]
fn bom_and_crlf_are_read() {
    let wd = Workdir::new();
    let expected = reference(&wd);
    let text = format!(
        "\u{feff}{}",
        csv_text(&["id", "title", "abstract"], ROWS).replace('\n', "\r\n")
    );
    wd.write("bom.csv", text);
    assert_eq!(wd.run(&["code", "bom.csv", "-q"]).ok().raw, expected);
}

#[test]
fn gzip_is_read_transparently_whatever_the_name() {
    let wd = Workdir::new();
    let expected = reference(&wd);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv_text(&["id", "title", "abstract"], ROWS).as_bytes())
        .unwrap();
    let bytes = gz.finish().unwrap();
    wd.write("in.csv.gz", &bytes);
    assert_eq!(wd.run(&["code", "in.csv.gz", "-q"]).ok().raw, expected);
    wd.write("no-extension", &bytes);
    assert_eq!(wd.run(&["code", "no-extension", "-q"]).ok().raw, expected);
    assert_eq!(
        wd.run_stdin(&["code", "-", "-q"], Some(&bytes)).ok().raw,
        expected
    );
}

#[test]
fn xlsx_first_sheet_or_named_sheet() {
    let wd = Workdir::new();
    let expected = reference(&wd);
    let mut book = rust_xlsxwriter::Workbook::new();
    let other = book.add_worksheet();
    other.set_name("Notes").unwrap();
    other.write_string(0, 0, "not awards").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Awards").unwrap();
    for (c, h) in ["id", "title", "abstract"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save(wd.path("in.xlsx")).unwrap();
    assert_eq!(
        wd.run(&["code", "in.xlsx", "--sheet", "Awards", "-q"])
            .ok()
            .raw,
        expected
    );
    // The first sheet has no abstract column: a usage error that lists what it found.
    let run = wd.run(&["code", "in.xlsx"]).fails(2);
    assert!(run.stderr.contains("not awards"), "{}", run.stderr);
    let run = wd.run(&["code", "in.xlsx", "--sheet", "Nope"]).fails(1);
    assert!(run.stderr.contains("Notes, Awards"), "{}", run.stderr);
    // Read from standard input, recognised by its zip signature.
    let bytes = std::fs::read(wd.path("in.xlsx")).unwrap();
    assert_eq!(
        wd.run_stdin(&["code", "-", "--sheet", "Awards", "-q"], Some(&bytes))
            .ok()
            .raw,
        expected
    );
}

#[test]
fn json_lines() {
    let wd = Workdir::new();
    let expected = reference(&wd);
    let mut text = String::new();
    for r in ROWS {
        text.push_str(
            &serde_json::json!({"id": r[0], "title": r[1], "abstract": r[2], "year": 2020})
                .to_string(),
        );
        text.push_str("\n\n");
    }
    wd.write("in.jsonl", &text);
    assert_eq!(wd.run(&["code", "in.jsonl", "-q"]).ok().raw, expected);
    assert_eq!(
        wd.run_stdin(&["code", "-", "-q"], Some(text.as_bytes()))
            .ok()
            .raw,
        expected
    );
}

#[test]
fn a_broken_json_line_is_a_flagged_row_not_a_lost_one() {
    let wd = Workdir::new();
    wd.write("in.jsonl", "{\"id\":\"1\",\"abstract\":\"Asthma.\"}\n{\"id\": 2, oops}\n{\"id\":\"3\",\"abstract\":\"Glaucoma.\"}\n");
    let rows = wd.run(&["code", "in.jsonl"]).ok().rows();
    assert_eq!(rows.len(), 3);
    assert!(rows[1]["review_reasons"].contains("row_error"));
    assert!(rows[1]["evidence"].contains("line 2"), "{:?}", rows[1]);
    // A first line that is not JSON at all cannot give columns: an error naming line and column.
    wd.write("bad.jsonl", "id,abstract\n");
    let run = wd.run(&["code", "bad.jsonl"]).fails(1);
    assert!(run.stderr.contains("bad.jsonl:1:"), "{}", run.stderr);
}

#[test]
fn ragged_rows_are_kept_and_flagged() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,title,abstract\n1,Asthma,Asthma in children\n2,Glaucoma\n3,Hip,fracture,extra\n",
    );
    let rows = wd.run(&["code", "in.csv"]).ok().rows();
    assert_eq!(
        rows.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>(),
        ["1", "2", "3"]
    );
    assert!(!rows[0]["review_reasons"].contains("row_error"));
    assert!(rows[1]["review_reasons"].contains("row_error"));
    assert!(rows[1]["evidence"].contains("line 3"), "{:?}", rows[1]);
    assert!(rows[2]["evidence"].contains("4 field(s)"), "{:?}", rows[2]);
}

#[test]
fn windows_1252_text_is_decoded_and_flagged() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        b"id,abstract\n1,Sj\xf6gren syndrome and dry eye\n",
    );
    let run = wd.run(&["code", "in.csv", "--keep"]).ok();
    let rows = run.rows();
    assert_eq!(rows[0]["abstract"], "Sjögren syndrome and dry eye");
    assert!(rows[0]["review_reasons"].contains("row_error"));
}

#[test]
fn json_lines_that_are_not_utf8_are_decoded_and_flagged() {
    let wd = Workdir::new();
    wd.write("in.jsonl", b"{\"id\":\"1\",\"abstract\":\"Sj\xf6gren syndrome\"}\n{\"id\":\"2\",\"abstract\":\"Asthma.\"}\n");
    let rows = wd.run(&["code", "in.jsonl"]).ok().rows();
    assert!(rows[0]["review_reasons"].contains("row_error"));
    assert!(
        rows[0]["evidence"].contains("the line is not UTF-8"),
        "{:?}",
        rows[0]
    );
    assert!(!rows[1]["review_reasons"].contains("row_error"));
}

#[test]
fn strict_fails_on_damaged_rows_naming_the_first() {
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        "id,abstract\n1,Asthma\n2,Glaucoma,extra\n3,Hip fracture\n",
    );
    let run = wd
        .run(&["code", "in.csv", "--strict", "-o", "out.csv"])
        .fails(1);
    assert!(
        run.stderr.contains("in.csv:3: row has 3 field(s)"),
        "{}",
        run.stderr
    );
    // Every row is still accounted for in the output.
    assert_eq!(wd.read("out.csv").lines().count(), 4);
    wd.write("clean.csv", "id,abstract\n1,Asthma\n");
    wd.run(&["code", "clean.csv", "--strict"]).ok();
}
