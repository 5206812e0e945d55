//! The `hrcs` binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

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
            std::process::exit(print_clap(&e, code));
        }
    };
    if let Err(err) = hrcs::cli::run(cli) {
        let code = hrcs::error::exit_code(&err);
        if !hrcs::error::is_broken_pipe(&err) {
            let text = format!("{err:#}");
            hrcs::output::note(format_args!("hrcs: error: {}", text.trim_end()));
        }
        std::process::exit(code);
    }
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
