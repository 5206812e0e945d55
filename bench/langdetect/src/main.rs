//! Compares whatlang and lingua on bench/language/samples.tsv: accuracy per language and kind
//! (title, first sentence, abstract), confusions, and time per call. See docs/language.md.

use std::collections::BTreeMap;
use std::time::Instant;

#[path = "../../../src/language.rs"]
#[allow(dead_code)]
mod language;

use lingua::{Language as L, LanguageDetectorBuilder};
use whatlang::{Detector, Lang};

fn main() {
    if let Some(corpus) = std::env::args().nth(2).filter(|_| std::env::args().nth(1).as_deref() == Some("--cost")) {
        cost(&corpus);
        return;
    }
    let path = std::env::args()
        .nth(1)
        .unwrap_or("../language/samples.tsv".into());
    let text = std::fs::read_to_string(&path).expect("samples");
    let mut samples: Vec<(String, String, String)> = Vec::new();
    for line in text.lines().skip(1) {
        let mut it = line.splitn(3, '\t');
        let (lang, kind, t) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
        samples.push((lang.into(), kind.into(), t.into()));
        if kind == "abstract" {
            let first = t.split(". ").next().unwrap().to_string();
            samples.push((lang.into(), "sentence".into(), first));
        }
    }
    let wl = Detector::with_allowlist(vec![Lang::Eng, Lang::Nob, Lang::Dan, Lang::Swe, Lang::Deu]);
    let whatlang = |t: &str| -> String {
        match wl.detect(t) {
            Some(i) => match i.lang() {
                Lang::Eng => "en",
                Lang::Nob => "nb",
                Lang::Dan => "da",
                Lang::Swe => "sv",
                Lang::Deu => "de",
                _ => "und",
            }
            .to_string(),
            None => "und".into(),
        }
    };
    let langs = [L::English, L::Bokmal, L::Nynorsk, L::Danish, L::Swedish, L::German];
    let t0 = Instant::now();
    let hi = LanguageDetectorBuilder::from_languages(&langs)
        .with_preloaded_language_models()
        .build();
    let load_hi = t0.elapsed();
    let t0 = Instant::now();
    let lo = LanguageDetectorBuilder::from_languages(&langs)
        .with_preloaded_language_models()
        .with_low_accuracy_mode()
        .build();
    let load_lo = t0.elapsed();
    let code = |l: Option<L>| -> String {
        match l {
            Some(L::English) => "en",
            Some(L::Bokmal) => "nb",
            Some(L::Nynorsk) => "nn",
            Some(L::Danish) => "da",
            Some(L::Swedish) => "sv",
            Some(L::German) => "de",
            _ => "und",
        }
        .into()
    };
    let lingua_hi = |t: &str| code(hi.detect_language_of(t));
    let lingua_lo = |t: &str| code(lo.detect_language_of(t));
    println!("model load: lingua high {load_hi:?}, low {load_lo:?}");
    let words = |t: &str| language::detect(t).to_string();
    let detectors: Vec<(&str, &dyn Fn(&str) -> String)> = vec![
        ("hrcs function words", &words),
        ("whatlang", &whatlang),
        ("lingua-high", &lingua_hi),
        ("lingua-low", &lingua_lo),
    ];
    // Titles over an abstract of the same language (same language, i-th abstract), as hrcs
    // detects an award: an unclear title takes the abstract's language.
    let abstracts: Vec<_> = samples.iter().filter(|s| s.1 == "abstract").collect();
    let mut paired = Vec::new();
    for (i, s) in samples.iter().filter(|s| s.1 == "title").enumerate() {
        let same: Vec<_> = abstracts.iter().filter(|a| a.0 == s.0).collect();
        let a = same[i % same.len()];
        paired.push((s.0.clone(), "title+abstract".to_string(), format!("{}\t{}", s.2, a.2)));
    }
    let award = |t: &str| {
        let (title, abs) = t.split_once('\t').unwrap_or((t, ""));
        language::detect_award(title, abs).award().to_string()
    };
    report("hrcs function words, award (title + abstract)", &award, &paired);
    for (name, det) in &detectors {
        report(name, *det, &samples);
    }
}

fn report(name: &str, det: &dyn Fn(&str) -> String, samples: &[(String, String, String)]) {
    println!("\n## {name}");
    let norwegian = |l: &str| l == "nb" || l == "nn";
    for kind in ["title", "sentence", "abstract", "title+abstract"] {
        let set: Vec<_> = samples.iter().filter(|s| s.1 == kind).collect();
        if set.is_empty() {
            continue;
        }
        let mut exact = 0;
        let mut family = 0;
        let mut scandi_as_no = 0;
        let mut confusions: BTreeMap<(String, String), u32> = BTreeMap::new();
        let reps = 20;
        let t0 = Instant::now();
        let mut got = Vec::new();
        for r in 0..reps {
            for s in &set {
                let g = det(&s.2);
                if r == 0 {
                    got.push(g);
                }
            }
        }
        let per_call = t0.elapsed().as_secs_f64() * 1e6 / (reps * set.len()) as f64;
        let mut bytes = 0;
        for (s, g) in set.iter().zip(&got) {
            bytes += s.2.len();
            if *g == s.0 {
                exact += 1;
            } else {
                *confusions.entry((s.0.clone(), g.clone())).or_default() += 1;
            }
            // nb/nn counted as one (whatlang has no nynorsk).
            if *g == s.0 || (norwegian(g) && norwegian(&s.0)) {
                family += 1;
            }
            if (s.0 == "da" || s.0 == "sv") && norwegian(g) {
                scandi_as_no += 1;
            }
        }
        println!(
            "{kind:9} n={:3} avg {:4} B  exact {:3}/{:3}  nb/nn-as-one {:3}/{:3}  da/sv taken for Norwegian {:2}  {:8.1} us/call",
            set.len(),
            bytes / set.len(),
            exact,
            set.len(),
            family,
            set.len(),
            scandi_as_no,
            per_call
        );
        let c: Vec<String> = confusions
            .iter()
            .map(|((t, g), n)| format!("{t}->{g} x{n}"))
            .collect();
        println!("          confusions: {}", c.join(", "));
    }
}

/// Cost of hrcs's detection per award on a real corpus (CSV with `abstract` and optional
/// `title`): the median of five passes over every award.
fn cost(path: &str) {
    let mut r = csv::Reader::from_path(path).expect("corpus");
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x.eq_ignore_ascii_case(n));
    let (t, a) = (col("title"), col("abstract").expect("abstract column"));
    let awards: Vec<(String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (t.map(|i| rec[i].to_string()).unwrap_or_default(), rec[a].to_string())
        })
        .collect();
    let bytes: usize = awards.iter().map(|(t, a)| t.len() + a.len()).sum();
    let mut times = Vec::new();
    let mut langs = std::collections::BTreeMap::new();
    for pass in 0..5 {
        let t0 = Instant::now();
        for (t, a) in &awards {
            let l = language::detect_award(t, a).award();
            if pass == 0 {
                *langs.entry(l.to_string()).or_insert(0) += 1;
            }
        }
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let med = times[2];
    println!(
        "{} awards, {} bytes on average: {:.2} us per award (median of 5 passes), languages {:?}",
        awards.len(),
        bytes / awards.len(),
        med * 1e6 / awards.len() as f64,
        langs
    );
}
