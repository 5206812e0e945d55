//! Reading awards: CSV and TSV (gzip read transparently), XLSX and JSON lines, from files or
//! standard input, with the id, title and abstract columns chosen or detected.
//!
//! Every data row becomes exactly one [`Award`], in order, even when it is damaged: a row that
//! cannot be read cleanly carries its problems with it so the output can say what happened to it.

pub mod columns;
mod csv_source;
mod jsonl_source;
mod xlsx_source;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use flate2::read::MultiGzDecoder;

use crate::error::UsageError;
use columns::Role;

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
    /// Lines (sheet rows) above the header to skip; `None` finds the header by its names.
    pub skip_rows: Option<u64>,
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
    /// Column holding abstract text; repeat to join several columns ('' for none: code from titles alone)
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
    /// Skip N lines (sheet rows) of titles or notes above the header (default: a header row
    /// naming a known title or abstract column is found within the first 20 rows)
    #[arg(long, value_name = "N")]
    pub skip_rows: Option<u64>,
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
            skip_rows: self.skip_rows,
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
    /// Every input column, when kept, then the row's fields beyond the header (`input_extra`).
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
    /// Fields beyond the header's width (a ragged row), as the input wrote them: CSV fields joined
    /// by the delimiter, spreadsheet cells by tabs, JSON keys the first object lacked as an object.
    pub extra: String,
    /// Emptied value strings of earlier rows, for reuse.
    spare: Vec<String>,
}

impl RawRow {
    /// Empties the row for the next one, keeping the value strings for reuse
    /// ([`RawRow::take_string`]).
    pub fn recycle(&mut self) {
        // At most a row's worth are kept: sources that do not take spares (JSON lines,
        // spreadsheets) must not pile them up.
        let keep = self.values.len();
        for mut v in self.values.drain(..) {
            if self.spare.len() < keep {
                v.clear();
                self.spare.push(v);
            }
        }
        self.problems.clear();
        self.extra.clear();
    }

    /// An empty string for a value, reusing one of the previous row's.
    pub fn take_string(&mut self) -> String {
        self.spare.pop().unwrap_or_default()
    }
}

/// A table-shaped source of rows.
pub trait RowSource: Send {
    /// Reads the next row's requested columns into `row`; `Ok(false)` at the end.
    fn next_row(&mut self, row: &mut RawRow) -> Result<bool>;
}

/// What a source's `open` found: the header, a constructor for the rows, and advice to add to a
/// column error (the sheets of a workbook, a delimiter that looks wrong).
pub(crate) struct Table {
    pub headers: Vec<String>,
    pub make: MakeSource,
    pub hint: Option<String>,
    /// Where the header was found, when rows above it were skipped.
    pub header_note: Option<String>,
}

/// The name of the column that `--keep` adds for the fields of ragged rows beyond the header.
pub const EXTRA_COLUMN: &str = "input_extra";

/// Rows read to look for long text when no abstract column is recognised.
const SAMPLE_ROWS: usize = 200;
/// Mean length (characters, non-empty cells) from which a column counts as long text.
const LONG_TEXT: usize = 150;

/// An opened input with its columns resolved.
pub struct Input {
    pub spec: InputSpec,
    name: std::sync::Arc<str>,
    pub headers: Vec<String>,
    source: Box<dyn RowSource>,
    /// Rows read ahead while detecting columns, handed out first.
    pending: VecDeque<RawRow>,
    /// Positions within the requested-values vector.
    id_at: Option<usize>,
    title_at: Option<usize>,
    abstract_at: Vec<usize>,
    keep: bool,
    first_sentence_title: bool,
    rows: u64,
    /// Which columns give the id, title and abstract, for the note on stderr.
    note: String,
}

/// The columns a run reads, as header positions.
struct Chosen {
    id: Option<usize>,
    title: Option<usize>,
    abstracts: Vec<usize>,
    /// No abstract column named or recognised (as opposed to `--abstract ''`).
    abstract_missing: bool,
}

impl Input {
    /// Opens an input, detects its format and resolves its columns. Errors name the input and,
    /// for columns, list the columns found.
    pub fn open(spec: InputSpec, opts: &ReadOptions) -> Result<Input> {
        let name = spec.display();
        let table = match open_stream(&spec, opts.format)? {
            Detected::Delimited(sniffed, reader, hint) => {
                let delimiter = opts.delimiter.unwrap_or(sniffed);
                let mut t = csv_source::open(reader, delimiter, opts.skip_rows, &name)?;
                if opts.delimiter.is_none() {
                    t.hint = hint.or(t.hint);
                }
                t
            }
            Detected::Xlsx(bytes) => {
                xlsx_source::open(bytes, opts.sheet.as_deref(), opts.skip_rows, &name)?
            }
            Detected::Jsonl(reader) => jsonl_source::open(reader, &name)?,
        };
        let Table {
            headers,
            make,
            hint,
            header_note,
        } = table;
        let hint = hint.map(|h| format!(". {h}")).unwrap_or_default();
        let chosen = choose_columns(&headers, opts, &name, &hint)?;
        // With no abstract column recognised, look at the first rows before coding from titles
        // alone: a column of long text is an abstract under a name nobody told us.
        let sample = chosen.abstract_missing;
        let all = opts.keep_all || sample;
        let mut wanted: Vec<usize> = if all {
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
        let id_at = chosen.id.map(&mut slot);
        let title_at = chosen.title.map(&mut slot);
        let abstract_at = chosen.abstracts.iter().map(|&c| slot(c)).collect();
        let mut source = make(wanted);
        let mut pending = VecDeque::new();
        if sample {
            for _ in 0..SAMPLE_ROWS {
                let mut raw = RawRow::default();
                if !source.next_row(&mut raw)? {
                    break;
                }
                pending.push_back(raw);
            }
            refuse_unnamed_text(&headers, &chosen, &pending, &name, &hint)?;
        }
        refuse_no_text(&headers, &chosen, &name, &hint)?;
        let mut note = column_note(&headers, &chosen);
        if let Some(h) = header_note {
            note.push_str("; ");
            note.push_str(&h);
        }
        Ok(Input {
            name: name.as_str().into(),
            spec,
            source,
            pending,
            headers,
            id_at,
            title_at,
            abstract_at,
            keep: opts.keep_all,
            first_sentence_title: opts.first_sentence_title,
            rows: 0,
            note,
        })
    }

    /// Which columns this input is read from (id, title, abstract), for one line on stderr.
    pub fn columns_note(&self) -> String {
        format!("{}: {}", self.name, self.note)
    }

    /// The input columns `--keep` passes through: the header, then [`EXTRA_COLUMN`].
    pub fn kept_columns(&self) -> Vec<String> {
        let mut k = self.headers.clone();
        k.push(EXTRA_COLUMN.to_string());
        k
    }

    /// Reads the next award, or `None` at the end of the input.
    pub fn next_award(&mut self, raw: &mut RawRow) -> Result<Option<Award>> {
        let mut award = Award::default();
        Ok(self.read_award(raw, &mut award)?.then_some(award))
    }

    /// Reads the next award into `award`, reusing its strings (and `raw`'s), so a reader that
    /// recycles its awards allocates nothing per row once they have grown; `Ok(false)` at the
    /// end.
    pub fn read_award(&mut self, raw: &mut RawRow, award: &mut Award) -> Result<bool> {
        if let Some(r) = self.pending.pop_front() {
            *raw = r;
        } else {
            raw.recycle();
            if !self.source.next_row(raw)? {
                return Ok(false);
            }
        }
        self.rows += 1;
        let get = |i: Option<usize>| {
            i.and_then(|i| raw.values.get(i))
                .map(|s| s.as_str())
                .unwrap_or("")
        };
        award.id.clear();
        match self.id_at {
            Some(i) => award.id.push_str(get(Some(i)).trim()),
            None => {
                use std::fmt::Write;
                let _ = write!(award.id, "{}", self.rows);
            }
        }
        award.text.clear();
        for &i in &self.abstract_at {
            let part = get(Some(i)).trim();
            if !part.is_empty() {
                if !award.text.is_empty() {
                    award.text.push_str("\n\n");
                }
                award.text.push_str(part);
            }
        }
        award.title.clear();
        award.title.push_str(get(self.title_at).trim());
        if self.first_sentence_title && award.title.is_empty() {
            (award.title, award.text) = split_first_sentence(std::mem::take(&mut award.text));
        }
        award.kept.clear();
        if self.keep {
            award
                .kept
                .extend_from_slice(&raw.values[..self.headers.len().min(raw.values.len())]);
            award.kept.resize(self.headers.len(), String::new());
            award.kept.push(std::mem::take(&mut raw.extra));
        }
        if !std::sync::Arc::ptr_eq(&award.source, &self.name) {
            award.source = self.name.clone();
        }
        award.row = self.rows;
        award.line = raw.line;
        award.problems.clear();
        award.problems.append(&mut raw.problems);
        for s in [&mut award.id, &mut award.title, &mut award.text] {
            bound_room(s);
        }
        Ok(true)
    }
}

/// Room a recycled award's string keeps beyond its text: awards are read into the strings of
/// earlier ones (no allocation per row), but one very long abstract must not keep its room in
/// that slot for the rest of the run, or memory would creep up with the length of the input.
const RECYCLED_ROOM: usize = 16 << 10;

/// Gives back the room of a string grown past [`RECYCLED_ROOM`] by an earlier, longer row.
fn bound_room(s: &mut String) {
    if s.capacity() > RECYCLED_ROOM && s.len() < RECYCLED_ROOM {
        s.shrink_to(RECYCLED_ROOM);
    }
}

/// Resolves the id, title and abstract columns: named ones must exist, the rest are detected
/// from [`columns::KNOWN_COLUMNS`]. Errors list the columns found and end with the source's hint.
fn choose_columns(
    headers: &[String],
    opts: &ReadOptions,
    name: &str,
    hint: &str,
) -> Result<Chosen> {
    let find = |wanted: &str, what: &str| -> Result<usize> {
        columns::position(headers, wanted).ok_or_else(|| {
            UsageError(format!(
                "{name}: no {what} column named {wanted:?}; the columns are: {}{hint}",
                list_columns(headers)
            ))
            .into()
        })
    };
    let id = match &opts.id_column {
        Some(c) => Some(find(c, "id")?),
        None => columns::detect(headers, Role::Id),
    };
    let title = match &opts.title_column {
        Some(c) if c.is_empty() => None,
        Some(c) => Some(find(c, "title")?),
        None => columns::detect(headers, Role::Title),
    };
    // `--abstract ''` says "titles alone" on purpose.
    let named: Vec<&String> = opts
        .abstract_columns
        .iter()
        .filter(|c| !c.is_empty())
        .collect();
    let (abstracts, abstract_missing) = if !opts.abstract_columns.is_empty() {
        let cols = named
            .iter()
            .map(|c| find(c, "abstract"))
            .collect::<Result<Vec<_>>>()?;
        (cols, false)
    } else {
        match columns::detect(headers, Role::Abstract) {
            Some(c) => (vec![c], false),
            None => (Vec::new(), true),
        }
    };
    if abstract_missing {
        // A column named like prose but unknown to the table: ask, never ignore it.
        let unnamed: Vec<String> = (0..headers.len())
            .filter(|&i| Some(i) != id && Some(i) != title)
            .filter(|&i| columns::sounds_like_text(&headers[i]))
            .map(|i| format!("{:?}", headers[i]))
            .collect();
        if !unnamed.is_empty() {
            return Err(UsageError(format!(
                "{name}: no abstract column I recognise, but {} may hold the abstract; name it \
                 with --abstract COL (repeat to join several), or code from titles alone with \
                 --abstract ''{hint}",
                unnamed.join(", ")
            ))
            .into());
        }
    }
    refuse_duplicates(headers, id, title, &abstracts, name)?;
    Ok(Chosen {
        id,
        title,
        abstracts,
        abstract_missing,
    })
}

/// A column the run reads must be unambiguous: with two columns of the same name, which one
/// holds the abstract is a guess.
fn refuse_duplicates(
    headers: &[String],
    id: Option<usize>,
    title: Option<usize>,
    abstracts: &[usize],
    name: &str,
) -> Result<()> {
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
    Ok(())
}

/// Fails when, with no abstract column recognised, a column of the sampled rows holds long text:
/// coding from the titles alone would silently ignore it. `rows` hold every column.
fn refuse_unnamed_text(
    headers: &[String],
    chosen: &Chosen,
    rows: &VecDeque<RawRow>,
    name: &str,
    hint: &str,
) -> Result<()> {
    let long: Vec<String> = (0..headers.len())
        .filter(|&i| Some(i) != chosen.id && Some(i) != chosen.title)
        .filter(|&i| {
            let (mut chars, mut cells) = (0usize, 0usize);
            for r in rows {
                let v = r.values.get(i).map(|s| s.trim()).unwrap_or("");
                if !v.is_empty() {
                    chars += v.chars().count();
                    cells += 1;
                }
            }
            cells > 0 && chars / cells >= LONG_TEXT
        })
        .map(|i| format!("{:?}", headers[i]))
        .collect();
    if long.is_empty() {
        return Ok(());
    }
    let looked = columns::some_names(Role::Abstract);
    Err(UsageError(format!(
        "{name}: no abstract column I recognise (looked for {looked}), but {} hold(s) long \
         text; name the abstract with --abstract COL (repeat to join several), or code from \
         titles alone with --abstract ''{hint}",
        long.join(", ")
    ))
    .into())
}

/// Fails when there is neither a title nor an abstract to code.
fn refuse_no_text(headers: &[String], chosen: &Chosen, name: &str, hint: &str) -> Result<()> {
    if !chosen.abstracts.is_empty() || chosen.title.is_some() {
        return Ok(());
    }
    Err(UsageError(format!(
        "{name}: found no title or abstract column (looked for {} and {}); the columns are: \
         {}. Name them with --title COL and --abstract COL{hint}",
        columns::some_names(Role::Title),
        columns::some_names(Role::Abstract),
        list_columns(headers)
    ))
    .into())
}

/// "id from "X", title from "Y", abstract from "Z"", saying plainly what is missing.
fn column_note(headers: &[String], chosen: &Chosen) -> String {
    let col = |i: usize| format!("{:?}", headers[i]);
    let id = chosen
        .id
        .map(|i| format!("id from {}", col(i)))
        .unwrap_or_else(|| "id: row numbers (no id column)".into());
    let title = chosen
        .title
        .map(|i| format!("title from {}", col(i)))
        .unwrap_or_else(|| "no title".into());
    let abstracts = if chosen.abstracts.is_empty() {
        "no abstract: coding from titles alone".to_string()
    } else {
        let cols: Vec<String> = chosen.abstracts.iter().map(|&i| col(i)).collect();
        format!("abstract from {}", cols.join(" + "))
    };
    format!("{id}, {title}, {abstracts}")
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
    /// Delimited text: the delimiter, the stream, and advice when the delimiter the name implies
    /// does not occur in the header line.
    Delimited(u8, Stream, Option<String>),
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
    let head = stream
        .fill_buf()
        .with_context(|| format!("{name}: cannot read"))?
        .to_vec();
    // The bytes say what a file is, whatever its name: portals serve spreadsheets as .csv and
    // text as .xls.
    let by_bytes = if is_spreadsheet(&head) {
        Some(InputFormat::Xlsx)
    } else if by_extension == Some(InputFormat::Xlsx) && !head.is_empty() {
        Some(if first_visible(&head) == Some(b'{') {
            InputFormat::Jsonl
        } else {
            InputFormat::Csv
        })
    } else {
        None
    };
    let format = forced.or(by_bytes).or(by_extension);
    if format == Some(InputFormat::Xlsx) {
        let mut bytes = Vec::new();
        stream
            .read_to_end(&mut bytes)
            .with_context(|| format!("{name}: cannot read"))?;
        return Ok(Detected::Xlsx(bytes));
    }
    // Excel's "CSV (Macintosh)" ends lines with a carriage return alone: read as line feeds.
    if head.contains(&b'\r') && !head.contains(&b'\n') {
        let lf: Box<dyn Read + Send> = Box::new(CrToLf(stream));
        stream = BufReader::with_capacity(1 << 18, lf);
    }
    let detected = match format {
        Some(InputFormat::Jsonl) => Detected::Jsonl(stream),
        Some(InputFormat::Tsv) => Detected::Delimited(b'\t', stream, delimiter_hint(&head, b'\t')),
        Some(InputFormat::Csv) | Some(InputFormat::Xlsx) | None
            if format.is_some() || first_visible(&head) != Some(b'{') =>
        {
            let d = sniff_delimiter(&head);
            Detected::Delimited(d, stream, delimiter_hint(&head, d))
        }
        _ => Detected::Jsonl(stream),
    };
    Ok(detected)
}

/// Zip (XLSX, ODS) and OLE2 (old XLS) signatures.
fn is_spreadsheet(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// The first byte that is not white space or a UTF-8 byte-order mark.
fn first_visible(head: &[u8]) -> Option<u8> {
    head.iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
}

/// Advice for a header line without the delimiter in use but with another one (a comma file
/// named `.tsv`, a file separated by `|`).
fn delimiter_hint(head: &[u8], delimiter: u8) -> Option<String> {
    let line = &head[..head
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(head.len())];
    if line.contains(&delimiter) {
        return None;
    }
    let named = |d: u8| match d {
        b'\t' => "tab".to_string(),
        b',' => "comma".to_string(),
        b';' => "semicolon".to_string(),
        _ => format!("'{}'", d as char),
    };
    let (n, other) = [b',', b';', b'\t', b'|']
        .into_iter()
        .map(|d| (line.iter().filter(|&&b| b == d).count(), d))
        .max_by_key(|&(n, d)| (n, std::cmp::Reverse(d)))?;
    let shown = if other == b'\t' {
        "tab".to_string()
    } else {
        (other as char).to_string()
    };
    (n > 0).then(|| {
        format!(
            "The header line has no {} but {n} {}: if the file is separated by {}, pass \
             --delimiter '{shown}'",
            named(delimiter),
            named(other),
            named(other),
        )
    })
}

/// A reader that turns every carriage return into a line feed (for files whose lines end with
/// a carriage return alone).
struct CrToLf(Stream);

impl Read for CrToLf {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
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
    // Excel writes a first line `sep=;` to say the delimiter.
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if let Some(rest) = head.strip_prefix(b"sep=") {
        if let Some(&d) = rest
            .first()
            .filter(|_| matches!(rest.get(1), Some(b'\r' | b'\n') | None))
        {
            return d;
        }
    }
    let line_end = head
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(head.len());
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
/// [`decode_field`] into a reused string: valid UTF-8 without NUL bytes (nearly every field) is
/// copied straight in.
pub(crate) fn decode_field_into(
    bytes: &[u8],
    out: &mut String,
    problems: &mut Vec<String>,
    what: impl FnOnce() -> String,
) {
    match std::str::from_utf8(bytes) {
        Ok(s) if !bytes.contains(&0) => out.push_str(s),
        _ => out.push_str(&decode_field(bytes, problems, what)),
    }
}

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

/// Advice when the header row has at most one name: likely a title row above the real header.
pub(crate) fn title_row_hint(headers: &[String]) -> Option<String> {
    let named = headers.iter().filter(|h| !h.trim().is_empty()).count();
    (named <= 1).then(|| {
        "The header row has one name only: if rows of titles or notes stand above the real \
         header, skip them with --skip-rows N"
            .to_string()
    })
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
    fn a_recycled_string_gives_back_the_room_of_a_long_row() {
        let mut s = "x".repeat(200_000);
        s.clear();
        s.push_str("a short abstract");
        bound_room(&mut s);
        assert!(s.capacity() <= RECYCLED_ROOM, "{}", s.capacity());
        assert_eq!(s, "a short abstract");
        // Ordinary rows keep their room: no allocation per row.
        let mut s = String::with_capacity(3000);
        s.push_str("an ordinary abstract");
        bound_room(&mut s);
        assert_eq!(s.capacity(), 3000);
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
