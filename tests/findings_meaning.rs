//! Findings decided by what conditions mean, not how they read: a public grant behind a
//! condition every outsider satisfies is still public; a wildcard organisation id is public,
//! a literal one is org-wide; a service grant is a confused deputy unless a condition on the
//! source keeps outsiders out (mentioning `aws:SourceArn` as a value does not); and an
//! administrator role is one that allows every action on every resource, unconditionally.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::graph::Graph;
use lambdascope::model::Snapshot;
use serde_json::{Value, json};
use support::fixture::*;

/// One function per case, each with a one-statement resource policy.
fn account(cases: &[(&str, Value, Option<Value>)]) -> Snapshot {
    let mut s = snapshot();
    s.roles = vec![role("exec", vec![], &[], None)];
    for (name, principal, condition) in cases {
        let mut f = function(name, "exec");
        let mut statement = grant(principal.clone(), "lambda:InvokeFunction", &fn_arn(name));
        if let Some(c) = condition {
            statement["Condition"] = c.clone();
        }
        f.policy = Some(text(vec![statement]));
        s.functions.push(f);
    }
    s
}

fn fired(g: &Graph, rule: &str, function: &str) -> bool {
    g.findings().iter().any(|f| f.id == rule && f.function == function)
}

#[test]
fn a_public_grant_behind_a_condition_everyone_satisfies_is_public() {
    let g = Graph::build(account(&[
        ("if-exists-star", json!("*"), Some(json!({"StringLikeIfExists": {"aws:SourceArn": "*"}}))),
        ("referer", json!("*"), Some(json!({"StringEquals": {"aws:Referer": "https://example.com"}}))),
        ("any-ipv4", json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))),
        ("private-ips", json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))),
        ("source-bucket", json!("*"), Some(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::mine"}}))),
    ]));
    for public in ["if-exists-star", "referer", "any-ipv4"] {
        assert!(fired(&g, "public-invoke", public), "{public}: {:#?}", g.findings());
    }
    for restricted in ["private-ips", "source-bucket"] {
        assert!(!fired(&g, "public-invoke", restricted), "{restricted}");
    }
}

#[test]
fn a_wildcard_organisation_is_public_and_a_named_one_is_org_wide() {
    let g = Graph::build(account(&[
        ("any-org", json!("*"), Some(json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}}))),
        ("if-exists-org", json!("*"), Some(json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}))),
        ("our-org", json!("*"), Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))),
    ]));
    assert!(fired(&g, "public-invoke", "any-org") && !fired(&g, "org-wide", "any-org"));
    assert!(fired(&g, "public-invoke", "if-exists-org"), "anonymous callers carry no organisation id");
    assert!(fired(&g, "org-wide", "our-org") && !fired(&g, "public-invoke", "our-org"));
}

#[test]
fn a_service_grant_is_a_confused_deputy_unless_the_source_is_pinned() {
    let s3 = json!({"Service": "s3.amazonaws.com"});
    let g = Graph::build(account(&[
        ("mentions-only", s3.clone(), Some(json!({"StringEquals": {"aws:PrincipalTag/note": "aws:SourceArn"}}))),
        ("star-source", s3.clone(), Some(json!({"StringLikeIfExists": {"aws:SourceArn": "*"}}))),
        ("pinned-arn", s3.clone(), Some(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}}))),
        ("pinned-account", s3.clone(), Some(json!({"StringEquals": {"aws:SourceAccount": "123456789012"}}))),
        ("bare", s3, None),
    ]));
    for deputy in ["mentions-only", "star-source", "bare"] {
        assert!(fired(&g, "confused-deputy", deputy), "{deputy}");
    }
    for pinned in ["pinned-arn", "pinned-account"] {
        assert!(!fired(&g, "confused-deputy", pinned), "{pinned}");
    }
}

#[test]
fn admin_role_means_every_action_on_every_resource_without_a_condition() {
    let mut s = snapshot();
    let star = |resource: Value| allow(json!("*"), resource);
    s.roles = vec![
        role("admin", vec![star(json!("*"))], &[], None),
        role("one-bucket", vec![star(json!(["arn:aws:s3:::data", "arn:aws:s3:::data/*"]))], &[], None),
        role(
            "conditional",
            vec![{
                let mut st = star(json!("*"));
                st["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}});
                st
            }],
            &[],
            None,
        ),
    ];
    s.functions =
        vec![function("admin-fn", "admin"), function("bucket-fn", "one-bucket"), function("cond-fn", "conditional")];
    let g = Graph::build(s);
    assert!(fired(&g, "admin-role", "admin-fn"));
    assert!(!fired(&g, "admin-role", "bucket-fn"), "Action * on one bucket is not an administrator");
    assert!(!fired(&g, "admin-role", "cond-fn"), "a limiting condition is not every resource, always");
}
