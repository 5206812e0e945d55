//! CSV and TSV rows, parsed as bytes with a reused record; only the requested columns are
//! decoded.
//!
//! The csv parser alone cannot see a stray quote: it reads on to the next quote or the end of
//! the file, merging every row in between into one field. So the raw bytes of each record that
//! runs over several lines are checked: an odd number of quotes, or a line inside it that reads
//! as a row of its own, fails the run naming the line where the quote opened.

use std::collections::VecDeque;
use std::io::Read;

use anyhow::Result;
use csv::ByteRecord;

use super::columns;
use super::{decode_field, decode_field_into, require_header, RawRow, RowSource, Stream, Table};

/// Rows looked at for the header when the first one names no known column.
const HEADER_SEARCH: usize = 20;

/// The input stream, keeping the bytes of the record being read so a record that runs over
/// several lines can be checked as the file wrote it.
struct RawWindow {
    inner: Stream,
    /// Bytes from `start` on.
    bytes: Vec<u8>,
    start: u64,
}

impl Read for RawWindow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl RawWindow {
    /// The bytes `from..to`, which must not have been forgotten.
    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let a = (from.saturating_sub(self.start) as usize).min(self.bytes.len());
        let b = (to.saturating_sub(self.start) as usize).clamp(a, self.bytes.len());
        &self.bytes[a..b]
    }
    /// Forgets the bytes before `to` (in large steps, so the copying stays cheap).
    fn forget(&mut self, to: u64) {
        let n = to.saturating_sub(self.start) as usize;
        if n >= 1 << 16 {
            let n = n.min(self.bytes.len());
            self.bytes.drain(..n);
            self.start += n as u64;
        }
    }
}

/// Where a record lies in the file.
struct Meta {
    line: u64,
    /// Its raw bytes, kept only when it runs over several lines.
    raw: Option<Vec<u8>>,
}

/// A record read ahead, with its place.
struct Rec {
    record: ByteRecord,
    meta: Meta,
}

struct CsvSource {
    reader: csv::Reader<RawWindow>,
    record: ByteRecord,
    /// Records read while looking for the header, handed out first.
    pending: VecDeque<Rec>,
    headers: Vec<String>,
    wanted: Vec<usize>,
    delimiter: u8,
    name: String,
}

/// Reads the header row and returns it with a constructor for the row source. `skip_rows` lines
/// above the header are skipped; without it, title rows above a recognisable header are.
pub(super) fn open(
    stream: Stream,
    delimiter: u8,
    skip_rows: Option<u64>,
    name: &str,
) -> Result<Table> {
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        // Records end at \n and a trailing \r is dropped below: with the default CRLF
        // terminator the csv crate reports the line of a record after \r\n one too low.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(RawWindow {
            inner: stream,
            bytes: Vec::new(),
            start: 0,
        });
    let mut src = CsvSource {
        reader,
        record: ByteRecord::new(),
        pending: VecDeque::new(),
        headers: Vec::new(),
        wanted: Vec::new(),
        delimiter,
        name: name.to_string(),
    };
    let (header, header_note) = src.find_header(skip_rows)?;
    let mut problems = Vec::new();
    let headers: Vec<String> = match &header {
        Some(rec) => rec
            .record
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
            .collect(),
        None => Vec::new(),
    };
    require_header(&headers, name)?;
    if let Some(rec) = &header {
        check_header(rec, &headers, delimiter, name)?;
    }
    src.headers = headers.clone();
    let hint = super::title_row_hint(&headers);
    Ok(Table {
        headers,
        make: Box::new(move |wanted| {
            src.wanted = wanted;
            Box::new(src) as Box<dyn RowSource>
        }),
        hint,
        header_note,
    })
}

impl CsvSource {
    /// Reads the next record that is not a blank line into `self.record`, with its raw bytes
    /// when it spans lines.
    fn read(&mut self) -> Result<Option<Meta>> {
        if let Some(r) = self.pending.pop_front() {
            self.record = r.record;
            return Ok(Some(r.meta));
        }
        if !read_record(&mut self.reader, &mut self.record, &self.name)? {
            return Ok(None);
        }
        let (start, line) = self
            .record
            .position()
            .map(|p| (p.byte(), p.line()))
            .unwrap_or((0, 0));
        let (end, next_line) = (self.reader.position().byte(), self.reader.position().line());
        let window = self.reader.get_mut();
        let raw = (next_line > line + 1).then(|| window.slice(start, end).to_vec());
        window.forget(end);
        Ok(Some(Meta { line, raw }))
    }

    /// Reads the next record as an owned [`Rec`] (for the few rows read ahead).
    fn read_owned(&mut self) -> Result<Option<Rec>> {
        Ok(self.read()?.map(|meta| Rec {
            record: self.record.clone(),
            meta,
        }))
    }

    /// The header record: after `skip` lines, or the first of the first rows that names a known
    /// title or abstract column (else the first row). Rows read past it are kept for reading.
    fn find_header(&mut self, skip: Option<u64>) -> Result<(Option<Rec>, Option<String>)> {
        if let Some(n) = skip {
            loop {
                match self.read_owned()? {
                    Some(r) if r.meta.line <= n => continue,
                    Some(r) => {
                        let note = format!("header on line {} (--skip-rows {n})", r.meta.line);
                        return Ok((Some(r), Some(note)));
                    }
                    None => return Ok((None, None)),
                }
            }
        }
        let mut seen: Vec<Rec> = Vec::new();
        while seen.len() < HEADER_SEARCH && !seen.last().is_some_and(names_known_columns) {
            let Some(r) = self.read_owned()? else { break };
            // Excel's `sep=;` line says the delimiter (used when sniffing); it is not the header.
            if !(seen.is_empty() && is_sep_line(&r.record)) {
                seen.push(r);
            }
        }
        let found = seen.last().is_some_and(names_known_columns);
        // Rows above a header are titles and notes, with a cell or two: a fuller row above it
        // is data under a header we do not recognise, never skipped.
        let filled = |r: &Rec| {
            r.record
                .iter()
                .filter(|f| !f.trim_ascii().is_empty())
                .count()
        };
        let header_filled = seen.last().map(filled).unwrap_or(0);
        let titles_only = seen[..seen.len().saturating_sub(1)]
            .iter()
            .all(|r| filled(r) <= 2 && filled(r) < header_filled);
        if found && seen.len() > 1 && titles_only {
            let header = seen.pop();
            let line = header.as_ref().map(|h| h.meta.line).unwrap_or(0);
            let note = format!(
                "header found on line {line}: {} row(s) above it skipped as titles (say \
                 --skip-rows N to choose)",
                seen.len()
            );
            return Ok((header, Some(note)));
        }
        let mut seen: VecDeque<Rec> = seen.into();
        let header = seen.pop_front();
        self.pending = seen;
        Ok((header, None))
    }

    /// Fails when a record running over several lines has swallowed rows after a stray quote.
    fn check_quotes(&self, meta: &Meta) -> Result<()> {
        let Some(raw) = &meta.raw else { return Ok(()) };
        let line = meta.line;
        let record = &self.record;
        // Built only for a message: this check runs on every multi-line record.
        let column = || {
            (0..record.len())
                .find(|&i| record[i].contains(&b'\n'))
                .and_then(|i| self.headers.get(i).map(|h| format!("column {h:?}")))
                .unwrap_or_else(|| "a quoted field".into())
        };
        let lines = || raw.split(|&b| b == b'\n');
        if memchr::memchr_iter(b'"', raw).count() % 2 == 1 {
            let column = column();
            let last = line + memchr::memchr_iter(b'\n', raw).count() as u64;
            let last = if raw.ends_with(b"\n") { last - 1 } else { last };
            anyhow::bail!(
                "{}:{line}: unbalanced quote: a quote in {column} opens a field that does not \
                 close on its line, and lines {}-{last} would be swallowed into it; close or \
                 remove the quote (a literal quote inside a quoted field is written twice: \"\")",
                self.name,
                line + 1,
            );
        }
        if let Some(shape) = record.get(0).and_then(id_shape) {
            for (k, l) in lines().enumerate().skip(1) {
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                if reads_as_row(l, self.delimiter, self.headers.len(), &shape) {
                    let column = column();
                    anyhow::bail!(
                        "{}:{line}: unbalanced quote: a quote in {column} opens a field that runs \
                         on over line {}, which reads as an award of its own ({:?}); close or \
                         remove the quote (a literal quote inside a quoted field is written \
                         twice: \"\")",
                        self.name,
                        line + k as u64,
                        String::from_utf8_lossy(&l[..l.len().min(60)])
                    );
                }
            }
        }
        Ok(())
    }
}

/// Whether a row names a known title or abstract column (is a header).
fn names_known_columns(r: &Rec) -> bool {
    let cells: Vec<String> = r
        .record
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    columns::looks_like_header(&cells)
}

/// Excel's first line `sep=X`, read with X as the delimiter.
fn is_sep_line(record: &ByteRecord) -> bool {
    let first = record.get(0).unwrap_or_default();
    let first = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first);
    match record.len() {
        1 => first.starts_with(b"sep=") && first.len() == 5,
        2 => first == b"sep=" && record[1].is_empty(),
        _ => false,
    }
}

/// Fails when the header row ran over several lines and took data rows with it (a stray quote
/// in a column name): every award would vanish into the header.
fn check_header(rec: &Rec, headers: &[String], delimiter: u8, name: &str) -> Result<()> {
    let Some(raw) = &rec.meta.raw else {
        return Ok(());
    };
    let odd = memchr::memchr_iter(b'"', raw).count() % 2 == 1;
    let rows_inside = raw
        .split(|&b| b == b'\n')
        .skip(1)
        .any(|l| l.contains(&delimiter));
    if odd || rows_inside {
        let column = headers
            .iter()
            .position(|h| h.contains('\n'))
            .map(|i| format!("column {}", i + 1))
            .unwrap_or_else(|| "a column name".into());
        anyhow::bail!(
            "{name}:{}: unbalanced quote in the header: a quote in {column} opens a name that \
             runs on over the lines after it, so the data rows would vanish into the header; \
             close or remove the quote",
            rec.meta.line
        );
    }
    Ok(())
}

/// The shape of a value that looks like an award id (no spaces, at most 40 characters, a digit
/// in it): runs of digits become `9` and runs of letters `a`, so `MR/N012345/1` and
/// `MR/P0234/2` have one shape.
fn id_shape(field: &[u8]) -> Option<String> {
    let f = std::str::from_utf8(field).ok()?.trim();
    if f.is_empty()
        || f.len() > 40
        || f.chars().any(char::is_whitespace)
        || !f.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut shape = String::new();
    for c in f.chars() {
        let class = if c.is_ascii_digit() {
            '9'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if !shape.ends_with(class) || !matches!(class, '9' | 'a') {
            shape.push(class);
        }
    }
    Some(shape)
}

/// Whether a line, read on its own, is a whole row: the header's number of fields and a first
/// field with the shape of the ids around it.
fn reads_as_row(line: &[u8], delimiter: u8, width: usize, shape: &str) -> bool {
    // Cheap necessary conditions first: a whole row has at least width - 1 delimiters, and an
    // unquoted first field of the ids' shape. Building a CSV reader costs far more than reading
    // the line, and most lines of a multi-line abstract fail these at once.
    if memchr::memchr_iter(delimiter, line).count() + 1 < width {
        return false;
    }
    if !line.starts_with(b"\"") {
        let first = line.split(|&b| b == delimiter).next().unwrap_or_default();
        if id_shape(first).as_deref() != Some(shape) {
            return false;
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let mut record = ByteRecord::new();
    matches!(reader.read_byte_record(&mut record), Ok(true))
        && record.len() == width
        && record.get(0).and_then(id_shape).as_deref() == Some(shape)
}

impl RowSource for CsvSource {
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool> {
        let Some(meta) = self.read()? else {
            return Ok(false);
        };
        self.check_quotes(&meta)?;
        let record = &self.record;
        row.line = meta.line;
        let width = self.headers.len();
        if record.len() != width {
            row.problems.push(format!(
                "row has {} field(s) but the header has {width}",
                record.len(),
            ));
        }
        for &col in &self.wanted {
            let mut value = row.take_string();
            if let Some(bytes) = record.get(col) {
                decode_field_into(bytes, &mut value, &mut row.problems, || {
                    format!("column {:?}", self.headers[col])
                });
            }
            row.values.push(value);
        }
        for (i, f) in record.iter().enumerate().skip(width) {
            if i > width {
                row.extra.push(self.delimiter as char);
            }
            let v = decode_field(f, &mut row.problems, || format!("field {}", i + 1));
            row.extra.push_str(&v);
        }
        Ok(true)
    }
}

/// Reads the next record that is not a blank line, without the \r of a CRLF line end.
fn read_record(
    reader: &mut csv::Reader<RawWindow>,
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
        if record.get(last).is_some_and(|f| f.ends_with(b"\r")) {
            // A reused buffer: every row of a CRLF file comes through here.
            thread_local! {
                static TRIMMED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            TRIMMED.with(|t| {
                let trimmed = &mut *t.borrow_mut();
                let f = &record[last];
                trimmed.clear();
                trimmed.extend_from_slice(&f[..f.len() - 1]);
                record.truncate(last);
                record.push_field(trimmed);
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        assert_eq!(id_shape(b"MR/N012345/1"), id_shape(b"MR/P0234/2"));
        assert_eq!(id_shape(b"7"), id_shape(b"1234"));
        assert_ne!(id_shape(b"AWD-001"), id_shape(b"7"));
        assert_eq!(id_shape(b"In 2019"), None);
        assert_eq!(id_shape(b"Asthma"), None);
    }

    #[test]
    fn a_line_reads_as_a_row_with_the_header_width_and_an_id() {
        let shape = id_shape(b"1").unwrap();
        assert!(reads_as_row(b"2,Glaucoma,fine row", b',', 3, &shape));
        assert!(reads_as_row(b"3,Stroke,closes here\"", b',', 3, &shape));
        assert!(!reads_as_row(b"In 2019, we found, that", b',', 3, &shape));
        assert!(!reads_as_row(b"2,Glaucoma", b',', 3, &shape));
    }
}
