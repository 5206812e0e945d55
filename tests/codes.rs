//! `hrcs codes`: the code tables.

use crate::util::Workdir;

#[test]
fn csv_and_json_list_every_code() {
    let wd = Workdir::new();
    let run = wd.run(&["codes", "--format", "csv"]).ok();
    let rows = run.rows();
    assert_eq!(rows.iter().filter(|r| r["dimension"] == "hc").count(), 21);
    assert_eq!(
        rows.iter()
            .filter(|r| r["dimension"] == "rac_group")
            .count(),
        8
    );
    assert_eq!(rows.iter().filter(|r| r["dimension"] == "rac").count(), 48);
    let cancer = rows.iter().find(|r| r["id"] == "HRCS_HC_02CAN").unwrap();
    assert_eq!(
        (
            cancer["short"].as_str(),
            cancer["name"].as_str(),
            cancer["nb"].as_str()
        ),
        ("Cancer", "Cancer and neoplasms", "Kreft")
    );
    let ra = rows.iter().find(|r| r["code"] == "6.7").unwrap();
    assert_eq!(ra["id"], "HRCS_RA_6_7");
    let json: serde_json::Value = serde_json::from_str(
        &wd.run(&["codes", "--format", "json", "--dimension", "rac"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 56);
}

#[test]
fn table_is_aligned_text() {
    let wd = Workdir::new();
    let out = wd
        .run(&["codes", "--format", "table", "--dimension", "hc"])
        .ok()
        .stdout;
    assert!(out.contains("HRCS_HC_21OTH"));
    assert!(out
        .lines()
        .any(|l| l.starts_with("14") && l.contains("Munnhule, mage-tarm")));
}
