//! Any bytes as a lexicon file (TSV or CSV, entries, examples or manifest), loaded next to a
//! valid manifest; when it loads, the matcher is built and a text coded: no panic, no runaway.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = data.first().copied().unwrap_or(0);
    let name = match first % 3 {
        0 => "hc/fuzz.tsv",
        1 => "hc/fuzz.csv",
        _ => "manifest.tsv",
    };
    let body = data.get(1..).unwrap_or(&[]).to_vec();
    let mut files = vec![(name.to_string(), body)];
    if name != "manifest.tsv" {
        files.push((
            "manifest.tsv".into(),
            b"key\tvalue\nname\tfuzz\nversion\t0\n".to_vec(),
        ));
    }
    let Ok(lexicon) = hrcs::lexicon::load::parse_files("fuzz", files) else {
        return;
    };
    if let Ok(coder) = hrcs::coding::Coder::new(lexicon, Default::default()) {
        let text = String::from_utf8_lossy(data);
        let coding = coder.code("Asthma in children", &text);
        let sum: u32 = coding.rac.iter().map(|s| s.percent).sum();
        assert!(coding.rac.is_empty() || sum == 10_000);
    }
});
