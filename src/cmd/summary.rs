//! `hrcs summary`: what a coded portfolio funds, per health category, research activity group
//! and research activity code, with the review count of each, optionally by funder or year.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde_json::{json, Value};

use super::table::table;
use crate::error::UsageError;
use crate::hrcs::{HealthCategory, ResearchActivity};
use crate::summary::{
    format_minor_units, parse_amount, parse_shares, summarise, CodedAward, Dimension, Summary,
    MICROS, MINOR_UNIT,
};

pub const ABOUT: &str =
    "Count and apportion funding per HRCS code from a coded file, with the review count of each";

pub const EXAMPLES: &str = "\
Examples:
  hrcs code awards.csv --keep -o coded.csv
  hrcs summary coded.csv --amount AwardAmount
  hrcs summary coded.csv --amount AwardAmount --by StartYear --format csv -o summary.csv
  hrcs summary coded.csv --labels nb --format markdown

Each award's amount is split by its HC percentages and, separately, by its RAC percentages, in
whole minor units (pence, øre) with the remainder going to the largest shares, so every dimension
adds up exactly to the input total. Without --amount each award counts as one and the amount
column holds award equivalents (a 50/50 award gives 0.50 to each code). Awards that were not
coded (no text) are counted under the code `none`.";

#[derive(Debug, Args)]
#[command(about = ABOUT, after_help = EXAMPLES)]
pub struct SummaryArgs {
    /// Coded file written by `hrcs code` (CSV, wide layout; `-` for standard input)
    pub coded: String,
    /// Column with each award's funding (pass it through with `hrcs code --keep`)
    #[arg(long, value_name = "COL")]
    pub amount: Option<String>,
    /// Break the summary down by the values of another column (funder, year)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// table (default on a terminal), csv (default in a pipe), markdown or json
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormat>,
    /// Names of the codes in English or Norwegian (bokmål)
    #[arg(long, value_enum, default_value_t = Labels::En)]
    pub labels: Labels,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Table,
    Csv,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Labels {
    En,
    Nb,
}

/// One row of a coded file: what the summary and the report need.
#[derive(Debug, Clone, Default)]
pub struct CodedRow {
    pub award: CodedAward,
    pub line: u64,
    pub hc_cell: String,
    pub rac_cell: String,
    pub hc_confidence: String,
    pub rac_confidence: String,
    pub reasons: String,
    pub evidence: String,
    pub title: String,
    pub text: String,
}

/// A coded file read whole.
#[derive(Debug, Clone, Default)]
pub struct CodedFile {
    pub name: String,
    pub rows: Vec<CodedRow>,
    /// Some input amount had decimals (so amounts print with two).
    pub decimals: bool,
    pub amount_column: Option<String>,
    pub by_column: Option<String>,
}

/// Reads a coded CSV: the columns `hc`, `rac` and `review` are required; `--amount` and `--by`
/// name others. Errors name the file, line and column.
pub fn read_coded(path: &str, amount: Option<&str>, by: Option<&str>) -> Result<CodedFile> {
    let name = if path == "-" { "<stdin>" } else { path }.to_string();
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("{name}: cannot open the coded file"))?
            .read_to_end(&mut bytes)
    }
    .with_context(|| format!("{name}: cannot read"))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut plain)
            .with_context(|| format!("{name}: cannot read: the gzip stream is damaged"))?;
        bytes = plain;
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(&bytes[..]);
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{name}: cannot read the header"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let find = |col: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(col));
    let need = |col: &str, hint: &str| -> Result<usize> {
        find(col).ok_or_else(|| {
            UsageError(format!(
                "{name}: no {col:?} column{hint}; the columns are: {}",
                headers.join(", ")
            ))
            .into()
        })
    };
    let coded_hint = " (is this a file written by `hrcs code` in the wide layout?)";
    let (hc_at, rac_at, review_at) = (
        need("hc", coded_hint)?,
        need("rac", coded_hint)?,
        need("review", coded_hint)?,
    );
    let keep_hint = " (pass input columns through with `hrcs code --keep`)";
    let amount_at = amount.map(|c| need(c, keep_hint)).transpose()?;
    let by_at = by.map(|c| need(c, keep_hint)).transpose()?;
    let pick = |names: &[&str]| names.iter().find_map(|n| find(n));
    let id_at = find("id");
    let title_at = pick(crate::input::TITLE_NAMES);
    let text_at = pick(crate::input::ABSTRACT_NAMES);
    let (hcc_at, racc_at, reasons_at, evidence_at) = (
        find("hc_confidence"),
        find("rac_confidence"),
        find("review_reasons"),
        find("evidence"),
    );
    let mut file = CodedFile {
        name: name.clone(),
        amount_column: amount.map(str::to_string),
        by_column: by.map(str::to_string),
        ..CodedFile::default()
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            anyhow::anyhow!("{name}:{line}: cannot read the coded file: {e}")
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let at = |col: &str| format!("{name}:{line}: column {col:?}");
        let hc_cell = cell(Some(hc_at));
        let rac_cell = cell(Some(rac_at));
        let hc = parse_shares(&hc_cell, HealthCategory::parse, "health category")
            .with_context(|| at("hc"))?;
        let rac = parse_shares(&rac_cell, ResearchActivity::parse, "research activity code")
            .with_context(|| at("rac"))?;
        let amount = match (amount_at, amount) {
            (Some(i), Some(col)) => {
                let raw = cell(Some(i));
                let units = parse_amount(&raw).with_context(|| {
                    format!(
                        "{}: {raw:?} is not an amount (digits, optional thousands separators, a \
                         decimal point, a currency sign)",
                        at(col)
                    )
                })?;
                if units % MICROS != 0 {
                    file.decimals = true;
                }
                units
            }
            _ => MICROS,
        };
        file.rows.push(CodedRow {
            award: CodedAward {
                id: cell(id_at),
                hc,
                rac,
                flagged: cell(Some(review_at)).eq_ignore_ascii_case("true"),
                amount,
                by: cell(by_at),
            },
            line,
            hc_cell,
            rac_cell,
            hc_confidence: cell(hcc_at),
            rac_confidence: cell(racc_at),
            reasons: cell(reasons_at),
            evidence: cell(evidence_at),
            title: cell(title_at),
            text: cell(text_at),
        });
    }
    // Without amounts, awards are counted in hundredths (a third of an award is 0.33). When
    // every amount is whole, totals print in whole currency units, so no table shows fractions.
    if amount.is_none() {
        file.decimals = true;
    }
    Ok(file)
}

/// The summary of the whole file, and one per value of `--by` (in sorted order).
pub fn summaries(file: &CodedFile) -> (Summary, Vec<(String, Summary)>) {
    let unit = if file.decimals { MINOR_UNIT } else { MICROS };
    let whole = summarise(file.rows.iter().map(|r| &r.award), unit);
    let mut groups: BTreeMap<&str, Vec<&CodedAward>> = BTreeMap::new();
    if file.by_column.is_some() {
        for r in &file.rows {
            groups.entry(&r.award.by).or_default().push(&r.award);
        }
    }
    let by = groups
        .into_iter()
        .map(|(k, v)| (k.to_string(), summarise(v, unit)))
        .collect();
    (whole, by)
}

pub fn run(args: SummaryArgs) -> Result<()> {
    let file = read_coded(&args.coded, args.amount.as_deref(), args.by.as_deref())?;
    let (whole, by) = summaries(&file);
    let format = args.format.unwrap_or(match args.output {
        None if std::io::stdout().is_terminal() => SummaryFormat::Table,
        _ => SummaryFormat::Csv,
    });
    let nb = args.labels == Labels::Nb;
    let text = render(&file, &whole, &by, format, nb);
    crate::output::write_whole(args.output.as_deref(), text.as_bytes())
}

/// The amount column as printed.
fn amount_text(file: &CodedFile, units: i64) -> String {
    format_minor_units(units, file.decimals)
}

/// A line's cells after the dimension: code, name, awards, flagged, amount, share.
fn cells(file: &CodedFile, l: &crate::summary::Line, nb: bool) -> Vec<String> {
    vec![
        l.code(),
        l.name(nb),
        l.awards.to_string(),
        l.flagged.to_string(),
        amount_text(file, l.amount),
        crate::hrcs::split::format_percent(l.share),
    ]
}

fn render(
    file: &CodedFile,
    whole: &Summary,
    by: &[(String, Summary)],
    format: SummaryFormat,
    nb: bool,
) -> String {
    let by_name = file.by_column.clone();
    let sets: Vec<(Option<&str>, &Summary)> = if by_name.is_some() {
        by.iter().map(|(k, s)| (Some(k.as_str()), s)).collect()
    } else {
        vec![(None, whole)]
    };
    let amount_header = if file.amount_column.is_some() {
        "amount"
    } else {
        "award_equivalents"
    };
    match format {
        SummaryFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header: Vec<String> = Vec::new();
            if let Some(b) = &by_name {
                header.push(b.clone());
            }
            for h in [
                "dimension",
                "code",
                "name",
                "awards",
                "flagged",
                "amount",
                "share_percent",
            ] {
                header.push(h.to_string());
            }
            let _ = w.write_record(&header);
            for (key, s) in &sets {
                for l in &s.lines {
                    let mut rec: Vec<String> = Vec::new();
                    if let Some(k) = key {
                        rec.push(k.to_string());
                    }
                    rec.push(l.dimension.name().to_string());
                    rec.extend(cells(file, l, nb));
                    let _ = w.write_record(&rec);
                }
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        SummaryFormat::Json => {
            let set_json = |s: &Summary| -> Value {
                let mut dims = serde_json::Map::new();
                for d in Dimension::ALL {
                    let lines: Vec<Value> = s
                        .lines
                        .iter()
                        .filter(|l| l.dimension == d)
                        .map(|l| {
                            json!({
                                "code": l.code(),
                                "name": l.name(nb),
                                "awards": l.awards,
                                "flagged": l.flagged,
                                "amount": amount_text(file, l.amount),
                                "share_percent": crate::hrcs::split::format_percent(l.share),
                            })
                        })
                        .collect();
                    dims.insert(d.name().to_string(), Value::Array(lines));
                }
                json!({
                    "awards": s.awards,
                    "flagged": s.flagged,
                    "total": amount_text(file, s.total),
                    "dimensions": dims,
                })
            };
            let mut root = json!({
                "schema": "hrcs.summary/1",
                "input": file.name,
                "amount_column": file.amount_column,
                "summary": set_json(whole),
            });
            if let Some(b) = &by_name {
                root["by_column"] = json!(b);
                root["by"] = Value::Array(
                    by.iter()
                        .map(|(k, s)| json!({"value": k, "summary": set_json(s)}))
                        .collect(),
                );
            }
            let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
            text.push('\n');
            text
        }
        SummaryFormat::Table | SummaryFormat::Markdown => {
            let md = format == SummaryFormat::Markdown;
            let mut out = String::new();
            if md {
                out.push_str(&format!("## hrcs summary: {}\n\n", file.name));
            } else {
                out.push_str(&format!("hrcs summary: {}\n", file.name));
            }
            for (key, s) in &sets {
                let head = match (key, &by_name) {
                    (Some(k), Some(b)) => format!("{b} = {k}: "),
                    _ => String::new(),
                };
                let total = match &file.amount_column {
                    Some(col) => format!("total {} ({col})", amount_text(file, s.total)),
                    None => "no amount column: award equivalents".to_string(),
                };
                let line = format!(
                    "{head}{} awards, {} flagged for review, {total}",
                    s.awards, s.flagged
                );
                if md {
                    out.push_str(&format!("{line}\n\n"));
                } else {
                    out.push_str(&format!("\n{line}\n\n"));
                }
                for d in Dimension::ALL {
                    let title = match d {
                        Dimension::Hc => "Health categories",
                        Dimension::RacGroup => "Research activity groups",
                        Dimension::Rac => "Research activity codes",
                    };
                    if md {
                        out.push_str(&format!("### {head}{title}\n\n"));
                    } else {
                        out.push_str(&format!("{title}\n"));
                    }
                    let rows: Vec<Vec<String>> = s
                        .lines
                        .iter()
                        .filter(|l| l.dimension == d && (l.awards > 0 || md))
                        .map(|l| cells(file, l, nb))
                        .collect();
                    table(
                        &mut out,
                        2,
                        &[
                            "code",
                            "name",
                            "awards",
                            "flagged",
                            amount_header,
                            "share %",
                        ],
                        &rows,
                        md,
                    );
                }
            }
            out
        }
    }
}
