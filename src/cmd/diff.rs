//! `hrcs diff`: code the same awards with two lexicon sets and report the awards whose coding
//! changes, with the terms behind each change.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};

use crate::cmd::code::{load_lexicon, refuse_overwriting_inputs};
use crate::coding::{Coder, Coding, Params, Share};
use crate::hrcs::split::format_percent;
use crate::input::{Award, Input, InputArgs, InputSpec};
use crate::output::{codes_text, terms_text};
use crate::pipeline::{self, code_award, RunOptions};

pub const ABOUT: &str =
    "Code awards with two lexicon sets and report the awards whose coding changes";

pub const LONG_ABOUT: &str = "\
Codes every award of the input with an old and a new lexicon set (folders, or 'default' for the
embedded set) in one pass, and reports exactly the awards whose health categories or research
activity codes (codes or percentages) differ, in input order: id, hc and rac before and after,
and the terms behind each change: +Code for a code gained (with its terms in the new coding),
-Code for a code lost (with its terms in the old coding), ~Code old->new for a changed percent.

A summary follows: awards read, awards changed (HC, RAC) and, per code, the awards that gained,
lost or re-weighted it. With --format csv (the default) the summary goes to standard error (not
with -q); markdown and json include it. --fail-on-change exits 1 when any award changed, after
writing the report: a CI gate for lexicon edits. See docs/diff.md.";

pub const EXAMPLES: &str = "\
Examples:
  hrcs diff --old default --new my-lexicons/ awards.csv
  hrcs diff --old lexicons-v1/ --new lexicons/ awards.csv --format markdown -o diff.md
  hrcs diff --old default --new lexicons/ fixtures/awards.csv --fail-on-change -q";

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Csv,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[command(about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct DiffArgs {
    /// The old lexicon set: a folder, or 'default' for the embedded set
    #[arg(long, value_name = "DIR")]
    pub old: String,
    /// The new lexicon set: a folder, or 'default' for the embedded set
    #[arg(long, value_name = "DIR")]
    pub new: String,
    /// Input files (CSV, TSV, XLSX, JSON lines; .gz is read transparently); - for stdin
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Report format
    #[arg(long, value_enum, default_value_t = DiffFormat::Csv)]
    pub format: DiffFormat,
    /// Write to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Exit 1 (after writing the report) when any award's coding changed
    #[arg(long)]
    pub fail_on_change: bool,
    /// Coding threads (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// No summary on stderr
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

/// CSV columns of the report.
pub const COLUMNS: &[&str] = &[
    "id",
    "hc_before",
    "hc_after",
    "rac_before",
    "rac_after",
    "changes",
];

/// One changed award.
#[derive(Debug, Clone)]
struct Change {
    id: String,
    hc_before: String,
    hc_after: String,
    rac_before: String,
    rac_after: String,
    changes: String,
    hc_changed: bool,
    rac_changed: bool,
    /// (dimension 0 = HC / 1 = RAC, code index, kind) for the per-code counts.
    events: Vec<(u8, usize, Event)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Gained,
    Lost,
    Reweighted,
}

/// Per-code counts of awards.
#[derive(Debug, Default, Clone, Copy)]
struct CodeCounts {
    gained: u64,
    lost: u64,
    reweighted: u64,
}

#[derive(Debug, Default)]
struct Summary {
    read: u64,
    changed: u64,
    hc_changed: u64,
    rac_changed: u64,
    /// Keyed by (dimension, code index): HRCS order, HC first.
    codes: BTreeMap<(u8, usize), CodeCounts>,
}

impl Summary {
    fn add(&mut self, c: &Change) {
        self.changed += 1;
        self.hc_changed += u64::from(c.hc_changed);
        self.rac_changed += u64::from(c.rac_changed);
        for &(dim, idx, ev) in &c.events {
            let counts = self.codes.entry((dim, idx)).or_default();
            match ev {
                Event::Gained => counts.gained += 1,
                Event::Lost => counts.lost += 1,
                Event::Reweighted => counts.reweighted += 1,
            }
        }
    }

    /// (code name, counts) in HRCS order.
    fn per_code(&self) -> Vec<(&'static str, CodeCounts)> {
        self.codes
            .iter()
            .map(|(&(dim, idx), &c)| (code_name(dim, idx), c))
            .collect()
    }
}

fn code_name(dim: u8, idx: usize) -> &'static str {
    if dim == 0 {
        crate::hrcs::HealthCategory(idx as u8).short()
    } else {
        crate::hrcs::ResearchActivity(idx as u8).code()
    }
}

/// Compares one dimension: appends the change texts and events; true if it changed.
fn compare_dim<C: Copy>(
    dim: u8,
    old: &[Share<C>],
    new: &[Share<C>],
    index: impl Fn(C) -> usize,
    name: impl Fn(C) -> &'static str,
    texts: &mut Vec<String>,
    events: &mut Vec<(u8, usize, Event)>,
) -> bool {
    let key = |s: &[Share<C>]| {
        let mut v: Vec<(usize, u32)> = s.iter().map(|x| (index(x.code), x.percent)).collect();
        v.sort_unstable();
        v
    };
    if key(old) == key(new) {
        return false;
    }
    let with_terms = |head: String, share: &Share<C>| {
        if share.evidence.is_empty() {
            head
        } else {
            format!("{head}: {}", terms_text(&share.evidence))
        }
    };
    // Lost and re-weighted codes in the old coding's order, then gained codes in the new one's.
    for o in old {
        match new.iter().find(|n| index(n.code) == index(o.code)) {
            None => {
                texts.push(with_terms(format!("-{}", name(o.code)), o));
                events.push((dim, index(o.code), Event::Lost));
            }
            Some(n) if n.percent != o.percent => {
                let head = format!(
                    "~{} {}->{}",
                    name(o.code),
                    format_percent(o.percent),
                    format_percent(n.percent)
                );
                texts.push(with_terms(head, n));
                events.push((dim, index(o.code), Event::Reweighted));
            }
            Some(_) => {}
        }
    }
    for n in new {
        if !old.iter().any(|o| index(o.code) == index(n.code)) {
            texts.push(with_terms(format!("+{}", name(n.code)), n));
            events.push((dim, index(n.code), Event::Gained));
        }
    }
    true
}

/// The change of one award, or `None` when both codings agree on codes and percentages.
fn compare(award: &Award, old: &Coding, new: &Coding) -> Option<Change> {
    let mut texts = Vec::new();
    let mut events = Vec::new();
    let hc_changed = compare_dim(
        0,
        &old.hc,
        &new.hc,
        |c| c.index(),
        |c| c.short(),
        &mut texts,
        &mut events,
    );
    let rac_changed = compare_dim(
        1,
        &old.rac,
        &new.rac,
        |c| c.index(),
        |c| c.code(),
        &mut texts,
        &mut events,
    );
    if !hc_changed && !rac_changed {
        return None;
    }
    Some(Change {
        id: award.id.clone(),
        hc_before: codes_text(&old.hc, |c| c.short()),
        hc_after: codes_text(&new.hc, |c| c.short()),
        rac_before: codes_text(&old.rac, |c| c.code()),
        rac_after: codes_text(&new.rac, |c| c.code()),
        changes: texts.join("; "),
        hc_changed,
        rac_changed,
        events,
    })
}

/// Writes the report as it comes, in one of the formats.
trait ReportWriter {
    fn row(&mut self, c: &Change) -> Result<()>;
    fn finish(&mut self, s: &Summary) -> Result<()>;
}

struct CsvReport<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> ReportWriter for CsvReport<W> {
    fn row(&mut self, c: &Change) -> Result<()> {
        self.out.write_record([
            &c.id,
            &c.hc_before,
            &c.hc_after,
            &c.rac_before,
            &c.rac_after,
            &c.changes,
        ])?;
        Ok(())
    }
    fn finish(&mut self, _: &Summary) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

struct MarkdownReport<W: Write> {
    out: W,
    rows: u64,
}

fn md_cell(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

impl<W: Write> MarkdownReport<W> {
    fn new(mut out: W, old: &str, new: &str) -> Result<Self> {
        writeln!(out, "# hrcs diff\n")?;
        writeln!(out, "Old lexicons: `{old}`  ")?;
        writeln!(out, "New lexicons: `{new}`\n")?;
        writeln!(out, "## Changed awards\n")?;
        writeln!(
            out,
            "| id | hc before | hc after | rac before | rac after | changes |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        Ok(MarkdownReport { out, rows: 0 })
    }
}

impl<W: Write> ReportWriter for MarkdownReport<W> {
    fn row(&mut self, c: &Change) -> Result<()> {
        self.rows += 1;
        writeln!(
            self.out,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(&c.id),
            md_cell(&c.hc_before),
            md_cell(&c.hc_after),
            md_cell(&c.rac_before),
            md_cell(&c.rac_after),
            md_cell(&c.changes)
        )?;
        Ok(())
    }
    fn finish(&mut self, s: &Summary) -> Result<()> {
        let out = &mut self.out;
        if self.rows == 0 {
            writeln!(out, "\nNo award changed.")?;
        }
        writeln!(out, "\n## Summary\n")?;
        writeln!(out, "| measure | awards |")?;
        writeln!(out, "|---|---:|")?;
        writeln!(out, "| read | {} |", s.read)?;
        writeln!(out, "| changed | {} |", s.changed)?;
        writeln!(out, "| HC changed | {} |", s.hc_changed)?;
        writeln!(out, "| RAC changed | {} |", s.rac_changed)?;
        writeln!(out, "\n### Per code\n")?;
        if s.codes.is_empty() {
            writeln!(out, "No code gained or lost an award.")?;
        } else {
            writeln!(out, "| code | gained | lost | reweighted |")?;
            writeln!(out, "|---|---:|---:|---:|")?;
            for (name, c) in s.per_code() {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    md_cell(name),
                    c.gained,
                    c.lost,
                    c.reweighted
                )?;
            }
        }
        out.flush()?;
        Ok(())
    }
}

struct JsonReport<W: Write> {
    out: W,
    old: String,
    new: String,
    changes: Vec<Value>,
}

impl<W: Write> ReportWriter for JsonReport<W> {
    fn row(&mut self, c: &Change) -> Result<()> {
        self.changes.push(json!({
            "id": c.id,
            "hc_before": c.hc_before,
            "hc_after": c.hc_after,
            "rac_before": c.rac_before,
            "rac_after": c.rac_after,
            "changes": c.changes,
        }));
        Ok(())
    }
    fn finish(&mut self, s: &Summary) -> Result<()> {
        let per_code: Vec<Value> = s
            .per_code()
            .into_iter()
            .map(|(name, c)| {
                json!({"code": name, "gained": c.gained, "lost": c.lost, "reweighted": c.reweighted})
            })
            .collect();
        let doc = json!({
            "old": self.old,
            "new": self.new,
            "summary": {
                "awards_read": s.read,
                "awards_changed": s.changed,
                "hc_changed": s.hc_changed,
                "rac_changed": s.rac_changed,
                "per_code": per_code,
            },
            "changes": std::mem::take(&mut self.changes),
        });
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        writeln!(self.out)?;
        self.out.flush()?;
        Ok(())
    }
}

fn report_writer<W: Write + 'static>(
    out: W,
    format: DiffFormat,
    old: &str,
    new: &str,
) -> Result<Box<dyn ReportWriter>> {
    let out = std::io::BufWriter::with_capacity(1 << 16, out);
    Ok(match format {
        DiffFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(COLUMNS)?;
            Box::new(CsvReport { out: w })
        }
        DiffFormat::Markdown => Box::new(MarkdownReport::new(out, old, new)?),
        DiffFormat::Json => Box::new(JsonReport {
            out,
            old: old.to_string(),
            new: new.to_string(),
            changes: Vec::new(),
        }),
    })
}

/// Streams the inputs once, codes each award with both coders in parallel and writes the
/// changed awards in input order.
fn diff_inputs(
    inputs: Vec<Input>,
    old: &Coder,
    new: &Coder,
    writer: &mut dyn ReportWriter,
    threads: usize,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let opts = RunOptions {
        threads,
        progress: false,
    };
    pipeline::stream(
        inputs,
        &opts,
        |a| compare(a, &code_award(old, a), &code_award(new, a)),
        |_, change| {
            summary.read += 1;
            match change {
                Some(c) => {
                    summary.add(&c);
                    writer.row(&c)
                }
                None => Ok(()),
            }
        },
    )?;
    writer.finish(&summary)?;
    Ok(summary)
}

fn summary_lines(s: &Summary, seconds: f64) -> String {
    let mut text = format!(
        "hrcs: diff awards_read={} changed={} hc_changed={} rac_changed={} seconds={:.2}\n",
        s.read, s.changed, s.hc_changed, s.rac_changed, seconds
    );
    for (name, c) in s.per_code() {
        text.push_str(&format!(
            "hrcs: code {name} gained={} lost={} reweighted={}\n",
            c.gained, c.lost, c.reweighted
        ));
    }
    text
}

pub fn run(args: DiffArgs) -> Result<()> {
    let started = Instant::now();
    let threads = pipeline::thread_count(args.threads);
    let old_lex =
        load_lexicon(Some(Path::new(&args.old))).with_context(|| format!("--old {}", args.old))?;
    let new_lex =
        load_lexicon(Some(Path::new(&args.new))).with_context(|| format!("--new {}", args.new))?;
    let (old_label, new_label) = (old_lex.label(), new_lex.label());
    let old = Coder::new(old_lex, Params::default())?;
    let new = Coder::new(new_lex, Params::default())?;
    let specs = InputSpec::parse_all(&args.inputs)?;
    let output = args.output.filter(|p| p.as_os_str() != "-");
    if let Some(out) = &output {
        refuse_overwriting_inputs(out, &specs)?;
    }
    let read = args.input.read_options(false);
    let inputs = specs
        .into_iter()
        .map(|spec| Input::open(spec, &read))
        .collect::<Result<Vec<_>>>()?;
    let out = crate::output::Output::create(output.as_deref())?;
    let mut w = report_writer(out.writer()?, args.format, &old_label, &new_label)?;
    let summary = diff_inputs(inputs, &old, &new, w.as_mut(), threads)?;
    drop(w);
    out.commit()?;
    if !args.quiet && args.format == DiffFormat::Csv {
        let lines = summary_lines(&summary, started.elapsed().as_secs_f64());
        crate::output::note(lines.trim_end());
    }
    if args.fail_on_change && summary.changed > 0 {
        bail!(
            "{} of {} awards changed (--fail-on-change)",
            summary.changed,
            summary.read
        );
    }
    Ok(())
}
