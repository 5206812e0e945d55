//! Reading human (gold) coding: UKHRA-style `HC_1`..`HC_5`/`RA_1`..`RA_4` columns with
//! percentages, coded files as `hrcs code` writes them, NIHR-style lists (`Mental Health, Stroke`,
//! `6.1 Pharmaceuticals/7.3 …`) in named columns, and single labels mapped to categories.
//!
//! Gold that cannot be scored is refused, naming the file, line and column: an id given twice
//! (in the gold or in the predictions) and percentages that do not add up to 100 (Excel percent
//! cells holding 0.5 for 50 %, or 130 in all). With [`GoldOptions::skip_bad`] such rows are left
//! out and counted instead. The reader takes its own options, not a subcommand's arguments, so
//! `hrcs eval`, `hrcs summary --checked` and the simulation share it.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::coding::Reason;
use crate::error::UsageError;
use crate::eval::{LabelMap, Shares};
use crate::hrcs::{HealthCategory, ResearchActivity};
use crate::input::{Award, Input, RawRow};
use crate::output::{parse_codes, parse_percent};

/// How to read a gold file.
#[derive(Debug, Clone, Default)]
pub struct GoldOptions {
    /// Single-label gold: the label mapping (inline or a file), see [`parse_label_map`].
    pub labels: Option<String>,
    /// Single-label gold: the label column.
    pub label_column: Option<String>,
    /// A column holding a list of health categories (`Mental Health, Stroke`).
    pub gold_hc: Option<String>,
    /// A column holding a list of research activity codes (`6.1 Pharmaceuticals/7.3`).
    pub gold_rac: Option<String>,
    /// A column with each award's funding.
    pub amount: Option<String>,
    /// Leave out (and count) rows that cannot be scored instead of failing.
    pub skip_bad: bool,
}

/// A gold row, by dimension.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    pub hc: Shares,
    pub rac: Option<Shares>,
    /// Single-label gold: the classes of the row's labels (a cell may hold several).
    pub classes: Vec<usize>,
    /// Funding of the award (`amount`), 0 without it.
    pub amount: f64,
}

impl Gold {
    /// True if the row carries no gold coding at all.
    pub fn is_empty(&self) -> bool {
        self.hc.is_empty() && self.classes.is_empty()
    }
}

/// A predicted row.
#[derive(Debug, Clone, Default)]
pub struct Pred {
    pub hc: Shares,
    pub rac: Shares,
    pub confidence: Option<f64>,
    pub no_text: bool,
    /// Review reason tokens (empty: not flagged); `None` without a review_reasons column.
    pub reasons: Option<Vec<String>>,
}

/// The layout of a gold file.
#[derive(Debug, Clone)]
pub enum GoldFormat {
    Ukhra {
        hc: Vec<(usize, Option<usize>)>,
        rac: Vec<(usize, Option<usize>)>,
    },
    Coded {
        hc: usize,
        rac: Option<usize>,
    },
    /// Lists of codes in named columns (`--gold-hc`, `--gold-rac`).
    Lists {
        hc: usize,
        rac: Option<usize>,
    },
    Label {
        column: usize,
        map: LabelMap,
    },
}

impl GoldFormat {
    pub fn name(&self) -> &'static str {
        match self {
            GoldFormat::Ukhra { .. } => "ukhra",
            GoldFormat::Coded { .. } => "coded",
            GoldFormat::Lists { .. } => "lists",
            GoldFormat::Label { .. } => "label",
        }
    }
    pub fn label_map(&self) -> Option<&LabelMap> {
        match self {
            GoldFormat::Label { map, .. } => Some(map),
            _ => None,
        }
    }
}

/// One award of a gold file with its gold coding.
pub struct GoldRow {
    pub award: Award,
    pub gold: Gold,
}

/// A gold file read whole.
pub struct GoldFile {
    pub name: String,
    pub format: GoldFormat,
    pub rows: Vec<GoldRow>,
    /// Rows left out because their gold cannot be scored (only with `skip_bad`).
    pub skipped: usize,
    /// What was wrong with them, one message per row or repeated id.
    pub problems: Vec<String>,
}

/// The position of a column, compared case-insensitively.
pub fn header_at(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
}

fn column(headers: &[String], name: &str, what: &str, file: &str) -> Result<usize> {
    header_at(headers, name).ok_or_else(|| {
        UsageError(format!(
            "{file}: no {what} column named {name:?}; the columns are: {}",
            headers.join(", ")
        ))
        .into()
    })
}

/// Parses one mapping category list: `Cancer`, `Neuro|Stroke`, `none` or empty.
fn parse_categories(cats: &str, label: &str) -> Result<Vec<usize>> {
    let cats = cats.trim();
    if cats.is_empty() || cats.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    cats.split('|')
        .map(|c| {
            HealthCategory::parse(c).map(|h| h.index()).ok_or_else(|| {
                UsageError(format!(
                    "--labels: label {label:?}: {:?} is not an HRCS health category",
                    c.trim()
                ))
                .into()
            })
        })
        .collect()
}

/// Parses --labels: a file (two columns, label and category) or an inline mapping.
pub fn parse_label_map(spec: &str) -> Result<LabelMap> {
    let mut labels: Vec<(String, Vec<usize>)> = Vec::new();
    let mut add = |label: &str, cats: &str| -> Result<()> {
        let label = label.trim();
        if label.is_empty() {
            return Ok(());
        }
        let cats = parse_categories(cats, label)?;
        if labels.iter().any(|(l, _)| l.eq_ignore_ascii_case(label)) {
            bail!(UsageError(format!(
                "--labels: label {label:?} is mapped twice"
            )));
        }
        labels.push((label.to_string(), cats));
        Ok(())
    };
    let path = Path::new(spec);
    if path.is_file() {
        let tsv = spec.ends_with(".tsv") || spec.ends_with(".tab");
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(if tsv { b'\t' } else { b',' })
            .from_path(path)
            .with_context(|| format!("{spec}: cannot read the label mapping"))?;
        for (i, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| format!("{spec}: cannot read the label mapping"))?;
            let label = rec.get(0).unwrap_or("");
            let cat = rec.get(1).unwrap_or("");
            // A header line such as label,category is skipped.
            if i == 0
                && HealthCategory::parse(cat).is_none()
                && cat.eq_ignore_ascii_case("category")
            {
                continue;
            }
            add(label, cat)?;
        }
    } else if spec.contains('=') {
        for part in spec.split(',') {
            if part.trim().is_empty() {
                continue;
            }
            let (label, cats) = part
                .split_once('=')
                .ok_or_else(|| UsageError(format!("--labels: {part:?} is not LABEL=CATEGORY")))?;
            add(label, cats)?;
        }
    } else {
        bail!(UsageError(format!(
            "--labels {spec:?}: not a file and not an inline mapping like 'neoplasms=Cancer,other=none'"
        )));
    }
    if labels.is_empty() {
        bail!(UsageError("--labels: the mapping is empty".into()));
    }
    Ok(LabelMap { labels })
}

/// Equal split when no percentages were given: the HRCS split (thirds 33.34/33.33/33.33), so
/// the shares sum to exactly 100. Gold files list at most five codes per dimension.
fn fill_equal(shares: &mut Shares) {
    if (1..=5).contains(&shares.len()) {
        let parts = crate::hrcs::split::equal(shares.len());
        for (s, p) in shares.iter_mut().zip(parts) {
            s.1 = p;
        }
    }
}

/// Percentages people write add up to 100 give or take rounding (33/33/33, 33.3 ×3); beyond one
/// point either way the cells hold something else (0.5 for 50 %, or a typo).
const SUM_SLACK: u32 = 100;

/// Checks and normalises one dimension's percentages: all given and adding up to 100 (then
/// rescaled to exactly 100), or none given (then the HRCS equal split). The error says what is
/// wrong; the caller names the place.
fn settle(shares: &mut Shares, given: usize) -> Result<(), String> {
    if shares.is_empty() {
        return Ok(());
    }
    if given == 0 {
        fill_equal(shares);
        return Ok(());
    }
    if given < shares.len() {
        return Err(format!(
            "percentages are given for {given} of {} codes; give all or none",
            shares.len()
        ));
    }
    let sum: u32 = shares.iter().map(|s| s.1).sum();
    if sum.abs_diff(10_000) > SUM_SLACK {
        return Err(format!(
            "percentages add up to {}, not 100{}",
            crate::hrcs::split::format_percent(sum),
            if sum <= 100 {
                " (fractions such as 0.5 for 50 %? write 50)"
            } else {
                ""
            }
        ));
    }
    let weights: Vec<i64> = shares.iter().map(|s| s.1 as i64).collect();
    for (s, p) in shares
        .iter_mut()
        .zip(crate::summary::apportion(10_000, &weights))
    {
        s.1 = p as u32;
    }
    Ok(())
}

/// Parses `Cancer:50;Oral:50` (our output format); with `lists`, also `,`, `/` and `|` separate
/// codes (NIHR's `Mental Health, Stroke`, `6.1 Pharmaceuticals/7.3`).
fn parse_list(
    field: &str,
    parse: &dyn Fn(&str) -> Option<usize>,
    lists: bool,
    what: &str,
) -> Result<Shares, String> {
    let field = if lists {
        field.replace([',', '/', '|'], ";")
    } else {
        field.to_string()
    };
    let parsed = parse_codes(&field, parse).map_err(|v| format!("{v} is not an HRCS {what}"))?;
    let given = parsed.iter().filter(|(_, p)| p.is_some()).count();
    let mut out: Shares = parsed
        .into_iter()
        .map(|(c, p)| (c, p.unwrap_or(0)))
        .collect();
    settle(&mut out, given)?;
    Ok(out)
}

pub fn hc_index(s: &str) -> Option<usize> {
    HealthCategory::parse(s).map(|h| h.index())
}

pub fn rac_index(s: &str) -> Option<usize> {
    ResearchActivity::parse(s).map(|r| r.index())
}

/// Detects the gold layout from the header and the options.
pub fn detect_format(opts: &GoldOptions, headers: &[String], name: &str) -> Result<GoldFormat> {
    if let Some(spec) = &opts.labels {
        let map = parse_label_map(spec)?;
        let column = match &opts.label_column {
            Some(c) => self::column(headers, c, "label", name)?,
            None => header_at(headers, "label_name")
                .or_else(|| header_at(headers, "label"))
                .ok_or_else(|| {
                    UsageError(format!(
                        "{name}: no label_name or label column; name it with --label-column. The columns are: {}",
                        headers.join(", ")
                    ))
                })?,
        };
        return Ok(GoldFormat::Label { column, map });
    }
    match (&opts.gold_hc, &opts.gold_rac) {
        (Some(hc), rac) => {
            return Ok(GoldFormat::Lists {
                hc: column(headers, hc, "--gold-hc", name)?,
                rac: rac
                    .as_ref()
                    .map(|r| column(headers, r, "--gold-rac", name))
                    .transpose()?,
            })
        }
        (None, Some(_)) => bail!(UsageError(
            "--gold-rac needs --gold-hc too: eval scores health categories first".into()
        )),
        (None, None) => {}
    }
    if header_at(headers, "HC_1").is_some() {
        let pairs = |prefix: &str, n: usize| -> Vec<(usize, Option<usize>)> {
            (1..=n)
                .filter_map(|i| {
                    let code = header_at(headers, &format!("{prefix}_{i}"))?;
                    Some((code, header_at(headers, &format!("{prefix}_{i}%"))))
                })
                .collect()
        };
        return Ok(GoldFormat::Ukhra {
            hc: pairs("HC", 5),
            rac: pairs("RA", 4),
        });
    }
    if let Some(hc) = header_at(headers, "hc") {
        return Ok(GoldFormat::Coded {
            hc,
            rac: header_at(headers, "rac"),
        });
    }
    bail!(UsageError(format!(
        "{name}: cannot tell the gold format: expected HC_1..HC_5 and RA_1..RA_4 (UKHRA), hc and rac \
         (hrcs code output), lists named with --gold-hc/--gold-rac, or a label column with --labels. \
         The columns are: {}",
        headers.join(", ")
    )))
}

/// Reads a funding amount, as `hrcs summary` does (`crate::summary::parse_minor_units`).
fn parse_amount(cell: &str) -> Option<f64> {
    crate::summary::parse_minor_units(cell).map(|units| units as f64 / 100.0)
}

/// Reads UKHRA pairs of code and percent columns. The error is `(column, message)`: the column
/// at fault, or `None` when the percentages as a whole are.
fn read_pairs(
    cols: &[(usize, Option<usize>)],
    cell: &dyn Fn(usize) -> String,
    parse: &dyn Fn(&str) -> Option<usize>,
    what: &str,
) -> Result<Shares, (Option<usize>, String)> {
    let mut out = Shares::new();
    let mut given = 0;
    for &(c, p) in cols {
        let v = cell(c);
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let code = parse(v).ok_or_else(|| (Some(c), format!("{v:?} is not an HRCS {what}")))?;
        let pct_cell = p.map(cell).unwrap_or_default();
        let pct = parse_percent(&pct_cell);
        if pct.is_none() && !pct_cell.trim().is_empty() {
            return Err((p, format!("percent {:?} is not a number", pct_cell.trim())));
        }
        given += usize::from(pct.is_some());
        out.push((code, pct.unwrap_or(0)));
    }
    settle(&mut out, given).map_err(|e| (None, e))?;
    Ok(out)
}

/// The gold coding of one row. The error is `(column, message)`.
pub fn gold_of(
    format: &GoldFormat,
    headers: &[String],
    kept: &[String],
) -> Result<Gold, (String, String)> {
    let cell = |i: usize| kept.get(i).cloned().unwrap_or_default();
    let col = |i: usize| headers.get(i).cloned().unwrap_or_default();
    // A bad cell is named; bad percentages name the dimension's percent columns.
    let span = |cols: &[(usize, Option<usize>)], at: Option<usize>| match at {
        Some(i) => col(i),
        None => {
            let pcts: Vec<String> = cols.iter().filter_map(|c| c.1.map(col)).collect();
            match (pcts.first(), pcts.last()) {
                (Some(a), Some(b)) if a != b => format!("{a}..{b}"),
                (Some(a), _) => a.clone(),
                _ => String::new(),
            }
        }
    };
    let mut gold = Gold::default();
    match format {
        GoldFormat::Ukhra { hc, rac } => {
            gold.hc = read_pairs(hc, &cell, &hc_index, "health category")
                .map_err(|(at, e)| (span(hc, at), e))?;
            gold.rac = Some(
                read_pairs(rac, &cell, &rac_index, "research activity")
                    .map_err(|(at, e)| (span(rac, at), e))?,
            );
        }
        GoldFormat::Coded { hc, rac } | GoldFormat::Lists { hc, rac } => {
            let lists = matches!(format, GoldFormat::Lists { .. });
            gold.hc = parse_list(&cell(*hc), &hc_index, lists, "health category")
                .map_err(|e| (col(*hc), e))?;
            if let Some(r) = rac {
                gold.rac = Some(
                    parse_list(&cell(*r), &rac_index, lists, "research activity")
                        .map_err(|e| (col(*r), e))?,
                );
            }
        }
        GoldFormat::Label { column, map } => {
            let v = cell(*column);
            // The whole cell first (a label may hold a comma), then a list of labels.
            let parts: Vec<&str> = if v.trim().is_empty() || map.class_of(&v).is_some() {
                vec![v.as_str()]
            } else {
                v.split([';', '|', ',']).collect()
            };
            for part in parts.into_iter().filter(|p| !p.trim().is_empty()) {
                let class = map.class_of(part).ok_or_else(|| {
                    let known: Vec<&str> = map.labels.iter().map(|(l, _)| l.as_str()).collect();
                    (
                        col(*column),
                        format!(
                            "label {:?} is not in the --labels mapping ({})",
                            part.trim(),
                            known.join(", ")
                        ),
                    )
                })?;
                if !gold.classes.contains(&class) {
                    gold.classes.push(class);
                }
            }
        }
    }
    Ok(gold)
}

/// Finds ids given more than once: `(id, lines)` for each, in first-seen order.
fn repeated_ids<'a>(ids: impl Iterator<Item = (&'a str, u64)>) -> Vec<(String, Vec<u64>)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut all: Vec<(String, Vec<u64>)> = Vec::new();
    for (id, line) in ids {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        match seen.get(id) {
            Some(&i) => all[i].1.push(line),
            None => {
                seen.insert(id, all.len());
                all.push((id.to_string(), vec![line]));
            }
        }
    }
    all.retain(|(_, lines)| lines.len() > 1);
    all
}

fn lines_text(lines: &[u64]) -> String {
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fails with up to 20 problems, or returns them when they may be skipped.
fn refuse(name: &str, problems: Vec<String>, skip_bad: bool, hint: &str) -> Result<Vec<String>> {
    if problems.is_empty() || skip_bad {
        return Ok(problems);
    }
    let shown: Vec<&str> = problems.iter().take(20).map(|s| s.as_str()).collect();
    bail!(
        "{name}: {} row(s) cannot be scored:\n  {}{}\n{hint}",
        problems.len(),
        shown.join("\n  "),
        if problems.len() > shown.len() {
            "\n  ..."
        } else {
            ""
        }
    )
}

const SKIP_HINT: &str =
    "Fix the rows, or pass --skip-bad-gold to leave them out (they are counted in the report).";

/// Reads every row of an opened gold file, checking percentages and repeated ids.
pub fn read_gold(input: &mut Input, name: &str, opts: &GoldOptions) -> Result<GoldFile> {
    let format = detect_format(opts, &input.headers, name)?;
    let amount_col = opts
        .amount
        .as_ref()
        .map(|c| column(&input.headers, c, "amount", name))
        .transpose()?;
    let mut raw = RawRow::default();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    while let Some(award) = input.next_award(&mut raw)? {
        let mut gold = match gold_of(&format, &input.headers, &award.kept) {
            Ok(g) => g,
            Err((col, msg)) => {
                problems.push(format!("{name}:{}: column {col}: {msg}", award.line));
                continue;
            }
        };
        if let Some(col) = amount_col {
            let cell = award.kept.get(col).map(|s| s.as_str()).unwrap_or("");
            gold.amount = parse_amount(cell).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}:{}: column {}: amount {cell:?} is not a number; give amounts as numbers such as 1500000, 1,500,000 or £1,500,000",
                    award.line,
                    input.headers[col]
                )
            })?;
        }
        rows.push(GoldRow { award, gold });
    }
    let unreadable = problems.len();
    let repeats = repeated_ids(rows.iter().map(|r| (r.award.id.as_str(), r.award.line)));
    for (id, lines) in &repeats {
        problems.push(format!(
            "{name}: id {id:?} is given {} times, at lines {}",
            lines.len(),
            lines_text(lines)
        ));
    }
    let problems = refuse(name, problems, opts.skip_bad, SKIP_HINT)?;
    let before = rows.len();
    // Which of the repeated rows is right cannot be told, so all of them are left out.
    rows.retain(|r| !repeats.iter().any(|(id, _)| id == r.award.id.trim()));
    let skipped = unreadable + before - rows.len();
    Ok(GoldFile {
        name: name.to_string(),
        format,
        rows,
        skipped,
        problems,
    })
}

/// Predictions read from a coded file: id -> prediction, and the ids left out because they
/// repeat (only with `skip_bad`).
pub struct Preds {
    pub by_id: HashMap<String, Pred>,
    pub repeated: Vec<String>,
}

/// Reads a file written by hrcs code: id -> prediction. Repeated ids are an error naming their
/// lines (or, with `skip_bad`, left out and returned).
pub fn read_pred(path: &Path, skip_bad: bool) -> Result<Preds> {
    let name = path.display().to_string();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("{name}: cannot read the predictions"))?;
    let headers: Vec<String> = r
        .headers()
        .with_context(|| format!("{name}: cannot read the predictions"))?
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').to_string())
        .collect();
    let need = |c: &str| -> Result<usize> {
        header_at(&headers, c).ok_or_else(|| {
            UsageError(format!(
                "{name}: no {c} column (expected the output of hrcs code); the columns are: {}",
                headers.join(", ")
            ))
            .into()
        })
    };
    let (id_at, hc_at, rac_at) = (need("id")?, need("hc")?, need("rac")?);
    let conf_at = header_at(&headers, "hc_confidence");
    let reasons_at = header_at(&headers, "review_reasons");
    let mut rows: Vec<(String, u64, Pred)> = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            anyhow::anyhow!("{name}:{line}: cannot read the predictions: {e}")
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cell = |c: usize| rec.get(c).unwrap_or("");
        let at = |c: usize, e: String| anyhow::anyhow!("{name}:{line}: column {}: {e}", headers[c]);
        let pred = Pred {
            hc: parse_list(cell(hc_at), &hc_index, false, "health category")
                .map_err(|e| at(hc_at, e))?,
            rac: parse_list(cell(rac_at), &rac_index, false, "research activity")
                .map_err(|e| at(rac_at, e))?,
            confidence: conf_at.and_then(|c| cell(c).trim().parse().ok()),
            reasons: reasons_at.map(|c| {
                cell(c)
                    .split([';', ',', ' '])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
            no_text: false,
        };
        let pred = Pred {
            no_text: pred
                .reasons
                .as_ref()
                .is_some_and(|r| r.iter().any(|t| t == Reason::NoText.token())),
            ..pred
        };
        rows.push((cell(id_at).trim().to_string(), line, pred));
    }
    let repeats = repeated_ids(rows.iter().map(|(id, line, _)| (id.as_str(), *line)));
    let problems = repeats
        .iter()
        .map(|(id, lines)| {
            format!(
                "{name}: id {id:?} is predicted {} times, at lines {}",
                lines.len(),
                lines_text(lines)
            )
        })
        .collect();
    refuse(&name, problems, skip_bad, SKIP_HINT)?;
    let repeated: Vec<String> = repeats.into_iter().map(|(id, _)| id).collect();
    let by_id = rows
        .into_iter()
        .filter(|(id, _, _)| !repeated.contains(id))
        .map(|(id, _, p)| (id, p))
        .collect();
    Ok(Preds { by_id, repeated })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Result<Shares, String> {
        parse_list(s, &hc_index, true, "health category")
    }

    #[test]
    fn nihr_lists_split_on_commas_semicolons_and_slashes() {
        let s = list("Mental Health, Stroke").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].1 + s[1].1, 10_000);
        assert_eq!(list("Mental Health;Stroke").unwrap(), s);
        let r = parse_list(
            "6.1 Pharmaceuticals/7.3 Management and decision making",
            &rac_index,
            true,
            "research activity",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn percentages_must_add_up_to_100() {
        assert!(list("Cancer:0.5;Oral:0.5")
            .unwrap_err()
            .contains("0.5 for 50"));
        assert!(list("Cancer:80;Oral:50")
            .unwrap_err()
            .contains("add up to 130"));
        assert!(list("Cancer:80;Oral")
            .unwrap_err()
            .contains("give all or none"));
        // 33.3 three times is rounding, rescaled to exactly 100.
        let s = list("Cancer:33.3;Oral:33.3;Stroke:33.3").unwrap();
        assert_eq!(s.iter().map(|s| s.1).sum::<u32>(), 10_000);
    }

    #[test]
    fn repeated_ids_name_every_line() {
        let r = repeated_ids([("a", 2), ("b", 3), ("a", 5), ("", 6), ("", 7)].into_iter());
        assert_eq!(r, vec![("a".to_string(), vec![2, 5])]);
    }
}
