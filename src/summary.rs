//! What a coded portfolio funds: counts and apportioned funding per health category, research
//! activity group and research activity code. Amounts are integers in minor units (pence, øre)
//! and every award's amount is split by largest remainders, so each dimension adds up to the
//! input total exactly, to the last unit.

use std::collections::BTreeMap;

use anyhow::{bail, Result};

use crate::hrcs::{
    split, tables, HealthCategory, Labels, ResearchActivity, GROUP_COUNT, HC_COUNT, RAC_COUNT,
};

/// One coded award as the summary needs it.
#[derive(Debug, Clone, Default)]
pub struct CodedAward {
    pub id: String,
    /// (category, hundredths of a percent); empty when the award was not coded.
    pub hc: Vec<(HealthCategory, u32)>,
    pub rac: Vec<(ResearchActivity, u32)>,
    pub flagged: bool,
    /// Funding in minor units; without an amount column every award weighs 100 (one award).
    pub amount: i64,
    /// The value of the `--by` column ("" without one).
    pub by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Hc,
    RacGroup,
    Rac,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Hc, Dimension::RacGroup, Dimension::Rac];
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Hc => "hc",
            Dimension::RacGroup => "rac_group",
            Dimension::Rac => "rac",
        }
    }
    fn len(self) -> usize {
        match self {
            Dimension::Hc => HC_COUNT,
            Dimension::RacGroup => GROUP_COUNT,
            Dimension::Rac => RAC_COUNT,
        }
    }
}

/// One line of the summary: a code of a dimension (or `none`: awards without codes).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub dimension: Dimension,
    /// Index in the code table; `None` for awards that were not coded.
    pub index: Option<usize>,
    pub awards: u64,
    pub flagged: u64,
    /// Minor units.
    pub amount: i64,
    /// Share of the total in hundredths of a percent; the lines of a dimension sum to 10000
    /// (when the total is not zero).
    pub share: u32,
}

impl Line {
    /// The code as written in coded files: `Cancer`, `2`, `2.1`, or `none`.
    pub fn code(&self) -> String {
        match (self.dimension, self.index) {
            (_, None) => "none".into(),
            (Dimension::Hc, Some(i)) => HealthCategory(i as u8).short().to_string(),
            (Dimension::RacGroup, Some(i)) => (i + 1).to_string(),
            (Dimension::Rac, Some(i)) => ResearchActivity(i as u8).code().to_string(),
        }
    }
    /// The code's name in the language of `labels`.
    pub fn name(&self, labels: Labels) -> String {
        let t = tables();
        let info = match (self.dimension, self.index) {
            (_, None) => {
                return match labels {
                    Labels::En => "Not coded (no text)",
                    Labels::Nb => "Ikke kodet (ingen tekst)",
                    Labels::Nn => "Ikkje koda (ingen tekst)",
                }
                .into()
            }
            (Dimension::Hc, Some(i)) => &t.hc[i],
            (Dimension::RacGroup, Some(i)) => &t.groups[i],
            (Dimension::Rac, Some(i)) => &t.rac[i],
        };
        info.label(labels).to_string()
    }
}

/// The summary of one set of awards (the whole file, or one value of `--by`).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub awards: u64,
    pub flagged: u64,
    pub total: i64,
    /// Every code of every dimension, in table order, then `none` (only when some award has no
    /// codes).
    pub lines: Vec<Line>,
}

/// Splits `amount` (not negative) in proportion to `weights`: each piece rounded down, then one
/// unit each to the largest remainders (the first on a tie), so the pieces sum to `amount`
/// exactly. Weights are percentages in hundredths for an award's codes, or the amounts of a
/// dimension's lines for their shares. All-zero weights give all zero.
pub fn apportion(amount: i64, weights: &[i64]) -> Vec<i64> {
    let denom: i128 = weights.iter().map(|&w| w as i128).sum();
    if denom == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let exact = amount as i128 * w as i128;
        out.push((exact / denom) as i64);
        rems.push((exact % denom, i));
    }
    // Each piece lost less than one unit, so fewer units are left than there are pieces.
    let left = (amount - out.iter().sum::<i64>()) as usize;
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(left) {
        out[i] += 1;
    }
    out
}

/// Summarises awards: per code, the awards that have it, how many of them are flagged, and the
/// apportioned amount.
pub fn summarise<'a>(awards: impl IntoIterator<Item = &'a CodedAward>) -> Summary {
    let mut s = Summary::default();
    let mut per: BTreeMap<(Dimension, Option<usize>), (u64, u64, i64)> = BTreeMap::new();
    for d in Dimension::ALL {
        for i in 0..d.len() {
            per.insert((d, Some(i)), (0, 0, 0));
        }
    }
    for a in awards {
        s.awards += 1;
        s.flagged += a.flagged as u64;
        s.total += a.amount;
        let mut add = |d: Dimension, i: Option<usize>, amount: i64| {
            let e = per.entry((d, i)).or_insert((0, 0, 0));
            e.0 += 1;
            e.1 += a.flagged as u64;
            e.2 += amount;
        };
        if a.hc.is_empty() {
            add(Dimension::Hc, None, a.amount);
        } else {
            let parts: Vec<i64> = a.hc.iter().map(|x| x.1 as i64).collect();
            for ((c, _), amount) in a.hc.iter().zip(apportion(a.amount, &parts)) {
                add(Dimension::Hc, Some(c.index()), amount);
            }
        }
        if a.rac.is_empty() {
            add(Dimension::Rac, None, a.amount);
            add(Dimension::RacGroup, None, a.amount);
        } else {
            let parts: Vec<i64> = a.rac.iter().map(|x| x.1 as i64).collect();
            // Groups are the sums of their codes' pieces, so a group and its codes agree exactly.
            let mut groups: BTreeMap<usize, i64> = BTreeMap::new();
            for ((r, _), amount) in a.rac.iter().zip(apportion(a.amount, &parts)) {
                add(Dimension::Rac, Some(r.index()), amount);
                *groups.entry(r.group().index()).or_insert(0) += amount;
            }
            for (g, amount) in groups {
                add(Dimension::RacGroup, Some(g), amount);
            }
        }
    }
    for d in Dimension::ALL {
        let mut lines: Vec<Line> = per
            .range((d, None)..=(d, Some(usize::MAX)))
            .filter(|((_, i), v)| i.is_some() || v.0 > 0)
            .map(|(&(dimension, index), &(awards, flagged, amount))| Line {
                dimension,
                index,
                awards,
                flagged,
                amount,
                share: 0,
            })
            .collect();
        // `none` sorts first in the map; it reads best last.
        lines.sort_by_key(|l| (l.index.is_none(), l.index));
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        for (l, share) in lines
            .iter_mut()
            .zip(apportion(split::WHOLE as i64, &amounts))
        {
            l.share = share as u32;
        }
        s.lines.extend(lines);
    }
    s
}

/// Reads a funding amount into minor units (two decimals): digits with optional thousands
/// separators (comma, space, apostrophe), a decimal point, and a currency sign or code around it
/// ("£1,500,000.50", "NOK 2 000 000", "1500000"). An empty cell is 0; a negative or unreadable
/// one is an error for the caller to report.
pub fn parse_minor_units(cell: &str) -> Option<i64> {
    let t = cell.trim();
    if t.is_empty() {
        return Some(0);
    }
    if t.contains('-') {
        return None;
    }
    let kept: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if kept.is_empty() || kept.matches('.').count() > 1 {
        return None;
    }
    let (whole, frac) = kept.split_once('.').unwrap_or((&kept, ""));
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let digits: Vec<u32> = frac.chars().filter_map(|c| c.to_digit(10)).collect();
    let mut cents = digits.first().copied().unwrap_or(0) as i64 * 10
        + digits.get(1).copied().unwrap_or(0) as i64;
    // Round half up on the third decimal.
    if digits.get(2).copied().unwrap_or(0) >= 5 {
        cents += 1;
    }
    whole.checked_mul(100)?.checked_add(cents)
}

/// The regional health authorities' table: one line per research activity group with its share
/// of the funding in tenths of a percent and its amount in tenths of a million, both split by largest remainders so the lines add up to 100.0 % and to the total.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupTable<'a> {
    pub lines: Vec<(&'a Line, i64, i64)>,
    /// The total in tenths of a million.
    pub total: i64,
}

/// `decimals`: the amounts are in minor units (hundredths), else in whole units.
pub fn group_table(s: &Summary, decimals: bool) -> GroupTable<'_> {
    let lines: Vec<&Line> = s
        .lines
        .iter()
        .filter(|l| l.dimension == Dimension::RacGroup && l.awards > 0)
        .collect();
    let weights: Vec<i64> = lines.iter().map(|l| l.amount).collect();
    // Tenths of a million; half rounds up: 1 073.55 million is 1 073.6.
    let tenth = if decimals { 10_000_000 } else { 100_000 };
    let total = (s.total + tenth / 2).div_euclid(tenth);
    let permille = apportion(1000, &weights);
    let millions = apportion(total, &weights);
    GroupTable {
        lines: lines
            .into_iter()
            .zip(permille)
            .zip(millions)
            .map(|((l, p), m)| (l, p, m))
            .collect(),
        total,
    }
}

/// Tenths as a Norwegian number: 10736 is "1 073,6" (spaces between thousands, decimal comma).
pub fn format_tenths_nb(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    let whole = (t / 10).to_string();
    let mut out = String::from(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{out},{}", t % 10)
}

/// Writes an amount: minor units as a decimal (`123456` as `1234.56`) when `decimals`, else
/// whole currency units as they are (used when every input amount was whole, so the split is
/// done in whole units too).
pub fn format_minor_units(units: i64, decimals: bool) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let u = units.unsigned_abs();
    if decimals {
        format!("{sign}{}.{:02}", u / 100, u % 100)
    } else {
        format!("{sign}{u}")
    }
}

/// Parses a coded file's `hc` or `rac` cell ("Cancer:50;Oral:50"), which must give every code a
/// percentage and add up to 100.
pub fn parse_shares<C>(
    cell: &str,
    parse: impl Fn(&str) -> Option<C>,
    what: &str,
) -> Result<Vec<(C, u32)>> {
    let parsed = crate::output::parse_codes(cell, parse)
        .map_err(|code| anyhow::anyhow!("{code} is not an HRCS {what}"))?;
    let mut out = Vec::with_capacity(parsed.len());
    for (c, pct) in parsed {
        let Some(pct) = pct else {
            bail!("{cell:?}: every code needs a percentage (CODE:PERCENT)");
        };
        out.push((c, pct));
    }
    let sum: u32 = out.iter().map(|x| x.1).sum();
    if !out.is_empty() && sum != split::WHOLE {
        bail!(
            "{cell:?}: the percentages add up to {}, not 100",
            split::format_percent(sum)
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_sums_exactly_and_gives_remainders_to_the_largest() {
        assert_eq!(apportion(100, &[3334, 3333, 3333]), vec![34, 33, 33]);
        assert_eq!(apportion(1, &[5000, 5000]), vec![1, 0]);
        assert_eq!(apportion(0, &[5000, 5000]), vec![0, 0]);
        assert_eq!(
            apportion(1_000_001, &[2500; 4]).iter().sum::<i64>(),
            1_000_001
        );
        // 7 units by 33.34/33.33/33.33: 2.3338, 2.3331, 2.3331 -> 2, 2, 2 and one left over for
        // the largest remainder, the first.
        assert_eq!(apportion(7, &[3334, 3333, 3333]), vec![3, 2, 2]);
    }

    #[test]
    fn amounts_parse_to_minor_units() {
        assert_eq!(parse_minor_units("£1,500,000.50"), Some(150_000_050));
        assert_eq!(parse_minor_units("NOK 2 000 000"), Some(200_000_000));
        assert_eq!(parse_minor_units("12.345"), Some(1235));
        assert_eq!(parse_minor_units(""), Some(0));
        assert_eq!(parse_minor_units("-5"), None);
        assert_eq!(parse_minor_units("n/a"), None);
        assert_eq!(format_minor_units(150_000_050, true), "1500000.50");
        assert_eq!(format_minor_units(2_000_000, false), "2000000");
    }

    #[test]
    fn every_dimension_reconciles_to_the_total() {
        let cancer = HealthCategory::parse("Cancer").unwrap();
        let oral = HealthCategory::parse("Oral").unwrap();
        let r21 = ResearchActivity::parse("2.1").unwrap();
        let r22 = ResearchActivity::parse("2.2").unwrap();
        let r61 = ResearchActivity::parse("6.1").unwrap();
        let awards = vec![
            CodedAward {
                hc: vec![(cancer, 3334), (oral, 3333), (HealthCategory(0), 3333)],
                rac: vec![(r21, 5000), (r22, 2500), (r61, 2500)],
                amount: 100_001,
                flagged: true,
                ..Default::default()
            },
            CodedAward {
                amount: 333,
                ..Default::default()
            },
        ];
        let s = summarise(&awards);
        assert_eq!(s.total, 100_334);
        for d in Dimension::ALL {
            let lines: Vec<&Line> = s.lines.iter().filter(|l| l.dimension == d).collect();
            assert_eq!(
                lines.iter().map(|l| l.amount).sum::<i64>(),
                100_334,
                "{d:?}"
            );
            assert_eq!(lines.iter().map(|l| l.share).sum::<u32>(), 10_000, "{d:?}");
            let none = lines.iter().find(|l| l.index.is_none()).unwrap();
            assert_eq!((none.awards, none.amount), (1, 333));
        }
        let group2 = s
            .lines
            .iter()
            .find(|l| l.dimension == Dimension::RacGroup && l.index == Some(1))
            .unwrap();
        let codes2: i64 = s
            .lines
            .iter()
            .filter(|l| {
                l.dimension == Dimension::Rac
                    && l.index
                        .is_some_and(|i| ResearchActivity(i as u8).group().index() == 1)
            })
            .map(|l| l.amount)
            .sum();
        assert_eq!(group2.amount, codes2, "a group is the sum of its codes");
        assert_eq!((group2.awards, group2.flagged), (1, 1));
    }
}
