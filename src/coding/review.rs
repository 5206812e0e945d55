//! Review: whether a person should look at a coding, and why.
//!
//! The HC and RAC rules state facts as they decide (a close call, a default code); this module
//! makes the final decision once the coding is done. Some reasons flag an award on their own
//! (no activity evidence, a standardised breakdown, a code coders disagree on, damaged or missing
//! text). The others are *signals* that a health-category set may be wrong, each a named fact a
//! reviewer can check: low confidence, a second category, a category resting on a few words, a
//! category left out with strong evidence, a category from background sentences, a title naming
//! another disease, a close call. Each signal has a weight; an award is flagged when the weights
//! of the signals that hold add up to [`ReviewParams::min_score`]; a flagged award lists every
//! signal that holds. The signals describe how well the evidence supports the coding,
//! not what the award is about, so they keep working when the rules change; the weights are
//! chosen by 5-fold cross-validation (bench/review_cv.py, docs/accuracy.md).

use super::*;

/// How a health category's evidence is spread over the roles of the sentences it stands in,
/// summed by `code_hits` as it scores each match.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RoleEvidence {
    /// Title and aim sentences: what the award says it studies.
    stated: f64,
    /// Sentences with no cue.
    plain: f64,
    /// Background and eligibility sentences.
    background: f64,
}

impl RoleEvidence {
    pub(super) fn add(&mut self, role: Role, f: f64) {
        match role {
            Role::Title | Role::Aim => self.stated += f,
            Role::Plain => self.plain += f,
            Role::Background | Role::Criteria | Role::Passing => self.background += f,
        }
    }
}

/// The reasons that are weighed rather than flag on their own. `close_call` and
/// `no_specific_category` are recorded by the HC and RAC rules; the rest by [`Coder::review`].
const SIGNALS: [Reason; 9] = [
    Reason::LowConfidence,
    Reason::SecondCategory,
    Reason::FewTerms,
    Reason::LeftOut,
    Reason::WeakCategory,
    Reason::BackgroundOnly,
    Reason::OffTitle,
    Reason::CloseCall,
    Reason::NoSpecificCategory,
];

impl Coder {
    pub(super) fn review(&self, scores: &Scores, coding: &mut Coding) {
        let r = &self.params.review;
        // The signals the rules recorded are weighed with the others, not flags of their own.
        let mut held: Vec<Reason> = Vec::new();
        coding.reasons.retain(|&x| {
            let signal = SIGNALS.contains(&x);
            if signal {
                held.push(x);
            }
            !signal
        });
        held.extend(category_signals(scores, coding, r));
        if coding.hc_confidence < r.hc_confidence || coding.rac_confidence < r.rac_confidence {
            held.push(Reason::LowConfidence);
        }
        held.sort();
        held.dedup();
        if coding
            .rac
            .iter()
            .any(|s| INCONSISTENT_RAC.contains(&s.code.code()))
        {
            coding.reasons.push(Reason::InconsistentCode);
        }
        // An award flagged for a reason of its own lists its signals too: they cost nothing
        // more and tell the reviewer where else to look.
        let score: f64 = held.iter().map(|&s| r.weight(s)).sum();
        if !coding.reasons.is_empty() || (score >= r.min_score && score > 0.0) {
            coding.reasons.extend(held);
        }
    }
}

/// The signals about the health categories chosen: which of them hold for this coding.
fn category_signals(scores: &Scores, coding: &Coding, r: &ReviewParams) -> Vec<Reason> {
    // The signals judge category evidence; a standardised breakdown has none of its own.
    let categories = if coding.breakdown.is_empty() {
        coding.hc.as_slice()
    } else {
        &[]
    };
    let by_role = &scores.hc_roles;
    let mut out = Vec::new();
    if let Some(first) = categories.first() {
        let e = by_role[first.code.index()];
        if first.score > 0.0 && e.stated + e.plain == 0.0 && first.code.is_specific() {
            out.push(Reason::BackgroundOnly);
        }
    }
    if categories.len() > 1 {
        out.push(Reason::SecondCategory);
    }
    if few_terms(categories, r) {
        out.push(Reason::FewTerms);
    }
    if left_out(categories, scores, r) {
        out.push(Reason::LeftOut);
    }
    if weak_category(categories, by_role, r) {
        out.push(Reason::WeakCategory);
    }
    if off_title(categories, scores) {
        out.push(Reason::OffTitle);
    }
    out
}

/// A category beyond the first that the award may only mention: much less evidence than the
/// first category, or little of it in the title and aim sentences. Second categories the award
/// does not study are the most common coding error (outcomes, comorbidities, settings).
fn weak_category(
    categories: &[Share<HealthCategory>],
    by_role: &[RoleEvidence],
    r: &ReviewParams,
) -> bool {
    let Some(first) = categories.first() else {
        return false;
    };
    categories[1..].iter().any(|s| {
        let e = by_role[s.code.index()];
        let stated = if s.score > 0.0 {
            e.stated / s.score
        } else {
            0.0
        };
        s.score < r.weak_share * first.score || stated < r.weak_stated
    })
}

/// The title names a disease (a strong term), and a coded category is not among those it names:
/// the title says what the award is about, so a category from the abstract alone is a guess.
fn off_title(categories: &[Share<HealthCategory>], scores: &Scores) -> bool {
    let title_names_one = scores.hc_title.iter().any(|&t| t > 0.0);
    title_names_one
        && categories
            .iter()
            .any(|s| s.code.is_specific() && scores.hc_title[s.code.index()] == 0.0)
}

/// A specific category rests on at most `few_terms` different words: the coding is only as good
/// as those words' categories, and a word can name the organ but not the disease HRCS codes
/// (a venous leg ulcer is Cardiovascular, not Skin).
fn few_terms(categories: &[Share<HealthCategory>], r: &ReviewParams) -> bool {
    categories
        .iter()
        .any(|s| s.code.is_specific() && s.score > 0.0 && s.evidence.len() <= r.few_terms)
}

/// A category that is not coded names its disease at least `left_out` times as much as the
/// coded categories do: the precision rules (title focus, mentions in passing) left out a
/// category with strong evidence, which is right for a comorbidity and wrong for a second
/// subject. Also holds for a Generic coding when a disease was named but left out.
fn left_out(categories: &[Share<HealthCategory>], scores: &Scores, r: &ReviewParams) -> bool {
    if categories.is_empty() {
        return false;
    }
    let coded = |c: HealthCategory| categories.iter().any(|s| s.code == c);
    let kept = categories
        .iter()
        .map(|s| scores.hc_disease[s.code.index()])
        .fold(0.0, f64::max);
    HealthCategory::all().any(|c| {
        let d = scores.hc_disease[c.index()];
        c.is_specific() && !coded(c) && d > 0.0 && d >= r.left_out * kept
    })
}

/// The thresholds and weights of the review decision, documented in docs/coding.md (Review).
/// Chosen on the NIHR HTA dev file with bench/review_cv.py, which also gives their 5-fold
/// cross-validated figures.
#[derive(Debug, Clone)]
pub struct ReviewParams {
    /// HC confidence below this is the signal `low_confidence`.
    pub hc_confidence: f64,
    /// RAC confidence below this is the signal `low_confidence`.
    pub rac_confidence: f64,
    /// A category beyond the first with less than this share of the first one's evidence is
    /// `weak_category`.
    pub weak_share: f64,
    /// A category beyond the first with less than this share of its evidence in the title and
    /// aim sentences is `weak_category`.
    pub weak_stated: f64,
    /// A specific category with at most this many different words as evidence is `few_terms`.
    pub few_terms: usize,
    /// A category left out with at least this share of the coded ones' named-disease evidence
    /// is `left_out`.
    pub left_out: f64,
    /// Flag when the weights of the signals that hold add up to at least this.
    pub min_score: f64,
    /// The weight of each signal, in the order of `SIGNALS`.
    pub weights: [f64; SIGNALS.len()],
}

impl Default for ReviewParams {
    fn default() -> ReviewParams {
        ReviewParams {
            hc_confidence: 0.75,
            rac_confidence: 0.35,
            weak_share: 0.3,
            weak_stated: 0.1,
            few_terms: 3,
            left_out: 0.5,
            min_score: 1.0,
            // low_confidence, second_category, few_terms, left_out, weak_category,
            // background_only, off_title, close_call, no_specific_category
            weights: [0.5, 0.5, 0.5, 0.0, 0.0, 1.0, 0.0, 0.5, 0.0],
        }
    }
}

impl ReviewParams {
    /// The keys of [`ReviewParams::set`], for messages.
    pub const KEYS: &'static [&'static str] = &[
        "review_hc_confidence",
        "review_rac_confidence",
        "review_weak_share",
        "review_weak_stated",
        "review_few_terms",
        "review_left_out",
        "review_min_score",
        "review_off_title",
        "review_w_SIGNAL (SIGNAL: a signal's token, e.g. review_w_second_category)",
    ];

    /// The weight of a reason: its signal's weight, 0 for a reason that is not a signal.
    pub fn weight(&self, reason: Reason) -> f64 {
        SIGNALS
            .iter()
            .position(|&s| s == reason)
            .map_or(0.0, |i| self.weights[i])
    }

    /// Sets one threshold or weight by name (`review_hc_confidence=0.6`,
    /// `review_w_few_terms=0.5`): how bench/review_cv.py tries values without a rebuild.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim();
        let number = || -> Result<f64, String> {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{key}: {value:?} is not a number"))
        };
        if let Some(token) = key.strip_prefix("review_w_") {
            let Some(i) = SIGNALS.iter().position(|s| s.token() == token) else {
                return Err(format!(
                    "unknown signal {token:?}; the signals are: {}",
                    SIGNALS.map(Reason::token).join(", ")
                ));
            };
            self.weights[i] = number()?;
            return Ok(());
        }
        match key {
            "review_hc_confidence" => self.hc_confidence = number()?,
            "review_rac_confidence" => self.rac_confidence = number()?,
            "review_weak_share" => self.weak_share = number()?,
            "review_weak_stated" => self.weak_stated = number()?,
            "review_few_terms" => {
                self.few_terms = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key}: {value:?} is not a whole number"))?
            }
            "review_left_out" => self.left_out = number()?,
            "review_min_score" => self.min_score = number()?,
            // Before the signals were weighed, `off_title` was switched on or off.
            "review_off_title" => {
                let on = match value.trim() {
                    "true" | "1" => 1.0,
                    "false" | "0" => 0.0,
                    _ => return Err(format!("{key}: {value:?} is not true or false")),
                };
                if let Some(i) = SIGNALS.iter().position(|&s| s == Reason::OffTitle) {
                    self.weights[i] = on;
                }
            }
            _ => {
                return Err(format!(
                    "unknown parameter {key:?}; the parameters are: {}",
                    Self::KEYS.join(", ")
                ))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    const ENTRIES: &str = "code\tkind\tterm\tweight\n\
        Neuro\tterm\tepilepsy\t3\nNeuro\tterm\tseizure\t3\nNeuro\tterm\tanticonvulsant\t2\n\
        Neuro\tterm\telectroencephalography\t2\nNeuro\tterm\tstatus epilepticus\t3\n\
        Mental\tterm\tdepression\t3\n6\tterm\ttrial\t2\n6.1\tterm\tdrug\t2\n\
        context:aim\tterm\twe will\t1\n";

    fn code(params: &[(&str, &str)], title: &str, abstract_text: &str) -> Coding {
        let mut p = Params::default();
        for (k, v) in params {
            p.review.set(k, v).unwrap();
        }
        let coder = Coder::new(parse_for_test(&[("e.tsv", ENTRIES)]).unwrap(), p).unwrap();
        coder.code(title, abstract_text)
    }

    const TWO: (&str, &str) = (
        "Epilepsy and depression",
        "We will test a drug for epilepsy and depression in a trial of adults seen in clinics \
         across the region for three years, with follow up at six and twelve months. Epilepsy, \
         depression.",
    );
    const ONE: (&str, &str) = (
        "A drug trial in epilepsy",
        "We will test a drug for epilepsy in a trial: seizure frequency, anticonvulsant dose, \
         electroencephalography and status epilepticus.",
    );

    #[test]
    fn signals_that_hold_are_listed_when_their_weights_reach_the_threshold() {
        // Two categories, each on two words: second_category + few_terms = 0.5 + 0.5.
        let sure = [
            ("review_hc_confidence", "0"),
            ("review_rac_confidence", "0"),
        ];
        let k = code(&sure, TWO.0, TWO.1);
        assert_eq!(k.hc.len(), 2);
        assert!(
            k.reasons.contains(&Reason::SecondCategory),
            "{:?}",
            k.reasons
        );
        assert!(k.reasons.contains(&Reason::FewTerms), "{:?}", k.reasons);
        assert!(k.review());
        // One signal alone does not reach 1: nothing is listed, nothing flagged.
        let k = code(
            &[sure[0], sure[1], ("review_w_few_terms", "0")],
            TWO.0,
            TWO.1,
        );
        assert!(!k.review(), "{:?}", k.reasons);
    }

    #[test]
    fn one_category_with_many_words_holds_no_category_signal() {
        let k = code(&[("review_min_score", "0.1")], ONE.0, ONE.1);
        assert_eq!(k.hc.len(), 1);
        for s in [Reason::SecondCategory, Reason::FewTerms, Reason::LeftOut] {
            assert!(!k.reasons.contains(&s), "{:?}", k.reasons);
        }
    }

    #[test]
    fn a_category_left_out_with_strong_evidence_is_a_signal() {
        // Depression is named in the abstract about as much as the title's epilepsy but not in
        // the title: the title-focus rule leaves it out.
        let k = code(
            &[("review_min_score", "0.1"), ("review_w_left_out", "1")],
            "Epilepsy",
            "Epilepsy and depression. Depression in a trial.",
        );
        assert_eq!(k.hc.len(), 1, "{:?}", k.hc);
        assert!(k.reasons.contains(&Reason::LeftOut), "{:?}", k.reasons);
    }

    #[test]
    fn weights_and_thresholds_are_set_by_name() {
        let mut r = ReviewParams::default();
        r.set("review_w_second_category", "0.25").unwrap();
        assert_eq!(r.weight(Reason::SecondCategory), 0.25);
        assert_eq!(r.weight(Reason::InconsistentCode), 0.0);
        r.set("review_off_title", "true").unwrap();
        assert_eq!(r.weight(Reason::OffTitle), 1.0);
        r.set("review_few_terms", "4").unwrap();
        assert_eq!(r.few_terms, 4);
        assert!(r.set("review_few_terms", "2.5").is_err());
        assert!(r.set("review_w_nothing", "1").is_err());
        assert!(r.set("review_w_few_terms", "many").is_err());
        assert!(r.set("review_nothing", "1").is_err());
    }
}
