//! Table-driven rule cases (`tests/cases/rules.tsv`): short awards whose coding the HRCS reference
//! settles, run against the embedded default lexicons. Each expectation is either an exact coding
//! (`Cancer:50;Oral:50`) or a list of checks: `+Code` must be there, `-Code` must not, `n=K` the
//! number of codes. Reasons use `+token` and `-token`.

use hrcs::coding::{Coder, Coding, Params};
use hrcs::output::{codes_text, evidence_text, reasons_text};

fn check(expect: &str, actual: &str, what: &str, failures: &mut Vec<String>, case: &str) {
    let expect = expect.trim();
    if expect.is_empty() {
        return;
    }
    let codes: Vec<&str> = actual
        .split(';')
        .filter(|s| !s.is_empty())
        .map(|s| s.split(':').next().unwrap())
        .collect();
    let ok = if expect.starts_with(['+', '-']) || expect.starts_with("n=") {
        expect.split_whitespace().all(|t| {
            if let Some(c) = t.strip_prefix('+') {
                codes.contains(&c) || actual.split(';').any(|r| r == c)
            } else if let Some(c) = t.strip_prefix('-') {
                !codes.contains(&c) && !actual.split(';').any(|r| r == c)
            } else if let Some(n) = t.strip_prefix("n=") {
                codes.len() == n.parse::<usize>().unwrap()
            } else {
                panic!("{case}: bad check {t:?}")
            }
        })
    } else {
        actual == expect
    };
    if !ok {
        failures.push(format!(
            "{case}: {what} expected {expect:?}, got {actual:?}"
        ));
    }
}

#[test]
fn rule_cases_from_the_reference() {
    let coder = Coder::new(hrcs::lexicon::load_default().unwrap(), Params::default()).unwrap();
    let cases = include_str!("cases/rules.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in cases
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(
            f.len() >= 6,
            "rules.tsv: a case needs 6 tab-separated fields: {line:?}"
        );
        let (name, title, text, hc, rac, reasons) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        let coding: Coding = coder.code(title, text);
        let before = failures.len();
        check(
            hc,
            &codes_text(&coding.hc, |c| c.short()),
            "hc",
            &mut failures,
            name,
        );
        check(
            rac,
            &codes_text(&coding.rac, |r| r.code()),
            "rac",
            &mut failures,
            name,
        );
        let tokens = reasons_text(&coding);
        let token_list = tokens.replace(';', " ");
        for t in reasons.split_whitespace() {
            let (want, tok) = (t.starts_with('+'), &t[1..]);
            if token_list.split(' ').any(|x| x == tok) != want {
                failures.push(format!("{name}: reasons expected {t}, got {tokens:?}"));
            }
        }
        if failures.len() > before {
            let award = hrcs::input::Award::default();
            failures.push(format!("    evidence: {}", evidence_text(&award, &coding)));
        }
        n += 1;
    }
    assert!(n >= 25, "too few cases: {n}");
    assert!(
        failures.is_empty(),
        "{} rule case check(s) failed:\n{}",
        failures.iter().filter(|f| !f.starts_with(' ')).count(),
        failures.join("\n")
    );
}
