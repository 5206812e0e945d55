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
use crate::estimate::{Corrected, Correction};
use crate::hrcs::{HealthCategory, ResearchActivity};
use crate::summary::{
    format_minor_units, format_tenths_nb, parse_amount, parse_shares, summarise, CodedAward,
    Dimension, Summary, MICROS, MINOR_UNIT,
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
    /// Names of the codes and headings in English, Norwegian bokmål or nynorsk
    #[arg(long, value_enum, default_value_t = Labels::En)]
    pub labels: Labels,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A review sample drawn with `hrcs sample` and hand-coded: adds corrected shares with 95%
    /// intervals (corrected_amount, corrected_share_percent, ci_low_percent, ci_high_percent)
    #[arg(long, value_name = "SAMPLE")]
    pub checked: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormat {
    Table,
    Csv,
    Markdown,
    Json,
}

pub use crate::hrcs::Labels;

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
    use crate::input::columns::{detect, Role};
    let id_at = find("id");
    let title_at = detect(&headers, Role::Title);
    let text_at = detect(&headers, Role::Abstract);
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

/// The corrected figures from a hand-checked review sample (`--checked`), and the sample's size
/// per `--by` group.
pub struct Checked {
    pub correction: Correction,
    /// Checked awards per value of the `--by` column.
    pub per_group: BTreeMap<String, usize>,
    /// Corrected figures per value of the `--by` column, when the sample was stratified by that
    /// column (`hrcs sample --by`): each group is then a union of strata, a population of its own
    /// with its own checked sample (Cochran 1977, §5A.14), and the same estimator applies to it.
    /// Empty otherwise: a group that is not a stratum may have few or no checked awards.
    pub groups: BTreeMap<String, Correction>,
}

/// Reads a hand-checked sample of `file` and corrects its figures.
pub fn checked(file: &CodedFile, sample: Option<&str>) -> Result<Option<Checked>> {
    let Some(path) = sample else {
        return Ok(None);
    };
    let ids: Vec<&str> = file.rows.iter().map(|r| r.award.id.trim()).collect();
    let rows = crate::estimate::read_checked(path, &ids)?;
    let awards: Vec<CodedAward> = file.rows.iter().map(|r| r.award.clone()).collect();
    let mut per_group = BTreeMap::new();
    for r in &rows {
        *per_group.entry(awards[r.award].by.clone()).or_insert(0) += 1;
    }
    let unit = if file.decimals { MINOR_UNIT } else { MICROS };
    let correction = crate::estimate::correct(&awards, &rows, unit)?;
    let groups = if file.by_column.is_some() {
        group_corrections(&awards, &rows, unit)?
    } else {
        BTreeMap::new()
    };
    Ok(Some(Checked {
        correction,
        per_group,
        groups,
    }))
}

/// The corrections of every `--by` group, when each checked award's stratum is one of its own
/// group's (`group/band`, as `hrcs sample --by` names them) and every group has checked awards;
/// none otherwise.
fn group_corrections(
    awards: &[CodedAward],
    rows: &[crate::estimate::Checked],
    unit: i64,
) -> Result<BTreeMap<String, Correction>> {
    let stratified = rows.iter().all(|r| {
        let group = &awards[r.award].by;
        r.stratum
            .strip_prefix(group.as_str())
            .is_some_and(|rest| rest.starts_with('/'))
    });
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, a) in awards.iter().enumerate() {
        members.entry(a.by.as_str()).or_default().push(i);
    }
    let sampled = |g: &str| rows.iter().any(|r| awards[r.award].by == g);
    if !stratified || !members.keys().all(|g| sampled(g)) {
        return Ok(BTreeMap::new());
    }
    let mut out = BTreeMap::new();
    for (group, indices) in members {
        let position: BTreeMap<usize, usize> =
            indices.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let group_awards: Vec<CodedAward> = indices.iter().map(|&i| awards[i].clone()).collect();
        let group_rows: Vec<crate::estimate::Checked> = rows
            .iter()
            .filter_map(|r| {
                position.get(&r.award).map(|&k| crate::estimate::Checked {
                    award: k,
                    ..r.clone()
                })
            })
            .collect();
        let c = crate::estimate::correct(&group_awards, &group_rows, unit)?;
        out.insert(group.to_string(), c);
    }
    Ok(out)
}

pub fn run(args: SummaryArgs) -> Result<()> {
    let file = read_coded(&args.coded, args.amount.as_deref(), args.by.as_deref())?;
    let checked = checked(&file, args.checked.as_deref())?;
    let (whole, by) = summaries(&file);
    let format = args.format.unwrap_or(match args.output {
        None if std::io::stdout().is_terminal() => SummaryFormat::Table,
        _ => SummaryFormat::Csv,
    });
    let text = render(&file, &whole, &by, format, args.labels, checked.as_ref());
    crate::output::write_whole(args.output.as_deref(), text.as_bytes())
}

/// The amount column as printed.
fn amount_text(file: &CodedFile, units: i64) -> String {
    format_minor_units(units, file.decimals)
}

/// The columns `--checked` adds to each code's row (a stable contract: scripts read them).
pub const CORRECTED_COLUMNS: [&str; 4] = [
    "corrected_amount",
    "corrected_share_percent",
    "ci_low_percent",
    "ci_high_percent",
];

/// A line's corrected cells (empty for a `--by` group whose sample was not stratified by it).
fn corrected_cells(file: &CodedFile, c: Option<&Corrected>) -> Vec<String> {
    match c {
        Some(c) => vec![
            amount_text(file, c.amount),
            format!("{:.2}", c.share),
            format!("{:.2}", c.low),
            format!("{:.2}", c.high),
        ],
        None => vec![String::new(); 4],
    }
}

/// The correction of a line of a set: the whole file's, or a `--by` group's when the sample was
/// stratified by the same column.
fn correction_of<'a>(
    checked: Option<&'a Checked>,
    key: Option<&str>,
    l: &crate::summary::Line,
) -> Option<&'a Corrected> {
    let c = checked?;
    match key {
        None => c.correction.get(l.dimension, l.index),
        Some(k) => c.groups.get(k)?.get(l.dimension, l.index),
    }
}

/// A line's cells after the dimension: code, name, awards, flagged, amount, share.
fn cells(file: &CodedFile, l: &crate::summary::Line, nb: Labels) -> Vec<String> {
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
    nb: Labels,
    checked: Option<&Checked>,
) -> String {
    let by_name = file.by_column.clone();
    let words = crate::estimate::words(nb.norwegian());
    let note = match checked {
        Some(c) if by_name.is_some() && c.groups.is_empty() => {
            format!(
                "{} {}",
                words.corrected_from(&c.correction),
                words.whole_file_only
            )
        }
        Some(c) => words.corrected_from(&c.correction),
        None => words.uncorrected.to_string(),
    };
    let sets: Vec<(Option<&str>, &Summary)> = if by_name.is_some() {
        by.iter().map(|(k, s)| (Some(k.as_str()), s)).collect()
    } else {
        vec![(None, whole)]
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
            if checked.is_some() {
                header.extend(CORRECTED_COLUMNS.map(String::from));
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
                    if checked.is_some() {
                        rec.extend(corrected_cells(file, correction_of(checked, *key, l)));
                    }
                    let _ = w.write_record(&rec);
                }
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        SummaryFormat::Json => {
            let set_json = |s: &Summary, key: Option<&str>| -> Value {
                let mut dims = serde_json::Map::new();
                for d in Dimension::ALL {
                    let lines: Vec<Value> = s
                        .lines
                        .iter()
                        .filter(|l| l.dimension == d)
                        .map(|l| {
                            let mut v = json!({
                                "code": l.code(),
                                "name": l.name(nb),
                                "awards": l.awards,
                                "flagged": l.flagged,
                                "amount": amount_text(file, l.amount),
                                "share_percent": crate::hrcs::split::format_percent(l.share),
                            });
                            if let Some(c) = correction_of(checked, key, l) {
                                for (k, cell) in
                                    CORRECTED_COLUMNS.iter().zip(corrected_cells(file, Some(c)))
                                {
                                    v[*k] = json!(cell);
                                }
                            }
                            v
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
                "summary": set_json(whole, None),
                "corrected": checked.is_some(),
                "note": note,
            });
            if let Some(c) = checked {
                root["checked"] = json!({
                    "awards": c.correction.checked,
                    "strata": c.correction.strata,
                    "per_group": c.per_group,
                });
            }
            if let Some(b) = &by_name {
                root["by_column"] = json!(b);
                root["by"] = Value::Array(
                    by.iter()
                        .map(|(k, s)| json!({"value": k, "summary": set_json(s, Some(k))}))
                        .collect(),
                );
            }
            let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
            text.push('\n');
            text
        }
        SummaryFormat::Table | SummaryFormat::Markdown => text_tables(
            file,
            &sets,
            whole,
            by,
            by_name.as_deref(),
            format,
            nb,
            checked,
            &note,
        ),
    }
}

/// The corrected columns of a table or Markdown summary.
const INTERVAL_HEADER: [&str; 3] = ["corrected", "corrected %", "95% interval %"];

fn interval_cells(file: &CodedFile, c: &Corrected) -> Vec<String> {
    vec![
        amount_text(file, c.amount),
        format!("{:.2}", c.share),
        format!("{:.2}-{:.2}", c.low, c.high),
    ]
}

/// The corrected figures of the whole file, for a summary broken down `--by` a column.
fn corrected_tables(
    file: &CodedFile,
    whole: &Summary,
    c: &Checked,
    nb: Labels,
    md: bool,
) -> String {
    let mut out = String::new();
    for d in Dimension::ALL {
        let rows: Vec<Vec<String>> = whole
            .lines
            .iter()
            .filter(|l| l.dimension == d && l.awards > 0)
            .filter_map(|l| {
                let k = c.correction.get(l.dimension, l.index)?;
                let mut r = vec![
                    l.code(),
                    l.name(nb),
                    crate::hrcs::split::format_percent(l.share),
                ];
                r.extend(interval_cells(file, k));
                Some(r)
            })
            .collect();
        if md {
            out.push_str(&format!("### {} (all awards)\n\n", d.name()));
        } else {
            out.push_str(&format!("\n{} (all awards)\n", d.name()));
        }
        let mut header = vec!["code", "name", "share %"];
        header.extend(INTERVAL_HEADER);
        table(&mut out, 2, &header, &rows, md);
    }
    out
}

/// Per `--by` group: awards coded, flagged, and checked in the sample, so a reader sees where the
/// figures rest on little checked evidence.
fn representativity(
    c: &Checked,
    by: &[(String, Summary)],
    column: &str,
    labels: Labels,
    md: bool,
) -> String {
    let ew = crate::estimate::words(labels.norwegian());
    let w = words(labels);
    let mut out = String::new();
    if md {
        out.push_str(&format!("### {} ({column})\n\n", ew.representativity));
    } else {
        out.push_str(&format!("\n{} ({column})\n", ew.representativity));
    }
    let rows: Vec<Vec<String>> = by
        .iter()
        .map(|(k, s)| {
            let n = c.per_group.get(k).copied().unwrap_or(0);
            let percent = format!("{:.1}", 100.0 * n as f64 / s.awards.max(1) as f64);
            vec![
                k.clone(),
                s.awards.to_string(),
                s.flagged.to_string(),
                n.to_string(),
                labels.decimal_mark(percent),
            ]
        })
        .collect();
    let [_, _, awards, flagged] = w.head;
    let [checked, checked_percent] = ew.checked;
    table(
        &mut out,
        1,
        &[column, awards, flagged, checked, checked_percent],
        &rows,
        md,
    );
    out
}

/// The words of the text and Markdown summary in one language.
struct Words {
    summary: &'static str,
    awards: &'static str,
    flagged: &'static str,
    total: &'static str,
    no_amount: &'static str,
    titles: [&'static str; 3],
    head: [&'static str; 4],
    amount: &'static str,
    equivalents: &'static str,
    share: &'static str,
}

fn words(labels: Labels) -> Words {
    let nynorsk = labels == Labels::Nn;
    match labels {
        Labels::En => Words {
            summary: "hrcs summary",
            awards: "awards",
            flagged: "flagged for review",
            total: "total",
            no_amount: "no amount column: award equivalents",
            titles: [
                "Health categories",
                "Research activity groups",
                "Research activity codes",
            ],
            head: ["code", "name", "awards", "flagged"],
            amount: "amount",
            equivalents: "award_equivalents",
            share: "share %",
        },
        _ => Words {
            summary: "hrcs-sammendrag",
            awards: if nynorsk { "prosjekt" } else { "prosjekter" },
            flagged: if nynorsk {
                "merkte for gjennomgang"
            } else {
                "merket for gjennomgang"
            },
            total: if nynorsk { "samla" } else { "samlet" },
            no_amount: if nynorsk {
                "ingen beløpskolonne: prosjektekvivalentar"
            } else {
                "ingen beløpskolonne: prosjektekvivalenter"
            },
            titles: if nynorsk {
                [
                    "Helsekategoriar",
                    "Forskingsaktivitetsgrupper",
                    "Forskingsaktivitetskodar",
                ]
            } else {
                [
                    "Helsekategorier",
                    "Forskningsaktivitetsgrupper",
                    "Forskningsaktivitetskoder",
                ]
            },
            head: if nynorsk {
                ["kode", "namn", "prosjekt", "merkte"]
            } else {
                ["kode", "navn", "prosjekter", "merket"]
            },
            amount: "beløp",
            equivalents: if nynorsk {
                "prosjektekvivalentar"
            } else {
                "prosjektekvivalenter"
            },
            share: if nynorsk { "del %" } else { "andel %" },
        },
    }
}

/// The text table or Markdown summary. In Norwegian it opens with the regional health
/// authorities' own table (share of funding and millions per research activity group) and
/// writes numbers with a decimal comma.
#[allow(clippy::too_many_arguments)]
fn text_tables(
    file: &CodedFile,
    sets: &[(Option<&str>, &Summary)],
    whole: &Summary,
    by: &[(String, Summary)],
    by_name: Option<&str>,
    format: SummaryFormat,
    labels: Labels,
    checked: Option<&Checked>,
    note: &str,
) -> String {
    let w = words(labels);
    let md = format == SummaryFormat::Markdown;
    // Amounts and shares (the last two cells) with a decimal comma in Norwegian.
    let num = |(i, t): (usize, String)| if i >= 4 { labels.decimal_mark(t) } else { t };
    let amount_header = if file.amount_column.is_some() {
        w.amount
    } else {
        w.equivalents
    };
    let mut out = String::new();
    if md {
        out.push_str(&format!("## {}: {}\n\n", w.summary, file.name));
    } else {
        out.push_str(&format!("{}: {}\n", w.summary, file.name));
    }
    out.push_str(&format!("{note}\n{}", if md { "\n" } else { "" }));
    if let (Some(c), Some(b)) = (checked, by_name) {
        out.push_str(&representativity(c, by, b, labels, md));
        // The whole file's corrections, once; per group too when the sample was stratified by
        // the same column.
        out.push_str(&corrected_tables(file, whole, c, labels, md));
    }
    let no_group_corrections = checked.is_none_or(|c| c.groups.is_empty());
    for (key, s) in sets {
        let head = match (key, by_name) {
            (Some(k), Some(b)) => format!("{b} = {k}: "),
            _ => String::new(),
        };
        let total = match &file.amount_column {
            Some(col) => format!(
                "{} {} ({col})",
                w.total,
                num((4, amount_text(file, s.total)))
            ),
            None => w.no_amount.to_string(),
        };
        let line = format!(
            "{head}{} {}, {} {}, {total}",
            s.awards, w.awards, s.flagged, w.flagged
        );
        if md {
            out.push_str(&format!("{line}\n\n"));
        } else {
            out.push_str(&format!("\n{line}\n\n"));
        }
        if labels.norwegian() {
            funders_table(&mut out, file, s, &head, md, labels);
        }
        for (d, title) in Dimension::ALL.into_iter().zip(w.titles) {
            if md {
                out.push_str(&format!("### {head}{title}\n\n"));
            } else {
                out.push_str(&format!("{title}\n"));
            }
            let corrected = checked.is_some() && (key.is_none() || !no_group_corrections);
            let rows: Vec<Vec<String>> = s
                .lines
                .iter()
                .filter(|l| l.dimension == d && (l.awards > 0 || md))
                .map(|l| {
                    let mut r: Vec<String> = cells(file, l, labels)
                        .into_iter()
                        .enumerate()
                        .map(num)
                        .collect();
                    if let Some(c) = correction_of(checked, *key, l).filter(|_| corrected) {
                        r.extend(interval_cells(file, c));
                    }
                    r
                })
                .collect();
            let [c, n, a, f] = w.head;
            let mut header = vec![c, n, a, f, amount_header, w.share];
            if corrected {
                header.extend(INTERVAL_HEADER);
            }
            table(&mut out, 2, &header, &rows, md);
        }
    }
    out
}

/// "4. Påvising, screening og diagnose  20,0 %  214,7": per research activity group, the share
/// of the funding and the amount in millions, then the total, as the regional health
/// authorities publish it.
fn funders_table(
    out: &mut String,
    file: &CodedFile,
    s: &Summary,
    head: &str,
    md: bool,
    labels: Labels,
) {
    let g = crate::summary::group_table(s, file.decimals);
    let money = file.amount_column.is_some();
    let nynorsk = labels == Labels::Nn;
    let title = match (money, nynorsk) {
        (true, false) => "Andel av finansieringen per forskningsaktivitetsgruppe",
        (true, true) => "Del av finansieringa per forskingsaktivitetsgruppe",
        (false, false) => "Andel av prosjektene per forskningsaktivitetsgruppe",
        (false, true) => "Del av prosjekta per forskingsaktivitetsgruppe",
    };
    if md {
        out.push_str(&format!("### {head}{title}\n\n"));
    } else {
        out.push_str(&format!("{title}\n"));
    }
    let percent = |p: i64| format!("{} %", format_tenths_nb(p));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (l, p, m) in &g.lines {
        let name = match l.index {
            Some(_) => format!("{}. {}", l.code(), l.name(labels)),
            None => l.name(labels),
        };
        let mut row = vec![name, percent(*p)];
        if money {
            row.push(format_tenths_nb(*m));
        }
        rows.push(row);
    }
    let mut total = vec![
        "Totalt".to_string(),
        percent(if g.lines.is_empty() { 0 } else { 1000 }),
    ];
    if money {
        total.push(format_tenths_nb(g.total));
    }
    rows.push(total);
    let group = if nynorsk {
        "forskingsaktivitetsgruppe"
    } else {
        "forskningsaktivitetsgruppe"
    };
    let share = if nynorsk { "del" } else { "andel" };
    let mut header = vec![group, share];
    if money {
        header.push("mill.");
    }
    table(out, 2, &header, &rows, md);
}
