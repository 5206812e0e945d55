//! `hrcs lexicon check`: validate a lexicon set and run its examples.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::coding::{Coder, Coding, Params};
use crate::lexicon::{check, EntryKind, Example, Lexicon, Target};

use super::code::load_lexicon_checked;

pub const ABOUT: &str = "Work with lexicon sets";

#[derive(Debug, Args)]
#[command(about = ABOUT)]
pub struct LexiconArgs {
    #[command(subcommand)]
    pub command: LexiconCommand,
}

#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Validate a lexicon set (default: the embedded one), run its examples and print statistics
    #[command(
        after_help = "Examples:\n  hrcs lexicon check\n  hrcs lexicon check lexicons/\n  hrcs lexicon check --strict lexicons/"
    )]
    Check {
        /// Lexicon folder (default: the embedded default set)
        dir: Option<PathBuf>,
        /// Print only problems and the verdict
        #[arg(short, long)]
        quiet: bool,
        /// Fail (exit 1) when there are warnings too, not only errors and failing examples
        #[arg(long)]
        strict: bool,
    },
}

/// True if coding `text` gives the example's code.
pub fn coding_has(coding: &Coding, target: Target) -> bool {
    match target {
        Target::Hc(c) => coding.hc.iter().any(|s| s.code == c),
        Target::Rac(r) => coding.rac.iter().any(|s| s.code == r),
        Target::Topic(t) => coding.breakdown.contains(&t),
        _ => false,
    }
}

/// Runs every example of a set; returns the failures as messages.
pub fn failing_examples(coder: &Coder, examples: &[Example]) -> Vec<String> {
    examples
        .iter()
        .filter_map(|ex| {
            // Examples are short, title-like texts: coded as a title, in the example's `lang`
            // when it names one.
            let coding = coder.code_as(&ex.text, "", ex.lang);
            let has = coding_has(&coding, ex.target);
            (has != ex.expect).then(|| {
                format!(
                    "{}: example {} {} {:?}, but the coding is HC {} / RAC {}",
                    ex.location,
                    if ex.expect {
                        "should get"
                    } else {
                        "should not get"
                    },
                    ex.target,
                    ex.text,
                    crate::output::codes_text(&coding.hc, |c| c.short()),
                    crate::output::codes_text(&coding.rac, |r| r.code()),
                )
            })
        })
        .collect()
}

/// `N warning(s): K kind, ...`, kinds in rule order.
fn warning_summary(warnings: &[check::Warning]) -> String {
    let per_kind: Vec<String> = check::KINDS
        .iter()
        .filter_map(|k| {
            let n = warnings.iter().filter(|w| w.kind == *k).count();
            (n > 0).then(|| format!("{n} {k}"))
        })
        .collect();
    format!("{} warning(s): {}", warnings.len(), per_kind.join(", "))
}

fn statistics(lexicon: &Lexicon) -> BTreeMap<Target, [usize; 4]> {
    let mut stats: BTreeMap<Target, [usize; 4]> = BTreeMap::new();
    for e in &lexicon.entries {
        let k = match e.kind {
            EntryKind::Term => 0,
            EntryKind::Acronym => 1,
            EntryKind::Regex => 2,
            EntryKind::Exclude => 3,
        };
        stats.entry(e.target).or_default()[k] += 1;
    }
    stats
}

pub fn run(args: LexiconArgs) -> Result<()> {
    let LexiconCommand::Check { dir, quiet, strict } = args.command;
    let coder = Coder::new(load_lexicon_checked(dir.as_deref())?, Params::default())?;
    let lexicon = coder.lexicon();
    // Written with errors checked (not println!, which panics), so `| head -1` ends quietly and
    // a full disk is an error.
    let mut out = crate::output::stdout();
    if !quiet {
        writeln!(
            out,
            "lexicon {} version {} ({} files, {} entries, {} examples)\nsha256 {}",
            lexicon.name,
            lexicon.version,
            lexicon.files.len(),
            lexicon.entries.len(),
            lexicon.examples.len(),
            lexicon.hash
        )?;
        let with_forms = lexicon
            .entries
            .iter()
            .filter(|e| !e.forms.is_empty())
            .count();
        if with_forms > 0 || !lexicon.word_forms.is_empty() {
            writeln!(
                out,
                "word forms: {with_forms} entries with forms, {} endings and links",
                lexicon.word_forms.len()
            )?;
        }
        writeln!(
            out,
            "\n{:<28} {:>6} {:>8} {:>6} {:>8}",
            "code", "terms", "acronyms", "regex", "excludes"
        )?;
        for (target, [t, a, r, x]) in statistics(lexicon) {
            writeln!(
                out,
                "{:<28} {t:>6} {a:>8} {r:>6} {x:>8}",
                target.to_string()
            )?;
        }
    }
    let folder = match &dir {
        Some(d) => d.display().to_string(),
        None => "lexicons".to_string(),
    };
    let warnings = check::check(lexicon, &folder);
    for w in &warnings {
        crate::output::note(w);
    }
    if !warnings.is_empty() {
        crate::output::note(warning_summary(&warnings));
    }
    let failures = failing_examples(&coder, &lexicon.examples);
    for f in &failures {
        crate::output::note(f);
    }
    if !failures.is_empty() {
        bail!(
            "{} of {} examples fail",
            failures.len(),
            lexicon.examples.len()
        );
    }
    if strict && !warnings.is_empty() {
        bail!(
            "{} warning(s) and --strict: fix them or run without --strict",
            warnings.len()
        );
    }
    if !quiet {
        writeln!(out, "\nok: {} examples pass", lexicon.examples.len())?;
    }
    Ok(())
}
