//! Reach on fixture snapshots: denies, the permission boundary, NotAction and wildcard
//! expansion against the catalog, a version's own role; and who-can-reach.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::catalog::{AccessLevel, Catalog};
use lambdascope::graph::Graph;
use lambdascope::policy::Decision;
use serde_json::json;
use support::fixture::*;

const BOUNDARY: &str = "arn:aws:iam::123456789012:policy/boundary";

fn graph() -> Graph {
    let mut s = snapshot();
    let mut bounded = function("bounded", "bounded-role");
    let mut v1 = version(&bounded, "1");
    v1.role_arn = role_arn("old-role");
    bounded.versions = vec![v1];
    s.functions = vec![bounded, function("legacy", "notaction-role"), function("orphan", "gone")];
    s.roles = vec![
        role(
            "bounded-role",
            vec![
                allow(json!("s3:*"), json!(["arn:aws:s3:::data", "arn:aws:s3:::data/*"])),
                allow(json!("dynamodb:*"), json!("*")),
                json!({"Effect": "Deny", "Action": "s3:DeleteObject*", "Resource": "*"}),
            ],
            &[],
            Some(BOUNDARY),
        ),
        role("old-role", vec![allow(json!("sqs:SendMessage"), json!("*"))], &[], None),
        role("notaction-role", vec![json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})], &[], None),
    ];
    s.managed_policies =
        vec![managed(BOUNDARY, vec![allow(json!(["s3:Get*", "s3:List*", "s3:DeleteObject"]), json!("*"))])];
    Graph::build(s)
}

#[test]
fn boundary_and_denies_cut_the_role_down() {
    let g = graph();
    let r = g.reach(&g.lookup("bounded").unwrap());
    let c = Catalog::embedded();
    // dynamodb is outside the boundary; only s3 Get*/List* remain; DeleteObject is denied.
    let services: Vec<&str> = r.services.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, ["s3"]);
    let s3 = &r.services[0];
    let expected = c.matching("s3:Get*").len() + c.matching("s3:List*").len();
    assert_eq!(s3.allowed, expected, "the catalog's s3:Get* and s3:List* actions");
    assert_eq!(s3.resources, ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]);
    assert!(s3.levels.iter().all(|l| matches!(l.level, AccessLevel::Read | AccessLevel::List)), "{:?}", s3.levels);
    assert!(r.denied.contains(&"s3:DeleteObject".to_string()), "{:?}", r.denied);
    assert_eq!(r.boundary_arn.as_deref(), Some(BOUNDARY));
    assert!(r.statements.iter().any(|st| st.boundary), "boundary statements are shown");
}

#[test]
fn not_action_expands_to_everything_else() {
    let g = graph();
    let r = g.reach(&g.lookup("legacy").unwrap());
    let c = Catalog::embedded();
    assert!(!r.everything);
    assert!(!r.services.iter().any(|s| s.service == "iam"));
    let total: usize = r.services.iter().map(|s| s.allowed).sum();
    assert_eq!(total, c.actions.len() - c.matching("iam:*").len());
    assert_eq!(r.statements[0].not_actions.as_deref(), Some(&["iam:*".to_string()][..]));
}

#[test]
fn a_version_reaches_with_the_role_it_was_published_with() {
    let g = graph();
    let r = g.reach(&g.lookup("bounded:1").unwrap());
    assert_eq!(r.role_arn, role_arn("old-role"));
    assert_eq!(r.services[0].service, "sqs");
}

#[test]
fn a_missing_role_is_unknown() {
    let g = graph();
    let r = g.reach(&g.lookup("orphan").unwrap());
    assert!(r.services.is_empty());
    assert!(r.unread[0].contains("not in the snapshot"), "{:?}", r.unread);
}

#[test]
fn who_can_reach_finds_roles_by_their_policies() {
    let g = graph();
    let w = g.who_can_reach("s3:GetObject", "arn:aws:s3:::data/report.csv");
    let roles: Vec<&str> = w.roles.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(roles, [role_arn("bounded-role"), role_arn("notaction-role")]);
    assert!(w.roles.iter().all(|r| r.decision == Decision::Allowed));
    assert_eq!(w.roles[0].functions, ["bounded"]);
    let none = g.who_can_reach("s3:DeleteObject", "arn:aws:s3:::data/report.csv");
    assert_eq!(none.roles.len(), 1, "the explicit Deny removes the bounded role: {:?}", none.roles);
    assert!(none.unread.iter().any(|u| u.contains("orphan") || u.contains("gone")), "{:?}", none.unread);
}

#[test]
fn actions_whose_resource_must_agree_say_so_and_trust_policies_resolve_assume_role() {
    let mut s = snapshot();
    let mut hopper = role(
        "hopper",
        vec![allow(json!("sts:AssumeRole"), json!("*")), allow(json!("kms:Decrypt"), json!("*"))],
        &[],
        None,
    );
    hopper.trust_policy = Some(text(vec![
        json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
    ]));
    let mut trusting = role("trusting", vec![], &[], None);
    trusting.trust_policy = Some(text(vec![
        json!({"Effect": "Allow", "Principal": {"AWS": role_arn("hopper")}, "Action": "sts:AssumeRole"}),
    ]));
    let mut lambda_only = role("lambda-only", vec![], &[], None);
    lambda_only.trust_policy = hopper.trust_policy.clone();
    s.roles = vec![hopper, trusting, lambda_only];
    s.functions = vec![function("hops", "hopper")];
    let g = Graph::build(s);
    let r = g.reach(&g.lookup("hops").unwrap());
    let needs =
        |service: &str| r.services.iter().find(|x| x.service == service).and_then(|x| x.requires.clone()).unwrap();
    let sts = needs("sts");
    assert!(sts.contains(&format!("it can assume {}", role_arn("trusting"))), "{sts}");
    assert!(!sts.contains("lambda-only"), "a trust policy that lets in only Lambda is not assumable: {sts}");
    assert!(needs("kms").contains("key policy allows this role"));
}
