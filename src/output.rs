//! Writing codings: wide CSV (one row per award), long CSV (one row per award, dimension and
//! code) and JSON lines. All writers take awards in input order and write them as they come.
//! [`file`] opens the destination (standard output or `-o`) for every subcommand.

pub mod file;
pub use file::{note, stdout, write_whole, Output, Sink};

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::coding::{Coding, Evidence, Share};
use crate::hrcs::split::format_percent;
use crate::input::Award;

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Csv,
    Jsonl,
}

/// Shape of CSV output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// One row per award.
    Wide,
    /// One row per award, dimension and code: the shape analysts pivot.
    Long,
}

/// Version of the JSON lines record layout; bumped on any incompatible change.
pub const JSONL_SCHEMA: &str = "hrcs.coding/1";

/// Columns of the wide layout.
pub const WIDE_COLUMNS: &[&str] = &[
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
/// Columns of the long layout.
pub const LONG_COLUMNS: &[&str] = &[
    "id",
    "dimension",
    "code",
    "name",
    "percent",
    "confidence",
    "review",
    "review_reasons",
    "language",
    "evidence",
];

/// Something that takes codings in order.
pub trait CodingWriter {
    fn write(&mut self, award: &Award, coding: &Coding) -> Result<()>;
    fn finish(&mut self) -> Result<()>;
}

/// Builds the writer for a format and layout. `kept` holds the input column names when the input
/// columns are passed through.
pub fn writer<W: Write + 'static>(
    out: W,
    format: OutputFormat,
    layout: Layout,
    kept: Option<&[String]>,
    lexicon_label: &str,
) -> Result<Box<dyn CodingWriter>> {
    Ok(match format {
        OutputFormat::Csv => Box::new(CsvWriter::new(out, layout, kept)?),
        OutputFormat::Jsonl => Box::new(JsonlWriter {
            out: std::io::BufWriter::with_capacity(1 << 16, out),
            kept: kept.map(|k| k.to_vec()),
            lexicon: lexicon_label.to_string(),
            line: Vec::with_capacity(4096),
        }),
    })
}

/// Names for passed-through input columns: an input column named like an output column becomes
/// `input_<name>`.
pub fn kept_column_names(headers: &[String], output_columns: &[&str]) -> Vec<String> {
    headers
        .iter()
        .map(|h| {
            if output_columns
                .iter()
                .any(|c| c.eq_ignore_ascii_case(h.trim()))
            {
                format!("input_{h}")
            } else {
                h.clone()
            }
        })
        .collect()
}

struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    layout: Layout,
    keep: bool,
    width: usize,
}

impl<W: Write> CsvWriter<W> {
    fn new(out: W, layout: Layout, kept: Option<&[String]>) -> Result<Self> {
        let mut out = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(out);
        let columns = match layout {
            Layout::Wide => WIDE_COLUMNS,
            Layout::Long => LONG_COLUMNS,
        };
        let mut header: Vec<String> = kept
            .map(|k| kept_column_names(k, columns))
            .unwrap_or_default();
        header.extend(columns.iter().map(|c| c.to_string()));
        out.write_record(&header)?;
        Ok(CsvWriter {
            out,
            layout,
            keep: kept.is_some(),
            width: kept.map(|k| k.len()).unwrap_or(0),
        })
    }

    fn write_kept(&mut self, award: &Award) -> Result<()> {
        if self.keep {
            for i in 0..self.width {
                self.out
                    .write_field(award.kept.get(i).map(|s| s.as_str()).unwrap_or(""))?;
            }
        }
        Ok(())
    }
}

impl<W: Write> CodingWriter for CsvWriter<W> {
    fn write(&mut self, award: &Award, coding: &Coding) -> Result<()> {
        let reasons = reasons_text(coding);
        let review = if coding.review() { "true" } else { "false" };
        let language = coding.language.to_string();
        match self.layout {
            Layout::Wide => {
                self.write_kept(award)?;
                self.out.write_field(&award.id)?;
                self.out
                    .write_field(codes_text(&coding.hc, |c| c.short()))?;
                self.out
                    .write_field(confidence_text(coding, coding.hc_confidence))?;
                self.out
                    .write_field(codes_text(&coding.rac, |r| r.code()))?;
                self.out
                    .write_field(confidence_text(coding, coding.rac_confidence))?;
                self.out.write_field(review)?;
                self.out.write_field(&reasons)?;
                self.out.write_field(&language)?;
                self.out.write_field(evidence_text(award, coding))?;
                self.out.write_record(None::<&[u8]>)?;
            }
            Layout::Long => {
                let mut rows: Vec<[String; 5]> = Vec::new();
                for s in &coding.hc {
                    rows.push([
                        "hc".into(),
                        s.code.short().into(),
                        s.code.info().name.clone(),
                        format_percent(s.percent),
                        format!("{:.2}", coding.hc_confidence),
                    ]);
                }
                for s in &coding.rac {
                    rows.push([
                        "rac".into(),
                        s.code.code().into(),
                        s.code.info().name.clone(),
                        format_percent(s.percent),
                        format!("{:.2}", coding.rac_confidence),
                    ]);
                }
                let evidence: Vec<String> = coding
                    .hc
                    .iter()
                    .map(|s| terms_text(&s.evidence))
                    .chain(coding.rac.iter().map(|s| terms_text(&s.evidence)))
                    .collect();
                if rows.is_empty() {
                    // An award with no codes still gets a row, so every award is accounted for.
                    self.write_kept(award)?;
                    for f in [
                        award.id.as_str(),
                        "hc",
                        "",
                        "",
                        "",
                        "",
                        review,
                        &reasons,
                        &language,
                        &evidence_text(award, coding),
                    ] {
                        self.out.write_field(f)?;
                    }
                    self.out.write_record(None::<&[u8]>)?;
                }
                for (row, ev) in rows.iter().zip(evidence) {
                    self.write_kept(award)?;
                    self.out.write_field(&award.id)?;
                    for f in row {
                        self.out.write_field(f)?;
                    }
                    self.out.write_field(review)?;
                    self.out.write_field(&reasons)?;
                    self.out.write_field(&language)?;
                    self.out.write_field(ev)?;
                    self.out.write_record(None::<&[u8]>)?;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

fn confidence_text(coding: &Coding, c: f64) -> String {
    if coding.hc.is_empty() && coding.rac.is_empty() {
        String::new()
    } else {
        format!("{c:.2}")
    }
}

/// `Cancer:50;Oral:50`, strongest first.
pub fn codes_text<C: Copy>(shares: &[Share<C>], name: impl Fn(C) -> &'static str) -> String {
    let mut s = String::new();
    for (i, share) in shares.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(name(share.code));
        s.push(':');
        s.push_str(&format_percent(share.percent));
    }
    s
}

/// Reads a `CODE:PERCENT;...` cell, the format `codes_text` writes (hand-made files may leave the
/// percentages out): each code parsed by `parse`, with its percentage in hundredths, or `None`
/// where there is none or it is not a number. The error names the code `parse` does not know.
pub fn parse_codes<C>(
    cell: &str,
    parse: impl Fn(&str) -> Option<C>,
) -> Result<Vec<(C, Option<u32>)>, String> {
    let mut out = Vec::new();
    for part in cell.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, pct) = match part.rsplit_once(':') {
            Some((c, p)) => (c, parse_percent(p)),
            None => (part, None),
        };
        let c = parse(code).ok_or_else(|| format!("{:?}", code.trim()))?;
        out.push((c, pct));
    }
    Ok(out)
}

/// Parses a percent cell (`50`, `33.33`, `25%`) into hundredths; `None` if empty or not a
/// number.
pub fn parse_percent(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('%').trim();
    if s.is_empty() {
        return None;
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| (v * 100.0).round() as u32)
}

/// `no_text;title_only`: the review reason tokens.
pub fn reasons_text(coding: &Coding) -> String {
    coding
        .reasons
        .iter()
        .map(|r| r.token())
        .collect::<Vec<_>>()
        .join(";")
}

/// How many terms evidence shows per code before "+N more".
const TERMS_SHOWN: usize = 6;

/// `breast cancer x2 (title), tumour`: the terms behind one code, strongest first.
pub fn terms_text(evidence: &[Evidence]) -> String {
    let mut parts: Vec<String> = evidence
        .iter()
        .take(TERMS_SHOWN)
        .map(|e| {
            let mut t = e.term.split_whitespace().collect::<Vec<_>>().join(" ");
            if e.count > 1 {
                t.push_str(&format!(" x{}", e.count));
            }
            if e.in_title {
                t.push_str(" (title)");
            }
            t
        })
        .collect();
    if evidence.len() > TERMS_SHOWN {
        parts.push(format!("+{} more", evidence.len() - TERMS_SHOWN));
    }
    parts.join(", ")
}

/// The evidence column: each code with its terms, then the rules applied, then any row problem.
/// `Cancer: breast cancer x2 (title), tumour; 6.1: randomised, chemotherapy; rule: ...`
pub fn evidence_text(award: &Award, coding: &Coding) -> String {
    let mut parts: Vec<String> = Vec::new();
    // Codes that share the same evidence (a standardised breakdown) are listed together.
    let mut i = 0;
    while i < coding.hc.len() {
        let mut j = i + 1;
        while j < coding.hc.len() && coding.hc[j].evidence == coding.hc[i].evidence {
            j += 1;
        }
        if !coding.hc[i].evidence.is_empty() {
            let names: Vec<&str> = coding.hc[i..j].iter().map(|s| s.code.short()).collect();
            parts.push(format!(
                "{}: {}",
                names.join("/"),
                terms_text(&coding.hc[i].evidence)
            ));
        }
        i = j;
    }
    for s in &coding.rac {
        if !s.evidence.is_empty() {
            parts.push(format!("{}: {}", s.code.code(), terms_text(&s.evidence)));
        }
    }
    for r in &coding.rules {
        parts.push(format!("rule: {r}"));
    }
    for p in &award.problems {
        parts.push(format!("row error (line {}): {p}", award.line));
    }
    parts.join("; ")
}

struct JsonlWriter<W: Write> {
    out: std::io::BufWriter<W>,
    kept: Option<Vec<String>>,
    lexicon: String,
    line: Vec<u8>,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    term: &'a str,
    count: u32,
    title: bool,
}

#[derive(Serialize)]
struct JsonCode<'a> {
    code: &'a str,
    id: &'a str,
    name: &'a str,
    percent: f64,
    evidence: Vec<JsonEvidence<'a>>,
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    schema: &'static str,
    lexicon: &'a str,
    id: &'a str,
    row: u64,
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<serde_json::Map<String, serde_json::Value>>,
    hc: Vec<JsonCode<'a>>,
    hc_confidence: Option<f64>,
    rac: Vec<JsonCode<'a>>,
    rac_confidence: Option<f64>,
    review: bool,
    review_reasons: Vec<&'static str>,
    language: String,
    rules: &'a [String],
    row_errors: &'a [String],
}

fn json_codes<'a, C: Copy>(
    shares: &'a [Share<C>],
    info: impl Fn(C) -> &'static crate::hrcs::CodeInfo,
    code: impl Fn(C) -> &'static str,
) -> Vec<JsonCode<'a>> {
    shares
        .iter()
        .map(|s| JsonCode {
            code: code(s.code),
            id: &info(s.code).id,
            name: &info(s.code).name,
            percent: s.percent as f64 / 100.0,
            evidence: s
                .evidence
                .iter()
                .map(|e| JsonEvidence {
                    term: &e.term,
                    count: e.count,
                    title: e.in_title,
                })
                .collect(),
        })
        .collect()
}

impl<W: Write> CodingWriter for JsonlWriter<W> {
    fn write(&mut self, award: &Award, coding: &Coding) -> Result<()> {
        let coded = !(coding.hc.is_empty() && coding.rac.is_empty());
        let record = JsonRecord {
            schema: JSONL_SCHEMA,
            lexicon: &self.lexicon,
            id: &award.id,
            row: award.row,
            line: award.line,
            input: self.kept.as_ref().map(|names| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        (
                            n.clone(),
                            serde_json::Value::String(
                                award.kept.get(i).cloned().unwrap_or_default(),
                            ),
                        )
                    })
                    .collect()
            }),
            hc: json_codes(&coding.hc, |c| c.info(), |c| c.short()),
            hc_confidence: coded.then_some(coding.hc_confidence),
            rac: json_codes(&coding.rac, |r| r.info(), |r| r.code()),
            rac_confidence: coded.then_some(coding.rac_confidence),
            review: coding.review(),
            review_reasons: coding.reasons.iter().map(|r| r.token()).collect(),
            language: coding.language.to_string(),
            rules: &coding.rules,
            row_errors: &award.problems,
        };
        self.line.clear();
        serde_json::to_writer(&mut self.line, &record)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}
