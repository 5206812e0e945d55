//! Reading awards: CSV and TSV (gzip read transparently), XLSX and JSON lines, from files or
//! standard input, with the id, title and abstract columns chosen or detected.
//!
//! Every data row becomes exactly one [`Award`], in order, even when it is damaged: a row that
//! cannot be read cleanly carries its problems with it so the output can say what happened to it.

mod csv_source;
mod jsonl_source;
mod xlsx_source;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;

use crate::error::UsageError;

/// Detected column names, in order of preference (compared case-insensitively, ignoring spaces,
/// underscores and hyphens).
pub const TITLE_NAMES: &[&str] = &[
    "AwardTitle",
    "title",
    "project_title",
    "tittel",
    "prosjekttittel",
];
pub const ABSTRACT_NAMES: &[&str] = &[
    "AwardAbstract",
    "abstract",
    "scientific_abstract",
    "summary",
    "sammendrag",
    "prosjektsammendrag",
];
pub const ID_NAMES: &[&str] = &[
    "OrganisationReference",
    "HRCS2022_ID",
    "id",
    "project_id",
    "prosjektnummer",
];

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Csv,
    Tsv,
    Xlsx,
    Jsonl,
}

/// Where an input comes from.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// `None` for standard input (or `bytes`).
    pub path: Option<PathBuf>,
    /// An input held in memory (library use, tests, fuzzing); read instead of standard input.
    pub bytes: Option<std::sync::Arc<[u8]>>,
}

impl InputSpec {
    pub fn parse(arg: &str) -> InputSpec {
        InputSpec {
            path: (arg != "-").then(|| PathBuf::from(arg)),
            bytes: None,
        }
    }
    /// An input in memory, named `name` in messages (its extension counts as a file's would).
    pub fn from_bytes(name: &str, bytes: impl Into<std::sync::Arc<[u8]>>) -> InputSpec {
        InputSpec {
            path: Some(PathBuf::from(name)),
            bytes: Some(bytes.into()),
        }
    }
    /// Parses the INPUT arguments of a command; standard input can be named only once.
    pub fn parse_all(args: &[String]) -> Result<Vec<InputSpec>> {
        if args.iter().filter(|a| *a == "-").count() > 1 {
            return Err(UsageError("standard input (-) can be read only once".into()).into());
        }
        Ok(args.iter().map(|a| InputSpec::parse(a)).collect())
    }
    /// The name used in messages.
    pub fn display(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// How to read inputs: format and column choices from the command line.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub format: Option<InputFormat>,
    pub delimiter: Option<u8>,
    pub sheet: Option<String>,
    pub id_column: Option<String>,
    pub title_column: Option<String>,
    pub abstract_columns: Vec<String>,
    /// Decode every column, to pass them through (`--keep`).
    pub keep_all: bool,
    /// An award without a title takes the first sentence of its abstract as the title.
    pub first_sentence_title: bool,
}

/// The command-line options that say how to read award inputs, shared by `code`, `diff` and
/// `eval`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InputArgs {
    /// Column holding the award id
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Column holding the title ('' for none)
    #[arg(long, value_name = "COL")]
    pub title: Option<String>,
    /// Column holding abstract text; repeat to join several columns
    #[arg(long = "abstract", value_name = "COL")]
    pub abstracts: Vec<String>,
    /// Input format, when the file name does not tell
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Field delimiter of CSV input: one character or 'tab' (default: from the extension or the header line)
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR")]
    pub delimiter: Option<u8>,
    /// Sheet of an XLSX input (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// For awards without a title: the abstract's first sentence is the title (PubMed-style
    /// records that put the title first)
    #[arg(long)]
    pub first_sentence_title: bool,
}

impl InputArgs {
    /// The reading options these arguments ask for; `keep_all` decodes every column.
    pub fn read_options(&self, keep_all: bool) -> ReadOptions {
        ReadOptions {
            format: self.input_format,
            delimiter: self.delimiter,
            sheet: self.sheet.clone(),
            id_column: self.id.clone(),
            title_column: self.title.clone(),
            abstract_columns: self.abstracts.clone(),
            keep_all,
            first_sentence_title: self.first_sentence_title,
        }
    }
}

/// One input row, ready to code.
#[derive(Debug, Clone, Default)]
pub struct Award {
    /// The input it came from, as named in messages.
    pub source: std::sync::Arc<str>,
    /// 1-based data row number within its input.
    pub row: u64,
    /// Line (CSV, JSON lines) or sheet row (XLSX) where the row starts.
    pub line: u64,
    pub id: String,
    pub title: String,
    pub text: String,
    /// Every input column, when kept.
    pub kept: Vec<String>,
    /// What was wrong with the row as read (ragged, bad encoding, unparsable line).
    pub problems: Vec<String>,
}

/// A raw row from a source: the values of the requested columns.
#[derive(Debug, Default)]
pub struct RawRow {
    pub line: u64,
    pub values: Vec<String>,
    pub problems: Vec<String>,
}

/// A table-shaped source of rows.
pub trait RowSource: Send {
    /// Reads the next row's requested columns into `row`; `Ok(false)` at the end.
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool>;
}

/// An opened input with its columns resolved.
pub struct Input {
    pub spec: InputSpec,
    name: std::sync::Arc<str>,
    pub headers: Vec<String>,
    source: Box<dyn RowSource>,
    /// Positions within the requested-values vector.
    id_at: Option<usize>,
    title_at: Option<usize>,
    abstract_at: Vec<usize>,
    keep: bool,
    first_sentence_title: bool,
    rows: u64,
}

impl Input {
    /// Opens an input, detects its format and resolves its columns. Errors name the input and,
    /// for columns, list the columns found.
    pub fn open(spec: InputSpec, opts: &ReadOptions) -> Result<Input> {
        let name = spec.display();
        let (headers, source): (Vec<String>, MakeSource) = match open_stream(&spec, opts.format)? {
            Detected::Delimited(sniffed, reader) => {
                let delimiter = opts.delimiter.unwrap_or(sniffed);
                let (headers, make) = csv_source::open(reader, delimiter, &name)?;
                (headers, Box::new(make))
            }
            Detected::Xlsx(bytes) => {
                let (headers, make) =
                    xlsx_source::open(bytes, spec.path.as_deref(), opts.sheet.as_deref(), &name)?;
                (headers, Box::new(make))
            }
            Detected::Jsonl(reader) => {
                let (headers, make) = jsonl_source::open(reader, &name)?;
                (headers, Box::new(make))
            }
        };
        let find = |wanted: &str, what: &str| -> Result<usize> {
            position(&headers, wanted).ok_or_else(|| {
                UsageError(format!(
                    "{name}: no {what} column named {wanted:?}; the columns are: {}",
                    list_columns(&headers)
                ))
                .into()
            })
        };
        let detect = |names: &[&str]| names.iter().find_map(|n| position(&headers, n));
        let id = match &opts.id_column {
            Some(c) => Some(find(c, "id")?),
            None => detect(ID_NAMES),
        };
        let title = match &opts.title_column {
            Some(c) if c.is_empty() => None,
            Some(c) => Some(find(c, "title")?),
            None => detect(TITLE_NAMES),
        };
        let abstracts = if opts.abstract_columns.is_empty() {
            detect(ABSTRACT_NAMES).into_iter().collect::<Vec<_>>()
        } else {
            opts.abstract_columns
                .iter()
                .map(|c| find(c, "abstract"))
                .collect::<Result<Vec<_>>>()?
        };
        if abstracts.is_empty() && title.is_none() {
            return Err(UsageError(format!(
                "{name}: found no title or abstract column (looked for {} and {}); the columns are: {}. \
                 Name them with --title COL and --abstract COL",
                TITLE_NAMES.join("/"),
                ABSTRACT_NAMES.join("/"),
                list_columns(&headers)
            ))
            .into());
        }
        // A column the run reads must be unambiguous: with two columns of the same name, which
        // one holds the abstract is a guess.
        for (what, col) in [("id", id), ("title", title)]
            .into_iter()
            .chain(abstracts.iter().map(|&c| ("abstract", Some(c))))
        {
            let Some(col) = col else { continue };
            let same: Vec<String> = (0..headers.len())
                .filter(|&i| headers[i].trim().eq_ignore_ascii_case(headers[col].trim()))
                .map(|i| (i + 1).to_string())
                .collect();
            if same.len() > 1 {
                return Err(UsageError(format!(
                    "{name}: the {what} column {:?} appears {} times (columns {}); rename the \
                     duplicates so it is clear which one to read",
                    headers[col].trim(),
                    same.len(),
                    same.join(", ")
                ))
                .into());
            }
        }
        // Columns to decode: all of them when kept, else only the ones coding needs.
        let mut wanted: Vec<usize> = if opts.keep_all {
            (0..headers.len()).collect()
        } else {
            Vec::new()
        };
        let mut slot = |col: usize| -> usize {
            match wanted.iter().position(|&c| c == col) {
                Some(i) => i,
                None => {
                    wanted.push(col);
                    wanted.len() - 1
                }
            }
        };
        let id_at = id.map(&mut slot);
        let title_at = title.map(&mut slot);
        let abstract_at = abstracts.into_iter().map(&mut slot).collect();
        Ok(Input {
            name: name.as_str().into(),
            spec,
            source: source(wanted),
            headers,
            id_at,
            title_at,
            abstract_at,
            keep: opts.keep_all,
            first_sentence_title: opts.first_sentence_title,
            rows: 0,
        })
    }

    /// Reads the next award, or `None` at the end of the input.
    pub fn next_award(&mut self, raw: &mut RawRow) -> Result<Option<Award>> {
        raw.values.clear();
        raw.problems.clear();
        if !self.source.next_row(raw)? {
            return Ok(None);
        }
        self.rows += 1;
        let get = |i: Option<usize>| {
            i.and_then(|i| raw.values.get(i))
                .map(|s| s.as_str())
                .unwrap_or("")
        };
        let id = match self.id_at {
            Some(i) => get(Some(i)).trim().to_string(),
            None => self.rows.to_string(),
        };
        let mut text = String::new();
        for &i in &self.abstract_at {
            let part = get(Some(i)).trim();
            if !part.is_empty() {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(part);
            }
        }
        let mut title = get(self.title_at).trim().to_string();
        if self.first_sentence_title && title.is_empty() {
            (title, text) = split_first_sentence(text);
        }
        Ok(Some(Award {
            source: self.name.clone(),
            row: self.rows,
            line: raw.line,
            id,
            title,
            text,
            kept: if self.keep {
                raw.values[..self.headers.len().min(raw.values.len())].to_vec()
            } else {
                Vec::new()
            },
            problems: std::mem::take(&mut raw.problems),
        }))
    }
}

/// The first sentence of a text and the rest; a text of one sentence stays the abstract.
fn split_first_sentence(text: String) -> (String, String) {
    let mut starts = Vec::new();
    crate::text::sentence_starts(&text, &mut starts);
    match starts.get(1) {
        Some(&at) => {
            let (first, rest) = text.split_at(at as usize);
            (first.trim().to_string(), rest.trim().to_string())
        }
        None => (String::new(), text),
    }
}

fn normalise_column(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// The first column whose name matches `wanted`: exactly (ignoring case), or ignoring spaces,
/// underscores and hyphens as well.
fn position(headers: &[String], wanted: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(wanted.trim()))
        .or_else(|| {
            let w = normalise_column(wanted);
            headers.iter().position(|h| normalise_column(h) == w)
        })
}

fn list_columns(headers: &[String]) -> String {
    if headers.is_empty() {
        return "(none)".into();
    }
    headers
        .iter()
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) type Stream = BufReader<Box<dyn Read + Send>>;

/// Builds a row source once the columns to decode are known.
pub(crate) type MakeSource = Box<dyn FnOnce(Vec<usize>) -> Box<dyn RowSource>>;

enum Detected {
    Delimited(u8, Stream),
    Xlsx(Vec<u8>),
    Jsonl(Stream),
}

/// Opens the byte stream of an input, undoing gzip (by magic bytes), and decides its format:
/// `--input-format`, else the file extension, else a look at the first bytes.
fn open_stream(spec: &InputSpec, forced: Option<InputFormat>) -> Result<Detected> {
    let name = spec.display();
    let raw: Box<dyn Read + Send> = match (&spec.bytes, &spec.path) {
        (Some(bytes), _) => Box::new(std::io::Cursor::new(bytes.clone())),
        (None, Some(p)) => {
            Box::new(File::open(p).with_context(|| format!("{name}: cannot open the input file"))?)
        }
        (None, None) => Box::new(std::io::stdin()),
    };
    let mut peek = BufReader::with_capacity(1 << 16, raw);
    let head = peek
        .fill_buf()
        .with_context(|| format!("{name}: cannot read"))?;
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let zipped = head.starts_with(b"PK\x03\x04");
    let reader: Box<dyn Read + Send> = if gzipped {
        Box::new(MultiGzDecoder::new(peek))
    } else {
        Box::new(peek)
    };
    let mut stream: Stream = BufReader::with_capacity(1 << 18, reader);
    // Excel's "Unicode text" and some Windows tools write UTF-16 with a byte-order mark: read it
    // whole and carry on in UTF-8 (such files are small; everything else streams).
    let head = stream
        .fill_buf()
        .with_context(|| format!("{name}: cannot read"))?;
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        let encoding = if head[0] == 0xff {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let mut bytes = Vec::new();
        stream
            .read_to_end(&mut bytes)
            .with_context(|| format!("{name}: cannot read"))?;
        let (text, _, _) = encoding.decode(&bytes);
        let utf8: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(text.into_owned()));
        stream = BufReader::with_capacity(1 << 18, utf8);
    }
    let by_extension = spec.path.as_deref().and_then(format_from_extension);
    let format = match forced.or(by_extension) {
        Some(f) => Some(f),
        None if zipped => Some(InputFormat::Xlsx),
        None => None,
    };
    let head = stream
        .fill_buf()
        .with_context(|| format!("{name}: cannot read"))?
        .to_vec();
    let detected = match format {
        Some(InputFormat::Xlsx) => {
            let mut bytes = Vec::new();
            stream
                .read_to_end(&mut bytes)
                .with_context(|| format!("{name}: cannot read"))?;
            Detected::Xlsx(bytes)
        }
        Some(InputFormat::Jsonl) => Detected::Jsonl(stream),
        Some(InputFormat::Tsv) => Detected::Delimited(b'\t', stream),
        Some(InputFormat::Csv) => Detected::Delimited(sniff_delimiter(&head), stream),
        None if head
            .iter()
            .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
            == Some(&b'{') =>
        {
            Detected::Jsonl(stream)
        }
        None => Detected::Delimited(sniff_delimiter(&head), stream),
    };
    Ok(detected)
}

fn format_from_extension(path: &Path) -> Option<InputFormat> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.')?.1;
    match ext {
        "csv" => Some(InputFormat::Csv),
        "tsv" | "tab" => Some(InputFormat::Tsv),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Some(InputFormat::Xlsx),
        "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
        _ => None,
    }
}

/// The delimiter of a CSV-like text from its first line: the most frequent of comma, tab and
/// semicolon (spreadsheets in Norway write `;`), comma on a tie.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    let (comma, tab, semi) = (count(b','), count(b'\t'), count(b';'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma && semi > tab {
        b';'
    } else {
        b','
    }
}

/// Parses a `--delimiter` value: one character, or `tab`/`\t`.
pub fn parse_delimiter(s: &str) -> std::result::Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "{s:?} is not a one-character delimiter (use , ; | or tab)"
        )),
    }
}

/// Decodes a field: UTF-8 when valid, else Windows-1252 (what Excel writes on Western Windows
/// systems), with a problem note so the row is flagged. `what` names the field for that note
/// ("column \"abstract\"", "the line"); it is only called when the note is needed.
pub(crate) fn decode_field(
    bytes: &[u8],
    problems: &mut Vec<String>,
    what: impl FnOnce() -> String,
) -> String {
    if bytes.contains(&0) {
        // NUL bytes are never text (a UTF-16 file read as bytes, a damaged export): dropped.
        let what = what();
        let note = format!("{what} contains NUL bytes: removed");
        if !problems.contains(&note) {
            problems.push(note);
        }
        let kept: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).collect();
        return decode_text(&kept, problems, || what);
    }
    decode_text(bytes, problems, what)
}

fn decode_text(bytes: &[u8], problems: &mut Vec<String>, what: impl FnOnce() -> String) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let note = format!("{} is not UTF-8: decoded as Windows-1252", what());
            if !problems.contains(&note) {
                problems.push(note);
            }
            bytes.iter().map(|&b| windows_1252(b)).collect()
        }
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Fails unless there is at least a header.
pub(crate) fn require_header(headers: &[String], name: &str) -> Result<()> {
    if headers.is_empty() {
        bail!("{name}: the input is empty (not even a header row); give a file with a header row and one award per row");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_matching_is_forgiving() {
        let h: Vec<String> = ["Project Title", "AWARDABSTRACT", "id"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(position(&h, "project_title"), Some(0));
        assert_eq!(position(&h, "AwardAbstract"), Some(1));
        assert_eq!(position(&h, "ID"), Some(2));
        assert_eq!(position(&h, "summary"), None);
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert!(parse_delimiter("ab").is_err());
    }

    #[test]
    fn windows_1252_fallback() {
        let mut p = Vec::new();
        assert_eq!(
            decode_field(b"Sj\xf6gren \x93quoted\x94", &mut p, || {
                "column \"abstract\"".into()
            }),
            "Sjögren “quoted”"
        );
        assert_eq!(p.len(), 1);
    }
}
