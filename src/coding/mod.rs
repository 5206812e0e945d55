//! From matches to HRCS codes: scores, the HRCS rules, percentages, confidence, review reasons and
//! the evidence behind every code.
//!
//! Scoring: each match adds its entry's weight, multiplied by [`Params::title_factor`] in the
//! title, [`Params::aim_factor`] in a sentence with an aim cue and [`Params::background_factor`] in
//! a sentence with only a background cue.
//!
//! Health categories: codes with at least [`Params::hc_min`] evidence and at least
//! [`Params::hc_relative`] of the strongest; more than five becomes 100% Generic; with no
//! specific category, a standardised breakdown when its risk-factor topic is present, else
//! Generic.
//!
//! Research activity, in two steps as HRCS asks: first the groups (1-8) from the evidence for
//! every code of the group, its group cues and, for groups 5 and 6, the treatment kinds; then the
//! code inside each chosen group. Treatment-kind evidence ("chemotherapy", "CBT") goes to
//! whichever of development (5) or evaluation (6) has more stage evidence, evaluation on a tie.

use crate::hrcs::breakdown::Topic;
use crate::hrcs::split::{self, SplitPolicy};
use crate::hrcs::{
    ActivityGroup, HealthCategory, ResearchActivity, TreatmentKind, GROUP_COUNT, HC_COUNT,
    RAC_COUNT,
};
use crate::language::{self, Detected, FieldLanguages, Language};
use crate::lexicon::{ContextCue, EntryKind, Lexicon, Target, TermRole};
use crate::matcher::{Field, Hit, Matcher};

/// Tunable constants of the coding rules, documented in docs/coding.md.
#[derive(Debug, Clone)]
pub struct Params {
    pub title_factor: f64,
    pub aim_factor: f64,
    pub background_factor: f64,
    /// Sentences of eligibility and exclusion criteria.
    pub criteria_factor: f64,
    /// Sentences that mention conditions in passing (secondary outcomes, adverse events, setting).
    pub passing_factor: f64,
    pub hc_min: f64,
    pub hc_relative: f64,
    /// A health category needs this many mentions outside background, criteria and passing
    /// sentences, or one in the title: HRCS is not a keyword system, one word is no subject.
    pub hc_min_mentions: u32,
    /// When the title names a disease, a category the title does not name needs named-disease
    /// evidence of at least this share of the strongest category's (1.0: as much; chosen by
    /// 5-fold cross-validation on the NIHR dev file, docs/accuracy.md).
    pub hc_untitled_relative: f64,
    pub topic_min: f64,
    pub rac_min: f64,
    pub rac_relative: f64,
    /// Maximum research activity codes for a normal award; programmes get 4.
    pub max_rac: usize,
    pub split: SplitPolicy,
    /// The thresholds of the review decision (src/coding/review.rs).
    pub review: ReviewParams,
    /// Texts with fewer words than this are flagged `short_text`.
    pub short_text_words: usize,
    /// The n-th match of the same lexicon entry in an award counts `1 / n^repeat_decay` of its
    /// weight: saying "memory" twelve times does not make memory the subject twelve times over.
    pub repeat_decay: f64,
    /// Research activity codes that HRCS gives only when they are a primary aim (quality of
    /// life, economics): outside the title and aim sentences their evidence counts this much.
    pub aim_only_rac: &'static [&'static str],
    pub aim_only_factor: f64,
    /// Treatment-kind evidence with no stage evidence (development or evaluation) counts this much.
    pub unstaged_treatment_factor: f64,
    /// The language every field is taken to be in (`--language`); `None` detects it per field.
    pub language: Option<Language>,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            title_factor: 2.0,
            aim_factor: 1.5,
            background_factor: 0.5,
            criteria_factor: 0.25,
            passing_factor: 0.25,
            hc_min: 2.0,
            hc_relative: 0.3,
            hc_min_mentions: 2,
            hc_untitled_relative: 1.0,
            topic_min: 2.0,
            rac_min: 1.5,
            rac_relative: 0.5,
            max_rac: 2,
            split: SplitPolicy::Equal,
            review: ReviewParams::default(),
            short_text_words: 25,
            repeat_decay: 0.5,
            aim_only_rac: &["7.1", "8.2"],
            aim_only_factor: 0.25,
            unstaged_treatment_factor: 0.5,
            language: None,
        }
    }
}

/// Why an award should be looked at by a person. The tokens are stable: scripts filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// No usable title or abstract (empty or a redaction marker): not coded.
    NoText,
    /// The abstract is missing or redacted: coded from the title alone.
    TitleOnly,
    /// Very little text to go on.
    ShortText,
    /// Confidence below the threshold in either dimension.
    LowConfidence,
    /// No health category had enough evidence: Generic by default.
    NoSpecificCategory,
    /// No research activity had enough evidence: a default code.
    NoActivityEvidence,
    /// Another code came close to being chosen, or to displacing a chosen one.
    CloseCall,
    /// The main health category rests only on background sentences (motivation, context).
    BackgroundOnly,
    /// A research activity code that human coders apply inconsistently (7.1, 8.1, 8.3).
    InconsistentCode,
    /// A standardised breakdown was applied.
    StandardBreakdown,
    /// More than five health categories: replaced by 100% Generic.
    TooManyCategories,
    /// The input row was damaged (see the input's error column).
    RowError,
    /// A field is written in a language with no lexicon (Swedish, Danish, German): matched with
    /// every entry, so shared Latin and English terms still count, but not read as it should be.
    UnsupportedLanguage,
    /// A category beyond the first has little evidence next to the first, or little of it in
    /// the title and aims: possibly mentioned, not studied.
    WeakCategory,
    /// The title names a disease, and a coded category is not one the title names.
    OffTitle,
    /// More than one health category is coded: over-coding is the most common error.
    SecondCategory,
    /// A coded category rests on very few different words.
    FewTerms,
    /// A category that is not coded has about as much named-disease evidence as the coded ones.
    LeftOut,
}

impl Reason {
    pub fn token(self) -> &'static str {
        match self {
            Reason::NoText => "no_text",
            Reason::TitleOnly => "title_only",
            Reason::ShortText => "short_text",
            Reason::LowConfidence => "low_confidence",
            Reason::NoSpecificCategory => "no_specific_category",
            Reason::NoActivityEvidence => "no_activity_evidence",
            Reason::CloseCall => "close_call",
            Reason::BackgroundOnly => "background_only",
            Reason::InconsistentCode => "inconsistent_code",
            Reason::StandardBreakdown => "standard_breakdown",
            Reason::TooManyCategories => "too_many_categories",
            Reason::RowError => "row_error",
            Reason::UnsupportedLanguage => "unsupported_language",
            Reason::WeakCategory => "weak_category",
            Reason::OffTitle => "off_title",
            Reason::SecondCategory => "second_category",
            Reason::FewTerms => "few_terms",
            Reason::LeftOut => "left_out",
        }
    }
    pub const ALL: [Reason; 18] = [
        Reason::NoText,
        Reason::TitleOnly,
        Reason::ShortText,
        Reason::LowConfidence,
        Reason::NoSpecificCategory,
        Reason::NoActivityEvidence,
        Reason::CloseCall,
        Reason::BackgroundOnly,
        Reason::InconsistentCode,
        Reason::StandardBreakdown,
        Reason::TooManyCategories,
        Reason::RowError,
        Reason::UnsupportedLanguage,
        Reason::WeakCategory,
        Reason::OffTitle,
        Reason::SecondCategory,
        Reason::FewTerms,
        Reason::LeftOut,
    ];
}

/// A matched term as evidence: the words as they stand in the text (lower-cased), how often,
/// whether in the title, and how much they added.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub term: TermText,
    pub count: u32,
    pub in_title: bool,
    pub score: f64,
}

/// One code of a coding with its share of the award.
#[derive(Debug, Clone, PartialEq)]
pub struct Share<C> {
    pub code: C,
    /// Hundredths of a percent; the shares of a dimension sum to 10000.
    pub percent: u32,
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// The HRCS coding of one award.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coding {
    pub hc: Vec<Share<HealthCategory>>,
    pub hc_confidence: f64,
    pub rac: Vec<Share<ResearchActivity>>,
    pub rac_confidence: f64,
    pub reasons: Vec<Reason>,
    /// Rules that shaped the coding, in words ("standard breakdown: smoking").
    pub rules: Vec<String>,
    /// Topics whose standardised breakdown gave the health categories.
    pub breakdown: Vec<Topic>,
    /// The languages the award is written in (both fields), `und` when unknown.
    pub language: Detected,
}

impl Coding {
    pub fn review(&self) -> bool {
        !self.reasons.is_empty()
    }
}

mod evidence;
mod few;
mod hc;
mod placeholder;
mod rac;
mod review;

pub use evidence::TermText;
use few::Few;
pub use placeholder::is_placeholder;
pub use review::ReviewParams;

/// Where a match stands, which decides how much it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    /// A sentence stating aims, objectives or methods.
    Aim,
    /// Motivation and context ("is a leading cause of", "may one day").
    Background,
    /// Eligibility and exclusion criteria ("patients with dementia were excluded").
    Criteria,
    /// Conditions met in passing: secondary outcomes, adverse events, side effects, setting.
    Passing,
    Plain,
}

/// Codes that human coders apply inconsistently (HRCS reliability studies): always reviewed.
const INCONSISTENT_RAC: &[&str] = &["7.1", "8.1", "8.3"];

/// Collects the evidence of the matches whose target passes a test.
type EvidenceFor<'a> = dyn Fn(&dyn Fn(Target) -> bool) -> Vec<Evidence> + 'a;

/// The coder: a compiled lexicon plus the rules.
pub struct Coder {
    matcher: Matcher,
    lexicon: Lexicon,
    params: Params,
}

/// Per-thread buffers of the coder, reused from award to award so that coding one allocates
/// (almost) nothing once the first few awards have sized them: the matcher's hits, the scoring
/// tables indexed by entry and by sentence, and the parts of the last coding handed back by
/// [`Coder::recycle`].
#[derive(Default)]
struct Scratch {
    hits: Vec<Hit>,
    /// Matches so far of each lexicon entry in the award being scored (zero between awards:
    /// only the entries of its hits are touched, and they are reset after scoring).
    repeats: Vec<u32>,
    /// The role of each abstract sentence, indexed by sentence (`None`: no cue).
    roles: Vec<Option<Role>>,
    /// What each hit added, in hit order (the evidence sums it per term).
    contributions: Vec<f64>,
    /// Emptied vectors of earlier codings, for the next one.
    spare: Spare,
}

/// The emptied vectors of codings handed back by [`Coder::recycle`].
#[derive(Default)]
pub(crate) struct Spare {
    /// Evidence lists of earlier shares.
    pub(crate) evidence: Vec<Vec<Evidence>>,
    hc: Vec<Share<HealthCategory>>,
    rac: Vec<Share<ResearchActivity>>,
    reasons: Vec<Reason>,
    rules: Vec<String>,
}

/// Evidence lists kept for reuse: about the codes of one coding; a recycled coding with more
/// gives its extra lists back to the allocator.
const SPARE_EVIDENCE: usize = 12;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Coder {
    pub fn new(lexicon: Lexicon, params: Params) -> anyhow::Result<Coder> {
        Ok(Coder {
            matcher: Matcher::new(&lexicon)?,
            lexicon,
            params,
        })
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Codes an award from its title and abstract, in the language of `--language` or detected.
    pub fn code(&self, title: &str, abstract_text: &str) -> Coding {
        self.code_as(title, abstract_text, self.params.language)
    }

    /// Codes an award taking both fields to be in `lang`, or detecting each field's language.
    pub fn code_as(&self, title: &str, abstract_text: &str, lang: Option<Language>) -> Coding {
        let title = if is_placeholder(title) {
            ""
        } else {
            title.trim()
        };
        let abstract_text = if is_placeholder(abstract_text) {
            ""
        } else {
            abstract_text
        };
        if title.is_empty() && abstract_text.trim().is_empty() {
            return Coding {
                reasons: vec![Reason::NoText],
                ..Coding::default()
            };
        }
        let langs = match lang {
            Some(l) => FieldLanguages {
                title: Detected::of(l),
                abstract_text: Detected::of(l),
            },
            None => language::detect_award(title, abstract_text),
        };
        SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            let words = self
                .matcher
                .find(title, abstract_text, langs.match_langs(), &mut s.hits);
            let mut coding = self.code_hits(title, abstract_text, s);
            coding.language = langs.award();
            if coding.language.unsupported() {
                coding.reasons.push(Reason::UnsupportedLanguage);
            }
            if abstract_text.trim().is_empty() {
                coding.reasons.push(Reason::TitleOnly);
            }
            if words < self.params.short_text_words {
                coding.reasons.push(Reason::ShortText);
            }
            coding.reasons.sort();
            coding.reasons.dedup();
            coding
        })
    }

    /// Hands a coding back once it has been written, so that the next award coded on this
    /// thread reuses its vectors instead of allocating new ones.
    pub fn recycle(&self, coding: Coding) {
        SCRATCH.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.spare.take_back(coding);
            }
        });
    }

    fn code_hits(&self, title: &str, abstract_text: &str, s: &mut Scratch) -> Coding {
        let p = &self.params;
        let mut scores = Scores::default();
        let Scratch {
            hits,
            repeats,
            roles,
            contributions,
            spare,
        } = s;
        let hits = &hits[..];
        self.sentence_roles(hits, roles);
        if repeats.len() < self.lexicon.entries.len() {
            repeats.resize(self.lexicon.entries.len(), 0);
        }
        contributions.clear();
        for h in hits {
            let entry = &self.lexicon.entries[h.entry as usize];
            let n = &mut repeats[h.entry as usize];
            *n += 1;
            let mut f = entry.weight as f64;
            if *n > 1 {
                f /= (*n as f64).powf(p.repeat_decay);
            }
            let role = match h.field {
                Field::Title => Role::Title,
                Field::Abstract => roles
                    .get(h.sentence as usize)
                    .copied()
                    .flatten()
                    .unwrap_or(Role::Plain),
            };
            f *= match role {
                Role::Title => p.title_factor,
                Role::Aim => p.aim_factor,
                Role::Background => p.background_factor,
                Role::Criteria => p.criteria_factor,
                Role::Passing => p.passing_factor,
                Role::Plain => 1.0,
            };
            if let Target::Rac(r) = entry.target {
                if !matches!(role, Role::Title | Role::Aim) && p.aim_only_rac.contains(&r.code()) {
                    f *= p.aim_only_factor;
                }
            }
            contributions.push(f);
            scores.add(entry.target, f);
            if let (Target::Treatment(k), Role::Title | Role::Aim) = (entry.target, role) {
                scores.kind_stated[k.index()] += f;
            }
            if let Target::Hc(c) = entry.target {
                let mention = !matches!(role, Role::Background | Role::Criteria | Role::Passing);
                // With no title, the first sentence stands in for it (HRCS: abstracts state
                // their objective in the first or last sentence).
                let in_title = mention
                    && (role == Role::Title
                        || (title.is_empty() && h.field == Field::Abstract && h.sentence == 0));
                let disease = entry.weight >= 2.0;
                let i = c.index();
                scores.hc_mentions[i] += mention as u32;
                scores.hc_in_title[i] |= in_title;
                scores.hc_roles[i].add(role, f);
                if disease {
                    scores.hc_disease[i] += f;
                    if role == Role::Title {
                        scores.hc_title[i] += f;
                    }
                }
                // The same tallies without drugs, and settings in the title, for the rules of
                // hc.rs that tell what the award studies from what it gives and where.
                if entry.role != TermRole::Intervention {
                    scores.hc_subject[i].add(f, mention, in_title, disease, role == Role::Title);
                }
                if entry.role == TermRole::Setting && role == Role::Title {
                    scores.setting_title += f;
                }
            }
        }
        for h in hits {
            repeats[h.entry as usize] = 0;
        }
        let contributions = &contributions[..];
        let mut coding = spare.coding();
        let lists = std::cell::RefCell::new(std::mem::take(&mut spare.evidence));
        let evidence_for = |pred: &dyn Fn(Target) -> bool| -> Vec<Evidence> {
            let mut out = lists.borrow_mut().pop().unwrap_or_default();
            evidence::collect(
                self,
                title,
                abstract_text,
                hits,
                contributions,
                pred,
                &mut out,
            );
            out
        };
        self.choose_hc(&scores, &mut coding, &evidence_for);
        self.choose_rac(&scores, &mut coding, &evidence_for);
        self.review(&scores, &mut coding);
        spare.evidence = lists.into_inner();
        coding
    }

    /// The role of each abstract sentence from its context cues. An aim cue wins over a
    /// criteria or passing cue (the first of them in the sentence), which wins over a
    /// background cue.
    /// A table indexed by sentence, not a map: sentence numbers are small and dense, and the
    /// table is reused from award to award.
    fn sentence_roles(&self, hits: &[Hit], roles: &mut Vec<Option<Role>>) {
        roles.clear();
        for h in hits.iter().filter(|h| h.field == Field::Abstract) {
            let cue_role = match self.matcher.target(h.entry) {
                Target::Context(ContextCue::Aim) => Role::Aim,
                Target::Context(ContextCue::Criteria) => Role::Criteria,
                Target::Context(ContextCue::Passing) => Role::Passing,
                Target::Context(ContextCue::Background) => Role::Background,
                _ => continue,
            };
            let i = h.sentence as usize;
            if roles.len() <= i {
                roles.resize(i + 1, None);
            }
            let role = &mut roles[i];
            *role = match (cue_role, *role) {
                (Role::Aim, _) => Some(Role::Aim),
                (Role::Criteria | Role::Passing, None | Some(Role::Background)) => Some(cue_role),
                (Role::Background, None) => Some(Role::Background),
                (_, kept) => kept,
            };
        }
    }
}

impl Spare {
    /// An empty coding made of the vectors of earlier ones.
    fn coding(&mut self) -> Coding {
        Coding {
            hc: std::mem::take(&mut self.hc),
            rac: std::mem::take(&mut self.rac),
            reasons: std::mem::take(&mut self.reasons),
            rules: std::mem::take(&mut self.rules),
            ..Coding::default()
        }
    }

    /// Empties a coding into the spare vectors (evidence lists up to [`SPARE_EVIDENCE`]).
    fn take_back(&mut self, mut coding: Coding) {
        let lists = coding
            .hc
            .drain(..)
            .map(|s| s.evidence)
            .chain(coding.rac.drain(..).map(|s| s.evidence));
        for mut list in lists {
            if self.evidence.len() < SPARE_EVIDENCE && list.capacity() > 0 {
                list.clear();
                self.evidence.push(list);
            }
        }
        coding.reasons.clear();
        coding.rules.clear();
        if coding.hc.capacity() > self.hc.capacity() {
            self.hc = coding.hc;
        }
        if coding.rac.capacity() > self.rac.capacity() {
            self.rac = coding.rac;
        }
        if coding.reasons.capacity() > self.reasons.capacity() {
            self.reasons = coding.reasons;
        }
        if coding.rules.capacity() > self.rules.capacity() {
            self.rules = coding.rules;
        }
    }
}

/// Evidence totals of one award.
#[derive(Debug, Clone)]
struct Scores {
    hc: [f64; HC_COUNT],
    /// The part of `hc` from named diseases and strong signs (entries weighted 2 or more, the
    /// lexicon scale of docs/lexicons.md), as opposed to organ and normal-function vocabulary.
    hc_disease: [f64; HC_COUNT],
    /// The part of `hc_disease` from the title.
    hc_title: [f64; HC_COUNT],
    /// Matches per category in the title and in sentences that are not background, criteria
    /// or passing mentions.
    hc_mentions: [u32; HC_COUNT],
    /// Whether the title (or, with no title, the first sentence) names the category at all,
    /// organ words included.
    hc_in_title: [bool; HC_COUNT],
    /// Each category's evidence by the role of the sentences it stands in (for review).
    hc_roles: [review::RoleEvidence; HC_COUNT],
    /// The same tallies from subject terms only, without drugs (`role` intervention).
    hc_subject: [hc::Tally; HC_COUNT],
    /// Evidence of care-setting terms (`role` setting) in the title.
    setting_title: f64,
    rac: [f64; RAC_COUNT],
    group: [f64; GROUP_COUNT],
    kind: [f64; 8],
    /// The part of `kind` from the title and aim sentences: the interventions the award says
    /// it evaluates, as opposed to those of its setting or methods.
    kind_stated: [f64; 8],
    topic: [f64; 6],
    programme: f64,
}

impl Default for Scores {
    fn default() -> Scores {
        Scores {
            hc: [0.0; HC_COUNT],
            hc_disease: [0.0; HC_COUNT],
            hc_title: [0.0; HC_COUNT],
            hc_mentions: [0; HC_COUNT],
            hc_in_title: [false; HC_COUNT],
            hc_roles: Default::default(),
            hc_subject: Default::default(),
            setting_title: 0.0,
            rac: [0.0; RAC_COUNT],
            group: [0.0; GROUP_COUNT],
            kind: [0.0; 8],
            kind_stated: [0.0; 8],
            topic: [0.0; 6],
            programme: 0.0,
        }
    }
}

impl Scores {
    fn add(&mut self, target: Target, f: f64) {
        match target {
            Target::Hc(c) => self.hc[c.index()] += f,
            Target::Rac(r) => self.rac[r.index()] += f,
            Target::Group(g) => self.group[g.index()] += f,
            Target::Treatment(k) => self.kind[k.index()] += f,
            Target::Topic(t) => self.topic[t.index()] += f,
            Target::Context(ContextCue::Programme) => self.programme += f,
            Target::Context(_) | Target::All => {}
        }
    }
}

fn sort_by_score<C: Ord + Copy>(v: &mut [(C, f64)]) {
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
}

/// How much evidence there is, from 0 to 1: half at `half * ln 2`.
fn strength(score: f64, half: f64) -> f64 {
    1.0 - (-score / half).exp()
}

/// Confidence of a dimension: the amount of evidence for the chosen codes, the share of all
/// evidence they explain, and the margin over the best code left out.
fn confidence(chosen: f64, total: f64, weakest: f64, runner_up: f64, half: f64) -> f64 {
    let coverage = if total > 0.0 { chosen / total } else { 0.0 };
    let margin = if weakest > 0.0 {
        ((weakest - runner_up) / weakest).clamp(0.0, 1.0)
    } else {
        0.0
    };
    round2(strength(chosen, half) * (0.6 + 0.4 * coverage) * (0.7 + 0.3 * margin))
}

/// A close call: the best code left out has at least three quarters of the weakest chosen one's
/// evidence, and is itself more than passing mention.
fn is_close(weakest: f64, runner_up: f64, min: f64) -> bool {
    runner_up >= 0.75 * weakest && runner_up >= 0.5 * min
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    const ENTRIES: &str = "code\tkind\tterm\tweight\n\
        Cancer\tterm\tcancer\t3\nCancer\tterm\ttumour\t2\nOral\tterm\tmucositis\t3\n\
        Cardio\tterm\theart failure\t3\nStroke\tterm\tstroke\t3\nMetabolic\tterm\tdiabetes\t3\n\
        Mental\tterm\tdepression\t3\nNeuro\tterm\tepilepsy\t3\nRespiratory\tterm\tasthma\t3\n\
        Eye\tterm\tglaucoma\t3\nSkin\tterm\tpsoriasis\t3\nGeneric\tterm\tall diseases\t2\n\
        topic:smoking\tterm\tsmoking\t2\ntopic:diet\tterm\tdiet\t2\n\
        2\tterm\trisk factor\t2\n2.1\tterm\tpathogenesis\t2\n2.2\tterm\texposure\t2\n\
        5\tterm\tmouse model\t2\n6\tterm\trandomised controlled trial\t3\n6.1\tterm\tphase II\t3\n\
        treatment:pharmaceutical\tterm\tchemotherapy\t2\ntreatment:psychological\tterm\tcognitive behavioural therapy\t2\n\
        3.1\tterm\tcessation\t2\ncontext:aim\tterm\twe will\t1\ncontext:background\tterm\tis common\t1\n\
        context:programme\tterm\tprogramme grant\t1\n1\tterm\tnormal\t2\nMental\tterm\tmood\t1\n4\tterm\tdiagnosis\t2\n8.2\tterm\tcost effectiveness\t3\n";

    fn coder() -> Coder {
        Coder::new(
            parse_for_test(&[("e.tsv", ENTRIES)]).unwrap(),
            Params::default(),
        )
        .unwrap()
    }

    fn hc(c: &Coding) -> String {
        c.hc.iter()
            .map(|s| format!("{}:{}", s.code, split::format_percent(s.percent)))
            .collect::<Vec<_>>()
            .join(";")
    }
    fn rac(c: &Coding) -> String {
        c.rac
            .iter()
            .map(|s| format!("{}:{}", s.code, split::format_percent(s.percent)))
            .collect::<Vec<_>>()
            .join(";")
    }

    #[test]
    fn single_category_and_sequelae_split() {
        let c = coder();
        let k = c.code(
            "Tumour pathogenesis",
            "We will study cancer pathogenesis in tumour cells.",
        );
        assert_eq!(hc(&k), "Cancer:100");
        assert_eq!(rac(&k), "2.1:100");
        let k = c.code(
            "Oral mucositis after cancer chemotherapy",
            "Mucositis in cancer patients.",
        );
        assert_eq!(hc(&k), "Cancer:50;Oral:50");
    }

    #[test]
    fn the_disease_named_most_comes_first() {
        // Mental has more evidence in all (3 + 4 x 1), Neuro more from named diseases (2 x 3):
        // the first code is the disease under study, not the vocabulary around it.
        let k = coder().code(
            "",
            "Epilepsy and epilepsy with depression and mood, mood, mood, mood.",
        );
        assert_eq!(hc(&k), "Neuro:50;Mental:50");
    }

    #[test]
    fn a_disease_named_in_the_title_comes_first() {
        // Diabetes is named more often (ten times, with diminishing returns), but the title
        // names heart failure: the title says what the award is about.
        let k = coder().code(
            "Heart failure in older adults",
            "Diabetes diabetes diabetes diabetes diabetes diabetes diabetes diabetes diabetes \
             diabetes and heart failure.",
        );
        assert_eq!(hc(&k), "Cardio:50;Metabolic:50");
        let scores: Vec<f64> = k.hc.iter().map(|s| s.score).collect();
        assert!(scores[1] > scores[0], "{scores:?}");
    }

    #[test]
    fn organ_vocabulary_gives_way_to_a_named_disease() {
        // "mood" x3 is Mental vocabulary (weight 1) next to a named disease: not coded.
        let k = coder().code("Glaucoma in adults", "Glaucoma, with mood, mood and mood.");
        assert_eq!(hc(&k), "Eye:100");
        // With no disease named, the vocabulary stands on its own.
        let k = coder().code("", "Mood, mood, mood and mood in adults.");
        assert_eq!(hc(&k), "Mental:100");
    }

    #[test]
    fn repeated_terms_count_less_each_time() {
        // 1 + 1/sqrt(2) + 1/sqrt(3) + 1/sqrt(4) of weight 3, not 4 x 3.
        let k = coder().code("", "Glaucoma glaucoma glaucoma glaucoma.");
        let expected = 3.0 * (1.0 + 2f64.sqrt().recip() + 3f64.sqrt().recip() + 0.5);
        assert!((k.hc[0].score - expected).abs() < 1e-9, "{}", k.hc[0].score);
    }

    #[test]
    fn three_way_split_rounds_to_100() {
        let k = coder().code("Diabetes, depression and epilepsy", "A risk factor study.");
        // Equal evidence: ties keep the HRCS table order; the first gets the extra hundredth.
        assert_eq!(hc(&k), "Mental:33.34;Metabolic:33.33;Neuro:33.33");
        assert_eq!(k.hc.iter().map(|s| s.percent).sum::<u32>(), 10_000);
    }

    #[test]
    fn more_than_five_categories_is_generic() {
        let k = coder().code(
            "Cancer, heart failure, stroke, diabetes, depression and asthma",
            "A risk factor study across conditions.",
        );
        assert_eq!(hc(&k), "Generic:100");
        assert!(k.reasons.contains(&Reason::TooManyCategories));
    }

    #[test]
    fn standard_breakdown_only_without_a_disease() {
        let c = coder();
        let k = c.code(
            "Smoking cessation in young adults",
            "We will test smoking cessation support.",
        );
        assert_eq!(hc(&k), "Cancer:25;Cardio:25;Respiratory:25;Stroke:25");
        assert_eq!(rac(&k), "3.1:100");
        assert!(k.reasons.contains(&Reason::StandardBreakdown));
        let k = c.code(
            "Smoking and asthma",
            "Smoking cessation in people with asthma.",
        );
        assert_eq!(hc(&k), "Respiratory:100");
        // Two topics whose breakdowns together exceed five categories: Generic.
        let k = c.code("Smoking and diet", "Smoking and diet in adults.");
        assert_eq!(hc(&k), "Generic:100");
    }

    #[test]
    fn generic_fallback_and_no_text() {
        let c = coder();
        let k = c.code(
            "A study of things",
            "Nothing in the lexicon is mentioned here at all.",
        );
        assert_eq!(hc(&k), "Generic:100");
        assert!(k.reasons.contains(&Reason::NoSpecificCategory));
        assert!(k.reasons.contains(&Reason::NoActivityEvidence));
        assert_eq!(rac(&k), "1.1:100");
        let k = c.code("", "Not available in public dataset");
        assert!(k.hc.is_empty() && k.rac.is_empty());
        assert_eq!(k.reasons, vec![Reason::NoText]);
        let k = c.code("Cancer pathogenesis", "n/a");
        assert_eq!(hc(&k), "Cancer:100");
        assert!(k.reasons.contains(&Reason::TitleOnly));
    }

    #[test]
    fn treatment_kind_follows_the_stage() {
        let c = coder();
        let k = c.code(
            "Chemotherapy for cancer",
            "A randomised controlled trial of chemotherapy.",
        );
        assert_eq!(rac(&k), "6.1:100");
        let k = c.code(
            "Chemotherapy for cancer",
            "A mouse model to develop chemotherapy.",
        );
        assert_eq!(rac(&k), "5.1:100");
        let k = c.code(
            "Cognitive behavioural therapy for depression",
            "A randomised controlled trial.",
        );
        assert_eq!(rac(&k), "6.6:100");
    }

    #[test]
    fn two_groups_at_most_unless_a_programme() {
        let c = coder();
        let text =
            "Pathogenesis and risk factor work; diagnosis and diagnosis; cost effectiveness; \
                    a mouse model to develop chemotherapy.";
        let k = c.code("Cancer", text);
        assert!(k.rac.len() <= 2);
        assert_eq!(k.rac.iter().map(|s| s.percent).sum::<u32>(), 10_000);
        let k = c.code("Cancer programme grant", text);
        assert!(k.rac.len() > 2 && k.rac.len() <= 4, "{}", rac(&k));
        assert_eq!(k.rac.iter().map(|s| s.percent).sum::<u32>(), 10_000);
    }

    #[test]
    fn background_counts_less_than_aims() {
        let c = coder();
        // Diabetes appears only in a background sentence; the aim is about heart failure.
        let k = c.code(
            "A study",
            "Diabetes is common. We will study heart failure and heart failure risk factor cohorts.",
        );
        assert_eq!(hc(&k), "Cardio:100");
    }

    #[test]
    fn a_recycled_coding_leaves_nothing_in_the_next() {
        // The vectors of a coding handed back are reused by the next one: whatever the earlier
        // award was (evidence, rules, reasons, many categories), the next coding is the same as
        // on a fresh thread.
        let c = coder();
        let (title, text) = (
            "Smoking cessation in young adults",
            "We will test smoking cessation support. Diabetes is common.",
        );
        let fresh = std::thread::scope(|s| s.spawn(|| c.code(title, text)).join().unwrap());
        for (t, a) in [
            (
                "Tumour pathogenesis",
                "We will study cancer pathogenesis in tumour cells.",
            ),
            (
                "Cancer, heart failure, stroke, diabetes, depression and asthma",
                "A risk factor study across conditions; a randomised controlled trial.",
            ),
            ("", "Not available in public dataset"),
        ] {
            let earlier = c.code(t, a);
            c.recycle(earlier);
            assert_eq!(c.code(title, text), fresh);
        }
    }

    #[test]
    fn placeholders() {
        for p in [
            "",
            " n/a ",
            "Redacted",
            "[Not available in public dataset]",
            "-",
            "No data entered",
            "Unntatt offentlighet",
            "[Sladdet]",
            "Ikke oppgitt",
            "Samandrag manglar",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        assert!(!is_placeholder("Asthma in children"));
        assert!(!is_placeholder(
            "Kreft hos barn som mangler behandlingstilbud"
        ));
    }

    #[test]
    fn evidence_shows_the_word_as_written() {
        let coder = Coder::new(
            parse_for_test(&[
                (
                    "e.tsv",
                    "code\tterm\tweight\tforms\n\
                     Cancer\tbrystkreft\t3\tmodifier inflects\n\
                     Cardio\thjertesykdom\t3\tinflects\n\
                     Cancer\ttumour\t2\t\n",
                ),
                (
                    "w.tsv",
                    "lang\tkind\ttext\tnote\nnb\tending\ter\t\nnb\tending\ten\t\n",
                ),
            ])
            .unwrap(),
            Params::default(),
        )
        .unwrap();
        let terms = |c: &Coding| -> Vec<String> {
            c.hc.iter()
                .flat_map(|s| s.evidence.iter().map(|e| e.term.to_string()))
                .collect()
        };
        let c = coder.code(
            "",
            "Hjerte- og lungesykdommer. Brystkreftpasienter og brystkreften; tumours.",
        );
        assert_eq!(
            terms(&c),
            [
                "brystkreftpasienter (brystkreft)",
                "brystkreft",
                "tumour",
                "hjerte- (hjertesykdom)"
            ]
        );
    }
}
