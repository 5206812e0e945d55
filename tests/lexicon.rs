//! Lexicon sets: loading, validation with file:line, `--lexicons`, `hrcs lexicon check`.

use crate::util::{csv_text, Workdir};

#[test]
fn default_set_checks_clean() {
    let wd = Workdir::new();
    let run = wd.run(&["lexicon", "check"]).ok();
    assert!(run.stdout.contains("hrcs-default"), "{}", run.stdout);
    assert!(run.stdout.contains("examples pass"));
}

#[test]
fn every_problem_is_reported_with_file_and_line() {
    let wd = Workdir::new();
    wd.write("lex/hc.tsv", "code\tkind\tterm\tweight\nCancer\tterm\ttumour\t2\nHeart\tterm\tangina\t2\nNeuro\tregex\t(unclosed\t1\n");
    wd.write("lex/rac.tsv", "code\tkind\tterm\tweight\n2.1\tterm\t\t1\n9.9\tterm\tx\t1\n2.1\tterm\tpathogenesis\tlots\n");
    let run = wd.run(&["lexicon", "check", "lex"]).fails(1);
    for expected in [
        "hc.tsv:3: unknown code \"Heart\"",
        "hc.tsv:4: bad regex",
        "rac.tsv:2: empty term",
        "rac.tsv:3: unknown code \"9.9\"",
        "rac.tsv:4: weight",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    // The same report stops `hrcs code` before it writes anything.
    wd.write("in.csv", csv_text(&["abstract"], &[&["tumour"]]));
    let run = wd.run(&["code", "in.csv", "--lexicons", "lex"]).fails(1);
    assert!(run.stderr.contains("5 problem(s)"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_custom_set_changes_the_coding_and_exclusions_work() {
    let wd = Workdir::new();
    wd.write("lex/manifest.tsv", "key\tvalue\nname\ttiny\nversion\t9\n");
    wd.write(
        "lex/entries.csv",
        "code,kind,term,weight,note\nEye,term,widget,3,a made-up term\n2.1,term,mechanism,2,\n*,exclude,Widget Foundation,,funder\n",
    );
    wd.write("lex/examples.tsv", "code\texpect\ttext\nEye\tyes\tWidget mechanisms\nEye\tno\tFunded by the Widget Foundation\n");
    wd.run(&["lexicon", "check", "lex"]).ok();
    wd.write(
        "in.csv",
        csv_text(
            &["id", "abstract"],
            &[
                &["1", "We study widgets and their mechanism."],
                &["2", "The Widget Foundation funds a mechanism study."],
            ],
        ),
    );
    let run = wd
        .run(&["code", "in.csv", "--lexicons", "lex", "--format", "jsonl"])
        .ok();
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines[0]["lexicon"].as_str().unwrap().starts_with("tiny@9+"));
    assert_eq!(lines[0]["hc"][0]["code"], "Eye");
    assert_eq!(lines[0]["rac"][0]["code"], "2.1");
    assert_eq!(
        lines[1]["hc"][0]["code"], "Generic",
        "the funder name is no evidence"
    );
}

#[test]
fn failing_examples_fail_the_check() {
    let wd = Workdir::new();
    wd.write("lex/e.tsv", "code\tterm\tweight\nEye\tglaucoma\t3\n");
    wd.write(
        "lex/x.tsv",
        "code\texpect\ttext\nEye\tyes\tCataract surgery\nEye\tno\tGlaucoma clinic\n",
    );
    let run = wd.run(&["lexicon", "check", "lex"]).fails(1);
    assert!(
        run.stderr.contains("x.tsv:2: example should get Eye"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("x.tsv:3: example should not get Eye"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 of 2 examples fail"));
}

/// A tiny set that claims to be complete and trips every warning rule.
fn write_warning_set(wd: &Workdir) {
    wd.write(
        "lex/manifest.tsv",
        "key\tvalue\nname\ttiny\ncomplete\tyes\n",
    );
    wd.write(
        "lex/e.tsv",
        "code\tkind\tterm\tweight\n\
         Cancer\tterm\ttumour\t3\n\
         Respiratory\tterm\ttumour\t1\n\
         Eye\tregex\t(glaucoma)?\t1\n\
         Eye\tterm\tab\t1\n\
         Neuro\tterm\tMS\t1\n",
    );
    wd.write(
        "lex/x.tsv",
        "code\texpect\ttext\nCancer\tyes\tTumour growth\n",
    );
}

#[test]
fn warnings_name_their_rule_and_place_but_do_not_fail() {
    let wd = Workdir::new();
    write_warning_set(&wd);
    let run = wd.run(&["lexicon", "check", "lex"]).ok();
    for expected in [
        "warning[shadowed_across_codes]: lex/e.tsv:3:",
        "warning[regex_matches_empty]: lex/e.tsv:4:",
        "warning[short_term]: lex/e.tsv:5:",
        "warning[ambiguous_term]: lex/e.tsv:6:",
        "warning[example_missing]: lex/e.tsv:3: Respiratory",
        "warning[example_missing]: lex/e.tsv:4: Eye",
        "warning[code_without_entries]: lex: Blood has no entries",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("warning(s):"), "{}", run.stderr);
    assert!(run.stdout.contains("examples pass"));
}

#[test]
fn strict_fails_on_warnings() {
    let wd = Workdir::new();
    write_warning_set(&wd);
    let run = wd.run(&["lexicon", "check", "--strict", "lex"]).fails(1);
    assert!(run.stderr.contains("warning[short_term]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("warning(s) and --strict"),
        "{}",
        run.stderr
    );
}

#[test]
fn strict_passes_a_clean_set_and_coverage_rules_need_complete() {
    let wd = Workdir::new();
    wd.write("lex/manifest.tsv", "key\tvalue\nname\tclean\n");
    wd.write(
        "lex/e.tsv",
        "code\tkind\tterm\tweight\nEye\tterm\tglaucoma\t3\nNeuro\tacronym\tMS\t2\n",
    );
    wd.write(
        "lex/x.tsv",
        "code\texpect\ttext\nEye\tyes\tGlaucoma clinic\n",
    );
    let run = wd.run(&["lexicon", "check", "--strict", "lex"]).ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}
