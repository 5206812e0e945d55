//! The coding pipeline: a reader thread parses inputs into batches of awards; the coding
//! threads take batches from a shared queue, code every award and format its output rows into
//! the batch's byte buffer; the main thread writes finished batches in input order while the next
//! ones are coded. Batches (their awards, strings and buffers) go back to the reader once
//! written, so a fixed number of them circulate: memory stays flat however long the input, and
//! the steady state allocates nothing for reading or writing. Output is identical at any thread
//! count, since batches are written by sequence number.

use std::num::NonZeroUsize;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Mutex;

use anyhow::{Context, Result};

use crate::coding::{Coder, Coding, Reason};
use crate::input::{Award, Input, RawRow};
use crate::output::{CodingWriter, RowBuf};

/// Awards per batch: large enough that handing batches between threads costs nothing
/// measurable (a batch is 10-20 ms of coding; handing it over, microseconds), small enough that
/// the batches in flight stay a few megabytes and that the last batch of a run, coded while the
/// other threads have nothing left, is short. (It was 1,024: four times the memory in flight,
/// docs/benchmarks.md, 2026-12-07/08.)
pub const BATCH_SIZE: usize = 256;
/// A batch's output buffer keeps at most this much room from one use to the next: rows with
/// very long fields (`--keep` of a wide input) would otherwise keep their room for the run.
const OUTPUT_ROOM: usize = 4 << 20;
/// Batches in circulation per coding thread (one being coded, one queued or being written).
const BATCHES_PER_THREAD: usize = 2;
/// Batches in circulation beyond those: one being read, one waiting to be written.
const SPARE_BATCHES: usize = 2;

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

/// What the coding threads made of one batch: its output rows and its counts.
#[derive(Default)]
struct CodedBatch {
    rows: RowBuf,
    stats: RunStats,
}

/// Codes every award of `inputs`, in order, into `writer`.
pub fn run(
    inputs: Vec<Input>,
    coder: &Coder,
    writer: &mut dyn CodingWriter,
    opts: &RunOptions,
) -> Result<RunStats> {
    let format = writer.formatter();
    let mut stats = RunStats::default();
    process(
        inputs,
        opts,
        |awards: &[Award], out: &mut CodedBatch| {
            out.rows.bytes.clear();
            out.rows.bytes.shrink_to(OUTPUT_ROOM);
            out.stats = RunStats::default();
            for award in awards {
                let coding = code_award(coder, award);
                count(&mut out.stats, award, &coding);
                format.format(award, &coding, &mut out.rows)?;
                coder.recycle(coding);
            }
            Ok(())
        },
        |_, out: &mut CodedBatch| {
            stats.add(&out.stats);
            writer.write_rows(&out.rows.bytes)
        },
    )?;
    writer.finish()?;
    Ok(stats)
}

/// Counts one coded award into a batch's stats.
fn count(stats: &mut RunStats, award: &Award, coding: &Coding) {
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
}

impl RunStats {
    /// Adds the counts of a later batch (the first row error stays the earliest).
    fn add(&mut self, later: &RunStats) {
        self.rows_read += later.rows_read;
        self.coded += later.coded;
        self.flagged += later.flagged;
        self.no_text += later.no_text;
        self.row_errors += later.row_errors;
        if self.first_row_error.is_none() {
            self.first_row_error.clone_from(&later.first_row_error);
        }
    }
}

/// Streams the awards of `inputs` through `map` in parallel and hands each result, in input
/// order, to `sink`. Stops at the first error of the reader or the sink.
pub fn stream<T: Send>(
    inputs: Vec<Input>,
    opts: &RunOptions,
    map: impl Fn(&Award) -> T + Sync,
    mut sink: impl FnMut(&Award, T) -> Result<()>,
) -> Result<()> {
    process(
        inputs,
        opts,
        |awards: &[Award], out: &mut Vec<T>| {
            out.clear();
            out.extend(awards.iter().map(&map));
            Ok(())
        },
        |awards, out: &mut Vec<T>| {
            for (award, item) in awards.iter().zip(out.drain(..)) {
                sink(award, item)?;
            }
            Ok(())
        },
    )
}

/// A batch in circulation: awards read into reused strings, and what the coding threads made of
/// them, in a reused buffer.
struct Batch<B> {
    /// Position in the input, for writing in order.
    seq: u64,
    awards: Vec<Award>,
    /// How many of `awards` hold this batch's rows (the rest are spare, kept for their strings).
    len: usize,
    out: B,
    /// The reader's error after the rows of this batch.
    error: Option<anyhow::Error>,
    /// The coding threads' error on this batch.
    failed: Option<anyhow::Error>,
}

/// The engine under [`run`] and [`stream`]: `work` fills a batch's output on a coding thread,
/// `sink` takes the outputs in input order on the calling thread.
fn process<B: Default + Send>(
    inputs: Vec<Input>,
    opts: &RunOptions,
    work: impl Fn(&[Award], &mut B) -> Result<()> + Sync,
    mut sink: impl FnMut(&[Award], &mut B) -> Result<()>,
) -> Result<()> {
    let threads = opts.threads.max(1);
    let batches = threads * BATCHES_PER_THREAD + SPARE_BATCHES;
    // The empty batches the reader may fill: a fixed number, so memory stays flat.
    let (free_tx, free_rx) = channel::<Batch<B>>();
    for _ in 0..batches {
        let _ = free_tx.send(Batch {
            seq: 0,
            awards: Vec::new(),
            len: 0,
            out: B::default(),
            error: None,
            failed: None,
        });
    }
    let (read_tx, read_rx) = sync_channel::<Batch<B>>(batches);
    let read_rx = Mutex::new(read_rx);
    let (done_tx, done_rx) = channel::<Batch<B>>();
    let bar = opts.progress.then(progress_bar);
    let result = std::thread::scope(|scope| -> Result<()> {
        std::thread::Builder::new()
            .name("hrcs-read".into())
            .spawn_scoped(scope, move || read_batches(inputs, free_rx, read_tx))
            .context("cannot start the reader thread")?;
        for i in 0..threads {
            let (read_rx, done_tx, work) = (&read_rx, done_tx.clone(), &work);
            std::thread::Builder::new()
                .name(format!("hrcs-code-{i}"))
                .spawn_scoped(scope, move || code_batches(read_rx, done_tx, work))
                .context("cannot start the coding threads")?;
        }
        drop(done_tx);
        // Dropping the receivers on return stops the reader and the coders early after an error.
        write_in_order(done_rx, free_tx, &mut sink, bar.as_ref())
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

/// The reader thread: fills the free batches from the inputs and queues them for coding. A batch
/// ends at BATCH_SIZE awards or at the end of an input.
fn read_batches<B>(inputs: Vec<Input>, free: Receiver<Batch<B>>, queue: SyncSender<Batch<B>>) {
    let mut raw = RawRow::default();
    let mut seq = 0;
    let mut spare: Option<Batch<B>> = None;
    for mut input in inputs {
        loop {
            let Some(mut batch) = spare.take().or_else(|| free.recv().ok()) else {
                return; // the writer stopped
            };
            batch.len = 0;
            let mut input_done = false;
            while batch.len < BATCH_SIZE {
                if batch.len == batch.awards.len() {
                    batch.awards.push(Award::default());
                }
                match input.read_award(&mut raw, &mut batch.awards[batch.len]) {
                    Ok(true) => batch.len += 1,
                    Ok(false) => {
                        input_done = true;
                        break;
                    }
                    Err(e) => {
                        batch.error = Some(e);
                        break;
                    }
                }
            }
            let stop = batch.error.is_some();
            if batch.len == 0 && !stop {
                spare = Some(batch); // an input with nothing more: the batch waits for the next
            } else {
                batch.seq = seq;
                seq += 1;
                if queue.send(batch).is_err() || stop {
                    return;
                }
            }
            if input_done {
                break;
            }
        }
    }
}

/// A coding thread: codes queued batches until the reader is done.
fn code_batches<B>(
    queue: &Mutex<Receiver<Batch<B>>>,
    done: Sender<Batch<B>>,
    work: &(impl Fn(&[Award], &mut B) -> Result<()> + Sync),
) {
    loop {
        let next = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return, // another coding thread panicked
        };
        let Ok(mut batch) = next else {
            return;
        };
        // A panic (a bug) becomes this batch's error: the writer stops at it, where a lost
        // batch would leave it waiting for ever.
        let coded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            work(&batch.awards[..batch.len], &mut batch.out)
        }));
        match coded {
            Ok(Ok(())) => {}
            Ok(Err(e)) => batch.failed = Some(e),
            Err(_) => {
                let line = batch.awards.first().map_or(0, |a| a.line);
                batch.failed = Some(anyhow::anyhow!(
                    "internal error: coding the batch from line {line} failed (see the message above)"
                ));
            }
        }
        if done.send(batch).is_err() {
            return;
        }
    }
}

/// The main thread: writes coded batches in input order and hands them back to the reader.
fn write_in_order<B>(
    done: Receiver<Batch<B>>,
    free: Sender<Batch<B>>,
    sink: &mut impl FnMut(&[Award], &mut B) -> Result<()>,
    bar: Option<&indicatif::ProgressBar>,
) -> Result<()> {
    let mut next = 0;
    // Batches coded ahead of one still being coded; at most the batches in circulation.
    let mut waiting: Vec<Batch<B>> = Vec::new();
    for batch in done {
        waiting.push(batch);
        while let Some(i) = waiting.iter().position(|b| b.seq == next) {
            let mut batch = waiting.swap_remove(i);
            next += 1;
            if let Some(e) = batch.failed.take() {
                return Err(e);
            }
            sink(&batch.awards[..batch.len], &mut batch.out)?;
            if let Some(bar) = bar {
                bar.inc(batch.len as u64);
            }
            if let Some(e) = batch.error.take() {
                return Err(e);
            }
            let _ = free.send(batch);
        }
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
