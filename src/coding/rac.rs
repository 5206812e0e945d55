//! Research activity: the activity groups an award belongs to, then the code inside each group,
//! as HRCS asks (groups first, then codes). Each rule is a named function with its own test:
//! treatment kinds go to development, evaluation or prevention by the stage evidence
//! ([`treatment_group`]); trials with no treatment follow the group their content points to, and
//! preventive vaccine trials are prevention ([`trial_host`], [`preventive_vaccine`]); quality of
//! life, process and economic evaluations inside a treatment evaluation are components of it
//! ([`components_of_evaluation`]), and another group beside it needs most of its evidence
//! ([`choose_groups`]); a second intervention must be one the award says it evaluates
//! ([`second_code`]), and surgery stated less than another intervention is its setting
//! ([`surgery_is_the_setting`]); with no activity evidence, a flagged default.

use super::*;

/// Codes that, inside an award evaluating a treatment, are usually a component of that
/// evaluation (a quality-of-life outcome, a process evaluation, a cost-effectiveness analysis)
/// rather than an aim of their own. HRCS: code only the therapy unless quality of life (7.1) or
/// economics (8.2) is itself a primary aim; organisation of services (8.1) likewise.
const EVALUATION_COMPONENTS: &[&str] = &["7.1", "8.1", "8.2"];

/// A group beside a treatment evaluation needs this share of the evaluation's evidence (other
/// groups need [`Params::rac_relative`]): HRCS asks for the minimum number of codes, and a trial
/// names its setting, its outcomes and its costs without making them aims. Chosen by 5-fold
/// cross-validation on the NIHR dev file (docs/accuracy.md).
const BESIDE_EVALUATION: f64 = 0.75;

/// The research activity evidence of one award after the rules that move evidence between
/// groups: what the group and code scores are read from.
struct ActivityEvidence<'a> {
    scores: &'a Scores,
    /// Code evidence, with evaluation components scaled down in a treatment evaluation.
    rac: [f64; RAC_COUNT],
    /// A standardised breakdown: nobody in the study has a disease, so interventions prevent.
    prevention: bool,
    /// Where treatment-kind evidence goes: 3, 5 or 6.
    treatment_group: ActivityGroup,
    /// The group trial words go to when no treatment is in sight.
    trial_host: Option<ActivityGroup>,
    /// Treatment-kind evidence counts this much (less when nothing says develop or test).
    unstaged: f64,
    kind_total: f64,
}

const SIX: ActivityGroup = ActivityGroup(6);

impl<'a> ActivityEvidence<'a> {
    fn new(scores: &'a Scores, p: &Params, prevention: bool) -> ActivityEvidence<'a> {
        let kind_total: f64 = scores.kind.iter().sum();
        let treatment_group = treatment_group(scores, prevention);
        let rac = components_of_evaluation(scores, p, treatment_group);
        let trial_host = trial_host(scores, &rac, p, prevention);
        // A treatment named with no word about developing or testing it is as likely a tool
        // of the study (a drug given to cells) as its subject.
        let unstaged =
            if own(scores, &scores.rac, 5) + own(scores, &scores.rac, 6) == 0.0 && !prevention {
                p.unstaged_treatment_factor
            } else {
                1.0
            };
        ActivityEvidence {
            scores,
            rac,
            prevention,
            treatment_group,
            trial_host,
            unstaged,
            kind_total,
        }
    }

    fn own(&self, g: u8) -> f64 {
        own(self.scores, &self.rac, g)
    }

    /// Score of a group: its own evidence, the treatment kinds if they go to it, and trial
    /// words moved to or from it.
    fn group_score(&self, g: ActivityGroup) -> f64 {
        let mut s = self.own(g.0);
        if g == self.treatment_group {
            s += self.kind_total * self.unstaged;
        }
        if let Some(host) = self.trial_host {
            let trial_cues = self.scores.group[SIX.index()];
            if g == SIX {
                s -= trial_cues;
            } else if g == host {
                s += trial_cues;
            }
        }
        s
    }

    /// Score of a code inside its group: its own evidence, plus its treatment kind's.
    /// In prevention, drugs and supplements are chemoprevention (3.3) and every other kind of
    /// intervention changes behaviour (3.1).
    fn code_score(&self, r: ResearchActivity) -> f64 {
        let mut s = self.rac[r.index()];
        if r.group() != self.treatment_group {
            return s;
        }
        if self.prevention {
            let drugs = self.scores.kind[TreatmentKind::Pharmaceutical.index()];
            match r.sub() {
                1 => s += self.kind_total - drugs,
                3 => s += drugs,
                _ => {}
            }
        } else if let Some(k) = self.kind_of(r) {
            s += self.scores.kind[k.index()];
        }
        s
    }

    /// The treatment kind whose evidence feeds code `r`, if any.
    fn kind_of(&self, r: ResearchActivity) -> Option<TreatmentKind> {
        if r.group() != self.treatment_group || self.prevention {
            return None;
        }
        TreatmentKind::ALL.into_iter().find(|k| k.sub() == r.sub())
    }

    /// Groups with evidence, strongest first (ties in HRCS order).
    fn ranked_groups(&self) -> Few<(ActivityGroup, f64)> {
        let mut groups: Few<(ActivityGroup, f64)> = ActivityGroup::all()
            .map(|g| (g, self.group_score(g)))
            .filter(|g| g.1 > 0.0)
            .collect();
        groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        groups
    }

    /// The code inside a chosen group: the one with most evidence, or the group's first code
    /// when the group has evidence but none of its codes does.
    fn code_in_group(&self, g: ActivityGroup) -> ResearchActivity {
        let mut codes: Few<(ResearchActivity, f64)> =
            g.codes().map(|r| (r, self.code_score(r))).collect();
        sort_by_score(&mut codes);
        let (best, best_score) = codes[0];
        if best_score > 0.0 {
            best
        } else {
            g.default_code()
        }
    }
}

/// A group's own evidence: its cues plus the evidence of its codes.
fn own(scores: &Scores, rac: &[f64; RAC_COUNT], g: u8) -> f64 {
    let g = ActivityGroup(g);
    scores.group[g.index()] + g.codes().map(|r| rac[r.index()]).sum::<f64>()
}

/// Rule "treatment kinds follow the stage": treatment-kind evidence ("chemotherapy", "CBT")
/// goes to development (5) or evaluation (6), whichever has more stage evidence, evaluation on
/// a tie. With a standardised breakdown nobody in the study has a disease: HRCS codes
/// interventions on risk factors (smoking, diet, activity, alcohol) as prevention, group 3,
/// "even if the person already smokes".
fn treatment_group(scores: &Scores, prevention: bool) -> ActivityGroup {
    if prevention {
        ActivityGroup(3)
    } else if own(scores, &scores.rac, 5) > own(scores, &scores.rac, 6) {
        ActivityGroup(5)
    } else {
        SIX
    }
}

/// Rule "components of a treatment evaluation": when the award evaluates a treatment (a
/// treatment kind, and evaluation evidence of at least [`Params::rac_min`]: trial words or
/// evaluation codes; naming a treatment is not evaluating it), quality of life, process and
/// economic evaluation words are parts of that evaluation ("clinical and cost-effectiveness of
/// X" is the usual title of a trial of X): their evidence counts [`Params::aim_only_factor`]
/// of itself. Stated strongly enough as an aim of their own, they still reach a code.
fn components_of_evaluation(
    scores: &Scores,
    p: &Params,
    treatment_group: ActivityGroup,
) -> [f64; RAC_COUNT] {
    let mut rac = scores.rac;
    let kind_total: f64 = scores.kind.iter().sum();
    let evaluates =
        treatment_group == SIX && kind_total > 0.0 && own(scores, &scores.rac, 6) >= p.rac_min;
    if evaluates {
        for code in EVALUATION_COMPONENTS {
            if let Some(r) = ResearchActivity::parse(code) {
                rac[r.index()] *= p.aim_only_factor;
            }
        }
    }
    rac
}

/// Rule "trials follow the content": trials are not only treatment evaluation (HRCS: there
/// are trials in groups 3, 4, 7 and 8). Trial words with no treatment in sight follow the group
/// the content points to: a vaccine trial is prevention, a screening trial detection, a trial
/// of a service services research. A cost or quality-of-life outcome is a passing mention that
/// does not move the trial: evaluation components do not count here.
fn trial_host(
    scores: &Scores,
    rac: &[f64; RAC_COUNT],
    p: &Params,
    prevention: bool,
) -> Option<ActivityGroup> {
    let trial_cues = scores.group[SIX.index()];
    let six_content: f64 = SIX.codes().map(|r| rac[r.index()]).sum();
    let kind_total: f64 = scores.kind.iter().sum();
    if trial_cues == 0.0 || six_content > 0.0 {
        return None;
    }
    if prevention {
        return Some(ActivityGroup(3));
    }
    if kind_total > 0.0 {
        return preventive_vaccine(rac, p, kind_total).then_some(ActivityGroup(3));
    }
    let mut content = *rac;
    for code in EVALUATION_COMPONENTS {
        if let Some(r) = ResearchActivity::parse(code) {
            content[r.index()] = 0.0;
        }
    }
    [3u8, 4, 7, 8]
        .into_iter()
        .map(|g| (ActivityGroup(g), own(scores, &content, g)))
        .filter(|&(_, s)| s >= p.rac_min)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(g, _)| g)
}

/// Rule "a preventive vaccine trial is prevention": HRCS codes preventive vaccines 3.4 at every
/// stage, efficacy trials included, so trial words go with the vaccine when its evidence is at
/// least that of the treatment kinds named (a placebo comparator, an adjuvant or a delivery
/// particle is not a drug evaluated). Therapeutic vaccines are in the treatment lexicon, not 3.4.
fn preventive_vaccine(rac: &[f64; RAC_COUNT], p: &Params, kind_total: f64) -> bool {
    ResearchActivity::parse("3.4")
        .map(|r| rac[r.index()])
        .is_some_and(|v| v >= p.rac_min && v >= kind_total)
}

/// Rule "groups first": groups with at least [`Params::rac_min`] and `relative` of the best
/// ([`Params::rac_relative`], or [`BESIDE_EVALUATION`] beside a treatment evaluation), at most
/// `max`; when none qualifies, the best alone, flagged weak.
fn choose_groups(
    groups: &[(ActivityGroup, f64)],
    p: &Params,
    relative: f64,
    max: usize,
) -> (Few<(ActivityGroup, f64)>, bool) {
    let top = groups[0].1;
    let chosen: Few<(ActivityGroup, f64)> = groups
        .iter()
        .copied()
        .filter(|&(_, s)| s >= p.rac_min && s >= relative * top)
        .take(max)
        .collect();
    if chosen.is_empty() {
        (groups[..1].iter().copied().collect(), true)
    } else {
        (chosen, false)
    }
}

/// Rule "a second code inside the top group" (2.1 + 2.2, 6.1 + 6.4): when another code of the
/// group has strong evidence of its own. A second intervention must be one the award says it
/// evaluates, named in the title or an aim sentence: surgery as the setting of a drug trial, or
/// a drug named in the methods of a surgical trial, is not a second treatment evaluated.
fn second_code(
    ev: &ActivityEvidence,
    p: &Params,
    g: ActivityGroup,
    first: ResearchActivity,
) -> Option<(ResearchActivity, f64)> {
    let first_score = ev.code_score(first);
    let mut others: Few<(ResearchActivity, f64)> = g
        .codes()
        .filter(|&r| r != first)
        .map(|r| (r, ev.code_score(r)))
        .filter(|&(r, _)| match ev.kind_of(r) {
            Some(k) => ev.rac[r.index()] > 0.0 || ev.scores.kind_stated[k.index()] > 0.0,
            None => true,
        })
        .collect();
    sort_by_score(&mut others);
    others
        .first()
        .copied()
        .filter(|&(_, s)| s >= p.rac_min && s >= p.rac_relative * first_score.max(p.rac_min))
}

/// Rule "surgery is the setting": when surgery and another treatment kind are both coded in
/// the treatment group, surgery stays only when the title and aims state it at least as
/// strongly as the other kind. Operations are where other interventions are delivered
/// (perioperative drugs, anaesthesia, implanted devices, rehabilitation after an operation),
/// far more often than the reverse, and HRCS codes the intervention evaluated, not its
/// delivery: transplanted cells are 6.2 and not also 6.4, implants and prostheses are devices
/// (6.3). Returns the surgery code it removed.
fn surgery_is_the_setting(
    ev: &ActivityEvidence,
    chosen: &mut Few<(ResearchActivity, f64)>,
) -> Option<ResearchActivity> {
    let kind_of = |&(r, _): &(ResearchActivity, f64)| ev.kind_of(r).map(|k| (r, k));
    let (surgery, _) = chosen
        .iter()
        .filter_map(kind_of)
        .find(|(_, k)| *k == TreatmentKind::Surgery)?;
    let (_, other) = chosen
        .iter()
        .filter_map(kind_of)
        .find(|(_, k)| *k != TreatmentKind::Surgery)?;
    let stated = &ev.scores.kind_stated;
    if stated[TreatmentKind::Surgery.index()] < stated[other.index()] {
        chosen.retain(|&(r, _)| r != surgery);
        Some(surgery)
    } else {
        None
    }
}

impl Coder {
    pub(super) fn choose_rac(
        &self,
        scores: &Scores,
        coding: &mut Coding,
        evidence_for: &EvidenceFor,
    ) {
        let p = &self.params;
        let max_rac = if scores.programme > 0.0 { 4 } else { p.max_rac };
        let ev = ActivityEvidence::new(scores, p, !coding.breakdown.is_empty());
        let groups = ev.ranked_groups();
        if groups.is_empty() {
            self.rac_fallback(coding);
            return;
        }
        let total: f64 = groups.iter().map(|g| g.1).sum();
        let relative = if groups[0].0 == ev.treatment_group
            && ev.treatment_group == SIX
            && ev.kind_total > 0.0
        {
            BESIDE_EVALUATION.max(p.rac_relative)
        } else {
            p.rac_relative
        };
        let (chosen_groups, weak) = choose_groups(&groups, p, relative, max_rac);

        // Step two: the code inside each chosen group.
        let mut chosen: Few<(ResearchActivity, f64)> = chosen_groups
            .iter()
            .map(|&(g, gs)| (ev.code_in_group(g), gs))
            .collect();
        if chosen.len() < max_rac {
            if let Some(second) = second_code(&ev, p, chosen_groups[0].0, chosen[0].0) {
                chosen.push(second);
            }
        }
        sort_by_score(&mut chosen);
        if let Some(dropped) = surgery_is_the_setting(&ev, &mut chosen) {
            coding.rules.push(format!(
                "{dropped}: surgery stated less than the other intervention, the setting of it"
            ));
        }

        let runner_up = groups.get(chosen_groups.len()).map(|g| g.1).unwrap_or(0.0);
        let chosen_sum: f64 = chosen_groups.iter().map(|g| g.1).sum();
        let weakest = chosen_groups.last().map(|g| g.1).unwrap_or(0.0);
        coding.rac_confidence = confidence(chosen_sum, total, weakest, runner_up, 5.0);
        if weak {
            coding.rac_confidence = round2(coding.rac_confidence * 0.5);
            coding.reasons.push(Reason::NoActivityEvidence);
        } else if is_close(weakest, runner_up, p.rac_min) {
            coding.reasons.push(Reason::CloseCall);
        }
        coding
            .rac
            .extend(shares(&ev, chosen, p.split, evidence_for));
    }

    fn rac_fallback(&self, coding: &mut Coding) {
        // Nothing says what kind of research this is. Disease-focused awards are most often
        // aetiology: 2.2 when the disease is an infection (HRCS puts infectious agents as causes
        // there), else 2.1; awards with no disease, underpinning biology (1.1).
        let generic = coding.hc.iter().all(|s| !s.code.is_specific());
        let infection = HealthCategory::parse("Infection").expect("HRCS category");
        let code = if generic {
            ActivityGroup(1).default_code()
        } else if coding.hc.iter().all(|s| s.code == infection) {
            ResearchActivity::parse("2.2").expect("HRCS code")
        } else {
            ActivityGroup(2).default_code()
        };
        coding.reasons.push(Reason::NoActivityEvidence);
        coding
            .rules
            .push(format!("no research activity evidence: default {code}"));
        coding.rac = vec![Share {
            code,
            percent: split::WHOLE,
            score: 0.0,
            evidence: Vec::new(),
        }];
        coding.rac_confidence = 0.05;
    }
}

/// The chosen codes as shares with their percentages and the evidence behind each: the code's
/// own terms, its group's cues (and trial words moved to it), and its treatment kind.
fn shares<'e>(
    ev: &'e ActivityEvidence<'e>,
    chosen: Few<(ResearchActivity, f64)>,
    policy: SplitPolicy,
    evidence_for: &'e EvidenceFor<'e>,
) -> impl Iterator<Item = Share<ResearchActivity>> + 'e {
    let scores_only: Few<f64> = chosen.iter().map(|c| c.1).collect();
    let parts = split::split(&scores_only, policy);
    chosen
        .into_iter()
        .zip(parts)
        .map(|((code, score), percent)| {
            let g = code.group();
            let kind = TreatmentKind::ALL
                .into_iter()
                .find(|k| k.sub() == code.sub());
            let with_kind = g == ev.treatment_group && (ev.prevention || kind.is_some());
            Share {
                code,
                percent,
                score,
                evidence: evidence_for(&|t| match t {
                    Target::Rac(r) => r == code,
                    Target::Group(x) => x == g || (x == SIX && Some(g) == ev.trial_host),
                    Target::Treatment(k) => {
                        with_kind
                            && if ev.prevention {
                                (k == TreatmentKind::Pharmaceutical) == (code.sub() == 3)
                            } else {
                                Some(k) == kind
                            }
                    }
                    _ => false,
                }),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> ResearchActivity {
        ResearchActivity::parse(s).unwrap()
    }
    fn kind(k: TreatmentKind) -> usize {
        k.index()
    }

    #[test]
    fn treatment_kinds_follow_the_stage() {
        let mut s = Scores::default();
        assert_eq!(treatment_group(&s, false), SIX, "evaluation on a tie");
        s.group[ActivityGroup(5).index()] = 2.0;
        assert_eq!(treatment_group(&s, false), ActivityGroup(5));
        s.rac[code("6.1").index()] = 3.0;
        assert_eq!(treatment_group(&s, false), SIX);
        assert_eq!(treatment_group(&s, true), ActivityGroup(3));
    }

    #[test]
    fn economics_inside_a_treatment_evaluation_is_a_component() {
        let p = Params::default();
        let mut s = Scores::default();
        s.rac[code("8.2").index()] = 6.0;
        s.rac[code("8.1").index()] = 2.0;
        s.rac[code("7.3").index()] = 2.0;
        // No treatment evaluated: economics stands as it is.
        let rac = components_of_evaluation(&s, &p, SIX);
        assert_eq!(rac[code("8.2").index()], 6.0);
        // Naming a treatment is not evaluating it: with no trial words, economics stands.
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 3.0;
        let rac = components_of_evaluation(&s, &p, SIX);
        assert_eq!(rac[code("8.2").index()], 6.0);
        // A drug trial: cost-effectiveness is part of evaluating the drug.
        s.group[SIX.index()] = 2.0;
        let rac = components_of_evaluation(&s, &p, SIX);
        assert_eq!(rac[code("8.2").index()], 6.0 * p.aim_only_factor);
        assert_eq!(rac[code("8.1").index()], 2.0 * p.aim_only_factor);
        // Management decisions are not a component of the trial.
        assert_eq!(rac[code("7.3").index()], 2.0);
        // Development of the drug (group 5) has no trial to be a component of.
        let rac = components_of_evaluation(&s, &p, ActivityGroup(5));
        assert_eq!(rac[code("8.2").index()], 6.0);
    }

    #[test]
    fn trials_follow_the_content_but_not_a_cost_outcome() {
        let p = Params::default();
        let mut s = Scores::default();
        s.group[SIX.index()] = 3.0;
        s.rac[code("4.4").index()] = 2.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), Some(ActivityGroup(4)));
        assert_eq!(trial_host(&s, &s.rac, &p, true), Some(ActivityGroup(3)));
        // A treatment in sight keeps the trial in evaluation.
        s.kind[kind(TreatmentKind::Device)] = 2.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), None);
        // Only a cost-effectiveness outcome: the trial stays in group 6.
        let mut s = Scores::default();
        s.group[SIX.index()] = 3.0;
        s.rac[code("8.2").index()] = 4.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), None);
        s.rac[code("8.1").index()] = 4.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), None);
        s.rac[code("8.3").index()] = 2.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), Some(ActivityGroup(8)));
    }

    #[test]
    fn a_preventive_vaccine_trial_is_prevention() {
        let p = Params::default();
        let mut s = Scores::default();
        s.group[SIX.index()] = 6.0;
        s.rac[code("3.4").index()] = 8.0;
        // A placebo-controlled vaccine trial: the placebo is no drug evaluated.
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 3.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), Some(ActivityGroup(3)));
        // A drug trial that mentions vaccination in passing stays with the drug.
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 12.0;
        assert_eq!(trial_host(&s, &s.rac, &p, false), None);
    }

    #[test]
    fn groups_need_enough_evidence_or_are_flagged_weak() {
        let p = Params::default();
        let groups = [(SIX, 6.0), (ActivityGroup(8), 3.5), (ActivityGroup(2), 3.0)];
        let (chosen, weak) = choose_groups(&groups, &p, p.rac_relative, 2);
        assert_eq!(chosen, vec![(SIX, 6.0), (ActivityGroup(8), 3.5)]);
        assert!(!weak);
        // Beside a treatment evaluation, services research at 58% of it is a component.
        let (chosen, _) = choose_groups(&groups, &p, BESIDE_EVALUATION, 2);
        assert_eq!(chosen, vec![(SIX, 6.0)]);
        let (chosen, weak) = choose_groups(&[(ActivityGroup(2), 1.0)], &p, p.rac_relative, 2);
        assert_eq!(chosen, vec![(ActivityGroup(2), 1.0)]);
        assert!(weak);
    }

    #[test]
    fn a_second_intervention_must_be_stated() {
        let p = Params::default();
        let mut s = Scores::default();
        s.group[SIX.index()] = 4.0;
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 8.0;
        s.kind_stated[kind(TreatmentKind::Pharmaceutical)] = 6.0;
        // Surgery as the setting: much evidence, none of it in the title or aims.
        s.kind[kind(TreatmentKind::Surgery)] = 6.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        assert_eq!(ev.code_in_group(SIX), code("6.1"));
        assert_eq!(second_code(&ev, &p, SIX, code("6.1")), None);
        // Surgery named in the title: surgery versus a drug, two interventions evaluated.
        s.kind_stated[kind(TreatmentKind::Surgery)] = 4.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        assert_eq!(
            second_code(&ev, &p, SIX, code("6.1")).map(|c| c.0),
            Some(code("6.4"))
        );
    }

    #[test]
    fn surgery_stated_less_than_the_other_intervention_is_its_setting() {
        let p = Params::default();
        let mut s = Scores::default();
        s.group[SIX.index()] = 4.0;
        // A drug given to surgical patients: surgery fills the methods, the drug the aims.
        s.kind[kind(TreatmentKind::Surgery)] = 18.0;
        s.kind_stated[kind(TreatmentKind::Surgery)] = 6.0;
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 16.0;
        s.kind_stated[kind(TreatmentKind::Pharmaceutical)] = 12.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        let mut chosen: Few<_> = Few::from_iter([(code("6.4"), 22.0), (code("6.1"), 20.0)]);
        assert_eq!(surgery_is_the_setting(&ev, &mut chosen), Some(code("6.4")));
        assert_eq!(chosen, vec![(code("6.1"), 20.0)]);
        // Surgery with a drug given during it, both stated as much: both evaluated.
        s.kind_stated[kind(TreatmentKind::Surgery)] = 12.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        let mut chosen: Few<_> = Few::from_iter([(code("6.4"), 22.0), (code("6.1"), 20.0)]);
        assert_eq!(surgery_is_the_setting(&ev, &mut chosen), None);
        assert_eq!(chosen.len(), 2);
        // Surgery alone is never the setting of nothing.
        s.kind_stated[kind(TreatmentKind::Surgery)] = 0.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        let mut chosen: Few<_> = Few::from_iter([(code("6.4"), 22.0)]);
        assert_eq!(surgery_is_the_setting(&ev, &mut chosen), None);
    }

    #[test]
    fn prevention_splits_drugs_from_behaviour() {
        let p = Params::default();
        let mut s = Scores::default();
        s.kind[kind(TreatmentKind::Psychological)] = 3.0;
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 1.0;
        let ev = ActivityEvidence::new(&s, &p, true);
        assert_eq!(ev.code_score(code("3.1")), 3.0);
        assert_eq!(ev.code_score(code("3.3")), 1.0);
        assert_eq!(ev.code_in_group(ActivityGroup(3)), code("3.1"));
    }

    #[test]
    fn an_unstaged_treatment_counts_half() {
        let p = Params::default();
        let mut s = Scores::default();
        s.kind[kind(TreatmentKind::Pharmaceutical)] = 4.0;
        s.rac[code("2.1").index()] = 3.0;
        let ev = ActivityEvidence::new(&s, &p, false);
        // A drug given to cells in an aetiology study: 2 of its 4, below the mechanism.
        assert_eq!(ev.group_score(SIX), 4.0 * p.unstaged_treatment_factor);
        assert_eq!(ev.ranked_groups()[0].0, ActivityGroup(2));
    }
}
