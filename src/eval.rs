//! Comparing coding with human coding: the metrics of `hrcs eval`, as pure functions.
//!
//! Codes are plain indices (a health category's or research activity's `index()`, or a class of
//! a single-label mapping); a coding of one dimension is a list of `(code, percent)` with percents
//! in hundredths (a full coding sums to 10000), in the coder's order.

use std::collections::BTreeMap;

use crate::hrcs::{HealthCategory, ResearchActivity, HC_COUNT};

/// One dimension of one award's coding: `(code index, percent in hundredths)`.
pub type Shares = Vec<(usize, u32)>;

/// True, false positive and false negative counts of one code (set-based: a code counts as
/// predicted when it appears in the coding, whatever its percent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    /// Awards whose gold coding has the code.
    pub fn support(&self) -> u64 {
        self.tp + self.fn_
    }
    /// Awards whose predicted coding has the code.
    pub fn predicted(&self) -> u64 {
        self.tp + self.fp
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// True if the code occurs in the gold or the predicted coding of some award.
    pub fn active(&self) -> bool {
        self.support() > 0 || self.predicted() > 0
    }
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// The distinct codes of a coding, sorted.
pub fn code_set(shares: &[(usize, u32)]) -> Vec<usize> {
    let mut codes: Vec<usize> = shares.iter().map(|&(c, _)| c).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Per-code counts over awards; `gold[i]` and `pred[i]` are award i's code sets, codes `< n`.
pub fn per_code(gold: &[Vec<usize>], pred: &[Vec<usize>], n: usize) -> Vec<Counts> {
    let mut counts = vec![Counts::default(); n];
    for (g, p) in gold.iter().zip(pred) {
        for &c in g {
            if p.contains(&c) {
                counts[c].tp += 1;
            } else {
                counts[c].fn_ += 1;
            }
        }
        for &c in p {
            if !g.contains(&c) {
                counts[c].fp += 1;
            }
        }
    }
    counts
}

/// Micro average: precision and recall of the pooled counts of all codes.
pub fn micro(counts: &[Counts]) -> Prf {
    let total = counts.iter().fold(Counts::default(), |a, c| Counts {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    });
    Prf {
        precision: total.precision(),
        recall: total.recall(),
        f1: total.f1(),
    }
}

/// Macro average: the mean of the per-code precision, recall and F1 over the codes with support
/// or predictions (codes absent from both sides are left out).
pub fn macro_avg(counts: &[Counts]) -> Prf {
    let active = || counts.iter().filter(|c| c.active());
    Prf {
        precision: mean(active().map(|c| c.precision())),
        recall: mean(active().map(|c| c.recall())),
        f1: mean(active().map(|c| c.f1())),
    }
}

/// The highest-percent code of a coding; on a tie, the first listed.
pub fn top(shares: &[(usize, u32)]) -> Option<usize> {
    let mut best: Option<(usize, u32)> = None;
    for &(c, p) in shares {
        if best.is_none_or(|(_, bp)| p > bp) {
            best = Some((c, p));
        }
    }
    best.map(|(c, _)| c)
}

/// Share of awards whose predicted top code is among the gold codes.
pub fn top1_accuracy(gold: &[Vec<usize>], pred_top: &[Option<usize>]) -> f64 {
    let hits = gold
        .iter()
        .zip(pred_top)
        .filter(|(g, p)| p.is_some_and(|p| g.contains(&p)))
        .count();
    ratio(hits as u64, gold.len() as u64)
}

/// Share of awards whose predicted code set equals the gold code set (sets sorted, as from
/// [`code_set`]).
pub fn exact_match(gold: &[Vec<usize>], pred: &[Vec<usize>]) -> f64 {
    let hits = gold.iter().zip(pred).filter(|(g, p)| g == p).count();
    ratio(hits as u64, gold.len() as u64)
}

/// Percent-weighted agreement of one award: the sum over codes of min(pred %, gold %), as a
/// fraction (1.0 when the percentages agree exactly).
pub fn award_agreement(gold: &[(usize, u32)], pred: &[(usize, u32)]) -> f64 {
    let total = |s: &[(usize, u32)], c: usize| -> u32 {
        s.iter().filter(|&&(x, _)| x == c).map(|&(_, p)| p).sum()
    };
    let overlap: u32 = code_set(gold)
        .into_iter()
        .map(|c| total(gold, c).min(total(pred, c)))
        .sum();
    overlap as f64 / 10000.0
}

/// Percent-weighted agreement averaged over awards.
pub fn weighted_agreement(gold: &[Shares], pred: &[Shares]) -> f64 {
    mean(gold.iter().zip(pred).map(|(g, p)| award_agreement(g, p)))
}

/// Percent-weighted agreement weighted by each award's funding: how much of the money lands on
/// the right codes. 0 when the amounts sum to 0.
pub fn amount_weighted_agreement(gold: &[Shares], pred: &[Shares], amounts: &[f64]) -> f64 {
    let total: f64 = amounts.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    gold.iter()
        .zip(pred)
        .zip(amounts)
        .map(|((g, p), a)| a * award_agreement(g, p))
        .sum::<f64>()
        / total
}

/// Merges a coding's codes into groups, adding percents, in order of first appearance.
pub fn to_groups(shares: &[(usize, u32)], group_of: impl Fn(usize) -> usize) -> Shares {
    let mut out: Shares = Vec::new();
    for &(c, p) in shares {
        let g = group_of(c);
        match out.iter_mut().find(|(x, _)| *x == g) {
            Some(slot) => slot.1 += p,
            None => out.push((g, p)),
        }
    }
    out
}

/// A (gold, predicted) pair of top codes or classes with its count.
pub type Pair = ((Option<usize>, Option<usize>), u64);

/// Counts of (gold top, predicted top) pairs, most frequent first (ties by the pair).
pub fn confusion(gold_top: &[Option<usize>], pred_top: &[Option<usize>]) -> Vec<Pair> {
    let mut map = std::collections::BTreeMap::new();
    for (g, p) in gold_top.iter().zip(pred_top) {
        *map.entry((*g, *p)).or_insert(0u64) += 1;
    }
    let mut pairs: Vec<_> = map.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs
}

/// One confidence bucket of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub low: f64,
    pub high: f64,
    pub count: u64,
    pub correct: u64,
    /// Rows whose whole health-category set is right (for single-label gold: the class).
    pub exact: u64,
}

impl Bucket {
    /// Top-1 accuracy within the bucket (0 when empty).
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.count)
    }
    /// Share of the bucket's rows whose whole code set is right (0 when empty).
    pub fn exact_accuracy(&self) -> f64 {
        ratio(self.exact, self.count)
    }
}

/// Reliability table: five confidence buckets 0-0.2, 0.2-0.4, ..., 0.8-1.0 (each includes its
/// lower edge; the last also 1.0), each with its count, how many had the right top code
/// (`correct`) and how many the right code set (`exact`).
pub fn reliability(confidence: &[f64], correct: &[bool], exact: &[bool]) -> Vec<Bucket> {
    let mut buckets: Vec<Bucket> = (0..5)
        .map(|i| Bucket {
            low: i as f64 / 5.0,
            high: (i + 1) as f64 / 5.0,
            count: 0,
            correct: 0,
            exact: 0,
        })
        .collect();
    for ((&c, &ok), &set) in confidence.iter().zip(correct).zip(exact) {
        let i = ((c * 5.0 + 1e-9).floor().max(0.0) as usize).min(4);
        buckets[i].count += 1;
        buckets[i].correct += u64::from(ok);
        buckets[i].exact += u64::from(set);
    }
    buckets
}

/// The review flag as a detector of wrong codings: of the rows flagged for review (any reason),
/// how many had a wrong code set (precision), and of the rows with a wrong code set, how many
/// were flagged (recall); per health categories, and per research activities when the gold
/// has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewReport {
    pub rows: u64,
    pub flagged: u64,
    pub hc: Detection,
    pub rac: Option<Detection>,
    /// Per reason, most rows flagged first.
    pub reasons: Vec<ReasonCount>,
    /// Each evaluated row in input order: its reasons and which of its code sets are wrong,
    /// so that bench/review_cv.py can weigh the signals again without coding again.
    pub per_row: Vec<RowReview>,
}

/// One evaluated row as the review report saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReview {
    pub reasons: Vec<String>,
    pub hc_wrong: bool,
    pub rac_wrong: Option<bool>,
}

/// Flagged rows against wrong rows of one dimension.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Detection {
    /// Rows whose code set is wrong.
    pub wrong: u64,
    /// Rows flagged whose code set is wrong.
    pub caught: u64,
    pub flagged: u64,
}

impl Detection {
    pub fn precision(&self) -> f64 {
        ratio(self.caught, self.flagged)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.caught, self.wrong)
    }
}

/// What one review reason flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCount {
    pub reason: String,
    pub flagged: u64,
    /// Rows flagged by this reason and by no other.
    pub only: u64,
    pub hc_wrong: u64,
    pub rac_wrong: Option<u64>,
}

impl ReviewReport {
    /// Share of the rows flagged for review.
    pub fn share(&self) -> f64 {
        ratio(self.flagged, self.rows)
    }
}

/// The review report of rows with their reasons (empty: not flagged) and whether their HC (and
/// RAC) code set is wrong.
pub fn review_report(
    reasons: &[&[String]],
    hc_wrong: &[bool],
    rac_wrong: Option<&[bool]>,
) -> ReviewReport {
    let detect = |wrong: &[bool]| {
        let mut d = Detection::default();
        for (r, &w) in reasons.iter().zip(wrong) {
            d.wrong += u64::from(w);
            d.flagged += u64::from(!r.is_empty());
            d.caught += u64::from(w && !r.is_empty());
        }
        d
    };
    let mut per: BTreeMap<&str, ReasonCount> = BTreeMap::new();
    for (i, rs) in reasons.iter().enumerate() {
        let mut distinct: Vec<&str> = rs.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        for &token in &distinct {
            let c = per.entry(token).or_insert_with(|| ReasonCount {
                reason: token.to_string(),
                flagged: 0,
                only: 0,
                hc_wrong: 0,
                rac_wrong: rac_wrong.map(|_| 0),
            });
            c.flagged += 1;
            c.only += u64::from(distinct.len() == 1);
            c.hc_wrong += u64::from(hc_wrong[i]);
            if let (Some(n), Some(w)) = (c.rac_wrong.as_mut(), rac_wrong) {
                *n += u64::from(w[i]);
            }
        }
    }
    let mut per: Vec<ReasonCount> = per.into_values().collect();
    per.sort_by(|a, b| b.flagged.cmp(&a.flagged).then(a.reason.cmp(&b.reason)));
    let hc = detect(hc_wrong);
    ReviewReport {
        rows: reasons.len() as u64,
        flagged: hc.flagged,
        hc,
        rac: rac_wrong.map(detect),
        reasons: per,
        per_row: reasons
            .iter()
            .enumerate()
            .map(|(i, rs)| RowReview {
                reasons: rs.to_vec(),
                hc_wrong: hc_wrong[i],
                rac_wrong: rac_wrong.map(|w| w[i]),
            })
            .collect(),
    }
}

/// A single-label mapping: each label with the codes it accepts (none: an "other" class).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelMap {
    pub labels: Vec<(String, Vec<usize>)>,
}

impl LabelMap {
    /// The class of a label, compared case-insensitively and ignoring surrounding spaces.
    pub fn class_of(&self, label: &str) -> Option<usize> {
        let label = label.trim();
        self.labels
            .iter()
            .position(|(l, _)| l.trim().eq_ignore_ascii_case(label))
    }

    /// The class a predicted top code stands for, given the gold class: the gold class if it
    /// accepts the code (so a code accepted by several classes counts for each), else the first
    /// class accepting it, else the first "other" class (accepting nothing), else none.
    pub fn predicted_class(&self, gold: usize, top: Option<usize>) -> Option<usize> {
        if let Some(t) = top {
            if self.labels[gold].1.contains(&t) {
                return Some(gold);
            }
            if let Some(i) = self.labels.iter().position(|(_, cs)| cs.contains(&t)) {
                return Some(i);
            }
        }
        self.labels.iter().position(|(_, cs)| cs.is_empty())
    }
}

/// Class metrics of single-label gold: accuracy, per-class counts and macro F1 (over classes
/// with support or predictions).
pub fn class_metrics(gold: &[usize], pred: &[Option<usize>], n: usize) -> (f64, Vec<Counts>, f64) {
    let g: Vec<Vec<usize>> = gold.iter().map(|&c| vec![c]).collect();
    let p: Vec<Vec<usize>> = pred.iter().map(|c| c.iter().copied().collect()).collect();
    let counts = per_code(&g, &p, n);
    let hits = gold
        .iter()
        .zip(pred)
        .filter(|(g, p)| Some(**g) == **p)
        .count();
    let accuracy = ratio(hits as u64, gold.len() as u64);
    let macro_f1 = macro_avg(&counts).f1;
    (accuracy, counts, macro_f1)
}

/// Top-1 accuracy on the rows whose label accepts some code (the "disease" classes): the share
/// whose predicted top code is accepted by their label. Returns the accuracy and the row count.
pub fn accepted_top1(map: &LabelMap, gold: &[usize], top: &[Option<usize>]) -> (f64, u64) {
    let mut rows = 0u64;
    let mut hits = 0u64;
    for (&g, t) in gold.iter().zip(top) {
        let accepted = &map.labels[g].1;
        if accepted.is_empty() {
            continue;
        }
        rows += 1;
        hits += u64::from(t.is_some_and(|t| accepted.contains(&t)));
    }
    (ratio(hits, rows), rows)
}

/// One scored award: its gold coding beside the coder's.
#[derive(Debug, Clone, Default)]
pub struct Scored {
    pub gold_hc: Shares,
    pub gold_rac: Option<Shares>,
    /// Single-label gold: the classes of the award's labels (several when the cell listed more).
    pub gold_classes: Vec<usize>,
    /// Funding of the award, 0 without an amount column.
    pub amount: f64,
    pub pred_hc: Shares,
    pub pred_rac: Shares,
    pub confidence: Option<f64>,
    /// Review reasons of the prediction (empty: not flagged); `None` when the predictions do
    /// not say (a --pred file without a review_reasons column).
    pub reasons: Option<Vec<String>>,
}

/// What the report says about its inputs and the rows it left out.
#[derive(Debug, Clone, Default)]
pub struct ReportMeta {
    pub gold: String,
    pub pred: Option<String>,
    pub format: &'static str,
    pub rows: usize,
    pub excluded_no_text: usize,
    pub excluded_no_gold: usize,
    /// Rows whose gold could not be scored (bad percentages, repeated ids), left out on request.
    pub excluded_bad_gold: usize,
    /// The amount column was given: money-weighted agreement is measured.
    pub with_amount: bool,
}

/// Everything measured, ready to print.
#[derive(Debug, Clone)]
pub struct Report {
    pub meta: ReportMeta,
    pub evaluated: usize,
    pub hc: Option<DimensionReport>,
    pub rac: Option<DimensionReport>,
    pub rac_group: Option<DimensionReport>,
    /// (gold, predicted, count): top HC against top HC, or label against predicted class.
    pub confusion: Vec<(String, String, u64)>,
    pub reliability: Option<Vec<Bucket>>,
    pub labels: Option<LabelReport>,
    /// How well the review flag finds wrong codings, when the predictions carry reasons.
    pub review: Option<ReviewReport>,
    pub metrics: BTreeMap<&'static str, f64>,
}

/// The metrics of one dimension (health categories, activity codes or groups).
#[derive(Debug, Clone)]
pub struct DimensionReport {
    pub names: Vec<String>,
    pub counts: Vec<Counts>,
    pub micro: Prf,
    pub macro_: Prf,
    pub top1: f64,
    pub exact: f64,
    pub weighted: f64,
}

fn dimension(gold: &[Shares], pred: &[Shares], names: Vec<String>) -> DimensionReport {
    let gs: Vec<Vec<usize>> = gold.iter().map(|s| code_set(s)).collect();
    let ps: Vec<Vec<usize>> = pred.iter().map(|s| code_set(s)).collect();
    let tops: Vec<Option<usize>> = pred.iter().map(|s| top(s)).collect();
    let counts = per_code(&gs, &ps, names.len());
    DimensionReport {
        micro: micro(&counts),
        macro_: macro_avg(&counts),
        top1: top1_accuracy(&gs, &tops),
        exact: exact_match(&gs, &ps),
        weighted: weighted_agreement(gold, pred),
        counts,
        names,
    }
}

/// The class metrics of single-label gold.
#[derive(Debug, Clone)]
pub struct LabelReport {
    pub labels: Vec<String>,
    pub counts: Vec<Counts>,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub accepted_top1: f64,
    pub accepted_rows: u64,
}

fn hc_names() -> Vec<String> {
    HealthCategory::all()
        .map(|h| h.short().to_string())
        .collect()
}

fn hc_name(i: Option<usize>) -> String {
    match i {
        Some(i) if i < HC_COUNT => HealthCategory(i as u8).short().to_string(),
        _ => "(none)".to_string(),
    }
}

/// The gold class of a row with several labels: the one the prediction stands for if any
/// (a cell listing two labels accepts either), else the first.
fn resolve_class(map: &LabelMap, classes: &[usize], top: Option<usize>) -> usize {
    let first = classes.first().copied().unwrap_or(0);
    classes
        .iter()
        .copied()
        .find(|&c| map.predicted_class(c, top) == Some(c))
        .unwrap_or(first)
}

/// Label metrics; returns which rows were right (for the reliability table).
fn label_metrics(
    report: &mut Report,
    map: &LabelMap,
    rows: &[Scored],
    tops: &[Option<usize>],
) -> Vec<bool> {
    let gold: Vec<usize> = rows
        .iter()
        .zip(tops)
        .map(|(r, &t)| resolve_class(map, &r.gold_classes, t))
        .collect();
    let pred: Vec<Option<usize>> = gold
        .iter()
        .zip(tops)
        .map(|(&g, &t)| map.predicted_class(g, t))
        .collect();
    let (accuracy, counts, macro_f1) = class_metrics(&gold, &pred, map.labels.len());
    let (accepted_top1, accepted_rows) = accepted_top1(map, &gold, tops);
    report.metrics.insert("five_class_accuracy", accuracy);
    report.metrics.insert("five_class_macro_f1", macro_f1);
    report.metrics.insert("four_class_top1", accepted_top1);
    let class_name = |c: Option<usize>| match c {
        Some(c) => map.labels[c].0.clone(),
        None => "(none)".to_string(),
    };
    let gold_opt: Vec<Option<usize>> = gold.iter().map(|&g| Some(g)).collect();
    report.confusion = confusion(&gold_opt, &pred)
        .into_iter()
        .map(|((g, p), n)| (class_name(g), class_name(p), n))
        .collect();
    report.labels = Some(LabelReport {
        labels: map.labels.iter().map(|(l, _)| l.clone()).collect(),
        counts,
        accuracy,
        macro_f1,
        accepted_top1,
        accepted_rows,
    });
    gold.iter()
        .zip(&pred)
        .map(|(&g, p)| Some(g) == *p)
        .collect()
}

/// Research activity metrics, when every row has gold activity codes.
fn rac_metrics(report: &mut Report, rows: &[Scored]) {
    if !rows.iter().all(|r| r.gold_rac.is_some()) {
        return;
    }
    let gold_rac: Vec<Shares> = rows
        .iter()
        .map(|r| r.gold_rac.clone().unwrap_or_default())
        .collect();
    let pred_rac: Vec<Shares> = rows.iter().map(|r| r.pred_rac.clone()).collect();
    let rac_names = ResearchActivity::all()
        .map(|r| r.code().to_string())
        .collect();
    let rac = dimension(&gold_rac, &pred_rac, rac_names);
    let m = &mut report.metrics;
    m.insert("rac_micro_f1", rac.micro.f1);
    m.insert("rac_macro_f1", rac.macro_.f1);
    m.insert("rac_exact", rac.exact);
    m.insert("rac_weighted", rac.weighted);
    if report.meta.with_amount {
        let a: Vec<f64> = rows.iter().map(|r| r.amount).collect();
        m.insert(
            "rac_amount_weighted",
            amount_weighted_agreement(&gold_rac, &pred_rac, &a),
        );
    }
    let group = |c: usize| ResearchActivity(c as u8).group().index();
    let to_g = |s: &Shares| to_groups(s, group);
    let gg: Vec<Shares> = gold_rac.iter().map(to_g).collect();
    let pg: Vec<Shares> = pred_rac.iter().map(to_g).collect();
    let group_names = crate::hrcs::ActivityGroup::all()
        .map(|g| g.to_string())
        .collect();
    let rg = dimension(&gg, &pg, group_names);
    m.insert("rac_group_micro_f1", rg.micro.f1);
    report.rac = Some(rac);
    report.rac_group = Some(rg);
}

/// Health category metrics; returns which rows were right (predicted top among the gold codes).
fn hc_metrics(report: &mut Report, rows: &[Scored], tops: &[Option<usize>]) -> Vec<bool> {
    let gold_hc: Vec<Shares> = rows.iter().map(|r| r.gold_hc.clone()).collect();
    let pred_hc: Vec<Shares> = rows.iter().map(|r| r.pred_hc.clone()).collect();
    let hc = dimension(&gold_hc, &pred_hc, hc_names());
    let m = &mut report.metrics;
    m.insert("hc_micro_f1", hc.micro.f1);
    m.insert("hc_macro_f1", hc.macro_.f1);
    m.insert("hc_top1", hc.top1);
    m.insert("hc_exact", hc.exact);
    m.insert("hc_weighted", hc.weighted);
    if report.meta.with_amount {
        let a: Vec<f64> = rows.iter().map(|r| r.amount).collect();
        m.insert(
            "hc_amount_weighted",
            amount_weighted_agreement(&gold_hc, &pred_hc, &a),
        );
    }
    let gold_tops: Vec<Option<usize>> = gold_hc.iter().map(|s| top(s)).collect();
    report.confusion = confusion(&gold_tops, tops)
        .into_iter()
        .map(|((g, p), n)| (hc_name(g), hc_name(p), n))
        .collect();
    report.hc = Some(hc);
    gold_hc
        .iter()
        .zip(tops)
        .map(|(g, t)| t.is_some_and(|t| g.iter().any(|&(c, _)| c == t)))
        .collect()
}

/// Assembles every metric of `hrcs eval` from the scored rows.
pub fn build_report(meta: ReportMeta, labels: Option<&LabelMap>, rows: &[Scored]) -> Report {
    let tops: Vec<Option<usize>> = rows.iter().map(|r| top(&r.pred_hc)).collect();
    let mut report = Report {
        meta,
        evaluated: rows.len(),
        hc: None,
        rac: None,
        rac_group: None,
        confusion: Vec::new(),
        reliability: None,
        labels: None,
        review: None,
        metrics: BTreeMap::new(),
    };
    // Whether each row's top code is right, and whether its whole set is (for single-label
    // gold both are the class).
    let (correct, exact) = match labels {
        Some(map) => {
            let correct = label_metrics(&mut report, map, rows, &tops);
            (correct.clone(), correct)
        }
        None => {
            let correct = hc_metrics(&mut report, rows, &tops);
            rac_metrics(&mut report, rows);
            let exact = rows
                .iter()
                .map(|r| code_set(&r.gold_hc) == code_set(&r.pred_hc))
                .collect();
            (correct, exact)
        }
    };
    let confidence: Option<Vec<f64>> = rows.iter().map(|r| r.confidence).collect();
    if let Some(c) = &confidence {
        confidence_metrics(&mut report.metrics, c, &correct, &exact);
    }
    report.reliability = confidence.map(|c| reliability(&c, &correct, &exact));
    let reasons: Option<Vec<&[String]>> = rows.iter().map(|r| r.reasons.as_deref()).collect();
    if let Some(reasons) = reasons {
        let hc_wrong: Vec<bool> = exact.iter().map(|&e| !e).collect();
        let rac_wrong: Option<Vec<bool>> = (report.rac.is_some()).then(|| {
            rows.iter()
                .map(|r| {
                    code_set(r.gold_rac.as_deref().unwrap_or_default()) != code_set(&r.pred_rac)
                })
                .collect()
        });
        let review = review_report(&reasons, &hc_wrong, rac_wrong.as_deref());
        let m = &mut report.metrics;
        m.insert("review_share", review.share());
        m.insert("review_hc_precision", review.hc.precision());
        m.insert("review_hc_recall", review.hc.recall());
        if let Some(d) = &review.rac {
            m.insert("review_rac_precision", d.precision());
            m.insert("review_rac_recall", d.recall());
        }
        report.review = Some(review);
    }
    report
}

/// The rows coded with HC confidence of at least 0.8: their share, and how often their top
/// category and their whole category set are right.
fn confidence_metrics(
    m: &mut BTreeMap<&'static str, f64>,
    confidence: &[f64],
    correct: &[bool],
    exact: &[bool],
) {
    let high: Vec<usize> = (0..confidence.len())
        .filter(|&i| confidence[i] >= 0.8)
        .collect();
    let n = high.len() as u64;
    let count = |v: &[bool]| high.iter().filter(|&&i| v[i]).count() as u64;
    m.insert("conf80_share", ratio(n, confidence.len() as u64));
    m.insert("conf80_top1", ratio(count(correct), n));
    m.insert("conf80_exact", ratio(count(exact), n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    // Four awards, codes 0..3:
    //   gold {0}     pred {0}      -> 0: tp
    //   gold {0,1}   pred {0}      -> 0: tp, 1: fn
    //   gold {1}     pred {2}      -> 1: fn, 2: fp
    //   gold {2}     pred {2,1}    -> 2: tp, 1: fp
    // Code 0: tp 2; code 1: tp 0 fp 1 fn 2; code 2: tp 1 fp 1; code 3 absent.
    fn sets() -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        (
            vec![vec![0], vec![0, 1], vec![1], vec![2]],
            vec![vec![0], vec![0], vec![2], vec![1, 2]],
        )
    }

    #[test]
    fn per_code_counts() {
        let (g, p) = sets();
        let c = per_code(&g, &p, 4);
        assert_eq!(
            c[0],
            Counts {
                tp: 2,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            c[1],
            Counts {
                tp: 0,
                fp: 1,
                fn_: 2
            }
        );
        assert_eq!(
            c[2],
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(c[3], Counts::default());
        assert_eq!(c[1].support(), 2);
        assert_eq!(c[2].predicted(), 2);
        close(c[2].precision(), 0.5);
        close(c[2].recall(), 1.0);
        close(c[2].f1(), 2.0 / 3.0);
        close(c[1].f1(), 0.0);
    }

    #[test]
    fn micro_and_macro() {
        let (g, p) = sets();
        let c = per_code(&g, &p, 4);
        // Pooled: tp 3, fp 2, fn 2 -> P = 3/5, R = 3/5, F1 = 3/5.
        let m = micro(&c);
        close(m.precision, 0.6);
        close(m.recall, 0.6);
        close(m.f1, 0.6);
        // Active codes 0, 1, 2 (3 is left out): P (1 + 0 + 0.5)/3, R (1 + 0 + 1)/3,
        // F1 (1 + 0 + 2/3)/3 = 5/9.
        let a = macro_avg(&c);
        close(a.precision, 0.5);
        close(a.recall, 2.0 / 3.0);
        close(a.f1, 5.0 / 9.0);
    }

    #[test]
    fn top_and_top1() {
        assert_eq!(top(&[(3, 2500), (1, 7500)]), Some(1));
        assert_eq!(top(&[(3, 5000), (1, 5000)]), Some(3));
        assert_eq!(top(&[]), None);
        let (g, _) = sets();
        // Tops 0, 1, 2, none: hits on awards 1 and 2 (1 is gold there), 3 misses, 4 has none.
        let t = [Some(0), Some(1), Some(2), None];
        close(top1_accuracy(&g, &t), 0.5);
    }

    #[test]
    fn exact() {
        let (g, p) = sets();
        // Only award 1 has the same set.
        close(exact_match(&g, &p), 0.25);
        assert_eq!(code_set(&[(2, 5000), (1, 5000), (2, 0)]), vec![1, 2]);
    }

    #[test]
    fn amount_weighted() {
        // Award 1 (amount 300) agrees 100%, award 2 (amount 100) agrees 50%:
        // (300 * 1.0 + 100 * 0.5) / 400 = 0.875; unweighted it would be 0.75.
        let gold = vec![vec![(1, 10000)], vec![(2, 5000), (3, 5000)]];
        let pred = vec![vec![(1, 10000)], vec![(2, 10000)]];
        close(
            amount_weighted_agreement(&gold, &pred, &[300.0, 100.0]),
            0.875,
        );
        close(amount_weighted_agreement(&gold, &pred, &[0.0, 0.0]), 0.0);
    }

    #[test]
    fn weighted() {
        // Award 1: gold 0:100, pred 0:50 1:50 -> 0.5.
        // Award 2: gold 0:50 1:50, pred 1:100 -> 0.5.
        // Award 3: gold 2:100, pred 2:100 -> 1.
        // Award 4: gold 0:75 1:25, pred 0:25 1:75 -> 0.25 + 0.25 = 0.5. Mean 2.5 / 4.
        let gold = vec![
            vec![(0, 10000)],
            vec![(0, 5000), (1, 5000)],
            vec![(2, 10000)],
            vec![(0, 7500), (1, 2500)],
        ];
        let pred = vec![
            vec![(0, 5000), (1, 5000)],
            vec![(1, 10000)],
            vec![(2, 10000)],
            vec![(0, 2500), (1, 7500)],
        ];
        close(award_agreement(&gold[0], &pred[0]), 0.5);
        close(weighted_agreement(&gold, &pred), 0.625);
    }

    #[test]
    fn groups() {
        // Codes 0 and 1 in group 10, code 5 in group 20.
        let g = to_groups(&[(0, 5000), (5, 2500), (1, 2500)], |c| {
            if c < 5 {
                10
            } else {
                20
            }
        });
        assert_eq!(g, vec![(10, 7500), (20, 2500)]);
    }

    #[test]
    fn confusion_pairs() {
        let g = [Some(0), Some(0), Some(1), Some(0), None];
        let p = [Some(0), Some(1), Some(1), Some(1), Some(2)];
        assert_eq!(
            confusion(&g, &p),
            vec![
                ((Some(0), Some(1)), 2),
                ((None, Some(2)), 1),
                ((Some(0), Some(0)), 1),
                ((Some(1), Some(1)), 1),
            ]
        );
    }

    #[test]
    fn reliability_buckets() {
        // 0.1 -> bucket 0 (wrong); 0.2 -> 1 (right); 0.59 -> 2 (right); 0.6 -> 3 (wrong);
        // 1.0 -> 4 (right).
        let b = reliability(
            &[0.1, 0.2, 0.59, 0.6, 1.0],
            &[false, true, true, false, true],
            &[false, false, true, false, true],
        );
        let counts: Vec<u64> = b.iter().map(|b| b.count).collect();
        let correct: Vec<u64> = b.iter().map(|b| b.correct).collect();
        assert_eq!(counts, vec![1, 1, 1, 1, 1]);
        assert_eq!(correct, vec![0, 1, 1, 0, 1]);
        let exact: Vec<u64> = b.iter().map(|b| b.exact).collect();
        assert_eq!(exact, vec![0, 0, 1, 0, 1]);
        close(b[1].exact_accuracy(), 0.0);
        close(b[4].accuracy(), 1.0);
        close(b[0].accuracy(), 0.0);
        close(b[2].low, 0.4);
    }

    // Classes: 0 "a" accepts codes {10}; 1 "b" accepts {11, 13}; 2 "c" accepts {12, 13};
    // 3 "other" accepts nothing.
    fn map() -> LabelMap {
        LabelMap {
            labels: vec![
                ("a".into(), vec![10]),
                ("b".into(), vec![11, 13]),
                ("c".into(), vec![12, 13]),
                ("other".into(), vec![]),
            ],
        }
    }

    #[test]
    fn predicted_classes() {
        let m = map();
        assert_eq!(m.class_of(" B "), Some(1));
        assert_eq!(m.class_of("d"), None);
        assert_eq!(m.predicted_class(0, Some(10)), Some(0));
        // 13 counts for b and for c.
        assert_eq!(m.predicted_class(1, Some(13)), Some(1));
        assert_eq!(m.predicted_class(2, Some(13)), Some(2));
        assert_eq!(m.predicted_class(0, Some(13)), Some(1));
        // Anything else is "other".
        assert_eq!(m.predicted_class(0, Some(99)), Some(3));
        assert_eq!(m.predicted_class(0, None), Some(3));
    }

    #[test]
    fn classes_and_accepted_top1() {
        let m = map();
        // gold a, top 10 -> a (right); gold b, top 13 -> b (right); gold c, top 10 -> a (wrong);
        // gold other, top 99 -> other (right); gold other, top 11 -> b (wrong).
        let gold = [0, 1, 2, 3, 3];
        let top = [Some(10), Some(13), Some(10), Some(99), Some(11)];
        let pred: Vec<Option<usize>> = gold
            .iter()
            .zip(&top)
            .map(|(&g, &t)| m.predicted_class(g, t))
            .collect();
        assert_eq!(pred, vec![Some(0), Some(1), Some(0), Some(3), Some(1)]);
        let (acc, counts, macro_f1) = class_metrics(&gold, &pred, 4);
        close(acc, 0.6);
        // a: tp 1 fp 1 -> P 0.5 R 1 F1 2/3; b: tp 1 fp 1 -> 2/3; c: fn 1 -> 0;
        // other: tp 1 fn 1 -> P 1 R 0.5 F1 2/3. Macro (2/3 * 3) / 4 = 0.5.
        assert_eq!(
            counts[2],
            Counts {
                tp: 0,
                fp: 0,
                fn_: 1
            }
        );
        close(macro_f1, 0.5);
        // The three rows of a, b, c: 2 of 3 right.
        let (t1, rows) = accepted_top1(&m, &gold, &top);
        assert_eq!(rows, 3);
        close(t1, 2.0 / 3.0);
    }

    #[test]
    fn review_as_a_detector() {
        // Five rows: flagged (a), flagged (a, b), flagged (b), not flagged, not flagged.
        // HC wrong: rows 1, 3, 4; RAC wrong: rows 2, 3.
        let tokens = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let rows = [
            tokens(&["a"]),
            tokens(&["a", "b"]),
            tokens(&["b"]),
            tokens(&[]),
            tokens(&[]),
        ];
        let reasons: Vec<&[String]> = rows.iter().map(|r| r.as_slice()).collect();
        let hc = [true, false, true, true, false];
        let rac = [false, true, true, false, false];
        let r = review_report(&reasons, &hc, Some(&rac));
        assert_eq!((r.rows, r.flagged), (5, 3));
        close(r.share(), 0.6);
        // HC: 3 wrong, 2 of them flagged; 3 flagged, 2 of them wrong.
        assert_eq!(
            r.hc,
            Detection {
                wrong: 3,
                caught: 2,
                flagged: 3
            }
        );
        close(r.hc.precision(), 2.0 / 3.0);
        close(r.hc.recall(), 2.0 / 3.0);
        let rd = r.rac.unwrap();
        close(rd.recall(), 1.0);
        assert_eq!(
            r.reasons[0],
            ReasonCount {
                reason: "a".into(),
                flagged: 2,
                only: 1,
                hc_wrong: 1,
                rac_wrong: Some(1)
            }
        );
        assert_eq!(r.reasons[1].reason, "b");
        assert_eq!((r.reasons[1].only, r.reasons[1].hc_wrong), (1, 1));
        // Without RAC gold there is no RAC detection.
        assert!(review_report(&reasons, &hc, None).rac.is_none());
    }
}
