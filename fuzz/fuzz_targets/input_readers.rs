//! Any bytes, read as each input format the tool accepts (CSV, TSV, JSON lines, XLSX, and with
//! format sniffing), then coded: no panic, and every row read gives an award or an error.
#![no_main]

use hrcs::input::{Input, InputFormat, InputSpec, ReadOptions};
use libfuzzer_sys::fuzz_target;

fn read_all(name: &str, data: &[u8], format: Option<InputFormat>, first_sentence_title: bool) {
    let opts = ReadOptions {
        format,
        keep_all: true,
        first_sentence_title,
        ..ReadOptions::default()
    };
    let Ok(mut input) = Input::open(InputSpec::from_bytes(name, data.to_vec()), &opts) else {
        return;
    };
    let mut raw = Default::default();
    let coder = coder();
    // Bounded: a fuzz input cannot hold more rows than bytes.
    for _ in 0..=data.len() {
        match input.next_award(&mut raw) {
            Ok(Some(award)) => {
                let coding = coder.code(&award.title, &award.text);
                let sum: u32 = coding.hc.iter().map(|s| s.percent).sum();
                assert!(coding.hc.is_empty() || sum == 10_000);
            }
            Ok(None) | Err(_) => return,
        }
    }
}

fn coder() -> &'static hrcs::coding::Coder {
    static CODER: std::sync::OnceLock<hrcs::coding::Coder> = std::sync::OnceLock::new();
    CODER.get_or_init(|| {
        let lexicon = hrcs::lexicon::load::load_default().expect("default lexicons");
        hrcs::coding::Coder::new(lexicon, Default::default()).expect("default matcher")
    })
}

fuzz_target!(|data: &[u8]| {
    let first = data.first().copied().unwrap_or(0);
    let (name, format) = match first % 5 {
        0 => ("fuzz.csv", Some(InputFormat::Csv)),
        1 => ("fuzz.tsv", Some(InputFormat::Tsv)),
        2 => ("fuzz.jsonl", Some(InputFormat::Jsonl)),
        3 => ("fuzz.xlsx", Some(InputFormat::Xlsx)),
        _ => ("fuzz", None),
    };
    read_all(
        name,
        data.get(1..).unwrap_or(&[]),
        format,
        first & 0x80 != 0,
    );
});
