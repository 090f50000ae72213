//! Strict input: a snapshot file that misspells a field, or whose names, ARNs, accounts
//! and regions disagree, is refused with a message naming what is wrong (never loaded as
//! an emptier account); and what `fetch` writes always passes the same rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::{GapReason, Snapshot, UrlAuthType};
use serde_json::{Value, json};
use support::fixture::*;

fn account() -> Snapshot {
    let mut s = snapshot();
    let mut f = function("orders", "exec");
    f.versions = vec![version(&f, "1")];
    f.aliases = vec![alias(&f, "live", "1")];
    f.urls = vec![url(Some("live"), UrlAuthType::AwsIam)];
    s.functions = vec![f];
    s.roles = vec![role("exec", vec![], &[], None)];
    s
}

/// Loads the account after `edit` changed its JSON; the error text, or "" when it loads.
fn load_edited(edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&account().to_json()).unwrap();
    edit(&mut v);
    match Snapshot::from_json(&v.to_string()) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_account_as_written_loads() {
    assert_eq!(load_edited(|_| {}), "");
}

#[test]
fn a_misspelt_field_is_refused_not_ignored() {
    let e = load_edited(|v| {
        let functions = v["functions"].take();
        v.as_object_mut().unwrap().remove("functions");
        v["Functions"] = functions;
    });
    assert!(e.contains("unknown field `Functions`"), "{e}");
    let e = load_edited(|v| v["functions"][0]["enviroment"] = json!({"A": "b"}));
    assert!(e.contains("unknown field `enviroment`"), "{e}");
    let e = load_edited(|v| v["functions"][0]["policy"] = json!({"raw": "{}", "parsd": {}}));
    assert!(e.contains("unknown field `parsd`"), "{e}");
}

/// A change to the snapshot's JSON.
type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn names_arns_accounts_and_regions_must_agree() {
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v["functions"][0]["arn"] = json!("arn:aws:lambda:us-east-1:999999999999:function:orders")),
            "expected \"arn:aws:lambda:us-east-1:123456789012:function:orders\"",
        ),
        (
            Box::new(|v| v["functions"][0]["arn"] = json!("arn:aws:lambda:eu-west-1:123456789012:function:orders")),
            "has the ARN",
        ),
        (Box::new(|v| v["functions"][0]["name"] = json!("or ders")), "is not a Lambda function name"),
        (Box::new(|v| v["region"] = json!("US East")), "is not a region name"),
        (
            Box::new(|v| {
                v["functions"][0]["versions"][0]["arn"] =
                    json!("arn:aws:lambda:us-east-1:123456789012:function:other:1")
            }),
            "invalid version \"1\"",
        ),
        (
            Box::new(|v| {
                let a = v["functions"][0]["aliases"][0].clone();
                v["functions"][0]["aliases"].as_array_mut().unwrap().push(a);
            }),
            "lists the qualifier \"live\" twice",
        ),
        (
            Box::new(|v| {
                let x = v["functions"][0]["versions"][0].clone();
                v["functions"][0]["versions"].as_array_mut().unwrap().push(x);
            }),
            "lists version 1 twice",
        ),
        (
            Box::new(|v| v["functions"][0]["urls"][0]["qualifier"] = json!("prod")),
            "a URL on \"prod\", which is not one of its aliases",
        ),
        (
            Box::new(|v| v["roles"][0]["arn"] = json!("arn:aws:lambda:us-east-1:123456789012:function:orders")),
            "role has an invalid ARN",
        ),
        (
            Box::new(|v| {
                let r = v["roles"][0].clone();
                v["roles"].as_array_mut().unwrap().push(r);
            }),
            "appears twice",
        ),
    ];
    for (edit, message) in cases {
        let e = load_edited(edit);
        assert!(e.contains(message), "expected «{message}» in «{e}»");
    }
}

#[test]
fn quarantine_drops_what_breaks_the_rules_and_records_a_gap_for_it() {
    let mut s = account();
    let mut stray = function("stray", "exec");
    stray.arn = "arn:aws:lambda:us-east-1:999999999999:function:stray".into();
    s.functions.push(stray);
    s.functions.push(function("orders", "exec"));
    s.roles.push(role("", vec![], &[], None));
    let gaps = s.quarantine().unwrap();
    assert_eq!(gaps.len(), 3, "{gaps:?}");
    assert!(gaps.iter().all(|g| g.reason == GapReason::Error && g.message.starts_with("the answer could not be used")));
    assert_eq!(s.functions.len(), 1);
    assert_eq!(s.roles.len(), 1);
    s.validate().unwrap();
    Snapshot::from_json(&s.to_json()).unwrap();
}

#[test]
fn a_managed_instances_function_with_latest_published_loads_and_runs_its_role_unqualified() {
    let mut s = account();
    let mut v = version(&s.functions[0], "1");
    v.version = "$LATEST.PUBLISHED".into();
    v.arn = format!("{}:$LATEST.PUBLISHED", s.functions[0].arn);
    v.role_arn = role_arn("published-role");
    s.functions[0].versions.push(v);
    s.validate().unwrap();
    let mut fetched = s.clone();
    assert!(fetched.quarantine().unwrap().is_empty(), "it is not dropped as inconsistent");
    let loaded = Snapshot::from_json(&s.to_json()).unwrap();
    let g = lambdascope::graph::Graph::build(loaded);
    // An unqualified invocation runs $LATEST.PUBLISHED, so its role is the one that acts.
    assert_eq!(g.role_of(&g.lookup("orders").unwrap()), role_arn("published-role"));
    assert_eq!(g.role_of(&g.lookup("orders:1").unwrap()), role_arn("exec"));
}
