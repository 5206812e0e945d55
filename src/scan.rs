//! One pass over a normalised field: its words, each with the hash the matcher probes with.
//!
//! A word is a run of word bytes ([`crate::text::is_word_byte`]: ASCII letters and digits and
//! every byte of a non-ASCII character), the unit the matcher probes its anchor-word index with.
//! The hash is computed here, once per word, and shared by every table that is keyed by whole
//! words (literal anchors and regex trigger words), so a word costs one hash however many tables
//! look at it. The number of words is the list's length, so the coder's short-text test needs no
//! pass of its own. The matcher keeps the list in per-thread scratch space, so scanning
//! allocates nothing once warm.

use crate::text::is_word_byte;

/// One word of a normalised field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: u32,
    pub end: u32,
    /// [`word_hash`] of the word's bytes.
    pub hash: u64,
}

/// Appends the words of `norm` to `words` (cleared first).
pub fn words(norm: &[u8], words: &mut Vec<Word>) {
    words.clear();
    let n = norm.len();
    let mut i = 0;
    // Each run is found by one tight loop over a byte-class table ([`is_word_byte`] reads
    // it), with no bounds check per byte: most separators are a single space and most words
    // a few bytes, so the loops are short and the hash below dominates.
    while let Some(skip) = norm[i..].iter().position(|&b| is_word_byte(b)) {
        let start = i + skip;
        let len = norm[start..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .unwrap_or(n - start);
        i = start + len;
        words.push(Word {
            start: start as u32,
            end: i as u32,
            hash: word_hash(&norm[start..i]),
        });
    }
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A fast hash of a byte string (most words are under 16 bytes). Loads never copy: the last
/// 1-7 bytes are read as two overlapping 4-byte loads or three single bytes, with the length
/// mixed in so that different lengths differ.
#[inline]
pub fn word_hash(w: &[u8]) -> u64 {
    let n = w.len();
    let mut h = (n as u64).wrapping_mul(K);
    let mut i = 0;
    while i + 8 <= n {
        let v = u64::from_le_bytes(w[i..i + 8].try_into().expect("8 bytes"));
        h = (h ^ v).wrapping_mul(K).rotate_left(31);
        i += 8;
    }
    let rest = n - i;
    let v = if rest >= 4 {
        let lo = u32::from_le_bytes(w[i..i + 4].try_into().expect("4 bytes"));
        let hi = u32::from_le_bytes(w[n - 4..n].try_into().expect("4 bytes"));
        u64::from(lo) | u64::from(hi) << 32
    } else if rest > 0 {
        u64::from(w[i]) | u64::from(w[i + rest / 2]) << 8 | u64::from(w[n - 1]) << 16
    } else {
        0
    };
    h = (h ^ v).wrapping_mul(K);
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_word_bytes() {
        let mut w = Vec::new();
        let text = "  lp(a) crohn’s, x";
        words(text.as_bytes(), &mut w);
        let got: Vec<&str> = w
            .iter()
            .map(|w| &text[w.start as usize..w.end as usize])
            .collect();
        assert_eq!(got, ["lp", "a", "crohn’s", "x"]);
        assert!(w
            .iter()
            .all(|w| w.hash == word_hash(&text.as_bytes()[w.start as usize..w.end as usize])));
        words(b"", &mut w);
        assert!(w.is_empty());
    }

    #[test]
    fn hashes_tell_short_words_apart() {
        let words = [
            &b""[..],
            b"a",
            b"b",
            b"ab",
            b"ba",
            b"abc",
            b"acb",
            b"abcd",
            b"abdc",
            b"abcde",
            b"abcdf",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghi",
            b"abcdefghj",
            b"s",
            b"ss",
        ];
        let mut hashes: Vec<u64> = words.iter().map(|w| word_hash(w)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        assert_eq!(hashes.len(), words.len());
    }
}
