//! `lambdascope merge`: part snapshots of different accounts and regions become one, whose
//! answers cross accounts; a part repeated is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::Snapshot;
use serde_json::Value;
use support::run;

/// The demo account re-numbered as another account (the partner the demo grants).
fn partner_demo() -> String {
    lambdascope::demo::JSON.replace("123456789012", "111122223333")
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn merged_parts_answer_across_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let own = write(dir.path(), "own.json", lambdascope::demo::JSON);
    let partner = write(dir.path(), "partner.json", &partner_demo());
    let merged = dir.path().join("merged.json");
    let out = run(&["merge", &own, &partner, "-o", merged.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(4), "the demo parts have gaps: {}", String::from_utf8_lossy(&out.stderr));
    let snap = Snapshot::from_json(&std::fs::read_to_string(&merged).unwrap()).unwrap();
    assert_eq!(snap.parts(), vec![("123456789012", "us-east-1"), ("111122223333", "us-east-1")]);
    assert_eq!(snap.functions.len(), 90);
    let m = merged.to_str().unwrap();

    let summary = run(&["--snapshot", m, "summary", "--format", "json"], "");
    let s: Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(s["parts"].as_array().unwrap().len(), 2, "{s}");
    assert_eq!(s["parts"][1]["functions"], 45);
    let text = String::from_utf8_lossy(&run(&["--snapshot", m, "summary"], "").stdout).into_owned();
    assert!(text.contains("2 accounts and regions:") && text.contains("111122223333   us-east-1"), "{text}");

    // A bare name both accounts use needs its ARN.
    let ambiguous = run(&["--snapshot", m, "who-can-invoke", "partner-sync"], "");
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&ambiguous.stderr).contains("2 functions are named \"partner-sync\""));

    // The grant to account 111122223333 is now decided by that account's own policies.
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:partner-sync";
    let out = run(&["--snapshot", m, "who-can-invoke", arn, "--format", "json"], "");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let grants = v["grants"].as_array().unwrap();
    let principals: Vec<&str> = grants.iter().map(|g| g["principal"].as_str().unwrap()).collect();
    assert!(!principals.contains(&"111122223333"), "{principals:?}");
    let admin = grants.iter().find(|g| g["principal"] == "arn:aws:iam::111122223333:role/ops-admin-role").unwrap();
    assert_eq!((admin["decision"].as_str(), admin["path"].as_str()), (Some("allowed"), Some("resource-policy")));
    // An account that was not read stays conditional.
    let other = grants.iter().find(|g| g["principal"] == "arn:aws:iam::444455556666:role/reporting").unwrap();
    assert_eq!(other["decision"], "conditional");
    // The partner's roles with no Lambda permission are not listed.
    assert!(!principals.contains(&"arn:aws:iam::111122223333:role/service-role/payments-exec"), "{principals:?}");
}

#[test]
fn merging_equals_merging_in_any_grouping_and_refuses_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let own = write(dir.path(), "own.json", lambdascope::demo::JSON);
    let partner = write(dir.path(), "partner.json", &partner_demo());
    let west = write(dir.path(), "west.json", &lambdascope::demo::JSON.replace("us-east-1", "eu-west-1"));
    let all = run(&["merge", &own, &partner, &west], "");
    let ab = dir.path().join("ab.json");
    run(&["merge", &own, &partner, "-o", ab.to_str().unwrap()], "");
    let nested = run(&["merge", ab.to_str().unwrap(), &west], "");
    assert_eq!(String::from_utf8_lossy(&all.stdout), String::from_utf8_lossy(&nested.stdout));
    let s = Snapshot::from_json(&String::from_utf8_lossy(&all.stdout)).unwrap();
    assert_eq!(s.parts().len(), 3);
    // The same account in two regions: its roles are kept once.
    assert_eq!(s.roles.len(), 28, "14 roles in each of two accounts");

    let repeat = run(&["merge", &own, &west, &own], "");
    assert_eq!(repeat.status.code(), Some(1));
    let err = String::from_utf8_lossy(&repeat.stderr);
    assert!(err.contains("account 123456789012 region us-east-1 is in two of the parts"), "{err}");
}
