//! The coding pipeline: a reader thread parses inputs into batches and sends them through a
//! bounded channel (so memory stays flat however long the input); each batch is coded in
//! parallel with rayon, whose `collect` keeps input order; the main thread writes each coded
//! batch while the pool codes the next, taking batches one after the other. Output is therefore
//! identical at any thread count.

use std::num::NonZeroUsize;
use std::sync::mpsc::sync_channel;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::coding::{Coder, Coding, Reason};
use crate::input::{Award, Input, RawRow};
use crate::output::CodingWriter;

/// Awards per batch: large enough to keep both cores busy, small enough that the batches in
/// flight (channel capacity plus one being coded) stay a few megabytes.
pub const BATCH_SIZE: usize = 1024;
/// Batches the reader may run ahead of the coder.
const CHANNEL_CAPACITY: usize = 4;

/// What a run did with the rows it read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunStats {
    pub rows_read: u64,
    /// Rows that got codes.
    pub coded: u64,
    /// Rows flagged for review (any reason).
    pub flagged: u64,
    /// Rows with no usable text (not coded).
    pub no_text: u64,
    /// Rows that were damaged in the input.
    pub row_errors: u64,
    /// `file:line: problem` of the first damaged row.
    pub first_row_error: Option<String>,
}

impl RunStats {
    /// One machine-readable line for stderr.
    pub fn summary_line(&self, seconds: f64) -> String {
        format!(
            "hrcs: rows_read={} coded={} flagged={} no_text={} row_errors={} seconds={:.2}",
            self.rows_read, self.coded, self.flagged, self.no_text, self.row_errors, seconds
        )
    }
}

/// Codes one award, flagging damaged rows.
pub fn code_award(coder: &Coder, award: &Award) -> Coding {
    let mut coding = coder.code(&award.title, &award.text);
    if !award.problems.is_empty() {
        coding.reasons.push(Reason::RowError);
        coding.reasons.sort();
        coding.reasons.dedup();
    }
    coding
}

/// The coding threads a command asked for (`-j N`), else one per core.
pub fn thread_count(asked: Option<NonZeroUsize>) -> usize {
    asked
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
}

/// The pool that codes awards in parallel.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(|i| format!("hrcs-code-{i}"))
        .build()
        .context("cannot start the coding threads")
}

/// Options of a run.
pub struct RunOptions {
    pub threads: usize,
    pub progress: bool,
}

/// Codes every award of `inputs`, in order, into `writer`.
pub fn run(
    inputs: Vec<Input>,
    coder: &Coder,
    writer: &mut dyn CodingWriter,
    opts: &RunOptions,
) -> Result<RunStats> {
    let mut stats = RunStats::default();
    stream(
        inputs,
        opts,
        |award| code_award(coder, award),
        |award, coding| {
            stats.rows_read += 1;
            stats.coded += u64::from(!coding.hc.is_empty());
            stats.flagged += u64::from(coding.review());
            stats.no_text += u64::from(coding.reasons.contains(&Reason::NoText));
            if let Some(problem) = award.problems.first() {
                stats.row_errors += 1;
                stats
                    .first_row_error
                    .get_or_insert_with(|| format!("{}:{}: {problem}", award.source, award.line));
            }
            writer.write(award, &coding)
        },
    )?;
    writer.finish()?;
    Ok(stats)
}

/// Streams the awards of `inputs` through `map` in parallel and hands each result, in input
/// order, to `sink`: a reader thread parses batches into a bounded channel while the coding
/// threads map the previous batch. Stops at the first error of the reader or the sink.
pub fn stream<T: Send>(
    inputs: Vec<Input>,
    opts: &RunOptions,
    map: impl Fn(&Award) -> T + Sync,
    mut sink: impl FnMut(&Award, T) -> Result<()>,
) -> Result<()> {
    let pool = thread_pool(opts.threads)?;
    let (tx, rx) = sync_channel::<Result<Vec<Award>>>(CHANNEL_CAPACITY);
    let reader = std::thread::Builder::new()
        .name("hrcs-read".into())
        .spawn(move || {
            let mut raw = RawRow::default();
            for mut input in inputs {
                let mut batch = Vec::with_capacity(BATCH_SIZE);
                loop {
                    match input.next_award(&mut raw) {
                        Ok(Some(award)) => {
                            batch.push(award);
                            if batch.len() == BATCH_SIZE {
                                let full =
                                    std::mem::replace(&mut batch, Vec::with_capacity(BATCH_SIZE));
                                if tx.send(Ok(full)).is_err() {
                                    return; // the consumer stopped
                                }
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            let _ = tx.send(Ok(batch));
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
                    return;
                }
            }
        })
        .context("cannot start the reader thread")?;

    let bar = opts.progress.then(progress_bar);
    let mut result = Ok(());
    // The batch coded last, waiting to be written: the main thread writes it while the pool
    // codes the next one, so the writer no longer holds the coders up.
    let mut pending: Option<(Vec<Award>, Vec<T>)> = None;
    let mut messages = rx.iter();
    loop {
        let batch = match messages.next() {
            Some(Ok(b)) => Some(b),
            Some(Err(e)) => {
                result = Err(e);
                None
            }
            None => None,
        };
        let mut written = Ok(());
        let mut coded = None;
        pool.in_place_scope(|scope| {
            if let Some(batch) = batch {
                let coded = &mut coded;
                let map = &map;
                scope.spawn(move |_| {
                    let mapped: Vec<T> = batch.par_iter().map(map).collect();
                    *coded = Some((batch, mapped));
                });
            }
            if let Some((awards, mapped)) = pending.take() {
                written = write_batch(&awards, mapped, &mut sink);
                if let Some(bar) = &bar {
                    bar.inc(awards.len() as u64);
                }
            }
        });
        if let Err(e) = written {
            result = Err(e);
            break;
        }
        pending = coded;
        if pending.is_none() {
            break;
        }
    }
    drop(rx);
    let _ = reader.join();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// Hands a coded batch to the sink, in order; stops at the sink's first error.
fn write_batch<T>(
    awards: &[Award],
    mapped: Vec<T>,
    sink: &mut impl FnMut(&Award, T) -> Result<()>,
) -> Result<()> {
    for (award, item) in awards.iter().zip(mapped) {
        sink(award, item)?;
    }
    Ok(())
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {human_pos} awards coded ({rate} awards/s, {elapsed})",
        )
        .expect("static template")
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", state.per_sec());
            },
        ),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
