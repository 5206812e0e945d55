//! Percentage splits allowed by HRCS.
//!
//! Percentages are kept as whole hundredths of a percent (`10000` = 100%) so that every split sums
//! to exactly 100 with no floating-point drift. HRCS allows equal splits (100, 50/50, thirds, 25 x 4,
//! 20 x 5) and, only when the aims state different emphases, the unequal splits 75/25,
//! 66.67/33.33 and 50/25/25.
//!
//! Rounding of thirds: 100/3 is written 33.34, 33.33, 33.33; the extra hundredth goes to the
//! first (strongest) code, so the three always add up to 100.00.

/// 100% in hundredths.
pub const WHOLE: u32 = 10_000;

/// How to split when codes have unequal evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SplitPolicy {
    /// Always split equally (the HRCS default).
    #[default]
    Equal,
    /// Use one of the allowed unequal splits when one code's evidence clearly dominates.
    Weighted,
}

/// The most codes a split covers.
pub const MAX_PARTS: usize = 5;

/// The shares of one split, strongest first: at most five, kept inline so that splitting
/// allocates nothing (two splits per award). Reads as a `&[u32]` and iterates by value.
#[derive(Clone, Copy)]
pub struct Parts {
    len: u8,
    parts: [u32; MAX_PARTS],
}

impl Parts {
    fn of(parts: &[u32]) -> Parts {
        let mut p = Parts {
            len: parts.len() as u8,
            parts: [0; MAX_PARTS],
        };
        p.parts[..parts.len()].copy_from_slice(parts);
        p
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.parts[..self.len as usize]
    }
}

impl std::ops::Deref for Parts {
    type Target = [u32];
    fn deref(&self) -> &[u32] {
        self.as_slice()
    }
}

impl IntoIterator for Parts {
    type Item = u32;
    type IntoIter = std::iter::Take<std::array::IntoIter<u32, MAX_PARTS>>;
    fn into_iter(self) -> Self::IntoIter {
        self.parts.into_iter().take(self.len as usize)
    }
}

impl PartialEq for Parts {
    fn eq(&self, other: &Parts) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Parts {}

impl PartialEq<Vec<u32>> for Parts {
    fn eq(&self, other: &Vec<u32>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// Equal split of 100% over `n` codes (1 to 5), strongest first.
pub fn equal(n: usize) -> Parts {
    assert!(
        (1..=MAX_PARTS).contains(&n),
        "HRCS splits cover 1 to 5 codes, got {n}"
    );
    let base = WHOLE / n as u32;
    let rest = WHOLE - base * n as u32;
    let mut p = Parts {
        len: n as u8,
        parts: [0; MAX_PARTS],
    };
    for (i, x) in p.parts[..n].iter_mut().enumerate() {
        *x = if (i as u32) < rest { base + 1 } else { base };
    }
    p
}

/// Split 100% over codes whose evidence is `scores` (sorted strongest first).
///
/// With [`SplitPolicy::Weighted`], two codes get 75/25 when the first has at least three times the
/// evidence of the second and 66.67/33.33 at twice; three codes get 50/25/25 when the first has at
/// least as much as the other two together. Everything else is an equal split.
pub fn split(scores: &[f64], policy: SplitPolicy) -> Parts {
    let n = scores.len();
    if policy == SplitPolicy::Weighted {
        match n {
            2 if scores[0] >= 3.0 * scores[1] => return Parts::of(&[7_500, 2_500]),
            2 if scores[0] >= 2.0 * scores[1] => return Parts::of(&[6_667, 3_333]),
            3 if scores[0] >= scores[1] + scores[2] => return Parts::of(&[5_000, 2_500, 2_500]),
            _ => {}
        }
    }
    equal(n)
}

/// True if `parts` (strongest first) is one of the splits HRCS allows.
pub fn is_allowed(parts: &[u32]) -> bool {
    if parts.is_empty() || parts.len() > MAX_PARTS {
        return false;
    }
    parts == equal(parts.len()).as_slice()
        || parts == [7_500, 2_500]
        || parts == [6_667, 3_333]
        || parts == [5_000, 2_500, 2_500]
}

/// Writes a percentage in hundredths the way output shows it: `50`, `33.34`, `66.67`.
pub fn format_percent(hundredths: u32) -> String {
    let whole = hundredths / 100;
    let frac = hundredths % 100;
    if frac == 0 {
        whole.to_string()
    } else if frac % 10 == 0 {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_splits_sum_to_100_and_match_hrcs() {
        assert_eq!(equal(1), vec![10_000]);
        assert_eq!(equal(2), vec![5_000, 5_000]);
        assert_eq!(equal(3), vec![3_334, 3_333, 3_333]);
        assert_eq!(equal(4), vec![2_500; 4]);
        assert_eq!(equal(5), vec![2_000; 5]);
        for n in 1..=5 {
            assert_eq!(equal(n).iter().sum::<u32>(), WHOLE);
            assert!(is_allowed(&equal(n)));
        }
    }

    #[test]
    fn weighted_splits_only_use_allowed_patterns() {
        let w = SplitPolicy::Weighted;
        assert_eq!(split(&[9.0, 3.0], w), vec![7_500, 2_500]);
        assert_eq!(split(&[6.0, 3.0], w), vec![6_667, 3_333]);
        assert_eq!(split(&[5.0, 3.0], w), vec![5_000, 5_000]);
        assert_eq!(split(&[6.0, 3.0, 3.0], w), vec![5_000, 2_500, 2_500]);
        assert_eq!(split(&[4.0, 3.0, 3.0], w), equal(3));
        assert_eq!(split(&[9.0, 1.0], SplitPolicy::Equal), vec![5_000, 5_000]);
        for scores in [
            &[1.0][..],
            &[5.0, 1.0],
            &[3.0, 1.0, 1.0],
            &[1.0; 4],
            &[1.0; 5],
        ] {
            let parts = split(scores, w);
            assert_eq!(parts.iter().sum::<u32>(), WHOLE);
            assert!(is_allowed(&parts), "{parts:?}");
        }
        assert!(!is_allowed(&[6_000, 4_000]));
    }

    #[test]
    fn percent_formatting() {
        assert_eq!(format_percent(10_000), "100");
        assert_eq!(format_percent(3_334), "33.34");
        assert_eq!(format_percent(6_667), "66.67");
        assert_eq!(format_percent(2_500), "25");
        assert_eq!(format_percent(1_250), "12.5");
    }
}
