//! Evidence: the matched words behind each chosen code, as the reader should see them (the word
//! as written, the lexicon entry it matched, how often, whether in the title, how much it added).

use std::fmt;

use super::*;

/// Bytes of a term kept inline: longer terms (rare) go to the heap.
const INLINE: usize = 46;

/// The words shown for one piece of evidence ("breast cancer", "brystkreftpasienter
/// (brystkreft)"), kept inline so that rendering the evidence of an award allocates nothing for
/// terms of up to 46 bytes. Reads as a `&str`.
#[derive(Clone)]
pub enum TermText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl TermText {
    pub fn new() -> TermText {
        TermText::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Only whole `str`s are ever copied in, so the bytes are UTF-8.
            TermText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            TermText::Heap(s) => s,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            TermText::Inline { len, bytes } => &bytes[..*len as usize],
            TermText::Heap(s) => s.as_bytes(),
        }
    }

    pub fn push_str(&mut self, s: &str) {
        match self {
            TermText::Inline { len, bytes } if *len as usize + s.len() <= INLINE => {
                let at = *len as usize;
                bytes[at..at + s.len()].copy_from_slice(s.as_bytes());
                *len += s.len() as u8;
            }
            _ => {
                let mut long = String::with_capacity(self.as_str().len() + s.len());
                long.push_str(self.as_str());
                long.push_str(s);
                *self = TermText::Heap(long.into_boxed_str());
            }
        }
    }

    /// Appends `s` lower-cased exactly as `str::to_lowercase` does (ASCII in place; other text,
    /// with its context-dependent rules such as the Greek final sigma, through the library).
    pub fn push_lowercase(&mut self, s: &str) {
        if s.is_ascii() {
            let mut buf = [0u8; INLINE];
            for chunk in s.as_bytes().chunks(INLINE) {
                let lower = &mut buf[..chunk.len()];
                lower.copy_from_slice(chunk);
                lower.make_ascii_lowercase();
                self.push_str(std::str::from_utf8(lower).unwrap_or_default());
            }
        } else {
            self.push_str(&s.to_lowercase());
        }
    }
}

impl Default for TermText {
    fn default() -> TermText {
        TermText::new()
    }
}

impl From<&str> for TermText {
    fn from(s: &str) -> TermText {
        let mut t = TermText::new();
        t.push_str(s);
        t
    }
}

impl std::ops::Deref for TermText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for TermText {
    fn eq(&self, other: &TermText) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for TermText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for TermText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for TermText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The evidence of the matches in `hits` whose target passes `pred`, strongest first, into
/// `by_term` (emptied first; a list recycled from an earlier coding, so its room is reused).
/// Each hit is rendered into an inline [`TermText`] (no allocation for ordinary terms) and
/// merged with the same words shown before by a scan of the few terms found so far, so no
/// string or map is built per hit.
pub(super) fn collect(
    coder: &Coder,
    title: &str,
    abstract_text: &str,
    hits: &[Hit],
    contributions: &[f64],
    pred: &dyn Fn(Target) -> bool,
    by_term: &mut Vec<Evidence>,
) {
    by_term.clear();
    for (h, &c) in hits.iter().zip(contributions) {
        if !pred(coder.matcher.target(h.entry)) {
            continue;
        }
        let src = if h.field == Field::Title {
            title
        } else {
            abstract_text
        };
        let term = shown_term(&coder.lexicon.entries[h.entry as usize], src, h);
        let i = match by_term.iter().position(|e| e.term == term) {
            Some(i) => i,
            None => {
                by_term.push(Evidence {
                    term,
                    count: 0,
                    in_title: false,
                    score: 0.0,
                });
                by_term.len() - 1
            }
        };
        let e = &mut by_term[i];
        e.count += 1;
        e.in_title |= h.field == Field::Title;
        e.score += c;
    }
    // Strongest first; ties keep the order of first appearance (stable sort).
    by_term.sort_by(|a, b| b.score.total_cmp(&a.score));
}

/// How a match shows as evidence. Literal entries show as written in the lexicon, so "tumour"
/// and "tumours" count together; patterns show the words they matched; a match inside a longer
/// word shows the word as written with the entry after it.
fn shown_term(entry: &crate::lexicon::Entry, src: &str, h: &Hit) -> TermText {
    let mut term = TermText::new();
    match entry.kind {
        EntryKind::Regex => {
            term.push_lowercase(src.get(h.start as usize..h.end as usize).unwrap_or(""))
        }
        EntryKind::Acronym => term.push_str(&entry.term),
        _ => match written_word(src, h.start as usize, h.end as usize) {
            Some(word) => {
                term.push_lowercase(word);
                term.push_str(" (");
                term.push_lowercase(&entry.term);
                term.push_str(")");
            }
            None => term.push_lowercase(&entry.term),
        },
    }
    term
}

/// The whole written word around a match that lies inside a longer word ("brystkreftpasienter"
/// for "brystkreft"), or the written conjunct of a hyphenated coordination ("hjerte-" for
/// "hjertesykdom" in "hjerte- og karsykdommer"); `None` for a match of whole words.
fn written_word(text: &str, start: usize, end: usize) -> Option<&str> {
    let (before, after) = (text.get(..start)?, text.get(end..)?);
    if start >= end {
        return None;
    }
    let conjunct = text.as_bytes()[end - 1] == b'-';
    // Letters by `char`, not by byte: a dash or a no-break space is not part of a word here.
    let letters = |cs: &mut dyn Iterator<Item = char>| -> usize {
        cs.take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum()
    };
    let ws = start - letters(&mut before.chars().rev());
    let we = if conjunct {
        end
    } else {
        end + letters(&mut after.chars())
    };
    if ws == start && we == end && !conjunct {
        return None;
    }
    text.get(ws..we)
}

#[cfg(test)]
mod tests {
    use super::{written_word, TermText};

    #[test]
    fn term_text_lower_cases_like_the_library() {
        for s in ["Breast Cancer", "ÆRESTAD", "ΟΔΟΣ", &"Long Term ".repeat(9)] {
            let mut t = TermText::from("x ");
            t.push_lowercase(s);
            assert_eq!(t.as_str(), format!("x {}", s.to_lowercase()));
        }
        assert_eq!(TermText::from("tumour"), TermText::from("tumour"));
    }

    #[test]
    fn the_word_as_written_around_a_match() {
        assert_eq!(
            written_word("a brystkreftpasient", 2, 12),
            Some("brystkreftpasient")
        );
        assert_eq!(written_word("a cancer\u{2013}related", 2, 8), None);
        assert_eq!(written_word("hjerte- og", 6, 7), Some("hjerte-"));
    }
}
