//! Writing codings: wide CSV (one row per award), long CSV (one row per award, dimension and
//! code) and JSON lines. All writers take awards in input order and write them as they come.
//! [`file`] opens the destination (standard output or `-o`) for every subcommand.

pub mod file;
pub use file::{note, stdout, write_whole, Output, Sink};

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::coding::{Coding, Evidence, Share};
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

/// Formats codings into output bytes. Shared by the coding threads, which format each award
/// right after coding it, so the thread that writes only copies finished bytes.
pub trait RowFormat: Send + Sync {
    /// Appends the output rows of one award to `buf.bytes`.
    fn format(&self, award: &Award, coding: &Coding, buf: &mut RowBuf) -> Result<()>;
}

/// Formatted output rows, with the scratch text a formatter reuses from row to row (no
/// allocation per field once the buffers have grown).
#[derive(Debug, Default)]
pub struct RowBuf {
    pub bytes: Vec<u8>,
    field: String,
    reasons: String,
    language: String,
}

/// Something that takes codings in order: formatted by [`CodingWriter::formatter`] (on any
/// thread), written with [`CodingWriter::write_rows`] in input order.
pub trait CodingWriter {
    /// The formatter for the coding threads.
    fn formatter(&self) -> Arc<dyn RowFormat>;
    /// Writes rows made by the formatter.
    fn write_rows(&mut self, rows: &[u8]) -> Result<()>;
    fn finish(&mut self) -> Result<()>;
    /// Formats and writes one award.
    fn write(&mut self, award: &Award, coding: &Coding) -> Result<()> {
        let mut buf = RowBuf::default();
        self.formatter().format(award, coding, &mut buf)?;
        self.write_rows(&buf.bytes)
    }
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
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let format: Arc<dyn RowFormat> = match format {
        OutputFormat::Csv => {
            let columns = match layout {
                Layout::Wide => WIDE_COLUMNS,
                Layout::Long => LONG_COLUMNS,
            };
            let mut header: Vec<String> = kept
                .map(|k| kept_column_names(k, columns))
                .unwrap_or_default();
            header.extend(columns.iter().map(|c| c.to_string()));
            let mut line = Vec::new();
            for (i, h) in header.iter().enumerate() {
                csv_field(&mut line, i == 0, h);
            }
            line.push(b'\n');
            out.write_all(&line)?;
            Arc::new(CsvFormat {
                layout,
                width: kept.map(|k| k.len()),
            })
        }
        OutputFormat::Jsonl => Arc::new(JsonlFormat {
            kept: kept.map(|k| k.to_vec()),
            lexicon: lexicon_label.to_string(),
        }),
    };
    Ok(Box::new(ByteWriter { out, format }))
}

/// Writes formatted rows to the destination.
struct ByteWriter<W: Write> {
    out: std::io::BufWriter<W>,
    format: Arc<dyn RowFormat>,
}

impl<W: Write> CodingWriter for ByteWriter<W> {
    fn formatter(&self) -> Arc<dyn RowFormat> {
        Arc::clone(&self.format)
    }

    fn write_rows(&mut self, rows: &[u8]) -> Result<()> {
        self.out.write_all(rows)?;
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
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

/// Appends one CSV field as the `csv` crate writes it (RFC 4180, `,` delimiter, `\n` line end):
/// quoted only when it holds a comma, a quote or a line break, with quotes doubled.
fn csv_field(out: &mut Vec<u8>, first: bool, field: &str) {
    if !first {
        out.push(b',');
    }
    let bytes = field.as_bytes();
    if !bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for part in bytes.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Wide or long CSV, with the passed-through input columns first when `width` is set.
struct CsvFormat {
    layout: Layout,
    width: Option<usize>,
}

impl CsvFormat {
    /// Starts a row: the kept input columns, then the id.
    fn start_row(&self, out: &mut Vec<u8>, award: &Award) {
        let mut first = true;
        if let Some(width) = self.width {
            for i in 0..width {
                csv_field(out, first, award.kept.get(i).map_or("", |s| s.as_str()));
                first = false;
            }
        }
        csv_field(out, first, &award.id);
    }

    /// One row of the long layout: a code with its name, share, confidence and evidence.
    #[allow(clippy::too_many_arguments)]
    fn long_row(
        &self,
        buf: &mut RowBuf,
        award: &Award,
        dimension: &str,
        code: &str,
        name: &str,
        percent: u32,
        confidence: f64,
        review: &str,
        evidence: &[Evidence],
    ) {
        let out = &mut buf.bytes;
        self.start_row(out, award);
        csv_field(out, false, dimension);
        csv_field(out, false, code);
        csv_field(out, false, name);
        buf.field.clear();
        push_percent(&mut buf.field, percent);
        csv_field(out, false, &buf.field);
        buf.field.clear();
        let _ = write!(buf.field, "{confidence:.2}");
        csv_field(out, false, &buf.field);
        csv_field(out, false, review);
        csv_field(out, false, &buf.reasons);
        csv_field(out, false, &buf.language);
        buf.field.clear();
        push_terms(&mut buf.field, evidence);
        csv_field(out, false, &buf.field);
        out.push(b'\n');
    }
}

impl RowFormat for CsvFormat {
    fn format(&self, award: &Award, coding: &Coding, buf: &mut RowBuf) -> Result<()> {
        buf.reasons.clear();
        push_reasons(&mut buf.reasons, coding);
        buf.language.clear();
        let _ = write!(buf.language, "{}", coding.language);
        let review = if coding.review() { "true" } else { "false" };
        match self.layout {
            Layout::Wide => {
                let out = &mut buf.bytes;
                self.start_row(out, award);
                buf.field.clear();
                push_codes(&mut buf.field, &coding.hc, |c| c.short());
                csv_field(out, false, &buf.field);
                buf.field.clear();
                push_confidence(&mut buf.field, coding, coding.hc_confidence);
                csv_field(out, false, &buf.field);
                buf.field.clear();
                push_codes(&mut buf.field, &coding.rac, |r| r.code());
                csv_field(out, false, &buf.field);
                buf.field.clear();
                push_confidence(&mut buf.field, coding, coding.rac_confidence);
                csv_field(out, false, &buf.field);
                csv_field(out, false, review);
                csv_field(out, false, &buf.reasons);
                csv_field(out, false, &buf.language);
                buf.field.clear();
                push_evidence(&mut buf.field, award, coding);
                csv_field(out, false, &buf.field);
                out.push(b'\n');
            }
            Layout::Long => {
                if coding.hc.is_empty() && coding.rac.is_empty() {
                    // An award with no codes still gets a row, so every award is accounted for.
                    let out = &mut buf.bytes;
                    self.start_row(out, award);
                    for f in ["hc", "", "", "", "", review, &buf.reasons, &buf.language] {
                        csv_field(out, false, f);
                    }
                    buf.field.clear();
                    push_evidence(&mut buf.field, award, coding);
                    csv_field(out, false, &buf.field);
                    out.push(b'\n');
                }
                for s in &coding.hc {
                    let info = s.code.info();
                    self.long_row(
                        buf,
                        award,
                        "hc",
                        s.code.short(),
                        &info.name,
                        s.percent,
                        coding.hc_confidence,
                        review,
                        &s.evidence,
                    );
                }
                for s in &coding.rac {
                    let info = s.code.info();
                    self.long_row(
                        buf,
                        award,
                        "rac",
                        s.code.code(),
                        &info.name,
                        s.percent,
                        coding.rac_confidence,
                        review,
                        &s.evidence,
                    );
                }
            }
        }
        Ok(())
    }
}

fn push_confidence(out: &mut String, coding: &Coding, c: f64) {
    if !(coding.hc.is_empty() && coding.rac.is_empty()) {
        let _ = write!(out, "{c:.2}");
    }
}

/// A share in hundredths as [`format_percent`](crate::hrcs::split::format_percent) writes it (`50`, `33.3`, `33.34`).
fn push_percent(out: &mut String, hundredths: u32) {
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    let _ = if frac == 0 {
        write!(out, "{whole}")
    } else if frac % 10 == 0 {
        write!(out, "{whole}.{}", frac / 10)
    } else {
        write!(out, "{whole}.{frac:02}")
    };
}

/// `Cancer:50;Oral:50`, strongest first.
pub fn codes_text<C: Copy>(shares: &[Share<C>], name: impl Fn(C) -> &'static str) -> String {
    let mut s = String::new();
    push_codes(&mut s, shares, name);
    s
}

fn push_codes<C: Copy>(out: &mut String, shares: &[Share<C>], name: impl Fn(C) -> &'static str) {
    for (i, share) in shares.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name(share.code));
        out.push(':');
        push_percent(out, share.percent);
    }
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
    let mut s = String::new();
    push_reasons(&mut s, coding);
    s
}

fn push_reasons(out: &mut String, coding: &Coding) {
    for (i, r) in coding.reasons.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(r.token());
    }
}

/// How many terms evidence shows per code before "+N more".
const TERMS_SHOWN: usize = 6;

/// `breast cancer x2 (title), tumour`: the terms behind one code, strongest first.
pub fn terms_text(evidence: &[Evidence]) -> String {
    let mut s = String::new();
    push_terms(&mut s, evidence);
    s
}

fn push_terms(out: &mut String, evidence: &[Evidence]) {
    for (i, e) in evidence.iter().take(TERMS_SHOWN).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        // Runs of white space show as one space.
        for (j, word) in e.term.split_whitespace().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        if e.count > 1 {
            let _ = write!(out, " x{}", e.count);
        }
        if e.in_title {
            out.push_str(" (title)");
        }
    }
    if evidence.len() > TERMS_SHOWN {
        let _ = write!(out, ", +{} more", evidence.len() - TERMS_SHOWN);
    }
}

/// The evidence column: each code with its terms, then the rules applied, then any row problem.
/// `Cancer: breast cancer x2 (title), tumour; 6.1: randomised, chemotherapy; rule: ...`
pub fn evidence_text(award: &Award, coding: &Coding) -> String {
    let mut s = String::new();
    push_evidence(&mut s, award, coding);
    s
}

fn push_evidence(out: &mut String, award: &Award, coding: &Coding) {
    let mut first = true;
    let mut part = |out: &mut String| {
        if !first {
            out.push_str("; ");
        }
        first = false;
    };
    // Codes that share the same evidence (a standardised breakdown) are listed together.
    let mut i = 0;
    while i < coding.hc.len() {
        let mut j = i + 1;
        while j < coding.hc.len() && coding.hc[j].evidence == coding.hc[i].evidence {
            j += 1;
        }
        if !coding.hc[i].evidence.is_empty() {
            part(out);
            for (k, s) in coding.hc[i..j].iter().enumerate() {
                if k > 0 {
                    out.push('/');
                }
                out.push_str(s.code.short());
            }
            out.push_str(": ");
            push_terms(out, &coding.hc[i].evidence);
        }
        i = j;
    }
    for s in &coding.rac {
        if !s.evidence.is_empty() {
            part(out);
            out.push_str(s.code.code());
            out.push_str(": ");
            push_terms(out, &s.evidence);
        }
    }
    for r in &coding.rules {
        part(out);
        let _ = write!(out, "rule: {r}");
    }
    for p in &award.problems {
        part(out);
        let _ = write!(out, "row error (line {}): {p}", award.line);
    }
}

/// JSON lines, one record per award (schema [`JSONL_SCHEMA`]).
struct JsonlFormat {
    kept: Option<Vec<String>>,
    lexicon: String,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    term: &'a str,
    count: u32,
    title: bool,
}

/// A code's evidence as a JSON array, serialised straight from the coding.
struct JsonEvidenceList<'a>(&'a [Evidence]);

impl Serialize for JsonEvidenceList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|e| JsonEvidence {
            term: e.term.as_str(),
            count: e.count,
            title: e.in_title,
        }))
    }
}

#[derive(Serialize)]
struct JsonCode<'a> {
    code: &'a str,
    id: &'a str,
    name: &'a str,
    percent: f64,
    evidence: JsonEvidenceList<'a>,
}

/// A code as JSON names it.
trait JsonCodeName: Copy {
    fn json_code(self) -> &'static str;
    fn json_info(self) -> &'static crate::hrcs::CodeInfo;
}

impl JsonCodeName for crate::hrcs::HealthCategory {
    fn json_code(self) -> &'static str {
        self.short()
    }
    fn json_info(self) -> &'static crate::hrcs::CodeInfo {
        self.info()
    }
}

impl JsonCodeName for crate::hrcs::ResearchActivity {
    fn json_code(self) -> &'static str {
        self.code()
    }
    fn json_info(self) -> &'static crate::hrcs::CodeInfo {
        self.info()
    }
}

/// The shares of a dimension as a JSON array, serialised straight from the coding.
struct JsonCodes<'a, C>(&'a [Share<C>]);

impl<C: JsonCodeName> Serialize for JsonCodes<'_, C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|share| {
            let info = share.code.json_info();
            JsonCode {
                code: share.code.json_code(),
                id: &info.id,
                name: &info.name,
                percent: share.percent as f64 / 100.0,
                evidence: JsonEvidenceList(&share.evidence),
            }
        }))
    }
}

/// The review reason tokens as a JSON array.
struct JsonReasons<'a>(&'a [crate::coding::Reason]);

impl Serialize for JsonReasons<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| r.token()))
    }
}

/// Serialises through `Display` (serde_json writes it without an intermediate string).
struct JsonDisplay<'a, T: std::fmt::Display>(&'a T);

impl<T: std::fmt::Display> Serialize for JsonDisplay<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
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
    hc: JsonCodes<'a, crate::hrcs::HealthCategory>,
    hc_confidence: Option<f64>,
    rac: JsonCodes<'a, crate::hrcs::ResearchActivity>,
    rac_confidence: Option<f64>,
    review: bool,
    review_reasons: JsonReasons<'a>,
    language: JsonDisplay<'a, crate::language::Detected>,
    rules: &'a [String],
    row_errors: &'a [String],
}

impl RowFormat for JsonlFormat {
    fn format(&self, award: &Award, coding: &Coding, buf: &mut RowBuf) -> Result<()> {
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
            hc: JsonCodes(&coding.hc),
            hc_confidence: coded.then_some(coding.hc_confidence),
            rac: JsonCodes(&coding.rac),
            rac_confidence: coded.then_some(coding.rac_confidence),
            review: coding.review(),
            review_reasons: JsonReasons(&coding.reasons),
            language: JsonDisplay(&coding.language),
            rules: &coding.rules,
            row_errors: &award.problems,
        };
        serde_json::to_writer(&mut buf.bytes, &record)?;
        buf.bytes.push(b'\n');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_written_as_the_csv_crate_writes_them() {
        let fields = [
            "",
            "plain",
            "a,b",
            "say \"hi\"",
            "\"",
            "line\nbreak",
            "cr\rhere",
            " padded ",
            "Ærø; 50%",
            "#hash",
        ];
        let mut ours = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            csv_field(&mut ours, i == 0, f);
        }
        ours.push(b'\n');
        let mut theirs = csv::Writer::from_writer(Vec::new());
        theirs.write_record(fields).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

    #[test]
    fn percents_as_the_split_module_writes_them() {
        for p in [0, 5, 50, 100, 3333, 3334, 3330, 10_000, 1] {
            let mut s = String::new();
            push_percent(&mut s, p);
            assert_eq!(s, crate::hrcs::split::format_percent(p));
        }
    }
}
