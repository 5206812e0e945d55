//! Placeholder text: fields that stand in for a missing abstract ("n/a", "confidential",
//! "sammendrag kommer") are treated as empty, so the award is flagged rather than coded from noise.

/// Markers that stand in for an abstract in public datasets, in English and Norwegian (bokmål
/// and nynorsk exports of project banks). A list of data; it should move into the lexicon set.
const PLACEHOLDER_PHRASES: &[&str] = &[
    "not available in public dataset",
    "redacted for public dataset",
    "no data entered",
    "abstract not available",
    "no abstract available",
    "not for publication",
    "unntatt offentlighet",
    "unnateke offentlegheit",
    "sammendrag mangler",
    "samandrag manglar",
    "ikke tilgjengelig for publisering",
    "ikkje tilgjengeleg for publisering",
    "sammendrag er ikke tilgjengelig",
    "samandraget er ikkje tilgjengeleg",
];
const PLACEHOLDER_FIELDS: &[&str] = &[
    "",
    "-",
    "--",
    "---",
    ".",
    "n/a",
    "na",
    "n.a.",
    "none",
    "null",
    "nil",
    "redacted",
    "tbc",
    "tbd",
    "not available",
    "not applicable",
    "no abstract",
    "abstract",
    "confidential",
    "ikke oppgitt",
    "ikkje oppgitt",
    "sladdet",
    "sladda",
    "mangler",
    "manglar",
    "ingen sammendrag",
    "ingen samandrag",
    "sammendrag",
    "samandrag",
    "konfidensielt",
    "kommer",
];

/// True if a field holds no usable text: empty, or a redaction or "not available" marker.
pub fn is_placeholder(text: &str) -> bool {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '[' || c == ']' || c == '(' || c == ')' || c == '*');
    // Lower-casing shrinks text at most threefold (the Kelvin sign, 3 bytes, becomes `k`), so a
    // field this long is no marker: it is not lower-cased (a copy of every abstract).
    if t.len() >= 3 * 200 {
        return false;
    }
    let lower = t.to_lowercase();
    if PLACEHOLDER_FIELDS.contains(&lower.as_str()) {
        return true;
    }
    lower.len() < 200 && PLACEHOLDER_PHRASES.iter().any(|p| lower.contains(p))
}
