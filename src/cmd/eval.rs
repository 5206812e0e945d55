//! `hrcs eval`: compare coding with human (gold) coding.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::table::table;
use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::cmd::code::load_lexicon;
use crate::coding::{is_placeholder, Coder, Params, Reason};
use crate::error::UsageError;
use crate::eval::{self, Counts, LabelMap, Shares};
use crate::hrcs::{HealthCategory, ResearchActivity, HC_COUNT};
use crate::input::{Input, InputArgs, InputSpec, RawRow};
use crate::output::{parse_codes, parse_percent};
use crate::pipeline;

pub const ABOUT: &str = "Compare coding with human coding: precision, recall, F1, top-1 and more";

pub const LONG_ABOUT: &str = "\
Reads a gold file coded by people and compares it with hrcs coding: by default eval codes the gold
file's own text (title and abstract columns detected as in hrcs code); with --pred it reads a
file written by hrcs code and matches its rows by id.

The gold format is detected from the columns:
  UKHRA      HC_1..HC_5 with HC_1%..HC_5%, RA_1..RA_4 with RA_1%..RA_4% (names, short names,
             ids or codes such as 2.1)
  coded      hc and rac columns as hrcs code writes them (Cancer:50;Oral:50, 2.1:100)
  label      one label per row (--label-column, default label_name or label) with --labels
             mapping each label to HRCS categories: 'neoplasms=Cancer,other=none' or a two-column
             CSV/TSV file label,category; a label may accept several (Neuro|Stroke); an empty or
             'none' category makes an 'other' class. Only health categories are evaluated.

Rows whose title and abstract are both empty or redaction markers are excluded and counted,
unless --include-no-text. --min KEY=VALUE fails the run (exit 1) when a metric is below VALUE;
the keys are: hc_micro_f1 hc_macro_f1 hc_top1 hc_exact hc_weighted rac_micro_f1 rac_macro_f1
rac_group_micro_f1 rac_exact rac_weighted hc_amount_weighted rac_amount_weighted
five_class_accuracy five_class_macro_f1
four_class_top1. See docs/eval.md.";

pub const EXAMPLES: &str = "\
Examples:
  hrcs eval fixtures/awards.csv
  hrcs eval fixtures/awards.csv --pred coded.csv --format markdown
  hrcs eval fixtures/awards.csv --min hc_micro_f1=0.8 --min rac_group_micro_f1=0.6
  hrcs eval data.csv --abstract abstract --labels 'neoplasms=Cancer,other conditions=none'";

/// The gate keys, in report order.
pub const GATE_KEYS: &[&str] = &[
    "hc_micro_f1",
    "hc_macro_f1",
    "hc_top1",
    "hc_exact",
    "hc_weighted",
    "rac_micro_f1",
    "rac_macro_f1",
    "rac_group_micro_f1",
    "rac_exact",
    "rac_weighted",
    "hc_amount_weighted",
    "rac_amount_weighted",
    "five_class_accuracy",
    "five_class_macro_f1",
    "four_class_top1",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[command(about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct EvalArgs {
    /// Gold file coded by people (CSV, TSV, XLSX, JSON lines)
    #[arg(value_name = "GOLD")]
    pub gold: String,
    /// A file written by hrcs code (CSV with id, hc, rac) to evaluate instead of coding the gold text
    #[arg(long, value_name = "CODED")]
    pub pred: Option<PathBuf>,
    /// Report format
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Fail (exit 1) when metric KEY is below VALUE; repeatable
    #[arg(long = "min", value_name = "KEY=VALUE")]
    pub min: Vec<String>,
    /// Single-label gold: label to category mapping, inline 'label=Cat,label=Cat|Cat,label=none' or a CSV/TSV file
    #[arg(long, value_name = "MAPPING")]
    pub labels: Option<String>,
    /// Single-label gold: the label column (default: label_name if present, else label)
    #[arg(long, value_name = "COL")]
    pub label_column: Option<String>,
    /// Lexicon folder to use instead of the embedded default set
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// Column with each award's funding: adds agreement weighted by money (hc_amount_weighted, rac_amount_weighted)
    #[arg(long, value_name = "COL")]
    pub amount: Option<String>,
    /// Evaluate rows with no usable text too
    #[arg(long)]
    pub include_no_text: bool,
    /// Coding threads (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// A gold row, by dimension.
struct Gold {
    hc: Shares,
    rac: Option<Shares>,
    class: Option<usize>,
    /// Funding of the award (`--amount`), 0 without it.
    amount: f64,
}

/// A predicted row.
#[derive(Default)]
struct Pred {
    hc: Shares,
    rac: Shares,
    confidence: Option<f64>,
    no_text: bool,
}

enum GoldFormat {
    Ukhra {
        hc: Vec<(usize, Option<usize>)>,
        rac: Vec<(usize, Option<usize>)>,
    },
    Coded {
        hc: usize,
        rac: Option<usize>,
    },
    Label {
        column: usize,
        map: LabelMap,
    },
}

impl GoldFormat {
    fn name(&self) -> &'static str {
        match self {
            GoldFormat::Ukhra { .. } => "ukhra",
            GoldFormat::Coded { .. } => "coded",
            GoldFormat::Label { .. } => "label",
        }
    }
}

fn header_at(headers: &[String], name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
}

/// Parses the --min gates, refusing unknown keys and values that are not numbers.
pub fn parse_gates(specs: &[String]) -> Result<Vec<(String, f64)>> {
    specs
        .iter()
        .map(|s| {
            let (k, v) = s.split_once('=').ok_or_else(|| {
                UsageError(format!("--min {s:?}: expected KEY=VALUE, e.g. hc_top1=0.7"))
            })?;
            let k = k.trim();
            if !GATE_KEYS.contains(&k) {
                return Err(UsageError(format!(
                    "--min: unknown key {k:?}; the keys are: {}",
                    GATE_KEYS.join(", ")
                ))
                .into());
            }
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| UsageError(format!("--min {k}: {v:?} is not a number (e.g. 0.7)")))?;
            Ok((k.to_string(), v))
        })
        .collect()
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
fn fill_equal(shares: &mut Shares, given: bool) {
    if !given && (1..=5).contains(&shares.len()) {
        let parts = crate::hrcs::split::equal(shares.len());
        for (s, p) in shares.iter_mut().zip(parts) {
            s.1 = p;
        }
    }
}

/// Parses `Cancer:50;Oral:50` (our output format) with a code parser; without percentages, the
/// HRCS equal split.
fn parse_coded(field: &str, parse: &dyn Fn(&str) -> Option<usize>) -> Result<Shares, String> {
    let parsed = parse_codes(field, parse)?;
    let given = parsed.iter().all(|(_, p)| p.is_some());
    let mut out: Shares = parsed
        .into_iter()
        .map(|(c, p)| (c, p.unwrap_or(0)))
        .collect();
    fill_equal(&mut out, given);
    Ok(out)
}

fn hc_index(s: &str) -> Option<usize> {
    HealthCategory::parse(s).map(|h| h.index())
}

fn rac_index(s: &str) -> Option<usize> {
    ResearchActivity::parse(s).map(|r| r.index())
}

fn detect_format(args: &EvalArgs, headers: &[String], name: &str) -> Result<GoldFormat> {
    if let Some(spec) = &args.labels {
        let map = parse_label_map(spec)?;
        let column = match &args.label_column {
            Some(c) => header_at(headers, c).ok_or_else(|| {
                UsageError(format!(
                    "{name}: no label column named {c:?}; the columns are: {}",
                    headers.join(", ")
                ))
            })?,
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
         (hrcs code output), or a label column with --labels. The columns are: {}",
        headers.join(", ")
    )))
}

/// Reads a funding amount, as `hrcs summary` does (`crate::summary::parse_minor_units`).
fn parse_amount(cell: &str) -> Option<f64> {
    crate::summary::parse_minor_units(cell).map(|units| units as f64 / 100.0)
}

fn gold_of(format: &GoldFormat, kept: &[String], name: &str, row: u64) -> Result<Gold> {
    let cell = |i: usize| kept.get(i).map(|s| s.as_str()).unwrap_or("");
    let bad = |what: &str, value: &str| -> anyhow::Error {
        anyhow::anyhow!("{name}: row {row}: {value} is not an HRCS {what}")
    };
    match format {
        GoldFormat::Ukhra { hc, rac } => {
            let read = |cols: &[(usize, Option<usize>)],
                        parse: &dyn Fn(&str) -> Option<usize>,
                        what: &str|
             -> Result<Shares> {
                let mut out = Shares::new();
                let mut given = true;
                for &(c, p) in cols {
                    let v = cell(c).trim();
                    if v.is_empty() {
                        continue;
                    }
                    let code = parse(v).ok_or_else(|| bad(what, &format!("{v:?}")))?;
                    let pct = p.and_then(|p| parse_percent(cell(p)));
                    given &= pct.is_some();
                    out.push((code, pct.unwrap_or(0)));
                }
                fill_equal(&mut out, given);
                Ok(out)
            };
            Ok(Gold {
                hc: read(hc, &hc_index, "health category")?,
                rac: Some(read(rac, &rac_index, "research activity")?),
                class: None,
                amount: 0.0,
            })
        }
        GoldFormat::Coded { hc, rac } => Ok(Gold {
            hc: parse_coded(cell(*hc), &hc_index).map_err(|v| bad("health category", &v))?,
            rac: match rac {
                Some(r) => Some(
                    parse_coded(cell(*r), &rac_index).map_err(|v| bad("research activity", &v))?,
                ),
                None => None,
            },
            class: None,
            amount: 0.0,
        }),
        GoldFormat::Label { column, map } => {
            let v = cell(*column);
            if v.trim().is_empty() {
                // No label: counted as a row without gold coding.
                return Ok(Gold {
                    hc: Vec::new(),
                    rac: None,
                    class: None,
                    amount: 0.0,
                });
            }
            let class = map.class_of(v).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}: row {row}: label {v:?} is not in the --labels mapping ({})",
                    map.labels
                        .iter()
                        .map(|(l, _)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            Ok(Gold {
                hc: Vec::new(),
                rac: None,
                class: Some(class),
                amount: 0.0,
            })
        }
    }
}

/// Reads a file written by hrcs code: id -> prediction.
fn read_pred(path: &Path) -> Result<HashMap<String, Pred>> {
    let name = path.display().to_string();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("{name}: cannot read the predictions"))?;
    let headers: Vec<String> = r
        .headers()
        .with_context(|| format!("{name}: cannot read the predictions"))?
        .iter()
        .map(|s| s.to_string())
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
    let mut out = HashMap::new();
    for (i, rec) in r.records().enumerate() {
        let row = i + 1;
        let rec = rec.with_context(|| format!("{name}: row {row}: cannot read"))?;
        let cell = |c: usize| rec.get(c).unwrap_or("");
        let bad =
            |what: &str, v: String| anyhow::anyhow!("{name}: row {row}: {v} is not an HRCS {what}");
        let pred = Pred {
            hc: parse_coded(cell(hc_at), &hc_index).map_err(|v| bad("health category", v))?,
            rac: parse_coded(cell(rac_at), &rac_index).map_err(|v| bad("research activity", v))?,
            confidence: conf_at.and_then(|c| cell(c).trim().parse().ok()),
            no_text: reasons_at.is_some_and(|c| {
                cell(c)
                    .split([';', ',', ' '])
                    .any(|t| t == Reason::NoText.token())
            }),
        };
        out.entry(cell(id_at).trim().to_string()).or_insert(pred);
    }
    Ok(out)
}

fn shares_of<C: Copy>(shares: &[crate::coding::Share<C>], index: impl Fn(C) -> usize) -> Shares {
    shares.iter().map(|s| (index(s.code), s.percent)).collect()
}

/// Everything measured, ready to print.
struct Report {
    gold: String,
    pred: Option<String>,
    format: &'static str,
    rows: usize,
    evaluated: usize,
    excluded_no_text: usize,
    excluded_no_gold: usize,
    hc: Option<Dimension>,
    rac: Option<Dimension>,
    rac_group: Option<Dimension>,
    /// (gold, predicted, count): top HC against top HC, or label against predicted class.
    confusion: Vec<(String, String, u64)>,
    reliability: Option<Vec<eval::Bucket>>,
    labels: Option<LabelReport>,
    metrics: BTreeMap<&'static str, f64>,
}

struct Dimension {
    names: Vec<String>,
    counts: Vec<Counts>,
    micro: eval::Prf,
    macro_: eval::Prf,
    top1: f64,
    exact: f64,
    weighted: f64,
}

fn dimension(gold: &[Shares], pred: &[Shares], names: Vec<String>) -> Dimension {
    let gs: Vec<Vec<usize>> = gold.iter().map(|s| eval::code_set(s)).collect();
    let ps: Vec<Vec<usize>> = pred.iter().map(|s| eval::code_set(s)).collect();
    let tops: Vec<Option<usize>> = pred.iter().map(|s| eval::top(s)).collect();
    let counts = eval::per_code(&gs, &ps, names.len());
    Dimension {
        micro: eval::micro(&counts),
        macro_: eval::macro_avg(&counts),
        top1: eval::top1_accuracy(&gs, &tops),
        exact: eval::exact_match(&gs, &ps),
        weighted: eval::weighted_agreement(gold, pred),
        counts,
        names,
    }
}

struct LabelReport {
    labels: Vec<String>,
    counts: Vec<Counts>,
    accuracy: f64,
    macro_f1: f64,
    accepted_top1: f64,
    accepted_rows: u64,
}

fn hc_names() -> Vec<String> {
    HealthCategory::all()
        .map(|h| h.short().to_string())
        .collect()
}

fn build_report(
    args: &EvalArgs,
    format: &GoldFormat,
    rows: usize,
    pairs: Vec<(Gold, Pred)>,
    excluded_no_text: usize,
    excluded_no_gold: usize,
) -> Report {
    let mut metrics = BTreeMap::new();
    let evaluated = pairs.len();
    let pred_hc: Vec<Shares> = pairs.iter().map(|(_, p)| p.hc.clone()).collect();
    let pred_tops: Vec<Option<usize>> = pred_hc.iter().map(|s| eval::top(s)).collect();
    let mut report = Report {
        gold: args.gold.clone(),
        pred: args.pred.as_ref().map(|p| p.display().to_string()),
        format: format.name(),
        rows,
        evaluated,
        excluded_no_text,
        excluded_no_gold,
        hc: None,
        rac: None,
        rac_group: None,
        confusion: Vec::new(),
        reliability: None,
        labels: None,
        metrics: BTreeMap::new(),
    };
    let correct: Vec<bool>;
    if let GoldFormat::Label { map, .. } = format {
        let gold: Vec<usize> = pairs.iter().map(|(g, _)| g.class.unwrap_or(0)).collect();
        let pred: Vec<Option<usize>> = gold
            .iter()
            .zip(&pred_tops)
            .map(|(&g, &t)| map.predicted_class(g, t))
            .collect();
        let (accuracy, counts, macro_f1) = eval::class_metrics(&gold, &pred, map.labels.len());
        let (accepted_top1, accepted_rows) = eval::accepted_top1(map, &gold, &pred_tops);
        metrics.insert("five_class_accuracy", accuracy);
        metrics.insert("five_class_macro_f1", macro_f1);
        metrics.insert("four_class_top1", accepted_top1);
        correct = gold
            .iter()
            .zip(&pred)
            .map(|(&g, p)| Some(g) == *p)
            .collect();
        let class_name = |c: Option<usize>| match c {
            Some(c) => map.labels[c].0.clone(),
            None => "(none)".to_string(),
        };
        let gold_opt: Vec<Option<usize>> = gold.iter().map(|&g| Some(g)).collect();
        report.confusion = eval::confusion(&gold_opt, &pred)
            .into_iter()
            .map(|((g, p), n)| (class_name(g), class_name(p), n))
            .collect();
        report.labels = Some(LabelReport {
            labels: map.labels.iter().map(|(l, _)| l.clone()).collect(),
            counts,
            accuracy,
            macro_f1,
            accepted_top1,
            accepted_rows,
        });
    } else {
        let gold_hc: Vec<Shares> = pairs.iter().map(|(g, _)| g.hc.clone()).collect();
        let hc = dimension(&gold_hc, &pred_hc, hc_names());
        metrics.insert("hc_micro_f1", hc.micro.f1);
        metrics.insert("hc_macro_f1", hc.macro_.f1);
        metrics.insert("hc_top1", hc.top1);
        metrics.insert("hc_exact", hc.exact);
        metrics.insert("hc_weighted", hc.weighted);
        let amounts: Option<Vec<f64>> = args
            .amount
            .as_ref()
            .map(|_| pairs.iter().map(|(g, _)| g.amount).collect());
        if let Some(a) = &amounts {
            metrics.insert(
                "hc_amount_weighted",
                eval::amount_weighted_agreement(&gold_hc, &pred_hc, a),
            );
        }
        correct = gold_hc
            .iter()
            .zip(&pred_tops)
            .map(|(g, t)| t.is_some_and(|t| g.iter().any(|&(c, _)| c == t)))
            .collect();
        let gold_tops: Vec<Option<usize>> = gold_hc.iter().map(|s| eval::top(s)).collect();
        report.confusion = eval::confusion(&gold_tops, &pred_tops)
            .into_iter()
            .map(|((g, p), n)| (hc_name(g), hc_name(p), n))
            .collect();
        report.hc = Some(hc);
        if pairs.iter().all(|(g, _)| g.rac.is_some()) {
            let gold_rac: Vec<Shares> = pairs
                .iter()
                .map(|(g, _)| g.rac.clone().unwrap_or_default())
                .collect();
            let pred_rac: Vec<Shares> = pairs.iter().map(|(_, p)| p.rac.clone()).collect();
            let rac_names = ResearchActivity::all()
                .map(|r| r.code().to_string())
                .collect();
            let rac = dimension(&gold_rac, &pred_rac, rac_names);
            metrics.insert("rac_micro_f1", rac.micro.f1);
            metrics.insert("rac_macro_f1", rac.macro_.f1);
            metrics.insert("rac_exact", rac.exact);
            metrics.insert("rac_weighted", rac.weighted);
            if let Some(a) = &amounts {
                metrics.insert(
                    "rac_amount_weighted",
                    eval::amount_weighted_agreement(&gold_rac, &pred_rac, a),
                );
            }
            let group = |c: usize| ResearchActivity(c as u8).group().index();
            let to_g = |s: &Shares| eval::to_groups(s, group);
            let gg: Vec<Shares> = gold_rac.iter().map(to_g).collect();
            let pg: Vec<Shares> = pred_rac.iter().map(to_g).collect();
            let group_names = crate::hrcs::ActivityGroup::all()
                .map(|g| g.to_string())
                .collect();
            let rg = dimension(&gg, &pg, group_names);
            metrics.insert("rac_group_micro_f1", rg.micro.f1);
            report.rac = Some(rac);
            report.rac_group = Some(rg);
        }
    }
    let confidence: Option<Vec<f64>> = pairs.iter().map(|(_, p)| p.confidence).collect();
    report.reliability = confidence.map(|c| eval::reliability(&c, &correct));
    report.metrics = metrics;
    report
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

fn hc_name(i: Option<usize>) -> String {
    match i {
        Some(i) if i < HC_COUNT => HealthCategory(i as u8).short().to_string(),
        _ => "(none)".to_string(),
    }
}

fn heading(out: &mut String, text: &str, md: bool) {
    if md {
        let _ = writeln!(out, "### {text}\n");
    } else {
        let _ = writeln!(out, "{text}");
    }
}

fn render_text(r: &Report, md: bool) -> String {
    let mut out = String::new();
    if md {
        let _ = writeln!(out, "## hrcs eval: {}\n", r.gold);
    } else {
        let _ = writeln!(out, "hrcs eval: {}", r.gold);
    }
    let summary = format!(
        "gold format: {}; predictions: {}; rows: {}; evaluated: {}; excluded: {} (no text: {}, no gold codes: {})",
        r.format,
        r.pred.as_deref().unwrap_or("coded now"),
        r.rows,
        r.evaluated,
        r.excluded_no_text + r.excluded_no_gold,
        r.excluded_no_text,
        r.excluded_no_gold
    );
    let _ = writeln!(out, "{summary}\n");
    let dims: Vec<(&str, &Dimension)> = [
        ("HC", r.hc.as_ref()),
        ("RAC", r.rac.as_ref()),
        ("RAC group", r.rac_group.as_ref()),
    ]
    .into_iter()
    .filter_map(|(n, d)| d.map(|d| (n, d)))
    .collect();
    if !dims.is_empty() {
        heading(&mut out, "Summary", md);
        let rows: Vec<Vec<String>> = dims
            .iter()
            .map(|(n, d)| {
                vec![
                    n.to_string(),
                    f3(d.micro.precision),
                    f3(d.micro.recall),
                    f3(d.micro.f1),
                    f3(d.macro_.f1),
                    f3(d.top1),
                    f3(d.exact),
                    f3(d.weighted),
                ]
            })
            .collect();
        table(
            &mut out,
            1,
            &[
                "dimension",
                "micro P",
                "micro R",
                "micro F1",
                "macro F1",
                "top-1",
                "exact",
                "weighted",
            ],
            &rows,
            md,
        );
        for (n, d) in &dims {
            heading(&mut out, &format!("{n} per code"), md);
            let rows: Vec<Vec<String>> = d
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| c.active())
                .map(|(i, c)| prf_row(&d.names[i], c))
                .collect();
            table(&mut out, 1, &prf_header("code"), &rows, md);
        }
    }
    if let Some(l) = &r.labels {
        heading(&mut out, "Labels", md);
        let rows: Vec<Vec<String>> = l
            .counts
            .iter()
            .enumerate()
            .map(|(i, c)| prf_row(&l.labels[i], c))
            .collect();
        table(&mut out, 1, &prf_header("label"), &rows, md);
        let _ = writeln!(
            out,
            "{}-class accuracy: {}; macro-F1: {}; top-1 on the {} rows of labels with categories: {}\n",
            l.labels.len(),
            f3(l.accuracy),
            f3(l.macro_f1),
            l.accepted_rows,
            f3(l.accepted_top1)
        );
    }
    let confusions: Vec<Vec<String>> = r
        .confusion
        .iter()
        .filter(|(g, p, _)| g != p)
        .take(15)
        .map(|(g, p, n)| vec![g.clone(), p.clone(), n.to_string()])
        .collect();
    if !confusions.is_empty() {
        let (title, header) = if r.labels.is_some() {
            (
                "Confusions (gold label -> predicted class, most frequent 15)",
                ["gold label", "predicted class", "count"],
            )
        } else {
            (
                "HC confusions (gold top -> predicted top category, most frequent 15)",
                ["gold top", "predicted top", "count"],
            )
        };
        heading(&mut out, title, md);
        table(&mut out, 1, &header, &confusions, md);
    }
    if let Some(b) = &r.reliability {
        let title = if r.labels.is_some() {
            "Reliability (HC confidence -> label accuracy)"
        } else {
            "Reliability (HC confidence -> HC top-1)"
        };
        heading(&mut out, title, md);
        let rows: Vec<Vec<String>> = b
            .iter()
            .map(|b| {
                vec![
                    format!("{:.1}-{:.1}", b.low, b.high),
                    b.count.to_string(),
                    if b.count == 0 {
                        "-".to_string()
                    } else {
                        f3(b.accuracy())
                    },
                ]
            })
            .collect();
        let right = if r.labels.is_some() {
            "accuracy"
        } else {
            "top-1"
        };
        table(&mut out, 1, &["confidence", "count", right], &rows, md);
    }
    heading(&mut out, "Metrics", md);
    let rows: Vec<Vec<String>> = GATE_KEYS
        .iter()
        .filter_map(|k| r.metrics.get(k).map(|v| vec![k.to_string(), f3(*v)]))
        .collect();
    table(&mut out, 1, &["key", "value"], &rows, md);
    out
}

fn prf_json(p: &eval::Prf) -> Value {
    json!({"precision": p.precision, "recall": p.recall, "f1": p.f1})
}

fn counts_json(names: &[String], counts: &[Counts], all: bool) -> Value {
    Value::Array(
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| all || c.active())
            .map(|(i, c)| {
                json!({
                    "code": names[i],
                    "support": c.support(),
                    "predicted": c.predicted(),
                    "tp": c.tp,
                    "precision": c.precision(),
                    "recall": c.recall(),
                    "f1": c.f1(),
                })
            })
            .collect(),
    )
}

fn dim_json(d: Option<&Dimension>) -> Value {
    match d {
        None => Value::Null,
        Some(d) => json!({
            "micro": prf_json(&d.micro),
            "macro": prf_json(&d.macro_),
            "top1": d.top1,
            "exact": d.exact,
            "weighted": d.weighted,
            "per_code": counts_json(&d.names, &d.counts, false),
        }),
    }
}

fn render_json(r: &Report, unmet: &[String]) -> String {
    let v = json!({
        "gold": r.gold,
        "pred": r.pred,
        "gold_format": r.format,
        "rows": r.rows,
        "evaluated": r.evaluated,
        "excluded": {"no_text": r.excluded_no_text, "no_gold": r.excluded_no_gold},
        "metrics": r.metrics.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "hc": dim_json(r.hc.as_ref()),
        "rac": dim_json(r.rac.as_ref()),
        "rac_group": dim_json(r.rac_group.as_ref()),
        "labels": r.labels.as_ref().map(|l| json!({
            "classes": counts_json(&l.labels, &l.counts, true),
            "accuracy": l.accuracy,
            "macro_f1": l.macro_f1,
            "accepted_top1": l.accepted_top1,
            "accepted_rows": l.accepted_rows,
        })),
        "confusion": r.confusion.iter().map(|(g, p, n)| json!({
            "gold": g, "pred": p, "count": n
        })).collect::<Vec<_>>(),
        "reliability": r.reliability.as_ref().map(|b| b.iter().map(|b| json!({
            "low": b.low, "high": b.high, "count": b.count, "top1": b.accuracy()
        })).collect::<Vec<_>>()),
        "unmet": unmet,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Columns of a per-code or per-label table.
fn prf_header(first: &'static str) -> [&'static str; 6] {
    [first, "support", "predicted", "precision", "recall", "F1"]
}

/// One row of a per-code or per-label table.
fn prf_row(name: &str, c: &Counts) -> Vec<String> {
    vec![
        name.to_string(),
        c.support().to_string(),
        c.predicted().to_string(),
        f3(c.precision()),
        f3(c.recall()),
        f3(c.f1()),
    ]
}

pub fn run(args: EvalArgs) -> Result<()> {
    let gates = parse_gates(&args.min)?;
    let spec = InputSpec::parse(&args.gold);
    let name = spec.display();
    let read = args.input.read_options(true);
    let mut input = Input::open(spec, &read)?;
    let format = detect_format(&args, &input.headers, &name)?;
    let amount_col = match &args.amount {
        Some(col) => Some(header_at(&input.headers, col).ok_or_else(|| {
            UsageError(format!(
                "{name}: no amount column named {col:?}; the columns are: {}",
                input.headers.join(", ")
            ))
        })?),
        None => None,
    };
    let mut raw = RawRow::default();
    let mut awards = Vec::new();
    while let Some(a) = input.next_award(&mut raw)? {
        let mut gold = gold_of(&format, &a.kept, &name, a.row)?;
        if let Some(col) = amount_col {
            let cell = a.kept.get(col).map(|s| s.as_str()).unwrap_or("");
            gold.amount = parse_amount(cell).ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}: row {}: amount {cell:?} is not a number; give amounts as numbers such as 1500000, 1,500,000 or £1,500,000",
                    a.row
                )
            })?;
        }
        awards.push((a, gold));
    }
    let rows = awards.len();

    let preds: Vec<Pred> = match &args.pred {
        Some(path) => {
            let mut map = read_pred(path)?;
            let missing: Vec<&str> = awards
                .iter()
                .map(|(a, _)| a.id.as_str())
                .filter(|id| !map.contains_key(*id))
                .collect();
            if !missing.is_empty() {
                let shown: Vec<&str> = missing.iter().take(20).copied().collect();
                bail!(
                    "{}: no prediction for {} gold id(s): {}{}",
                    path.display(),
                    missing.len(),
                    shown.join(", "),
                    if missing.len() > shown.len() {
                        ", ..."
                    } else {
                        ""
                    }
                );
            }
            awards
                .iter()
                .map(|(a, _)| map.remove(&a.id).unwrap_or_default())
                .collect()
        }
        None => {
            let lexicon = load_lexicon(args.lexicons.as_deref())?;
            let coder = Coder::new(lexicon, Params::default())?;
            let pool = pipeline::thread_pool(pipeline::thread_count(args.threads))?;
            pool.install(|| {
                awards
                    .par_iter()
                    .map(|(a, _)| {
                        let c = coder.code(&a.title, &a.text);
                        Pred {
                            hc: shares_of(&c.hc, |h: HealthCategory| h.index()),
                            rac: shares_of(&c.rac, |r: ResearchActivity| r.index()),
                            confidence: Some(c.hc_confidence),
                            no_text: c.reasons.contains(&Reason::NoText),
                        }
                    })
                    .collect()
            })
        }
    };

    let is_label = matches!(format, GoldFormat::Label { .. });
    let mut pairs = Vec::with_capacity(rows);
    let (mut no_text, mut no_gold) = (0, 0);
    for ((a, gold), pred) in awards.into_iter().zip(preds) {
        let textless = (is_placeholder(&a.title) && is_placeholder(&a.text)) || pred.no_text;
        if textless && !args.include_no_text {
            no_text += 1;
        } else if (is_label && gold.class.is_none()) || (!is_label && gold.hc.is_empty()) {
            no_gold += 1;
        } else {
            pairs.push((gold, pred));
        }
    }
    let report = build_report(&args, &format, rows, pairs, no_text, no_gold);

    let mut unmet = Vec::new();
    for (k, min) in &gates {
        match report.metrics.get(k.as_str()) {
            Some(v) if *v >= *min => {}
            Some(v) => unmet.push(format!("{k} = {v:.3} < {min}")),
            None => unmet.push(format!(
                "{k} = n/a (not measured for {} gold) < {min}",
                report.format
            )),
        }
    }
    let text = match args.format {
        ReportFormat::Table => render_text(&report, false),
        ReportFormat::Markdown => render_text(&report, true),
        ReportFormat::Json => render_json(&report, &unmet),
    };
    crate::output::write_whole(None, text.as_bytes())?;
    if !unmet.is_empty() {
        for u in &unmet {
            crate::output::note(format_args!("unmet: {u}"));
        }
        bail!("{} of {} --min thresholds unmet", unmet.len(), gates.len());
    }
    Ok(())
}
