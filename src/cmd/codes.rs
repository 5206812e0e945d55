//! `hrcs codes`: print the HRCS code tables.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use crate::hrcs::{tables, ActivityGroup, CodeInfo, Labels};

pub const ABOUT: &str = "Print the HRCS health categories and research activity codes";

pub const EXAMPLES: &str = "\
Examples:
  hrcs codes
  hrcs codes --dimension hc --format csv
  hrcs codes --format json > hrcs-codes.json
  hrcs codes --labels nn

--labels names the codes in the table in Norwegian; CSV and JSON always carry the English name
and both Norwegian labels (columns name, nb, nn).";

#[derive(Debug, Args)]
#[command(about = ABOUT, after_help = EXAMPLES)]
pub struct CodesArgs {
    /// table (default on a terminal), csv (default in a pipe) or json
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
    /// Which codes to print
    #[arg(long, value_enum, default_value_t = Dimension::All)]
    pub dimension: Dimension,
    /// Language of the names in the table: English, Norwegian bokmål or nynorsk
    #[arg(long, value_enum, default_value_t = Labels::En)]
    pub labels: Labels,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dimension {
    All,
    Hc,
    Rac,
}

#[derive(Serialize)]
struct Row<'a> {
    dimension: &'static str,
    code: &'a str,
    short: &'a str,
    name: &'a str,
    id: &'a str,
    nb: &'a str,
    nn: &'a str,
    group: Option<&'a str>,
}

fn rows(dimension: Dimension) -> Vec<Row<'static>> {
    let t = tables();
    let row = |dimension: &'static str, c: &'static CodeInfo, group: Option<&'static str>| Row {
        dimension,
        code: &c.code,
        short: &c.short,
        name: &c.name,
        id: &c.id,
        nb: &c.nb,
        nn: &c.nn,
        group,
    };
    let mut out = Vec::new();
    if dimension != Dimension::Rac {
        out.extend(t.hc.iter().map(|c| row("hc", c, None)));
    }
    if dimension != Dimension::Hc {
        for g in ActivityGroup::all() {
            let gi = g.info();
            out.push(row("rac_group", gi, None));
            out.extend(
                g.codes()
                    .map(|r| row("rac", r.info(), Some(gi.code.as_str()))),
            );
        }
    }
    out
}

pub fn run(args: CodesArgs) -> Result<()> {
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() {
        TableFormat::Table
    } else {
        TableFormat::Csv
    });
    let rows = rows(args.dimension);
    let mut out = std::io::BufWriter::new(crate::output::stdout());
    match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["dimension", "code", "short", "name", "id", "nb", "nn"])?;
            for r in &rows {
                w.write_record([r.dimension, r.code, r.short, r.name, r.id, r.nb, r.nn])?;
            }
            w.flush()?;
        }
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        TableFormat::Table => {
            // English: the official name beside the bokmål label; Norwegian: the label alone.
            let header = match args.labels {
                Labels::En => ["code", "short name", "name", "id", "Norwegian"],
                Labels::Nb => ["kode", "kortnavn", "navn", "id", ""],
                Labels::Nn => ["kode", "kortnamn", "namn", "id", ""],
            };
            let cells: Vec<[&str; 5]> = rows
                .iter()
                .map(|r| match args.labels {
                    Labels::En => [r.code, r.short, r.name, r.id, r.nb],
                    Labels::Nb => [r.code, r.short, r.nb, r.id, ""],
                    Labels::Nn => [r.code, r.short, r.nn, r.id, ""],
                })
                .collect();
            let mut widths = header.map(|h| h.chars().count());
            for c in &cells {
                for (w, v) in widths.iter_mut().zip(c) {
                    *w = (*w).max(v.chars().count());
                }
            }
            let line = |out: &mut dyn Write, c: &[&str; 5], indent: &str| -> std::io::Result<()> {
                let mut s = String::from(indent);
                for (i, (v, w)) in c.iter().zip(widths).enumerate() {
                    s.push_str(v);
                    if i + 1 < c.len() {
                        s.extend(std::iter::repeat_n(' ', w - v.chars().count() + 2));
                    }
                }
                writeln!(out, "{}", s.trim_end())
            };
            line(&mut out, &header, "  ")?;
            for (r, c) in rows.iter().zip(&cells) {
                let indent = if r.dimension == "rac" { "  " } else { "" };
                if r.dimension == "rac_group" || (r.dimension == "hc" && r.code == "01") {
                    writeln!(out)?;
                }
                line(&mut out, c, indent)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
