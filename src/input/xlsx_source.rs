//! XLSX (and other spreadsheet) rows through calamine. A sheet is read whole, which is how the
//! format works: memory grows with the sheet, not with the rest of the pipeline.

use std::io::Cursor;
use std::path::Path;

use anyhow::{anyhow, Result};
use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::{require_header, MakeSource, RawRow, RowSource};

struct XlsxSource {
    rows: std::vec::IntoIter<(u64, Vec<String>, Vec<String>)>,
    wanted: Vec<usize>,
}

pub(super) fn open(
    bytes: Vec<u8>,
    _path: Option<&Path>,
    sheet: Option<&str>,
    name: &str,
) -> Result<(Vec<String>, MakeSource)> {
    if bytes.is_empty() {
        return Err(anyhow!(
            "{name}: the input is empty (not even a header row)"
        ));
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        anyhow!("{name}: not a readable spreadsheet ({e}); check that the file is a complete .xlsx")
    })?;
    let names = book.sheet_names();
    let sheet_name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(s)))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "{name}: no sheet named {s:?}; the sheets are: {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| anyhow!("{name}: the workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&sheet_name)
        .map_err(|e| anyhow!("{name}: cannot read sheet {sheet_name:?}: {e}"))?;
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        let mut problems = Vec::new();
        let values = cells
            .iter()
            .map(|c| cell_text(c, &mut problems))
            .collect::<Vec<_>>();
        (first_row + i as u64 + 1, values, problems)
    });
    // Skip blank rows above the header.
    let headers = loop {
        match rows.next() {
            Some((_, values, _)) if values.iter().all(|v| v.trim().is_empty()) => continue,
            Some((_, values, _)) => break values,
            None => break Vec::new(),
        }
    };
    require_header(&headers, name)?;
    let width = headers.len();
    let rest: Vec<(u64, Vec<String>, Vec<String>)> = rows
        .filter(|(_, values, _)| !values.iter().all(|v| v.trim().is_empty()))
        .map(|(line, mut values, problems)| {
            // A sheet range is rectangular; cells past the header are dropped only when empty.
            if values.len() > width && values[width..].iter().all(|v| v.is_empty()) {
                values.truncate(width);
            }
            (line, values, problems)
        })
        .collect();
    let headers = headers
        .into_iter()
        .map(|h| h.trim().to_string())
        .collect::<Vec<_>>();
    Ok((
        headers,
        Box::new(move |wanted| {
            Box::new(XlsxSource {
                rows: rest.into_iter(),
                wanted,
            }) as Box<dyn RowSource>
        }),
    ))
}

fn cell_text(cell: &Data, problems: &mut Vec<String>) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers (ids, amounts) without a trailing ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(e) => {
            problems.push(format!("spreadsheet cell error {e:?}"));
            String::new()
        }
    }
}

impl RowSource for XlsxSource {
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool> {
        let Some((line, values, problems)) = self.rows.next() else {
            return Ok(false);
        };
        row.line = line;
        row.problems.extend(problems);
        for &col in &self.wanted {
            row.values
                .push(values.get(col).cloned().unwrap_or_default());
        }
        Ok(true)
    }
}
