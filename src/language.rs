//! Languages: which languages a lexicon entry serves and which a field of an award is written in.
//!
//! Language is one concept shared by the lexicon (an entry's `lang` column), the matcher (a field
//! is matched only with the entries of its languages) and the output (the `language` column). The
//! coder and the matcher never name a language in Rust code: they pass [`LanguageSet`]s along.
//! Detection of a field's language lives here too, so there is one place that decides it.

use std::fmt;

/// A language the lexicons can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    /// English.
    En = 0,
    /// Norwegian bokmål.
    Nb = 1,
    /// Norwegian nynorsk.
    Nn = 2,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::En, Language::Nb, Language::Nn];

    /// The ISO 639-1 code used in lexicons and outputs.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Nb => "nb",
            Language::Nn => "nn",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Some(Language::En),
            "nb" | "nob" | "bokmål" | "bokmal" => Some(Language::Nb),
            "nn" | "nno" | "nynorsk" => Some(Language::Nn),
            _ => None,
        }
    }
}

/// A set of languages, as a bit set: cheap to copy and to test in the matcher's hot loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LanguageSet(u8);

impl LanguageSet {
    /// No language: a field whose language is unknown or not served.
    pub const EMPTY: LanguageSet = LanguageSet(0);
    /// Every language: an entry without a `lang` cell, or a field matched with all entries.
    pub const ALL: LanguageSet = LanguageSet(0b111);

    pub fn of(lang: Language) -> LanguageSet {
        LanguageSet(1 << lang as u8)
    }
    pub fn with(self, lang: Language) -> LanguageSet {
        LanguageSet(self.0 | 1 << lang as u8)
    }
    pub fn union(self, other: LanguageSet) -> LanguageSet {
        LanguageSet(self.0 | other.0)
    }
    pub fn contains(self, lang: Language) -> bool {
        self.0 & (1 << lang as u8) != 0
    }
    /// True when the two sets share a language: an entry serves a field when this holds.
    pub fn intersects(self, other: LanguageSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn bits(self) -> u8 {
        self.0
    }
    pub fn iter(self) -> impl Iterator<Item = Language> {
        Language::ALL.into_iter().filter(move |&l| self.contains(l))
    }

    /// Parses a lexicon `lang` cell: codes separated by spaces, commas or `+`; empty or `*` means
    /// every language.
    pub fn parse(cell: &str) -> Result<LanguageSet, String> {
        let cell = cell.trim();
        if cell.is_empty() || cell == "*" {
            return Ok(LanguageSet::ALL);
        }
        let mut set = LanguageSet::EMPTY;
        for part in cell
            .split(|c: char| c == ',' || c == '+' || c.is_whitespace())
            .filter(|p| !p.is_empty())
        {
            match Language::parse(part) {
                Some(l) => set = set.with(l),
                None => {
                    return Err(format!(
                        "unknown language {part:?} (use en, nb, nn, or * for every language)"
                    ))
                }
            }
        }
        Ok(set)
    }
}

/// `en`, `nb+nn`, `*` for every language, empty for none.
impl fmt::Display for LanguageSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == LanguageSet::ALL {
            return f.write_str("*");
        }
        let mut first = true;
        for l in self.iter() {
            if !first {
                f.write_str("+")?;
            }
            f.write_str(l.code())?;
            first = false;
        }
        Ok(())
    }
}

/// A language the detector recognises: the served ones and the neighbours that must not be taken
/// for them. Bit positions of [`Detected`]; the first three equal [`Language`]'s.
const TONGUES: [&str; 6] = ["en", "nb", "nn", "da", "sv", "de"];
const SERVED_BITS: u8 = 0b111;

/// What the detector found for a field or an award: languages it is written in, served ones
/// (`en`, `nb`, `nn`) and others without lexicons (`da`, `sv`, `de`); empty is `und`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Detected(u8);

impl Detected {
    /// Unknown: too little text to tell.
    pub const UND: Detected = Detected(0);

    pub fn of(lang: Language) -> Detected {
        Detected(LanguageSet::of(lang).bits())
    }
    pub fn union(self, other: Detected) -> Detected {
        Detected(self.0 | other.0)
    }
    pub fn is_und(self) -> bool {
        self.0 == 0
    }
    /// True when some of the text is in a language without lexicons.
    pub fn unsupported(self) -> bool {
        self.0 & !SERVED_BITS != 0
    }
    /// The served languages among those found.
    pub fn served(self) -> LanguageSet {
        LanguageSet(self.0 & SERVED_BITS)
    }
    /// The lexicon languages a field in this language is matched with: its own, or every one
    /// when it is unknown or has no lexicon (shared Latin and English terms still count).
    pub fn match_langs(self) -> LanguageSet {
        let s = self.served();
        if s.is_empty() {
            LanguageSet::ALL
        } else {
            s
        }
    }
    /// True for "nb+nn": Norwegian, but the words do not say which written standard.
    fn is_norwegian_either(self) -> bool {
        self.0 == 0b110
    }
    /// Parses a cell of the `language` output column (`en+nb`, `und`).
    pub fn parse(cell: &str) -> Option<Detected> {
        let cell = cell.trim();
        if cell.is_empty() || cell == "und" {
            return Some(Detected::UND);
        }
        let mut bits = 0u8;
        for part in cell.split('+') {
            bits |= 1 << TONGUES.iter().position(|t| *t == part.trim())?;
        }
        Some(Detected(bits))
    }
}

/// `en`, `en+nb`, `sv`, `und`; always in the order en, nb, nn, da, sv, de.
impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_und() {
            return f.write_str("und");
        }
        let mut first = true;
        for (i, t) in TONGUES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    f.write_str("+")?;
                }
                f.write_str(t)?;
                first = false;
            }
        }
        Ok(())
    }
}

/// The languages of an award's two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldLanguages {
    pub title: Detected,
    pub abstract_text: Detected,
}

impl FieldLanguages {
    /// The award's language for the output column: the union of its fields'.
    pub fn award(self) -> Detected {
        self.title.union(self.abstract_text)
    }
    /// The lexicon languages to match each field with, in the matcher's order (title, abstract).
    pub fn match_langs(self) -> [LanguageSet; 2] {
        [self.title.match_langs(), self.abstract_text.match_langs()]
    }
}

/// Function words and the commonest research words of each recognised language, by bit. A word
/// shared by several languages counts for each; the words that differ decide (ikke/ikkje,
/// av/af, och, und). Only the first [`MAX_WORDS`] words of a field are read.
const WORDS: [&str; 6] = [
    // en
    "the of and in to a is are with for we will this that on by from be as an or how what which \
     who after their these those between among into than can have has been not our it its was \
     were during people patients children women men older adults disease diseases treatment \
     health care risk study trial early new using based through whether does do about improving \
     improve understanding role effect effects impact research",
    // nb
    "en et og av er i til som med for på vi skal vil ved hos de det dette denne disse blir ble \
     ikke hvordan hva hvor hvilke hvilken fra eller kan har være mellom etter mot uten også når \
     sykdom sykdommer sykdommen sykehus sykehjem pasienter barn forskning helse kunnskap \
     prosjektet mange bedre eldre kvinner menn økt ønsker undersøke studien målet resultatene \
     tidlig behandling om seg sine sin deres noen mer mye hjem hjemme oss å",
    // nn
    "ein eit ei og av er i til som med for på vi skal vil ved hjå dei det dette denne desse blir \
     vert vart ikkje korleis kva kvar frå eller kan har vere mellom etter mot utan også når \
     sjukdom sjukdomar sjukdommen sjukehus sjukeheim pasientar born barn forsking helse kunnskap \
     prosjektet mange betre eldre kvinner menn auka ønskjer undersøkje studien målet resultata \
     tidleg behandling om seg sine sin deira nokon meir mykje heim heime oss å",
    // da
    "en et og af er i til som med for på vi skal vil ved hos de det dette denne disse bliver \
     blev ikke hvordan hvad hvor hvilke fra eller kan har være mellem efter mod uden også når \
     sygdom sygdomme sygdommen hospital hospitaler plejehjem patienter børn forskning sundhed \
     viden projektet mange bedre ældre kvinder mænd øget ønsker undersøge studiet formålet \
     resultaterne tidlig behandling om sig sine sin deres nogle mere meget hjem hjemme os at",
    // sv
    "en ett och av är i till som med för på vi ska kommer att vid hos de det detta denna dessa \
     blir blev inte hur vad var vilka från eller kan har vara mellan efter mot utan också när \
     sjukdom sjukdomar sjukdomen sjukhus äldreboende patienter barn forskning hälsa kunskap \
     projektet många bättre äldre kvinnor män ökad vill undersöka studien syftet resultaten \
     tidig behandling om sig sina sin deras några mer mycket hem hemma oss",
    // de
    "der die das und von mit ist sind für bei nach zu im in den dem des ein eine einer eines \
     auf wir werden wird nicht auch als oder wie zwischen durch über ob kinder patienten \
     menschen studie untersuchen krankheit behandlung",
];

/// Words read per field: the opening of an abstract tells its language as well as the whole.
const MAX_WORDS: usize = 60;

/// Hashes the table's words with the matcher's word hash ([`crate::scan::word_hash`]) instead
/// of SipHash: detection looks up up to 60 words of every field, and the keys are fixed words,
/// not input an attacker chooses.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(5) ^ crate::scan::word_hash(bytes);
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(b);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordTable =
    std::collections::HashMap<&'static str, u8, std::hash::BuildHasherDefault<WordHasher>>;

fn word_table() -> &'static WordTable {
    static TABLE: std::sync::OnceLock<WordTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = WordTable::default();
        for (i, words) in WORDS.iter().enumerate() {
            for w in words.split_whitespace() {
                *t.entry(w).or_insert(0u8) |= 1 << i;
            }
        }
        t
    })
}

/// Detects the language of one field from its function words. Returns `und` when fewer than two
/// words are recognised or no language leads; `nb+nn` when the words are Norwegian but do not
/// tell the written standard.
pub fn detect(text: &str) -> Detected {
    let table = word_table();
    let mut scores = [0u32; 6];
    // Function words are short: a word that does not fit the stack buffer is not one of them,
    // so lower-casing needs no allocation (this runs on every field of every award).
    let mut buf = [0u8; WORD_BUFFER];
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS);
    for w in words {
        let Some(word) = lowercase_into(w, &mut buf) else {
            continue;
        };
        if let Some(&bits) = table.get(word) {
            for (i, s) in scores.iter_mut().enumerate() {
                *s += u32::from(bits >> i & 1);
            }
            if settled(&scores) {
                break;
            }
        }
    }
    decide(&scores)
}

/// Longer than any function word in [`WORDS`] (a test checks it).
const WORD_BUFFER: usize = 32;

/// `w` lower-cased into `buf`, or None when it does not fit.
fn lowercase_into<'a>(w: &str, buf: &'a mut [u8; WORD_BUFFER]) -> Option<&'a str> {
    let mut n = 0;
    if w.is_ascii() {
        let bytes = buf.get_mut(..w.len())?;
        bytes.copy_from_slice(w.as_bytes());
        bytes.make_ascii_lowercase();
        n = w.len();
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            let len = c.len_utf8();
            c.encode_utf8(buf.get_mut(n..n + len)?);
            n += len;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// True once one language leads every other by [`SETTLED_LEAD`] words: reading on cannot
/// change the answer in practice, and most abstracts settle within their first sentence.
fn settled(scores: &[u32; 6]) -> bool {
    let max = scores.iter().copied().max().unwrap_or(0);
    let mut leaders = scores.iter().filter(|&&s| s == max).count();
    if leaders > 1 {
        return false;
    }
    leaders = 0;
    for &s in scores {
        if s + SETTLED_LEAD <= max {
            leaders += 1;
        }
    }
    leaders == scores.len() - 1
}

const SETTLED_LEAD: u32 = 6;

/// The leading language when it leads clearly; Norwegian when bokmål and nynorsk lead together.
fn decide(scores: &[u32; 6]) -> Detected {
    let mut order: [usize; 6] = [0, 1, 2, 3, 4, 5];
    order.sort_by(|&a, &b| scores[b].cmp(&scores[a]).then(a.cmp(&b)));
    let (first, second, third) = (order[0], order[1], order[2]);
    if scores[first] < 2 {
        return Detected::UND;
    }
    if scores[first] > scores[second] {
        // One distinctive word is enough between bokmål and nynorsk only with a second one
        // or a clear lead over everything else.
        let norwegian_pair = (first == 1 && second == 2) || (first == 2 && second == 1);
        if norwegian_pair && scores[first] - scores[second] < 2 && scores[second] > scores[third] {
            return Detected(0b110);
        }
        return Detected(1 << first);
    }
    let tied_norwegian = (first, second) == (1, 2) && scores[second] > scores[third];
    if tied_norwegian {
        Detected(0b110)
    } else {
        Detected::UND
    }
}

/// Detects both fields of an award. A Norwegian field that does not tell bokmål from nynorsk
/// takes the other field's standard when that one is clear; an unknown field stays `und` (matched
/// with every entry) and adds nothing to the award's language.
pub fn detect_award(title: &str, abstract_text: &str) -> FieldLanguages {
    let t = detect(title);
    let a = detect(abstract_text);
    FieldLanguages {
        title: narrow(t, a),
        abstract_text: narrow(a, t),
    }
}

fn narrow(own: Detected, other: Detected) -> Detected {
    if own.is_norwegian_either() && !other.is_und() && other.0 & own.0 == other.0 {
        other
    } else {
        own
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_function_word_fits_the_lowercase_buffer() {
        for words in WORDS {
            for w in words.split_whitespace() {
                assert!(w.len() < WORD_BUFFER, "{w}");
                let mut buf = [0u8; WORD_BUFFER];
                assert_eq!(lowercase_into(w, &mut buf), Some(w));
                if w.is_ascii() {
                    assert_eq!(lowercase_into(&w.to_uppercase(), &mut buf), Some(w));
                }
            }
        }
        let mut buf = [0u8; WORD_BUFFER];
        assert_eq!(lowercase_into(&"x".repeat(WORD_BUFFER + 1), &mut buf), None);
        assert_eq!(lowercase_into("FØR", &mut buf), Some("før"));
    }

    use super::*;

    #[test]
    fn parses_lexicon_cells() {
        assert_eq!(LanguageSet::parse("").unwrap(), LanguageSet::ALL);
        assert_eq!(LanguageSet::parse("*").unwrap(), LanguageSet::ALL);
        let no = LanguageSet::parse("nb nn").unwrap();
        assert!(no.contains(Language::Nb) && no.contains(Language::Nn));
        assert!(!no.contains(Language::En));
        assert_eq!(no.to_string(), "nb+nn");
        assert!(LanguageSet::parse("sv").is_err());
        assert!(no.intersects(LanguageSet::of(Language::Nn)));
        assert!(!no.intersects(LanguageSet::of(Language::En)));
    }

    #[test]
    fn detects_fields_and_tells_neighbours_apart() {
        let d = |t: &str| detect(t).to_string();
        assert_eq!(
            d("The aim of this project is to find out how the disease starts."),
            "en"
        );
        assert_eq!(
            d("Målet med prosjektet er å finne ut hvordan sykdommen starter hos barn."),
            "nb"
        );
        assert_eq!(
            d("Målet med prosjektet er å finne ut korleis sjukdommen byrjar hjå born."),
            "nn"
        );
        assert_eq!(
            d("Formålet med projektet er at finde ud af, hvordan sygdommen starter hos børn."),
            "da"
        );
        assert_eq!(
            d("Syftet med projektet är att ta reda på hur sjukdomen börjar hos barn."),
            "sv"
        );
        assert_eq!(
            d("Ziel des Projekts ist es herauszufinden, wie die Krankheit bei Kindern beginnt."),
            "de"
        );
        // Too few words to tell.
        assert_eq!(d("MRI"), "und");
        assert_eq!(d(""), "und");
    }

    #[test]
    fn awards_combine_fields_and_narrow_norwegian() {
        let a = detect_award(
            "Brystkreft hos unge kvinner",
            "Breast cancer is the most common cancer in women and we will study it.",
        );
        assert_eq!(a.award().to_string(), "en+nb");
        assert_eq!(a.match_langs()[1], LanguageSet::of(Language::En));
        // An unknown title is matched with every entry and adds nothing to the language.
        let a = detect_award(
            "MRI",
            "Vi skal undersøkje korleis sjukdommen byrjar hjå born.",
        );
        assert_eq!(a.award().to_string(), "nn");
        assert_eq!(a.match_langs()[0], LanguageSet::ALL);
        // Swedish is matched with every entry and reported as unsupported.
        let sv = detect("Syftet med projektet är att ta reda på hur sjukdomen börjar hos barn.");
        assert!(sv.unsupported());
        assert_eq!(sv.match_langs(), LanguageSet::ALL);
        assert_eq!(
            Detected::parse("en+nb"),
            Some(
                detect_award(
                    "Brystkreft hos unge kvinner",
                    "The aim of the study is to test it."
                )
                .award()
            )
        );
    }
}
