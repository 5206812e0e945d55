//! Portfolio figures with error bars: a stratified review sample for hand-coding (`hrcs sample`),
//! and, from the hand-coded sample, every share of a summary corrected for the coder's own
//! errors with a 95 % interval (`hrcs summary --checked`, `hrcs report --checked`).
//!
//! The design is stratified simple random sampling without replacement: awards are put in strata
//! by how sure the coder was (flagged or confidence below 0.5, 0.5-0.75, 0.75-0.9, 0.9 and over;
//! with `--by`, crossed with the group), awards whose amount times their expected error is too
//! large to leave to chance are checked all (a take-all stratum, Hidiroglou 1986), every other
//! stratum gets at least two draws (so its variance can be estimated) and the rest in proportion
//! to `N_h · sqrt(1 − mean confidence) · sqrt(mean amount²)`: Neyman allocation (Cochran 1977,
//! §5.5) with the expected spread of the coding errors in money standing in for the unknown
//! standard deviation, so most checks go where the coder is least sure and the money largest.
//!
//! The estimator is the stratified difference estimator (Särndal, Swensson and Wretman 1992,
//! §6.3; Cochran 1977, §7.2): for each code, the coded amount of the whole portfolio (known) plus
//! the estimated total of (gold − coded) amounts, `Ŷ = Σ_U x + Σ_h N_h · mean_h(y − x)`, with the
//! analytical variance `Σ_h N_h² (1 − n_h/N_h) s²_h / n_h`, a floor for codes no checked award of
//! a stratum shows an error on (borrowed from the stratum's pooled error variance, so no interval
//! is zero-wide), and a Student-t 95 % interval on the design's degrees of freedom. The figure
//! reported is the Fay-Herriot composite of the coded and the difference estimate, shrunk towards
//! the coded figure by how much of the correction is noise given the spread of the coder's biases
//! over all codes, and never more than one standard error from the difference estimate, so it
//! lies inside the interval. Because each award's gold and coded shares both add up to its
//! amount, the corrected amounts of a dimension are apportioned to add up to the total exactly.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};

use crate::eval::Shares;
use crate::gold::{read_gold, GoldOptions};
use crate::hrcs::{ResearchActivity, GROUP_COUNT, HC_COUNT, RAC_COUNT};
use crate::input::{Input, InputSpec, ReadOptions};
use crate::summary::{apportion, CodedAward, Dimension};

/// The two-sided 95 % normal quantile.
pub const Z95: f64 = 1.959964;

/// Confidence bands, the first stratification of the sample: name and lower bound.
pub const BANDS: [(&str, f64); 4] = [
    ("low", 0.0),
    ("medium", 0.5),
    ("high", 0.75),
    ("very_high", 0.9),
];

/// The name of the take-all stratum: awards checked with certainty because their amount, times
/// how unsure the coder was, is too large to leave to chance (Hidiroglou 1986).
pub const TAKE_ALL: &str = "take_all";

/// The band index of the take-all stratum, after the confidence bands.
const TAKE_ALL_BAND: usize = BANDS.len();

/// What the sampler needs to know of a coded award.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    pub confidence: f64,
    pub flagged: bool,
    /// The award's amount (any unit; the same for every award when there is no amount column).
    pub amount: f64,
    /// The `--by` group ("" without one).
    pub group: String,
}

/// The band of an award: flagged awards count as least sure whatever their confidence.
pub fn band(u: &Unit) -> usize {
    if u.flagged {
        return 0;
    }
    BANDS
        .iter()
        .rposition(|(_, low)| u.confidence >= *low)
        .unwrap_or(0)
}

/// The expected error rate standing in for the unknown one: one minus the coder's confidence,
/// kept within 5-100 % so a sure coder is never taken for a perfect one.
fn error_rate(u: &Unit) -> f64 {
    (1.0 - u.confidence).clamp(0.05, 1.0)
}

/// How far an award can move a portfolio figure: the spread of its coding error in money,
/// `amount · sqrt(error rate)` (an error moves up to its whole amount, with that probability).
fn error_spread(u: &Unit) -> f64 {
    u.amount.max(0.0) * error_rate(u).sqrt()
}

/// One stratum of a drawn sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    pub name: String,
    pub population: usize,
    pub drawn: usize,
}

/// A drawn sample: the strata, and for each draw the unit's index and its stratum.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub strata: Vec<Stratum>,
    /// (unit index, stratum index), in unit order.
    pub draws: Vec<(usize, usize)>,
}

impl Sample {
    /// The inclusion probability of a draw's stratum.
    pub fn probability(&self, stratum: usize) -> f64 {
        let s = &self.strata[stratum];
        s.drawn as f64 / s.population as f64
    }
}

/// splitmix64: a small, well-mixed, portable generator, so a seed gives the same sample on any
/// machine and version of the compiler.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Allocates `n` draws over strata of `sizes` with `weights`: at least two per stratum (all of a
/// smaller one), the rest by largest remainders in proportion to the weights, never more than a
/// stratum holds.
fn allocate(n: usize, sizes: &[usize], weights: &[f64]) -> Vec<usize> {
    let mut alloc: Vec<usize> = sizes.iter().map(|&s| s.min(2)).collect();
    let mut left = n.saturating_sub(alloc.iter().sum());
    while left > 0 {
        let room: Vec<i64> = sizes
            .iter()
            .zip(&alloc)
            .zip(weights)
            .map(|((&s, &a), &w)| {
                if a < s {
                    (w * 1e6).round().max(1.0) as i64
                } else {
                    0
                }
            })
            .collect();
        if room.iter().all(|&r| r == 0) {
            break;
        }
        let extra = apportion(left as i64, &room);
        let mut given = 0;
        for (i, e) in extra.into_iter().enumerate() {
            let e = (e as usize).min(sizes[i] - alloc[i]);
            alloc[i] += e;
            given += e;
        }
        if given == 0 {
            // Fewer draws left than strata with room: one each to the heaviest.
            let i = (0..sizes.len())
                .filter(|&i| alloc[i] < sizes[i])
                .max_by(|&a, &b| room[a].cmp(&room[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            alloc[i] += 1;
            given = 1;
        }
        left -= given;
    }
    alloc
}

/// The strata of a design: units keyed by group and band (the take-all awards in their group's
/// take-all stratum), in a stable order, group then band.
fn stratify(units: &[Unit], certain: &[bool]) -> Vec<((String, usize), Vec<usize>)> {
    let mut by: BTreeMap<(String, usize), Vec<usize>> = BTreeMap::new();
    for (i, u) in units.iter().enumerate() {
        let b = if certain[i] { TAKE_ALL_BAND } else { band(u) };
        by.entry((u.group.clone(), b)).or_default().push(i);
    }
    by.into_iter().collect()
}

/// The fewest draws a design can have: every take-all award, and two per sampled stratum (so
/// its variance can be estimated; all of a smaller one).
fn minimum(strata: &[((String, usize), Vec<usize>)]) -> usize {
    strata
        .iter()
        .map(|((_, b), m)| {
            if *b == TAKE_ALL_BAND {
                m.len()
            } else {
                m.len().min(2)
            }
        })
        .sum()
}

/// The take-all stratum (Hidiroglou 1986, "The construction of a self-representing stratum of
/// large units in survey design"): with draws allocated in proportion to each award's own error
/// spread (`amount · sqrt(error rate)`), an award whose share of the draws is one or more is
/// checked with certainty, and the rule is applied again to the rest until no award qualifies.
/// Errors in money scale with the award's amount, so one large award coded wrong can move a
/// share by points; left to chance, a sample of 25-50 misses it often and its interval cannot
/// know (on the English fixtures the two largest awards carried most of the error). It stops
/// while two draws per remaining stratum are still possible.
fn take_all(units: &[Unit], n: usize) -> Vec<bool> {
    let spread: Vec<f64> = units.iter().map(error_spread).collect();
    let mut certain = vec![false; units.len()];
    loop {
        let taken = certain.iter().filter(|&&c| c).count();
        let rest: f64 = spread
            .iter()
            .zip(&certain)
            .filter(|(_, &c)| !c)
            .map(|(s, _)| s)
            .sum();
        if rest <= 0.0 || taken >= n {
            return certain;
        }
        let left = (n - taken) as f64;
        let mut trial = certain.clone();
        let mut added = false;
        for (i, t) in trial.iter_mut().enumerate() {
            if !*t && left * spread[i] >= rest {
                *t = true;
                added = true;
            }
        }
        if !added || minimum(&stratify(units, &trial)) > n {
            return certain;
        }
        certain = trial;
    }
}

/// The Neyman weight of a sampled stratum, `N_h · S_h` (Cochran 1977, §5.5), with the unknown
/// spread of the coding errors in money `S_h` taken as `sqrt(error rate) · sqrt(mean amount²)`:
/// an error moves money in proportion to the award's amount, so large awards weigh more.
fn neyman_weight(units: &[Unit], members: &[usize]) -> f64 {
    let n = members.len() as f64;
    let rate = members
        .iter()
        .map(|&i| 1.0 - units[i].confidence)
        .sum::<f64>()
        / n;
    let square = members
        .iter()
        .map(|&i| units[i].amount.max(0.0).powi(2))
        .sum::<f64>()
        / n;
    n * rate.clamp(0.05, 1.0).sqrt() * square.sqrt()
}

/// Draws a stratified review sample of `n` units, the same for the same units and seed.
pub fn draw(units: &[Unit], n: usize, seed: u64) -> Result<Sample> {
    if n > units.len() {
        bail!(
            "a sample of {n} asks for more awards than the file has ({})",
            units.len()
        );
    }
    let certain = take_all(units, n);
    let strata_members = stratify(units, &certain);
    let least = minimum(&strata_members);
    if n < least {
        bail!(
            "a sample of {n} is too small for {} strata: it needs at least {least} (two per \
             stratum); draw more, or drop --by",
            strata_members.len()
        );
    }
    // Take-all strata are checked whole; the rest of the draws go to the sampled strata.
    let sampled: Vec<usize> = (0..strata_members.len())
        .filter(|&k| strata_members[k].0 .1 != TAKE_ALL_BAND)
        .collect();
    let sizes: Vec<usize> = sampled.iter().map(|&k| strata_members[k].1.len()).collect();
    let raw: Vec<f64> = sampled
        .iter()
        .map(|&k| neyman_weight(units, &strata_members[k].1))
        .collect();
    // Relative weights, so amounts in any currency unit fit the integer apportioning.
    let top = raw.iter().cloned().fold(0.0, f64::max);
    let weights: Vec<f64> = raw
        .iter()
        .map(|w| if top > 0.0 { w / top } else { 1.0 })
        .collect();
    let certain_count = certain.iter().filter(|&&c| c).count();
    let mut alloc: Vec<usize> = strata_members.iter().map(|(_, m)| m.len()).collect();
    for (k, a) in sampled
        .iter()
        .zip(allocate(n - certain_count, &sizes, &weights))
    {
        alloc[*k] = a;
    }
    let mut strata = Vec::new();
    let mut draws = Vec::new();
    for (k, ((group, b), members)) in strata_members.iter().enumerate() {
        let mut m = members.clone();
        m.sort_by_key(|&i| (mix(seed ^ mix(i as u64)), i));
        draws.extend(m.into_iter().take(alloc[k]).map(|i| (i, k)));
        let band_name = BANDS.get(*b).map_or(TAKE_ALL, |(name, _)| name);
        strata.push(Stratum {
            name: if group.is_empty() {
                band_name.to_string()
            } else {
                format!("{group}/{band_name}")
            },
            population: members.len(),
            drawn: alloc[k],
        });
    }
    draws.sort_unstable();
    Ok(Sample { strata, draws })
}

/// One hand-coded award of a review sample.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Index of the award in the coded portfolio.
    pub award: usize,
    pub stratum: String,
    pub probability: f64,
    pub hc: Shares,
    pub rac: Shares,
}

/// One code's corrected figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    pub dimension: Dimension,
    /// The code's index in its table; `None` for `none` (awards not coded).
    pub index: Option<usize>,
    /// Corrected amount in minor units (the dimension adds up to the total).
    pub amount: i64,
    /// Corrected share, its standard error and 95 % interval, in percent of the total.
    pub share: f64,
    pub se: f64,
    pub low: f64,
    pub high: f64,
}

/// The corrected figures of a portfolio, and the sample they rest on.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub lines: Vec<Corrected>,
    pub checked: usize,
    pub strata: usize,
}

impl Correction {
    pub fn get(&self, dimension: Dimension, index: Option<usize>) -> Option<&Corrected> {
        self.lines
            .iter()
            .find(|c| c.dimension == dimension && c.index == index)
    }
}

fn width(d: Dimension) -> usize {
    match d {
        Dimension::Hc => HC_COUNT,
        Dimension::RacGroup => GROUP_COUNT,
        Dimension::Rac => RAC_COUNT,
    }
}

/// An award's amount spread over a dimension's codes, `none` last (awards without codes).
fn coded_vector(d: Dimension, a: &CodedAward) -> Vec<f64> {
    let shares: Shares = match d {
        Dimension::Hc => a.hc.iter().map(|&(c, p)| (c.index(), p)).collect(),
        Dimension::Rac => a.rac.iter().map(|&(c, p)| (c.index(), p)).collect(),
        Dimension::RacGroup => a.rac.iter().map(|&(c, p)| (c.group().index(), p)).collect(),
    };
    spread(d, &shares, a.amount as f64)
}

fn spread(d: Dimension, shares: &Shares, amount: f64) -> Vec<f64> {
    let mut v = vec![0.0; width(d) + 1];
    if shares.is_empty() {
        v[width(d)] = amount;
    }
    for &(c, p) in shares {
        v[c] += amount * p as f64 / 10_000.0;
    }
    v
}

fn gold_vector(d: Dimension, c: &Checked, amount: f64) -> Vec<f64> {
    let shares: Shares = match d {
        Dimension::Hc => c.hc.clone(),
        Dimension::Rac => c.rac.clone(),
        Dimension::RacGroup => c
            .rac
            .iter()
            .map(|&(r, p)| (ResearchActivity(r as u8).group().index(), p))
            .collect(),
    };
    spread(d, &shares, amount)
}

/// The sample's strata: for each, its population (`n_h / π_h`) and its members.
fn strata(checked: &[Checked]) -> Result<Vec<(f64, Vec<&Checked>)>> {
    let mut by: Vec<(&str, Vec<&Checked>)> = Vec::new();
    for c in checked {
        match by.iter_mut().find(|(s, _)| *s == c.stratum) {
            Some((_, v)) => v.push(c),
            None => by.push((&c.stratum, vec![c])),
        }
    }
    by.sort_by(|a, b| a.0.cmp(b.0));
    by.into_iter()
        .map(|(name, members)| {
            let p = members[0].probability;
            if members
                .iter()
                .any(|m| (m.probability - p).abs() > 1e-6 * p.max(1e-12))
            {
                bail!("stratum {name:?}: its awards have different inclusion probabilities");
            }
            let population = (members.len() as f64 / p).round().max(members.len() as f64);
            Ok((population, members))
        })
        .collect()
}

/// The two-sided 95 % quantile of Student's t with `df` degrees of freedom: exact for one and
/// two, the Cornish-Fisher expansion in 1/df beyond (Abramowitz and Stegun 1964, 26.7.5; within
/// 0.004 of the table from three degrees of freedom on, and the normal quantile in the limit).
pub fn t95(df: usize) -> f64 {
    let z = Z95;
    match df {
        0 => f64::INFINITY,
        1 => (0.475 * std::f64::consts::PI).tan(),
        2 => (2.0 / (0.05 * 1.95) - 2.0f64).sqrt(),
        _ => {
            let v = df as f64;
            let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
                + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z)
                    / (92160.0 * v.powi(4))
        }
    }
}

/// One stratum's checked awards for one dimension: their coded amounts `x` per code and their
/// differences `y − x` (gold minus coded).
struct StratumChecks {
    population: f64,
    coded: Vec<Vec<f64>>,
    diffs: Vec<Vec<f64>>,
}

/// The rule for a code no checked award of a stratum shows an error on: its sample variance is
/// zero, but "no error seen in n_h awards" does not mean "no error". The stratum's error
/// variance pooled over all codes (well estimated, since most errors touch some code) is shared
/// out in proportion to each code's coded amount in the checked awards, a generalised variance
/// function (Wolter 2007, ch. 7) that borrows strength across codes. It is halved, because every
/// misplaced share moves money out of one code and into another and so is counted twice in the
/// pool. Two Jeffreys pseudo-counts (Brown, Cai and DasGupta 2001) keep it from being zero: a
/// stratum where no error was seen at all gets the error rate 0.5/(n_h + 1) (the Jeffreys
/// posterior mean of 0 errors in n_h) of errors the size of those seen elsewhere in the sample
/// (`relative_error`, see [`relative_error`]), and every code half an award's worth of coded
/// amount over the stratum's checked awards (a pseudo-count of ½ in a multinomial of the
/// codes), so a code the coder never used in a stratum still gets an interval.
fn unseen_error_variance(s: &StratumChecks, relative_error: f64, variances: &mut [f64]) {
    let n = s.coded.len() as f64;
    let amounts: Vec<f64> = s.coded.iter().map(|x| x.iter().sum()).collect();
    let mean_amount = amounts.iter().sum::<f64>() / n;
    let mut pooled: f64 = variances.iter().sum();
    if pooled == 0.0 {
        let mean_square = amounts.iter().map(|a| a * a).sum::<f64>() / n;
        pooled = relative_error * mean_square * 0.5 / (n + 1.0);
    }
    pooled /= 2.0;
    let k = variances.len();
    let per_code: Vec<f64> = (0..k)
        .map(|j| (s.coded.iter().map(|x| x[j]).sum::<f64>() + mean_amount / 2.0) / n)
        .collect();
    let denominator: f64 = per_code.iter().sum();
    if denominator <= 0.0 {
        return;
    }
    for (j, v) in variances.iter_mut().enumerate() {
        if s.diffs.iter().all(|d| d[j].abs() < 1e-6) {
            *v = v.max(per_code[j] / denominator * pooled);
        }
    }
}

/// The size of an error as the sample shows it: over the checked awards coded wrong in this
/// dimension, the mean of `Σ_j d_j² / amount²` (2 when a whole award moved from one code to
/// another, ½ when half of it did). A stratum where no error was seen borrows it for the errors
/// it may have missed; with no error anywhere in the sample, a whole award moving (2) is assumed.
fn relative_error(strata: &[StratumChecks]) -> f64 {
    let sizes: Vec<f64> = strata
        .iter()
        .flat_map(|s| s.coded.iter().zip(&s.diffs))
        .filter_map(|(x, d)| {
            let amount: f64 = x.iter().sum();
            let square: f64 = d.iter().map(|v| v * v).sum();
            (amount > 0.0 && d.iter().any(|v| v.abs() >= 1e-6)).then(|| square / (amount * amount))
        })
        .collect();
    if sizes.is_empty() {
        2.0
    } else {
        sizes.iter().sum::<f64>() / sizes.len() as f64
    }
}

/// The spread of the coder's biases across the codes of a dimension, `τ²`, by the method of
/// moments of Fay and Herriot (1979): each code's estimated correction `D̂_j` has expectation
/// its bias `B_j` and variance `V_j`, so `mean(D̂_j² − V_j)` estimates the mean squared bias
/// (cut at zero).
pub fn bias_spread(differences: &[f64], variances: &[f64]) -> f64 {
    if differences.is_empty() {
        return 0.0;
    }
    let excess: f64 = differences
        .iter()
        .zip(variances)
        .map(|(d, v)| d * d - v)
        .sum();
    (excess / differences.len() as f64).max(0.0)
}

/// The reported corrected total of a code: the Fay-Herriot composite (Fay and Herriot 1979; Rao
/// and Molina 2015, *Small Area Estimation*, 2nd ed., §6.1) of the coded total (exact, but biased
/// by the coder's errors) and the difference estimate `coded + difference` (unbiased, but noisy):
/// `coded + γ · difference` with `γ = τ² / (τ² + v)`, the share of the correction's mean square
/// that is bias rather than noise, `τ²` the spread of the biases over all codes of the dimension
/// ([`bias_spread`]) and `v` this code's variance. Pooling `τ²` over the codes is what keeps one
/// noisy correction from being taken for a real one. Efron and Morris's (1972) limited
/// translation keeps the figure within one standard error of the difference estimate, so a code
/// whose correction is far larger than the others' is not shrunk away and the figure always lies
/// inside its own interval.
pub fn composite(coded: f64, difference: f64, variance: f64, spread: f64) -> f64 {
    let gamma = if spread + variance > 0.0 {
        spread / (spread + variance)
    } else {
        1.0
    };
    let direct = coded + difference;
    let se = variance.max(0.0).sqrt();
    (coded + gamma * difference).clamp(direct - se, direct + se)
}

/// Corrects one dimension: the difference estimator and its variance per code, the composite
/// reported figure, then whole units that add up.
fn correct_dimension(
    d: Dimension,
    awards: &[CodedAward],
    strata: &[(f64, Vec<&Checked>)],
    total: i64,
) -> Vec<Corrected> {
    let k = width(d) + 1;
    let mut coded = vec![0.0; k];
    for a in awards {
        for (e, x) in coded.iter_mut().zip(coded_vector(d, a)) {
            *e += x;
        }
    }
    let checks: Vec<StratumChecks> = strata
        .iter()
        .map(|(population, members)| {
            let (xs, ys): (Vec<Vec<f64>>, Vec<Vec<f64>>) = members
                .iter()
                .map(|c| {
                    let a = &awards[c.award];
                    (coded_vector(d, a), gold_vector(d, c, a.amount as f64))
                })
                .unzip();
            let diffs = ys
                .iter()
                .zip(&xs)
                .map(|(y, x)| y.iter().zip(x).map(|(y, x)| y - x).collect())
                .collect();
            StratumChecks {
                population: *population,
                coded: xs,
                diffs,
            }
        })
        .collect();
    let relative = relative_error(&checks);
    let mut difference = vec![0.0; k];
    let mut variance = vec![0.0; k];
    for stratum in &checks {
        stratum_estimate(stratum, relative, &mut difference, &mut variance);
    }
    // Student's t with the design's degrees of freedom, `Σ (n_h − 1)` over the sampled strata
    // (Cochran 1977, §5.4; Korn and Graubard 1999, §5.2): a take-all stratum has no sampling
    // error and adds none.
    let df: usize = checks
        .iter()
        .filter(|s| (s.coded.len() as f64) < s.population)
        .map(|s| s.coded.len() - 1)
        .sum();
    let q = t95(df.max(1));
    let spread = bias_spread(&difference, &variance);
    let reported: Vec<f64> = (0..k)
        .map(|j| composite(coded[j], difference[j], variance[j], spread))
        .collect();
    lines(d, &coded, &difference, &variance, &reported, q, total)
}

/// The printed lines of a dimension: the reported figures apportioned to whole units that add up
/// to the total, with the difference estimator's interval around each.
fn lines(
    d: Dimension,
    coded: &[f64],
    difference: &[f64],
    variance: &[f64],
    reported: &[f64],
    q: f64,
    total: i64,
) -> Vec<Corrected> {
    let k = coded.len();
    let weights: Vec<i64> = reported
        .iter()
        .map(|&e| e.max(0.0).round() as i64)
        .collect();
    let amounts = apportion(total, &weights);
    // Shares of printed units over the printed total; the estimates and their variances are in
    // the awards' exact units (millionths), so they are divided by the exact total.
    let t = total.max(1) as f64;
    let exact: f64 = coded.iter().sum::<f64>().max(1.0);
    (0..k)
        .map(|j| {
            let share = 100.0 * amounts[j] as f64 / t;
            let se = 100.0 * variance[j].sqrt() / exact;
            let centre = 100.0 * (coded[j] + difference[j]) / exact;
            Corrected {
                dimension: d,
                index: (j < k - 1).then_some(j),
                amount: amounts[j],
                share,
                se,
                // The interval is the difference estimator's (design-unbiased centre). The
                // composite lies inside it by construction; reconciling the dimension to the total
                // can move the printed share by a rounding hair, so the interval is stretched to
                // hold it rather than print a figure outside its own interval.
                low: (centre - q * se).min(share).clamp(0.0, 100.0),
                high: (centre + q * se).max(share).clamp(0.0, 100.0),
            }
        })
        .collect()
}

/// Adds one stratum's estimated total difference `N_h · mean(y − x)` and its variance
/// `N_h² (1 − n_h/N_h) s²_h / n_h` to each code's running sums.
fn stratum_estimate(
    s: &StratumChecks,
    relative_error: f64,
    difference: &mut [f64],
    variance: &mut [f64],
) {
    let n = s.diffs.len() as f64;
    let k = difference.len();
    let mut s2 = vec![0.0; k];
    for j in 0..k {
        let mean = s.diffs.iter().map(|v| v[j]).sum::<f64>() / n;
        difference[j] += s.population * mean;
        if n > 1.0 {
            s2[j] = s.diffs.iter().map(|v| (v[j] - mean).powi(2)).sum::<f64>() / (n - 1.0);
        }
    }
    unseen_error_variance(s, relative_error, &mut s2);
    let fpc = (1.0 - n / s.population).max(0.0);
    for j in 0..k {
        variance[j] += s.population * s.population * fpc * s2[j] / n;
    }
}

/// Corrects every share of a portfolio from its hand-coded review sample. Amounts are exact
/// (millionths); `unit` is the printed unit the corrected amounts are given in, as in
/// [`crate::summary::summarise`], so they add up to the summary's total.
pub fn correct(awards: &[CodedAward], checked: &[Checked], unit: i64) -> Result<Correction> {
    let strata = strata(checked)?;
    let total = crate::summary::round_half_up(awards.iter().map(|a| a.amount).sum(), unit);
    let lines = Dimension::ALL
        .into_iter()
        .flat_map(|d| correct_dimension(d, awards, &strata, total))
        .collect();
    Ok(Correction {
        lines,
        checked: checked.len(),
        strata: strata.len(),
    })
}

/// Reads a hand-coded review sample (as `hrcs sample` wrote it, CSV or XLSX) and matches its
/// rows to the coded awards by id. Every row must be checked: gold percentages that do not add
/// up to 100 and rows without gold codes are errors naming the file, line and column.
pub fn read_checked(path: &str, ids: &[&str]) -> Result<Vec<Checked>> {
    let spec = InputSpec::parse(path);
    let name = spec.display();
    let read = ReadOptions {
        keep_all: true,
        ..ReadOptions::default()
    };
    let mut input = Input::open(spec, &read)?;
    let headers = input.headers.clone();
    let find = |col: &str| crate::gold::header_at(&headers, col);
    let (Some(stratum_at), Some(prob_at)) = (find("stratum"), find("inclusion_probability")) else {
        bail!(crate::error::UsageError(format!(
            "{name}: no stratum and inclusion_probability columns: is this a sample written by \
             `hrcs sample`? The columns are: {}",
            headers.join(", ")
        )));
    };
    let gold = read_gold(&mut input, &name, &GoldOptions::default())?;
    let position: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut out = Vec::with_capacity(gold.rows.len());
    for row in gold.rows {
        let line = row.award.line;
        let cell = |i: usize| row.award.kept.get(i).map(|s| s.trim()).unwrap_or("");
        let award = *position.get(row.award.id.trim()).ok_or_else(|| {
            anyhow::anyhow!(
                "{name}:{line}: id {:?} is not in the coded file; was the sample drawn from it?",
                row.award.id
            )
        })?;
        if row.gold.hc.is_empty() || row.gold.rac.as_ref().is_none_or(|r| r.is_empty()) {
            bail!(
                "{name}:{line}: column HC_1/RA_1: award {:?} is not checked yet; fill in its \
                 health categories and research activity codes (every sampled award must be \
                 checked, or the estimate is biased)",
                row.award.id
            );
        }
        let probability: f64 = cell(prob_at)
            .parse()
            .ok()
            .filter(|p: &f64| *p > 0.0 && *p <= 1.0)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{name}:{line}: column {}: {:?} is not an inclusion probability (0 < p <= 1)",
                    headers[prob_at],
                    cell(prob_at)
                )
            })?;
        out.push(Checked {
            award,
            stratum: cell(stratum_at).to_string(),
            probability,
            hc: row.gold.hc,
            rac: row.gold.rac.unwrap_or_default(),
        });
    }
    if out.is_empty() {
        bail!("{name}: the sample has no rows");
    }
    Ok(out)
}

/// The columns of a review sample: the award, empty gold columns in the UKHRA layout `hrcs eval`
/// and `--checked` read, then the design.
pub fn sample_header(by: Option<&str>) -> Vec<String> {
    let mut h: Vec<String> = ["id", "title", "abstract"].map(String::from).to_vec();
    for (prefix, n) in [("HC", 5), ("RA", 4)] {
        for i in 1..=n {
            h.push(format!("{prefix}_{i}"));
            h.push(format!("{prefix}_{i}%"));
        }
    }
    h.extend(by.map(str::to_string));
    h.push("stratum".into());
    h.push("inclusion_probability".into());
    h
}

/// One review-sample row per draw: id, title and abstract of the award, the 18 empty gold cells,
/// its group (with `--by`), stratum and inclusion probability.
pub fn sample_rows(sample: &Sample, awards: &[[&str; 4]], by: bool) -> Vec<Vec<String>> {
    sample
        .draws
        .iter()
        .map(|&(i, s)| {
            let [id, title, text, group] = awards[i];
            let mut row: Vec<String> = vec![id.into(), title.into(), text.into()];
            row.extend(std::iter::repeat_n(String::new(), 18));
            if by {
                row.push(group.into());
            }
            row.push(sample.strata[s].name.clone());
            row.push(format!("{}", sample.probability(s)));
            row
        })
        .collect()
}

/// A table as CSV bytes.
pub fn table_csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// A table as an XLSX workbook (one sheet, text cells but the probability, header frozen).
pub fn table_xlsx(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("sample")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let last = header.len().saturating_sub(1);
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, cu) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(p) if c == last => sheet.write_number(r, cu, p)?,
                _ => sheet.write_string(r, cu, v)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

/// The words the corrected figures add to summaries and reports, in English and Norwegian
/// (bokmål), in one place to translate.
pub struct Words {
    pub uncorrected: &'static str,
    pub corrected: &'static str,
    pub error_bars: &'static str,
    pub representativity: &'static str,
    /// Said when a summary `--by` a column has a sample not stratified by that column.
    pub whole_file_only: &'static str,
    /// The representativity table's "checked" and "checked %" column headers.
    pub checked: [&'static str; 2],
}

pub fn words(norwegian: bool) -> &'static Words {
    const EN: Words = Words {
        uncorrected:
            "Figures are as coded by hrcs, not corrected for coding error: check a sample \
                      (hrcs sample, then --checked) for corrected shares with 95% intervals.",
        corrected: "Corrected shares and 95% intervals are estimated from {n} hand-checked awards \
                    in {s} strata (stratified difference estimator, shrunk towards the coded \
                    figure as far as the correction is noise; see docs/estimate.md).",
        error_bars: "The black bar marks the corrected share, and its whiskers the range that \
                     holds the true share with 95% confidence, given the hand-checked sample.",
        representativity: "Checked sample per group",
        whole_file_only: "Corrected figures are for all awards: per group they need a sample \
                          drawn with hrcs sample --by the same column.",
        checked: ["checked", "checked %"],
    };
    const NB: Words = Words {
        uncorrected: "Tallene er slik hrcs kodet dem, ikke korrigert for kodefeil: kontroller et \
                      utvalg (hrcs sample, deretter --checked) for korrigerte andeler med 95 % \
                      intervaller.",
        corrected: "Korrigerte andeler og 95 % intervaller er estimert fra {n} håndkontrollerte \
                    tildelinger i {s} strata (stratifisert differanseestimator, trukket mot det \
                    kodede tallet i den grad korreksjonen er støy; se docs/estimate.md).",
        error_bars: "Den svarte streken viser den korrigerte andelen, og feilstolpen området som \
                     med 95 % sikkerhet inneholder den sanne andelen, gitt det kontrollerte \
                     utvalget.",
        representativity: "Kontrollert utvalg per gruppe",
        whole_file_only: "Korrigerte tall gjelder alle tildelinger: per gruppe trengs et utvalg \
                          trukket med hrcs sample --by samme kolonne.",
        checked: ["kontrollert", "kontrollert %"],
    };
    if norwegian {
        &NB
    } else {
        &EN
    }
}

impl Words {
    /// The "corrected" sentence with the sample's size filled in.
    pub fn corrected_from(&self, c: &Correction) -> String {
        self.corrected
            .replace("{n}", &c.checked.to_string())
            .replace("{s}", &c.strata.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hrcs::HealthCategory;

    fn units(n: usize) -> Vec<Unit> {
        (0..n)
            .map(|i| Unit {
                confidence: (i % 10) as f64 / 10.0,
                flagged: i % 7 == 0,
                amount: 1.0,
                group: String::new(),
            })
            .collect()
    }

    #[test]
    fn a_sample_is_deterministic_per_seed_and_has_its_size() {
        let u = units(300);
        let a = draw(&u, 60, 7).unwrap();
        assert_eq!(a, draw(&u, 60, 7).unwrap());
        assert_ne!(a.draws, draw(&u, 60, 8).unwrap().draws);
        assert_eq!(a.draws.len(), 60);
        assert_eq!(a.strata.iter().map(|s| s.drawn).sum::<usize>(), 60);
        assert!(a
            .strata
            .iter()
            .all(|s| s.drawn >= 2 && s.drawn <= s.population));
        // Less sure strata are sampled more densely.
        let p = |name: &str| {
            let i = a.strata.iter().position(|s| s.name == name).unwrap();
            a.probability(i)
        };
        assert!(p("low") > p("very_high"), "{:?}", a.strata);
        assert!(draw(&u, 301, 1).is_err());
    }

    /// The drawn awards as a person checked them: `gold(i)` is award i's health categories; one
    /// research activity code at 100%.
    fn checked(sample: &Sample, gold: impl Fn(usize) -> Shares) -> Vec<Checked> {
        sample
            .draws
            .iter()
            .map(|&(i, s)| Checked {
                award: i,
                stratum: sample.strata[s].name.clone(),
                probability: sample.probability(s),
                hc: gold(i),
                rac: vec![(0, 10_000)],
            })
            .collect()
    }

    /// A synthetic portfolio whose truth is known: 2,000 awards in four categories, the coder
    /// right 90 % of the time when sure and 60 % when not, always wrong towards category 3.
    fn world(seed: u64) -> (Vec<CodedAward>, Vec<Shares>, Vec<Unit>) {
        let (mut awards, mut truth, mut units) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..2000u64 {
            let r = mix(seed ^ mix(i));
            let gold = [0, 0, 0, 1, 1, 2, 2, 3][(r % 8) as usize];
            let sure = (r >> 8) % 2 == 0;
            let right = ((r >> 16) % 100) < if sure { 90 } else { 60 };
            let coded = if right { gold } else { 3 };
            let amount = 1000 + ((r >> 32) % 9000) as i64;
            awards.push(CodedAward {
                hc: vec![(HealthCategory(coded as u8), 10_000)],
                rac: vec![(ResearchActivity(0), 10_000)],
                amount,
                ..CodedAward::default()
            });
            truth.push(vec![(gold, 10_000)]);
            units.push(Unit {
                confidence: if sure { 0.95 } else { 0.4 },
                flagged: !sure,
                amount: amount as f64,
                group: String::new(),
            });
        }
        (awards, truth, units)
    }

    /// The fast version of the simulation in docs/estimate.md: intervals cover the truth about
    /// 95 % of the time, and the corrected share is nearer the truth than the coded one.
    #[test]
    fn corrected_intervals_cover_the_truth_and_beat_the_coded_share() {
        let (awards, truth, units) = world(1);
        let total: f64 = awards.iter().map(|a| a.amount as f64).sum();
        let true_share = |c: usize| {
            100.0
                * awards
                    .iter()
                    .zip(&truth)
                    .filter(|(_, t)| t[0].0 == c)
                    .map(|(a, _)| a.amount as f64)
                    .sum::<f64>()
                / total
        };
        let coded_share = |c: usize| {
            100.0
                * awards
                    .iter()
                    .filter(|a| a.hc[0].0.index() == c)
                    .map(|a| a.amount as f64)
                    .sum::<f64>()
                / total
        };
        let (mut covered, mut tries, mut err_corrected, mut err_coded) = (0, 0, 0.0, 0.0);
        for seed in 0..120 {
            let sample = draw(&units, 150, seed).unwrap();
            let checked = checked(&sample, |i| truth[i].clone());
            let c = correct(&awards, &checked, 1).unwrap();
            for code in 0..4 {
                let line = c.get(Dimension::Hc, Some(code)).unwrap();
                let t = true_share(code);
                tries += 1;
                covered += usize::from(line.low <= t && t <= line.high);
                err_corrected += (line.share - t).abs();
                err_coded += (coded_share(code) - t).abs();
            }
            let sum: i64 = c
                .lines
                .iter()
                .filter(|l| l.dimension == Dimension::Hc)
                .map(|l| l.amount)
                .sum();
            assert_eq!(sum, awards.iter().map(|a| a.amount).sum::<i64>());
        }
        let coverage = covered as f64 / tries as f64;
        assert!((0.90..=0.99).contains(&coverage), "coverage {coverage}");
        assert!(
            err_corrected < err_coded / 3.0,
            "{err_corrected} vs {err_coded}"
        );
    }

    #[test]
    fn the_t_quantile_matches_the_table_and_tends_to_the_normal() {
        for (df, table) in [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (10, 2.228),
            (46, 2.013),
        ] {
            assert!((t95(df) - table).abs() < 0.005, "df {df}: {}", t95(df));
        }
        assert!((t95(100_000) - Z95).abs() < 1e-4);
        assert!(t95(0).is_infinite());
    }

    #[test]
    fn the_composite_keeps_the_coded_figure_when_the_correction_is_within_its_noise() {
        // No spread of biases over the codes: a correction within its own noise (1, standard
        // error 2) is all noise, and the coded figure stands.
        assert_eq!(composite(100.0, 1.0, 4.0, 0.0), 100.0);
        // Biases spread as much as the noise: half the correction is taken.
        assert!((composite(100.0, 1.0, 4.0, 4.0) - 100.5).abs() < 1e-9);
        // A correction of 10 with standard error 2 but no spread of the other codes' biases:
        // limited translation keeps the figure within one standard error of 110.
        assert!((composite(100.0, 10.0, 4.0, 0.0) - 108.0).abs() < 1e-9);
        // No variance: the checked sample is the whole stratum, and the correction is exact.
        assert_eq!(composite(100.0, -10.0, 0.0, 0.0), 90.0);
        assert_eq!(composite(100.0, 0.0, 0.0, 0.0), 100.0);
    }

    #[test]
    fn the_bias_spread_is_the_mean_squared_correction_beyond_its_noise() {
        assert_eq!(bias_spread(&[1.0, -1.0], &[4.0, 4.0]), 0.0);
        assert!((bias_spread(&[10.0, 0.0], &[4.0, 4.0]) - 46.0).abs() < 1e-9);
        assert_eq!(bias_spread(&[], &[]), 0.0);
    }

    /// An award large enough to move a share by itself is checked with certainty, in a take-all
    /// stratum whose inclusion probability is 1; without amounts there is none at small n.
    #[test]
    fn the_largest_awards_are_taken_all() {
        let mut u = units(200);
        assert!(draw(&u, 30, 1)
            .unwrap()
            .strata
            .iter()
            .all(|s| s.name != TAKE_ALL));
        u[5].amount = 100.0;
        u[6].amount = 60.0;
        let a = draw(&u, 30, 1).unwrap();
        let k = a.strata.iter().position(|s| s.name == TAKE_ALL).unwrap();
        assert_eq!(a.strata[k].population, 2);
        assert_eq!(a.probability(k), 1.0);
        assert!(a.draws.contains(&(5, k)) && a.draws.contains(&(6, k)));
        assert_eq!(a.draws.len(), 30);
        // A take-all stratum never leaves another stratum with fewer than two draws.
        assert!(a
            .strata
            .iter()
            .all(|s| s.drawn >= 2.min(s.population) && s.drawn <= s.population));
        // The whole file asked for: every award is checked.
        let all = draw(&u, 200, 1).unwrap();
        assert_eq!(all.draws.len(), 200);
    }

    /// A sample that shows no error at all still gives every code, even one nobody coded, an
    /// interval of non-zero width around the coded figure ("no error seen" is not "no error").
    #[test]
    fn no_interval_is_zero_wide_when_the_sample_shows_no_error() {
        let (awards, _, units) = world(2);
        let sample = draw(&units, 60, 3).unwrap();
        let checked = checked(&sample, |i| vec![(awards[i].hc[0].0.index(), 10_000)]);
        let c = correct(&awards, &checked, 1).unwrap();
        let total: i64 = awards.iter().map(|a| a.amount).sum();
        for line in c.lines.iter().filter(|l| l.dimension == Dimension::Hc) {
            assert!(line.high > line.low, "{line:?}");
            assert!(
                line.low <= line.share && line.share <= line.high,
                "{line:?}"
            );
            let coded: i64 = awards
                .iter()
                .filter(|a| Some(a.hc[0].0.index()) == line.index)
                .map(|a| a.amount)
                .sum();
            // No error seen: the reported figure is the coded one.
            assert_eq!(line.amount, coded, "{line:?}");
        }
        let hc_total: i64 = c
            .lines
            .iter()
            .filter(|l| l.dimension == Dimension::Hc)
            .map(|l| l.amount)
            .sum();
        assert_eq!(hc_total, total);
    }
}
