//! XLSX (and other spreadsheet) rows through calamine. A sheet is read whole, which is how the
//! format works: memory grows with the sheet, not with the rest of the pipeline.
//!
//! Spreadsheets are made by people: a ReadMe sheet before the data, title rows above the header,
//! dates stored as day numbers. The header is the first row naming a known column (or the row
//! after `--skip-rows`), dates are written as ISO dates, and when the sheet read is not the data
//! the column error names the sheet that is.

use std::io::Cursor;

use anyhow::{anyhow, Result};
use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};

use super::columns;
use super::{require_header, RawRow, RowSource, Table};

/// Non-blank rows looked at for the header.
const HEADER_SEARCH: usize = 20;

type Row = (u64, Vec<String>, Vec<String>);

struct XlsxSource {
    rows: std::vec::IntoIter<Row>,
    width: usize,
    wanted: Vec<usize>,
}

pub(super) fn open(
    bytes: Vec<u8>,
    sheet: Option<&str>,
    skip_rows: Option<u64>,
    name: &str,
) -> Result<Table> {
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
    let rows = sheet_rows(&mut book, &sheet_name, name)?;
    let (at, header_note) = find_header(&rows, skip_rows);
    let mut rows = rows.into_iter().skip(at);
    let headers: Vec<String> = rows
        .next()
        .map(|(_, values, _)| values.iter().map(|h| h.trim().to_string()).collect())
        .unwrap_or_default();
    require_header(&headers, name)?;
    let width = headers.len();
    let rest: Vec<Row> = rows
        .filter(|(_, values, _)| !values.iter().all(|v| v.trim().is_empty()))
        .collect();
    let hint = if sheet.is_none() && !columns::looks_like_header(&headers) {
        sheet_hint(&mut book, &names, &sheet_name)
    } else {
        None
    }
    .or_else(|| super::title_row_hint(&headers));
    let header_note = header_note.map(|n| format!("sheet {sheet_name:?}, {n}"));
    Ok(Table {
        headers,
        make: Box::new(move |wanted| {
            Box::new(XlsxSource {
                rows: rest.into_iter(),
                width,
                wanted,
            }) as Box<dyn RowSource>
        }),
        hint,
        header_note,
    })
}

/// A sheet's rows as text, numbered as the spreadsheet numbers them, with cell problems.
fn sheet_rows(book: &mut Sheets<Cursor<Vec<u8>>>, sheet: &str, name: &str) -> Result<Vec<Row>> {
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| anyhow!("{name}: cannot read sheet {sheet:?}: {e}"))?;
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut problems = Vec::new();
            let values = cells
                .iter()
                .map(|c| cell_text(c, &mut problems))
                .collect::<Vec<_>>();
            (first_row + i as u64 + 1, values, problems)
        })
        .collect())
}

/// The index of the header row and, when rows above it were skipped, a note saying so: the row
/// after `skip` sheet rows, else the first non-blank row naming a known column among the first
/// ones, provided every row above it is a title (a cell or two), else the first non-blank row.
fn find_header(rows: &[Row], skip: Option<u64>) -> (usize, Option<String>) {
    let blank = |r: &Row| r.1.iter().all(|v| v.trim().is_empty());
    let filled = |r: &Row| r.1.iter().filter(|v| !v.trim().is_empty()).count();
    if let Some(n) = skip {
        let at = rows
            .iter()
            .position(|r| r.0 > n && !blank(r))
            .unwrap_or(rows.len());
        let note = rows
            .get(at)
            .map(|r| format!("header on row {} (--skip-rows {n})", r.0));
        return (at, note);
    }
    let first = rows.iter().position(|r| !blank(r)).unwrap_or(rows.len());
    let known = rows
        .iter()
        .enumerate()
        .skip(first)
        .filter(|(_, r)| !blank(r))
        .take(HEADER_SEARCH)
        .find(|(_, r)| columns::looks_like_header(&r.1));
    if let Some((at, header)) = known {
        let titles_only = rows[first..at]
            .iter()
            .all(|r| filled(r) <= 2 && filled(r) < filled(header));
        if at > first && titles_only {
            let note = format!(
                "header found on row {}: the rows above it skipped as titles (say --skip-rows N \
                 to choose)",
                header.0
            );
            return (at, Some(note));
        }
    }
    (first, None)
}

/// Advice when the sheet read has no recognisable header: the sheets, and those that have one.
fn sheet_hint(book: &mut Sheets<Cursor<Vec<u8>>>, names: &[String], read: &str) -> Option<String> {
    if names.len() < 2 {
        return None;
    }
    let with_awards: Vec<&String> = names
        .iter()
        .filter(|n| n.as_str() != read)
        .filter(|n| {
            sheet_rows(book, n, "").is_ok_and(|rows| {
                let (at, _) = find_header(&rows, None);
                rows.get(at)
                    .is_some_and(|r| columns::looks_like_header(&r.1))
            })
        })
        .collect();
    let all = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(match with_awards.first() {
        Some(s) => format!(
            "This is the first sheet, {read:?}; the workbook's sheets are {all}, and {s:?} has \
             award columns: pass --sheet {s:?}"
        ),
        None => format!(
            "This is the first sheet, {read:?}; the workbook's sheets are {all}: choose one with \
             --sheet NAME"
        ),
    })
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
        Data::DateTime(d) if d.is_datetime() => {
            // A date cell holds a day number (44652); people mean 2022-04-01.
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
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
        // A sheet range is rectangular: cells past the header count only when filled.
        let extra: Vec<&str> = values.iter().skip(self.width).map(|v| v.as_str()).collect();
        if let Some(last) = extra.iter().rposition(|v| !v.is_empty()) {
            row.extra = extra[..=last].join("\t");
            row.problems.push(format!(
                "row has {} cell(s) but the header has {}",
                self.width + last + 1,
                self.width
            ));
        }
        Ok(true)
    }
}
