//! Health categories: which categories an award studies and in what shares, by the HRCS rules
//! (more than five categories is Generic; a risk-factor topic with no disease named takes its
//! standardised breakdown; no category evidence is Generic; otherwise split by evidence).

use super::*;

impl Coder {
    pub(super) fn choose_hc(
        &self,
        scores: &Scores,
        coding: &mut Coding,
        evidence_for: &EvidenceFor,
    ) {
        let p = &self.params;
        let scores = &drugs_need_a_subject(scores, p, &mut coding.rules);
        if setting_without_a_disease(scores) {
            coding
                .rules
                .push("a care setting in the title and no condition named there: Generic".into());
            let generic = scores.hc[HealthCategory::GENERIC.index()];
            coding.hc = vec![Share {
                code: HealthCategory::GENERIC,
                percent: split::WHOLE,
                score: generic,
                evidence: evidence_for(&|t| t == Target::Hc(HealthCategory::GENERIC)),
            }];
            coding.hc_confidence = round2(strength(generic, 6.0) * 0.8);
            return;
        }
        let top = scores.hc.iter().copied().fold(0.0, f64::max);
        let mut chosen = candidates(scores, p);
        keep_named_diseases(&mut chosen, scores);
        drop_passing_mentions(&mut chosen, scores, p, &mut coding.rules);
        keep_title_focus(&mut chosen, scores, p, &mut coding.rules);
        main_category_first(&mut chosen, scores);
        let total: f64 = scores.hc.iter().sum();
        let runner_up = HealthCategory::all()
            .filter(|c| !chosen.iter().any(|(k, _)| k == c))
            .map(|c| scores.hc[c.index()])
            .fold(0.0, f64::max);

        if chosen.len() > 5 {
            let chosen_sum: f64 = chosen.iter().map(|c| c.1).sum();
            coding.rules.push(format!(
                "more than five categories ({}): Generic",
                chosen.len()
            ));
            coding.reasons.push(Reason::TooManyCategories);
            let all = chosen.iter().map(|c| c.0).collect::<Vec<_>>();
            coding.hc = vec![Share {
                code: HealthCategory::GENERIC,
                percent: split::WHOLE,
                score: chosen_sum,
                evidence: evidence_for(&|t| matches!(t, Target::Hc(c) if all.contains(&c))),
            }];
            coding.hc_confidence = round2(strength(chosen_sum, 6.0) * 0.8);
            return;
        }

        // A risk-factor topic with no disease named takes the standardised breakdown; organ and
        // normal-function words alone ("blood pressure" as an outcome) do not name a disease.
        let specific = chosen.iter().any(|&(c, _)| {
            (c.is_specific() || c == HealthCategory::OTHER) && scores.hc_disease[c.index()] > 0.0
        });
        if !specific {
            if let Some((topics, topic_score)) = self.breakdown_topics(scores) {
                let mut cats: Vec<HealthCategory> = Vec::new();
                for t in &topics {
                    for c in t.categories() {
                        if !cats.contains(&c) {
                            cats.push(c);
                        }
                    }
                }
                let names: Vec<&str> = topics.iter().map(|t| t.name()).collect();
                coding.reasons.push(Reason::StandardBreakdown);
                coding.breakdown = topics.clone();
                if cats.len() > 5 {
                    coding.rules.push(format!(
                        "standard breakdowns {} cover more than five categories: Generic",
                        names.join(" + ")
                    ));
                    cats = vec![HealthCategory::GENERIC];
                } else {
                    coding
                        .rules
                        .push(format!("standard breakdown: {}", names.join(" + ")));
                }
                cats.sort();
                let parts = split::equal(cats.len());
                let ev = evidence_for(&|t| matches!(t, Target::Topic(x) if topics.contains(&x)));
                coding.hc = cats
                    .into_iter()
                    .zip(parts)
                    .map(|(code, percent)| Share {
                        code,
                        percent,
                        score: topic_score,
                        evidence: ev.clone(),
                    })
                    .collect();
                coding.hc_confidence = round2(strength(topic_score, 6.0) * 0.8);
                return;
            }
        }

        if chosen.is_empty() {
            coding.reasons.push(Reason::NoSpecificCategory);
            coding.rules.push("no category evidence: Generic".into());
            coding.hc = vec![Share {
                code: HealthCategory::GENERIC,
                percent: split::WHOLE,
                score: 0.0,
                evidence: Vec::new(),
            }];
            coding.hc_confidence = round2(0.1 * strength(top, 6.0) + 0.05);
            return;
        }

        let scores_only: Few<f64> = chosen.iter().map(|c| c.1).collect();
        let parts = split::split(&scores_only, self.params.split);
        let chosen_sum: f64 = scores_only.iter().sum();
        let weakest = scores_only.last().copied().unwrap_or(0.0);
        // Every category beyond the first is one more decision that can be wrong, and a split
        // means the evidence did not single out one disease; and an award whose title names
        // diseases, but not the one put first, is less clear about what it is about.
        let mut conf = confidence(chosen_sum, total, weakest, runner_up, 6.0);
        conf *= 0.75f64.powi(chosen.len() as i32 - 1);
        let title_names_a_disease = scores.hc_title.iter().any(|&t| t > 0.0);
        if title_names_a_disease && scores.hc_title[chosen[0].0.index()] == 0.0 {
            conf *= 0.8;
        }
        coding.hc_confidence = round2(conf);
        if is_close(weakest, runner_up, p.hc_min) {
            coding.reasons.push(Reason::CloseCall);
        }
        coding.hc.extend(
            chosen
                .into_iter()
                .zip(parts)
                .map(|((code, score), percent)| Share {
                    code,
                    percent,
                    score,
                    evidence: evidence_for(&|t| t == Target::Hc(code)),
                }),
        );
    }

    /// The topics whose standardised breakdown applies, strongest first, with their evidence.
    fn breakdown_topics(&self, scores: &Scores) -> Option<(Vec<Topic>, f64)> {
        let top = scores.topic.iter().copied().fold(0.0, f64::max);
        if top < self.params.topic_min {
            return None;
        }
        let mut topics: Vec<(Topic, f64)> = Topic::ALL
            .into_iter()
            .map(|t| (t, scores.topic[t.index()]))
            .filter(|&(_, s)| s >= self.params.topic_min && s >= 0.5 * top)
            .collect();
        topics.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let sum = topics.iter().map(|t| t.1).sum();
        Some((topics.into_iter().map(|t| t.0).collect(), sum))
    }
}

/// A category's evidence from one kind of term, tallied as `code_hits` scores each match: all of
/// it, the part from named diseases (weight 2 or more), the part of that in the title, the
/// mentions outside background, criteria and passing sentences, and whether the title (or, with
/// no title, the first sentence) names it.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Tally {
    score: f64,
    disease: f64,
    title: f64,
    mentions: u32,
    in_title: bool,
}

impl Tally {
    pub(super) fn add(
        &mut self,
        f: f64,
        mention: bool,
        in_title: bool,
        disease: bool,
        title: bool,
    ) {
        self.score += f;
        self.mentions += mention as u32;
        self.in_title |= in_title;
        if disease {
            self.disease += f;
            if title {
                self.title += f;
            }
        }
    }
}

/// A drug names the conditions it is given for, not the one the award studies: bisoprolol in a
/// COPD trial is not Cardio, antibiotics for an exacerbation are not Infection (HRCS codes the
/// disease under investigation). A category whose subject terms (diseases, signs, organs: every
/// term but `role` intervention) come to less than `hc_min` keeps none of its drug evidence;
/// where the award does name the condition, the drug adds to it (antiretrovirals in an HIV trial).
fn drugs_need_a_subject(scores: &Scores, p: &Params, rules: &mut Vec<String>) -> Scores {
    let mut out = scores.clone();
    for c in HealthCategory::all() {
        let i = c.index();
        let subject = scores.hc_subject[i];
        let given = scores.hc[i] - subject.score;
        if given <= 1e-9 || subject.score >= p.hc_min {
            continue;
        }
        if scores.hc[i] >= p.hc_min {
            rules.push(format!("{c}: named only by the drugs given, not coded"));
        }
        out.hc[i] = subject.score;
        out.hc_disease[i] = subject.disease;
        out.hc_title[i] = subject.title;
        out.hc_mentions[i] = subject.mentions;
        out.hc_in_title[i] = subject.in_title;
    }
    out
}

/// HRCS Generic covers work that cannot be attributed to one disease: a trial in a care setting
/// whose patients have any condition (critically ill patients, perioperative care) studies the
/// setting, and the conditions its abstract meets (complications, outcomes, case mix) are not the
/// subject. So a title with a setting term (`role` setting) that names no other category, not
/// even an organ, makes the award Generic. Only a real title counts: a first sentence that names
/// the setting is often background.
fn setting_without_a_disease(scores: &Scores) -> bool {
    scores.setting_title > 0.0
        && HealthCategory::all()
            .filter(|&c| c != HealthCategory::GENERIC)
            .all(|c| !scores.hc_subject[c.index()].in_title)
}

/// The categories with enough evidence: at least `hc_min`, and at least `hc_relative` of the
/// strongest unless the title names the category's disease (the title says what the award is
/// about, however much vocabulary another category piles up in the abstract).
fn candidates(scores: &Scores, p: &Params) -> Few<(HealthCategory, f64)> {
    let top = scores.hc.iter().copied().fold(0.0, f64::max);
    HealthCategory::all()
        .map(|c| (c, scores.hc[c.index()]))
        .filter(|&(c, s)| {
            s >= p.hc_min && (s >= p.hc_relative * top || scores.hc_title[c.index()] > 0.0)
        })
        .collect()
}

/// Code the disease, not the organ: when a disease is named, a category with nothing but organ
/// and normal-function vocabulary ("thyroid" in thyroid cancer surgery) is dropped.
fn keep_named_diseases(chosen: &mut Few<(HealthCategory, f64)>, scores: &Scores) {
    if chosen
        .iter()
        .any(|&(c, _)| scores.hc_disease[c.index()] > 0.0)
    {
        chosen.retain(|&(c, _)| scores.hc_disease[c.index()] > 0.0);
    }
}

/// HRCS is not a keyword system: a category named once in the abstract (an outcome, a setting,
/// "the pandemic" in a methods sentence), and never in the title, is not what the award studies.
/// Mentions in background, criteria and passing sentences do not count. With nothing left the
/// award is Generic: work not attributable to a disease (methods, infrastructure, normal
/// biology) names diseases in passing.
fn drop_passing_mentions(
    chosen: &mut Few<(HealthCategory, f64)>,
    scores: &Scores,
    p: &Params,
    rules: &mut Vec<String>,
) {
    // A list of more than five conditions is itself the HRCS Generic case (each named once).
    if chosen.len() > 5 {
        return;
    }
    chosen.retain(|&(c, _)| {
        let keep =
            scores.hc_mentions[c.index()] >= p.hc_min_mentions || scores.hc_in_title[c.index()];
        if !keep {
            rules.push(format!("{c}: mentioned in passing only, not coded"));
        }
        keep
    });
}

/// When the title names a disease, the award is about it: another category the title does not
/// name is coded only when the abstract names its disease at least as much (HRCS codes the disease
/// under study; comorbidities, outcomes and complications met on the way are not).
fn keep_title_focus(
    chosen: &mut Few<(HealthCategory, f64)>,
    scores: &Scores,
    p: &Params,
    rules: &mut Vec<String>,
) {
    let titled = |c: HealthCategory| scores.hc_title[c.index()] > 0.0;
    if !chosen.iter().any(|&(c, _)| titled(c)) {
        return;
    }
    let top = chosen
        .iter()
        .map(|&(c, _)| scores.hc_disease[c.index()])
        .fold(0.0, f64::max);
    chosen.retain(|&(c, _)| {
        let keep = titled(c) || scores.hc_disease[c.index()] >= p.hc_untitled_relative * top;
        if !keep {
            rules.push(format!(
                "{c}: not in the title and named less than the title's disease, not coded"
            ));
        }
        keep
    });
}

/// Main category first: with equal shares the first code is read as the main one. HRCS codes
/// the disease under study, so the order is: a disease named in the title, then the disease
/// named most, then all evidence (organ and normal-function vocabulary). A drug in the title
/// says what is given, not what is studied ("antibiotics after surgery for mandible
/// fractures"), so only subject terms count for the title.
fn main_category_first(chosen: &mut [(HealthCategory, f64)], scores: &Scores) {
    chosen.sort_by(|a, b| {
        let key = |c: HealthCategory| {
            let i = c.index();
            (scores.hc_subject[i].title, scores.hc_disease[i])
        };
        let (ta, da) = key(a.0);
        let (tb, db) = key(b.0);
        tb.total_cmp(&ta)
            .then(db.total_cmp(&da))
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::load::parse_for_test;

    const ENTRIES: &str = "code\tkind\tterm\tweight\trole\n\
        Neuro\tterm\tepilepsy\t3\nMental\tterm\tdepression\t3\nMetabolic\tterm\tdiabetes\t3\n\
        Cardio\tterm\tbisoprolol\t2\tintervention\nCardio\tterm\theart failure\t3\n\
        Respiratory\tterm\tCOPD\t3\nInjuries\tterm\tfracture\t3\n\
        Infection\tterm\tantibiotic\t2\tintervention\nInfection\tterm\twound infection\t3\n\
        Generic\tterm\tcritically ill\t0.5\tsetting\n\
        Eye\tterm\teye\t1\n6\tterm\ttrial\t2\n\
        context:passing\tterm\tsecondary outcomes\t1\ncontext:aim\tterm\twe will\t1\n";

    fn code(title: &str, abstract_text: &str) -> String {
        let coder = Coder::new(
            parse_for_test(&[("e.tsv", ENTRIES)]).unwrap(),
            Params::default(),
        )
        .unwrap();
        let k = coder.code(title, abstract_text);
        k.hc.iter()
            .map(|s| format!("{}:{}", s.code, split::format_percent(s.percent)))
            .collect::<Vec<_>>()
            .join(";")
    }

    #[test]
    fn a_category_mentioned_once_is_not_coded() {
        assert_eq!(
            code("", "Epilepsy and epilepsy in adults. Depression."),
            "Neuro:100"
        );
        // Named twice, it is part of what the award studies.
        assert_eq!(
            code(
                "",
                "Epilepsy and epilepsy in adults. Depression and depression."
            ),
            "Mental:50;Neuro:50"
        );
        // A word in the title is enough, organ words included.
        assert_eq!(code("The eye", "A trial."), "Eye:100");
    }

    #[test]
    fn one_mention_alone_leaves_generic() {
        assert_eq!(
            code(
                "A study of services",
                "We will study waiting times. Depression."
            ),
            "Generic:100"
        );
    }

    #[test]
    fn passing_sentences_do_not_make_a_category() {
        assert_eq!(
            code(
                "",
                "Epilepsy and epilepsy in adults. Secondary outcomes include depression and depression."
            ),
            "Neuro:100"
        );
    }

    #[test]
    fn the_title_disease_holds_the_focus() {
        // Diabetes named twice in the abstract is less than half of the evidence for the epilepsy
        // the title names: a comorbidity, not a subject.
        assert_eq!(
            code(
                "Epilepsy in adults",
                "Epilepsy, epilepsy and epilepsy; diabetes and diabetes."
            ),
            "Neuro:100"
        );
        // Named about as much as the title's disease, it is a second subject.
        assert_eq!(
            code(
                "Epilepsy in adults",
                "Epilepsy with diabetes, diabetes, diabetes, diabetes, diabetes and diabetes."
            ),
            "Neuro:50;Metabolic:50"
        );
    }

    #[test]
    fn a_drug_alone_makes_no_category() {
        // Bisoprolol in a COPD trial: the drug names Cardio, the award studies COPD.
        assert_eq!(
            code(
                "Bisoprolol in COPD",
                "We will test bisoprolol, bisoprolol and bisoprolol in COPD and COPD."
            ),
            "Respiratory:100"
        );
        // Where the award names the condition, the drug adds to it.
        assert_eq!(
            code(
                "Bisoprolol in heart failure",
                "Bisoprolol for heart failure and heart failure."
            ),
            "Cardio:100"
        );
    }

    #[test]
    fn a_drug_in_the_title_does_not_put_its_category_first() {
        // Both categories are named, the infection as an outcome of the antibiotic; the title's
        // subject is the fracture.
        assert_eq!(
            code(
                "Antibiotic after surgery for fracture",
                "Antibiotic and antibiotic for fracture; wound infection and wound infection."
            ),
            "Injuries:50;Infection:50"
        );
    }

    #[test]
    fn a_care_setting_with_no_condition_in_the_title_is_generic() {
        // The conditions met in the abstract (complications, case mix) are not the subject.
        assert_eq!(
            code(
                "Nutrition for critically ill adults",
                "We will study critically ill adults. Wound infection and wound infection, COPD and COPD."
            ),
            "Generic:100"
        );
        // A title that names a condition keeps it.
        assert_eq!(
            code(
                "Antibiotic duration for critically ill adults with wound infection",
                "We will study wound infection and wound infection."
            ),
            "Infection:100"
        );
        // Without a title the first sentence is often background: no rule.
        assert_eq!(
            code("", "Critically ill adults. We will study COPD and COPD."),
            "Respiratory:100"
        );
    }
}
