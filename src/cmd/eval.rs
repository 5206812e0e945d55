//! `hrcs eval`: compare coding with human (gold) coding.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::table::table;
use anyhow::{bail, Result};
use clap::Args;
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::cmd::code::load_lexicon;
use crate::coding::{is_placeholder, Coder, Params, Reason};
use crate::error::UsageError;
use crate::eval::{
    self, Counts, Detection, DimensionReport as Dimension, Report, ReportMeta, ReviewReport,
    Scored, Shares,
};
use crate::gold::{read_gold, read_pred, GoldFile, GoldOptions, Pred};
use crate::hrcs::{HealthCategory, ResearchActivity};
use crate::input::{Input, InputArgs, InputSpec};
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
five_class_accuracy five_class_macro_f1 four_class_top1 conf80_share conf80_top1 conf80_exact
review_share review_hc_precision review_hc_recall review_rac_precision review_rac_recall;
--max KEY=VALUE fails it when a metric is above VALUE (review_share=0.3).

Review: for the rows evaluated, the precision and recall of the review flag (any review reason)
as a detector of a wrong health-category set and of a wrong research-activity set, the share
of rows flagged, and per reason the rows it flags and how many of them are wrong. --param
tries other review thresholds and signal weights without a rebuild. See docs/eval.md.";

pub const EXAMPLES: &str = "\
Examples:
  hrcs eval fixtures/awards.csv
  hrcs eval fixtures/awards.csv --pred coded.csv --format markdown
  hrcs eval fixtures/awards.csv --min hc_micro_f1=0.8 --min rac_group_micro_f1=0.6
  hrcs eval data.csv --abstract abstract --labels 'neoplasms=Cancer,other conditions=none'
  hrcs eval data.csv --min review_hc_recall=0.8 --max review_share=0.3
  hrcs eval data.csv --param review_hc_confidence=0.6 --format csv";

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
    "conf80_share",
    "conf80_top1",
    "conf80_exact",
    "review_share",
    "review_hc_precision",
    "review_hc_recall",
    "review_rac_precision",
    "review_rac_recall",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Markdown,
    Json,
    /// Long CSV: section, item, measure, value
    Csv,
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
    /// Fail (exit 1) when metric KEY is above VALUE (review_share=0.3); repeatable
    #[arg(long = "max", value_name = "KEY=VALUE")]
    pub max: Vec<String>,
    /// Code with this review threshold instead of the default (review_hc_confidence=0.6); repeatable
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub param: Vec<String>,
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
    /// Gold health categories as a list in this column (`Mental Health, Stroke`; `;`, `,`, `/` or `|` between codes)
    #[arg(long, value_name = "COL")]
    pub gold_hc: Option<String>,
    /// Gold research activity codes as a list in this column (`6.1 Pharmaceuticals/7.3`)
    #[arg(long, value_name = "COL")]
    pub gold_rac: Option<String>,
    /// Leave out (and count) gold rows that cannot be scored (percentages not adding up to 100,
    /// repeated ids) instead of failing
    #[arg(long)]
    pub skip_bad_gold: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Parses the --min gates, refusing unknown keys and values that are not numbers.
pub fn parse_gates(specs: &[String]) -> Result<Vec<(String, f64)>> {
    parse_gates_of("--min", specs)
}

/// Parses gates given with `flag` (--min or --max).
fn parse_gates_of(flag: &str, specs: &[String]) -> Result<Vec<(String, f64)>> {
    specs
        .iter()
        .map(|s| {
            let (k, v) = s.split_once('=').ok_or_else(|| {
                UsageError(format!(
                    "{flag} {s:?}: expected KEY=VALUE, e.g. hc_top1=0.7"
                ))
            })?;
            let k = k.trim();
            if !GATE_KEYS.contains(&k) {
                return Err(UsageError(format!(
                    "{flag}: unknown key {k:?}; the keys are: {}",
                    GATE_KEYS.join(", ")
                ))
                .into());
            }
            let v: f64 = v
                .trim()
                .parse()
                .map_err(|_| UsageError(format!("{flag} {k}: {v:?} is not a number (e.g. 0.7)")))?;
            Ok((k.to_string(), v))
        })
        .collect()
}

/// The coding parameters with the --param overrides.
fn coding_params(specs: &[String]) -> Result<Params> {
    let mut params = Params::default();
    for s in specs {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            UsageError(format!(
                "--param {s:?}: expected KEY=VALUE, e.g. review_hc_confidence=0.6"
            ))
        })?;
        params
            .review
            .set(k, v)
            .map_err(|e| UsageError(format!("--param {e}")))?;
    }
    Ok(params)
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
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
        let _ = writeln!(out, "## hrcs eval: {}\n", r.meta.gold);
    } else {
        let _ = writeln!(out, "hrcs eval: {}", r.meta.gold);
    }
    let m = &r.meta;
    let summary = format!(
        "gold format: {}; predictions: {}; rows: {}; evaluated: {}; excluded: {} (no text: {}, no gold codes: {}, bad gold: {})",
        m.format,
        m.pred.as_deref().unwrap_or("coded now"),
        m.rows,
        r.evaluated,
        m.excluded_no_text + m.excluded_no_gold + m.excluded_bad_gold,
        m.excluded_no_text,
        m.excluded_no_gold,
        m.excluded_bad_gold
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
        let or_dash = |count: u64, v: f64| {
            if count == 0 {
                "-".to_string()
            } else {
                f3(v)
            }
        };
        // Single-label gold has no sets: no exact-set column.
        let sets = r.labels.is_none();
        let rows: Vec<Vec<String>> = b
            .iter()
            .map(|b| {
                let mut row = vec![
                    format!("{:.1}-{:.1}", b.low, b.high),
                    b.count.to_string(),
                    or_dash(b.count, b.accuracy()),
                ];
                if sets {
                    row.push(or_dash(b.count, b.exact_accuracy()));
                }
                row
            })
            .collect();
        let header: &[&str] = if sets {
            &["confidence", "count", "top-1", "exact set"]
        } else {
            &["confidence", "count", "accuracy"]
        };
        table(&mut out, 1, header, &rows, md);
    }
    if let Some(v) = &r.review {
        render_review(&mut out, v, md);
    }
    heading(&mut out, "Metrics", md);
    let rows: Vec<Vec<String>> = GATE_KEYS
        .iter()
        .filter_map(|k| r.metrics.get(k).map(|v| vec![k.to_string(), f3(*v)]))
        .collect();
    table(&mut out, 1, &["key", "value"], &rows, md);
    out
}

/// The review section: the flag as a detector of wrong codings, then each reason.
fn render_review(out: &mut String, v: &ReviewReport, md: bool) {
    heading(
        out,
        "Review flag as a detector of wrong codings (flagged: any review reason)",
        md,
    );
    let _ = writeln!(
        out,
        "flagged: {} of {} rows ({})\n",
        v.flagged,
        v.rows,
        f3(v.share())
    );
    let mut rows = vec![detection_row("HC set wrong", &v.hc)];
    if let Some(d) = &v.rac {
        rows.push(detection_row("RAC set wrong", d));
    }
    let header = [
        "error",
        "wrong rows",
        "flagged & wrong",
        "precision",
        "recall",
    ];
    table(out, 1, &header, &rows, md);
    heading(
        out,
        "Review reasons (rows flagged, and how many are wrong)",
        md,
    );
    let rows: Vec<Vec<String>> = v
        .reasons
        .iter()
        .map(|c| {
            let mut row = vec![
                c.reason.clone(),
                c.flagged.to_string(),
                c.only.to_string(),
                c.hc_wrong.to_string(),
                f3(c.hc_wrong as f64 / c.flagged.max(1) as f64),
            ];
            if let Some(w) = c.rac_wrong {
                row.push(w.to_string());
                row.push(f3(w as f64 / c.flagged.max(1) as f64));
            }
            row
        })
        .collect();
    let mut header = vec![
        "reason",
        "flagged",
        "only reason",
        "HC wrong",
        "HC wrong share",
    ];
    if v.rac.is_some() {
        header.extend(["RAC wrong", "RAC wrong share"]);
    }
    table(out, 1, &header, &rows, md);
}

fn detection_row(name: &str, d: &Detection) -> Vec<String> {
    vec![
        name.to_string(),
        d.wrong.to_string(),
        d.caught.to_string(),
        f3(d.precision()),
        f3(d.recall()),
    ]
}

fn detection_json(d: &Detection) -> Value {
    json!({"wrong": d.wrong, "flagged": d.flagged, "caught": d.caught,
           "precision": d.precision(), "recall": d.recall()})
}

fn review_json(v: &ReviewReport) -> Value {
    json!({
        "rows": v.rows,
        "flagged": v.flagged,
        "share": v.share(),
        "hc": detection_json(&v.hc),
        "rac": v.rac.as_ref().map(detection_json),
        "reasons": v.reasons.iter().map(|c| json!({
            "reason": c.reason,
            "flagged": c.flagged,
            "only": c.only,
            "hc_wrong": c.hc_wrong,
            "rac_wrong": c.rac_wrong,
        })).collect::<Vec<_>>(),
        "per_row": v.per_row.iter().map(|r| json!({
            "reasons": r.reasons,
            "hc_wrong": r.hc_wrong,
            "rac_wrong": r.rac_wrong,
        })).collect::<Vec<_>>(),
    })
}

/// The report as long CSV (section, item, measure, value): metrics, per-code counts, the
/// reliability table and the review report, for a spreadsheet or a script.
fn render_csv(r: &Report) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut push = |section: &str, item: &str, measure: &str, value: String| {
        rows.push([section.into(), item.into(), measure.into(), value]);
    };
    push("rows", "", "read", r.meta.rows.to_string());
    push("rows", "", "evaluated", r.evaluated.to_string());
    for k in GATE_KEYS {
        if let Some(v) = r.metrics.get(k) {
            push("metrics", "", k, v.to_string());
        }
    }
    for (section, d) in [("hc", &r.hc), ("rac", &r.rac), ("rac_group", &r.rac_group)] {
        let Some(d) = d else { continue };
        for (i, c) in d.counts.iter().enumerate().filter(|(_, c)| c.active()) {
            let name = &d.names[i];
            push(section, name, "support", c.support().to_string());
            push(section, name, "predicted", c.predicted().to_string());
            push(section, name, "precision", c.precision().to_string());
            push(section, name, "recall", c.recall().to_string());
            push(section, name, "f1", c.f1().to_string());
        }
    }
    for b in r.reliability.iter().flatten() {
        let band = format!("{:.1}-{:.1}", b.low, b.high);
        push("reliability", &band, "count", b.count.to_string());
        push("reliability", &band, "top1", b.accuracy().to_string());
        push(
            "reliability",
            &band,
            "exact",
            b.exact_accuracy().to_string(),
        );
    }
    if let Some(v) = &r.review {
        push("review", "", "rows", v.rows.to_string());
        push("review", "", "flagged", v.flagged.to_string());
        let dims = [("hc", Some(&v.hc)), ("rac", v.rac.as_ref())];
        for (name, d) in dims {
            let Some(d) = d else { continue };
            push("review", name, "wrong", d.wrong.to_string());
            push("review", name, "caught", d.caught.to_string());
            push("review", name, "precision", d.precision().to_string());
            push("review", name, "recall", d.recall().to_string());
        }
        for c in &v.reasons {
            push("review_reason", &c.reason, "flagged", c.flagged.to_string());
            push("review_reason", &c.reason, "only", c.only.to_string());
            push(
                "review_reason",
                &c.reason,
                "hc_wrong",
                c.hc_wrong.to_string(),
            );
            if let Some(w) = c.rac_wrong {
                push("review_reason", &c.reason, "rac_wrong", w.to_string());
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["section", "item", "measure", "value"]);
    for row in &rows {
        let _ = w.write_record(row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
        "gold": r.meta.gold,
        "pred": r.meta.pred,
        "gold_format": r.meta.format,
        "rows": r.meta.rows,
        "evaluated": r.evaluated,
        "excluded": {
            "no_text": r.meta.excluded_no_text,
            "no_gold": r.meta.excluded_no_gold,
            "bad_gold": r.meta.excluded_bad_gold,
        },
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
            "low": b.low, "high": b.high, "count": b.count, "top1": b.accuracy(),
            "exact": b.exact_accuracy()
        })).collect::<Vec<_>>()),
        "review": r.review.as_ref().map(review_json),
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

impl EvalArgs {
    fn gold_options(&self) -> GoldOptions {
        GoldOptions {
            labels: self.labels.clone(),
            label_column: self.label_column.clone(),
            gold_hc: self.gold_hc.clone(),
            gold_rac: self.gold_rac.clone(),
            amount: self.amount.clone(),
            skip_bad: self.skip_bad_gold,
        }
    }
}

/// The predictions for the gold rows, read from `--pred` (rows whose id repeats there are
/// dropped from `gold` and counted when `--skip-bad-gold`) or coded now.
fn predictions(args: &EvalArgs, gold: &mut GoldFile) -> Result<Vec<Pred>> {
    let Some(path) = &args.pred else {
        let lexicon = load_lexicon(args.lexicons.as_deref())?;
        let coder = Coder::new(lexicon, coding_params(&args.param)?)?;
        let pool = pipeline::thread_pool(pipeline::thread_count(args.threads))?;
        return Ok(pool.install(|| {
            gold.rows
                .par_iter()
                .map(|r| {
                    let c = coder.code(&r.award.title, &r.award.text);
                    Pred {
                        hc: shares_of(&c.hc, |h: HealthCategory| h.index()),
                        rac: shares_of(&c.rac, |r: ResearchActivity| r.index()),
                        confidence: Some(c.hc_confidence),
                        no_text: c.reasons.contains(&Reason::NoText),
                        reasons: Some(c.reasons.iter().map(|r| r.token().to_string()).collect()),
                    }
                })
                .collect()
        }));
    };
    let mut preds = read_pred(path, args.skip_bad_gold)?;
    let before = gold.rows.len();
    gold.rows
        .retain(|r| !preds.repeated.iter().any(|id| id == r.award.id.trim()));
    gold.skipped += before - gold.rows.len();
    let missing: Vec<&str> = gold
        .rows
        .iter()
        .map(|r| r.award.id.as_str())
        .filter(|id| !preds.by_id.contains_key(id.trim()))
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
    Ok(gold
        .rows
        .iter()
        .map(|r| preds.by_id.remove(r.award.id.trim()).unwrap_or_default())
        .collect())
}

fn shares_of<C: Copy>(shares: &[crate::coding::Share<C>], index: impl Fn(C) -> usize) -> Shares {
    shares.iter().map(|s| (index(s.code), s.percent)).collect()
}

pub fn run(args: EvalArgs) -> Result<()> {
    let gates = parse_gates(&args.min)?;
    let ceilings = parse_gates_of("--max", &args.max)?;
    if args.pred.is_some() && !args.param.is_empty() {
        return Err(UsageError(
            "--param changes how eval codes the gold text; with --pred nothing is coded".into(),
        )
        .into());
    }
    coding_params(&args.param)?;
    let spec = InputSpec::parse(&args.gold);
    let name = spec.display();
    let read = args.input.read_options(true);
    let mut input = Input::open(spec, &read)?;
    let mut gold = read_gold(&mut input, &name, &args.gold_options())?;
    for p in &gold.problems {
        crate::output::note(format!("hrcs: left out: {p}"));
    }
    let preds = predictions(&args, &mut gold)?;
    let mut meta = ReportMeta {
        gold: args.gold.clone(),
        pred: args.pred.as_ref().map(|p| p.display().to_string()),
        format: gold.format.name(),
        rows: gold.rows.len() + gold.skipped,
        excluded_bad_gold: gold.skipped,
        with_amount: args.amount.is_some(),
        ..ReportMeta::default()
    };
    let mut scored = Vec::with_capacity(gold.rows.len());
    for (row, pred) in gold.rows.into_iter().zip(preds) {
        let a = &row.award;
        let textless = (is_placeholder(&a.title) && is_placeholder(&a.text)) || pred.no_text;
        if textless && !args.include_no_text {
            meta.excluded_no_text += 1;
        } else if row.gold.is_empty() {
            meta.excluded_no_gold += 1;
        } else {
            scored.push(Scored {
                gold_hc: row.gold.hc,
                gold_rac: row.gold.rac,
                gold_classes: row.gold.classes,
                amount: row.gold.amount,
                pred_hc: pred.hc,
                pred_rac: pred.rac,
                confidence: pred.confidence,
                reasons: pred.reasons,
            });
        }
    }
    let report = eval::build_report(meta, gold.format.label_map(), &scored);
    let mut unmet = unmet_gates(&report, &gates);
    unmet.extend(unmet_ceilings(&report, &ceilings));
    let text = match args.format {
        ReportFormat::Table => render_text(&report, false),
        ReportFormat::Markdown => render_text(&report, true),
        ReportFormat::Json => render_json(&report, &unmet),
        ReportFormat::Csv => render_csv(&report),
    };
    crate::output::write_whole(None, text.as_bytes())?;
    if !unmet.is_empty() {
        for u in &unmet {
            crate::output::note(format_args!("unmet: {u}"));
        }
        bail!(
            "{} of {} --min/--max thresholds unmet",
            unmet.len(),
            gates.len() + ceilings.len()
        );
    }
    Ok(())
}

/// The --min gates a report does not meet, as lines for stderr.
fn unmet_gates(report: &Report, gates: &[(String, f64)]) -> Vec<String> {
    let mut unmet = Vec::new();
    for (k, min) in gates {
        match report.metrics.get(k.as_str()) {
            Some(v) if *v >= *min => {}
            Some(v) => unmet.push(format!("{k} = {v:.3} < {min}")),
            None => unmet.push(format!(
                "{k} = n/a (not measured for {} gold) < {min}",
                report.meta.format
            )),
        }
    }
    unmet
}

/// The --max gates a report does not meet.
fn unmet_ceilings(report: &Report, gates: &[(String, f64)]) -> Vec<String> {
    let mut unmet = Vec::new();
    for (k, max) in gates {
        match report.metrics.get(k.as_str()) {
            Some(v) if *v <= *max => {}
            Some(v) => unmet.push(format!("{k} = {v:.3} > {max}")),
            None => unmet.push(format!(
                "{k} = n/a (not measured for {} gold) > {max}",
                report.meta.format
            )),
        }
    }
    unmet
}
