//! Language per award (issue 11): detection per field, `--language`, the `language` column in
//! every output format, `unsupported_language`, and Norwegian labels in summary, report and codes.

use crate::util::{csv_text, Workdir};

/// Awards in several languages, written for these tests.
fn awards(wd: &Workdir) {
    wd.write(
        "awards.csv",
        csv_text(
            &["id", "title", "abstract"],
            &[
                &[
                    "en",
                    "Breast cancer in young women",
                    "Breast cancer is the most common cancer in women. The aim of this project is \
                     to test whether a new blood test can detect the disease earlier. We will \
                     follow 500 women for five years.",
                ],
                &[
                    "nb",
                    "Brystkreft hos unge kvinner",
                    "Brystkreft er den vanligste kreftformen hos kvinner. Målet med prosjektet er \
                     å undersøke om en ny blodprøve kan påvise sykdommen tidligere. Vi skal følge \
                     500 kvinner i fem år.",
                ],
                &[
                    "nn",
                    "Brystkreft hjå unge kvinner",
                    "Brystkreft er den vanlegaste kreftforma hjå kvinner. Målet med prosjektet er \
                     å undersøkje om ei ny blodprøve kan påvise sjukdommen tidlegare. Vi skal \
                     følgje 500 kvinner i fem år.",
                ],
                &[
                    "sv",
                    "Bröstcancer hos unga kvinnor",
                    "Bröstcancer är den vanligaste cancerformen hos kvinnor. Syftet med projektet \
                     är att undersöka om ett nytt blodprov kan upptäcka sjukdomen tidigare. Vi \
                     kommer att följa 500 kvinnor i fem år.",
                ],
                &[
                    "da",
                    "Brystkræft hos unge kvinder",
                    "Brystkræft er den hyppigste kræftform hos kvinder. Formålet med projektet er \
                     at undersøge, om en ny blodprøve kan opdage sygdommen tidligere. Vi vil \
                     følge 500 kvinder i fem år.",
                ],
                &[
                    "mixed",
                    "Brystkreft hos unge kvinner",
                    "Breast cancer is the most common cancer in women. The aim of this project is \
                     to test whether a new blood test can detect the disease earlier.",
                ],
                &["und", "MRI", ""],
            ],
        ),
    );
}

fn by_id(rows: &[std::collections::HashMap<String, String>], id: &str) -> (String, String) {
    let r = rows.iter().find(|r| r["id"] == id).unwrap();
    (r["language"].clone(), r["review_reasons"].clone())
}

#[test]
fn each_award_gets_its_language_and_other_languages_are_flagged() {
    let wd = Workdir::new();
    awards(&wd);
    let rows = wd.run(&["code", "awards.csv"]).ok().rows();
    for (id, lang) in [
        ("en", "en"),
        ("nb", "nb"),
        ("nn", "nn"),
        ("sv", "sv"),
        ("da", "da"),
        ("mixed", "en+nb"),
        ("und", "und"),
    ] {
        let (got, reasons) = by_id(&rows, id);
        assert_eq!(got, lang, "award {id}");
        // Swedish and Danish are not taken for Norwegian: they are flagged instead.
        assert_eq!(
            reasons.contains("unsupported_language"),
            matches!(id, "sv" | "da"),
            "award {id}: {reasons}"
        );
    }
    // Unsupported text is still matched with every entry, so shared terms still count.
    let sv = rows.iter().find(|r| r["id"] == "sv").unwrap();
    assert!(!sv["hc"].is_empty());
}

#[test]
fn language_option_overrides_detection() {
    let wd = Workdir::new();
    awards(&wd);
    let rows = wd
        .run(&["code", "awards.csv", "--language", "nn"])
        .ok()
        .rows();
    assert!(rows.iter().all(|r| r["language"] == "nn"), "{rows:?}");
    assert!(rows
        .iter()
        .all(|r| !r["review_reasons"].contains("unsupported_language")));
    wd.run(&["code", "awards.csv", "--language", "sv"]).fails(2);
}

#[test]
fn every_output_format_carries_the_language() {
    let wd = Workdir::new();
    awards(&wd);
    let long = wd
        .run(&["code", "awards.csv", "--layout", "long"])
        .ok()
        .rows();
    assert!(long
        .iter()
        .any(|r| r["id"] == "mixed" && r["language"] == "en+nb"));
    assert!(long
        .iter()
        .filter(|r| r["id"] == "nb")
        .all(|r| r["language"] == "nb"));
    let jsonl = wd.run(&["code", "awards.csv", "--format", "jsonl"]).ok();
    let langs: Vec<String> = jsonl
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["language"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(langs, ["en", "nb", "nn", "sv", "da", "en+nb", "und"]);
}

#[test]
fn summary_in_norwegian_reproduces_the_funders_table() {
    let wd = Workdir::new();
    wd.write(
        "coded.csv",
        csv_text(
            &["Belop", "id", "hc", "rac", "review"],
            &[
                &["536800000", "1", "Cancer:100", "4.1:100", "false"],
                &["322080000", "2", "Cardio:100", "1.1:50;2.1:50", "false"],
                &["214720000", "3", "Mental:100", "6.6:100", "true"],
            ],
        ),
    );
    let out = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "Belop",
            "--labels",
            "nb",
            "--format",
            "table",
        ])
        .ok()
        .stdout;
    // 1 073.6 million in all; group 4 has half of it.
    assert!(
        out.contains("Andel av finansieringen per forskningsaktivitetsgruppe"),
        "{out}"
    );
    assert!(out.contains("4. Påvising, screening og diagnose"), "{out}");
    assert!(out.contains("50,0 %"), "{out}");
    assert!(out.contains("536,8"), "{out}");
    assert!(out.contains("Totalt"), "{out}");
    assert!(out.contains("100,0 %"), "{out}");
    assert!(out.contains("1 073,6"), "{out}");
    assert!(out.contains("Helsekategorier"), "{out}");
    let nn = wd
        .run(&[
            "summary",
            "coded.csv",
            "--amount",
            "Belop",
            "--labels",
            "nn",
            "--format",
            "markdown",
        ])
        .ok()
        .stdout;
    assert!(
        nn.contains("Del av finansieringa per forskingsaktivitetsgruppe"),
        "{nn}"
    );
    assert!(nn.contains("Hjarte og kar"), "{nn}");
}

#[test]
fn report_and_codes_in_norwegian() {
    let wd = Workdir::new();
    awards(&wd);
    wd.run(&["code", "awards.csv", "--keep", "-o", "coded.csv"])
        .ok();
    wd.run(&["report", "coded.csv", "--labels", "nn", "-o", "r.html"])
        .ok();
    let html = wd.read("r.html");
    for words in [
        "lang=\"nn\"",
        "HRCS-rapport for porteføljen",
        "Helsekategoriar",
        "Til gjennomgang",
        "Opphav",
        "konfidens",
    ] {
        assert!(html.contains(words), "{words}");
    }
    assert!(!html.contains("Review queue"));
    // Review reasons stay tokens.
    assert!(html.contains("unsupported_language"));
    let codes = wd
        .run(&["codes", "--labels", "nb", "--format", "table"])
        .ok()
        .stdout;
    assert!(codes.contains("Kreft") && codes.contains("navn"), "{codes}");
}
