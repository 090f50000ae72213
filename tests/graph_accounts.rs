//! Snapshots of several accounts and regions: a grant to another account that was read is
//! decided by that account's identity policies (both sides), one to an account not read
//! stays conditional; names shared across regions need the ARN.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::graph::{Grant, Graph, LookupError, Path, Verdict};
use lambdascope::model::{Read, Snapshot, UrlAuthType};
use serde_json::json;
use support::fixture::*;

const B: &str = "210987654321";

fn b_role(name: &str) -> String {
    format!("arn:aws:iam::{B}:role/{name}")
}

fn two_accounts(build: impl FnOnce(&mut Snapshot)) -> Graph {
    let mut s = snapshot();
    let read = |account: &str, region: &str| Read {
        account_id: account.into(),
        region: region.into(),
        caller_arn: None,
        taken_at: s.taken_at,
    };
    s.reads = vec![read(ACCOUNT, "us-east-1"), read(B, "us-east-1"), read(ACCOUNT, "eu-west-1")];
    s.roles.push(role("exec", vec![], &[], None));
    let mut other = |name: &str, statements| {
        let mut r = role(name, statements, &[], None);
        r.arn = b_role(name);
        s.roles.push(r);
    };
    other("invoker", vec![allow(json!("lambda:Invoke*"), json!("*"))]);
    other("url-only", vec![allow(json!("lambda:InvokeFunctionUrl"), json!("*"))]);
    other("bystander", vec![allow(json!("s3:GetObject"), json!("*"))]);
    build(&mut s);
    s.validate().unwrap();
    Graph::build(s)
}

fn rows<'a>(all: &'a [Grant], principal: &str) -> Vec<&'a Grant> {
    all.iter().filter(|g| g.principal == principal).collect()
}

#[test]
fn a_grant_to_an_account_that_was_read_is_decided_per_principal() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.policy = Some(text(vec![
            grant(json!({"AWS": B}), "lambda:InvokeFunction", &fn_arn("fn")),
            grant(json!({"AWS": "333333333333"}), "lambda:InvokeFunction", &fn_arn("fn")),
        ]));
        s.functions.push(f);
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    // The account row is replaced by the principals both sides allow.
    assert!(rows(&all, B).is_empty(), "{all:#?}");
    let invoker = rows(&all, &b_role("invoker"));
    assert_eq!(invoker.len(), 1, "{all:#?}");
    assert_eq!((invoker[0].decision, invoker[0].path), (Verdict::Allowed, Path::ResourcePolicy));
    assert!(invoker[0].source.contains("account 210987654321 was read"), "{:?}", invoker[0]);
    assert!(rows(&all, &b_role("bystander")).is_empty(), "its identity policies do not allow it");
    // An account that was not read stays conditional on its identity policies.
    let unread = rows(&all, "333333333333");
    assert_eq!(unread[0].decision, Verdict::Conditional);
    assert!(unread[0].conditions.iter().any(|c| c.contains("account 333333333333")), "{unread:?}");
    // can: the same answer, both ways.
    let can =
        |who: &str| g.can(who, "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap().decision.as_str();
    assert_eq!(can(&b_role("invoker")), "allowed");
    assert_eq!(can(&b_role("bystander")), "implicit_deny");
}

#[test]
fn a_grant_to_one_role_of_a_read_account_is_decided_or_denied() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.policy = Some(text(vec![
            grant(json!({"AWS": b_role("bystander")}), "lambda:InvokeFunction", &fn_arn("fn")),
            grant(json!({"AWS": b_role("invoker")}), "lambda:InvokeFunction", &fn_arn("fn")),
            grant(json!({"AWS": b_role("gone")}), "lambda:InvokeFunction", &fn_arn("fn")),
        ]));
        s.functions.push(f);
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    assert_eq!(rows(&all, &b_role("invoker"))[0].decision, Verdict::Allowed);
    let bystander = rows(&all, &b_role("bystander"));
    assert_eq!(bystander[0].decision, Verdict::Denied, "{bystander:?}");
    let gone = rows(&all, &b_role("gone"));
    assert_eq!(gone[0].decision, Verdict::Denied);
    assert!(gone[0].conditions[0].contains("has no principal"), "{gone:?}");
}

#[test]
fn an_aws_iam_url_from_a_read_account_needs_both_permissions_on_both_sides() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.urls = vec![url(None, UrlAuthType::AwsIam)];
        f.policy = Some(text(vec![
            grant(json!({"AWS": B}), "lambda:InvokeFunctionUrl", &fn_arn("fn")),
            grant(json!({"AWS": B}), "lambda:InvokeFunction", &fn_arn("fn")),
        ]));
        s.functions.push(f);
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    let url_rows: Vec<&Grant> = all.iter().filter(|x| x.path == Path::FunctionUrl).collect();
    // invoker's identity allows both actions; url-only lacks InvokeFunction: no URL call for it.
    assert!(
        url_rows.iter().any(|x| x.principal == b_role("invoker") && x.decision == Verdict::Allowed),
        "{url_rows:#?}"
    );
    assert!(!url_rows.iter().any(|x| x.principal == b_role("url-only")), "{url_rows:#?}");
}

#[test]
fn the_same_name_in_two_regions_needs_its_arn() {
    let g = two_accounts(|s| {
        let east = function("fn", "exec");
        let mut west = function("fn", "exec");
        west.arn = west.arn.replace("us-east-1", "eu-west-1");
        s.functions.extend([east, west]);
    });
    match g.lookup("fn") {
        Err(LookupError::Ambiguous { arns, .. }) => assert_eq!(arns.len(), 2),
        other => panic!("{other:?}"),
    }
    let west = g.lookup(&fn_arn("fn").replace("us-east-1", "eu-west-1")).unwrap();
    assert!(g.function(west.function).arn.contains("eu-west-1"));
    assert!(g.lookup(&fn_arn("fn").replace("us-east-1", "ap-south-1")).is_err(), "a region not read");
}

#[test]
fn a_function_of_an_account_and_region_not_read_is_refused_on_load() {
    let mut s = snapshot();
    let mut f = function("fn", "exec");
    f.arn = f.arn.replace("us-east-1", "eu-west-1");
    s.functions.push(f);
    assert!(s.validate().unwrap_err().to_string().contains("another account and region read"));
}
