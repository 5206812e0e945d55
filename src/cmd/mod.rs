//! One module per subcommand, each with its usage text at the top.

pub mod code;
pub mod codes;
pub mod diff;
pub mod eval;
pub mod lexicon;
pub mod report;
pub mod sample;
pub mod summary;
mod table;
