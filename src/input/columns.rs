//! What the columns of an award file are called: the one table of header names that funders'
//! exports use for the award id, title, abstract and amount, and the detection built on it.
//!
//! Names are compared after [`normalise`] (case, spaces, underscores, hyphens and punctuation
//! ignored), so `AbstractText`, `ABSTRACT_TEXT` and `abstract text` are one name. To teach the
//! tool a new export, add a row to [`KNOWN_COLUMNS`]: within a role, earlier rows win.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Id,
    Title,
    Abstract,
    Amount,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::Title => "title",
            Role::Abstract => "abstract",
            Role::Amount => "amount",
        }
    }
}

/// One known header: its role, its name as the export writes it, and whose export it comes from.
pub struct KnownColumn {
    pub role: Role,
    pub name: &'static str,
    pub source: &'static str,
}

const fn c(role: Role, name: &'static str, source: &'static str) -> KnownColumn {
    KnownColumn { role, name, source }
}

use Role::{Abstract, Amount, Id, Title};

/// Every header name the detector knows, in order of preference within each role. Scientific
/// abstracts come before lay summaries, so a file with both is coded from the scientific text.
pub const KNOWN_COLUMNS: &[KnownColumn] = &[
    // Award ids.
    c(Id, "OrganisationReference", "UKHRA"),
    c(Id, "HRCS2022_ID", "UKHRA"),
    c(Id, "id", "generic, Cordis"),
    c(Id, "project_id", "NIHR, generic"),
    c(Id, "ProjectReference", "UKRI Gateway to Research"),
    c(Id, "ProjectId", "UKRI Gateway to Research"),
    c(Id, "project_number", "NIH RePORTER"),
    c(Id, "full_project_num", "NIH RePORTER ExPORTER"),
    c(Id, "core_project_num", "NIH RePORTER ExPORTER"),
    c(Id, "application_id", "NIH RePORTER ExPORTER"),
    c(Id, "appl_id", "NIH RePORTER API"),
    c(Id, "award_id", "generic"),
    c(Id, "grant_id", "generic"),
    c(Id, "grant_reference", "generic"),
    c(Id, "reference", "generic"),
    c(Id, "cristin_project_id", "Cristin"),
    c(
        Id,
        "prosjektnummer",
        "Research Council of Norway project bank",
    ),
    c(Id, "prosjekt-id", "Norwegian exports"),
    c(Id, "prosjektnr", "Norwegian exports"),
    // Titles.
    c(Title, "AwardTitle", "UKHRA"),
    c(
        Title,
        "title",
        "generic, Cordis, UKRI Gateway to Research, Cristin",
    ),
    c(Title, "project_title", "NIHR, NIH RePORTER"),
    c(Title, "award_title", "generic"),
    c(Title, "grant_title", "generic"),
    c(Title, "application_title", "generic"),
    c(Title, "title_of_project", "generic"),
    c(
        Title,
        "prosjekttittel",
        "Research Council of Norway project bank",
    ),
    c(Title, "tittel", "Norwegian exports"),
    c(Title, "prosjektnavn", "Norwegian exports"),
    // Abstracts: scientific first.
    c(Abstract, "AwardAbstract", "UKHRA"),
    c(Abstract, "abstract", "generic"),
    c(
        Abstract,
        "AbstractText",
        "UKRI Gateway to Research, NIH RePORTER",
    ),
    c(Abstract, "scientific_abstract", "NIHR"),
    c(Abstract, "project_abstract", "NIH RePORTER"),
    c(Abstract, "award_abstract", "generic"),
    c(Abstract, "TechAbstractText", "UKRI Gateway to Research"),
    c(Abstract, "technical_abstract", "generic"),
    c(Abstract, "academic_summary", "Cristin"),
    c(Abstract, "objective", "Cordis"),
    c(Abstract, "project_summary", "generic"),
    c(Abstract, "summary", "generic"),
    c(Abstract, "project_description", "generic"),
    c(Abstract, "description", "generic"),
    c(
        Abstract,
        "prosjektsammendrag",
        "Research Council of Norway project bank",
    ),
    c(Abstract, "sammendrag", "Norwegian exports"),
    c(Abstract, "prosjektbeskrivelse", "Norwegian exports"),
    c(Abstract, "beskrivelse", "Norwegian exports"),
    // Lay text only when there is nothing else.
    c(Abstract, "plain_english_abstract", "NIHR"),
    c(Abstract, "plain_english_summary", "NIHR"),
    c(Abstract, "lay_summary", "generic"),
    c(Abstract, "lay_abstract", "generic"),
    c(Abstract, "public_health_relevance", "NIH RePORTER"),
    c(Abstract, "phr_text", "NIH RePORTER API"),
    c(Abstract, "popular_scientific_summary", "Cristin"),
    c(
        Abstract,
        "populærvitenskapelig sammendrag",
        "Research Council of Norway project bank",
    ),
    c(
        Abstract,
        "populærvitenskapelig framstilling",
        "Research Council of Norway project bank",
    ),
    // Amounts.
    c(Amount, "AwardAmount", "UKHRA"),
    c(Amount, "award_amount", "NIHR, NIH RePORTER API"),
    c(Amount, "AwardPounds", "UKRI Gateway to Research"),
    c(Amount, "amount", "generic"),
    c(Amount, "total_cost", "NIH RePORTER"),
    c(Amount, "ecMaxContribution", "Cordis"),
    c(
        Amount,
        "bevilget beløp",
        "Research Council of Norway project bank",
    ),
    c(Amount, "bevilgning", "Norwegian exports"),
];

/// Words that, inside a header, suggest text worth coding: a column named like this that the
/// table does not know is offered as a candidate instead of being ignored.
const ABSTRACT_WORDS: &[&str] = &[
    "abstract",
    "summary",
    "description",
    "objective",
    "sammendrag",
    "beskrivelse",
    "framstilling",
];

/// A header reduced to what matters for matching: lower-case letters and digits only (a
/// byte-order mark is dropped).
pub fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// The first column whose name matches `wanted`: exactly (ignoring case), or after
/// [`normalise`].
pub fn position(headers: &[String], wanted: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(wanted.trim()))
        .or_else(|| {
            let w = normalise(wanted);
            headers.iter().position(|h| normalise(h) == w)
        })
}

/// The column for `role`, by the table's order of preference.
pub fn detect(headers: &[String], role: Role) -> Option<usize> {
    KNOWN_COLUMNS
        .iter()
        .filter(|k| k.role == role)
        .find_map(|k| position(headers, k.name))
}

/// The known names of a role, for messages.
pub fn known_names(role: Role) -> Vec<&'static str> {
    KNOWN_COLUMNS
        .iter()
        .filter(|k| k.role == role)
        .map(|k| k.name)
        .collect()
}

/// The first known names of a role, for messages that cannot list them all.
pub fn some_names(role: Role) -> String {
    let names = known_names(role);
    let mut s = names[..names.len().min(6)].join("/");
    if names.len() > 6 {
        s.push_str("/… (docs/usage.md lists them all)");
    }
    s
}

/// Whether a header row names at least one title or abstract column the table knows: how a
/// header row is told from title rows above it.
pub fn looks_like_header(cells: &[String]) -> bool {
    detect(cells, Title).is_some() || detect(cells, Abstract).is_some()
}

/// Whether a header's name suggests prose (an abstract the table does not know).
pub fn sounds_like_text(header: &str) -> bool {
    let n = normalise(header);
    ABSTRACT_WORDS.iter().any(|w| n.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn column_matching_is_forgiving() {
        let headers = h(&["Project Title", "AWARDABSTRACT", "id"]);
        assert_eq!(position(&headers, "project_title"), Some(0));
        assert_eq!(position(&headers, "AwardAbstract"), Some(1));
        assert_eq!(position(&headers, "ID"), Some(2));
        assert_eq!(position(&headers, "summary"), None);
    }

    #[test]
    fn funders_abstract_names_are_known() {
        for name in [
            "AbstractText",
            "ABSTRACT_TEXT",
            "Project Summary",
            "Lay Summary",
            "Description",
            "Scientific_Abstract",
            "Plain_English_Abstract",
            "project_description",
            "Prosjektsammendrag",
            "Populærvitenskapelig sammendrag",
            "populærvitenskapelig_sammendrag",
            "BESKRIVELSE",
        ] {
            assert_eq!(detect(&h(&["x", name]), Abstract), Some(1), "{name}");
        }
    }

    #[test]
    fn norwegian_ids_titles_and_amounts() {
        assert_eq!(detect(&h(&["Prosjekt-ID"]), Id), Some(0));
        assert_eq!(detect(&h(&["prosjekt id"]), Id), Some(0));
        assert_eq!(detect(&h(&["Prosjektnummer"]), Id), Some(0));
        assert_eq!(detect(&h(&["PROSJEKTTITTEL"]), Title), Some(0));
        assert_eq!(detect(&h(&["Bevilget beløp"]), Amount), Some(0));
        assert_eq!(detect(&h(&["bevilget_beløp"]), Amount), Some(0));
    }

    #[test]
    fn the_scientific_abstract_wins_over_the_lay_one() {
        let headers = h(&["Plain English Abstract", "Scientific Abstract"]);
        assert_eq!(detect(&headers, Abstract), Some(1));
    }
}
