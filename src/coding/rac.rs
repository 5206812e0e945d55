//! Research activity: the activity groups an award belongs to, then the code inside each group,
//! as HRCS asks (groups first, then codes); treatment kinds go to development, evaluation or
//! prevention by the stage evidence; with no activity evidence, a flagged default.

use super::*;

impl Coder {
    pub(super) fn choose_rac(
        &self,
        scores: &Scores,
        coding: &mut Coding,
        evidence_for: &EvidenceFor,
    ) {
        let p = &self.params;
        let max_rac = if scores.programme > 0.0 { 4 } else { p.max_rac };
        // Stage evidence of development (5) and evaluation (6), before treatment kinds.
        let own = |g: u8| -> f64 {
            let g = ActivityGroup(g);
            scores.group[g.index()] + g.codes().map(|r| scores.rac[r.index()]).sum::<f64>()
        };
        let kind_total: f64 = scores.kind.iter().sum();
        // Where treatment-kind evidence goes. With a standardised breakdown nobody in the study
        // has a disease: HRCS codes interventions on risk factors (smoking, diet, activity,
        // alcohol) as prevention, group 3, "even if the person already smokes"; otherwise to
        // development (5) or evaluation (6), whichever has more stage evidence.
        let prevention = !coding.breakdown.is_empty();
        let treatment_group = if prevention {
            ActivityGroup(3)
        } else if own(5) > own(6) {
            ActivityGroup(5)
        } else {
            ActivityGroup(6)
        };
        // Trials are not only treatment evaluation (HRCS: there are trials in groups 3, 4, 7 and
        // 8). Trial words with no treatment in sight follow the group the content points to: a
        // vaccine trial is prevention, a screening trial detection.
        let six = ActivityGroup(6);
        let trial_cues = scores.group[six.index()];
        let six_content: f64 = six.codes().map(|r| scores.rac[r.index()]).sum();
        let trial_host = if prevention && six_content == 0.0 {
            Some(ActivityGroup(3)).filter(|_| trial_cues > 0.0)
        } else if trial_cues > 0.0 && six_content == 0.0 && kind_total == 0.0 {
            [3u8, 4, 7, 8]
                .into_iter()
                .map(|g| (ActivityGroup(g), own(g)))
                // A passing mention (a secondary cost outcome) does not move the trial.
                .filter(|&(_, s)| s >= p.rac_min)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(g, _)| g)
        } else {
            None
        };
        // A treatment named with no word about developing or testing it is as likely a tool
        // of the study (a drug given to cells) as its subject.
        let unstaged: f64 = if own(5) + own(6) == 0.0 && !prevention {
            p.unstaged_treatment_factor
        } else {
            1.0
        };
        let group_score = |g: ActivityGroup| -> f64 {
            let mut s = own(g.0);
            if g == treatment_group {
                s += kind_total * unstaged;
            }
            if let Some(host) = trial_host {
                if g == six {
                    s -= trial_cues;
                } else if g == host {
                    s += trial_cues;
                }
            }
            s
        };
        // Score of a code inside its group: its own evidence, plus its treatment kind's.
        // In prevention, drugs and supplements are chemoprevention (3.3) and every other kind of
        // intervention changes behaviour (3.1).
        let code_score = |r: ResearchActivity| -> f64 {
            let mut s = scores.rac[r.index()];
            if r.group() != treatment_group {
                return s;
            }
            if prevention {
                let drugs = scores.kind[TreatmentKind::Pharmaceutical.index()];
                match r.sub() {
                    1 => s += kind_total - drugs,
                    3 => s += drugs,
                    _ => {}
                }
            } else if (1..=8).contains(&r.sub()) {
                s += scores.kind[r.sub() as usize - 1];
            }
            s
        };

        let mut groups: Vec<(ActivityGroup, f64)> = ActivityGroup::all()
            .map(|g| (g, group_score(g)))
            .filter(|g| g.1 > 0.0)
            .collect();
        groups.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let total: f64 = groups.iter().map(|g| g.1).sum();
        let Some(&(_, top)) = groups.first() else {
            self.rac_fallback(coding);
            return;
        };
        let chosen_groups: Vec<(ActivityGroup, f64)> = groups
            .iter()
            .copied()
            .filter(|&(_, s)| s >= p.rac_min && s >= p.rac_relative * top)
            .take(max_rac)
            .collect();
        let weak = chosen_groups.is_empty();
        let chosen_groups = if weak { vec![groups[0]] } else { chosen_groups };

        // Step two: the code inside each chosen group.
        let mut chosen: Vec<(ResearchActivity, f64)> = Vec::new();
        for &(g, gs) in &chosen_groups {
            let mut codes: Vec<(ResearchActivity, f64)> =
                g.codes().map(|r| (r, code_score(r))).collect();
            sort_by_score(&mut codes);
            let (best, best_score) = codes[0];
            let code = if best_score > 0.0 {
                best
            } else {
                g.default_code()
            };
            chosen.push((code, gs));
        }
        // A second code inside the top group when it has its own strong evidence (2.1 + 2.2).
        if chosen.len() < max_rac {
            let g = chosen_groups[0].0;
            let first = chosen[0].0;
            let first_score = code_score(first);
            let mut others: Vec<(ResearchActivity, f64)> = g
                .codes()
                .filter(|&r| r != first)
                .map(|r| (r, code_score(r)))
                .collect();
            sort_by_score(&mut others);
            if let Some(&(r, s)) = others.first() {
                if s >= p.rac_min && s >= p.rac_relative * first_score.max(p.rac_min) {
                    chosen.push((r, s));
                }
            }
        }
        sort_by_score(&mut chosen);
        let runner_up = groups.get(chosen_groups.len()).map(|g| g.1).unwrap_or(0.0);
        let scores_only: Vec<f64> = chosen.iter().map(|c| c.1).collect();
        let chosen_sum: f64 = chosen_groups.iter().map(|g| g.1).sum();
        let weakest = chosen_groups.last().map(|g| g.1).unwrap_or(0.0);
        coding.rac_confidence = confidence(chosen_sum, total, weakest, runner_up, 5.0);
        if weak {
            coding.rac_confidence = round2(coding.rac_confidence * 0.5);
            coding.reasons.push(Reason::NoActivityEvidence);
        } else if is_close(weakest, runner_up, p.rac_min) {
            coding.reasons.push(Reason::CloseCall);
        }
        let parts = split::split(&scores_only, p.split);
        coding.rac = chosen
            .into_iter()
            .zip(parts)
            .map(|((code, score), percent)| {
                let g = code.group();
                let kind = TreatmentKind::ALL
                    .into_iter()
                    .find(|k| k.sub() == code.sub());
                let with_kind = g == treatment_group && (prevention || kind.is_some());
                Share {
                    code,
                    percent,
                    score,
                    evidence: evidence_for(&|t| match t {
                        Target::Rac(r) => r == code,
                        Target::Group(x) => x == g || (x == six && Some(g) == trial_host),
                        Target::Treatment(k) => {
                            with_kind
                                && if prevention {
                                    (k == TreatmentKind::Pharmaceutical) == (code.sub() == 3)
                                } else {
                                    Some(k) == kind
                                }
                        }
                        _ => false,
                    }),
                }
            })
            .collect();
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
