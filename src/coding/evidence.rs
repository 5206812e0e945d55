//! Evidence: the matched words behind each chosen code, as the reader should see them (the word
//! as written, the lexicon entry it matched, how often, whether in the title, how much it added).

use super::*;

/// The evidence of the matches in `hits` whose target passes `pred`, strongest first.
pub(super) fn collect(
    coder: &Coder,
    title: &str,
    abstract_text: &str,
    hits: &[Hit],
    contributions: &[f64],
    pred: &dyn Fn(Target) -> bool,
) -> Vec<Evidence> {
    let mut by_term: Vec<Evidence> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (h, &c) in hits.iter().zip(contributions) {
        if !pred(coder.matcher.target(h.entry)) {
            continue;
        }
        // Literal entries show as written in the lexicon, so "tumour" and "tumours"
        // count together; patterns show the words they matched.
        let entry = &coder.lexicon.entries[h.entry as usize];
        let src = if h.field == Field::Title {
            title
        } else {
            abstract_text
        };
        let term = match entry.kind {
            EntryKind::Regex => src
                .get(h.start as usize..h.end as usize)
                .unwrap_or("")
                .to_lowercase(),
            EntryKind::Acronym => entry.term.clone(),
            // A match inside a longer word shows the word as written.
            _ => match written_word(src, h.start as usize, h.end as usize) {
                Some(word) => {
                    format!("{} ({})", word.to_lowercase(), entry.term.to_lowercase())
                }
                None => entry.term.to_lowercase(),
            },
        };
        let i = *index.entry(term.clone()).or_insert_with(|| {
            by_term.push(Evidence {
                term,
                count: 0,
                in_title: false,
                score: 0.0,
            });
            by_term.len() - 1
        });
        let e = &mut by_term[i];
        e.count += 1;
        e.in_title |= h.field == Field::Title;
        e.score += c;
    }
    // Strongest first; ties keep the order of first appearance (stable sort).
    by_term.sort_by(|a, b| b.score.total_cmp(&a.score));
    by_term
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
    use super::written_word;

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
