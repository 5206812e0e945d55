//! CSV and TSV rows, parsed as bytes with a reused record; only the requested columns are
//! decoded.

use std::collections::VecDeque;
use std::io::Read;

use anyhow::Result;
use csv::ByteRecord;

use super::{decode_field, require_header, MakeSource, RawRow, RowSource, Stream};

/// The input stream, noting the byte offset of every double quote that passes. A record whose
/// quotes do not pair up and that runs over several lines has swallowed the rows after an
/// unbalanced quote; the csv parser alone cannot tell, it keeps reading to the next quote or to
/// the end of the file.
struct QuoteTracker {
    inner: Stream,
    offset: u64,
    quotes: VecDeque<u64>,
}

impl Read for QuoteTracker {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr_iter(b'"', &buf[..n]) {
            self.quotes.push_back(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl QuoteTracker {
    /// The number of quotes in `start..end`, forgetting every quote before `end`.
    fn take_quotes(&mut self, start: u64, end: u64) -> usize {
        let mut n = 0;
        while let Some(&q) = self.quotes.front() {
            if q >= end {
                break;
            }
            if q >= start {
                n += 1;
            }
            self.quotes.pop_front();
        }
        n
    }
}

struct CsvSource {
    reader: csv::Reader<QuoteTracker>,
    record: ByteRecord,
    headers: Vec<String>,
    wanted: Vec<usize>,
    name: String,
}

/// Reads the header row and returns it with a constructor for the row source.
pub(super) fn open(stream: Stream, delimiter: u8, name: &str) -> Result<(Vec<String>, MakeSource)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        // Records end at \n and a trailing \r is dropped below: with the default CRLF
        // terminator the csv crate reports the line of a record after \r\n one too low.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(QuoteTracker {
            inner: stream,
            offset: 0,
            quotes: VecDeque::new(),
        });
    let mut record = ByteRecord::new();
    let mut problems = Vec::new();
    let has_header = read_record(&mut reader, &mut record, name)?;
    let headers: Vec<String> = if has_header {
        record
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let h = decode_field(f, &mut problems, || "the header".into());
                if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    require_header(&headers, name)?;
    let end = reader.position().byte();
    reader.get_mut().take_quotes(0, end);
    let name = name.to_string();
    let h = headers.clone();
    Ok((
        headers,
        Box::new(move |wanted| {
            Box::new(CsvSource {
                reader,
                record,
                headers: h,
                wanted,
                name,
            }) as Box<dyn RowSource>
        }),
    ))
}

impl RowSource for CsvSource {
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool> {
        if !read_record(&mut self.reader, &mut self.record, &self.name)? {
            return Ok(false);
        }
        let (start, line) = self
            .record
            .position()
            .map(|p| (p.byte(), p.line()))
            .unwrap_or((0, 0));
        row.line = line;
        let (end, next_line) = (self.reader.position().byte(), self.reader.position().line());
        let quotes = self.reader.get_mut().take_quotes(start, end);
        if quotes % 2 == 1 && next_line > line + 1 {
            let column = (0..self.record.len())
                .find(|&i| self.record[i].contains(&b'\n'))
                .and_then(|i| self.headers.get(i).map(|h| format!("column {h:?}")))
                .unwrap_or_else(|| "a quoted field".into());
            anyhow::bail!(
                "{}:{line}: unbalanced quote: a quote in {column} opens a field that does not \
                 close on its line, and lines {}-{} would be swallowed into it; close or remove \
                 the quote (a literal quote inside a quoted field is written twice: \"\")",
                self.name,
                line + 1,
                next_line - 1
            );
        }
        if self.record.len() != self.headers.len() {
            row.problems.push(format!(
                "row has {} field(s) but the header has {}",
                self.record.len(),
                self.headers.len()
            ));
        }
        for &col in &self.wanted {
            let value = match self.record.get(col) {
                Some(bytes) => decode_field(bytes, &mut row.problems, || {
                    format!("column {:?}", self.headers[col])
                }),
                None => String::new(),
            };
            row.values.push(value);
        }
        Ok(true)
    }
}

/// Reads the next record that is not a blank line, without the \r of a CRLF line end.
fn read_record(
    reader: &mut csv::Reader<QuoteTracker>,
    record: &mut ByteRecord,
    name: &str,
) -> Result<bool> {
    loop {
        let read = reader.read_byte_record(record);
        let line = reader.position().line();
        if !read.map_err(|e| csv_error(e, name, line))? {
            return Ok(false);
        }
        let last = record.len().saturating_sub(1);
        if let Some(f) = record.get(last).filter(|f| f.ends_with(b"\r")) {
            let trimmed = f[..f.len() - 1].to_vec();
            record.truncate(last);
            record.push_field(&trimmed);
        }
        if !(record.len() == 1 && record[0].is_empty()) {
            return Ok(true);
        }
    }
}

/// A read error, at its line; an I/O error (a truncated gzip stream) names the line the parser
/// had reached.
fn csv_error(e: csv::Error, name: &str, line: u64) -> anyhow::Error {
    let at = match e.position() {
        Some(p) => format!("{name}:{}", p.line()),
        None => format!("{name}:{line}"),
    };
    let detail = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    anyhow::anyhow!(
        "{at}: cannot read the input: {detail}; check that the file is complete and is CSV or TSV"
    )
}
