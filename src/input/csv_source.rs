//! CSV and TSV rows, parsed as bytes with a reused record; only the requested columns are
//! decoded.

use anyhow::Result;
use csv::ByteRecord;

use super::{decode_field, require_header, MakeSource, RawRow, RowSource, Stream};

struct CsvSource {
    reader: csv::Reader<Stream>,
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
        .from_reader(stream);
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
        row.line = self.record.position().map(|p| p.line()).unwrap_or(0);
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
    reader: &mut csv::Reader<Stream>,
    record: &mut ByteRecord,
    name: &str,
) -> Result<bool> {
    loop {
        if !reader
            .read_byte_record(record)
            .map_err(|e| csv_error(e, name))?
        {
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

fn csv_error(e: csv::Error, name: &str) -> anyhow::Error {
    let at = match e.position() {
        Some(p) => format!("{name}:{}", p.line()),
        None => name.to_string(),
    };
    let detail = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    };
    anyhow::anyhow!(
        "{at}: cannot read the input: {detail}; check that the file is complete and is CSV or TSV"
    )
}
