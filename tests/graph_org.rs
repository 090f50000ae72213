//! Organisation answers (issue 18): identities belong to their own account, trust-only
//! edges, chains from every account read, source keys absent on a principal's own call,
//! organisation keys and principal tags decided, and SCPs and RCPs applied level by level.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use lambdascope::graph::{Grant, Graph, Path, Verdict};
use lambdascope::model::{
    Group, InlinePolicy, OrgAccount, OrgPolicy, OrgPolicyKind, OrgState, OrgUnit, Organization, Read, Role, Snapshot,
    User,
};
use serde_json::{Value, json};
use support::fixture::*;

const B: &str = "210987654321";
const MGMT: &str = "999999999999";

fn b_role(name: &str) -> String {
    format!("arn:aws:iam::{B}:role/{name}")
}

fn in_b(mut r: Role) -> Role {
    r.arn = r.arn.replace(ACCOUNT, B);
    r
}

fn trusting(mut r: Role, who: &[String]) -> Role {
    let statement = json!({"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": who}, "Action": "sts:AssumeRole"});
    r.trust_policy = Some(text(vec![statement]));
    r
}

fn tagged(mut r: Role, tags: &[(&str, &str)]) -> Role {
    r.tags = Some(tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
    r
}

fn read(s: &Snapshot, account: &str) -> Read {
    Read { account_id: account.into(), region: "us-east-1".into(), caller_arn: None, taken_at: s.taken_at }
}

/// Accounts ACCOUNT and B read; `build` adds the rest.
fn two_accounts(build: impl FnOnce(&mut Snapshot)) -> Graph {
    let mut s = snapshot();
    s.reads = vec![read(&s, ACCOUNT), read(&s, B)];
    s.roles.push(role("exec", vec![], &[], None));
    build(&mut s);
    s.validate().unwrap();
    Graph::build(s)
}

fn rows<'a>(all: &'a [Grant], principal: &str) -> Vec<&'a Grant> {
    all.iter().filter(|g| g.principal == principal).collect()
}

fn can(g: &Graph, who: &str, action: &str, resource: &str) -> String {
    g.can(who, action, resource, Default::default()).unwrap().decision.as_str().to_string()
}

fn user(account: &str, name: &str, groups: &[&str]) -> User {
    User {
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        name: name.into(),
        path: "/".into(),
        permission_boundary_arn: None,
        inline_policies: Vec::new(),
        attached_policy_arns: Vec::new(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        tags: Some(BTreeMap::new()),
    }
}

fn group(account: &str, name: &str, statements: Vec<Value>) -> Group {
    Group {
        arn: format!("arn:aws:iam::{account}:group/{name}"),
        name: name.into(),
        path: "/".into(),
        inline_policies: vec![InlinePolicy { name: "g".into(), document: text(statements) }],
        attached_policy_arns: Vec::new(),
    }
}

#[test]
fn a_user_gets_the_policies_of_its_own_accounts_group_only() {
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        s.users.push(user(ACCOUNT, "alice", &["ops"]));
        s.groups.push(group(ACCOUNT, "ops", vec![allow(json!("s3:GetObject"), json!("*"))]));
        // B's group of the same name may invoke: it is not alice's group.
        s.groups.push(group(B, "ops", vec![allow(json!("lambda:InvokeFunction"), json!("*"))]));
    });
    let alice = format!("arn:aws:iam::{ACCOUNT}:user/alice");
    assert_eq!(can(&g, &alice, "lambda:InvokeFunction", &fn_arn("fn")), "implicit_deny");
    assert_eq!(can(&g, &alice, "s3:GetObject", "arn:aws:s3:::b/k"), "unknown", "its own group still counts");
    let invokers = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    assert!(rows(&invokers, &alice).is_empty(), "{invokers:#?}");
}

#[test]
fn a_trust_policy_naming_a_principal_of_its_account_lets_it_in_without_an_identity_allow() {
    let g = two_accounts(|s| {
        s.roles.push(role("worker", vec![allow(json!("s3:GetObject"), json!("*"))], &[], None));
        s.roles.push(trusting(role("admin", vec![allow(json!("*"), json!("*"))], &[], None), &[role_arn("worker")]));
        // Naming only the account delegates to identity policies: worker has none for it.
        s.roles.push(trusting(role("delegated", vec![], &[], None), &[format!("arn:aws:iam::{ACCOUNT}:root")]));
        // Across accounts both sides must allow: a trust naming B's role is not enough.
        s.roles.push(in_b(role("outsider", vec![], &[], None)));
        s.roles.push(trusting(role("shared", vec![], &[], None), &[b_role("outsider")]));
    });
    let chains: Vec<Vec<String>> =
        g.role_chains(&role_arn("worker")).into_iter().map(|c| c.hops.into_iter().map(|h| h.to).collect()).collect();
    // Then admin, allowed everything, may assume the role that delegates to identity policies.
    assert_eq!(chains, vec![vec![role_arn("admin")], vec![role_arn("admin"), role_arn("delegated")]]);
    assert_eq!(can(&g, &role_arn("worker"), "sts:AssumeRole", &role_arn("admin")), "allowed");
    assert_eq!(can(&g, &role_arn("worker"), "sts:AssumeRole", &role_arn("delegated")), "implicit_deny");
    assert!(g.role_chains(&b_role("outsider")).is_empty());
}

#[test]
fn invokers_through_chains_start_in_every_account_and_never_step_through_a_denied_row() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.policy = Some(text(vec![
            grant(json!({"AWS": b_role("invoker")}), "lambda:InvokeFunction", &fn_arn("fn")),
            grant(json!({"AWS": b_role("blocked")}), "lambda:InvokeFunction", &fn_arn("fn")),
        ]));
        s.functions.push(f);
        let assume = |targets: &[&str]| {
            allow(json!("sts:AssumeRole"), json!(targets.iter().map(|t| b_role(t)).collect::<Vec<_>>()))
        };
        s.roles.push(in_b(trusting(
            role("invoker", vec![allow(json!("lambda:InvokeFunction"), json!("*"))], &[], None),
            &[b_role("hopper")],
        )));
        // Granted by the function's policy but its own account's policies do not allow it.
        s.roles.push(in_b(trusting(role("blocked", vec![], &[], None), &[b_role("sneaker")])));
        s.roles.push(in_b(role("hopper", vec![assume(&["invoker"])], &[], None)));
        s.roles.push(in_b(role("sneaker", vec![assume(&["blocked"])], &[], None)));
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    assert_eq!(rows(&all, &b_role("blocked"))[0].decision, Verdict::Denied);
    let hopper = rows(&all, &b_role("hopper"));
    assert_eq!(hopper.len(), 1, "{all:#?}");
    assert_eq!((hopper[0].path, hopper[0].decision), (Path::AssumedRole, Verdict::Allowed));
    assert!(rows(&all, &b_role("sneaker")).is_empty(), "a denied row is no stepping stone: {all:#?}");
}

#[test]
fn source_keys_are_absent_on_a_principals_own_call() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        let mut tied = grant(json!({"AWS": role_arn("caller")}), "lambda:InvokeFunction", &fn_arn("fn"));
        tied["Condition"] = json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}});
        let mut deny = json!({"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": fn_arn("fn"), "Condition": {"StringEquals": {"aws:SourceAccount": "333333333333"}}});
        deny["Sid"] = json!("NotFromThere");
        f.policy = Some(text(vec![tied, deny]));
        s.functions.push(f);
        s.roles.push(role("caller", vec![], &[], None));
        s.roles.push(role("direct", vec![allow(json!("lambda:InvokeFunction"), json!("*"))], &[], None));
    });
    let all = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    // The grant needs a source the role's own call never has: it does not apply.
    let caller = rows(&all, &role_arn("caller"));
    assert_eq!(caller[0].decision, Verdict::Denied, "{caller:?}");
    // The Deny needs a source account: it does not touch the role's own call either.
    let direct = rows(&all, &role_arn("direct"));
    assert_eq!(direct[0].decision, Verdict::Allowed, "{direct:?}");
    assert!(direct[0].conditions.is_empty(), "{direct:?}");
}

fn org(policies: Vec<OrgPolicy>) -> OrgState {
    OrgState::Read(Organization {
        id: "o-abc123".into(),
        management_account: MGMT.into(),
        root_id: "r-root".into(),
        units: vec![OrgUnit { id: "ou-prod".into(), name: "Prod".into(), parent_id: "r-root".into() }],
        accounts: vec![
            OrgAccount { id: ACCOUNT.into(), name: "app".into(), parent_id: "ou-prod".into() },
            OrgAccount { id: B.into(), name: "partner".into(), parent_id: "r-root".into() },
            OrgAccount { id: MGMT.into(), name: "mgmt".into(), parent_id: "r-root".into() },
        ],
        policies,
        scps_enabled: true,
        rcps_enabled: true,
    })
}

fn org_policy(id: &str, kind: OrgPolicyKind, statements: Vec<Value>, targets: &[&str]) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: id.trim_start_matches("p-").into(),
        kind,
        document: Some(text(statements)),
        targets: targets.iter().map(|t| t.to_string()).collect(),
    }
}

fn full_access(targets: &[&str]) -> Vec<OrgPolicy> {
    let all = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    let rcp = json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"});
    vec![
        org_policy("p-FullAWSAccess", OrgPolicyKind::Scp, vec![all], targets),
        org_policy("p-RCPFullAWSAccess", OrgPolicyKind::Rcp, vec![rcp], targets),
    ]
}

const EVERYWHERE: [&str; 5] = ["r-root", "ou-prod", ACCOUNT, B, MGMT];

#[test]
fn organisation_keys_are_decided_for_accounts_of_a_read_organisation() {
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        let inside = json!({"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": fn_arn("fn"), "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}});
        let outside = json!({"Sid": "NotOrg", "Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": fn_arn("fn"), "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}});
        f.policy = Some(text(vec![inside, outside]));
        s.functions.push(f);
        s.roles.push(in_b(role("partner", vec![allow(json!("lambda:InvokeFunction"), json!("*"))], &[], None)));
        s.organization = org(full_access(&EVERYWHERE));
    });
    let answer = g.can(&b_role("partner"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(answer.decision.as_str(), "allowed", "{answer:#?}");
    assert!(answer.unknown.iter().all(|u| !u.contains("not read")), "{answer:#?}");
    // Without the organisation both statements stay open.
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        let inside = json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": fn_arn("fn"), "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}});
        f.policy = Some(text(vec![inside]));
        s.functions.push(f);
        s.roles.push(in_b(role("partner", vec![allow(json!("lambda:InvokeFunction"), json!("*"))], &[], None)));
    });
    let open = g.can(&b_role("partner"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(open.decision.as_str(), "conditional", "{open:#?}");
}

#[test]
fn principal_tags_decide_when_read_and_stay_open_when_not() {
    let by_tag = allow(json!("lambda:InvokeFunction"), json!("*"));
    let mut by_tag = by_tag;
    by_tag["Condition"] = json!({"StringEquals": {"aws:PrincipalTag/team": "payments"}});
    let statement = by_tag.clone();
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        s.roles.push(tagged(role("payer", vec![statement.clone()], &[], None), &[("team", "payments")]));
        s.roles.push(tagged(role("other", vec![statement.clone()], &[], None), &[("team", "search")]));
        let mut unread = role("unread", vec![statement.clone()], &[], None);
        unread.tags = None;
        s.roles.push(unread);
    });
    assert_eq!(can(&g, &role_arn("payer"), "lambda:InvokeFunction", &fn_arn("fn")), "allowed");
    assert_eq!(can(&g, &role_arn("other"), "lambda:InvokeFunction", &fn_arn("fn")), "implicit_deny");
    let unread = g.can(&role_arn("unread"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(unread.decision.as_str(), "conditional", "never denied while the tags are unread");
    assert!(unread.unread.iter().any(|u| u.contains("tags of") && u.contains("unread")), "{unread:#?}");
    let invokers = g.who_can_invoke(&g.lookup("fn").unwrap()).grants;
    assert_eq!(rows(&invokers, &role_arn("payer"))[0].decision, Verdict::Allowed);
    assert!(rows(&invokers, &role_arn("other")).is_empty());
}

fn scp_graph(extra: Vec<OrgPolicy>) -> Graph {
    two_accounts(|s| {
        let invoke = allow(json!("lambda:InvokeFunction"), json!("*"));
        s.functions.push(function("fn", "exec"));
        s.roles.push(tagged(role("payer", vec![invoke.clone()], &[], None), &[("team", "payments")]));
        s.roles.push(tagged(role("stranger", vec![invoke.clone()], &[], None), &[]));
        let mut policies = full_access(&EVERYWHERE);
        policies.extend(extra);
        s.organization = org(policies);
    })
}

fn deny_untagged_invoke() -> OrgPolicy {
    let deny = json!({"Sid": "TeamsOnly", "Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "payments"}}});
    org_policy("p-teams", OrgPolicyKind::Scp, vec![deny], &["ou-prod"])
}

#[test]
fn an_scp_deny_at_an_ou_denies_its_accounts_principals_and_says_where() {
    let g = scp_graph(vec![deny_untagged_invoke()]);
    assert_eq!(can(&g, &role_arn("payer"), "lambda:InvokeFunction", &fn_arn("fn")), "allowed");
    let stranger = g.can(&role_arn("stranger"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(stranger.decision.as_str(), "explicit_deny");
    let why = stranger.reasons.join("\n");
    assert!(why.contains("SCP teams (p-teams) at OU Prod (ou-prod)") && why.contains("TeamsOnly"), "{why}");
    let invokers = g.who_can_invoke(&g.lookup("fn").unwrap());
    assert!(rows(&invokers.grants, &role_arn("stranger")).is_empty(), "{:#?}", invokers.grants);
    assert!(invokers.unknown.iter().all(|u| !u.contains("not read")), "{:?}", invokers.unknown);
}

#[test]
fn an_allow_list_without_the_action_at_any_level_stops_it() {
    let only_s3 = json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"});
    // Replace FullAWSAccess at the account level by an allow-list.
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        s.roles.push(role("dev", vec![allow(json!("*"), json!("*"))], &[], None));
        let mut policies = full_access(&["r-root", "ou-prod", B, MGMT]);
        policies[1].targets.push(ACCOUNT.into());
        policies.push(org_policy("p-s3only", OrgPolicyKind::Scp, vec![only_s3], &[ACCOUNT]));
        s.organization = org(policies);
    });
    let answer = g.can(&role_arn("dev"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(answer.decision.as_str(), "implicit_deny");
    assert!(answer.reasons.iter().any(|r| r.contains("no service control policy attached at account")), "{answer:#?}");
    assert_eq!(can(&g, &role_arn("dev"), "s3:GetObject", &fn_arn("fn")), "allowed");
    // Reach subtracts what the account's SCPs forbid.
    let reach = g.reach(&g.lookup("fn").unwrap());
    assert!(reach.services.iter().all(|s| s.service == "s3"), "{:?}", reach.services.iter().map(|s| &s.service));
}

#[test]
fn scps_spare_the_management_account_and_services() {
    let deny_all = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.policy =
            Some(text(vec![grant(json!({"Service": "sns.amazonaws.com"}), "lambda:InvokeFunction", &fn_arn("fn"))]));
        s.functions.push(f);
        let mut admin = role("admin", vec![allow(json!("*"), json!("*"))], &[], None);
        admin.arn = format!("arn:aws:iam::{MGMT}:role/admin");
        s.roles.push(admin);
        let mut policies = full_access(&EVERYWHERE);
        policies.push(org_policy("p-nothing", OrgPolicyKind::Scp, vec![deny_all], &["r-root"]));
        s.organization = org(policies);
        s.reads.push(read(s, MGMT));
    });
    let mgmt_admin = format!("arn:aws:iam::{MGMT}:role/admin");
    assert_eq!(can(&g, &mgmt_admin, "s3:GetObject", "arn:aws:s3:::x/y"), "unknown", "only the bucket's policy is open");
    assert_eq!(can(&g, "sns.amazonaws.com", "lambda:InvokeFunction", &fn_arn("fn")), "allowed");
    assert_eq!(can(&g, &role_arn("exec"), "s3:GetObject", "arn:aws:s3:::x/y"), "explicit_deny");
}

#[test]
fn rcps_decide_assume_role_but_never_who_may_invoke() {
    let rcp = json!({"Sid": "OwnAccountOnly", "Effect": "Deny", "Principal": "*", "Action": ["sts:AssumeRole", "lambda:*"],
        "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}});
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.policy = Some(text(vec![grant(json!({"AWS": b_role("partner")}), "lambda:InvokeFunction", &fn_arn("fn"))]));
        s.functions.push(f);
        s.roles.push(in_b(role(
            "partner",
            vec![allow(json!(["lambda:InvokeFunction", "sts:AssumeRole"]), json!("*"))],
            &[],
            None,
        )));
        s.roles.push(trusting(role("target", vec![], &[], None), &[b_role("partner")]));
        let mut policies = full_access(&EVERYWHERE);
        policies.push(org_policy("p-own", OrgPolicyKind::Rcp, vec![rcp], &[ACCOUNT]));
        s.organization = org(policies);
    });
    // Lambda is not among the services RCPs cover.
    assert_eq!(can(&g, &b_role("partner"), "lambda:InvokeFunction", &fn_arn("fn")), "allowed");
    let assume = g.can(&b_role("partner"), "sts:AssumeRole", &role_arn("target"), Default::default()).unwrap();
    assert_eq!(assume.decision.as_str(), "explicit_deny", "{assume:#?}");
    assert!(assume.reasons.join(" ").contains("RCP own (p-own) at account 123456789012 (app)"), "{assume:#?}");
    assert!(g.role_chains(&b_role("partner")).is_empty(), "the RCP removes the edge");
}

#[test]
fn a_failed_organisation_read_is_named_and_unread() {
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        s.gaps.push(gap("organizations:ListRoots", "*", lambdascope::model::GapReason::AccessDenied));
    });
    let invokers = g.who_can_invoke(&g.lookup("fn").unwrap());
    assert!(invokers.unread.iter().any(|u| u.contains("organizations:ListRoots")), "{:?}", invokers.unread);
    assert!(invokers.unknown.iter().any(|u| u.contains("service control")), "{:?}", invokers.unknown);
    // Not in an organisation: a fact, nothing unknown.
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        s.organization = OrgState::None;
    });
    let invokers = g.who_can_invoke(&g.lookup("fn").unwrap());
    assert!(invokers.unknown.iter().all(|u| !u.contains("service control")), "{:?}", invokers.unknown);
}

#[test]
fn an_organisation_tree_is_checked_on_load_and_kept_by_merge() {
    let mut s = snapshot();
    s.organization = org(full_access(&EVERYWHERE));
    s.validate().unwrap();
    let bad = |edit: &dyn Fn(&mut Organization)| {
        let mut t = snapshot();
        let mut state = org(full_access(&EVERYWHERE));
        if let OrgState::Read(o) = &mut state {
            edit(o);
        }
        t.organization = state;
        t.validate().unwrap_err().to_string()
    };
    assert!(bad(&|o| o.policies[0].targets.push("ou-nowhere".into())).contains("ou-nowhere"));
    assert!(bad(&|o| o.accounts[0].parent_id = "ou-gone".into()).contains("neither the root nor an OU"));
    assert!(bad(&|o| o.accounts[1].id = "12".into()).contains("not 12 digits"));
    // What fetch writes always loads: a broken tree becomes a gap, the rest is kept.
    let mut fetched = snapshot();
    let mut state = org(full_access(&EVERYWHERE));
    if let OrgState::Read(o) = &mut state {
        o.units[0].parent_id = "ou-gone".into();
    }
    fetched.organization = state;
    let gaps = fetched.quarantine().unwrap();
    assert_eq!((fetched.organization.clone(), gaps.len()), (OrgState::NotRead, 1));
    // Parts of one run: the part that read the organisation gives it to the merge.
    let mut b = Snapshot::new(B, "us-east-1");
    b.organization = org(full_access(&EVERYWHERE));
    let merged = lambdascope::model::merge(vec![snapshot(), b]).unwrap();
    assert!(merged.organization.read().is_some());
    let back = Snapshot::from_json(&merged.to_json()).unwrap();
    assert_eq!(back.organization, merged.organization, "it round-trips");
}

#[test]
fn a_layer_of_another_account_says_whether_that_account_is_in_the_organisation() {
    let layer = |account: &str| format!("arn:aws:lambda:us-east-1:{account}:layer:shared:3");
    let g = two_accounts(|s| {
        let mut f = function("fn", "exec");
        f.layers = vec![layer(B), layer("555555555555")];
        s.functions.push(f);
        s.organization = org(full_access(&EVERYWHERE));
    });
    let titles: Vec<String> = g.findings().into_iter().filter(|f| f.id == "foreign-layer").map(|f| f.title).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().any(|t| t.contains(B) && t.contains("is in your organisation o-abc123")), "{titles:?}");
    assert!(
        titles.iter().any(|t| t.contains("555555555555") && t.contains("is not in your organisation")),
        "{titles:?}"
    );
}

#[test]
fn an_scp_on_unread_tags_leaves_the_answer_conditional_and_names_the_tags() {
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        let mut untold = role("untold", vec![allow(json!("lambda:InvokeFunction"), json!("*"))], &[], None);
        untold.tags = None;
        s.roles.push(untold);
        let mut policies = full_access(&EVERYWHERE);
        policies.push(deny_untagged_invoke());
        s.organization = org(policies);
    });
    let answer = g.can(&role_arn("untold"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(answer.decision.as_str(), "conditional", "{answer:#?}");
    assert!(answer.unread.iter().any(|u| u.contains("tags of") && u.contains("untold")), "{answer:#?}");
}

#[test]
fn a_role_whose_trust_allows_session_tags_has_tags_nobody_can_know() {
    let by_tag = {
        let mut s = allow(json!("lambda:InvokeFunction"), json!("*"));
        s["Condition"] = json!({"StringEquals": {"aws:PrincipalTag/team": "payments"}});
        s
    };
    let g = two_accounts(|s| {
        s.functions.push(function("fn", "exec"));
        let mut r = tagged(role("tagged-by-callers", vec![by_tag], &[], None), &[("team", "search")]);
        r.trust_policy = Some(text(vec![json!({"Effect": "Allow", "Principal": {"AWS": ACCOUNT},
            "Action": ["sts:AssumeRole", "sts:TagSession"]})]));
        s.roles.push(r);
    });
    // Its own tag says search, but whoever assumes it may pass team=payments as a session tag.
    let answer =
        g.can(&role_arn("tagged-by-callers"), "lambda:InvokeFunction", &fn_arn("fn"), Default::default()).unwrap();
    assert_eq!(answer.decision.as_str(), "conditional", "{answer:#?}");
}
