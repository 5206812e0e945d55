//! hrcs: codes health research awards with the UKCRC Health Research Classification System.
//!
//! The engine is a library; the `hrcs` binary parses arguments and calls it. The pipeline:
//! [`input`] reads awards, [`matcher`] finds lexicon entries in their text, [`coding`] turns the
//! matches into HRCS codes with percentages, confidence, review reasons and evidence, and
//! [`output`] writes them; [`pipeline`] runs it all in parallel, in order.

pub mod anchors;
pub mod cli;
pub mod cmd;
pub mod coding;
pub mod error;
pub mod estimate;
pub mod eval;
pub mod gold;
pub mod hrcs;
pub mod input;
pub mod language;
pub mod lexicon;
pub mod matcher;
pub mod output;
pub mod pipeline;
pub mod scan;
pub mod summary;
pub mod text;
pub mod wordforms;
