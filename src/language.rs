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

#[cfg(test)]
mod tests {
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
}
