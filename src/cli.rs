//! The command line: clap definitions that only describe arguments. Each subcommand's module
//! turns its arguments into a resolved configuration and runs it.

use clap::{Parser, Subcommand};

use crate::cmd;

pub const EXAMPLES: &str = "\
Examples:
  hrcs code fixtures/awards.csv                 code awards with the embedded lexicons
  hrcs code awards.xlsx -o coded.csv --keep     keep the input columns beside the codes
  hrcs codes                                    list the HRCS codes
  hrcs diff --old default --new lex/ a.csv      awards whose coding an edited lexicon set changes
  hrcs eval fixtures/awards.csv                 compare coding with the fixture's human coding
  hrcs lexicon check lexicons/                  validate an edited lexicon set
  hrcs summary coded.csv --amount AwardAmount   counts and funding per code, reconciled to the total
  hrcs report coded.csv -o report.html          a self-contained HTML report with the review queue
  hrcs sample coded.csv -n 150 -o sample.xlsx   a review sample to hand-code; then --checked

Exit status: 0 success, 1 runtime error, 2 usage error.";

/// Code health research awards with the UKCRC Health Research Classification System (HRCS).
#[derive(Debug, Parser)]
#[command(name = "hrcs", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Code(cmd::code::CodeArgs),
    Codes(cmd::codes::CodesArgs),
    Diff(cmd::diff::DiffArgs),
    Eval(cmd::eval::EvalArgs),
    Lexicon(cmd::lexicon::LexiconArgs),
    Report(cmd::report::ReportArgs),
    Sample(cmd::sample::SampleArgs),
    Summary(cmd::summary::SummaryArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Code(a) => cmd::code::run(a),
        Command::Codes(a) => cmd::codes::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::Lexicon(a) => cmd::lexicon::run(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Sample(a) => cmd::sample::run(a),
        Command::Summary(a) => cmd::summary::run(a),
    }
}
