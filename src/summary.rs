//! What a coded portfolio funds: counts and apportioned funding per health category, research
//! activity group and research activity code. Amounts are read exactly, as integers in
//! millionths of a currency unit, and every award's amount is split by largest remainders at that
//! precision. Only the totals are rounded to the printed unit (pence, øre, or whole units), and
//! each dimension's lines are rounded by largest remainders again, so they add up to the
//! rounded input total exactly: three awards of 3,602,533.3333 make 10,807,600.00, not the
//! 10,807,599.99 that rounding each award first would give.

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
    /// Funding in millionths of a currency unit ([`MICROS`] per unit); without an amount column
    /// every award weighs one unit (one award).
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
    /// In the printed unit (see [`summarise`]).
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

/// Millionths of a currency unit: the precision amounts are read and split at.
pub const MICROS: i64 = 1_000_000;
/// The printed unit for amounts with decimals: hundredths (pence, øre), in millionths.
pub const MINOR_UNIT: i64 = MICROS / 100;

/// Summarises awards: per code, the awards that have it, how many of them are flagged, and the
/// apportioned amount. Awards' amounts are in millionths; the summary's total and lines are in
/// `unit`s (so many millionths each: [`MINOR_UNIT`] prints pence, [`MICROS`] whole units).
pub fn summarise<'a>(awards: impl IntoIterator<Item = &'a CodedAward>, unit: i64) -> Summary {
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
    // Round the exact total once, then split it between each dimension's lines by their exact
    // amounts, so every dimension adds up to the rounded total.
    let exact_total = s.total;
    s.total = round_half_up(exact_total, unit);
    let mut rac_printed: Vec<(Option<usize>, i64)> = Vec::new();
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
        let exact: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        for (l, printed) in lines.iter_mut().zip(apportion(s.total, &exact)) {
            l.amount = printed;
        }
        if d == Dimension::Rac {
            rac_printed = lines.iter().map(|l| (l.index, l.amount)).collect();
        }
        s.lines.extend(lines);
    }
    // A group is printed as the sum of its codes' printed amounts, so the two always agree.
    for l in s
        .lines
        .iter_mut()
        .filter(|l| l.dimension == Dimension::RacGroup)
    {
        l.amount = rac_printed
            .iter()
            .filter(|(i, _)| i.map(|i| ResearchActivity(i as u8).group().index()) == l.index)
            .map(|x| x.1)
            .sum();
    }
    for d in Dimension::ALL {
        let amounts: Vec<i64> = s
            .lines
            .iter()
            .filter(|l| l.dimension == d)
            .map(|l| l.amount)
            .collect();
        let shares = apportion(split::WHOLE as i64, &amounts);
        for (l, share) in s.lines.iter_mut().filter(|l| l.dimension == d).zip(shares) {
            l.share = share as u32;
        }
    }
    s
}

/// `amount` (not negative) in `unit`s, rounded half up.
pub fn round_half_up(amount: i64, unit: i64) -> i64 {
    (amount + unit / 2) / unit
}

/// Reads a funding amount into minor units (hundredths), rounded half up: [`parse_amount`]
/// rounded.
pub fn parse_minor_units(cell: &str) -> Option<i64> {
    parse_amount(cell).map(|m| round_half_up(m, MINOR_UNIT))
}

/// Reads a funding amount exactly, in millionths of a currency unit (digits beyond the sixth
/// decimal rounded half up): digits with optional thousands separators (comma, point, space,
/// apostrophe), a decimal point or decimal comma, an exponent as spreadsheets write large numbers
/// (`1.08076E+07`), and a currency sign or code around it ("£1,500,000.50", "NOK 2 000 000,50",
/// "1.234.567,89", "1500000"). A single comma followed by exactly three digits ("1,234") is a
/// thousands separator. An empty cell is 0; a negative, unreadable or absurdly large one is
/// `None`, for the caller to report.
pub fn parse_amount(cell: &str) -> Option<i64> {
    let t = cell.trim();
    if t.is_empty() {
        return Some(0);
    }
    let number = strip_currency(t)?;
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(at) => (&number[..at], number[at + 1..].parse::<i32>().ok()?),
        None => (number, 0),
    };
    let grouping = |c: char| matches!(c, ' ' | '\'' | '\u{a0}' | '\u{202f}');
    if !mantissa
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || grouping(c))
    {
        return None;
    }
    let (whole, frac) = match decimal_separator(mantissa) {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let (whole, frac) = (digits(whole), digits(frac));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    // Move the decimal point by the exponent, then read six decimals and round on the seventh.
    let all = format!("{whole}{frac}");
    let point = whole.len() as i64 + exponent as i64;
    if !(-30..=30).contains(&point) || all.len() > 60 {
        return None;
    }
    let digit = |i: i64| -> i64 {
        usize::try_from(i)
            .ok()
            .and_then(|i| all.as_bytes().get(i))
            .map_or(0, |b| i64::from(b - b'0'))
    };
    let mut micros: i64 = 0;
    for i in 0..point + 6 {
        micros = micros.checked_mul(10)?.checked_add(digit(i))?;
    }
    if digit(point + 6) >= 5 {
        micros = micros.checked_add(1)?;
    }
    Some(micros)
}

/// The number inside a currency sign or code ("£", "NOK ", " kr", "EUR"); `None` for a minus
/// sign or for words that change the number ("1.2m", "3 bn").
fn strip_currency(t: &str) -> Option<&str> {
    let is_number = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let start = t.find(is_number)?;
    let end = t.rfind(is_number)? + 1;
    for affix in [&t[..start], &t[end..]] {
        let affix = affix.trim();
        let letters = affix.chars().filter(|c| c.is_alphabetic()).count();
        let currency = affix
            .chars()
            .all(|c| !c.is_ascii_digit() && !"-+()".contains(c))
            && (letters == 0 || (2..=3).contains(&letters))
            && !["bn", "mn", "mil", "mio", "mrd"]
                .iter()
                .any(|w| affix.eq_ignore_ascii_case(w));
        if !currency {
            return None;
        }
    }
    // An exponent's sign sits inside the number: "1.2E+07".
    Some(&t[start..end])
}

/// Where the decimal separator of a number is: the last point or comma, unless it separates
/// thousands ("1.234.567", "1,234,567", or a lone comma before exactly three digits in a number
/// with no other separator: "1,234" but not "1 234,567").
fn decimal_separator(s: &str) -> Option<usize> {
    let at = s.rfind(['.', ','])?;
    let count = s.matches(&s[at..at + 1]).count();
    let digits_after = s[at + 1..].chars().filter(char::is_ascii_digit).count();
    let decimal = match &s[at..at + 1] {
        "." => count == 1,
        _ => {
            count == 1 && (s.contains(['.', ' ', '\'', '\u{a0}', '\u{202f}']) || digits_after != 3)
        }
    };
    decimal.then_some(at)
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
        assert_eq!(parse_minor_units("0.995"), Some(100));
        assert_eq!(parse_minor_units("1 234 567,891"), Some(123_456_789));
        assert_eq!(parse_minor_units("1.234.567,89"), Some(123_456_789));
        assert_eq!(parse_minor_units("1,234"), Some(123_400));
        assert_eq!(parse_minor_units("1,5"), Some(150));
        assert_eq!(parse_minor_units("1.08076E+07"), Some(1_080_760_000));
        assert_eq!(parse_minor_units("kr 1500"), Some(150_000));
        assert_eq!(parse_minor_units("1.2m"), None);
        assert_eq!(parse_minor_units("3 bn"), None);
        assert_eq!(parse_minor_units("(5)"), None);
        assert_eq!(parse_minor_units("12abc34"), None);
        assert_eq!(parse_amount("3602533.3333"), Some(3_602_533_333_300));
        assert_eq!(parse_amount("0.0000005"), Some(1));
        assert_eq!(parse_minor_units("-5"), None);
        assert_eq!(parse_minor_units("n/a"), None);
        assert_eq!(format_minor_units(150_000_050, true), "1500000.50");
        assert_eq!(format_minor_units(2_000_000, false), "2000000");
    }

    #[test]
    fn the_total_is_rounded_once_not_award_by_award() {
        let third = CodedAward {
            hc: vec![(HealthCategory(0), 10_000)],
            rac: vec![(ResearchActivity(0), 10_000)],
            amount: parse_amount("3602533.3333").unwrap(),
            ..Default::default()
        };
        let s = summarise(&[third.clone(), third.clone(), third], MINOR_UNIT);
        assert_eq!(s.total, 1_080_760_000);
        assert!(s.lines.iter().any(|l| l.amount == 1_080_760_000));
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
                amount: 100_001 * MINOR_UNIT,
                flagged: true,
                ..Default::default()
            },
            CodedAward {
                amount: 333 * MINOR_UNIT,
                ..Default::default()
            },
        ];
        let s = summarise(&awards, MINOR_UNIT);
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
