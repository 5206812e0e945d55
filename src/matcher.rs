//! The compiled matcher: finds every lexicon entry in an award's title and abstract.
//!
//! Literal terms, acronyms and exclusion phrases are found word by word through an anchor-word
//! index ([`crate::anchors`]: one table probe per word of the normalised text, then a byte
//! comparison). Regular expressions are run anchored where the trigger index finds one of their
//! literals at a word start (a prefix) or a word end (a word suffix); a pattern with neither as a
//! whole gets them per branch of its alternation (`(?:[a-z]*cillin|cef[a-z]{3,})`), and only a
//! pattern with none at all (none in the default set) is screened over every field by a
//! `RegexSet`. A regex triggered by a function word runs only in fields holding one of its
//! required words (its *gate*, e.g. "whether" for `to (?:assess|test) whether`), tested on the
//! words the scan has already hashed, so patterns that start with "to" or "in" cost little.
//! Candidate matches must stand on whole words. Then:
//!
//! 1. exclusion phrases drop the matches they overlap (all codes, or only their own code);
//! 2. overlapping matches resolve leftmost-longest within each *layer* (health categories with
//!    their topics; research activities with their groups and treatment kinds; context cues), so
//!    "breast cancer screening" hides "cancer", while a research-activity phrase never hides a
//!    disease name.
//!
//! Every match keeps its field, byte offsets and sentence, so coding can weigh aims against
//! background. The matcher is immutable and shared between threads; scratch space is per thread.

use std::cell::RefCell;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexSet, RegexSetBuilder};

use crate::anchors::{AnchorIndex, Triggers, WordGates};
use crate::language::LanguageSet;
use crate::lexicon::load::{build_regex, default_regex_plan, regex_source_for, REGEX_SIZE_LIMIT};
use crate::lexicon::regex_plan::{self, Anchor};
use crate::lexicon::{EntryKind, Lexicon, Location, Target};
use crate::scan::Word;
use crate::text::{
    normalise_into, normalise_term, on_word_boundaries, sentence_of, sentence_starts, word_count,
};
use crate::wordforms::WordForms;

/// Which part of an award a match stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Title = 0,
    Abstract = 1,
}

/// One accepted match of a lexicon entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Lexicon::entries`].
    pub entry: u32,
    pub field: Field,
    pub start: u32,
    pub end: u32,
    /// Sentence index within the field (the title is one sentence).
    pub sentence: u32,
}

/// The layers inside which overlapping matches compete: health categories with topics;
/// research activities with groups and treatment kinds; context cues; exclusions.
pub(crate) fn layer(target: Target) -> u8 {
    match target {
        Target::Hc(_) | Target::Topic(_) => 0,
        Target::Rac(_) | Target::Group(_) | Target::Treatment(_) => 1,
        Target::Context(_) => 2,
        Target::All => 3,
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: u32,
    end: u32,
    entry: u32,
}

#[derive(Default)]
struct Scratch {
    norm: Vec<u8>,
    /// The words of the normalised field.
    words: Vec<Word>,
    /// (start, anchored regex) pairs found by the trigger automaton.
    anchors: Vec<(u32, u32)>,
    candidates: Vec<Candidate>,
    exclusions: Vec<(u32, u32, Target)>,
    /// Acronym entries that an exclusion shows defined as something else in this field.
    defined_away: Vec<u32>,
    sentences: Vec<u32>,
    /// Per regex gate, for the field being matched: open or shut (once `gates_tested`).
    gates: Vec<bool>,
    gates_tested: bool,
    /// The languages of the field being matched.
    field_langs: LanguageSet,
    /// Candidates from word forms (compounds, inflections, coordinations).
    word_forms: Vec<(u32, u32, u32)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A lexicon regex and what it takes to run it.
struct CompiledRegex {
    entry: u32,
    /// `^(?:pattern)WORD_END` for anchored runs, `(?:pattern)WORD_END` otherwise.
    regex: LazyRegex,
    /// Index into `Matcher::gates`: whole words of which every match holds one.
    gate: Option<u32>,
}

include!(concat!(env!("OUT_DIR"), "/regex_words.rs"));

/// The whole words of which every match of an ASCII-mode regex holds one: worked out by build.rs
/// for the embedded set, by parsing otherwise.
fn required_words(pattern: &str, prevalidated: bool) -> Option<Vec<Vec<u8>>> {
    if prevalidated {
        if let Ok(i) = DEFAULT_REQUIRED_WORDS.binary_search_by(|p| p.0.cmp(pattern)) {
            return DEFAULT_REQUIRED_WORDS[i]
                .1
                .map(|ws| ws.iter().map(|w| w.to_vec()).collect());
        }
    }
    regex_plan::parse_hir(pattern, false).and_then(|h| regex_plan::required_words(&h))
}

/// A lexicon compiled for matching.
pub struct Matcher {
    /// Literal terms, acronyms and exclusion phrases (normalised, with curly-apostrophe
    /// variants), found word by word.
    literals: AnchorIndex,
    /// Literal pattern id -> the entries with that normalised literal (CSR ranges).
    literal_entry_starts: Vec<u32>,
    literal_entries: Vec<u32>,
    /// Prefix and word-suffix literals of the regexes that have them: where they occur, the
    /// regex is run anchored at that word.
    triggers: Triggers,
    /// Trigger pattern id -> the regexes (indexes into `regexes`) it triggers.
    trigger_regexes: Vec<Vec<u32>>,
    /// Trigger pattern id -> true for a word-suffix literal: the regex runs from the start of
    /// the word it ends.
    trigger_is_suffix: Vec<bool>,
    regexes: Vec<CompiledRegex>,
    /// Regexes without a usable trigger: screened together over every field by one set (index
    /// in the set -> index in `regexes`), then run where the set says they match.
    unanchored: Vec<u32>,
    regex_set: LazyRegexSet,
    /// Gates: a regex triggered by a function word runs in a field only if one of its required
    /// words occurs there (all gates tested together once per field, when first needed).
    gates: WordGates,
    targets: Vec<Target>,
    kinds: Vec<EntryKind>,
    /// The languages each entry serves; a field is matched only with its languages' entries.
    langs: Vec<LanguageSet>,
    /// The literal of acronym entries, to check case on the original text.
    acronyms: Vec<Option<String>>,
    /// Matches inside longer words and with inflection endings (entries with `forms`).
    word_forms: WordForms,
}

/// True if most letters of a text (of some length) are capitals.
fn is_mostly_upper(text: &str) -> bool {
    // Branch-free counts, so the loop vectorises.
    let (mut letters, mut upper) = (0usize, 0usize);
    for b in text.bytes() {
        letters += usize::from((b | 0x20).wrapping_sub(b'a') < 26);
        upper += usize::from(b.wrapping_sub(b'A') < 26);
    }
    letters >= 12 && upper * 10 > letters * 6
}

/// True if `found` is `acronym`, a curly apostrophe in `found` standing for a straight one.
/// No allocation: this runs for every lower-case word that spells an acronym.
fn same_acronym(found: &str, acronym: &str) -> bool {
    if found == acronym {
        return true;
    }
    found.contains('’')
        && found
            .chars()
            .map(|c| if c == '’' { '\'' } else { c })
            .eq(acronym.chars())
}

/// The start of the word that contains byte `at`.
fn word_start(text: &[u8], mut at: usize) -> usize {
    while at > 0 && crate::text::is_word_byte(text[at - 1]) {
        at -= 1;
    }
    at
}

/// Gives each distinct literal one id, so entries (or regexes) with the same literal share it.
#[derive(Default)]
struct Patterns {
    patterns: Vec<Vec<u8>>,
    users: Vec<Vec<u32>>,
    index: std::collections::HashMap<Vec<u8>, usize>,
}

impl Patterns {
    fn add(&mut self, pattern: Vec<u8>, user: u32) {
        let id = match self.index.get(&pattern) {
            Some(&id) => id,
            None => {
                self.patterns.push(pattern.clone());
                self.users.push(Vec::new());
                self.index.insert(pattern, self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        if !self.users[id].contains(&user) {
            self.users[id].push(user);
        }
    }
}

/// Appended to every lexicon regex: the match must be followed by a byte that is not part of a
/// word (the matcher adds a space after each text). Without it an alternation such as
/// `bleed|bleeding` would stop at "bleed" inside "bleeding" (leftmost-first) and then fail the
/// word-boundary test; with it the engine goes on to the alternative that ends a word.
const WORD_END: &str = "(?-u:[^0-9A-Za-z\\x80-\\xFF])";

/// A lexicon regex, compiled on first use. Compiling the 300-odd regexes of the default set cost
/// more than everything else at start-up, and a run needs only those whose trigger words occur.
/// Sets read from a folder are compiled up front ([`LazyRegex::compile`]), so a pattern over the
/// size limit is reported, with its file and line, before any row is coded; the embedded default
/// set is proven to compile by the test suite (`lexicon::load::tests::default_set_is_valid`).
struct LazyRegex {
    source: String,
    location: Location,
    regex: OnceLock<Regex>,
}

impl LazyRegex {
    fn new(source: String, location: &Location) -> LazyRegex {
        LazyRegex {
            source,
            location: location.clone(),
            regex: OnceLock::new(),
        }
    }

    /// Compiles now; an error names the entry's file, line and pattern.
    fn compile(&self, term: &str) -> anyhow::Result<()> {
        let regex = build_regex(&self.source)
            .map_err(|err| anyhow::anyhow!("{}: regex {:?}: {err}", self.location, term))?;
        let _ = self.regex.set(regex);
        Ok(())
    }

    /// The compiled regex; the first caller compiles it, threads that ask meanwhile wait.
    fn get(&self) -> &Regex {
        self.regex.get_or_init(|| {
            build_regex(&self.source).unwrap_or_else(|err| {
                // Only the embedded set compiles lazily, and a test compiles all of it.
                panic!("{}: embedded regex does not compile: {err}", self.location)
            })
        })
    }
}

/// The one `RegexSet` screening the regexes without a trigger literal, built when first needed
/// (or up front, like [`LazyRegex`]).
struct LazyRegexSet(Vec<String>, OnceLock<RegexSet>);

impl LazyRegexSet {
    fn build(sources: &[String]) -> Result<RegexSet, regex::Error> {
        RegexSetBuilder::new(sources)
            .case_insensitive(true)
            .size_limit(REGEX_SIZE_LIMIT * 16)
            .dfa_size_limit(REGEX_SIZE_LIMIT * 16)
            .build()
    }

    fn compile(&self) -> Result<(), regex::Error> {
        let _ = self.1.set(Self::build(&self.0)?);
        Ok(())
    }

    fn get(&self) -> &RegexSet {
        self.1.get_or_init(|| {
            Self::build(&self.0)
                .unwrap_or_else(|err| panic!("embedded regex set does not compile: {err}"))
        })
    }
}

impl Matcher {
    /// Compiles a validated lexicon (each regex once). Fails if a regex exceeds its size limit,
    /// naming the entry.
    pub fn new(lexicon: &Lexicon) -> anyhow::Result<Matcher> {
        let mut literals = Patterns::default();
        // (literal, is a word suffix, its regex matches word bytes only) -> regexes it triggers.
        let mut trigger_ids: std::collections::HashMap<(Vec<u8>, bool, bool), usize> =
            Default::default();
        let mut trigger_lits: Vec<(Vec<u8>, bool, bool)> = Vec::new();
        let mut trigger_regexes: Vec<Vec<u32>> = Vec::new();
        let mut regexes = Vec::new();
        let mut unanchored = Vec::new();
        let mut gates: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut set_sources = Vec::new();
        let mut acronyms = Vec::with_capacity(lexicon.entries.len());
        for (i, e) in lexicon.entries.iter().enumerate() {
            let i = i as u32;
            acronyms.push((e.kind == EntryKind::Acronym).then(|| e.term.clone()));
            if e.kind != EntryKind::Regex {
                let norm = normalise_term(&e.term);
                // Texts pasted from word processors write "Crohn’s": a term written with a
                // straight apostrophe matches both forms.
                let curly = norm.contains('\'').then(|| norm.replace('\'', "’"));
                for pattern in std::iter::once(norm).chain(curly) {
                    literals.add(pattern.into_bytes(), i);
                }
                continue;
            }
            // Parsed once, or for the embedded set not at all (its plans are worked out by
            // build.rs): the source, the anchors, the gate and the one-word test.
            let plan = lexicon
                .prevalidated
                .then(|| default_regex_plan(&e.term))
                .flatten()
                .unwrap_or_else(|| regex_plan::plan(&e.term));
            let source = regex_source_for(&e.term, plan.ascii);
            // A pattern that has no anchor as a whole may still have one per branch of its
            // alternation; only such patterns are parsed here (two of the default set).
            let anchors: Option<Vec<regex_plan::BranchAnchor>> = match plan.anchor {
                Some((a, lits)) => {
                    let word_only = a == Anchor::WordSuffix && plan.word_only;
                    Some(vec![(a, lits, word_only)])
                }
                None => regex_plan::parse_hir(&e.term, !plan.ascii)
                    .and_then(|h| regex_plan::branch_anchors(&h)),
            };
            // Most lexicon patterns start with words ("(lung|breast) cancer"): find those words
            // and run the pattern only there, instead of scanning every text with every pattern.
            let wrapped = match anchors {
                Some(_) => format!("^(?:{source}){WORD_END}"),
                None => format!("(?:{source}){WORD_END}"),
            };
            let regex = LazyRegex::new(wrapped, &e.location);
            if !lexicon.prevalidated {
                regex.compile(&e.term)?;
            }
            // Gates only where they save work: patterns triggered by short or function words
            // ("to", "in", "the"); and only for ASCII-mode patterns, whose words match the
            // normalised text byte for byte.
            let common_trigger = anchors.iter().flatten().any(|(a, lits, _)| {
                *a == Anchor::Prefix
                    && lits.iter().any(|l| {
                        let run = l
                            .iter()
                            .take_while(|&&b| crate::text::is_word_byte(b))
                            .count();
                        run <= 3 || crate::anchors::is_stop_word(&l[..run])
                    })
            });
            let gate = (common_trigger && plan.ascii)
                .then(|| required_words(&e.term, lexicon.prevalidated))
                .flatten()
                .map(|words| {
                    gates.push(words);
                    (gates.len() - 1) as u32
                });
            let r = regexes.len() as u32;
            match anchors {
                Some(anchors) => {
                    for (a, lits, word_only) in anchors {
                        let suffix = a == Anchor::WordSuffix;
                        for l in lits {
                            let key = (l, suffix, suffix && word_only);
                            let id = *trigger_ids.entry(key.clone()).or_insert_with(|| {
                                trigger_lits.push(key);
                                trigger_regexes.push(Vec::new());
                                trigger_regexes.len() - 1
                            });
                            if !trigger_regexes[id].contains(&r) {
                                trigger_regexes[id].push(r);
                            }
                        }
                    }
                }
                None => {
                    unanchored.push(r);
                    set_sources.push(source);
                }
            }
            regexes.push(CompiledRegex {
                entry: i,
                regex,
                gate,
            });
        }
        let regex_set = LazyRegexSet(set_sources, OnceLock::new());
        if !lexicon.prevalidated {
            regex_set.compile()?;
        }
        let mut literal_entry_starts = vec![0u32];
        let mut literal_entries = Vec::new();
        for users in &literals.users {
            literal_entries.extend_from_slice(users);
            literal_entry_starts.push(literal_entries.len() as u32);
        }
        Ok(Matcher {
            literals: AnchorIndex::new(&literals.patterns)?,
            literal_entry_starts,
            literal_entries,
            triggers: Triggers::new(&trigger_lits)?,
            trigger_is_suffix: trigger_lits.iter().map(|l| l.1).collect(),
            trigger_regexes,
            regexes,
            unanchored,
            regex_set,
            gates: WordGates::new(&gates),
            targets: lexicon.entries.iter().map(|e| e.target).collect(),
            kinds: lexicon.entries.iter().map(|e| e.kind).collect(),
            langs: lexicon.entries.iter().map(|e| e.langs).collect(),
            acronyms,
            word_forms: WordForms::new(lexicon)?,
        })
    }

    /// The target of entry `i`.
    pub fn target(&self, entry: u32) -> Target {
        self.targets[entry as usize]
    }

    /// Finds the accepted matches in a title and an abstract, appending them to `hits` in order
    /// of field and position. `langs` gives the languages of the title and of the abstract: a
    /// field is matched only with the entries that serve one of its languages. Returns the
    /// number of words of both fields ([`crate::text::word_count`]), counted by the same scan.
    pub fn find(
        &self,
        title: &str,
        abstract_text: &str,
        langs: [LanguageSet; 2],
        hits: &mut Vec<Hit>,
    ) -> usize {
        hits.clear();
        SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            let mut words = 0;
            for (field, text, langs) in [
                (Field::Title, title, langs[0]),
                (Field::Abstract, abstract_text, langs[1]),
            ] {
                if !text.is_empty() {
                    s.field_langs = langs;
                    words += self.find_in_field(field, text, s, hits);
                }
            }
            words
        })
    }

    /// Matches one field; returns its number of words.
    fn find_in_field(
        &self,
        field: Field,
        text: &str,
        s: &mut Scratch,
        hits: &mut Vec<Hit>,
    ) -> usize {
        // Taken out of the scratch space while candidates are pushed into it; put back below.
        let mut norm_buf = std::mem::take(&mut s.norm);
        normalise_into(text, &mut norm_buf);
        // A space after the text, so that every regex match can end with its WORD_END byte.
        norm_buf.push(b' ');
        let norm = &norm_buf[..norm_buf.len() - 1];
        s.candidates.clear();
        s.exclusions.clear();
        crate::scan::words(norm, &mut s.words);
        let words = std::mem::take(&mut s.words);
        self.find_literals(text, norm, &words, s);
        // Word forms (compound parts, inflections, hyphenated coordination): candidates the
        // whole-word literals miss, from lexicon data. Skipped when no entry has forms.
        if !self.word_forms.is_empty() {
            let mut extra = std::mem::take(&mut s.word_forms);
            extra.clear();
            self.word_forms.find(text, norm, s.field_langs, &mut extra);
            for &(start, end, entry) in &extra {
                self.push_candidate(s, start as usize, end as usize, entry);
            }
            s.word_forms = extra;
        }
        self.find_regexes(&norm_buf, &words, s);
        // Normalisation turns non-ASCII dashes and spaces (word bytes in the original) into
        // spaces, so only an ASCII text has as many words as its normalised form.
        let word_count = if text.is_ascii() {
            words.len()
        } else {
            word_count(text)
        };
        s.words = words;
        s.norm = norm_buf;
        self.apply_exclusions(s);
        self.leftmost_longest(field, text, s, hits);
        word_count
    }

    /// Literal terms, acronyms and exclusion phrases, word by word.
    fn find_literals(&self, text: &str, norm: &[u8], words: &[Word], s: &mut Scratch) {
        // In a field written in capitals ("ALL PATIENTS WITH MS") case tells nothing, so
        // acronyms, which rely on it, are not matched there. Counted only when an acronym is.
        let mut shouting: Option<bool> = None;
        self.literals.find(norm, words, |o| {
            let p = o.pattern as usize;
            let users =
                self.literal_entry_starts[p] as usize..self.literal_entry_starts[p + 1] as usize;
            for &entry in &self.literal_entries[users] {
                if let Some(acronym) = &self.acronyms[entry as usize] {
                    // Exact case, on the original text; the plural ending may follow. Tested
                    // before the shouting count, which reads the whole field: most acronym
                    // patterns found ("all", "ms") are ordinary lower-case words.
                    let found = text.get(o.start..o.end).unwrap_or("");
                    if !same_acronym(found, acronym) {
                        continue;
                    }
                    if *shouting.get_or_insert_with(|| is_mostly_upper(text)) {
                        continue;
                    }
                }
                self.push_candidate(s, o.start, o.word_end, entry);
            }
        });
    }

    /// True if regex `r` may match in the field: its gate is open. The first gated regex of a
    /// field tests every gate, in one pass over the field's words.
    fn gate_open(&self, r: &CompiledRegex, words: &[Word], s: &mut Scratch) -> bool {
        let Some(g) = r.gate else { return true };
        if !s.gates_tested {
            self.gates.test(words, &mut s.gates);
            s.gates_tested = true;
        }
        s.gates[g as usize]
    }

    /// Regexes: anchored runs where a trigger literal stands at a word start, the rest over the
    /// whole field; each only if its gate is open. `padded` is the normalised field plus a space.
    fn find_regexes(&self, padded: &[u8], words: &[Word], s: &mut Scratch) {
        let norm = &padded[..padded.len() - 1];
        s.gates_tested = false;
        s.anchors.clear();
        let anchors = &mut s.anchors;
        self.triggers.find(norm, words, |t| {
            let at = if self.trigger_is_suffix[t.literal as usize] {
                word_start(norm, t.start)
            } else {
                t.start
            };
            if at > 0 && crate::text::is_word_byte(norm[at - 1]) {
                return;
            }
            for &r in &self.trigger_regexes[t.literal as usize] {
                anchors.push((at as u32, r));
            }
        });
        // One anchored run per place and pattern.
        s.anchors.sort_unstable();
        s.anchors.dedup();
        for i in 0..s.anchors.len() {
            let (start, r) = s.anchors[i];
            let re = &self.regexes[r as usize];
            if !self.gate_open(re, words, s) {
                continue;
            }
            if let Some(m) = re.regex.get().find(&padded[start as usize..]) {
                let end = start as usize + m.end() - 1;
                if end > start as usize && on_word_boundaries(norm, start as usize, end) {
                    self.push_candidate(s, start as usize, end, re.entry);
                }
            }
        }
        if self.unanchored.is_empty() {
            return;
        }
        for i in self.regex_set.get().matches(norm).iter() {
            let re = &self.regexes[self.unanchored[i] as usize];
            for m in re.regex.get().find_iter(padded) {
                let end = m.end() - 1;
                if m.start() < end && on_word_boundaries(norm, m.start(), end) {
                    self.push_candidate(s, m.start(), end, re.entry);
                }
            }
        }
    }

    /// Exclusion phrases drop the candidates they overlap.
    fn apply_exclusions(&self, s: &mut Scratch) {
        if s.exclusions.is_empty() {
            return;
        }
        let exclusions = &s.exclusions;
        let targets = &self.targets;
        let excluded = |c: &Candidate| {
            exclusions.iter().any(|&(xs, xe, xt)| {
                c.start < xe && xs < c.end && (xt == Target::All || xt == targets[c.entry as usize])
            })
        };
        // An acronym that an exclusion shows defined as something else ("mass spectrometry
        // (MS)") means that thing wherever it stands in the field, not only there.
        let mut defined_away = std::mem::take(&mut s.defined_away);
        defined_away.clear();
        defined_away.extend(
            s.candidates
                .iter()
                .filter(|c| self.acronyms[c.entry as usize].is_some() && excluded(c))
                .map(|c| c.entry),
        );
        s.candidates
            .retain(|c| !excluded(c) && !defined_away.contains(&c.entry));
        s.defined_away = defined_away;
    }

    /// Leftmost-longest within each layer; several entries with the very same span all count.
    fn leftmost_longest(&self, field: Field, text: &str, s: &mut Scratch, hits: &mut Vec<Hit>) {
        let targets = &self.targets;
        s.candidates.sort_unstable_by_key(|c| {
            (
                layer(targets[c.entry as usize]),
                c.start,
                std::cmp::Reverse(c.end),
                c.entry,
            )
        });
        // Only a hash collision in the anchor index could report a literal twice.
        s.candidates.dedup_by_key(|c| (c.start, c.end, c.entry));
        if field == Field::Abstract {
            sentence_starts(text, &mut s.sentences);
        }
        // (layer, start, end) of the last accepted match.
        let mut last: Option<(u8, u32, u32)> = None;
        for c in &s.candidates {
            let l = layer(targets[c.entry as usize]);
            if let Some((ll, ls, le)) = last {
                if ll == l && c.start < le && !(c.start == ls && c.end == le) {
                    continue;
                }
            }
            last = Some((l, c.start, c.end));
            let sentence = if field == Field::Title {
                0
            } else {
                sentence_of(&s.sentences, c.start as usize) as u32
            };
            hits.push(Hit {
                entry: c.entry,
                field,
                start: c.start,
                end: c.end,
                sentence,
            });
        }
        let first = hits.partition_point(|h| h.field < field);
        hits[first..].sort_unstable_by_key(|h| (h.start, h.end, h.entry));
    }

    fn push_candidate(&self, s: &mut Scratch, start: usize, end: usize, entry: u32) {
        let (start, end) = (start as u32, end as u32);
        if !self.langs[entry as usize].intersects(s.field_langs) {
            return;
        }
        if self.kinds[entry as usize] == EntryKind::Exclude {
            s.exclusions
                .push((start, end, self.targets[entry as usize]));
        } else {
            s.candidates.push(Candidate { start, end, entry });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    fn hits(lex: &Lexicon, title: &str, text: &str) -> Vec<(String, String)> {
        let m = Matcher::new(lex).unwrap();
        let mut hits = Vec::new();
        m.find(title, text, [LanguageSet::ALL; 2], &mut hits);
        hits.iter()
            .map(|h| {
                let src = if h.field == Field::Title { title } else { text };
                (
                    lex.entries[h.entry as usize].target.to_string(),
                    src[h.start as usize..h.end as usize].to_string(),
                )
            })
            .collect()
    }

    fn lex(entries: &str) -> Lexicon {
        parse_for_test(&[("e.tsv", &format!("code\tkind\tterm\tweight\n{entries}"))]).unwrap()
    }

    #[test]
    fn leftmost_longest_whole_words_and_plurals() {
        let l = lex("Cancer\tterm\tcancer\t2\nCancer\tterm\tbreast cancer\t3\n4.4\tterm\tbreast cancer screening\t3\nRespiratory\tterm\tlung\t1\nCancer\tregex\tlung (cancer|carcinoma)s?\t3\n");
        let got = hits(
            &l,
            "",
            "Breast cancer screening for cancers; lung carcinomas; lungs; precancerous.",
        );
        assert_eq!(
            got,
            vec![
                ("Cancer".into(), "Breast cancer".into()),
                ("4.4".into(), "Breast cancer screening".into()),
                ("Cancer".into(), "cancers".into()),
                ("Cancer".into(), "lung carcinomas".into()),
                ("Respiratory".into(), "lungs".into()),
            ]
        );
    }

    #[test]
    fn exclusions_and_acronyms() {
        let l = lex("Cancer\tterm\tcancer\t2\n*\texclude\tCancer Research UK\t\nNeuro\tacronym\tMS\t1\nNeuro\texclude\tmass spectrometry (MS)\t\n1.1\tterm\tmass spectrometry\t1\n");
        let got = hits(
            &l,
            "Funded by Cancer Research UK",
            "Using mass spectrometry (MS) in ms timescales; MS patients; cancer.",
        );
        assert_eq!(
            got,
            // "MS patients" too: the text has defined MS as mass spectrometry.
            vec![
                ("1.1".into(), "mass spectrometry".into()),
                ("Cancer".into(), "cancer".into()),
            ]
        );
    }

    #[test]
    fn acronyms_are_not_matched_in_capitals() {
        let l = lex("Neuro\tacronym\tMS\t1\nCancer\tacronym\tALL\t1\n");
        assert!(hits(&l, "TREATMENT OF ALL PATIENTS WITH HEART FAILURE", "").is_empty());
        assert_eq!(hits(&l, "Relapse in ALL and MS", "").len(), 2);
    }

    #[test]
    fn a_failed_long_match_does_not_hide_a_short_one() {
        let l = lex("Cancer\tterm\tbreast cancer\t3\nReproduction\tterm\tbreast\t1\n");
        assert_eq!(
            hits(&l, "", "breast cancerous tissue"),
            vec![("Reproduction".into(), "breast".into())]
        );
    }

    #[test]
    fn a_regex_alternative_that_ends_inside_a_word_gives_way_to_one_that_ends_it() {
        // Leftmost-first alternation would stop at "bleed" inside "bleeding"; every pattern must
        // end a word, so the engine goes on to "bleeding". Both the anchored path (prefix words)
        // and the regex-set path (no literal prefix) behave alike, at the end of the text too.
        let l = lex(
            "Stroke\tregex\tbrain (?:bleed|bleeding)\t3\nEye\tregex\t(?:ab|x)?(?:ret|retina)\t1\n",
        );
        assert_eq!(
            hits(&l, "", "brain bleeding and brain bleed. retina"),
            vec![
                ("Stroke".into(), "brain bleeding".into()),
                ("Stroke".into(), "brain bleed".into()),
                ("Eye".into(), "retina".into())
            ]
        );
    }

    #[test]
    fn an_acronym_defined_as_something_else_is_off_for_the_whole_field() {
        let l = lex("Neuro\tacronym\tMS\t2\nNeuro\texclude\tmass spectrometry (MS)\t1\n");
        assert_eq!(
            hits(
                &l,
                "",
                "Proteins by mass spectrometry (MS). MS showed peaks."
            ),
            vec![]
        );
        assert_eq!(
            hits(&l, "", "Relapses in MS. MS lesions grew."),
            vec![("Neuro".into(), "MS".into()), ("Neuro".into(), "MS".into())]
        );
    }

    #[test]
    fn straight_apostrophe_terms_match_curly_text() {
        let l = lex("Oral\tterm\tCrohn's disease\t3\n");
        assert_eq!(
            hits(&l, "", "Crohn’s disease and Crohn's disease"),
            vec![
                ("Oral".into(), "Crohn’s disease".into()),
                ("Oral".into(), "Crohn's disease".into())
            ]
        );
    }

    #[test]
    fn anchored_regexes_find_every_match() {
        let l = lex("treatment:pharmaceutical\tregex\t[a-z]{3,}mab\t2\nCancer\tregex\t(?:lung|gi) (?:cancer|tumou?r)s?\t3\nInfection\tregex\th[1-9]n[1-9]\t2\n");
        let m = Matcher::new(&l).unwrap();
        // Prefix and word-suffix anchors trigger anchored runs; `h[1-9]n[1-9]` gets its prefix
        // literals ("h1" ... "h9") from the per-branch plan, so nothing runs over every field.
        assert_eq!(m.regexes.len(), 3);
        assert_eq!(m.unanchored.len(), 0);
        let got = hits(
            &l,
            "",
            "Trastuzumab and rituximab; mabs; GI tumours, lung cancer; H5N1 flu; lungi cancer",
        );
        let words: Vec<&str> = got.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            words,
            [
                "Trastuzumab",
                "rituximab",
                "GI tumours",
                "lung cancer",
                "H5N1"
            ]
        );
    }

    #[test]
    fn sentences_are_recorded() {
        let l = lex("Cancer\tterm\tcancer\t2\n");
        let m = Matcher::new(&l).unwrap();
        let mut h = Vec::new();
        m.find(
            "Cancer",
            "Background here. We study cancer.",
            [LanguageSet::ALL; 2],
            &mut h,
        );
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].field, h[0].sentence), (Field::Title, 0));
        assert_eq!((h[1].field, h[1].sentence), (Field::Abstract, 1));
    }

    #[test]
    fn word_form_candidates_meet_exclusions_and_longer_entries() {
        let l = parse_for_test(&[
            (
                "e.tsv",
                "code\tkind\tterm\tforms\n\
                 Cancer\tterm\tkreft\thead modifier inflects\n\
                 Cancer\tterm\tbrystkreft\tmodifier\n\
                 Reproduction\tterm\tbryst\tmodifier\n\
                 *\texclude\tkreftregister\tinflects modifier\n\
                 5\tterm\tbehandling\thead\n",
            ),
            (
                "w.tsv",
                "lang\tkind\ttext\tnote\nnb\tending\tet\t\nnb\tending\ten\t\n",
            ),
        ])
        .unwrap();
        assert_eq!(
            hits(&l, "", "Brystkreftbehandling, Kreftregisteret og kreften."),
            vec![
                // One word, two layers: the longest health-category entry and the activity head.
                ("Cancer".into(), "Brystkreft".into()),
                ("5".into(), "behandling".into()),
                ("Cancer".into(), "kreften".into()),
            ]
        );
    }

    #[test]
    fn branch_triggers_find_what_a_search_of_every_field_found() {
        // Suffix branches, prefix branches and a two-word branch in one alternation.
        let l = lex("treatment:pharmaceutical\tregex\t(?:[a-z]*cillin|cef[a-z]{3,}|[a-z]{2,}penem|fusidic\\s+acid|aztreonam)\t2\n");
        let m = Matcher::new(&l).unwrap();
        assert!(m.unanchored.is_empty());
        let got = hits(
            &l,
            "",
            "Amoxicillin, cefalexin and meropenem; fusidic  acid; aztreonam; x2cillin; cef; penicillins",
        );
        let words: Vec<&str> = got.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(
            words,
            [
                "Amoxicillin",
                "cefalexin",
                "meropenem",
                "fusidic  acid",
                "aztreonam"
            ]
        );
    }

    #[test]
    fn gates_are_words_of_the_field() {
        // "whether" is required; a field without it never runs the pattern, one with it does.
        let l = lex("8.1\tregex\tto\\s+(?:assess|test)\\s+whether\t1\n");
        let m = Matcher::new(&l).unwrap();
        assert!(m.regexes[0].gate.is_some());
        assert!(hits(&l, "", "We aim to assess it. Whetherness.").is_empty());
        assert_eq!(hits(&l, "", "We aim to test  whether it works.").len(), 1);
    }

    #[test]
    fn build_time_required_words_match_parsing() {
        for (pattern, words) in DEFAULT_REQUIRED_WORDS {
            let parsed =
                regex_plan::parse_hir(pattern, false).and_then(|h| regex_plan::required_words(&h));
            let built = words.map(|ws| ws.iter().map(|w| w.to_vec()).collect::<Vec<_>>());
            assert_eq!(built, parsed, "{pattern}");
        }
    }
}
