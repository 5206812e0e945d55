//! Integration tests: one binary (as ripgrep does) that runs `hrcs` on files in a temporary
//! folder and checks real behaviour.

mod util;

mod code;
mod codes;
mod diff;
mod eval;
mod formats;
mod hostile;
mod language;
mod lexicon;
mod properties;
mod report;
mod rules;
mod summary;
mod wordforms;
