//! Word forms (`forms` column, word-forms files): Norwegian compounds, inflections and hyphenated
//! coordination, coded end to end with the small Norwegian test lexicon in
//! `tests/cases/lexicon-no` (not the default set).

use std::collections::HashMap;
use std::path::Path;

use crate::util::{codes, csv_text, Workdir};

fn lexicon_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases/lexicon-no")
        .display()
        .to_string()
}

/// Codes each text as an abstract with the Norwegian test lexicon; rows by id.
fn code(texts: &[(&str, &str)]) -> HashMap<String, HashMap<String, String>> {
    let wd = Workdir::new();
    let rows: Vec<Vec<&str>> = texts.iter().map(|(id, t)| vec![*id, *t]).collect();
    let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
    wd.write("in.csv", csv_text(&["id", "abstract"], &rows));
    let run = wd
        .run(&["code", "in.csv", "--lexicons", &lexicon_dir(), "-q"])
        .ok();
    run.rows()
        .into_iter()
        .map(|r| (r["id"].clone(), r))
        .collect()
}

#[test]
fn the_norwegian_test_lexicon_checks_clean_and_runs_its_examples() {
    let wd = Workdir::new();
    let run = wd.run(&["lexicon", "check", &lexicon_dir()]).ok();
    assert!(
        run.stdout.contains("word forms: 18 entries with forms"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("ok: 10 examples pass"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_longest_entry_wins_inside_a_longer_word() {
    let rows = code(&[
        ("1", "Oppfølging av brystkreftpasienter etter operasjon."),
        ("2", "Hjerteinfarktpasientene ble fulgt i ett år."),
        ("3", "Rehabilitering etter hjerneslaget."),
    ]);
    assert_eq!(codes(&rows["1"]["hc"]), ["Cancer"]);
    // Evidence shows the word as written, with the entry that matched inside it.
    assert!(
        rows["1"]["evidence"].contains("Cancer: brystkreftpasienter (brystkreft)"),
        "{:?}",
        rows["1"]["evidence"]
    );
    assert_eq!(codes(&rows["2"]["hc"]), ["Cardio"]);
    assert!(rows["2"]["evidence"].contains("hjerteinfarktpasientene (hjerteinfarkt)"));
    // "hjerneslaget": an inflected whole word shows as its entry, as plurals do.
    assert_eq!(codes(&rows["3"]["hc"]), ["Stroke"]);
    assert!(rows["3"]["evidence"].contains("Stroke: hjerneslag"));
}

#[test]
fn inflected_forms_and_heads_count_for_their_entry() {
    let rows = code(&[
        ("1", "Kreften sprer seg. Svulstene vokser."),
        ("2", "Hjernesvulster hos barn."),
    ]);
    assert_eq!(codes(&rows["1"]["hc"]), ["Cancer"]);
    assert!(rows["1"]["evidence"].contains("svulst"), "{:?}", rows["1"]);
    assert!(rows["1"]["evidence"].contains("kreft"));
    // A compound counts for its head: "hjernesvulst" is Cancer (the modifier "hjerne" is only
    // organ vocabulary).
    assert_eq!(codes(&rows["2"]["hc"])[0], "Cancer");
    assert!(rows["2"]["evidence"].contains("hjernesvulster (svulst)"));
}

#[test]
fn exclusions_with_forms_still_cover() {
    let rows = code(&[
        (
            "1",
            "Prosjektet er finansiert av Kreftforeningen. Kreftforeningens midler.",
        ),
        (
            "2",
            "Vi bruker data fra Kreftregisteret og Kreftregisterets kobling.",
        ),
        ("3", "En hjertelig takk og hjertelige hilsener."),
    ]);
    for id in ["1", "2", "3"] {
        assert_eq!(rows[id]["hc"], "Generic:100", "{id}: {:?}", rows[id]);
    }
}

#[test]
fn hyphenated_coordination_is_expanded() {
    let rows = code(&[
        ("1", "Hjerte- og karsykdommer hos eldre."),
        ("2", "Bryst- og eggstokkreft hos unge kvinner."),
        ("3", "Forekomst av lunge-, bryst- eller tarmkreft."),
    ]);
    assert_eq!(codes(&rows["1"]["hc"]), ["Cardio"]);
    let ev = &rows["1"]["evidence"];
    assert!(
        ev.contains("hjerte- (hjertesykdom)") && ev.contains("karsykdom"),
        "{ev}"
    );
    // "bryst-" is "brystkreft": the organ word "bryst" gives way to it.
    assert_eq!(codes(&rows["2"]["hc"]), ["Cancer"]);
    assert!(rows["2"]["evidence"].contains("bryst- (brystkreft)"));
    let ev = &rows["3"]["evidence"];
    assert_eq!(codes(&rows["3"]["hc"]), ["Cancer"], "{ev}");
    assert!(
        ev.contains("lunge- (lungekreft)") && ev.contains("bryst- (brystkreft)"),
        "{ev}"
    );
}

#[test]
fn a_word_form_error_names_file_and_line() {
    let wd = Workdir::new();
    wd.write(
        "lex/e.tsv",
        "code\tterm\tforms\tlang\nCancer\tkreft\thead\tnb\nCancer\tsvulst\thode\tnb\n",
    );
    wd.write(
        "lex/w.tsv",
        "lang\tkind\ttext\tnote\nnb\tending\ten\t\nnb\tsuffix\tlig\t\n",
    );
    let run = wd.run(&["lexicon", "check", "lex"]).fails(1);
    assert!(
        run.stderr.contains("e.tsv:3: unknown form \"hode\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("w.tsv:3: unknown word-form kind \"suffix\""),
        "{}",
        run.stderr
    );
}

#[test]
fn english_coding_is_unchanged_by_the_norwegian_word_forms() {
    // The default set carries Norwegian endings but no entry with forms: English text takes the
    // plain path only, and a hyphenated English coordination is not expanded.
    let wd = Workdir::new();
    wd.write(
        "in.csv",
        csv_text(
            &["id", "abstract"],
            &[&["1", "Breast- and ovarian cancer in young women."]],
        ),
    );
    let run = wd.run(&["code", "in.csv", "-q"]).ok();
    let rows = run.rows();
    assert_eq!(codes(&rows[0]["hc"]), ["Cancer"]);
    assert!(
        !rows[0]["evidence"].contains('('),
        "{:?}",
        rows[0]["evidence"]
    );
}
