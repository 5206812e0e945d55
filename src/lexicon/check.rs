//! Warnings about a valid lexicon set: things that load and run but are probably not what the
//! coder meant (a phrase counted for two codes, a pattern that matches nothing, a short term that
//! matches too much). Each rule is a pure function over a [`Lexicon`]; `hrcs lexicon check`
//! prints them and `--strict` turns them into a failure.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use super::load::compile_regex;
use super::{EntryKind, Lexicon, Location, Target, WordFormKind};
use crate::hrcs::{HealthCategory, ResearchActivity};
use crate::language::LanguageSet;
use crate::matcher::layer;
use crate::text::normalise_term;

/// One warning: where, which rule (a stable token such as `short_term`) and what to do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub location: Location,
    pub kind: &'static str,
    pub message: String,
}

impl fmt::Display for Warning {
    /// `warning[kind]: file:line: message` (a folder-wide warning has no line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.line == 0 {
            write!(
                f,
                "warning[{}]: {}: {}",
                self.kind, self.location.file, self.message
            )
        } else {
            write!(
                f,
                "warning[{}]: {}: {}",
                self.kind, self.location, self.message
            )
        }
    }
}

/// Every warning token, in the order the rules run.
pub const KINDS: [&str; 9] = [
    "shadowed_across_codes",
    "code_without_entries",
    "regex_matches_empty",
    "short_term",
    "ambiguous_term",
    "example_missing",
    "short_compound_part",
    "inflects_without_endings",
    "compound_without_forms",
];

/// Runs every rule. `folder` is how the set's folder is shown. The coverage rules
/// (`code_without_entries`, `example_missing`) run only when the set claims to cover every HRCS
/// code (manifest `complete yes`).
pub fn check(lexicon: &Lexicon, folder: &str) -> Vec<Warning> {
    let complete = lexicon.complete;
    let mut out = shadowed_across_codes(lexicon);
    if complete {
        out.extend(code_without_entries(lexicon, folder));
    }
    out.extend(regex_matches_empty(lexicon));
    out.extend(short_term(lexicon));
    out.extend(ambiguous_term(lexicon));
    if complete {
        out.extend(example_missing(lexicon));
    }
    out.extend(short_compound_part(lexicon));
    out.extend(inflects_without_endings(lexicon));
    out.extend(compound_without_forms(lexicon));
    out
}

fn is_literal(kind: EntryKind) -> bool {
    matches!(kind, EntryKind::Term | EntryKind::Acronym)
}

fn is_positive(kind: EntryKind) -> bool {
    kind != EntryKind::Exclude
}

/// True if a note marks an entry as deliberately shared between codes.
fn note_allows_sharing(note: &str) -> bool {
    note.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("both") || w.eq_ignore_ascii_case("shared"))
}

/// The same normalised literal is a term of two different codes of one layer, so one phrase
/// silently counts for both. Allowed when either entry's note says `both` or `shared`.
pub fn shadowed_across_codes(lexicon: &Lexicon) -> Vec<Warning> {
    let mut first: HashMap<(u8, String), Vec<usize>> = HashMap::new();
    let mut out = Vec::new();
    for (i, e) in lexicon.entries.iter().enumerate() {
        if !is_literal(e.kind) || layer(e.target) > 1 {
            continue;
        }
        let seen = first
            .entry((layer(e.target), normalise_term(&e.term)))
            .or_default();
        // Acronyms keep their case, so two acronyms collide only when written the same
        // (PSA and PsA do not); a term collides with any casing.
        let other = seen.iter().map(|&j| &lexicon.entries[j]).find(|o| {
            o.target != e.target
                && (o.kind == EntryKind::Term
                    || e.kind == EntryKind::Term
                    || o.term.trim() == e.term.trim())
                && !note_allows_sharing(&o.note)
                && !note_allows_sharing(&e.note)
        });
        if let Some(o) = other {
            out.push(Warning {
                location: e.location.clone(),
                kind: "shadowed_across_codes",
                message: format!(
                    "{:?} is a term of {} here and of {} at {}: one phrase counts for both codes; \
                     keep it in one, or say \"both\" or \"shared\" in a note if dual coding is meant",
                    e.term, e.target, o.target, o.location
                ),
            });
        }
        seen.push(i);
    }
    out
}

/// An HRCS code (health category or research activity) with no term, acronym or regex at all.
pub fn code_without_entries(lexicon: &Lexicon, folder: &str) -> Vec<Warning> {
    let covered: BTreeSet<Target> = lexicon
        .entries
        .iter()
        .filter(|e| is_positive(e.kind))
        .map(|e| e.target)
        .collect();
    all_codes()
        .filter(|t| !covered.contains(t))
        .map(|t| Warning {
            location: Location {
                file: folder.to_string(),
                line: 0,
            },
            kind: "code_without_entries",
            message: format!("{t} has no entries: nothing can ever give this code"),
        })
        .collect()
}

fn all_codes() -> impl Iterator<Item = Target> {
    HealthCategory::all()
        .map(Target::Hc)
        .chain(ResearchActivity::all().map(Target::Rac))
}

/// A regex that matches the empty string.
pub fn regex_matches_empty(lexicon: &Lexicon) -> Vec<Warning> {
    lexicon
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Regex)
        .filter(|e| compile_regex(&e.term).is_ok_and(|re| re.is_match(b"")))
        .map(|e| Warning {
            location: e.location.clone(),
            kind: "regex_matches_empty",
            message: format!(
                "regex {:?} matches the empty string: make every part required (+ instead of *)",
                e.term
            ),
        })
        .collect()
}

/// All capitals, 2 to 4 letters: an abbreviation written as a case-insensitive term.
fn looks_like_abbreviation(term: &str) -> bool {
    let n = term.chars().count();
    (2..=4).contains(&n) && term.chars().all(|c| c.is_uppercase())
}

/// A `term` under 3 characters once normalised, or a one-character `acronym`. All-capital terms
/// are left to [`ambiguous_term`].
pub fn short_term(lexicon: &Lexicon) -> Vec<Warning> {
    lexicon
        .entries
        .iter()
        .filter_map(|e| {
            let term = e.term.trim();
            let message = match e.kind {
                EntryKind::Term
                    if normalise_term(term).chars().count() < 3
                        && !looks_like_abbreviation(term) =>
                {
                    format!(
                        "term {term:?} is shorter than 3 characters and matches many words; \
                         use a longer phrase, or kind acronym for an abbreviation"
                    )
                }
                EntryKind::Acronym if term.chars().count() == 1 => format!(
                    "acronym {term:?} is a single character and matches too often; use a longer form"
                ),
                _ => return None,
            };
            Some(Warning {
                location: e.location.clone(),
                kind: "short_term",
                message,
            })
        })
        .collect()
}

/// A case-insensitive `term` written in capitals of 2 to 4 letters (MS, AD, ALL): it matches the
/// lower-case word too.
pub fn ambiguous_term(lexicon: &Lexicon) -> Vec<Warning> {
    lexicon
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Term && looks_like_abbreviation(e.term.trim()))
        .map(|e| Warning {
            location: e.location.clone(),
            kind: "ambiguous_term",
            message: format!(
                "term {:?} is case-insensitive and also matches {:?}; use kind acronym",
                e.term.trim(),
                e.term.trim().to_lowercase()
            ),
        })
        .collect()
}

/// An HRCS code with entries but no `yes` example (informational: its terms are untested).
/// Shown at the code's first entry.
pub fn example_missing(lexicon: &Lexicon) -> Vec<Warning> {
    let tested: BTreeSet<Target> = lexicon
        .examples
        .iter()
        .filter(|x| x.expect)
        .map(|x| x.target)
        .collect();
    all_codes()
        .filter(|t| !tested.contains(t))
        .filter_map(|t| {
            let first = lexicon
                .entries
                .iter()
                .find(|e| e.target == t && is_positive(e.kind))?;
            Some(Warning {
                location: first.location.clone(),
                kind: "example_missing",
                message: format!("{t} has entries but no `yes` example: add one to examples"),
            })
        })
        .collect()
}

/// A `head` or `modifier` term under 4 letters: it would match inside too many words ("kar" in
/// "forskar", "syk" in "sykepleier").
pub fn short_compound_part(lexicon: &Lexicon) -> Vec<Warning> {
    lexicon
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Term && (e.forms.head || e.forms.modifier))
        .filter(|e| normalise_term(&e.term).chars().count() < 4)
        .map(|e| Warning {
            location: e.location.clone(),
            kind: "short_compound_part",
            message: format!(
                "term {:?} is marked {} but has under 4 letters: it matches inside many unrelated \
                 words; list the compounds you mean instead",
                e.term.trim(),
                e.forms
            ),
        })
        .collect()
}

/// An `inflects` entry none of whose languages has an inflection ending in a word-forms file:
/// the form can never match.
pub fn inflects_without_endings(lexicon: &Lexicon) -> Vec<Warning> {
    let with_endings = lexicon
        .word_forms
        .iter()
        .filter(|w| w.kind == WordFormKind::Ending)
        .fold(LanguageSet::EMPTY, |acc, w| acc.with(w.lang));
    lexicon
        .entries
        .iter()
        .filter(|e| e.forms.inflects && !e.langs.intersects(with_endings))
        .map(|e| Warning {
            location: e.location.clone(),
            kind: "inflects_without_endings",
            message: format!(
                "term {:?} inflects, but no word-forms file gives endings for its language ({}): \
                 add the endings or set the entry's lang",
                e.term.trim(),
                e.langs
            ),
        })
        .collect()
}

/// A one-word term without forms that starts with a `modifier` term or ends with a `head` term of
/// its language ("hjerteinfarkt" beside "hjerte" marked modifier): in its inflected or longer
/// forms ("hjerteinfarktet") only the shorter entry matches, so the longer one no longer wins.
/// Only reported when the two give different codes of one layer: where they agree
/// ("krefttilfeller" beside "kreft") the shorter entry codes the inflected form the same way, and
/// entries of different layers (a disease and an activity) never hide each other.
pub fn compound_without_forms(lexicon: &Lexicon) -> Vec<Warning> {
    let mut parts: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in lexicon.entries.iter().enumerate() {
        if e.kind == EntryKind::Term && (e.forms.head || e.forms.modifier) {
            parts.entry(normalise_term(&e.term)).or_default().push(i);
        }
    }
    if parts.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for e in &lexicon.entries {
        if e.kind != EntryKind::Term || !e.forms.is_empty() {
            continue;
        }
        let term = normalise_term(&e.term);
        if term.contains(' ') {
            continue;
        }
        let found = term.char_indices().skip(1).find_map(|(at, _)| {
            let (left, right) = term.split_at(at);
            let part = |text: &str, modifier: bool| {
                parts
                    .get(text)?
                    .iter()
                    .map(|&j| &lexicon.entries[j])
                    .find(|p| {
                        p.langs.intersects(e.langs)
                            && p.target != e.target
                            && crate::matcher::layer(p.target) == crate::matcher::layer(e.target)
                            && if modifier {
                                p.forms.modifier
                            } else {
                                p.forms.head
                            }
                    })
            };
            part(left, true).or_else(|| part(right, false))
        });
        if let Some(p) = found {
            out.push(Warning {
                location: e.location.clone(),
                kind: "compound_without_forms",
                message: format!(
                    "term {:?} has no forms, but {:?} ({}, {}) matches inside it: in its inflected \
                     and longer forms only {:?} counts; give it forms (inflects, modifier)",
                    e.term.trim(),
                    p.term.trim(),
                    p.forms,
                    p.location,
                    p.term.trim()
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    fn lex(entries: &str) -> Lexicon {
        parse_for_test(&[("e.tsv", &format!("code\tkind\tterm\tnote\n{entries}"))])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn lines(w: &[Warning]) -> Vec<u64> {
        w.iter().map(|w| w.location.line).collect()
    }

    #[test]
    fn shadowed_across_codes_same_layer_only_unless_shared() {
        let l = lex("Cancer\tterm\tLung cancer\t\n\
                     Respiratory\tterm\tlung  cancer\t\n\
                     Infection\tterm\tsepsis\t\n\
                     Immune\tterm\tsepsis\tcoded as both\n\
                     Cancer\tterm\ttumour\t\n\
                     2.1\tterm\ttumour\t\n\
                     topic:smoking\tterm\tlung cancer\t\n\
                     Cancer\tacronym\tNSCLC\t\n\
                     Cancer\tacronym\tPSA\t\n\
                     Immune\tacronym\tPsA\t\n\
                     Immune\tterm\tpsa\t\n");
        let w = shadowed_across_codes(&l);
        assert_eq!(lines(&w), [3, 8, 12], "{w:#?}");
        assert!(w[0].message.contains("Cancer at test/e.tsv:2"), "{}", w[0]);
        assert_eq!(w[0].kind, "shadowed_across_codes");
    }

    #[test]
    fn code_without_entries_lists_uncovered_codes() {
        let l = lex("Cancer\tterm\ttumour\t\n\
                     Eye\texclude\tEye Foundation\t\n\
                     2.1\tregex\tpathogen(esis|ic)\t\n");
        let w = code_without_entries(&l, "lex");
        assert_eq!(w.len(), 21 + 48 - 2);
        assert!(w.iter().any(|w| w.message.starts_with("Eye ")));
        assert!(!w.iter().any(|w| w.message.starts_with("Cancer ")));
        assert!(!w.iter().any(|w| w.message.starts_with("2.1 ")));
        assert_eq!(
            w[0].to_string(),
            format!("warning[code_without_entries]: lex: {}", w[0].message)
        );
    }

    #[test]
    fn regex_matches_empty_flags_optional_patterns() {
        let l = lex("Cancer\tregex\t(tumou?r)?\t\n\
                     Cancer\tregex\ttumou?rs?\t\n\
                     Eye\tregex\tx*\t\n");
        assert_eq!(lines(&regex_matches_empty(&l)), [2, 4]);
    }

    #[test]
    fn short_term_flags_short_terms_and_one_letter_acronyms() {
        let l = lex("Cancer\tterm\tct\t\n\
                     Cancer\tterm\tabc\t\n\
                     Eye\tacronym\tA\t\n\
                     Eye\tacronym\tAB\t\n\
                     Neuro\tterm\tMS\t\n\
                     Neuro\tterm\tM\t\n");
        assert_eq!(lines(&short_term(&l)), [2, 4, 7]);
    }

    #[test]
    fn ambiguous_term_flags_capital_terms() {
        let l = lex("Neuro\tterm\tMS\t\n\
                     Blood\tterm\tALL\t\n\
                     Neuro\tacronym\tAD\t\n\
                     Cancer\tterm\tCANCER\t\n\
                     Cancer\tterm\tNhs\t\n");
        let w = ambiguous_term(&l);
        assert_eq!(lines(&w), [2, 3]);
        assert!(w[0].message.contains("\"ms\""), "{}", w[0]);
    }

    #[test]
    fn example_missing_flags_codes_with_entries_and_no_yes_example() {
        let l = parse_for_test(&[
            (
                "e.tsv",
                "code\tterm\nCancer\ttumour\nEye\tglaucoma\n2.1\tmechanism\n",
            ),
            (
                "x.tsv",
                "code\texpect\ttext\nCancer\tyes\tA tumour\nEye\tno\tA tumour\n",
            ),
        ])
        .unwrap();
        let w = example_missing(&l);
        assert_eq!(lines(&w), [3, 4]);
        assert!(w[0].message.starts_with("Eye "));
    }

    #[test]
    fn word_form_rules_flag_short_parts_and_missing_endings() {
        let l = parse_for_test(&[
            (
                "e.tsv",
                "code\tterm\tforms\tlang\n\
                 Cardio\tkar\thead\tnb\n\
                 Cancer\tkreft\thead modifier inflects\tnb\n\
                 Cancer\tsvulst\tinflects\tnn\n",
            ),
            ("w.tsv", "lang\tkind\ttext\tnote\nnb\tending\ten\t\n"),
        ])
        .unwrap();
        assert_eq!(lines(&short_compound_part(&l)), [2]);
        assert_eq!(lines(&inflects_without_endings(&l)), [4]);
        let l = parse_for_test(&[(
            "e.tsv",
            "code\tterm\tforms\tlang\n\
             Neuro\thjerne\tmodifier\tnb\n\
             Stroke\thjerneinfarkt\t\tnb\n\
             Cancer\tkreft\thead modifier\tnb\n\
             Cancer\tbrystkreft\tmodifier inflects\tnb\n\
             Cancer\ttarmkreft\t\tnb\n\
             Oral\tkrefttarm\t\tnb\n\
             5.1\thjernelegemiddel\t\tnb\n\
             Cancer\thjernekreft\t\ten\n",
        )])
        .unwrap();
        // hjerneinfarkt (Stroke) loses to hjerne (Neuro) in "hjerneinfarktet", krefttarm (Oral)
        // to kreft (Cancer); tarmkreft is Cancer either way; an activity code never competes
        // with a category; an English entry is not of the Norwegian parts' language.
        let w = compound_without_forms(&l);
        assert_eq!(lines(&w), [3, 7], "{w:#?}");
        assert!(
            w[0].message.contains("\"hjerne\" (modifier, test/e.tsv:2)"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn coverage_rules_run_only_for_complete_sets() {
        let mut l = lex("Cancer\tterm\ttumour\t\n");
        assert!(check(&l, "lex").is_empty());
        l.complete = true;
        let w = check(&l, "lex");
        assert!(w.iter().any(|w| w.kind == "code_without_entries"));
        assert!(w.iter().any(|w| w.kind == "example_missing"));
        assert!(w.iter().all(|w| KINDS.contains(&w.kind)));
    }
}
