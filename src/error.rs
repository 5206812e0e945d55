//! Exit codes, in one place.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (also when the reader of our output went away: a broken pipe) |
//! | 1 | runtime error: unreadable input, invalid lexicon, failed write |
//! | 2 | usage error: bad arguments, a column that is not in the input |
//! | 128 + signal | interrupted while writing `-o` (130 Ctrl-C, 143 SIGTERM): see `output::file` |

use std::fmt;

pub const EXIT_OK: i32 = 0;
pub const EXIT_RUNTIME: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// An error the user fixes by changing the command line.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The exit code for an error.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if is_broken_pipe(err) {
        EXIT_OK
    } else if err
        .chain()
        .any(|e| e.downcast_ref::<UsageError>().is_some())
    {
        EXIT_USAGE
    } else {
        EXIT_RUNTIME
    }
}

/// True if the error is a write to a closed pipe (`hrcs code x.csv | head`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(|c| {
                matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            })
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
