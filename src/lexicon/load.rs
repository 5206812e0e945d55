//! Reading and validating lexicon files.
//!
//! Every file is read in full and every line checked before anything is used, so a coder sees
//! all problems of an edit at once, each with `file:line`, instead of fixing them one run at a
//! time.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::regex_plan::{Anchor, RegexPlan};
use super::{
    Entry, EntryKind, Example, Forms, Lexicon, Location, Target, TermRole, WordFormKind,
    WordFormRule,
};
use crate::hrcs::HealthCategory;
use crate::language::{Language, LanguageSet};
use crate::text::normalise_term;

include!(concat!(env!("OUT_DIR"), "/default_lexicons.rs"));

/// The plan of a regex of the embedded default set, worked out by build.rs; `None` for a
/// pattern the set does not have.
pub fn default_regex_plan(pattern: &str) -> Option<RegexPlan> {
    let i = DEFAULT_REGEX_PLANS
        .binary_search_by(|p| p.0.cmp(pattern))
        .ok()?;
    let (_, ascii, anchor, literals, word_only) = DEFAULT_REGEX_PLANS[i];
    let owned = |l: &[&[u8]]| l.iter().map(|b| b.to_vec()).collect::<Vec<_>>();
    let anchor = match anchor {
        1 => Some((Anchor::Prefix, owned(literals))),
        2 => Some((Anchor::WordSuffix, owned(literals))),
        _ => None,
    };
    Some(RegexPlan {
        ascii,
        anchor,
        word_only,
    })
}

/// Largest compiled size of one lexicon regex (bytes of the compiled program). Keeps a careless
/// pattern such as `\w{1000}` from eating memory or start-up time.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One thing wrong in a lexicon set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A lexicon set that failed validation, with every problem found.
#[derive(Debug)]
pub struct LexiconError {
    pub source: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "lexicon set {} has {} problem(s); fix them and run again (`hrcs lexicon check` lists them):",
            self.source,
            self.problems.len()
        )?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LexiconError {}

/// How much checking a set gets as it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Validation {
    /// Every check: a set from a folder, or the embedded set for `hrcs lexicon check`.
    Full,
    /// The embedded default set when coding: the checks that cost start-up time and cannot fail
    /// for it (regex syntax, duplicates, terms that normalise to nothing) are skipped, because the
    /// test suite runs the full checks on this very set (`tests::default_set_is_valid`) and
    /// `hrcs lexicon check` runs them in CI. Its regexes then compile on first use.
    Prevalidated,
}

/// The lexicon set embedded in the binary, read for coding: see [`Validation::Prevalidated`].
/// If build.rs found a regex that does not parse (an edit not yet through the tests), the set
/// gets every check, so the problem is reported with its file and line.
pub fn load_default() -> Result<Lexicon, LexiconError> {
    let validation = if DEFAULT_REGEXES_PARSE {
        Validation::Prevalidated
    } else {
        Validation::Full
    };
    parse_set(
        "(embedded default)",
        "lexicons",
        default_files(),
        validation,
    )
}

/// The lexicon set embedded in the binary with every check run, as `hrcs lexicon check` needs.
pub fn load_default_checked() -> Result<Lexicon, LexiconError> {
    parse_set(
        "(embedded default)",
        "lexicons",
        default_files(),
        Validation::Full,
    )
}

fn default_files() -> Vec<(String, FileContents)> {
    DEFAULT_LEXICON_FILES
        .iter()
        .map(|(p, c)| (p.to_string(), Ok(Cow::Borrowed(c.as_bytes()))))
        .collect()
}

/// Parses a lexicon set held in memory: (path within the set, contents) pairs, as `load_dir`
/// would read them from a folder. For library use, tests and fuzzing.
pub fn parse_files(name: &str, files: Vec<(String, Vec<u8>)>) -> Result<Lexicon, LexiconError> {
    let files = files
        .into_iter()
        .map(|(p, c)| (p, Ok(Cow::Owned(c))))
        .collect();
    parse_set(name, name, files, Validation::Full)
}

/// Reads the lexicon set in `dir`.
pub fn load_dir(dir: &Path) -> Result<Lexicon, LexiconError> {
    let shown = dir.display().to_string();
    let fail = |message: String| LexiconError {
        source: shown.clone(),
        problems: vec![Problem {
            location: Location {
                file: shown.clone(),
                line: 0,
            },
            message,
        }],
    };
    if !dir.is_dir() {
        return Err(fail(
            "not a folder: give the folder that holds the lexicon files (.tsv or .csv)".into(),
        ));
    }
    let mut paths = Vec::new();
    collect_files(dir, &mut paths).map_err(|e| fail(format!("cannot list the folder: {e}")))?;
    paths.sort();
    if paths.is_empty() {
        return Err(fail("no .tsv or .csv lexicon files in this folder".into()));
    }
    let files = paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/");
            (
                rel,
                std::fs::read(p).map(Cow::Owned).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| shown.clone());
    parse_set(&shown, &name, files, Validation::Full)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("tsv" | "csv")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

type FileContents = Result<Cow<'static, [u8]>, String>;

/// Parses and validates a whole set given as (relative path, contents) pairs.
fn parse_set(
    source: &str,
    default_name: &str,
    files: Vec<(String, FileContents)>,
    validation: Validation,
) -> Result<Lexicon, LexiconError> {
    let mut lex = Lexicon {
        prevalidated: validation == Validation::Prevalidated,
        name: default_name.to_string(),
        version: "unversioned".to_string(),
        language: "en".to_string(),
        complete: false,
        hash: String::new(),
        entries: Vec::new(),
        examples: Vec::new(),
        word_forms: Vec::new(),
        files: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut hasher = Sha256::new();
    let mut readers = TableReaders::new();
    for (rel, contents) in files {
        let shown = if source.starts_with('(') {
            format!("lexicons/{rel}")
        } else {
            Path::new(source).join(&rel).display().to_string()
        };
        let at = |line: u64| Location {
            file: shown.clone(),
            line,
        };
        let bytes = match contents {
            Ok(b) => b,
            Err(e) => {
                problems.push(Problem {
                    location: at(0),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        hasher.update((rel.len() as u64).to_le_bytes());
        hasher.update(rel.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        lex.files.push(rel.clone());
        let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
        {
            Ok(t) => t,
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                problems.push(Problem {
                    location: at(line as u64),
                    message: "not UTF-8: save the file as UTF-8 text".into(),
                });
                continue;
            }
        };
        let reader = if rel.ends_with(".csv") {
            &mut readers.csv
        } else {
            &mut readers.tsv
        };
        let cells = read_table(reader, text);
        let table = cells.rows();
        let Some((header_line, header)) = table.first() else {
            continue; // an empty file or only comments: nothing to add
        };
        let header: Vec<String> = header
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let col = |name: &str| header.iter().position(|h| h == name);
        let file_name = rel.rsplit('/').next().unwrap_or(&rel);
        if file_name == "manifest.tsv" || file_name == "manifest.csv" {
            for (_, row) in table.iter() {
                let key = row.first().map(|s| s.trim()).unwrap_or("");
                let value = row.get(1).map(|s| s.trim().to_string()).unwrap_or_default();
                match key {
                    "name" => lex.name = value,
                    "version" => lex.version = value,
                    "language" => lex.language = value,
                    "complete" => {
                        lex.complete = matches!(
                            value.to_ascii_lowercase().as_str(),
                            "yes" | "y" | "true" | "1"
                        )
                    }
                    _ => {}
                }
            }
        } else if col("term").is_some() {
            parse_entries(
                &table[1..],
                &header,
                &at,
                validation,
                &mut lex.entries,
                &mut problems,
            );
        } else if col("text").is_some() && col("expect").is_some() {
            parse_examples(&table[1..], &header, &at, &mut lex.examples, &mut problems);
        } else if col("text").is_some() && col("kind").is_some() && col("lang").is_some() {
            parse_word_forms(
                &table[1..],
                &header,
                &at,
                &mut lex.word_forms,
                &mut problems,
            );
        } else {
            problems.push(Problem {
                location: at(*header_line),
                message: "header has neither a `term` column (entry file), nor `text` and `expect` \
                          columns (examples file), nor `lang`, `kind` and `text` columns (word-forms file)"
                    .into(),
            });
        }
    }
    if validation == Validation::Full {
        check_duplicates(&lex.entries, &mut problems);
    }
    lex.hash = hex(&hasher.finalize());
    if problems.is_empty() {
        Ok(lex)
    } else {
        problems.sort();
        Err(LexiconError {
            source: source.to_string(),
            problems,
        })
    }
}

/// The CSV and TSV readers, built once per set (building one costs as much as reading a small
/// file) and reset for every file.
struct TableReaders {
    tsv: csv_core::Reader,
    csv: csv_core::Reader,
}

impl TableReaders {
    fn new() -> TableReaders {
        let build = |delimiter: u8| {
            csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .comment(Some(b'#'))
                // TSV files from spreadsheets quote only fields that need it; plain TSV never
                // does, and a lone quote inside a regex must stay a quote.
                .quoting(delimiter == b',')
                .build()
        };
        TableReaders {
            tsv: build(b'\t'),
            csv: build(b','),
        }
    }
}

/// The fields of one file, unquoted, in one string (no string per field).
struct Cells {
    text: String,
    /// Per record: its line and the range of `bounds` that holds the start of its first field
    /// and then the end of each field.
    records: Vec<(u64, std::ops::Range<usize>)>,
    bounds: Vec<usize>,
}

/// One row of a lexicon file: its fields, borrowed from [`Cells`].
#[derive(Clone, Copy)]
struct Row<'a> {
    text: &'a str,
    bounds: &'a [usize],
}

impl<'a> Row<'a> {
    fn len(&self) -> usize {
        self.bounds.len() - 1
    }
    fn get(&self, i: usize) -> Option<&'a str> {
        (i < self.len()).then(|| &self.text[self.bounds[i]..self.bounds[i + 1]])
    }
    fn first(&self) -> Option<&'a str> {
        self.get(0)
    }
    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// Rows of a lexicon file: (line number, fields).
type Table<'a> = Vec<(u64, Row<'a>)>;

impl Cells {
    /// The rows with a non-blank field (comments are already gone).
    fn rows(&self) -> Table<'_> {
        self.records
            .iter()
            .map(|(line, r)| {
                let row = Row {
                    text: &self.text,
                    bounds: &self.bounds[r.clone()],
                };
                (*line, row)
            })
            .filter(|(_, row)| row.iter().any(|f| !f.trim().is_empty()))
            .collect()
    }
}

/// Splits a file into records with the CSV rules of `reader` (comments and empty lines
/// skipped). A record's line is where the reader stood when the record began, as the `csv`
/// crate reports it, so messages keep the line numbers they always had.
fn read_table(reader: &mut csv_core::Reader, text: &str) -> Cells {
    use csv_core::ReadRecordResult;
    reader.reset();
    let input = text.as_bytes();
    // Unquoted fields never take more bytes than the file.
    let mut out = vec![0u8; input.len() + 1];
    let mut ends = vec![0usize; 16];
    let mut cells = Cells {
        text: String::new(),
        records: Vec::new(),
        bounds: Vec::new(),
    };
    let (mut read, mut written) = (0usize, 0usize);
    loop {
        let line = reader.line();
        let (mut n_out, mut n_ends) = (0usize, 0usize);
        let result = loop {
            let (result, n_in, o, e) = reader.read_record(
                &input[read..],
                &mut out[written + n_out..],
                &mut ends[n_ends..],
            );
            read += n_in;
            n_out += o;
            n_ends += e;
            match result {
                // All input given: the next call, with none, tells the reader the file ended.
                ReadRecordResult::InputEmpty => continue,
                ReadRecordResult::OutputFull => out.resize(out.len() * 2 + 16, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                r => break r,
            }
        };
        if result == ReadRecordResult::End {
            break;
        }
        let first = cells.bounds.len();
        cells.bounds.push(written);
        cells
            .bounds
            .extend(ends[..n_ends].iter().map(|e| written + e));
        cells.records.push((line, first..cells.bounds.len()));
        written += n_out;
    }
    out.truncate(written);
    // The reader removes only ASCII bytes (delimiters, quotes, line ends, comment lines), so
    // the fields of a UTF-8 file stay UTF-8.
    cells.text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    cells
}

fn field<'a>(row: &Row<'a>, header: &[String], name: &str) -> &'a str {
    header
        .iter()
        .position(|h| h == name)
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// The last cell parsed and its value: entry files come in blocks of one code, kind and
/// language, so most cells repeat the one above and are not parsed again.
struct LastCell<'a, T>(Option<(&'a str, T)>);

impl<'a, T: Clone> LastCell<'a, T> {
    fn parse(&mut self, cell: &'a str, parse: impl FnOnce(&str) -> T) -> T {
        match &self.0 {
            Some((last, value)) if *last == cell => value.clone(),
            _ => {
                let value = parse(cell);
                self.0 = Some((cell, value.clone()));
                value
            }
        }
    }
}

/// Field `column` of a row, trimmed; empty if the file has no such column or the row stops
/// short of it.
fn cell<'a>(row: &Row<'a>, column: Option<usize>) -> &'a str {
    column
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

fn parse_entries<'a>(
    rows: &[(u64, Row<'a>)],
    header: &[String],
    at: &dyn Fn(u64) -> Location,
    validation: Validation,
    out: &mut Vec<Entry>,
    problems: &mut Vec<Problem>,
) {
    let full = validation == Validation::Full;
    if !header.iter().any(|h| h == "code") {
        problems.push(Problem {
            location: at(rows.first().map(|r| r.0 - 1).unwrap_or(1)),
            message: "entry file has no `code` column".into(),
        });
        return;
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let [code_col, kind_col, term_col, weight_col, lang_col, forms_col, id_col, note_col, role_col] =
        [
            "code", "kind", "term", "weight", "lang", "forms", "id", "note", "role",
        ]
        .map(column);
    let (mut targets, mut kinds) = (LastCell(None), LastCell(None));
    let mut roles = LastCell(None);
    let (mut lang_sets, mut form_sets) = (LastCell(None), LastCell(None));
    for (line, row) in rows {
        let mut fail = |message: String| {
            problems.push(Problem {
                location: at(*line),
                message,
            })
        };
        let code = cell(row, code_col);
        let kind_text = cell(row, kind_col);
        let term = cell(row, term_col);
        let weight_text = cell(row, weight_col);
        let Some(kind) = kinds.parse(kind_text, EntryKind::parse) else {
            fail(format!(
                "unknown kind {kind_text:?}: use term, acronym, regex or exclude"
            ));
            continue;
        };
        let target = match targets.parse(code, Target::parse) {
            Some(t) => t,
            None if code.is_empty() => {
                fail("empty code".into());
                continue;
            }
            None => {
                fail(format!(
                    "unknown code {code:?}: use an HRCS health category short name (Cancer, Neuro, ...), \
                     a research activity code (2.1) or group (2), treatment:KIND, topic:NAME, \
                     context:aim|background|criteria|programme, or * for exclusions"
                ));
                continue;
            }
        };
        if target == Target::All && kind != EntryKind::Exclude {
            fail("code * is only for exclude entries".into());
            continue;
        }
        if term.is_empty() {
            fail("empty term".into());
            continue;
        }
        let weight = if weight_text.is_empty() {
            1.0
        } else {
            match weight_text.parse::<f32>() {
                Ok(w) if w.is_finite() && w > 0.0 && w <= 10.0 => w,
                _ => {
                    fail(format!(
                        "weight {weight_text:?} is not a number above 0 and at most 10"
                    ));
                    continue;
                }
            }
        };
        match kind {
            EntryKind::Regex if full => {
                // Parsed only: the matcher compiles each regex once, and reports one that
                // exceeds the size limit with its file and line.
                if let Err(e) = check_regex(term) {
                    fail(format!("bad regex {term:?}: {}", one_line(&e)));
                    continue;
                }
            }
            EntryKind::Acronym if !term.chars().any(|c| c.is_alphabetic()) => {
                fail(format!("acronym {term:?} has no letters"));
                continue;
            }
            EntryKind::Term | EntryKind::Exclude if full && normalise_term(term).is_empty() => {
                fail(format!("term {term:?} is empty once normalised"));
                continue;
            }
            _ => {}
        }
        let langs = match lang_sets.parse(cell(row, lang_col), LanguageSet::parse) {
            Ok(l) => l,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let forms = match form_sets.parse(cell(row, forms_col), Forms::parse) {
            Ok(f) if !f.is_empty() && !matches!(kind, EntryKind::Term | EntryKind::Exclude) => {
                fail(format!(
                    "forms {f:?} on a {} entry: word forms apply only to term and exclude entries",
                    kind.name()
                ));
                continue;
            }
            Ok(f) => f,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let role_text = cell(row, role_col);
        let role = match roles.parse(role_text, TermRole::parse) {
            None => {
                fail(format!(
                    "unknown role {role_text:?}: use subject, intervention or setting"
                ));
                continue;
            }
            Some(TermRole::Subject) => TermRole::Subject,
            Some(r) if !matches!(target, Target::Hc(_)) => {
                fail(format!(
                    "role {} on a {target} entry: roles apply only to health-category entries",
                    r.name()
                ));
                continue;
            }
            Some(TermRole::Setting) if target != Target::Hc(HealthCategory::GENERIC) => {
                fail(
                    "role setting is only for Generic entries: a setting names no condition".into(),
                );
                continue;
            }
            Some(r) => r,
        };
        let id = cell(row, id_col);
        out.push(Entry {
            langs,
            forms,
            role,
            target,
            kind,
            term: term.to_string(),
            weight,
            note: cell(row, note_col).to_string(),
            id: (!id.is_empty()).then(|| id.to_string()),
            location: at(*line),
        });
    }
}

fn parse_examples(
    rows: &[(u64, Row<'_>)],
    header: &[String],
    at: &dyn Fn(u64) -> Location,
    out: &mut Vec<Example>,
    problems: &mut Vec<Problem>,
) {
    for (line, row) in rows {
        let mut fail = |message: String| {
            problems.push(Problem {
                location: at(*line),
                message,
            })
        };
        let code = field(row, header, "code");
        let target = match Target::parse(code) {
            Some(t @ (Target::Hc(_) | Target::Rac(_) | Target::Topic(_))) => t,
            _ => {
                fail(format!(
                    "example code {code:?} must be a health category, a research activity code or topic:NAME"
                ));
                continue;
            }
        };
        let expect = match field(row, header, "expect").to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" => true,
            "no" | "n" | "false" | "0" => false,
            other => {
                fail(format!("expect {other:?} must be yes or no"));
                continue;
            }
        };
        let text = field(row, header, "text");
        if text.is_empty() {
            fail("empty example text".into());
            continue;
        }
        let cell = field(row, header, "lang").trim();
        let lang = match Language::parse(cell) {
            _ if cell.is_empty() => None,
            Some(l) => Some(l),
            None => {
                fail(format!(
                    "example lang {cell:?} must be one language: en, nb or nn (empty detects it)"
                ));
                continue;
            }
        };
        out.push(Example {
            target,
            expect,
            text: text.to_string(),
            note: field(row, header, "note").to_string(),
            lang,
            location: at(*line),
        });
    }
}

/// Reads a word-forms file: one inflection ending or compound link per row and language.
fn parse_word_forms(
    rows: &[(u64, Row<'_>)],
    header: &[String],
    at: &dyn Fn(u64) -> Location,
    out: &mut Vec<WordFormRule>,
    problems: &mut Vec<Problem>,
) {
    for (line, row) in rows {
        let mut fail = |message: String| {
            problems.push(Problem {
                location: at(*line),
                message,
            })
        };
        let kind_text = field(row, header, "kind");
        let Some(kind) = WordFormKind::parse(kind_text) else {
            fail(format!(
                "unknown word-form kind {kind_text:?}: use ending or link"
            ));
            continue;
        };
        let lang_text = field(row, header, "lang");
        let langs = match LanguageSet::parse(lang_text) {
            Ok(_) if lang_text.is_empty() || lang_text == "*" => {
                fail("empty lang: a word form belongs to a language (nb, nn, en)".into());
                continue;
            }
            Ok(l) => l,
            Err(e) => {
                fail(e);
                continue;
            }
        };
        let text = normalise_term(field(row, header, "text"));
        if text.is_empty() || !text.bytes().all(crate::text::is_word_byte) {
            fail(format!(
                "word form {:?} must be letters only (one ending or linking letter, no spaces)",
                field(row, header, "text")
            ));
            continue;
        }
        for lang in langs.iter() {
            if let Some(first) = out
                .iter()
                .find(|w| w.lang == lang && w.kind == kind && w.text == text)
            {
                fail(format!(
                    "duplicate word form: {} {} {text:?} is already at {}",
                    lang.code(),
                    kind.name(),
                    first.location
                ));
                continue;
            }
            out.push(WordFormRule {
                lang,
                kind,
                text: text.clone(),
                note: field(row, header, "note").to_string(),
                location: at(*line),
            });
        }
    }
}

fn check_duplicates(entries: &[Entry], problems: &mut Vec<Problem>) {
    let mut seen: HashMap<(Target, EntryKind, String), &Location> = HashMap::new();
    let mut ids: HashMap<&str, &Location> = HashMap::new();
    for e in entries {
        let key_term = match e.kind {
            EntryKind::Acronym | EntryKind::Regex => e.term.clone(),
            _ => normalise_term(&e.term),
        };
        if let Some(first) = seen.insert((e.target, e.kind, key_term), &e.location) {
            problems.push(Problem {
                location: e.location.clone(),
                message: format!(
                    "duplicate entry: {} {} {:?} is already at {first}",
                    e.target,
                    e.kind.name(),
                    e.term
                ),
            });
        }
        if let Some(id) = &e.id {
            if let Some(first) = ids.insert(id, &e.location) {
                problems.push(Problem {
                    location: e.location.clone(),
                    message: format!("duplicate id {id:?}, already used at {first}"),
                });
            }
        }
    }
}

/// Compiles a lexicon pattern the way the matcher will run it: on normalised bytes,
/// case-insensitive, with a size limit.
pub fn compile_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    build_regex(&regex_source(pattern))
}

/// Checks the syntax of a lexicon pattern as the matcher will run it, without compiling it.
pub fn check_regex(pattern: &str) -> Result<(), String> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .utf8(false)
        .build()
        .parse(&regex_source(pattern))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Builds a regex source (from `regex_source`, possibly wrapped by the matcher) with the settings
/// every lexicon pattern runs with: case-insensitive, size-limited.
pub fn build_regex(source: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(source)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT * 2)
        .build()
}

/// The pattern as the matcher runs it. ASCII semantics for classes and boundaries where the
/// pattern allows it (Unicode word boundaries cost two orders of magnitude); patterns with
/// non-ASCII letters (`alstr[oö]m`) keep Unicode mode, which they need.
pub fn regex_source(pattern: &str) -> String {
    // Parsing tells whether ASCII mode accepts the pattern; compiling is left to the matcher.
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .is_ok();
    regex_source_for(pattern, ascii)
}

/// [`regex_source`] for a caller that has already parsed the pattern: `ascii` says whether it
/// parses in ASCII mode (no Unicode classes, UTF-8 not required).
pub fn regex_source_for(pattern: &str, ascii: bool) -> String {
    if ascii {
        format!("(?-u:{pattern})")
    } else {
        pattern.to_string()
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) fn parse_for_test(files: &[(&str, &str)]) -> Result<Lexicon, LexiconError> {
    let files = files
        .iter()
        .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
        .collect();
    parse_files("test", files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem_with_file_and_line() {
        let entries = "code\tkind\tterm\tweight\n\
                       Cancer\tterm\ttumour\t2\n\
                       Heart\tterm\tangina\t2\n\
                       Neuro\tregex\t(unclosed\t1\n\
                       Cancer\tterm\t   \t1\n\
                       Cancer\tterm\tTumour\t3\n\
                       Cancer\tbogus\tx\t1\n\
                       Cancer\tterm\tneoplasm\t11\n";
        let err = parse_for_test(&[("hc.tsv", entries)]).unwrap_err();
        let msgs: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 6, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("test/hc.tsv:3: unknown code \"Heart\""),
            "{}",
            msgs[0]
        );
        assert!(msgs[1].starts_with("test/hc.tsv:4: bad regex"));
        assert!(msgs[2].starts_with("test/hc.tsv:5: empty term"));
        assert!(msgs[3].contains("hc.tsv:6: duplicate entry") && msgs[3].contains("hc.tsv:2"));
        assert!(msgs[4].starts_with("test/hc.tsv:7: unknown kind"));
        assert!(msgs[5].starts_with("test/hc.tsv:8: weight"));
    }

    #[test]
    fn roles_are_read_and_checked() {
        let entries = "code\tterm\trole\n\
                       Cardio\tbisoprolol\tintervention\n\
                       Cardio\theart failure\n\
                       Generic\tcritically ill\tSetting\n";
        let lex = parse_for_test(&[("hc.tsv", entries)]).unwrap();
        let roles: Vec<TermRole> = lex.entries.iter().map(|e| e.role).collect();
        assert_eq!(
            roles,
            [TermRole::Intervention, TermRole::Subject, TermRole::Setting]
        );
        let bad = "code\tterm\trole\n\
                   Cardio\tbisoprolol\tdrug\n\
                   6\ttrial\tintervention\n\
                   Cardio\tcardiac surgery\tsetting\n";
        let err = parse_for_test(&[("hc.tsv", bad)]).unwrap_err();
        let msgs: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("test/hc.tsv:2: unknown role \"drug\""),
            "{msgs:#?}"
        );
        assert!(msgs[1].contains("roles apply only to health-category entries"));
        assert!(msgs[2].contains("role setting is only for Generic entries"));
    }

    #[test]
    fn reads_manifest_examples_and_comments() {
        let lex = parse_for_test(&[
            ("manifest.tsv", "key\tvalue\nname\tdemo\nversion\t1.2\n"),
            ("a.tsv", "# comment\ncode\tterm\tweight\tid\nCancer\ttumour\t2\tC-1\n\n6\trandomised\t2\t\n"),
            ("ex.tsv", "code\texpect\ttext\nCancer\tyes\tA tumour study\nCancer\tno\tCancer Research UK funds a heart study\n"),
            ("b.csv", "code,kind,term\n*,exclude,\"Cancer Research UK\"\n"),
        ])
        .unwrap();
        assert_eq!(lex.name, "demo");
        assert_eq!(lex.version, "1.2");
        assert_eq!(lex.entries.len(), 3);
        assert_eq!(lex.entries[0].location.line, 3);
        assert_eq!(lex.entries[0].id.as_deref(), Some("C-1"));
        assert_eq!(lex.entries[2].kind, EntryKind::Exclude);
        assert_eq!(lex.examples.len(), 2);
        assert!(!lex.examples[1].expect);
        assert_eq!(lex.hash.len(), 64);
    }

    #[test]
    fn forms_and_word_forms_are_validated_with_file_and_line() {
        let entries = "code\tkind\tterm\tforms\tlang\n\
                       Cancer\tterm\tkreft\thead modifier inflects\tnb\n\
                       Cancer\tterm\tsvulst\thode\tnb\n\
                       Cancer\tregex\tkreft\\w+\thead\tnb\n\
                       *\texclude\tkreftforening\tinflects modifier\tnb\n";
        let forms = "lang\tkind\ttext\tnote\n\
                     nb\tending\ten\t\n\
                     nb\tsuffix\tlig\t\n\
                     \tending\ter\t\n\
                     nb nn\tlink\ts\t\n\
                     nb\tending\ten\t\n\
                     nb\tending\te r\t\n";
        let err = parse_for_test(&[("e.tsv", entries), ("w.tsv", forms)]).unwrap_err();
        let msgs: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 6, "{msgs:#?}");
        assert!(msgs[0].starts_with("test/e.tsv:3: unknown form \"hode\""));
        assert!(msgs[1].starts_with("test/e.tsv:4: forms") && msgs[1].contains("regex"));
        assert!(msgs[2].starts_with("test/w.tsv:3: unknown word-form kind \"suffix\""));
        assert!(msgs[3].starts_with("test/w.tsv:4: empty lang"));
        assert!(msgs[4].starts_with("test/w.tsv:6: duplicate word form"));
        assert!(msgs[5].starts_with("test/w.tsv:7: word form"));
        let lex = parse_for_test(&[("e.tsv", &entries.replace("hode", "")[..])]);
        assert!(lex.is_err(), "the regex line still fails");
        let ok = parse_for_test(&[
            ("e.tsv", "code\tterm\tforms\nCancer\tkreft\tinflects head\n"),
            ("w.tsv", "lang\tkind\ttext\tnote\nnb nn\tlink\ts\t\n"),
        ])
        .unwrap();
        assert!(ok.entries[0].forms.head && ok.entries[0].forms.inflects);
        assert!(!ok.entries[0].forms.modifier);
        assert_eq!(ok.word_forms.len(), 2);
    }

    #[test]
    fn examples_may_name_their_language() {
        let ex = "code\texpect\ttext\tlang\n\
                  Cancer\tyes\tBrystkreft hos unge kvinner\tnb\n\
                  Cancer\tyes\tA tumour study\t\n\
                  Cancer\tyes\tBröstcancer\tsv\n";
        let err = parse_for_test(&[("ex.tsv", ex)]).unwrap_err();
        let msgs: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:#?}");
        assert!(
            msgs[0].starts_with("test/ex.tsv:4: example lang \"sv\""),
            "{}",
            msgs[0]
        );
        let lex = parse_for_test(&[("ex.tsv", &ex[..ex.rfind("Cancer").unwrap()])]).unwrap();
        assert_eq!(lex.examples[0].lang, Some(Language::Nb));
        assert_eq!(lex.examples[1].lang, None);
    }

    /// The guarantee behind `Validation::Prevalidated`: the embedded set passes every check,
    /// every regex compiles as the matcher runs it, and the quick read gives the very same set.
    #[test]
    fn default_set_is_valid() {
        let checked = load_default_checked().unwrap_or_else(|e| panic!("{e}"));
        assert!(!checked.entries.is_empty());
        assert!(!checked.prevalidated);
        // Compiles every regex and the regex set up front, as for a folder.
        crate::matcher::Matcher::new(&checked).unwrap_or_else(|e| panic!("{e}"));
        let quick = load_default().unwrap_or_else(|e| panic!("{e}"));
        assert!(quick.prevalidated);
        let quick_as_checked = Lexicon {
            prevalidated: false,
            ..quick
        };
        assert_eq!(format!("{quick_as_checked:?}"), format!("{checked:?}"));
    }

    /// Every regex of the embedded set has a plan from build.rs, the one parsing gives.
    #[test]
    fn build_time_regex_plans_match_parsing() {
        let lex = load_default().unwrap_or_else(|e| panic!("{e}"));
        let mut regexes = 0;
        for e in lex.entries.iter().filter(|e| e.kind == EntryKind::Regex) {
            regexes += 1;
            let built = default_regex_plan(&e.term);
            assert_eq!(
                built.as_ref(),
                Some(&super::super::regex_plan::plan(&e.term)),
                "{}",
                e.location
            );
        }
        assert!(regexes > 100, "{regexes}");
        assert!(std::hint::black_box(DEFAULT_REGEXES_PARSE));
        assert!(default_regex_plan("no such (pattern)").is_none());
        for b in 0..=255u8 {
            assert_eq!(
                super::super::regex_plan::is_word_byte(b),
                crate::text::is_word_byte(b)
            );
        }
    }

    #[test]
    fn the_quick_read_is_only_for_the_embedded_set() {
        let entries = "code\tkind\tterm\nNeuro\tregex\t(unclosed\n";
        assert!(parse_for_test(&[("e.tsv", entries)]).is_err());
        let lex = parse_for_test(&[("e.tsv", "code\tterm\nCancer\ttumour\n")]).unwrap();
        assert!(!lex.prevalidated);
    }
}
