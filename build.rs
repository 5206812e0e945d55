//! Embeds the default lexicon set (`lexicons/`) into the binary so that `hrcs` runs with no files
//! around. Generates a sorted list of (relative path, contents) for every .tsv/.csv file, and the
//! plan of every regex of the set (`src/lexicon/regex_plan.rs`), so that start-up does not parse
//! the patterns.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/lexicon/regex_plan.rs"]
#[allow(dead_code)]
mod regex_plan;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("tsv" | "csv")
        ) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("lexicons");
    println!("cargo:rerun-if-changed=lexicons");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code =
        String::from("/// The default lexicon files: (path relative to lexicons/, contents).\n");
    code.push_str("pub static DEFAULT_LEXICON_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    code.push_str(&regex_plans(&files));
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("default_lexicons.rs"), code).unwrap();
    fs::write(out_dir.join("regex_words.rs"), regex_words(&files)).unwrap();
}

/// The regex patterns of the entry files: the `term` of rows whose `kind` is regex or pattern,
/// read with the settings of `src/lexicon/load.rs`. A pattern missed here is only parsed at
/// start-up; a test checks that none is.
fn regex_patterns(files: &[PathBuf]) -> Vec<String> {
    let mut patterns = Vec::new();
    for path in files {
        let csv = path.extension().is_some_and(|e| e == "csv");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if csv { b',' } else { b'\t' })
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .quoting(csv)
            .from_path(path)
            .unwrap();
        let mut columns: Option<(usize, usize)> = None;
        for record in reader.records().flatten() {
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let Some((kind, term)) = columns else {
                let header: Vec<String> = record
                    .iter()
                    .map(|h| h.trim().to_ascii_lowercase())
                    .collect();
                let find = |name: &str| header.iter().position(|h| h == name);
                match (find("kind"), find("term")) {
                    (Some(k), Some(t)) => columns = Some((k, t)),
                    _ => break,
                }
                continue;
            };
            let kind = record.get(kind).unwrap_or("").trim().to_ascii_lowercase();
            if kind == "regex" || kind == "pattern" {
                patterns.push(record.get(term).unwrap_or("").trim().to_string());
            }
        }
    }
    patterns.sort();
    patterns.dedup();
    patterns
}

fn byte_strings(literals: &[Vec<u8>]) -> String {
    let items: Vec<String> = literals.iter().map(|l| format!("&{l:?}")).collect();
    format!("&[{}]", items.join(", "))
}

/// `DEFAULT_REGEX_PLANS`: (pattern, ascii, anchor (0 none, 1 prefix, 2 word suffix), anchor
/// literals, word only), sorted by pattern.
fn regex_plans(files: &[PathBuf]) -> String {
    let mut code = String::from(
        "/// The plan of every regex of the default set, sorted by pattern: (pattern, ascii, anchor \
         (0 none, 1 prefix, 2 word suffix), anchor literals, word only).\n",
    );
    code.push_str("#[allow(clippy::type_complexity)]\n");
    code.push_str("pub static DEFAULT_REGEX_PLANS: &[(&str, bool, u8, &[&[u8]], bool)] = &[\n");
    for pattern in regex_patterns(files) {
        let plan = regex_plan::plan(&pattern);
        let (anchor, literals) = match &plan.anchor {
            None => (0, Vec::new()),
            Some((regex_plan::Anchor::Prefix, l)) => (1, l.clone()),
            Some((regex_plan::Anchor::WordSuffix, l)) => (2, l.clone()),
        };
        code.push_str(&format!(
            "    ({pattern:?}, {}, {anchor}, {}, {}),\n",
            plan.ascii,
            byte_strings(&literals),
            plan.word_only
        ));
    }
    code.push_str("];\n");
    // The check `src/lexicon/load.rs` makes of every pattern (`check_regex`). If one fails, the
    // set is read with every check, so the edit is reported with its file and line.
    let all_parse = regex_patterns(files).iter().all(|p| {
        let source = if regex_plan::plan(p).ascii {
            format!("(?-u:{p})")
        } else {
            p.clone()
        };
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .utf8(false)
            .build()
            .parse(&source)
            .is_ok()
    });
    code.push_str(&format!(
        "/// Every regex of the default set parses (else it is read with every check).\n\
         pub const DEFAULT_REGEXES_PARSE: bool = {all_parse};\n"
    ));
    code
}

/// `DEFAULT_REQUIRED_WORDS`: (pattern, the whole words of which every match holds one
/// ([`regex_plan::required_words`], ASCII-mode patterns only)), sorted by pattern. Read by
/// `src/matcher.rs` for the regex gates.
fn regex_words(files: &[PathBuf]) -> String {
    let mut code = String::from(
        "/// Whole words of which every match of a default-set regex holds one, sorted by \
         pattern (build.rs, `regex_plan::required_words`).\n",
    );
    code.push_str("#[allow(clippy::type_complexity)]\n");
    code.push_str("static DEFAULT_REQUIRED_WORDS: &[(&str, Option<&[&[u8]]>)] = &[\n");
    for pattern in regex_patterns(files) {
        let words =
            regex_plan::parse_hir(&pattern, false).and_then(|h| regex_plan::required_words(&h));
        let words = match words {
            Some(w) => format!("Some({})", byte_strings(&w)),
            None => "None".to_string(),
        };
        code.push_str(&format!("    ({pattern:?}, {words}),\n"));
    }
    code.push_str("];\n");
    code
}
