//! Lexicons: the editable knowledge behind every code.
//!
//! A lexicon set is a folder of tab- or comma-separated files (documented in `docs/lexicons.md`):
//! entries (a code, a term or pattern, its kind, a weight), examples that the set must pass, and a
//! manifest. This module holds the in-memory model; [`load`] reads and validates files.

pub mod check;
pub mod load;
pub mod regex_plan;

use std::fmt;

use crate::language::{Language, LanguageSet};

use crate::hrcs::breakdown::Topic;
use crate::hrcs::{ActivityGroup, HealthCategory, ResearchActivity, TreatmentKind};

pub use load::{load_default, load_default_checked, load_dir, LexiconError, Problem};

/// What a lexicon entry is evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Hc(HealthCategory),
    Rac(ResearchActivity),
    Group(ActivityGroup),
    Treatment(TreatmentKind),
    Topic(Topic),
    Context(ContextCue),
    /// Every code: only for exclusion phrases.
    All,
}

/// Sentence cues that weigh the evidence of the sentence they stand in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextCue {
    /// The sentence states what the award will do.
    Aim,
    /// The sentence gives background or motivation.
    Background,
    /// The sentence states who may or may not take part (eligibility, exclusion criteria): the
    /// conditions it lists are not what the award studies.
    Criteria,
    /// The sentence mentions conditions in passing: secondary outcomes, adverse events, side
    /// effects, the trial setting. What it names is measured or met, not studied.
    Passing,
    /// The award is a large programme or centre (HRCS then allows up to four activity codes).
    Programme,
}

impl Target {
    /// Parses the `code` column of a lexicon entry.
    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim();
        if s == "*" {
            return Some(Target::All);
        }
        if let Some((prefix, name)) = s.split_once(':') {
            let name = name.trim();
            return match prefix.trim().to_ascii_lowercase().as_str() {
                "topic" => Topic::parse(name).map(Target::Topic),
                "treatment" => TreatmentKind::parse(name).map(Target::Treatment),
                "context" => match name.to_ascii_lowercase().as_str() {
                    "aim" => Some(Target::Context(ContextCue::Aim)),
                    "background" => Some(Target::Context(ContextCue::Background)),
                    "criteria" => Some(Target::Context(ContextCue::Criteria)),
                    "passing" => Some(Target::Context(ContextCue::Passing)),
                    "programme" | "program" => Some(Target::Context(ContextCue::Programme)),
                    _ => None,
                },
                _ => None,
            };
        }
        if let Some(hc) = HealthCategory::parse(s) {
            return Some(Target::Hc(hc));
        }
        if let Some(g) = ActivityGroup::parse(s) {
            return Some(Target::Group(g));
        }
        ResearchActivity::parse(s)
            .filter(|_| !s.contains(' '))
            .map(Target::Rac)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Hc(c) => write!(f, "{c}"),
            Target::Rac(r) => write!(f, "{r}"),
            Target::Group(g) => write!(f, "{g}"),
            Target::Treatment(k) => write!(f, "treatment:{}", k.name()),
            Target::Topic(t) => write!(f, "topic:{}", t.name()),
            Target::Context(ContextCue::Aim) => f.write_str("context:aim"),
            Target::Context(ContextCue::Background) => f.write_str("context:background"),
            Target::Context(ContextCue::Criteria) => f.write_str("context:criteria"),
            Target::Context(ContextCue::Passing) => f.write_str("context:passing"),
            Target::Context(ContextCue::Programme) => f.write_str("context:programme"),
            Target::All => f.write_str("*"),
        }
    }
}

/// How an entry's term is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// Literal phrase, case-insensitive, whole words, plural endings allowed.
    Term,
    /// Literal matched with its exact case (MS, AD, ALL).
    Acronym,
    /// Regular expression over the normalised text.
    Regex,
    /// Phrase whose matches are never evidence.
    Exclude,
}

impl EntryKind {
    pub fn parse(s: &str) -> Option<EntryKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "term" | "literal" => Some(EntryKind::Term),
            "acronym" | "abbreviation" => Some(EntryKind::Acronym),
            "regex" | "pattern" => Some(EntryKind::Regex),
            "exclude" | "exclusion" => Some(EntryKind::Exclude),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Term => "term",
            EntryKind::Acronym => "acronym",
            EntryKind::Regex => "regex",
            EntryKind::Exclude => "exclude",
        }
    }
}

/// Where a line came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One lexicon line.
#[derive(Debug, Clone)]
pub struct Entry {
    pub target: Target,
    pub kind: EntryKind,
    /// The term or pattern as written in the file.
    pub term: String,
    pub weight: f32,
    pub note: String,
    pub id: Option<String>,
    /// The languages whose text the entry is matched in (the `lang` column; empty = every one).
    pub langs: LanguageSet,
    /// Where the term may stand inside longer words and whether it inflects (`forms` column).
    pub forms: Forms,
    /// What the term says about the award (`role` column): its subject, what it gives, or
    /// where its care happens.
    pub role: TermRole,
    pub location: Location,
}

/// What a health-category term says about an award (the `role` column). HRCS codes the disease
/// under study: a drug names the conditions it is given for, and a care setting names no
/// condition at all, so neither can make a category on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum TermRole {
    /// A disease, sign, organ or normal function: what the award studies (the default).
    #[default]
    Subject,
    /// A drug or drug class ("bisoprolol", "antibiotic"): evidence for a category only when the
    /// award's subject terms already name it (a beta-blocker in a COPD trial is not Cardio).
    Intervention,
    /// A care setting whose patients have any disease ("critically ill", "perioperative"): a
    /// `Generic` term that, in a title naming no category, makes the award Generic.
    Setting,
}

impl TermRole {
    /// Parses a `role` cell; empty is `subject`.
    pub fn parse(s: &str) -> Option<TermRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "subject" => Some(TermRole::Subject),
            "intervention" => Some(TermRole::Intervention),
            "setting" => Some(TermRole::Setting),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            TermRole::Subject => "subject",
            TermRole::Intervention => "intervention",
            TermRole::Setting => "setting",
        }
    }
}

/// The word forms of an entry (the `forms` column): where the term may stand inside a longer
/// word and whether inflection endings may follow it. Empty for most entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Forms {
    /// The term may end a longer word (compound head: "kreft" in "brystkreft").
    pub head: bool,
    /// The term may start a longer word (modifier: "hjerte" in "hjerteinfarkt").
    pub modifier: bool,
    /// An inflection ending of its language may follow the term ("kreften").
    pub inflects: bool,
}

impl Forms {
    /// Parses a `forms` cell: space-separated `head`, `modifier`, `inflects` (any order).
    pub fn parse(cell: &str) -> Result<Forms, String> {
        let mut forms = Forms::default();
        for token in cell.split([' ', ',', '\t']).filter(|t| !t.is_empty()) {
            match token.to_ascii_lowercase().as_str() {
                "head" => forms.head = true,
                "modifier" => forms.modifier = true,
                "inflects" => forms.inflects = true,
                _ => {
                    return Err(format!(
                        "unknown form {token:?} in the forms column: use head, modifier and/or inflects, separated by spaces"
                    ))
                }
            }
        }
        Ok(forms)
    }

    pub fn is_empty(self) -> bool {
        !(self.head || self.modifier || self.inflects)
    }
}

impl fmt::Display for Forms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (self.head, "head"),
            (self.modifier, "modifier"),
            (self.inflects, "inflects"),
        ];
        let parts: Vec<&str> = names.iter().filter(|n| n.0).map(|n| n.1).collect();
        f.write_str(&parts.join(" "))
    }
}

/// What a row of a word-forms file gives its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WordFormKind {
    /// An inflection ending ("en", "ene", "er").
    Ending,
    /// A linking letter between a modifier and the rest of a compound ("s" in "sykdomsbyrde").
    Link,
}

impl WordFormKind {
    pub fn parse(s: &str) -> Option<WordFormKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ending" => Some(WordFormKind::Ending),
            "link" => Some(WordFormKind::Link),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            WordFormKind::Ending => "ending",
            WordFormKind::Link => "link",
        }
    }
}

/// One row of a word-forms file: an ending or a linking letter of a language.
#[derive(Debug, Clone)]
pub struct WordFormRule {
    pub lang: Language,
    pub kind: WordFormKind,
    /// Normalised (lower case).
    pub text: String,
    pub note: String,
    pub location: Location,
}

/// A text that must (or must not) get a code.
#[derive(Debug, Clone)]
pub struct Example {
    pub target: Target,
    pub expect: bool,
    pub text: String,
    pub note: String,
    /// The language to code the example in (`lang` column); `None` detects it. Example sentences
    /// are too short to detect reliably, so Norwegian ones name their language.
    pub lang: Option<Language>,
    pub location: Location,
}

/// A validated lexicon set.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub name: String,
    pub version: String,
    pub language: String,
    /// The set claims to cover every HRCS code (manifest `complete yes`).
    pub complete: bool,
    /// SHA-256 over every file of the set, in hex.
    pub hash: String,
    pub entries: Vec<Entry>,
    pub examples: Vec<Example>,
    /// Inflection endings and compound links per language (word-forms files).
    pub word_forms: Vec<WordFormRule>,
    /// The files read, relative to the set's folder.
    pub files: Vec<String>,
    /// The set was fully checked before this run (the embedded default set, which the test
    /// suite checks): it was read without the costly checks and the matcher compiles its
    /// regexes on first use. False for every set read from a folder.
    pub prevalidated: bool,
}

impl Lexicon {
    /// `name@version` plus the first 12 hex digits of the hash: what outputs carry.
    pub fn label(&self) -> String {
        format!(
            "{}@{}+{}",
            self.name,
            self.version,
            &self.hash[..12.min(self.hash.len())]
        )
    }
}
