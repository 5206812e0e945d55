//! Word forms: lexicon entries that match inside longer words and with inflection endings, for
//! languages that write compounds as one word and inflect nouns with suffixes (Norwegian).
//!
//! Everything here is lexicon data: an entry's `forms` column says whether its term may end a
//! longer word (`head`: "kreft" in "brystkreft"), start one (`modifier`: "hjerte" in
//! "hjerteinfarkt"), or take an inflection ending of its language (`inflects`: "kreften"); the
//! word-forms files give each language's endings and compound links. [`WordForms::find`] reports
//! the candidates the plain whole-word matcher cannot see; the matcher then applies exclusions and
//! leftmost-longest per layer to them as to any candidate, so a longer entry still wins
//! ("brystkreft" over "kreft") and exclusions still cover ("kreftforeningen").
//!
//! Guards against false compounds (docs/lexicons.md, "Word forms"): the other part of a compound
//! must be long enough ([`MIN_LEFT`], [`MIN_RIGHT`]); a term followed by more letters matches only
//! when those letters are one of its language's endings (`inflects`) or another compound part
//! (`modifier`); exclusions with forms cover whole families of words.
//!
//! Hyphenated coordination ("hjerte- og karsykdommer", "lunge-, bryst- og tarmkreft") is expanded:
//! each first conjunct is joined to the shared end of the last word ("hjertesykdommer") and
//! matched; its candidates are reported on the written conjunct ("hjerte-").

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::language::{Language, LanguageSet};
use crate::lexicon::{EntryKind, Forms, Lexicon, Target, WordFormKind};
use crate::matcher::layer;
use crate::text::{is_word_byte, normalise_term, word_end_with_plural};

/// Fewest letters before a `head` term inside a word ("hud" in "hudkreft").
pub const MIN_LEFT: usize = 3;
/// Fewest letters after a `modifier` term inside a word, after a linking letter if one follows
/// ("infarkt" in "hjerteinfarkt"; "lig" in "hjertelig" is too short).
pub const MIN_RIGHT: usize = 4;

/// What the search needs of each lexicon entry.
#[derive(Debug, Clone, Copy)]
struct EntryInfo {
    forms: Forms,
    langs: LanguageSet,
    exclude: bool,
    layer: u8,
    target: Target,
}

/// An automaton over some entries' normalised terms.
struct Literals {
    automaton: AhoCorasick,
    /// Pattern id -> entries with that literal.
    entries: Vec<Vec<u32>>,
}

impl Literals {
    fn build(terms: impl Iterator<Item = (u32, String)>) -> anyhow::Result<Option<Literals>> {
        let mut patterns: Vec<String> = Vec::new();
        let mut entries: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (entry, norm) in terms {
            // A term written with a straight apostrophe also matches the curly one, as in the
            // plain matcher.
            let curly = norm.contains('\'').then(|| norm.replace('\'', "’"));
            for p in std::iter::once(norm).chain(curly) {
                let id = *index.entry(p.clone()).or_insert_with(|| {
                    patterns.push(p);
                    entries.push(Vec::new());
                    entries.len() - 1
                });
                if !entries[id].contains(&entry) {
                    entries[id].push(entry);
                }
            }
        }
        if patterns.is_empty() {
            return Ok(None);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)?;
        Ok(Some(Literals { automaton, entries }))
    }
}

/// The word-form search, built once from a lexicon; immutable and shared between threads.
pub struct WordForms {
    /// Some entry has forms.
    has_forms: bool,
    /// Entries with forms (those that can match inside words or inflected). Built on first
    /// use for the embedded set (a run over English text never needs it; building it was a
    /// sixth of start-up), up front for a set read from a folder.
    forms: OnceLock<Option<Literals>>,
    /// The entries with forms, the source of `forms`.
    form_terms: Terms,
    /// Every one-word term and exclusion, for matching expanded coordinations ("hjertesykdom"
    /// need not have forms to be found in "hjerte- og karsykdom"). Built on first use: most
    /// texts have no hyphenated coordination.
    words: OnceLock<Option<Literals>>,
    /// The term and exclusion entries of the languages with forms, the source of `words` (which
    /// keeps those of one word once normalised).
    word_terms: Terms,
    info: Vec<EntryInfo>,
    /// Languages some entry with forms serves: other fields cost nothing.
    forms_langs: LanguageSet,
    /// Inflection endings per language (index: `Language as usize`), longest first.
    endings: [Vec<Vec<u8>>; 3],
    /// Compound links per language, longest first.
    links: [Vec<Vec<u8>>; 3],
}

/// A candidate in the virtual word of a coordination: (start, end, entry).
type Span = (usize, usize, u32);

/// Entries' terms as written, in one string, normalised only when their automaton is built.
#[derive(Default)]
struct Terms {
    text: String,
    /// (entry, end of its term in `text`); each term starts where the one before ends.
    ends: Vec<(u32, usize)>,
}

impl Terms {
    fn push(&mut self, entry: u32, term: &str) {
        self.text.push_str(term);
        self.ends.push((entry, self.text.len()));
    }

    /// (entry, normalised term) pairs.
    fn normalised(&self) -> impl Iterator<Item = (u32, String)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(_, end)| end));
        self.ends
            .iter()
            .zip(starts)
            .map(|(&(entry, end), start)| (entry, normalise_term(&self.text[start..end])))
    }
}

impl WordForms {
    pub fn new(lexicon: &Lexicon) -> anyhow::Result<WordForms> {
        let info: Vec<EntryInfo> = lexicon
            .entries
            .iter()
            .map(|e| EntryInfo {
                forms: e.forms,
                langs: e.langs,
                exclude: e.kind == EntryKind::Exclude,
                layer: layer(e.target),
                target: e.target,
            })
            .collect();
        let literal = |k: EntryKind| matches!(k, EntryKind::Term | EntryKind::Exclude);
        let with_forms = lexicon
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| literal(e.kind) && !e.forms.is_empty());
        let forms_langs = with_forms
            .clone()
            .fold(LanguageSet::EMPTY, |acc, (_, e)| acc.union(e.langs));
        let mut form_terms = Terms::default();
        for (i, e) in with_forms {
            form_terms.push(i as u32, &e.term);
        }
        let has_forms = !form_terms.ends.is_empty();
        let mut word_terms = Terms::default();
        if has_forms {
            let words = lexicon.entries.iter().enumerate();
            for (i, e) in words.filter(|(_, e)| literal(e.kind) && e.langs.intersects(forms_langs))
            {
                word_terms.push(i as u32, &e.term);
            }
        }
        let forms = OnceLock::new();
        if !lexicon.prevalidated {
            let _ = forms.set(Literals::build(form_terms.normalised())?);
        }
        let mut endings: [Vec<Vec<u8>>; 3] = Default::default();
        let mut links: [Vec<Vec<u8>>; 3] = Default::default();
        for w in &lexicon.word_forms {
            let list = match w.kind {
                WordFormKind::Ending => &mut endings[w.lang as usize],
                WordFormKind::Link => &mut links[w.lang as usize],
            };
            list.push(w.text.as_bytes().to_vec());
        }
        for list in endings.iter_mut().chain(links.iter_mut()) {
            list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            list.dedup();
        }
        Ok(WordForms {
            has_forms,
            forms,
            form_terms,
            words: OnceLock::new(),
            word_terms,
            info,
            forms_langs,
            endings,
            links,
        })
    }

    /// True when no entry has forms: the matcher skips the call.
    pub fn is_empty(&self) -> bool {
        !self.has_forms
    }

    /// Extra candidates in one field: `orig` is the field text, `norm` its normalised bytes (same
    /// length, see `text.rs`), `langs` the field's languages. Pushes (start, end, entry) byte
    /// spans into `norm`. Reports only what the plain whole-word matcher does not find.
    pub fn find(
        &self,
        orig: &str,
        norm: &[u8],
        langs: LanguageSet,
        out: &mut Vec<(u32, u32, u32)>,
    ) {
        if !self.has_forms || !langs.intersects(self.forms_langs) || orig.len() != norm.len() {
            return;
        }
        let Some(forms) = self.forms.get_or_init(|| {
            // Built up front (with errors reported) for every set but the embedded one, which
            // the test suite builds.
            Literals::build(self.form_terms.normalised()).ok().flatten()
        }) else {
            return;
        };
        for m in forms.automaton.find_overlapping_iter(norm) {
            for &entry in &forms.entries[m.pattern().as_usize()] {
                if !self.info[entry as usize].langs.intersects(langs) {
                    continue;
                }
                if let Some((end, plain)) = self.accept(norm, m.start(), m.end(), entry, langs) {
                    if !plain {
                        out.push((m.start() as u32, end as u32, entry));
                    }
                }
            }
        }
        if memchr::memchr(b'-', orig.as_bytes()).is_some() {
            self.coordinations(orig.as_bytes(), norm, langs, out);
        }
    }

    /// Whether entry `entry`, whose literal stands at `start..end` of `text`, matches there, and
    /// where the match ends. `plain` is true when the whole-word matcher finds it too.
    fn accept(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        entry: u32,
        langs: LanguageSet,
    ) -> Option<(usize, bool)> {
        let info = &self.info[entry as usize];
        // Exclusions cover generously: any other part will do.
        let (min_left, min_right) = if info.exclude {
            (1, 1)
        } else {
            (MIN_LEFT, MIN_RIGHT)
        };
        let word_start = start == 0 || !is_word_byte(text[start - 1]);
        if !word_start {
            let ws = start
                - text[..start]
                    .iter()
                    .rev()
                    .take_while(|&&b| is_word_byte(b))
                    .count();
            if !info.forms.head || letters(&text[ws..start]) < min_left {
                return None;
            }
        }
        if let Some(e) = word_end_with_plural(text, end) {
            return Some((e, word_start));
        }
        let we = end + text[end..].iter().take_while(|&&b| is_word_byte(b)).count();
        let rest = &text[end..we];
        let langs = langs_of(info.langs, langs);
        if info.forms.inflects && self.is_ending(&text[..end], rest, langs.clone()) {
            return Some((we, false));
        }
        if info.forms.modifier {
            let other = self.after_link(rest, langs);
            if letters(other) >= min_right {
                return Some((end, false));
            }
        }
        None
    }

    /// True if `rest` is an inflection ending of one of `langs`, or one after the last consonant
    /// of `stem` doubled before a vowel ("sykdom" + "m" + "er": Norwegian doubles a final
    /// consonant after a short vowel).
    fn is_ending(&self, stem: &[u8], rest: &[u8], langs: impl Iterator<Item = Language>) -> bool {
        let last = stem.last().copied().unwrap_or(b' ');
        let doubled = last.is_ascii_lowercase()
            && !b"aeiouy".contains(&last)
            && rest.first() == Some(&last)
            && rest
                .get(1)
                .is_some_and(|&b| b"aeiouy".contains(&b) || b >= 0x80);
        for lang in langs {
            let endings = &self.endings[lang as usize];
            if endings.iter().any(|e| e[..] == *rest)
                || (doubled && endings.iter().any(|e| e[..] == rest[1..]))
            {
                return true;
            }
        }
        false
    }

    /// `rest` without a leading compound link of one of `langs` (the longest that leaves letters).
    fn after_link<'t>(&self, rest: &'t [u8], langs: impl Iterator<Item = Language>) -> &'t [u8] {
        for lang in langs {
            for link in &self.links[lang as usize] {
                if rest.len() > link.len() && rest.starts_with(link) {
                    return &rest[link.len()..];
                }
            }
        }
        rest
    }

    /// Expands hyphenated coordinations ("hjerte- og karsykdommer") and reports the candidates of
    /// each first conjunct on its written word.
    fn coordinations(
        &self,
        orig: &[u8],
        norm: &[u8],
        langs: LanguageSet,
        out: &mut Vec<(u32, u32, u32)>,
    ) {
        let mut from = 0;
        while let Some(found) = memchr::memchr(b'-', &orig[from..]) {
            let hyphen = from + found;
            from = hyphen + 1;
            let Some((conjuncts, last)) = coordination_at(orig, hyphen) else {
                continue;
            };
            for &(ws, h) in &conjuncts {
                self.expand(&norm[ws..h], &norm[last.0..last.1], langs, |s, entry| {
                    // A match that reaches into the shared part stands for the whole conjunct; a
                    // match of the shared part alone is put on the hyphen, so that it does not
                    // compete with what the conjunct's own letters match.
                    let span = if s < h - ws { (ws, h + 1) } else { (h, h + 1) };
                    out.push((span.0 as u32, span.1 as u32, entry));
                });
            }
            // Go on after the coordination's last word.
            from = from.max(last.1);
        }
    }

    /// Joins `first` (a conjunct without its hyphen) to the best tail of `last` and calls `emit`
    /// with the start (in the virtual word) and entry of each accepted match that reaches beyond
    /// `first`.
    fn expand(
        &self,
        first: &[u8],
        last: &[u8],
        langs: LanguageSet,
        mut emit: impl FnMut(usize, u32),
    ) {
        let Some(words) = self.words.get_or_init(|| {
            Literals::build(
                self.word_terms
                    .normalised()
                    .filter(|(_, t)| !t.contains(' ')),
            )
            .ok()
            .flatten()
        }) else {
            return;
        };
        let cut = first.len();
        let mut best: Option<((bool, usize), Vec<Span>)> = None;
        let mut virtual_word = Vec::with_capacity(first.len() + last.len());
        for p in 1..last.len() {
            if last[p] & 0xC0 == 0x80 || letters(&last[p..]) < MIN_LEFT {
                continue;
            }
            virtual_word.clear();
            virtual_word.extend_from_slice(first);
            virtual_word.extend_from_slice(&last[p..]);
            let spans = self.resolve(words, &virtual_word, langs);
            // The match that joins the conjunct to the tail: one that reaches into the conjunct
            // is best ("hjertesykdom"), then one that starts where the tail does ("kreft").
            let score = spans
                .iter()
                .filter(|&&(s, e, _)| s <= cut && e > cut)
                .map(|&(s, e, _)| (s < cut, e - s))
                .max();
            if let Some(score) = score {
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((score, spans));
                }
            }
        }
        if let Some((_, spans)) = best {
            for (s, e, entry) in spans {
                if e > cut && !self.info[entry as usize].exclude {
                    emit(s, entry);
                }
            }
        }
    }

    /// Every accepted match in a virtual word, with exclusions applied and leftmost-longest per
    /// layer, as the matcher would resolve them.
    fn resolve(&self, words: &Literals, word: &[u8], langs: LanguageSet) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        for m in words.automaton.find_overlapping_iter(word) {
            for &entry in &words.entries[m.pattern().as_usize()] {
                if !self.info[entry as usize].langs.intersects(langs) {
                    continue;
                }
                if let Some((end, _)) = self.accept(word, m.start(), m.end(), entry, langs) {
                    spans.push((m.start(), end, entry));
                }
            }
        }
        let info = &self.info;
        let exclusions: Vec<(usize, usize, Target)> = spans
            .iter()
            .filter(|s| info[s.2 as usize].exclude)
            .map(|&(s, e, x)| (s, e, info[x as usize].target))
            .collect();
        spans.retain(|&(s, e, x)| {
            let i = &info[x as usize];
            !i.exclude
                && !exclusions
                    .iter()
                    .any(|&(xs, xe, t)| s < xe && xs < e && (t == Target::All || t == i.target))
        });
        spans.sort_by_key(|&(s, e, x)| (info[x as usize].layer, s, std::cmp::Reverse(e), x));
        let mut kept: Vec<Span> = Vec::with_capacity(spans.len());
        let mut last: Option<(u8, usize, usize)> = None;
        for (s, e, x) in spans {
            let l = info[x as usize].layer;
            if let Some((ll, ls, le)) = last {
                if ll == l && s < le && !(s == ls && e == le) {
                    continue;
                }
            }
            last = Some((l, s, e));
            kept.push((s, e, x));
        }
        kept
    }
}

/// The languages both an entry and a field have.
fn langs_of(entry: LanguageSet, field: LanguageSet) -> impl Iterator<Item = Language> + Clone {
    Language::ALL
        .into_iter()
        .filter(move |&l| entry.contains(l) && field.contains(l))
}

/// Number of characters in UTF-8 bytes.
fn letters(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// A hyphenated coordination: its first conjuncts as (word start, hyphen), its last word as
/// (start, end).
type Coordination = (Vec<(usize, usize)>, (usize, usize));

/// True if the hyphen at `at` ends a first conjunct: it follows a letter and precedes white
/// space, a comma or a slash ("hjerte- og", "lunge-,", "hjerte-/kar").
fn ends_conjunct(orig: &[u8], at: usize) -> bool {
    at > 0
        && orig.get(at) == Some(&b'-')
        && is_word_byte(orig[at - 1])
        && orig
            .get(at + 1)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b',' || b == b'/')
}

/// The coordination whose first hyphen is at `hyphen`. A conjunction between parts is any one short
/// lower-case word ("og", "eller", "and"), a comma, a slash or an ampersand; at least one of them
/// must separate each part, so a word broken over a line ("kreft-\npasienter") is not taken for a
/// coordination.
fn coordination_at(orig: &[u8], hyphen: usize) -> Option<Coordination> {
    if !ends_conjunct(orig, hyphen) {
        return None;
    }
    let word_start = |at: usize| {
        at - orig[..at]
            .iter()
            .rev()
            .take_while(|&&b| is_word_byte(b))
            .count()
    };
    let word_end = |at: usize| at + orig[at..].iter().take_while(|&&b| is_word_byte(b)).count();
    let mut conjuncts = vec![(word_start(hyphen), hyphen)];
    let mut at = hyphen + 1;
    let mut separated = false;
    let mut connector = false;
    loop {
        while at < orig.len()
            && matches!(orig[at], b' ' | b'\t' | b'\n' | b'\r' | b',' | b'/' | b'&')
        {
            separated |= orig[at] != b' ' && !orig[at].is_ascii_whitespace();
            at += 1;
        }
        let end = word_end(at);
        if end == at {
            return None;
        }
        let word = &orig[at..end];
        if ends_conjunct(orig, end) {
            if !separated {
                return None;
            }
            conjuncts.push((at, end));
            at = end + 1;
            (separated, connector) = (false, false);
            continue;
        }
        let short_lower = word.len() <= 5 && word.iter().all(|b| b.is_ascii_lowercase());
        let followed = orig.get(end).is_some_and(|b| b.is_ascii_whitespace());
        if short_lower && !connector && followed {
            // "og", "eller", "and": a connector, if another word follows.
            let next = end
                + orig[end..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            if next < orig.len() && is_word_byte(orig[next]) {
                (separated, connector) = (true, true);
                at = end;
                continue;
            }
        }
        return separated.then_some((conjuncts, (at, end)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    const WORD_FORMS: &str = "lang\tkind\ttext\tnote\n\
        nb\tending\ten\t\nnb\tending\tet\t\nnb\tending\tene\t\nnb\tending\ter\t\n\
        nb\tending\tens\t\nnb\tending\tn\t\nnb\tending\tr\t\nnb\tending\tne\t\nnb\tlink\ts\t\nnb\tlink\te\t\n";

    fn lex(entries: &str) -> Lexicon {
        parse_for_test(&[
            (
                "e.tsv",
                &format!("code\tkind\tterm\tforms\tlang\n{entries}"),
            ),
            ("wordforms.tsv", WORD_FORMS),
        ])
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// (matched text, entry term) of every candidate in `text`.
    fn found(l: &Lexicon, text: &str) -> Vec<(String, String)> {
        let wf = WordForms::new(l).unwrap();
        let mut norm = Vec::new();
        crate::text::normalise_into(text, &mut norm);
        let mut out = Vec::new();
        wf.find(text, &norm, LanguageSet::of(Language::Nb), &mut out);
        out.sort();
        out.iter()
            .map(|&(s, e, x)| {
                (
                    text[s as usize..e as usize].to_string(),
                    l.entries[x as usize].term.clone(),
                )
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn heads_modifiers_and_endings() {
        let l = lex("Cancer\tterm\tkreft\thead modifier inflects\tnb\n\
                     Cardio\tterm\thjerte\tmodifier\tnb\n");
        assert_eq!(
            found(&l, "Brystkreft, kreften, hjerteinfarkt og kreft."),
            pairs(&[
                ("kreft", "kreft"),
                ("kreften", "kreft"),
                ("hjerte", "hjerte")
            ])
        );
        // A whole word is the plain matcher's: nothing reported for "kreft" alone.
        assert!(found(&l, "kreft").is_empty());
    }

    #[test]
    fn guards_against_false_compounds() {
        let l = lex("Cardio\tterm\thjerte\tmodifier\tnb\n\
                     Cancer\tterm\tkreft\thead\tnb\n\
                     Cancer\tterm\tsvulst\tinflects\tnb\n");
        // Too short an other part ("lig"); a head that does not end the word; an ending that is
        // not the whole rest of the word; too short a left part ("ut").
        assert!(found(&l, "hjertelig kreftforeningen svulstvekst utkreft").is_empty());
        assert_eq!(found(&l, "svulstene"), pairs(&[("svulstene", "svulst")]));
    }

    #[test]
    fn links_and_doubled_consonants() {
        let l = lex("Generic\tterm\tsykdom\thead modifier inflects\tnb\n");
        assert_eq!(
            found(&l, "sykdomsbyrde sykdommer hjertesykdommene"),
            pairs(&[
                ("sykdom", "sykdom"),
                ("sykdommer", "sykdom"),
                ("sykdommene", "sykdom")
            ])
        );
        // "s" + "tid" leaves three letters after the link: too short.
        assert!(found(&l, "sykdomstid").is_empty());
    }

    #[test]
    fn coordination_is_expanded() {
        let l = lex("Cardio\tterm\thjertesykdom\tinflects\tnb\n\
                     Cardio\tterm\tkarsykdom\tinflects\tnb\n\
                     Cancer\tterm\tbrystkreft\t\tnb\n\
                     Cancer\tterm\tkreft\thead\tnb\n");
        assert_eq!(
            found(&l, "hjerte- og karsykdommer"),
            pairs(&[("hjerte-", "hjertesykdom"), ("karsykdommer", "karsykdom")])
        );
        // The first conjunct becomes "brystkreft" (an entry with no forms); "lunge-" shares the
        // head "kreft", reported on its hyphen.
        assert_eq!(
            found(&l, "lunge-, bryst- og tarmkreft"),
            pairs(&[("-", "kreft"), ("bryst-", "brystkreft"), ("kreft", "kreft")])
        );
        assert_eq!(
            found(&l, "bryst- eller eggstokkreft; bryst-/tarmkreft"),
            pairs(&[
                ("bryst-", "brystkreft"),
                ("kreft", "kreft"),
                ("bryst-", "brystkreft"),
                ("kreft", "kreft")
            ])
        );
        // Not coordinations: a word broken over a line, a dash between words.
        assert_eq!(found(&l, "bryst-\nkreft"), pairs(&[]));
        assert!(found(&l, "bryst - og tarm").is_empty());
    }

    #[test]
    fn multi_word_terms_and_nynorsk_endings() {
        let l = parse_for_test(&[
            (
                "e.tsv",
                "code\tkind\tterm\tforms\tlang\n\
                 Mental\tterm\tpsykiske lidelse\tinflects\tnb nn\n\
                 Generic\tterm\tsjukdom\thead inflects\tnn\n",
            ),
            (
                "w.tsv",
                "lang\tkind\ttext\tnote\nnb nn\tending\tr\t\nnn\tending\tar\t\nnn\tending\tane\t\n",
            ),
        ])
        .unwrap();
        let wf = WordForms::new(&l).unwrap();
        let text = "Psykiske lidelser og hjartesjukdomane; sjukdomar";
        let mut norm = Vec::new();
        crate::text::normalise_into(text, &mut norm);
        let mut out = Vec::new();
        wf.find(text, &norm, LanguageSet::of(Language::Nn), &mut out);
        out.sort();
        let words: Vec<&str> = out
            .iter()
            .map(|&(s, e, _)| &text[s as usize..e as usize])
            .collect();
        assert_eq!(words, ["Psykiske lidelser", "sjukdomane", "sjukdomar"]);
        // Bokmål text does not take nynorsk entries.
        out.clear();
        wf.find(text, &norm, LanguageSet::of(Language::Nb), &mut out);
        assert_eq!(out.len(), 1);
    }

    proptest::proptest! {
        /// Any mix of compound parts, endings, hyphens and separators: no panic, and every span
        /// lies inside the text on character boundaries.
        #[test]
        fn spans_stay_in_the_text(parts in proptest::collection::vec(0usize..16, 0..40)) {
            const PARTS: [&str; 16] = [
                "kreft", "bryst", "-", " ", "og", ",", "/", "Æ", "ø", "en", "er", "hjerte", "sykdom",
                "s", "\n", "’",
            ];
            let l = lex("Cancer\tterm\tkreft\thead modifier inflects\tnb\n\
                         Cancer\tterm\tbrystkreft\tmodifier\tnb\n\
                         Generic\tterm\tsykdom\thead inflects\tnb\n\
                         *\texclude\thjertes\tmodifier\tnb\n");
            let wf = WordForms::new(&l).unwrap();
            let text: String = parts.iter().map(|&i| PARTS[i]).collect();
            let mut norm = Vec::new();
            crate::text::normalise_into(&text, &mut norm);
            let mut out = Vec::new();
            wf.find(&text, &norm, LanguageSet::ALL, &mut out);
            for (s, e, _) in out {
                proptest::prop_assert!(s < e && text.get(s as usize..e as usize).is_some());
            }
        }
    }

    #[test]
    fn fields_of_other_languages_cost_nothing() {
        let l = lex("Cancer\tterm\tkreft\thead\tnb\n");
        let wf = WordForms::new(&l).unwrap();
        let mut out = Vec::new();
        let text = "brystkreft";
        wf.find(
            text,
            text.as_bytes(),
            LanguageSet::of(Language::En),
            &mut out,
        );
        assert!(out.is_empty());
        assert!(WordForms::new(&lex("Cancer\tterm\tkreft\t\tnb\n"))
            .unwrap()
            .is_empty());
    }
}
