//! Properties that hold for any text: valid codes, 1-5 health categories, 1-4 research activity
//! codes, percentages that sum to exactly 100, and the same coding every time.

use std::sync::OnceLock;

use hrcs::coding::{Coder, Coding, Reason};
use proptest::prelude::*;

fn coder() -> &'static Coder {
    static CODER: OnceLock<Coder> = OnceLock::new();
    CODER.get_or_init(|| {
        let lexicon = hrcs::lexicon::load::load_default().expect("default lexicons");
        Coder::new(lexicon, Default::default()).expect("matcher")
    })
}

fn check(c: &Coding) -> Result<(), TestCaseError> {
    if c.reasons.contains(&Reason::NoText) {
        prop_assert!(c.hc.is_empty() && c.rac.is_empty());
        return Ok(());
    }
    prop_assert!((1..=5).contains(&c.hc.len()), "{} categories", c.hc.len());
    prop_assert!(
        (1..=4).contains(&c.rac.len()),
        "{} activity codes",
        c.rac.len()
    );
    prop_assert_eq!(c.hc.iter().map(|s| s.percent).sum::<u32>(), 10_000);
    prop_assert_eq!(c.rac.iter().map(|s| s.percent).sum::<u32>(), 10_000);
    let mut hcs: Vec<_> = c.hc.iter().map(|s| s.code).collect();
    hcs.sort();
    hcs.dedup();
    prop_assert_eq!(hcs.len(), c.hc.len(), "a category twice");
    let mut racs: Vec<_> = c.rac.iter().map(|s| s.code).collect();
    racs.sort();
    racs.dedup();
    prop_assert_eq!(racs.len(), c.rac.len(), "an activity code twice");
    for (conf, what) in [(c.hc_confidence, "hc"), (c.rac_confidence, "rac")] {
        prop_assert!((0.0..=1.0).contains(&conf), "{what} confidence {conf}");
    }
    Ok(())
}

/// Words that the lexicons know, mixed with noise, so that texts reach many codes at once.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "cancer", "tumour", "asthma", "stroke", "dementia", "MS", "ALL", "diabetes", "depression",
    "glaucoma", "hearing loss", "malaria", "HIV", "fracture", "eczema", "pregnancy", "kidney",
    "liver", "heart failure", "anaemia", "sepsis", "smoking", "alcohol", "diet", "air pollution",
    "randomised controlled trial", "phase II", "mouse model", "we will", "aims to",
    "is a leading cause of", "were excluded", "cost-effectiveness", "quality of life",
    "screening", "biomarker", "vaccine", "chemotherapy", "surgery", "cognitive behavioural therapy",
    "health services", "policy", "normal development", "risk factor", "cohort", "programme grant",
    "the", "and", "of", ".", ",", "(", ")", "-", "’s", "\n", "Ø", "é", "日本",
];

fn wordy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..80).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_gets_a_valid_coding(title in any::<String>(), text in any::<String>()) {
        check(&coder().code(&title, &text))?;
    }

    #[test]
    fn texts_of_lexicon_words_get_a_valid_coding(title in wordy_text(), text in wordy_text()) {
        let c = coder().code(&title, &text);
        check(&c)?;
        // Deterministic: the same text codes the same way again.
        prop_assert_eq!(c, coder().code(&title, &text));
    }

    #[test]
    fn normalisation_keeps_every_byte_in_place(text in any::<String>()) {
        let mut out = Vec::new();
        hrcs::text::normalise_into(&text, &mut out);
        prop_assert_eq!(out.len(), text.len());
    }
}
