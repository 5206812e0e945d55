//! What the matcher needs to know of a lexicon regex before running it, found by parsing it:
//! whether it runs in ASCII mode, the literals that anchor it (a prefix, or the suffix of a
//! one-word match), the literals of which every match holds one (its gate), and whether it
//! matches word bytes only.
//!
//! This file depends on `regex-syntax` alone, because `build.rs` includes it too: it works out
//! the plan of every regex of the embedded default set when the binary is built, so a run does
//! not parse 338 patterns at start-up ([`plan`] gives the same result at run time; a test
//! compares the two for every pattern of the set).

/// The matcher's word bytes (`crate::text::is_word_byte`; a test keeps the two equal).
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// What the matcher needs of one lexicon pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexPlan {
    /// The pattern parses in ASCII mode (no Unicode classes needed).
    pub ascii: bool,
    /// Where its literals stand and what they are, when few and selective enough.
    pub anchor: Option<(Anchor, Vec<Vec<u8>>)>,
    /// No match can hold a byte that is not a word byte.
    pub word_only: bool,
}

/// Parses `pattern` and works out its plan.
pub fn plan(pattern: &str) -> RegexPlan {
    let ascii_hir = parse_hir(pattern, false);
    let ascii = ascii_hir.is_some();
    let hir = ascii_hir.or_else(|| parse_hir(pattern, true));
    RegexPlan {
        ascii,
        anchor: hir.as_ref().and_then(|h| regex_anchors(pattern, h)),
        word_only: hir.as_ref().is_some_and(matches_only_word_bytes),
    }
}

/// Where the automaton finds a regex's literal: at the start of every match, or at the end of
/// a one-word match (the pattern then runs from the start of that word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Prefix,
    WordSuffix,
}

/// Literals that every match of a lexicon pattern starts with (or, for patterns that match
/// within one word, ends with), lower-cased, when they are few and selective enough.
pub fn regex_anchors(
    pattern: &str,
    hir: &regex_syntax::hir::Hir,
) -> Option<(Anchor, Vec<Vec<u8>>)> {
    use regex_syntax::hir::literal::ExtractKind;
    // \s is six bytes in ASCII mode: expanding it keeps "to " a usable prefix.
    let literals = |kind: ExtractKind| extract_literals(hir, kind, 6);
    if let Some(p) = literals(ExtractKind::Prefix) {
        return Some((Anchor::Prefix, p));
    }
    // Suffix anchoring needs matches that cannot cross a word: no spaces, dots or non-word classes.
    let one_word =
        !pattern.contains(['.', ' ']) && !pattern.contains("\\s") && !pattern.contains("\\W");
    if one_word {
        return literals(ExtractKind::Suffix).map(|s| (Anchor::WordSuffix, s));
    }
    None
}

/// The lower-cased, sorted prefix or suffix literals of `hir`, expanding classes of up to
/// `class_limit` bytes; `None` when there are none, too many, or one shorter than two bytes
/// (too common to be worth a probe).
fn extract_literals(
    hir: &regex_syntax::hir::Hir,
    kind: regex_syntax::hir::literal::ExtractKind,
    class_limit: usize,
) -> Option<Vec<Vec<u8>>> {
    let seq = regex_syntax::hir::literal::Extractor::new()
        .kind(kind)
        .limit_class(class_limit)
        .limit_literal_len(16)
        .limit_total(4096)
        .extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 2048 || literals.iter().any(|l| l.len() < 2) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = literals
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// One branch's trigger of a pattern that [`regex_anchors`] cannot anchor as a whole: its
/// kind, its literals, and whether every match of the branch holds word bytes only.
pub type BranchAnchor = (Anchor, Vec<Vec<u8>>, bool);

/// Triggers for a pattern with no anchor of its own (a top-level alternation mixing word-prefix
/// and word-suffix shapes, as `(?:[a-z]*cillin|cef[a-z]{3,}|fusidic\s+acid)`, or a prefix whose
/// literals need a digit class, as `h[1-9]n[1-9]`): each branch of the alternation (or the
/// pattern as one branch) gets prefix literals, or, when it matches within one word, word-suffix
/// literals. `None` if some branch gets neither. Every whole-word match of the pattern is a
/// match of one branch, so it starts with one of that branch's prefix literals or is one word
/// ending with one of its suffix literals: running the pattern anchored at the word where a
/// trigger stands finds every match that stands on word boundaries.
pub fn branch_anchors(hir: &regex_syntax::hir::Hir) -> Option<Vec<BranchAnchor>> {
    use regex_syntax::hir::literal::ExtractKind;
    use regex_syntax::hir::HirKind;
    // Digit classes ([0-9], ten bytes) expand here, unlike in [`regex_anchors`]: this is only
    // reached by the few patterns that have no anchor otherwise.
    let literals = |h: &regex_syntax::hir::Hir, kind: ExtractKind| extract_literals(h, kind, 10);
    let branches = match hir.kind() {
        HirKind::Alternation(hs) => hs.iter().collect(),
        _ => vec![hir],
    };
    branches
        .into_iter()
        .map(|b| {
            let word_only = matches_only_word_bytes(b);
            if let Some(p) = literals(b, ExtractKind::Prefix) {
                return Some((Anchor::Prefix, p, word_only));
            }
            if word_only {
                return literals(b, ExtractKind::Suffix).map(|s| (Anchor::WordSuffix, s, true));
            }
            None
        })
        .collect()
}

pub fn parse_hir(pattern: &str, unicode: bool) -> Option<regex_syntax::hir::Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(unicode)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
}

/// Whole words of which every match of an ASCII-mode pattern (given parsed) holds one, as a
/// word of its own (lower-cased): `to\s+inform\s+(?:the\s+)?design` gives "design" or
/// "inform" (the longer shortest word wins), never "to". Only a top-level sequence element whose
/// every match is one of a few words, with non-word bytes (or the ends of the match, which
/// stand on word boundaries) on both sides, qualifies. `None` if no such element has words of
/// three bytes or more. The matcher runs such a pattern only in fields holding one of the words
/// (its *gate*), found among the words it has already hashed.
pub fn required_words(ascii_hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::{Hir, HirKind};
    let mut hir = ascii_hir;
    while let HirKind::Capture(c) = hir.kind() {
        hir = &c.sub;
    }
    let elems: Vec<&Hir> = match hir.kind() {
        HirKind::Concat(hs) => hs.iter().collect(),
        _ => vec![hir],
    };
    let mut best: Option<Vec<Vec<u8>>> = None;
    for i in 0..elems.len() {
        let Some(words) = exact_words(elems[i]) else {
            continue;
        };
        let left = elems[..i].iter().rev().map(|h| edge(h, Edge::Last));
        let right = elems[i + 1..].iter().map(|h| edge(h, Edge::First));
        if !bounded(left) || !bounded(right) {
            continue;
        }
        let score = |set: &Vec<Vec<u8>>| {
            let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
            (shortest, std::cmp::Reverse(set.len()))
        };
        if best.as_ref().is_none_or(|b| score(&words) > score(b)) {
            best = Some(words);
        }
    }
    best.filter(|set| set.iter().all(|w| w.len() >= 3))
}

#[derive(Clone, Copy)]
enum Edge {
    First,
    Last,
}

/// What stands at one edge of an element's matches: `Some(can_be_empty)` if every non-empty
/// match has a non-word byte there, `None` if some may have a word byte (or it is not known).
fn edge(h: &regex_syntax::hir::Hir, which: Edge) -> Option<bool> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let kind = match which {
        Edge::First => ExtractKind::Prefix,
        Edge::Last => ExtractKind::Suffix,
    };
    let seq = Extractor::new()
        .kind(kind)
        .limit_class(8)
        .limit_total(256)
        .extract(h);
    let literals = seq.literals()?;
    let mut empty = false;
    for l in literals {
        let b = match which {
            Edge::First => l.as_bytes().first(),
            Edge::Last => l.as_bytes().last(),
        };
        match b {
            None if l.is_exact() => empty = true,
            Some(&b) if !is_word_byte(b) => {}
            _ => return None,
        }
    }
    Some(empty)
}

/// True if the elements next to a word, nearest first, put a non-word byte beside it: the
/// first that cannot match empty has a non-word byte at its edge, and every one before it that
/// can has one in its non-empty matches; running out of elements reaches the match's end.
fn bounded(edges: impl Iterator<Item = Option<bool>>) -> bool {
    for e in edges {
        match e {
            None => return false,
            Some(false) => return true,
            Some(true) => {}
        }
    }
    true
}

/// The words an element always matches exactly, if it matches only a few whole words.
fn exact_words(h: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::Extractor;
    let seq = Extractor::new().limit_class(4).limit_total(64).extract(h);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > 64 {
        return None;
    }
    let mut out = Vec::new();
    for l in literals {
        let b = l.as_bytes();
        if !l.is_exact() || b.is_empty() || !b.iter().all(|&c| is_word_byte(c)) {
            return None;
        }
        out.push(b.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// True if no match of the pattern (given parsed) can hold a byte that is not a word byte (so a
/// match that ends a word lies within one word).
pub fn matches_only_word_bytes(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn word(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => l.0.iter().all(|&b| is_word_byte(b)),
            HirKind::Class(Class::Bytes(c)) => c
                .ranges()
                .iter()
                .all(|r| (r.start()..=r.end()).all(is_word_byte)),
            HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| {
                (r.start()..=r.end()).all(|ch| !ch.is_ascii() || ch.is_ascii_alphanumeric())
            }),
            HirKind::Capture(c) => word(&c.sub),
            HirKind::Repetition(r) => word(&r.sub),
            HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().all(word),
        }
    }
    word(hir)
}
