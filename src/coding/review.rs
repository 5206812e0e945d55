//! Review: whether a person should look at a coding, and why.
//!
//! The HC and RAC rules state facts as they decide (a close call, a default code); this module
//! makes the final decision once the coding is done, from signals that describe how well the
//! evidence supports the coding rather than what the award is about, so they keep working when
//! the rules change: low confidence, a category whose evidence stands only in background
//! sentences, a second category with far less evidence than the first, a title that names
//! another disease than the one coded, codes coders disagree on.

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

impl Coder {
    pub(super) fn review(&self, scores: &Scores, coding: &mut Coding) {
        let by_role = &scores.hc_roles;
        let r = &self.params.review;
        // Review signals only judge category evidence; a standardised breakdown has none.
        let categories = if coding.breakdown.is_empty() {
            coding.hc.as_slice()
        } else {
            &[]
        };
        if let Some(first) = categories.first() {
            let e = by_role[first.code.index()];
            if first.score > 0.0 && e.stated + e.plain == 0.0 && first.code.is_specific() {
                coding.reasons.push(Reason::BackgroundOnly);
            }
        }
        if weak_category(categories, by_role, r) {
            coding.reasons.push(Reason::WeakCategory);
        }
        if r.off_title && off_title(categories, scores) {
            coding.reasons.push(Reason::OffTitle);
        }
        if coding
            .rac
            .iter()
            .any(|s| INCONSISTENT_RAC.contains(&s.code.code()))
        {
            coding.reasons.push(Reason::InconsistentCode);
        }
        if coding.hc_confidence < r.hc_confidence || coding.rac_confidence < r.rac_confidence {
            coding.reasons.push(Reason::LowConfidence);
        }
    }
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

/// The thresholds of the review decision, documented in docs/coding.md (Review). Tuned on the
/// NIHR HTA dev file with bench/review_cv.py, which also gives their 5-fold cross-validated
/// figures.
#[derive(Debug, Clone)]
pub struct ReviewParams {
    /// HC confidence below this flags `low_confidence`.
    pub hc_confidence: f64,
    /// RAC confidence below this flags `low_confidence`.
    pub rac_confidence: f64,
    /// A category beyond the first with less than this share of the first one's evidence flags
    /// `weak_category`.
    pub weak_share: f64,
    /// A category beyond the first with less than this share of its evidence in the title and
    /// aim sentences flags `weak_category`.
    pub weak_stated: f64,
    /// Flag `off_title` at all.
    pub off_title: bool,
}

impl Default for ReviewParams {
    fn default() -> ReviewParams {
        ReviewParams {
            hc_confidence: 0.65,
            rac_confidence: 0.35,
            weak_share: 0.3,
            weak_stated: 0.1,
            off_title: false,
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
        "review_off_title",
    ];

    /// Sets one threshold by name (`review_hc_confidence=0.6`): how bench/review_cv.py tries
    /// values without a rebuild.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let number = || -> Result<f64, String> {
            value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{key}: {value:?} is not a number"))
        };
        match key.trim() {
            "review_hc_confidence" => self.hc_confidence = number()?,
            "review_rac_confidence" => self.rac_confidence = number()?,
            "review_weak_share" => self.weak_share = number()?,
            "review_weak_stated" => self.weak_stated = number()?,
            "review_off_title" => {
                self.off_title = match value.trim() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(format!("{key}: {value:?} is not true or false")),
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
