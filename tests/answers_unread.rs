//! Every answer says what it could not see: each command names the unread inputs its answer
//! depends on, says "none in what could be read" instead of "none" while any remain, and
//! exits 4; inputs that do not bear on the answer leave it whole (exit 0).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::{GapReason, Snapshot};
use serde_json::{Value, json};
use support::fixture::*;

/// A small account with nothing unread: one function with an alias, a role with an
/// attached managed policy.
fn complete() -> Snapshot {
    let mut s = snapshot();
    let mut f = function("orders", "exec");
    f.versions = vec![version(&f, "1")];
    f.aliases = vec![alias(&f, "live", "1")];
    s.functions = vec![f];
    let policy = "arn:aws:iam::123456789012:policy/orders-data";
    s.roles = vec![role("exec", vec![allow(json!("sqs:SendMessage"), json!("*"))], &[policy], None)];
    s.managed_policies = vec![managed(policy, vec![allow(json!("dynamodb:GetItem"), json!("*"))])];
    s
}

/// Runs the binary on `snap` with `args`: (exit code, stdout).
fn run_on(snap: &Snapshot, args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let mut all = vec!["--snapshot", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = support::run(&all, "");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn json_on(snap: &Snapshot, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out) = run_on(snap, &all);
    (code, serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}")))
}

fn unread(v: &Value) -> Vec<String> {
    v["unread"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_string()).collect()
}

#[test]
fn a_complete_snapshot_answers_whole_with_exit_0() {
    let s = complete();
    let arn = fn_arn("orders");
    for args in [
        vec!["who-can-invoke", "orders"],
        vec!["reach", "orders"],
        vec!["who-can-reach", "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"],
        vec!["can", "arn:aws:iam::123456789012:role/exec", "lambda:InvokeFunction", arn.as_str()],
        vec!["findings"],
        vec!["summary"],
    ] {
        let (code, out) = run_on(&s, &args);
        assert_eq!(code, Some(0), "{args:?}: {out}");
        assert!(!out.contains("in what could be read"), "{args:?}: {out}");
    }
}

#[test]
fn reach_on_a_role_whose_attached_policies_could_not_be_listed_is_not_nothing() {
    let mut s = complete();
    s.roles[0].inline_policies.clear();
    s.roles[0].attached_policy_arns.clear();
    s.gaps.push(gap("iam:ListAttachedRolePolicies", &role_arn("exec"), GapReason::Throttled));
    let (code, out) = run_on(&s, &["reach", "orders"]);
    assert_eq!(code, Some(4), "{out}");
    assert!(!out.contains("\n  nothing: no statement allows any action\n"), "{out}");
    assert!(out.contains("nothing: no statement allows any action in what could be read: 1 input unread"), "{out}");
    assert!(
        out.contains(
            "managed policies attached to arn:aws:iam::123456789012:role/exec could not be listed (throttled)"
        )
    );
    let (code, v) = json_on(&s, &["reach", "orders"]);
    assert_eq!(code, Some(4));
    assert_eq!(unread(&v).len(), 1, "{v}");
}

#[test]
fn an_inline_policy_that_could_not_be_read_makes_reach_partial() {
    let mut s = complete();
    s.gaps.push(gap("iam:GetRolePolicy", &format!("{}/secret-policy", role_arn("exec")), GapReason::AccessDenied));
    let (code, v) = json_on(&s, &["reach", "orders"]);
    assert_eq!(code, Some(4));
    assert!(
        unread(&v)[0].starts_with("inline policy arn:aws:iam::123456789012:role/exec/secret-policy could not be read")
    );
    // What could be read is still shown.
    assert!(v["services"].as_array().unwrap().iter().any(|s| s["service"] == "sqs"), "{v}");
}

#[test]
fn who_can_invoke_names_aliases_that_could_not_be_listed() {
    let mut s = complete();
    s.functions[0].aliases.clear();
    s.gaps.push(gap("lambda:ListAliases", &fn_arn("orders"), GapReason::Throttled));
    let (code, out) = run_on(&s, &["who-can-invoke", "orders"]);
    assert_eq!(code, Some(4), "{out}");
    assert!(
        out.contains(&format!(
            "aliases of {} could not be listed (throttled): grants on aliases are unknown",
            fn_arn("orders")
        )),
        "{out}"
    );
    assert!(out.contains("no grants in what could be read"), "{out}");
    // A version is no alias: asking about it does not depend on the alias listing.
    let (code, v) = json_on(&s, &["who-can-invoke", "orders:1"]);
    assert_eq!(code, Some(0), "{v}");
}

#[test]
fn who_can_invoke_is_partial_while_users_are_unread_but_reach_is_not() {
    let mut s = complete();
    s.gaps.push(gap("iam:ListUsers", "*", GapReason::AccessDenied));
    let (code, v) = json_on(&s, &["who-can-invoke", "orders"]);
    assert_eq!(code, Some(4));
    assert!(unread(&v)[0].starts_with("IAM users could not be listed (access denied)"), "{v}");
    // What a function can reach does not depend on the account's users.
    let (code, v) = json_on(&s, &["reach", "orders"]);
    assert_eq!((code, unread(&v).len()), (Some(0), 0), "{v}");
    let (code, v) = json_on(&s, &["findings"]);
    assert_eq!((code, unread(&v).len()), (Some(0), 0), "{v}");
}

#[test]
fn findings_on_an_unreadable_account_are_not_a_clean_bill() {
    let mut s = snapshot();
    for op in ["lambda:ListFunctions", "lambda:ListEventSourceMappings", "iam:ListRoles"] {
        s.gaps.push(gap(op, "*", GapReason::AccessDenied));
    }
    let (code, out) = run_on(&s, &["findings", "--fail-on", "low"]);
    assert_eq!(code, Some(4), "a CI gate must not pass on an unreadable account: {out}");
    assert!(out.starts_with("no findings in what could be read: 3 inputs unread"), "{out}");
    assert!(out.contains("the function listing stopped early (access denied)"), "{out}");
    // A finding at the threshold decides the gate, whatever is unread.
    let mut s = complete();
    s.functions[0].policy = Some(text(vec![grant(json!("*"), "lambda:InvokeFunction", &fn_arn("orders"))]));
    s.gaps.push(gap("lambda:ListEventSourceMappings", "*", GapReason::Throttled));
    let (code, _) = run_on(&s, &["findings", "--fail-on", "high"]);
    assert_eq!(code, Some(5));
}

#[test]
fn can_names_an_unreadable_resource_policy() {
    let mut s = complete();
    s.gaps.push(gap("lambda:GetPolicy", &format!("{}:live", fn_arn("orders")), GapReason::Throttled));
    let live = format!("{}:live", fn_arn("orders"));
    let caller = "arn:aws:iam::111122223333:role/partner";
    let (code, v) = json_on(&s, &["can", caller, "lambda:InvokeFunction", &live]);
    assert_eq!(code, Some(4), "{v}");
    assert!(unread(&v)[0].contains("could not be read (throttled)"), "{v}");
    // The unqualified function's policy was read: asking about it is whole.
    let (code, v) = json_on(&s, &["can", caller, "lambda:InvokeFunction", &fn_arn("orders")]);
    assert_eq!(code, Some(0), "{v}");
}

#[test]
fn a_deleted_role_reaches_nothing_and_that_is_an_answer() {
    let mut s = complete();
    s.roles.clear();
    s.managed_policies.clear();
    s.absent.push(lambdascope::model::Absent {
        kind: lambdascope::model::AbsentKind::Role,
        arn: role_arn("exec"),
        operation: "iam:GetRole".into(),
        message: "NoSuchEntity".into(),
    });
    let (code, out) = run_on(&s, &["reach", "orders"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("\n  nothing: no statement allows any action\n"), "{out}");
}

#[test]
fn who_can_reach_counts_roles_it_could_not_read() {
    let mut s = complete();
    s.functions.push(function("other", "unreadable"));
    s.gaps.push(gap("iam:GetRole", &role_arn("unreadable"), GapReason::Throttled));
    let (code, out) = run_on(&s, &["who-can-reach", "s3:GetObject", "arn:aws:s3:::b/k"]);
    assert_eq!(code, Some(4), "{out}");
    assert!(out.contains("none in what could be read: 1 input unread"), "{out}");
    assert!(out.contains("role arn:aws:iam::123456789012:role/unreadable could not be read (throttled)"), "{out}");
}

#[test]
fn can_exits_4_when_it_cannot_decide() {
    let s = complete();
    // The role's identity policy allows SQS, but the queue's own policy was never read.
    let args =
        ["can", "arn:aws:iam::123456789012:role/exec", "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"];
    let (code, v) = json_on(&s, &args);
    assert_eq!((code, v["decision"].as_str()), (Some(4), Some("unknown")), "{v}");
    // A decided answer with everything read exits 0, whatever the decision.
    let args = ["can", "arn:aws:iam::123456789012:role/exec", "lambda:DeleteFunction", &fn_arn("orders")];
    let (code, v) = json_on(&s, &args);
    assert_eq!((code, v["decision"].as_str()), (Some(0), Some("implicit_deny")), "{v}");
}
