//! `hrcs sample`: a stratified review sample of a coded file for hand-coding, in the layout
//! `hrcs eval` and `hrcs summary --checked` read. The design lives in `crate::estimate`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cmd::summary::read_coded;
use crate::estimate::{self, Unit};

pub const ABOUT: &str =
    "Draw a review sample of coded awards for hand-coding, to correct the summary";

pub const EXAMPLES: &str = "\
Examples:
  hrcs code awards.csv --keep -o coded.csv
  hrcs sample coded.csv -n 150 --seed 1 --amount AwardAmount -o sample.xlsx
  (fill in HC_1.., HC_1%.., RA_1.., RA_1%.. by hand)
  hrcs summary coded.csv --checked sample.xlsx --amount AwardAmount

The sample is stratified by the coder's confidence (flagged or below 0.5, 0.5-0.75, 0.75-0.9, 0.9
and over; with --by, also by group), with at least two awards per stratum and more where the
coder is least sure and, with --amount, the money largest; awards large enough to move a share by
themselves are all checked (stratum take_all). Each row carries its stratum and inclusion probability: keep those columns,
and check every row (leaving some out biases the estimate). The same file, n and seed always give
the same sample. See docs/estimate.md.";

#[derive(Debug, Args)]
#[command(about = ABOUT, after_help = EXAMPLES)]
pub struct SampleArgs {
    /// Coded file written by `hrcs code` (with --keep, so titles and abstracts come along)
    pub coded: String,
    /// How many awards to draw
    #[arg(short = 'n', long, value_name = "N")]
    pub size: usize,
    /// Seed of the draw (the same seed gives the same sample)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The amount column (as for `hrcs summary --amount`): large awards are checked more often,
    /// the largest with certainty, since an error moves money in proportion to the amount
    #[arg(long, value_name = "COL")]
    pub amount: Option<String>,
    /// Stratify by the values of this column too (funder, year), so every group is checked
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// The sample to write: CSV, or XLSX when the name ends in .xlsx
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(args: SampleArgs) -> Result<()> {
    let file = read_coded(&args.coded, args.amount.as_deref(), args.by.as_deref())?;
    if !file.rows.is_empty()
        && file
            .rows
            .iter()
            .all(|r| r.title.is_empty() && r.text.is_empty())
    {
        crate::output::note(format!(
            "hrcs: {}: no title or abstract columns: code with `hrcs code --keep` so the sample \
             carries the text to check",
            file.name
        ));
    }
    let units: Vec<Unit> = file
        .rows
        .iter()
        .map(|r| Unit {
            confidence: r.hc_confidence.trim().parse().unwrap_or(0.0),
            flagged: r.award.flagged,
            amount: r.award.amount as f64,
            group: r.award.by.clone(),
        })
        .collect();
    let sample = estimate::draw(&units, args.size, args.seed)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.name))?;
    let cells: Vec<[&str; 4]> = file
        .rows
        .iter()
        .map(|r| [r.award.id.as_str(), &r.title, &r.text, &r.award.by])
        .collect();
    let header = estimate::sample_header(args.by.as_deref());
    let rows = estimate::sample_rows(&sample, &cells, args.by.is_some());
    let xlsx = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let bytes = if xlsx {
        estimate::table_xlsx(&header, &rows)?
    } else {
        estimate::table_csv(&header, &rows)?
    };
    crate::output::write_whole(Some(&args.output), &bytes)?;
    crate::output::note(format!(
        "hrcs: sampled {} of {} awards in {} strata: {}",
        rows.len(),
        file.rows.len(),
        sample.strata.len(),
        sample
            .strata
            .iter()
            .map(|s| format!("{} {}/{}", s.name, s.drawn, s.population))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}
