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
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(err) = hrcs::cli::run(cli) {
        let code = hrcs::error::exit_code(&err);
        if !hrcs::error::is_broken_pipe(&err) {
            let text = format!("{err:#}");
            eprintln!("hrcs: error: {}", text.trim_end());
        }
        std::process::exit(code);
    }
}
