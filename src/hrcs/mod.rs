//! The HRCS code tables: 21 health categories, 8 research activity groups and 48 research
//! activity codes, with their names, unique ids and Norwegian labels.
//!
//! The tables are data (`codes.tsv`, embedded at compile time); this module is the only place
//! that knows code names, and every other module refers to codes through [`HealthCategory`] and
//! [`ResearchActivity`] indexes.

pub mod breakdown;
pub mod split;

use std::fmt;
use std::sync::OnceLock;

const CODES_TSV: &str = include_str!("codes.tsv");

/// Number of health categories.
pub const HC_COUNT: usize = 21;
/// Number of research activity codes.
pub const RAC_COUNT: usize = 48;
/// Number of research activity groups.
pub const GROUP_COUNT: usize = 8;

/// One row of the code tables.
#[derive(Debug, Clone)]
pub struct CodeInfo {
    /// `01`..`21` for health categories, `1`..`8` for groups, `1.1`..`8.5` for codes.
    pub code: String,
    /// Official short name: `Cancer`, `2 Aetiology`, `2.1 Endogenous risks`.
    pub short: String,
    /// Official full name.
    pub name: String,
    /// Unique id: `HRCS_HC_02CAN`, `HRCS_RAG_2`, `HRCS_RA_2_1`.
    pub id: String,
    /// Norwegian (bokmål) label.
    pub nb: String,
    /// Norwegian (nynorsk) label.
    pub nn: String,
}

/// The language of code names in human-facing output (`--labels`). Codes, evidence and review
/// reason tokens never change with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Labels {
    /// English: the official full names.
    #[default]
    En,
    /// Norwegian bokmål: the national research information vocabulary's labels.
    Nb,
    /// Norwegian nynorsk.
    Nn,
}

impl Labels {
    /// The HTML `lang` code.
    pub fn code(self) -> &'static str {
        match self {
            Labels::En => "en",
            Labels::Nb => "nb",
            Labels::Nn => "nn",
        }
    }
    pub fn norwegian(self) -> bool {
        self != Labels::En
    }
    /// A number written with a decimal point, in this language's decimal mark ("8,82" in
    /// Norwegian).
    pub fn decimal_mark(self, number: String) -> String {
        if self.norwegian() {
            number.replace('.', ",")
        } else {
            number
        }
    }
}

impl CodeInfo {
    /// The code's name in the language of `labels`.
    pub fn label(&self, labels: Labels) -> &str {
        match labels {
            Labels::En => &self.name,
            Labels::Nb => &self.nb,
            Labels::Nn => &self.nn,
        }
    }
}

/// A health category, by its position in the HRCS table (0 = Blood ... 20 = Other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HealthCategory(pub u8);

/// A research activity code, by its position in the HRCS table (0 = 1.1 ... 47 = 8.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResearchActivity(pub u8);

/// A research activity group, 1 to 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActivityGroup(pub u8);

/// The parsed code tables.
#[derive(Debug)]
pub struct Tables {
    pub hc: Vec<CodeInfo>,
    pub groups: Vec<CodeInfo>,
    pub rac: Vec<CodeInfo>,
    /// Group (1-8) of each research activity code, by index.
    rac_group: Vec<u8>,
    /// Number after the dot of each research activity code (1.3 -> 3).
    rac_sub: Vec<u8>,
}

/// The code tables, parsed once.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| parse_tables(CODES_TSV))
}

fn parse_tables(text: &str) -> Tables {
    let mut t = Tables {
        hc: Vec::new(),
        groups: Vec::new(),
        rac: Vec::new(),
        rac_group: Vec::new(),
        rac_sub: Vec::new(),
    };
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        // The table is ours and compiled in; a malformed row is a build defect caught by tests.
        assert_eq!(f.len(), 7, "codes.tsv: malformed row {line:?}");
        let info = CodeInfo {
            code: f[1].to_string(),
            short: f[2].to_string(),
            name: f[3].to_string(),
            id: f[4].to_string(),
            nb: f[5].to_string(),
            nn: f[6].to_string(),
        };
        match f[0] {
            "hc" => t.hc.push(info),
            "rac_group" => t.groups.push(info),
            "rac" => {
                let (g, s) = info.code.split_once('.').expect("rac code has a dot");
                t.rac_group.push(g.parse().expect("group number"));
                t.rac_sub.push(s.parse().expect("sub-code number"));
                t.rac.push(info);
            }
            other => panic!("codes.tsv: unknown dimension {other:?}"),
        }
    }
    assert_eq!(t.hc.len(), HC_COUNT);
    assert_eq!(t.groups.len(), GROUP_COUNT);
    assert_eq!(t.rac.len(), RAC_COUNT);
    t
}

impl HealthCategory {
    pub const GENERIC: HealthCategory = HealthCategory(19);
    pub const OTHER: HealthCategory = HealthCategory(20);

    pub fn all() -> impl Iterator<Item = HealthCategory> {
        (0..HC_COUNT as u8).map(HealthCategory)
    }
    pub fn info(self) -> &'static CodeInfo {
        &tables().hc[self.0 as usize]
    }
    /// Official short name, used in output (`Cancer`).
    pub fn short(self) -> &'static str {
        &self.info().short
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// True for the 19 disease or organ-system categories.
    pub fn is_specific(self) -> bool {
        self != Self::GENERIC && self != Self::OTHER
    }
    /// Looks a category up by short name, full name or unique id, case-insensitively.
    pub fn parse(s: &str) -> Option<HealthCategory> {
        let s = s.trim();
        tables()
            .hc
            .iter()
            .position(|c| {
                c.short.eq_ignore_ascii_case(s)
                    || c.name.eq_ignore_ascii_case(s)
                    || c.id.eq_ignore_ascii_case(s)
            })
            .map(|i| HealthCategory(i as u8))
    }
}

impl fmt::Display for HealthCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

impl ResearchActivity {
    pub fn all() -> impl Iterator<Item = ResearchActivity> {
        (0..RAC_COUNT as u8).map(ResearchActivity)
    }
    pub fn info(self) -> &'static CodeInfo {
        &tables().rac[self.0 as usize]
    }
    /// The code as written in output (`2.1`).
    pub fn code(self) -> &'static str {
        &self.info().code
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
    pub fn group(self) -> ActivityGroup {
        ActivityGroup(tables().rac_group[self.0 as usize])
    }
    /// The number after the dot (6.4 -> 4).
    pub fn sub(self) -> u8 {
        tables().rac_sub[self.0 as usize]
    }
    /// Looks a code up by number (`2.1`), unique id, or the UKHRA spelling that starts with the
    /// number (`2.1 Biological and endogenous factors`).
    pub fn parse(s: &str) -> Option<ResearchActivity> {
        let s = s.trim();
        let t = tables();
        let number = s.split_whitespace().next().unwrap_or("");
        t.rac
            .iter()
            .position(|c| c.code == number || c.id.eq_ignore_ascii_case(s))
            .map(|i| ResearchActivity(i as u8))
    }
}

impl fmt::Display for ResearchActivity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl ActivityGroup {
    pub fn all() -> impl Iterator<Item = ActivityGroup> {
        (1..=GROUP_COUNT as u8).map(ActivityGroup)
    }
    pub fn info(self) -> &'static CodeInfo {
        &tables().groups[self.index()]
    }
    /// 0-based index (group 1 -> 0).
    pub fn index(self) -> usize {
        self.0 as usize - 1
    }
    /// The codes of this group, in order.
    pub fn codes(self) -> impl Iterator<Item = ResearchActivity> {
        ResearchActivity::all().filter(move |r| r.group() == self)
    }
    /// The code used when an award clearly belongs to this group but nothing says which code:
    /// the first code of the group (1.1, 2.1, ... 8.1), the broadest in each group.
    pub fn default_code(self) -> ResearchActivity {
        self.codes().next().expect("every group has codes")
    }
    /// Parses `5` or `HRCS_RAG_5`.
    pub fn parse(s: &str) -> Option<ActivityGroup> {
        let s = s.trim();
        let t = tables();
        t.groups
            .iter()
            .position(|c| c.code == s || c.id.eq_ignore_ascii_case(s))
            .map(|i| ActivityGroup(i as u8 + 1))
    }
}

impl fmt::Display for ActivityGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The kinds of intervention shared by group 5 (development) and group 6 (evaluation): kind k is
/// code 5.k in development and 6.k in evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TreatmentKind {
    Pharmaceutical = 1,
    CellGene = 2,
    Device = 3,
    Surgery = 4,
    Radiotherapy = 5,
    Psychological = 6,
    Physical = 7,
    Complementary = 8,
}

impl TreatmentKind {
    pub const ALL: [TreatmentKind; 8] = [
        TreatmentKind::Pharmaceutical,
        TreatmentKind::CellGene,
        TreatmentKind::Device,
        TreatmentKind::Surgery,
        TreatmentKind::Radiotherapy,
        TreatmentKind::Psychological,
        TreatmentKind::Physical,
        TreatmentKind::Complementary,
    ];
    pub fn name(self) -> &'static str {
        match self {
            TreatmentKind::Pharmaceutical => "pharmaceutical",
            TreatmentKind::CellGene => "cell_gene",
            TreatmentKind::Device => "device",
            TreatmentKind::Surgery => "surgery",
            TreatmentKind::Radiotherapy => "radiotherapy",
            TreatmentKind::Psychological => "psychological",
            TreatmentKind::Physical => "physical",
            TreatmentKind::Complementary => "complementary",
        }
    }
    pub fn parse(s: &str) -> Option<TreatmentKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
    }
    pub fn sub(self) -> u8 {
        self as u8
    }
    pub fn index(self) -> usize {
        self as usize - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete_and_consistent() {
        let t = tables();
        assert_eq!(t.hc.len(), 21);
        assert_eq!(t.rac.len(), 48);
        assert_eq!(t.groups.len(), 8);
        assert_eq!(HealthCategory(1).info().id, "HRCS_HC_02CAN");
        assert_eq!(HealthCategory::GENERIC.short(), "Generic");
        assert_eq!(HealthCategory::OTHER.short(), "Other");
        for r in ResearchActivity::all() {
            let expected = format!("HRCS_RA_{}_{}", r.group().0, r.sub());
            assert_eq!(r.info().id, expected);
        }
        let sizes: Vec<usize> = ActivityGroup::all().map(|g| g.codes().count()).collect();
        assert_eq!(sizes, vec![5, 6, 5, 5, 9, 9, 4, 5]);
    }

    #[test]
    fn parses_names_ids_and_ukhra_spellings() {
        assert_eq!(
            HealthCategory::parse("inflammatory and immune system"),
            Some(HealthCategory(7))
        );
        assert_eq!(
            HealthCategory::parse("HRCS_HC_19STR"),
            Some(HealthCategory(18))
        );
        assert_eq!(HealthCategory::parse("Cardio"), Some(HealthCategory(2)));
        assert_eq!(HealthCategory::parse("Heart"), None);
        let r = ResearchActivity::parse("2.1 Biological and endogenous factors").unwrap();
        assert_eq!(r.code(), "2.1");
        assert_eq!(
            ResearchActivity::parse("HRCS_RA_6_7").unwrap().code(),
            "6.7"
        );
        assert_eq!(ResearchActivity::parse("9.1"), None);
        assert_eq!(ActivityGroup::parse("HRCS_RAG_4"), Some(ActivityGroup(4)));
        assert_eq!(ActivityGroup(8).default_code().code(), "8.1");
    }
}
