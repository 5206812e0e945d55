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
    // Word bytes are found 64 at a time as a bit mask (SSE2 on x86-64, the byte table
    // elsewhere); word starts and ends are the mask's rising and falling edges, read with
    // trailing-zero counts, so the cost is per word, not per byte.
    let mut open = 0usize;
    // Whether the byte before the block is a word byte.
    let mut carry = 0u64;
    let mut block = 0;
    while block < norm.len() {
        let len = (norm.len() - block).min(64);
        let mask = word_mask(&norm[block..block + len]);
        let before = mask << 1 | carry;
        // A start is a word byte after a non-word byte; an end (exclusive) is a non-word byte,
        // or the position just past a short last block, after a word byte.
        let mut edges = (mask & !before) | (!mask & before);
        while edges != 0 {
            let i = edges.trailing_zeros() as usize;
            edges &= edges - 1;
            if mask >> i & 1 == 1 {
                open = block + i;
            } else {
                push_word(norm, open, block + i, words);
            }
        }
        carry = mask >> 63;
        block += len;
    }
    if carry == 1 {
        push_word(norm, open, norm.len(), words);
    }
}

#[inline]
fn push_word(norm: &[u8], start: usize, end: usize, words: &mut Vec<Word>) {
    words.push(Word {
        start: start as u32,
        end: end as u32,
        hash: word_hash(&norm[start..end]),
    });
}

/// Bit `i` set if `chunk[i]` is a word byte; `chunk` holds at most 64 bytes.
#[inline]
fn word_mask(chunk: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if chunk.len() == 64 {
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads read 4 x 16 bytes of a
        // 64-byte slice, unaligned loads.
        return unsafe { word_mask_sse2(chunk) };
    }
    let mut m = 0u64;
    for (i, &b) in chunk.iter().enumerate() {
        m |= u64::from(is_word_byte(b)) << i;
    }
    m
}

#[cfg(target_arch = "x86_64")]
#[inline]
unsafe fn word_mask_sse2(chunk: &[u8]) -> u64 {
    use std::arch::x86_64::*;
    let mut m = 0u64;
    for k in 0..4 {
        let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k) as *const __m128i);
        // Bytes >= 0x80 have their sign bit set; letters fold to lower case with 0x20 and
        // are tested as one signed range, digits as another.
        let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let letter = _mm_and_si128(
            _mm_cmpgt_epi8(lower, _mm_set1_epi8(b'a' as i8 - 1)),
            _mm_cmpgt_epi8(_mm_set1_epi8(b'z' as i8 + 1), lower),
        );
        let digit = _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(b'0' as i8 - 1)),
            _mm_cmpgt_epi8(_mm_set1_epi8(b'9' as i8 + 1), v),
        );
        let word = _mm_or_si128(_mm_or_si128(letter, digit), v);
        m |= u64::from(_mm_movemask_epi8(word) as u16) << (16 * k);
    }
    m
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

    /// The words of a text by a plain byte walk.
    fn naive(text: &[u8]) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            if !is_word_byte(text[i]) {
                i += 1;
                continue;
            }
            let s = i;
            while i < text.len() && is_word_byte(text[i]) {
                i += 1;
            }
            out.push((s as u32, i as u32));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn masks_find_the_words_a_byte_walk_finds(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'Z', b'0', b'9', b' ', b'-', b'(', 0x80, 0xC3, 0xFF, b'/', b':', b'@', b'[', b'`', b'{']),
                0..300,
            )
        ) {
            let mut w = Vec::new();
            words(&text, &mut w);
            let got: Vec<(u32, u32)> = w.iter().map(|w| (w.start, w.end)).collect();
            proptest::prop_assert_eq!(got, naive(&text));
        }
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
