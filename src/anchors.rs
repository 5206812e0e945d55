//! The anchor-word index: finds every whole-word occurrence of many literal patterns with one
//! table probe per word of the text instead of an automaton step per byte.
//!
//! Each pattern (a normalised literal: words separated by spaces or punctuation) is keyed by its
//! *anchor*, the word of the pattern that the fewest patterns share and that is not a function
//! word, so "the aim of" is looked up from "aim" only. For each word of a text the index is
//! probed with the word, and, for the plural and possessive endings the matcher allows at the
//! end of a term (`s`, `es`, `’s`), with the word less that ending. Every pattern found is then
//! checked by a plain byte comparison at the offset its anchor implies, with the same word
//! boundary rules as before ([`crate::text::word_end_with_plural`]), so what is found is exactly
//! the set of whole-word occurrences, by construction. Patterns without any word byte (none in
//! the default set) are found by a small Aho-Corasick automaton instead.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::scan::{word_hash, Word};
use crate::text::{is_word_byte, word_end_with_plural};

/// Function words and very common words: never chosen as an anchor while a pattern has another
/// word, because they stand in nearly every sentence.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "their", "these", "this", "to", "was",
    "we", "were", "will", "with", "which", "study", "patients", "s",
];

/// True for the function words and very common words that no pattern is anchored on.
pub fn is_stop_word(w: &[u8]) -> bool {
    STOP_WORDS.iter().any(|s| s.as_bytes() == w)
}

/// One whole-word occurrence of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub pattern: u32,
    pub start: usize,
    /// End of the pattern's bytes.
    pub end: usize,
    /// End of the word, after a plural or possessive ending.
    pub word_end: usize,
}

/// An index slot, 8 bytes so that the table of ~13,000 anchor words stays small: the upper
/// half of a key's hash (its *fingerprint*, which also gives the slot) and the group of ids
/// stored under it.
#[derive(Debug, Clone, Copy)]
struct Slot {
    fingerprint: u32,
    group: u32,
}

const EMPTY: u32 = u32::MAX;

/// An open-addressing table from 32-bit key fingerprints to groups of ids. Keys whose
/// fingerprints collide share one group: every id found is checked byte for byte afterwards,
/// so a collision costs a check, never a missed match.
struct Table<T> {
    slots: Vec<Slot>,
    mask: usize,
    /// Group `g` is `ids[offsets[g]..offsets[g + 1]]`.
    offsets: Vec<u32>,
    ids: Vec<T>,
}

#[inline]
fn fingerprint(hash: u64) -> u32 {
    (hash >> 32) as u32
}

impl<T: Copy> Table<T> {
    /// Groups `(hash, id)` pairs by fingerprint, keeping the given order within a group.
    fn new(mut keyed: Vec<(u64, T)>) -> Table<T> {
        keyed.sort_by_key(|k| fingerprint(k.0));
        let same = |a: &(u64, T), b: &(u64, T)| fingerprint(a.0) == fingerprint(b.0);
        let groups = keyed.chunk_by(same).count();
        let size = (groups * 2).next_power_of_two().max(16);
        let empty = Slot {
            fingerprint: 0,
            group: EMPTY,
        };
        let mut slots = vec![empty; size];
        let mask = size - 1;
        let mut ids = Vec::with_capacity(keyed.len());
        let mut offsets = vec![0u32];
        for (g, group) in keyed.chunk_by(same).enumerate() {
            let fp = fingerprint(group[0].0);
            ids.extend(group.iter().map(|&(_, id)| id));
            offsets.push(ids.len() as u32);
            let mut at = fp as usize & mask;
            while slots[at].group != EMPTY {
                at = (at + 1) & mask;
            }
            slots[at] = Slot {
                fingerprint: fp,
                group: g as u32,
            };
        }
        Table {
            slots,
            mask,
            offsets,
            ids,
        }
    }

    #[inline]
    fn get(&self, hash: u64) -> &[T] {
        let fp = fingerprint(hash);
        let mut at = fp as usize & self.mask;
        loop {
            let slot = self.slots[at];
            if slot.group == EMPTY {
                return &[];
            }
            if slot.fingerprint == fp {
                let g = slot.group as usize;
                return &self.ids[self.offsets[g] as usize..self.offsets[g + 1] as usize];
            }
            at = (at + 1) & self.mask;
        }
    }
}

/// A bit set of word hashes (their low bits), small enough to stay in the first-level cache:
/// most words of a text anchor nothing, and this answers them without touching the table.
struct HashFilter {
    bits: Vec<u64>,
    mask: usize,
}

impl HashFilter {
    fn new(log2_bits: u32, hashes: impl Iterator<Item = u64>) -> HashFilter {
        let n = 1usize << log2_bits;
        let mut f = HashFilter {
            bits: vec![0; n / 64],
            mask: n - 1,
        };
        for h in hashes {
            let i = h as usize & f.mask;
            f.bits[i >> 6] |= 1 << (i & 63);
        }
        f
    }

    #[inline]
    fn may_hold(&self, hash: u64) -> bool {
        let i = hash as usize & self.mask;
        self.bits[i >> 6] >> (i & 63) & 1 == 1
    }
}

/// What is checked for a pattern found through its anchor: its first bytes inline, so most
/// mismatches are rejected without reading the pattern itself.
#[derive(Debug, Clone, Copy)]
struct Check {
    /// The first `min(8, len)` bytes of the pattern, little-endian, zero-padded.
    head: u64,
    pattern: u32,
    /// Byte offset of the anchor word within the pattern.
    anchor_at: u16,
    len: u16,
}

/// The first `min(8, len)` bytes of `b` as a little-endian word.
#[inline]
fn head_of(b: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = b.len().min(8);
    buf[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(buf)
}

/// True if the first `min(8, len)` bytes of `text` at `start` are `head` ([`head_of`] a
/// string of length `len`); `start + len <= text.len()`.
#[inline]
fn head_at(text: &[u8], start: usize, len: usize, head: u64) -> bool {
    let text_head = match text.get(start..start + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        None => head_of(&text[start..]),
    };
    let mask = if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    };
    (text_head ^ head) & mask == 0
}

/// True if `lit` (whose [`head_of`] is `head`) stands in `text` at `start`.
#[inline]
fn literal_at(text: &[u8], start: usize, lit: &[u8], head: u64) -> bool {
    let len = lit.len();
    start + len <= text.len()
        && head_at(text, start, len, head)
        && (len <= 8 || text[start + 8..start + len] == lit[8..])
}

/// Literal patterns indexed by their anchor words.
pub struct AnchorIndex {
    /// All pattern bytes, one after the other; pattern `p` is `bytes[starts[p]..starts[p + 1]]`.
    bytes: Vec<u8>,
    starts: Vec<u32>,
    /// Anchor word hash -> checks of the patterns anchored on it.
    table: Table<Check>,
    /// Hashes of all anchor words.
    anchors: HashFilter,
    /// Hashes of the anchor words that end their pattern: only those can be followed by a
    /// plural or possessive ending, so only for them is a word probed less its ending.
    final_anchors: HashFilter,
    /// Patterns with no word byte (or too long for a check), found the old way.
    wordless: Option<(AhoCorasick, Vec<u32>)>,
}

/// The `(start, end)` spans of the words of a pattern.
fn pattern_words(p: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        if !is_word_byte(p[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < p.len() && is_word_byte(p[i]) {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

/// Concatenates byte strings: `(bytes, starts)` with string `i` at `starts[i]..starts[i + 1]`.
fn flatten(strings: &[Vec<u8>]) -> (Vec<u8>, Vec<u32>) {
    let mut bytes = Vec::new();
    let mut starts = vec![0u32];
    for p in strings {
        bytes.extend_from_slice(p);
        starts.push(bytes.len() as u32);
    }
    (bytes, starts)
}

impl AnchorIndex {
    /// Indexes `patterns` (distinct normalised literals); occurrences report their position in
    /// this list.
    pub fn new(patterns: &[Vec<u8>]) -> anyhow::Result<AnchorIndex> {
        let words: Vec<Vec<(usize, usize)>> = patterns.iter().map(|p| pattern_words(p)).collect();
        // How many patterns each word stands in: the rarest word makes the fewest checks.
        let mut freq: HashMap<&[u8], u32> = HashMap::new();
        for (p, ws) in patterns.iter().zip(&words) {
            let mut seen: Vec<&[u8]> = ws.iter().map(|&(s, e)| &p[s..e]).collect();
            seen.sort_unstable();
            seen.dedup();
            for w in seen {
                *freq.entry(w).or_default() += 1;
            }
        }
        let mut keyed: Vec<(u64, Check)> = Vec::new();
        let mut final_hashes = Vec::new();
        let mut wordless = Vec::new();
        for (i, (p, ws)) in patterns.iter().zip(&words).enumerate() {
            let best = ws.iter().min_by_key(|&&(s, e)| {
                let w = &p[s..e];
                (is_stop_word(w), freq[w], std::cmp::Reverse(e - s))
            });
            match best {
                Some(&(s, e)) if p.len() <= usize::from(u16::MAX) => {
                    let hash = word_hash(&p[s..e]);
                    keyed.push((
                        hash,
                        Check {
                            head: head_of(p),
                            pattern: i as u32,
                            anchor_at: s as u16,
                            len: p.len() as u16,
                        },
                    ));
                    if e == p.len() {
                        final_hashes.push(hash);
                    }
                }
                _ => wordless.push(i as u32),
            }
        }
        let (bytes, starts) = flatten(patterns);
        Ok(AnchorIndex {
            bytes,
            starts,
            anchors: HashFilter::new(18, keyed.iter().map(|k| k.0)),
            final_anchors: HashFilter::new(16, final_hashes.into_iter()),
            table: Table::new(keyed),
            wordless: overlapping_automaton(patterns, wordless)?,
        })
    }

    /// Calls `found` for every whole-word occurrence of a pattern in `norm`, given its words
    /// (from [`crate::scan::words`]). Occurrences come in no particular order.
    pub fn find(&self, norm: &[u8], words: &[Word], mut found: impl FnMut(Occurrence)) {
        for w in words {
            let s = w.start as usize;
            if self.anchors.may_hold(w.hash) {
                self.check(norm, s, self.table.get(w.hash), &mut found);
            }
            // The word less a plural or possessive ending, for patterns that end with it.
            let word = &norm[s..w.end as usize];
            let n = word.len();
            if n > 1 && word[n - 1] == b's' {
                self.check_stem(norm, s, &word[..n - 1], &mut found);
                if n > 2 && word[n - 2] == b'e' {
                    self.check_stem(norm, s, &word[..n - 2], &mut found);
                }
                if n > 4 && word[..n - 1].ends_with("’".as_bytes()) {
                    self.check_stem(norm, s, &word[..n - 4], &mut found);
                }
            }
        }
        if let Some((ac, ids)) = &self.wordless {
            for m in ac.find_overlapping_iter(norm) {
                let (start, end) = (m.start(), m.end());
                if start > 0 && is_word_byte(norm[start - 1]) {
                    continue;
                }
                if let Some(word_end) = word_end_with_plural(norm, end) {
                    found(Occurrence {
                        pattern: ids[m.pattern().as_usize()],
                        start,
                        end,
                        word_end,
                    });
                }
            }
        }
    }

    /// Checks the patterns that end with the anchor word `stem` (a word less its ending).
    #[inline]
    fn check_stem(
        &self,
        norm: &[u8],
        word_start: usize,
        stem: &[u8],
        found: &mut impl FnMut(Occurrence),
    ) {
        let hash = word_hash(stem);
        if self.final_anchors.may_hold(hash) {
            self.check(norm, word_start, self.table.get(hash), found);
        }
    }

    /// Checks the patterns of `checks`, anchored on the word starting at `word_start`.
    #[inline]
    fn check(
        &self,
        norm: &[u8],
        word_start: usize,
        checks: &[Check],
        found: &mut impl FnMut(Occurrence),
    ) {
        for c in checks {
            let Some(start) = word_start.checked_sub(usize::from(c.anchor_at)) else {
                continue;
            };
            let len = usize::from(c.len);
            let end = start + len;
            if end > norm.len() || !self.same_bytes(norm, start, len, c) {
                continue;
            }
            if start > 0 && is_word_byte(norm[start - 1]) {
                continue;
            }
            if let Some(word_end) = word_end_with_plural(norm, end) {
                found(Occurrence {
                    pattern: c.pattern,
                    start,
                    end,
                    word_end,
                });
            }
        }
    }

    /// True if `norm[start..start + len]` is the pattern of `c` (`start + len <= norm.len()`):
    /// the inline head first, the rest of the pattern only if that agrees.
    #[inline]
    fn same_bytes(&self, norm: &[u8], start: usize, len: usize, c: &Check) -> bool {
        if !head_at(norm, start, len, c.head) {
            return false;
        }
        len <= 8 || {
            let p = self.starts[c.pattern as usize] as usize;
            norm[start + 8..start + len] == self.bytes[p + 8..p + len]
        }
    }
}

/// An overlapping automaton over the chosen patterns (`None` if there are none), with the
/// pattern ids it reports.
fn overlapping_automaton(
    patterns: &[Vec<u8>],
    chosen: Vec<u32>,
) -> anyhow::Result<Option<(AhoCorasick, Vec<u32>)>> {
    if chosen.is_empty() {
        return Ok(None);
    }
    let pats: Vec<&[u8]> = chosen.iter().map(|&i| &patterns[i as usize][..]).collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(pats)?;
    Ok(Some((ac, chosen)))
}

/// The regex gates: each a set of whole words, open in a field that holds one of them. The
/// field's words are already hashed ([`crate::scan::words`]), so testing every gate costs one
/// bit test per word (and a table probe for the few words that pass it).
pub struct WordGates {
    table: Table<u32>,
    filter: HashFilter,
    count: usize,
}

impl WordGates {
    /// `gates[g]` is the words of gate `g`.
    pub fn new(gates: &[Vec<Vec<u8>>]) -> WordGates {
        let keyed: Vec<(u64, u32)> = gates
            .iter()
            .enumerate()
            .flat_map(|(g, words)| words.iter().map(move |w| (word_hash(w), g as u32)))
            .collect();
        WordGates {
            filter: HashFilter::new(14, keyed.iter().map(|k| k.0)),
            table: Table::new(keyed),
            count: gates.len(),
        }
    }

    /// Sets `open[g]` for every gate `g` one of whose words is among `words`. A fingerprint
    /// collision may open a gate needlessly: that costs a regex run, never a match.
    pub fn test(&self, words: &[Word], open: &mut Vec<bool>) {
        open.clear();
        open.resize(self.count, false);
        if self.count == 0 {
            return;
        }
        for w in words {
            if self.filter.may_hold(w.hash) {
                for &g in self.table.get(w.hash) {
                    open[g as usize] = true;
                }
            }
        }
    }
}

/// Where a trigger literal of a regex stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// Index into the literal list given to [`Triggers::new`].
    pub literal: u32,
    /// Byte offset of the literal.
    pub start: usize,
}

/// Finds regex trigger literals word by word: *prefix* literals where a word starts with them,
/// *suffix* literals where a word ends with them. Literals that start with a non-word byte (and
/// suffix literals of regexes that may match more than one word) are found by an overlapping
/// automaton anywhere, as before; the matcher then applies its own word-start rule to both.
pub struct Triggers {
    bytes: Vec<u8>,
    starts: Vec<u32>,
    /// [`head_of`] each literal, so most mismatches are rejected with one comparison.
    heads: Vec<u64>,
    /// Hash of a complete first word -> prefix literals starting with that word.
    first_word: Table<u32>,
    /// The hashes of those first words: most words of a text start no literal.
    first_words: HashFilter,
    /// Hash of the first two or three bytes of a word -> prefix literals that are one
    /// incomplete word (`h1n1` is a prefix of `h1n1pdm`).
    word_prefix: Table<u32>,
    /// Hash of the last two or three bytes of a word -> suffix literals.
    word_suffix: Table<u32>,
    /// 65,536 bits each, indexed by [`filter_key`] of a word's first (or last) two and three
    /// bytes: set where some literal has them.
    prefix_filter: Vec<u64>,
    suffix_filter: Vec<u64>,
    anywhere: Option<(AhoCorasick, Vec<u32>)>,
}

const PREFIX_TAG: u64 = 0x5bd1_e995_0000_0001;
const SUFFIX_TAG: u64 = 0x5bd1_e995_0000_0002;

/// A 16-bit key of two or three bytes, for the trigger filters.
#[inline]
fn filter_key(b: &[u8]) -> usize {
    let v = match *b {
        [x, y] => u32::from(x) << 8 | u32::from(y),
        [x, y, z] => (u32::from(x) << 16 | u32::from(y) << 8 | u32::from(z)) | 1 << 24,
        _ => 0,
    };
    (v.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

#[inline]
fn set_bit(filter: &mut [u64], i: usize) {
    filter[i >> 6] |= 1 << (i & 63);
}

#[inline]
fn bit(filter: &[u64], i: usize) -> bool {
    filter[i >> 6] >> (i & 63) & 1 == 1
}

impl Triggers {
    /// `literals[i]` is `(bytes, is_suffix, word_only)`: a suffix literal is indexed by word
    /// ends only if its regex can match nothing but word bytes (`word_only`).
    pub fn new(literals: &[(Vec<u8>, bool, bool)]) -> anyhow::Result<Triggers> {
        let (mut first, mut prefix, mut suffix, mut anywhere) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut prefix_filter = vec![0u64; 1024];
        let mut suffix_filter = vec![0u64; 1024];
        for (i, (lit, is_suffix, word_only)) in literals.iter().enumerate() {
            let i = i as u32;
            let n = lit.len();
            // `to\s` gives "to\t", "to\n" ... beside "to ": only the space survives
            // normalisation, so the others would cost a check at every "to" and never match.
            if !crate::text::may_occur_normalised(lit) {
                continue;
            }
            if *is_suffix {
                if *word_only && n >= 2 && lit.iter().all(|&b| is_word_byte(b)) {
                    let k = n.min(3);
                    suffix.push((word_hash(&lit[n - k..]) ^ SUFFIX_TAG, i));
                    set_bit(&mut suffix_filter, filter_key(&lit[n - k..]));
                } else {
                    anywhere.push(i);
                }
                continue;
            }
            let run = lit.iter().take_while(|&&b| is_word_byte(b)).count();
            if run == 0 || n < 2 {
                anywhere.push(i);
            } else if run < n {
                first.push((word_hash(&lit[..run]), i));
            } else {
                let k = n.min(3);
                prefix.push((word_hash(&lit[..k]) ^ PREFIX_TAG, i));
                set_bit(&mut prefix_filter, filter_key(&lit[..k]));
            }
        }
        let strings: Vec<Vec<u8>> = literals.iter().map(|l| l.0.clone()).collect();
        let (bytes, starts) = flatten(&strings);
        Ok(Triggers {
            bytes,
            starts,
            heads: strings.iter().map(|l| head_of(l)).collect(),
            first_words: HashFilter::new(16, first.iter().map(|k| k.0)),
            first_word: Table::new(first),
            word_prefix: Table::new(prefix),
            word_suffix: Table::new(suffix),
            prefix_filter,
            suffix_filter,
            anywhere: overlapping_automaton(&strings, anywhere)?,
        })
    }

    /// True if literal `i` stands in `norm` at `start`.
    #[inline]
    fn literal_at(&self, norm: &[u8], start: usize, i: u32) -> bool {
        literal_at(norm, start, self.literal(i), self.heads[i as usize])
    }

    fn literal(&self, i: u32) -> &[u8] {
        &self.bytes[self.starts[i as usize] as usize..self.starts[i as usize + 1] as usize]
    }

    /// Calls `found` for each trigger: prefix literals at word starts, suffix literals at word
    /// ends, and the rest wherever they occur.
    pub fn find(&self, norm: &[u8], words: &[Word], mut found: impl FnMut(Trigger)) {
        for w in words {
            let (s, e) = (w.start as usize, w.end as usize);
            let word = &norm[s..e];
            let firsts = if self.first_words.may_hold(w.hash) {
                self.first_word.get(w.hash)
            } else {
                &[]
            };
            for &i in firsts {
                if self.literal_at(norm, s, i) {
                    found(Trigger {
                        literal: i,
                        start: s,
                    });
                }
            }
            let n = word.len();
            if n < 2 {
                continue;
            }
            for k in 2..=n.min(3) {
                if bit(&self.prefix_filter, filter_key(&word[..k])) {
                    for &i in self.word_prefix.get(word_hash(&word[..k]) ^ PREFIX_TAG) {
                        let len = self.literal(i).len();
                        if len.min(3) == k && len <= n && self.literal_at(norm, s, i) {
                            found(Trigger {
                                literal: i,
                                start: s,
                            });
                        }
                    }
                }
            }
            for k in 2..=n.min(3) {
                if bit(&self.suffix_filter, filter_key(&word[n - k..])) {
                    for &i in self.word_suffix.get(word_hash(&word[n - k..]) ^ SUFFIX_TAG) {
                        let len = self.literal(i).len();
                        if len.min(3) == k && len <= n && self.literal_at(norm, e - len, i) {
                            found(Trigger {
                                literal: i,
                                start: e - len,
                            });
                        }
                    }
                }
            }
        }
        if let Some((ac, ids)) = &self.anywhere {
            for m in ac.find_overlapping_iter(norm) {
                found(Trigger {
                    literal: ids[m.pattern().as_usize()],
                    start: m.start(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrences(patterns: &[&str], text: &str) -> Vec<(usize, String)> {
        let pats: Vec<Vec<u8>> = patterns.iter().map(|p| p.as_bytes().to_vec()).collect();
        let index = AnchorIndex::new(&pats).unwrap();
        let mut words = Vec::new();
        crate::scan::words(text.as_bytes(), &mut words);
        let mut out = Vec::new();
        index.find(text.as_bytes(), &words, |o| {
            out.push((o.pattern as usize, text[o.start..o.word_end].to_string()))
        });
        out.sort();
        out
    }

    #[test]
    fn finds_whole_words_with_plural_endings_from_any_anchor() {
        let got = occurrences(
            &[
                "the aim of",
                "cell",
                "breast cancer",
                "lp(a)",
                "crohn’s disease",
                "+",
            ],
            "the aim of cells; breast cancers, cancer cell’s lp(a) crohn’s disease cellular + x",
        );
        assert_eq!(
            got,
            vec![
                (0, "the aim of".to_string()),
                (1, "cells".to_string()),
                (1, "cell’s".to_string()),
                (2, "breast cancers".to_string()),
                (3, "lp(a)".to_string()),
                (4, "crohn’s disease".to_string()),
                (5, "+".to_string()),
            ]
        );
    }

    /// Every whole-word occurrence, found by trying every pattern at every offset.
    fn naive(patterns: &[&str], text: &str) -> Vec<(usize, String)> {
        let t = text.as_bytes();
        let mut out = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            for start in 0..t.len() {
                let end = start + p.len();
                if end > t.len() || &t[start..end] != p.as_bytes() {
                    continue;
                }
                if start > 0 && is_word_byte(t[start - 1]) {
                    continue;
                }
                if let Some(we) = word_end_with_plural(t, end) {
                    out.push((i, text[start..we].to_string()));
                }
            }
        }
        out.sort();
        out
    }

    proptest::proptest! {
        #[test]
        fn finds_what_a_naive_search_finds(
            words in proptest::collection::vec(
                proptest::sample::select(vec!["the", "cell", "cells", "es", "s", "line", "lp", "(a)", "’s", "'s", "a", "of"]),
                0..30,
            ),
            seps in proptest::collection::vec(proptest::sample::select(vec![" ", "", "  ", ", "]), 30),
        ) {
            let mut text = String::new();
            for (w, sep) in words.iter().zip(&seps) {
                text.push_str(w);
                text.push_str(sep);
            }
            let pats = ["cell", "cell line", "the cell", "lp(a)", "a", "of the", "line s", "s", "es"];
            proptest::prop_assert_eq!(occurrences(&pats, &text), naive(&pats, &text));
        }
    }

    #[test]
    fn anchors_avoid_stop_words() {
        let pats = vec![b"the aim of".to_vec(), b"of the".to_vec()];
        let index = AnchorIndex::new(&pats).unwrap();
        let anchor_of = |p: u32| {
            let c = index.table.ids.iter().find(|c| c.pattern == p).unwrap();
            c.anchor_at
        };
        assert_eq!(anchor_of(0), 4); // "aim"
        assert_eq!(anchor_of(1), 3); // only stop words: equally rare, so the longer one
    }
}
