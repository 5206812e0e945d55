//! `hrcs code`: code awards with HRCS health categories and research activity codes.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use crate::coding::{Coder, Params};
use crate::error::UsageError;
use crate::hrcs::split::SplitPolicy;
use crate::input::{Input, InputArgs, InputSpec, ReadOptions};
use crate::language::Language;
use crate::lexicon::{load_default, load_default_checked, load_dir, Lexicon};
use crate::output::{self, Layout, OutputFormat};
use crate::pipeline::{self, RunOptions};

pub const ABOUT: &str =
    "Code awards (title + abstract) with HRCS health categories and research activity codes";

pub const LONG_ABOUT: &str = "\
Reads awards from CSV, TSV, XLSX or JSON lines (files, .gz, or - for standard input) and writes
one coded row per award, in input order: health categories and research activity codes with
percentages that each sum to 100, a confidence per dimension, review flags with reasons, and the
terms behind every code.

Columns are detected by the names funders export (AwardTitle, title, Project Title, prosjekttittel;
AwardAbstract, abstract, AbstractText, Scientific Abstract, Project Summary, Description,
sammendrag; OrganisationReference, id, ProjectReference, prosjektnummer; docs/usage.md lists them
all) or named with --id, --title and --abstract. The columns used are said once on stderr. With
no abstract column recognised but a column of long text, the run stops and names it. Rows with no
id column are numbered from 1.";

pub const EXAMPLES: &str = "\
Examples:
  hrcs code fixtures/awards.csv
  hrcs code awards.xlsx --sheet Awards -o coded.csv
  hrcs code portfolio.csv.gz --keep --layout long -o coded-long.csv
  cat awards.tsv | hrcs code - --format jsonl
  hrcs code data.csv --abstract abstract --title ''";

#[derive(Debug, Args)]
#[command(about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct CodeArgs {
    /// Input files (CSV, TSV, XLSX, JSON lines; .gz is read transparently); - for stdin
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Write to this file instead of standard output (written whole or not at all)
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Csv)]
    pub format: OutputFormat,
    /// wide: one row per award; long: one row per award, dimension and code
    #[arg(long, value_enum, default_value_t = Layout::Wide)]
    pub layout: Layout,
    /// Pass the input columns through before the coding columns
    #[arg(long)]
    pub keep: bool,
    /// Lexicon folder to use instead of the embedded default set
    #[arg(long, value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
    /// equal: HRCS equal splits; weighted: 75/25, 66.67/33.33 or 50/25/25 where evidence clearly differs
    #[arg(long, value_enum, default_value_t = SplitArg::Equal)]
    pub splits: SplitArg,
    /// Language of the titles and abstracts; auto detects it per field (docs/language.md)
    #[arg(long, value_enum, default_value_t = LanguageArg::Auto)]
    pub language: LanguageArg,
    /// Coding threads (default: one per core)
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Fail (exit 1) if any input row is damaged (ragged, not UTF-8, unparsable); the output is still written whole
    #[arg(long)]
    pub strict: bool,
    /// No progress bar and no summary line on stderr
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitArg {
    Equal,
    Weighted,
}

/// `--language`: a language for every field, or detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LanguageArg {
    Auto,
    En,
    Nb,
    Nn,
}

impl LanguageArg {
    pub fn language(self) -> Option<Language> {
        match self {
            LanguageArg::Auto => None,
            LanguageArg::En => Some(Language::En),
            LanguageArg::Nb => Some(Language::Nb),
            LanguageArg::Nn => Some(Language::Nn),
        }
    }
}

/// Everything a coding run needs, resolved from the arguments.
pub struct CodeConfig {
    pub inputs: Vec<InputSpec>,
    pub read: ReadOptions,
    pub output: Option<PathBuf>,
    pub format: OutputFormat,
    pub layout: Layout,
    pub lexicons: Option<PathBuf>,
    pub params: Params,
    pub threads: usize,
    pub progress: bool,
    pub summary: bool,
    pub strict: bool,
}

impl CodeConfig {
    pub fn from_args(args: CodeArgs) -> Result<CodeConfig> {
        let threads = pipeline::thread_count(args.threads);
        let params = Params {
            split: match args.splits {
                SplitArg::Equal => SplitPolicy::Equal,
                SplitArg::Weighted => SplitPolicy::Weighted,
            },
            language: args.language.language(),
            ..Params::default()
        };
        let output = args.output.filter(|p| p.as_os_str() != "-");
        let progress = show_progress(
            args.quiet,
            std::io::stderr().is_terminal(),
            output.is_none() && std::io::stdout().is_terminal(),
        );
        Ok(CodeConfig {
            inputs: InputSpec::parse_all(&args.inputs)?,
            read: args.input.read_options(args.keep),
            output,
            format: args.format,
            layout: args.layout,
            lexicons: args.lexicons,
            params,
            threads,
            progress,
            summary: !args.quiet,
            strict: args.strict,
        })
    }
}

/// A progress bar only on a terminal, and never when the rows go to that terminal too: the bar
/// would be drawn between them.
pub fn show_progress(quiet: bool, stderr_tty: bool, rows_on_tty: bool) -> bool {
    !quiet && stderr_tty && !rows_on_tty
}

/// Loads the lexicon set a run asked for: a folder, or the embedded default set when none is
/// given or the name is `default` (and no folder of that name exists). A folder gets every check;
/// the embedded set, checked by the test suite, only the cheap ones (`load_default`).
pub fn load_lexicon(dir: Option<&Path>) -> Result<Lexicon> {
    Ok(match dir {
        Some(d) if d != Path::new(DEFAULT_LEXICON_NAME) || d.exists() => load_dir(d)?,
        _ => load_default()?,
    })
}

/// [`load_lexicon`] with every check run on the embedded set too, for `hrcs lexicon check`.
pub fn load_lexicon_checked(dir: Option<&Path>) -> Result<Lexicon> {
    Ok(match dir {
        Some(d) if d != Path::new(DEFAULT_LEXICON_NAME) || d.exists() => load_dir(d)?,
        _ => load_default_checked()?,
    })
}

/// The name that stands for the embedded default lexicon set on the command line.
pub const DEFAULT_LEXICON_NAME: &str = "default";

pub fn run(args: CodeArgs) -> Result<()> {
    let config = CodeConfig::from_args(args)?;
    let started = Instant::now();
    let lexicon = load_lexicon(config.lexicons.as_deref())?;
    let label = lexicon.label();
    let coder = Coder::new(lexicon, config.params.clone())?;
    if let Some(out) = &config.output {
        refuse_overwriting_inputs(out, &config.inputs)?;
    }
    let inputs = config
        .inputs
        .iter()
        .map(|spec| Input::open(spec.clone(), &config.read))
        .collect::<Result<Vec<_>>>()?;
    let kept = if config.read.keep_all {
        let first = &inputs[0];
        if let Some(other) = inputs.iter().find(|i| i.headers != first.headers) {
            return Err(UsageError(format!(
                "--keep needs inputs with the same columns, but {} and {} differ",
                first.spec.display(),
                other.spec.display()
            ))
            .into());
        }
        Some(first.kept_columns())
    } else {
        None
    };
    if config.summary {
        // Say once which columns are coded, so a wrong guess is seen before the output is used.
        let mut said = Vec::new();
        for note in inputs.iter().map(Input::columns_note) {
            if !said.contains(&note) {
                crate::output::note(format!("hrcs: {note}"));
                said.push(note);
            }
        }
    }
    let options = RunOptions {
        threads: config.threads,
        progress: config.progress,
    };
    let out = output::Output::create(config.output.as_deref())?;
    let mut writer = output::writer(
        out.writer()?,
        config.format,
        config.layout,
        kept.as_deref(),
        &label,
    )?;
    let stats = pipeline::run(inputs, &coder, writer.as_mut(), &options)?;
    drop(writer);
    out.commit()?;
    // The process ends next: freeing the matcher's tables and the 20,000 lexicon entries one
    // by one cost about a tenth of start-up, and the system takes the memory back at once.
    std::mem::forget(coder);
    if config.summary {
        output::note(stats.summary_line(started.elapsed().as_secs_f64()));
    }
    if config.strict {
        if let Some(first) = &stats.first_row_error {
            anyhow::bail!(
                "{} damaged row(s) and --strict; the first at {first}. Every row is in the output, flagged row_error",
                stats.row_errors
            );
        }
    }
    Ok(())
}

/// Fails if `out` is one of the input files: a run must never overwrite its own input.
pub fn refuse_overwriting_inputs(out: &Path, inputs: &[InputSpec]) -> Result<()> {
    let Ok(out_real) = out.canonicalize() else {
        return Ok(());
    };
    for spec in inputs {
        if let Some(p) = &spec.path {
            if p.canonicalize().is_ok_and(|p| p == out_real) {
                return Err(UsageError(format!(
                    "the output {} is also an input: refusing to overwrite it; choose another -o",
                    out.display()
                ))
                .into());
            }
        }
    }
    Ok(())
}
