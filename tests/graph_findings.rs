//! Every finding rule has a function that should trigger it (`pos-…`) and a near miss that
//! should not (`neg-…`); and diff reports what changed between two snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::graph::{self, Graph, Severity};
use lambdascope::model::{Absent, AbsentKind, GapReason, Snapshot, UrlAuthType};
use serde_json::{Value, json};
use support::fixture::*;

fn with_policy(name: &str, role: &str, statements: impl Fn(&str) -> Vec<Value>) -> lambdascope::model::Function {
    let mut f = function(name, role);
    f.policy = Some(text(statements(&f.arn)));
    f
}

fn conditioned(mut st: Value, c: Value) -> Value {
    st["Condition"] = c;
    st
}

fn account() -> Snapshot {
    let mut s = snapshot();
    let invoke = "lambda:InvokeFunction";
    let url_pair = |arn: &str, both: bool| {
        let mut v = vec![conditioned(
            grant(json!("*"), "lambda:InvokeFunctionUrl", arn),
            json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
        )];
        if both {
            v.push(conditioned(
                grant(json!("*"), invoke, arn),
                json!({"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}),
            ));
        }
        v
    };
    s.functions = vec![
        with_policy("pos-public-invoke", "plain", |a| vec![grant(json!("*"), invoke, a)]),
        with_policy("neg-public-invoke", "plain", |a| {
            vec![conditioned(grant(json!("*"), invoke, a), json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}))]
        }),
        {
            let mut f = with_policy("pos-public-url", "plain", |a| url_pair(a, true));
            f.urls = vec![url(None, UrlAuthType::None)];
            f
        },
        {
            let mut f = function("neg-public-url", "plain");
            f.urls = vec![url(None, UrlAuthType::AwsIam)];
            f
        },
        {
            let mut f = with_policy("pos-url-403", "plain", |a| url_pair(a, false));
            f.urls = vec![url(None, UrlAuthType::None)];
            f
        },
        with_policy("pos-confused-deputy", "plain", |a| {
            vec![grant(json!({"Service": "sns.amazonaws.com"}), invoke, a)]
        }),
        with_policy("neg-confused-deputy", "plain", |a| {
            vec![conditioned(
                grant(json!({"Service": "sns.amazonaws.com"}), invoke, a),
                json!({"StringEquals": {"AWS:SourceAccount": ACCOUNT}}),
            )]
        }),
        with_policy("pos-cross-account", "plain", |a| {
            vec![grant(json!({"AWS": "arn:aws:iam::111122223333:role/x"}), invoke, a)]
        }),
        with_policy("neg-cross-account", "plain", |a| vec![grant(json!({"AWS": role_arn("plain")}), invoke, a)]),
        with_policy("pos-deleted-principal", "plain", |a| {
            vec![grant(json!({"AWS": "AIDAQXZ7EXAMPLEDELETED"}), invoke, a)]
        }),
        function("pos-admin-role", "admin"),
        function("pos-notaction-role", "notaction"),
        function("pos-privilege-escalation", "passrole"),
        function("neg-privilege-escalation", "passrole-scoped"),
        function("pos-write-everywhere", "dynamo-star"),
        function("neg-write-everywhere", "dynamo-table"),
        function("pos-missing-role", "gone"),
        // Unread is not missing: a role that could not be read makes no missing-role finding.
        function("neg-missing-role", "unreadable"),
        {
            let mut f = function("pos-secret-env", "plain");
            f.env_var_names = vec!["DB_PASSWORD".into(), "LOG_LEVEL".into()];
            f
        },
        {
            let mut f = function("neg-secret-env", "plain2");
            f.env_var_names = vec!["LOG_LEVEL".into(), "TABLE".into()];
            f
        },
        {
            let mut f = function("pos-scope-more-open", "plain2");
            let mut live = alias(&f, "live", "1");
            live.policy = Some(text(vec![grant(json!({"Service": "events.amazonaws.com"}), invoke, &live.arn)]));
            f.aliases = vec![live];
            f
        },
        {
            let mut f = with_policy("neg-scope-more-open", "plain2", |a| {
                vec![grant(json!({"AWS": role_arn("plain")}), invoke, a)]
            });
            let mut live = alias(&f, "live", "1");
            live.policy = Some(text(vec![grant(json!({"AWS": role_arn("plain")}), invoke, &live.arn)]));
            f.aliases = vec![live];
            f
        },
    ];
    // Five functions share "shared" (a finding); four share "plain2" (none).
    for i in 0..5 {
        s.functions.push(function(&format!("pos-shared-role-{i}"), "shared"));
    }
    s.roles = vec![
        role("plain", vec![allow(json!("logs:PutLogEvents"), json!("*"))], &[], None),
        role("plain2", vec![], &[], None),
        role("shared", vec![], &[], None),
        role("admin", vec![allow(json!("*"), json!("*"))], &[], None),
        role(
            "notaction",
            vec![json!({"Effect": "Allow", "NotAction": ["iam:*", "lambda:*", "sts:*"], "Resource": "*"})],
            &[],
            None,
        ),
        role("passrole", vec![allow(json!("iam:PassRole"), json!("*"))], &[], None),
        role("passrole-scoped", vec![allow(json!("iam:PassRole"), json!(role_arn("worker")))], &[], None),
        role("dynamo-star", vec![allow(json!("dynamodb:PutItem"), json!("*"))], &[], None),
        role(
            "dynamo-table",
            vec![allow(json!("dynamodb:PutItem"), json!("arn:aws:dynamodb:us-east-1:123456789012:table/t"))],
            &[],
            None,
        ),
    ];
    s.absent.push(Absent {
        kind: AbsentKind::Role,
        arn: role_arn("gone"),
        operation: "iam:GetRole".into(),
        message: "NoSuchEntity".into(),
    });
    s.gaps.push(gap("iam:GetRole", &role_arn("unreadable"), GapReason::AccessDenied));
    s
}

const RULES: &[&str] = &[
    "public-invoke",
    "public-url",
    "url-403",
    "confused-deputy",
    "cross-account",
    "deleted-principal",
    "admin-role",
    "notaction-role",
    "privilege-escalation",
    "write-everywhere",
    "missing-role",
    "secret-env",
    "scope-more-open",
];

#[test]
fn each_rule_fires_on_its_case_and_not_on_the_near_miss() {
    let g = Graph::build(account());
    let findings = g.findings();
    let fired = |rule: &str, function: &str| findings.iter().any(|f| f.id == rule && f.function == function);
    for rule in RULES {
        assert!(fired(rule, &format!("pos-{rule}")), "{rule} did not fire on pos-{rule}: {findings:#?}");
        assert!(!fired(rule, &format!("neg-{rule}")), "{rule} fired on neg-{rule}");
    }
    // The org-limited public grant is an org-wide grant, not a public one.
    assert!(fired("org-wide", "neg-public-invoke"));
    for i in 0..5 {
        assert!(fired("shared-role", &format!("pos-shared-role-{i}")));
    }
    assert!(
        !findings.iter().any(|f| f.id == "shared-role" && f.evidence[0] == role_arn("plain2")),
        "four functions are not many"
    );
    let severity = |rule: &str| findings.iter().find(|f| f.id == rule).unwrap().severity;
    assert_eq!(severity("public-invoke"), Severity::Critical);
    assert_eq!(severity("admin-role"), Severity::Critical);
    assert_eq!(severity("confused-deputy"), Severity::High);
    assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity), "most severe first");
}

#[test]
fn the_scope_finding_names_the_qualifier() {
    let g = Graph::build(account());
    let f = g.findings().into_iter().find(|f| f.id == "scope-more-open").unwrap();
    assert_eq!(f.qualifier.as_deref(), Some("live"));
    assert!(f.title.contains("events.amazonaws.com"));
}

#[test]
fn diff_reports_grants_reach_and_findings_that_changed() {
    let old = account();
    let mut new = old.clone();
    let target = new.functions.iter_mut().find(|f| f.name == "neg-cross-account").unwrap();
    target.policy = Some(text(vec![grant(json!("*"), "lambda:InvokeFunction", &target.arn)]));
    new.roles.iter_mut().find(|r| r.name == "plain").unwrap().inline_policies[0].document =
        text(vec![allow(json!(["logs:PutLogEvents", "s3:GetObject"]), json!("*"))]);
    new.functions.retain(|f| f.name != "pos-missing-role");
    let d = graph::diff(&Graph::build(old.clone()), &Graph::build(new));
    assert_eq!(d.functions_removed, ["pos-missing-role"]);
    assert!(
        d.invokers_added.iter().any(|c| c.function == "neg-cross-account" && c.principal == "*"),
        "{:?}",
        d.invokers_added
    );
    assert!(d.invokers_removed.iter().any(|c| c.function == "neg-cross-account" && c.principal == role_arn("plain")));
    assert!(
        d.reach_gained.iter().any(|r| r.function == "pos-public-invoke" && r.actions == ["s3:GetObject"]),
        "{:?}",
        d.reach_gained
    );
    assert!(d.reach_lost.is_empty());
    assert!(d.findings_introduced.iter().any(|f| f.id == "public-invoke" && f.function == "neg-cross-account"));
    assert!(d.findings_resolved.iter().any(|f| f.id == "missing-role"));
    assert!(graph::diff(&Graph::build(old.clone()), &Graph::build(old)).is_empty());
}
