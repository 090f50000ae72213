//! Role chains: sts:AssumeRole from a role to one whose trust policy lets it in, within an
//! account and across accounts the snapshot holds; a trust policy that does not let it in
//! is no edge; cycles end; who-can-invoke lists principals that get in by assuming a role.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::graph::{Graph, Path, Verdict};
use lambdascope::model::{Read, Role, Snapshot};
use serde_json::{Value, json};
use support::fixture::*;

const B: &str = "210987654321";

fn trusting(mut r: Role, who: &[String]) -> Role {
    let statement = json!({"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"});
    r.trust_policy = Some(text(vec![statement]));
    r
}

fn may_assume(targets: Value) -> Value {
    allow(json!("sts:AssumeRole"), targets)
}

fn graph(build: impl FnOnce(&mut Snapshot)) -> Graph {
    let mut s = snapshot();
    build(&mut s);
    s.validate().unwrap();
    Graph::build(s)
}

fn chain_ends(g: &Graph, role: &str) -> Vec<Vec<String>> {
    g.role_chains(role).into_iter().map(|c| c.hops.into_iter().map(|h| h.to).collect()).collect()
}

#[test]
fn a_two_hop_chain_inside_one_account_and_what_it_adds() {
    let g = graph(|s| {
        s.roles.push(role("exec", vec![may_assume(json!("*"))], &[], None));
        s.roles
            .push(trusting(role("middle", vec![may_assume(json!(role_arn("top")))], &[], None), &[role_arn("exec")]));
        s.roles.push(trusting(role("top", vec![allow(json!("iam:*"), json!("*"))], &[], None), &[role_arn("middle")]));
        // exec may assume anything, but this role's trust lets only `top` in: no edge from
        // exec. `top` itself allows no sts:AssumeRole, yet a trust policy of its own account
        // naming it by ARN lets it in (issue 18): a third hop.
        s.roles.push(trusting(role("closed", vec![allow(json!("s3:*"), json!("*"))], &[], None), &[role_arn("top")]));
        s.functions.push(function("fn", "exec"));
    });
    assert_eq!(
        chain_ends(&g, &role_arn("exec")),
        vec![
            vec![role_arn("middle")],
            vec![role_arn("middle"), role_arn("top")],
            vec![role_arn("middle"), role_arn("top"), role_arn("closed")]
        ]
    );
    let chains = g.role_chains(&role_arn("exec"));
    assert!(chains[1].adds.iter().any(|a| a.starts_with("iam (")), "{:?}", chains[1].adds);
    assert_eq!(chains[1].hops[1].trust_statement.as_deref(), Some("Trust"));
    // The function's reach carries them; its text says where each hop leads.
    let reach = g.reach(&g.lookup("fn").unwrap());
    assert_eq!(reach.chains.len(), 3);
}

#[test]
fn a_chain_across_accounts_needs_both_sides() {
    let g = graph(|s| {
        let read =
            |a: &str| Read { account_id: a.into(), region: "us-east-1".into(), caller_arn: None, taken_at: s.taken_at };
        s.reads = vec![read(ACCOUNT), read(B)];
        let b_arn = |n: &str| format!("arn:aws:iam::{B}:role/{n}");
        s.roles.push(role("exec", vec![may_assume(json!(format!("arn:aws:iam::{B}:role/*")))], &[], None));
        let mut deploy =
            trusting(role("deploy", vec![allow(json!("s3:*"), json!("*"))], &[], None), &[role_arn("exec")]);
        deploy.arn = b_arn("deploy");
        let mut other =
            trusting(role("other", vec![allow(json!("s3:*"), json!("*"))], &[], None), &[role_arn("someone-else")]);
        other.arn = b_arn("other");
        s.roles.extend([deploy, other]);
    });
    assert_eq!(chain_ends(&g, &role_arn("exec")), vec![vec![format!("arn:aws:iam::{B}:role/deploy")]]);
}

#[test]
fn cycles_end_and_nothing_is_visited_twice() {
    let g = graph(|s| {
        s.roles.push(trusting(role("a", vec![may_assume(json!("*"))], &[], None), &[role_arn("b")]));
        s.roles.push(trusting(role("b", vec![may_assume(json!("*"))], &[], None), &[role_arn("a"), role_arn("c")]));
        s.roles.push(trusting(role("c", vec![may_assume(json!("*"))], &[], None), &[role_arn("b")]));
    });
    let ends = chain_ends(&g, &role_arn("a"));
    // a -> b, a -> b -> c; never back to a, never b twice.
    assert_eq!(ends, vec![vec![role_arn("b")], vec![role_arn("b"), role_arn("c")]]);
}

#[test]
fn who_can_invoke_lists_principals_that_get_in_by_assuming_a_role() {
    let g = graph(|s| {
        s.roles.push(role("exec", vec![], &[], None));
        let invoker = role("invoker", vec![allow(json!("lambda:InvokeFunction"), json!(fn_arn("fn")))], &[], None);
        s.roles.push(trusting(invoker, &[role_arn("ci")]));
        s.roles.push(role("ci", vec![may_assume(json!(role_arn("invoker")))], &[], None));
        // May assume the invoker, but its trust policy does not let it in.
        s.roles.push(role("intruder", vec![may_assume(json!("*"))], &[], None));
        s.functions.push(function("fn", "exec"));
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    let ci = all.iter().find(|x| x.principal == role_arn("ci")).unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!((ci.path, ci.decision), (Path::AssumedRole, Verdict::Allowed));
    assert!(ci.conditions[0].contains(&format!("by assuming {}", role_arn("invoker"))), "{ci:?}");
    assert!(!all.iter().any(|x| x.principal == role_arn("intruder")), "{all:#?}");
}

#[test]
fn an_unreadable_trust_policy_is_named_not_taken_as_no_edge() {
    let g = graph(|s| {
        s.roles.push(role("exec", vec![may_assume(json!("*"))], &[], None));
        let mut broken = role("broken", vec![allow(json!("s3:*"), json!("*"))], &[], None);
        broken.trust_policy = Some(lambdascope::model::PolicyText::new("{not json"));
        s.roles.push(broken);
        s.roles.push(role("quiet", vec![], &[], None));
        s.functions.push(function("fn", "exec"));
        s.functions.push(function("other", "quiet"));
    });
    let reach = g.reach(&g.lookup("fn").unwrap());
    assert!(reach.chains.is_empty());
    assert!(
        reach.unread.iter().any(|u| u.contains(&role_arn("broken")) && u.contains("could not be parsed")),
        "{:?}",
        reach.unread
    );
    assert!(reach.unknown.iter().any(|u| u.contains("accounts this snapshot does not hold")), "{:?}", reach.unknown);
    // A role that may assume nothing depends on no trust policy.
    let quiet = g.reach(&g.lookup("other").unwrap());
    assert!(!quiet.unread.iter().any(|u| u.contains("trust policy")), "{:?}", quiet.unread);
}

#[test]
fn who_can_invoke_names_an_invoking_role_whose_trust_policy_is_unreadable() {
    let g = graph(|s| {
        s.roles.push(role("exec", vec![], &[], None));
        let mut invoker = role("invoker", vec![allow(json!("lambda:InvokeFunction"), json!(fn_arn("fn")))], &[], None);
        invoker.trust_policy = Some(lambdascope::model::PolicyText::new("{not json"));
        s.roles.push(invoker);
        s.functions.push(function("fn", "exec"));
    });
    let answer = g.who_can_invoke(&g.lookup("fn").unwrap());
    assert!(
        answer.unread.iter().any(|u| u.contains(&role_arn("invoker")) && u.contains("who can assume it")),
        "{:?}",
        answer.unread
    );
}
