//! Text tables for terminal and Markdown reports (eval, summary).

use std::fmt::Write;

/// A simple text table: `md` for Markdown pipes, else aligned columns. The first `left` columns
/// are text (left-aligned), the rest numbers.
pub(crate) fn table(
    out: &mut String,
    left: usize,
    header: &[&str],
    rows: &[Vec<String>],
    md: bool,
) {
    if md {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(
            out,
            "|{}|",
            header
                .iter()
                .enumerate()
                .map(|(i, _)| if i < left { "---" } else { "---:" })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
        out.push('\n');
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < left {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let _ = writeln!(out, "  {}", line(header.to_vec()));
    for r in rows {
        let _ = writeln!(out, "  {}", line(r.iter().map(|s| s.as_str()).collect()));
    }
    out.push('\n');
}
