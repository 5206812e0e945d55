//! One pass over a normalised field: the spans of its words.
//!
//! A word is a run of word bytes ([`crate::text::is_word_byte`]: ASCII letters and digits and
//! every byte of a non-ASCII character), the unit the matcher probes its anchor-word index with.
//! The matcher keeps the list in per-thread scratch space, so scanning allocates nothing once
//! warm.

use crate::text::is_word_byte;

/// Appends the `(start, end)` byte spans of the words of `norm` to `words` (cleared first).
pub fn words(norm: &[u8], words: &mut Vec<(u32, u32)>) {
    words.clear();
    let mut i = 0;
    let n = norm.len();
    while i < n {
        // Skip separators; most are single spaces, so this loop is short.
        while i < n && !is_word_byte(norm[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        let start = i;
        while i < n && is_word_byte(norm[i]) {
            i += 1;
        }
        words.push((start as u32, i as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_word_bytes() {
        let mut w = Vec::new();
        words("  lp(a) crohn’s, x".as_bytes(), &mut w);
        let text = "  lp(a) crohn’s, x";
        let got: Vec<&str> = w
            .iter()
            .map(|&(s, e)| &text[s as usize..e as usize])
            .collect();
        assert_eq!(got, ["lp", "a", "crohn’s", "x"]);
        words(b"", &mut w);
        assert!(w.is_empty());
    }
}
