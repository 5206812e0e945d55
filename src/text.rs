//! Text normalisation shared by lexicon terms and award texts, word boundaries and sentences.
//!
//! Normalisation never changes the length of a text, byte for byte, so an offset found in the
//! normalised text is the same offset in the original: evidence can always quote the original
//! words. It lower-cases ASCII and the Latin letters whose lower case has the same UTF-8 length,
//! and turns hyphens, tabs and line breaks into spaces (and the common Unicode dashes into runs of
//! spaces of their own length).

/// Normalises `text` into `out` (cleared first). `out.len() == text.len()` afterwards.
pub fn normalise_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len());
    if text.is_ascii() {
        out.extend(text.bytes().map(normalise_ascii));
        return;
    }
    for ch in text.chars() {
        let len = ch.len_utf8();
        if ch.is_ascii() {
            out.push(normalise_ascii(ch as u8));
            continue;
        }
        if is_dash_or_space(ch) {
            out.extend(std::iter::repeat_n(b' ', len));
            continue;
        }
        let mut lower = ch.to_lowercase();
        let mut buf = [0u8; 4];
        match (lower.next(), lower.next()) {
            (Some(l), None) if l.len_utf8() == len => {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
            _ => out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes()),
        }
    }
    debug_assert_eq!(out.len(), text.len());
}

/// Normalises a lexicon term: the same mapping as texts, with runs of spaces folded and the ends
/// trimmed, so "Non-Hodgkin  lymphoma" becomes "non hodgkin lymphoma".
pub fn normalise_term(term: &str) -> String {
    // Nearly every lexicon term is ASCII: one pass, one allocation (start-up normalises every
    // term of the default set three times over).
    let trimmed = term.trim();
    if trimmed.is_ascii() {
        return normalise_ascii_term(trimmed.as_bytes());
    }
    normalise_any_term(term)
}

/// [`normalise_term`] of a trimmed ASCII term, the same folding in one pass.
fn normalise_ascii_term(original: &[u8]) -> String {
    let mut out = Vec::with_capacity(original.len());
    let mut gap = 0usize;
    for (i, &b) in original.iter().enumerate() {
        let n = normalise_ascii(b);
        if n == b' ' {
            gap += 1;
            continue;
        }
        if gap > 0 && !out.is_empty() {
            let hyphen_then_space = original[i - gap] == b'-' && gap >= 2;
            out.extend_from_slice(if hyphen_then_space { b"  " } else { b" " });
        }
        gap = 0;
        out.push(n);
    }
    String::from_utf8(out).expect("ASCII in, ASCII out")
}

fn normalise_any_term(term: &str) -> String {
    let mut buf = Vec::new();
    normalise_into(term.trim(), &mut buf);
    let s = String::from_utf8(buf).expect("normalisation keeps UTF-8 valid");
    // Runs of spaces become one, except where a hyphen ends a word before a space: text writes
    // "hjerte- og karsykdom" with the hyphen kept, which normalises to two spaces, so a term
    // written that way must keep them to match it.
    let original = term.trim().as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut gap = 0usize;
    for (i, ch) in s.char_indices() {
        if ch == ' ' {
            gap += 1;
            continue;
        }
        if gap > 0 && !out.is_empty() {
            let start = i - gap;
            let hyphen_then_space = original[start] == b'-' && gap >= 2;
            out.push_str(if hyphen_then_space { "  " } else { " " });
        }
        gap = 0;
        out.push(ch);
    }
    out
}

#[inline]
fn normalise_ascii(b: u8) -> u8 {
    match b {
        b'-' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
        _ => b.to_ascii_lowercase(),
    }
}

/// False if `literal` holds a byte that [`normalise_into`] never leaves in a text (an ASCII
/// capital, a hyphen, a tab or a line break), so it can never be found in a normalised text.
/// Regex trigger literals of `\s` are expanded to every white-space byte; only the space is kept.
pub fn may_occur_normalised(literal: &[u8]) -> bool {
    literal
        .iter()
        .all(|&b| b >= 0x80 || normalise_ascii(b) == b)
}

fn is_dash_or_space(ch: char) -> bool {
    matches!(
        ch,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{00a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}'
    )
}

/// True if the byte is part of a word: ASCII letters and digits, and any byte of a non-ASCII
/// UTF-8 sequence (so "ø" and "é" are letters).
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    // One load from a 256-byte table instead of three range tests: this runs for every byte
    // of every text (word scan, boundaries, plural endings).
    WORD_BYTES[b as usize]
}

/// [`is_word_byte`] of every byte value.
static WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    t
};

/// True if a match `start..end` of `text` stands on word boundaries.
#[inline]
pub fn on_word_boundaries(text: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || !is_word_byte(text[start - 1]))
        && (end >= text.len() || !is_word_byte(text[end]))
}

/// The end of a whole-word match of a term that ends at `end`, allowing the plural and
/// possessive endings `s`, `es`, `'s` and `’s`; `None` if the term ends inside a longer word.
#[inline]
pub fn word_end_with_plural(text: &[u8], end: usize) -> Option<usize> {
    let boundary = |i: usize| i >= text.len() || !is_word_byte(text[i]);
    if boundary(end) {
        return Some(end);
    }
    let rest = &text[end..];
    for suffix in [&b"s"[..], b"es", b"'s", "’s".as_bytes()] {
        if rest.starts_with(suffix) && boundary(end + suffix.len()) {
            return Some(end + suffix.len());
        }
    }
    None
}

/// Start offsets of the sentences of `text` (the first is always 0). A sentence ends at `.`, `!`
/// or `?` followed by white space and then a capital letter, digit or opening bracket or quote,
/// or at a line break. Abbreviations such as "e.g. the" do not end a sentence because a lower-case
/// word follows.
pub fn sentence_starts(text: &str, out: &mut Vec<u32>) {
    out.clear();
    out.push(0);
    let b = text.as_bytes();
    // Each `.`, `!`, `?` and line break is looked at on its own, found by `memchr` rather than
    // a loop over every byte. What the rules skip after one of them (white space, closing quotes
    // and brackets) holds none of the others except line breaks, which give the same start
    // again, so the starts come out as a left-to-right walk finds them.
    let mut ends = memchr::memchr3_iter(b'.', b'!', b'?', b).peekable();
    let mut breaks = memchr::memchr_iter(b'\n', b).peekable();
    loop {
        let i = match (ends.peek(), breaks.peek()) {
            (Some(&e), Some(&n)) if n < e => breaks.next(),
            (Some(_), _) => ends.next(),
            (None, Some(_)) => breaks.next(),
            (None, None) => break,
        };
        let Some(i) = i else { break };
        if b[i] == b'\n' {
            after_line_break(b, i, out);
        } else {
            after_sentence_end(b, i, out);
        }
    }
}

/// A line break ends a sentence: the next one starts at the first byte that is not white space.
fn after_line_break(b: &[u8], i: usize, out: &mut Vec<u32>) {
    let mut j = i + 1;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    if j < b.len() {
        push_start(out, j);
    }
}

/// `.`, `!` or `?` ends a sentence when white space and then a capital letter, digit, opening
/// bracket or quote, or non-ASCII letter follows.
fn after_sentence_end(b: &[u8], i: usize, out: &mut Vec<u32>) {
    let mut j = i + 1;
    // Closing quotes and brackets belong to the sentence that ends.
    while j < b.len() && matches!(b[j], b'"' | b'\'' | b')') {
        j += 1;
    }
    let ws = j;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    if j > ws && j < b.len() {
        let next = b[j];
        if next.is_ascii_uppercase()
            || next.is_ascii_digit()
            || matches!(next, b'(' | b'"' | b'[')
            || next >= 0x80
        {
            push_start(out, j);
        }
    }
}

fn push_start(out: &mut Vec<u32>, at: usize) {
    if out.last().copied() != Some(at as u32) {
        out.push(at as u32);
    }
}

/// The index of the sentence containing byte `offset`, given `starts` from [`sentence_starts`].
pub fn sentence_of(starts: &[u32], offset: usize) -> usize {
    match starts.binary_search(&(offset as u32)) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    }
}

/// Number of words in a text (runs of word bytes).
pub fn word_count(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let w = is_word_byte(b);
        if w && !in_word {
            n += 1;
        }
        in_word = w;
    }
    n
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_term_with_a_hyphen_before_a_space_matches_the_text_as_written() {
        // "hjerte- og karsykdom" in a text normalises to two spaces after "hjerte".
        let mut text = Vec::new();
        normalise_into("Hjerte- og karsykdom", &mut text);
        assert_eq!(normalise_term("hjerte- og karsykdom").as_bytes(), &text[..]);
        assert_eq!(
            normalise_term("Non-Hodgkin  lymphoma "),
            "non hodgkin lymphoma"
        );
        assert_eq!(normalise_term(" breast   cancer"), "breast cancer");
        for term in [
            "  Non-Hodgkin   Lymphoma ",
            "hjerte- og karsykdom",
            "hjerte -  og",
            "a--b",
            "-x- -y-",
            "\tCrohn's\r\ndisease\x0b",
            "T-cell  -  lymphoma",
            "",
            " - ",
        ] {
            assert_eq!(normalise_term(term), normalise_any_term(term), "{term:?}");
        }
    }
    use super::*;

    fn norm(s: &str) -> String {
        let mut v = Vec::new();
        normalise_into(s, &mut v);
        assert_eq!(v.len(), s.len());
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn normalisation_keeps_length_and_lowers_case() {
        assert_eq!(norm("Non-Hodgkin Lymphoma"), "non hodgkin lymphoma");
        assert_eq!(norm("TROMSØ Ménière"), "tromsø ménière");
        assert_eq!(norm("a\u{2013}b"), "a   b");
        assert_eq!(norm("line\r\nbreak"), "line  break");
        // Characters whose lower case is longer stay as they are.
        assert_eq!(norm("İstanbul"), "İstanbul");
    }

    #[test]
    fn terms_fold_spaces() {
        assert_eq!(
            normalise_term("  Non-Hodgkin   Lymphoma "),
            "non hodgkin lymphoma"
        );
    }

    #[test]
    fn word_boundaries_and_plurals() {
        let t = b"tumours and tumour's cells, tumourigenic";
        assert_eq!(word_end_with_plural(t, 6), Some(7));
        // "tumour's": the apostrophe already ends the word.
        assert_eq!(word_end_with_plural(t, 18), Some(18));
        assert_eq!(word_end_with_plural(b"MIs.", 2), Some(3));
        assert_eq!(word_end_with_plural(&t[..], 34), None);
        assert!(on_word_boundaries(b"a cell.", 2, 6));
        assert!(!on_word_boundaries("øcell".as_bytes(), 2, 6));
    }

    /// The byte-by-byte walk `sentence_starts` replaced, kept as its reference.
    fn sentence_starts_walk(text: &str) -> Vec<u32> {
        let mut out = vec![0];
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'\n' {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() {
                    push_start(&mut out, j);
                }
                i = j;
                continue;
            }
            if matches!(c, b'.' | b'!' | b'?') {
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b'"' | b'\'' | b')') {
                    j += 1;
                }
                let ws = j;
                while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
                if j > ws && j < b.len() {
                    let next = b[j];
                    if next.is_ascii_uppercase()
                        || next.is_ascii_digit()
                        || matches!(next, b'(' | b'"' | b'[')
                        || next >= 0x80
                    {
                        push_start(&mut out, j);
                    }
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn sentence_starts_agree_with_a_byte_walk(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    ".", "!", "?", "\n", "\r\n", " ", "\t", "\"", "'", ")", "(", "[", "A", "b", "7",
                    "é", "e.g.", "\n\n", ". ", ".\n",
                ]),
                0..40,
            ),
        ) {
            let text: String = parts.concat();
            let mut got = Vec::new();
            sentence_starts(&text, &mut got);
            proptest::prop_assert_eq!(got, sentence_starts_walk(&text));
        }
    }

    #[test]
    fn sentences() {
        let text = "Cancer is common. We will study e.g. mice. 2 aims follow!\nNew line";
        let mut s = Vec::new();
        sentence_starts(text, &mut s);
        let parts: Vec<&str> = s
            .iter()
            .enumerate()
            .map(|(i, &st)| {
                let end = s.get(i + 1).map(|&e| e as usize).unwrap_or(text.len());
                text[st as usize..end].trim()
            })
            .collect();
        assert_eq!(
            parts,
            [
                "Cancer is common.",
                "We will study e.g. mice.",
                "2 aims follow!",
                "New line"
            ]
        );
        assert_eq!(sentence_of(&s, 0), 0);
        assert_eq!(sentence_of(&s, 20), 1);
        assert_eq!(word_count("Two words, then-three."), 4);
    }
}
