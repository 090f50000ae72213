//! Several accounts and regions in one fetch, against moto: another account is read through
//! sts:AssumeRole (moto acts in that account for its credentials), an account whose role
//! cannot be assumed is a gap and not the end of the run, a grant to the other account is
//! decided both ways by its roles' own policies, and a read of two regions equals the merge
//! of two one-region reads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::{GapReason, Snapshot};
use serde_json::Value;
use support::moto::Moto;

const OTHER: &str = "111122223333";

#[test]
fn two_accounts_and_two_regions_in_one_fetch() {
    let Some(moto) = Moto::start("two_accounts_and_two_regions_in_one_fetch") else { return };
    let manifest = moto.seed(&["--other-account"]);
    let (code, snap, stderr) = moto.fetch(
        &[],
        &["--regions", "us-east-1,eu-west-1", "--accounts", "111122223333,999999999999", "--assume-role", "reader"],
    );
    // The account whose role cannot be assumed is a gap: the run goes on, partial.
    assert_eq!(code, Some(4), "{stderr}");
    let denied = snap.gaps.iter().find(|g| g.operation == "sts:AssumeRole").expect("an AssumeRole gap");
    assert_eq!(
        (denied.resource.as_str(), denied.reason),
        ("arn:aws:iam::999999999999:role/reader", GapReason::AccessDenied)
    );
    assert!(stderr.contains("account 999999999999 region *: not read"), "{stderr}");
    assert!(stderr.contains("account 111122223333 region eu-west-1: read: 0 functions"), "{stderr}");
    assert!(stderr.contains("account 111122223333 region us-east-1: read: 1 function\n"), "{stderr}");
    assert_eq!(
        snap.parts(),
        vec![("123456789012", "us-east-1"), ("123456789012", "eu-west-1"), (OTHER, "eu-west-1"), (OTHER, "us-east-1"),]
    );
    let per_part: Vec<(String, String, usize)> =
        snap.part_summaries().into_iter().map(|p| (p.account_id, p.region, p.functions)).collect();
    assert!(per_part.contains(&("123456789012".into(), "us-east-1".into(), 10)), "{per_part:?}");
    assert!(per_part.contains(&("123456789012".into(), "eu-west-1".into(), 1)), "{per_part:?}");
    assert!(per_part.contains(&(OTHER.into(), "us-east-1".into(), 1)), "{per_part:?}");
    // IAM is read once per account: the other account's roles once, whatever the regions.
    let caller_yes = manifest["other"]["roles"]["caller-yes"].as_str().unwrap();
    assert_eq!(snap.roles.iter().filter(|r| r.arn == caller_yes).count(), 1);

    // api:live grants account 111122223333, which was read: its roles decide.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:api:live";
    let out = support::run(&["--snapshot", path.to_str().unwrap(), "who-can-invoke", arn, "--format", "json"], "");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let principals: Vec<(&str, &str)> = v["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["principal"].as_str().unwrap(), g["decision"].as_str().unwrap()))
        .collect();
    assert!(principals.contains(&(caller_yes, "allowed")), "{principals:?}");
    let caller_no = manifest["other"]["roles"]["caller-no"].as_str().unwrap();
    assert!(!principals.iter().any(|(p, _)| *p == caller_no || *p == OTHER), "{principals:?}");
    // can, both ways.
    let can = |who: &str| {
        let out = support::run(
            &["--snapshot", path.to_str().unwrap(), "can", who, "lambda:InvokeFunction", arn, "--format", "json"],
            "",
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(can(caller_yes), "allowed");
    assert_eq!(can(caller_no), "implicit_deny");
}

#[test]
fn two_regions_in_one_read_equal_the_merge_of_two_reads() {
    let Some(moto) = Moto::start("two_regions_in_one_read_equal_the_merge") else { return };
    moto.seed(&["--other-account"]);
    let (code, both, stderr) = moto.fetch(&[], &["--regions", "us-east-1,eu-west-1"]);
    assert_eq!(code, Some(0), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let (code, snap, stderr) = moto.fetch(&[], &["--regions", region]);
        assert_eq!(code, Some(0), "{stderr}");
        let path = dir.path().join(format!("{region}.json"));
        std::fs::write(&path, snap.to_json()).unwrap();
        parts.push(path.to_str().unwrap().to_string());
    }
    let out = support::run(&["merge", &parts[0], &parts[1]], "");
    let merged = Snapshot::from_json(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let comparable = |s: &Snapshot| {
        let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
        v["taken_at"] = Value::Null;
        for r in v["reads"].as_array_mut().unwrap() {
            r["taken_at"] = Value::Null;
        }
        v
    };
    assert_eq!(comparable(&merged), comparable(&both));
}

#[test]
fn org_reads_every_account_of_the_organisation_or_says_it_cannot() {
    let Some(moto) = Moto::start("org_reads_every_account_of_the_organisation") else { return };
    let manifest = moto.seed(&["--org", "--with-users"]);
    let member = manifest["org_member"].as_str().unwrap().to_string();
    let (code, snap, stderr) = moto.fetch(&[], &["--org", "--assume-role", "reader"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(snap.parts(), vec![("123456789012", "us-east-1"), (member.as_str(), "us-east-1")], "{stderr}");

    // A caller that may not list the organisation: said, a gap, and the run goes on.
    moto.http("POST", "/moto-api/reset-auth", "0");
    let auditor = &manifest["users"]["auditor"];
    let out = support::bin()
        .env("AWS_ACCESS_KEY_ID", auditor["key"].as_str().unwrap())
        .env("AWS_SECRET_ACCESS_KEY", auditor["secret"].as_str().unwrap())
        .args(["fetch", "--endpoint-url", &moto.endpoint, "--region", "us-east-1", "--org", "--assume-role", "reader"])
        .args(["--policy-rate", "0", "--lambda-rate", "0", "--iam-rate", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("the organisation's accounts could not be listed"), "{stderr}");
    let snap = Snapshot::from_json(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let gap = snap.gaps.iter().find(|g| g.operation == "organizations:ListAccounts").expect("a gap");
    assert_eq!(gap.reason, GapReason::AccessDenied);
    assert!(snap.functions.len() >= 10, "the caller's own account is still read");
}
