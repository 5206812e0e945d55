//! The `hrcs` binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

/// `--features count-allocs`: every heap allocation is counted and the totals printed to stderr
/// at exit, for the benchmark's allocations per abstract (docs/benchmarks.md). Off by default:
/// the counters are shared atomics, which cost a little on every allocation.
#[cfg(feature = "count-allocs")]
mod count_allocs {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

    pub struct Counting;
    static ALLOCS: AtomicU64 = AtomicU64::new(0);
    static REALLOCS: AtomicU64 = AtomicU64::new(0);
    static BYTES: AtomicU64 = AtomicU64::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(layout.size() as u64, Relaxed);
            System.alloc(layout)
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(layout.size() as u64, Relaxed);
            System.alloc_zeroed(layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            REALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
            System.realloc(ptr, layout, new_size)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
    }

    /// One line a script can parse: `hrcs: allocations=N reallocations=N bytes=N`.
    pub fn report() {
        eprintln!(
            "hrcs: allocations={} reallocations={} bytes={}",
            ALLOCS.load(Relaxed),
            REALLOCS.load(Relaxed),
            BYTES.load(Relaxed)
        );
    }
}

#[cfg(feature = "count-allocs")]
#[global_allocator]
static GLOBAL: count_allocs::Counting = count_allocs::Counting;

/// Ends the process, printing the allocation counts first when they are counted.
fn exit(code: i32) -> ! {
    #[cfg(feature = "count-allocs")]
    count_allocs::report();
    std::process::exit(code)
}

fn main() {
    let cli = match hrcs::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print and exit 0; real usage errors exit 2.
            let code = if e.use_stderr() {
                hrcs::error::EXIT_USAGE
            } else {
                hrcs::error::EXIT_OK
            };
            exit(print_clap(&e, code));
        }
    };
    if let Err(err) = hrcs::cli::run(cli) {
        let code = hrcs::error::exit_code(&err);
        if !hrcs::error::is_broken_pipe(&err) {
            let text = format!("{err:#}");
            hrcs::output::note(format_args!("hrcs: error: {}", text.trim_end()));
        }
        exit(code);
    }
    #[cfg(feature = "count-allocs")]
    count_allocs::report();
}

/// Prints clap's help, version or usage error. Help and version go to standard output with
/// errors checked (clap's own printing ignores them): a closed pipe still exits 0, a full disk
/// exits 1 with a message. On a terminal clap prints, for its colours.
fn print_clap(e: &clap::Error, code: i32) -> i32 {
    use std::io::{IsTerminal, Write};
    if e.use_stderr() || std::io::stdout().is_terminal() {
        let _ = e.print();
        return code;
    }
    let mut out = hrcs::output::stdout();
    match write!(out, "{}", e.render()).and_then(|()| out.flush()) {
        Ok(()) => code,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(err) => {
            hrcs::output::note(format_args!("hrcs: error: {err}"));
            hrcs::error::EXIT_RUNTIME
        }
    }
}
