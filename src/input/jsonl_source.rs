//! JSON lines: one object per line. The columns are the keys of the first object; a line that is
//! not a JSON object still yields a row, carrying its problem, so no award is lost.

use std::io::BufRead;

use anyhow::{anyhow, Context, Result};
use serde_json::{Map, Value};

use super::{decode_field, require_header, RawRow, RowSource, Stream, Table};

struct JsonlSource {
    stream: Stream,
    headers: Vec<String>,
    wanted: Vec<usize>,
    /// The first object, read to learn the columns, with its line and problems.
    pending: Option<(u64, Map<String, Value>, Vec<String>)>,
    line_no: u64,
    buf: String,
    name: String,
}

pub(super) fn open(mut stream: Stream, name: &str) -> Result<Table> {
    let mut buf = String::new();
    let mut line_no = 0;
    let mut problems = Vec::new();
    let first = loop {
        buf.clear();
        problems.clear();
        let n = read_line(&mut stream, &mut buf, &mut problems, name, line_no + 1)?;
        if n == 0 {
            break None;
        }
        line_no += 1;
        let text = buf.trim().trim_start_matches('\u{feff}');
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => break Some((line_no, map, problems)),
            Ok(_) => return Err(anyhow!("{name}:{line_no}: the first line is not a JSON object; JSON lines input needs one object per line")),
            Err(e) => return Err(anyhow!("{name}:{line_no}:{}: not valid JSON: {e}", e.column())),
        }
    };
    let headers: Vec<String> = first
        .as_ref()
        .map(|(_, m, _)| m.keys().cloned().collect())
        .unwrap_or_default();
    require_header(&headers, name)?;
    let name = name.to_string();
    let h = headers.clone();
    Ok(Table {
        headers,
        make: Box::new(move |wanted| {
            Box::new(JsonlSource {
                stream,
                headers: h,
                wanted,
                pending: first,
                line_no,
                buf,
                name,
            }) as Box<dyn RowSource>
        }),
        hint: None,
        header_note: None,
    })
}

/// Reads one line into `buf`. A line that is not UTF-8 is read as Windows-1252, as in CSV, with a
/// note in `problems` so its row is flagged.
fn read_line(
    stream: &mut Stream,
    buf: &mut String,
    problems: &mut Vec<String>,
    name: &str,
    line: u64,
) -> Result<usize> {
    let mut bytes = Vec::new();
    let n = stream
        .read_until(b'\n', &mut bytes)
        .with_context(|| format!("{name}:{line}: cannot read the input"))?;
    buf.push_str(&decode_field(&bytes, problems, || "the line".into()));
    Ok(n)
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl RowSource for JsonlSource {
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool> {
        let (line, parsed) = match self.pending.take() {
            Some((line, map, problems)) => {
                row.problems.extend(problems);
                (line, Ok(map))
            }
            None => loop {
                self.buf.clear();
                row.problems.clear();
                let n = read_line(
                    &mut self.stream,
                    &mut self.buf,
                    &mut row.problems,
                    &self.name,
                    self.line_no + 1,
                )?;
                if n == 0 {
                    return Ok(false);
                }
                self.line_no += 1;
                let text = self.buf.trim();
                if text.is_empty() {
                    continue;
                }
                let parsed = match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(map)) => Ok(map),
                    Ok(_) => Err("line is not a JSON object".to_string()),
                    Err(e) => Err(format!("column {}: not valid JSON: {e}", e.column())),
                };
                break (self.line_no, parsed);
            },
        };
        row.line = line;
        match parsed {
            Ok(map) => {
                for &col in &self.wanted {
                    row.values.push(
                        map.get(&self.headers[col])
                            .map(value_text)
                            .unwrap_or_default(),
                    );
                }
                // Keys the first object did not have are kept whole, as an object.
                let extra: Map<String, Value> = map
                    .into_iter()
                    .filter(|(k, _)| !self.headers.contains(k))
                    .collect();
                if !extra.is_empty() {
                    row.extra = Value::Object(extra).to_string();
                }
            }
            Err(problem) => {
                row.problems.push(problem);
                row.values.extend(self.wanted.iter().map(|_| String::new()));
            }
        }
        Ok(true)
    }
}
