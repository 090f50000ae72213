//! The organisation read and applied, against moto (issue 18): a three-account
//! organisation (root, OUs Workloads and Sandbox, SCPs at root, OU and account level with a
//! conditional Deny and an allow-list without sts, an RCP on sts:AssumeRole), fetched with
//! `--org`, answers as AWS's rules say, and every decision `can` gives agrees with
//! `simulate` fed the same policies and the SCP/RCP levels assembled here, independently,
//! from the organisation tree. A member account's refused organisation reads are gaps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::{OrgPolicyKind, OrgState, Organization, PolicyText, Snapshot};
use serde_json::{Value, json};
use support::moto::Moto;

const MGMT: &str = "123456789012";

fn run(snapshot: &std::path::Path, args: &[&str], stdin: &str) -> (Option<i32>, String) {
    let path = snapshot.to_str().unwrap();
    let out = support::run(&[&["--snapshot", path], args].concat(), stdin);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn raw(p: &PolicyText) -> Value {
    serde_json::from_str(&p.raw).unwrap()
}

/// The identity policies, boundary and tags of a role or user, read straight off the
/// snapshot (a user's groups are those of its own account, matched by ARN).
fn identity(s: &Snapshot, arn: &str) -> (Vec<Value>, Option<Value>, Value) {
    let managed = |a: &String| raw(&s.managed_policies.iter().find(|m| &m.arn == a).unwrap().document);
    let tags = |t: &Option<std::collections::BTreeMap<String, String>>| {
        let t = t.as_ref().expect("tags read");
        json!(t.iter().map(|(k, v)| (format!("aws:PrincipalTag/{k}"), json!(v))).collect::<serde_json::Map<_, _>>())
    };
    if let Some(r) = s.roles.iter().find(|r| r.arn == arn) {
        let mut out: Vec<Value> = r.inline_policies.iter().map(|p| raw(&p.document)).collect();
        out.extend(r.attached_policy_arns.iter().map(managed));
        return (out, r.permission_boundary_arn.as_ref().map(managed), tags(&r.tags));
    }
    let u = s.users.iter().find(|u| u.arn == arn).unwrap();
    let account = arn.split(':').nth(4).unwrap();
    let mut out: Vec<Value> = u.inline_policies.iter().map(|p| raw(&p.document)).collect();
    out.extend(u.attached_policy_arns.iter().map(managed));
    for g in s.groups.iter().filter(|g| g.arn == format!("arn:aws:iam::{account}:group/{}", g.name)) {
        if u.groups.contains(&g.name) {
            out.extend(g.inline_policies.iter().map(|p| raw(&p.document)));
            out.extend(g.attached_policy_arns.iter().map(managed));
        }
    }
    (out, u.permission_boundary_arn.as_ref().map(managed), tags(&u.tags))
}

/// The levels of an account's path (root, OUs, account) with the policies of one kind
/// attached at each: what AWS evaluates for a member account.
fn levels(org: &Organization, kind: OrgPolicyKind, account: &str) -> Vec<Vec<Value>> {
    let mut path = vec![account.to_string()];
    let mut parent = org.accounts.iter().find(|a| a.id == account).unwrap().parent_id.clone();
    loop {
        path.push(parent.clone());
        if parent == org.root_id {
            break;
        }
        parent = org.units.iter().find(|u| u.id == parent).unwrap().parent_id.clone();
    }
    path.reverse();
    path.iter()
        .map(|target| {
            org.policies
                .iter()
                .filter(|p| p.kind == kind && p.targets.contains(target))
                .map(|p| raw(p.document.as_ref().unwrap()))
                .collect()
        })
        .collect()
}

/// A simulate case for PRINCIPAL calling ACTION on RESOURCE, with `resource_policy`.
fn case(s: &Snapshot, principal: &str, action: &str, resource: &str, resource_policy: Value) -> Value {
    let org = s.organization.read().unwrap();
    let (identity, boundary, tags) = identity(s, principal);
    let account = principal.split(':').nth(4).unwrap();
    let owner = resource.split(':').nth(4).unwrap();
    let mut context = tags;
    context["aws:PrincipalOrgID"] = json!(org.id);
    let member = |a: &str| a != org.management_account;
    let scps = if member(account) { levels(org, OrgPolicyKind::Scp, account) } else { Vec::new() };
    let rcps =
        if member(owner) && action.starts_with("sts:") { levels(org, OrgPolicyKind::Rcp, owner) } else { vec![] };
    json!({"principal": principal, "action": action, "resource": resource, "context": context,
           "identity_policies": identity, "permission_boundary": boundary, "resource_policy": resource_policy,
           "scps": scps, "rcps": rcps})
}

#[test]
fn an_organisation_read_with_org_decides_as_aws_does() {
    let Some(moto) = Moto::start("an_organisation_read_with_org_decides_as_aws_does") else { return };
    let manifest = moto.seed(&["--guardrails"]);
    let g = &manifest["guardrails"];
    let (app, lab) = (g["accounts"]["app"].as_str().unwrap(), g["accounts"]["lab"].as_str().unwrap());
    let (code, snap, stderr) = moto.fetch(&[], &["--org", "--assume-role", "OrganizationAccountAccessRole"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("organizations:ListTargetsForPolicy"), "the calls table lists the reads: {stderr}");
    assert!(stderr.contains("sts:AssumeRole"), "{stderr}");
    let line = format!(
        "organisation: {} (management account {MGMT}): 2 OUs, 3 accounts, 3 SCPs, 2 RCPs",
        g["org"].as_str().unwrap()
    );
    assert!(stderr.contains(&line), "the report says what was read: {stderr}");

    // The tree as seeded: two OUs, three accounts, the allow-list instead of FullAWSAccess.
    let OrgState::Read(org) = &snap.organization else { panic!("organisation not read: {stderr}") };
    assert_eq!((org.id.as_str(), org.management_account.as_str()), (g["org"].as_str().unwrap(), MGMT));
    assert_eq!((org.units.len(), org.accounts.len()), (2, 3));
    assert!(org.scps_enabled && org.rcps_enabled);
    let full = org.policies.iter().find(|p| p.name == "FullAWSAccess").unwrap();
    assert!(!full.targets.iter().any(|t| t == lab), "{:?}", full.targets);
    let teams = org.policies.iter().find(|p| p.name == "TeamsOnly").unwrap();
    assert_eq!(teams.targets, vec![g["ous"]["Workloads"].as_str().unwrap().to_string()]);
    assert!(org.policies.iter().any(|p| p.kind == OrgPolicyKind::Rcp && p.name == "OrgOnlyAssume"));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let function = g["function"].as_str().unwrap();
    let role = |account: &str, name: &str| format!("arn:aws:iam::{account}:role/{name}");

    // Who can invoke: SCPs, groups per account, trust-only edges and chains applied.
    let (code, out) = run(&path, &["who-can-invoke", function, "--format", "json"], "");
    assert_eq!(code, Some(0), "{out}");
    let answer: Value = serde_json::from_str(&out).unwrap();
    let row = |who: &str| answer["grants"].as_array().unwrap().iter().find(|r| r["principal"] == who).cloned();
    for (who, path) in [
        (role(lab, "lab-caller"), "resource-policy"),
        (role(app, "payer"), "identity-policy"),
        (role(app, "admin"), "identity-policy"),
        (role(app, "deployer"), "assumed-role"),
    ] {
        let r = row(&who).unwrap_or_else(|| panic!("{who} missing: {out}"));
        assert_eq!((r["decision"].as_str(), r["path"].as_str()), (Some("allowed"), Some(path)), "{r}");
    }
    for absent in [role(app, "stranger"), role(lab, "lab-hopper"), format!("arn:aws:iam::{app}:user/dev")] {
        assert!(row(&absent).is_none(), "{absent} must not be an invoker: {out}");
    }
    assert!(!out.contains("not read"), "the organisation was read: {out}");

    // Each decision agrees with simulate given the same inputs explicitly.
    let trust_of = |arn: &str| raw(snap.roles.iter().find(|r| r.arn == arn).unwrap().trust_policy.as_ref().unwrap());
    let policy = raw(snap.functions.iter().find(|f| f.arn == function).unwrap().policy.as_ref().unwrap());
    let questions = [
        (role(app, "stranger"), "lambda:InvokeFunction", function.to_string(), policy.clone(), "explicit_deny"),
        (role(app, "payer"), "lambda:InvokeFunction", function.to_string(), policy.clone(), "allowed"),
        (
            format!("arn:aws:iam::{app}:user/dev"),
            "lambda:InvokeFunction",
            function.to_string(),
            policy.clone(),
            "implicit_deny",
        ),
        (role(lab, "lab-caller"), "lambda:InvokeFunction", function.to_string(), policy.clone(), "allowed"),
        (role(app, "deployer"), "sts:AssumeRole", role(app, "admin"), trust_of(&role(app, "admin")), "allowed"),
        (
            role(lab, "lab-hopper"),
            "sts:AssumeRole",
            role(lab, "lab-caller"),
            trust_of(&role(lab, "lab-caller")),
            "implicit_deny",
        ),
        (role(MGMT, "exec-a"), "lambda:InvokeFunction", function.to_string(), policy.clone(), "implicit_deny"),
    ];
    let mut cases = Vec::new();
    for (who, action, resource, resource_policy, expected) in &questions {
        let (code, out) = run(&path, &["can", who, action, resource, "--format", "json"], "");
        let can: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        assert_eq!(can["decision"].as_str(), Some(*expected), "can {who} {action} {resource}: {out}");
        assert_eq!(code, Some(0), "{out}");
        cases.push(case(&snap, who, action, resource, resource_policy.clone()));
    }
    let (code, out) = run(&path, &["simulate", "-", "--format", "json"], &Value::Array(cases).to_string());
    assert_eq!(code, Some(0), "{out}");
    let simulated: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for ((who, action, _, _, expected), sim) in questions.iter().zip(&simulated) {
        assert_eq!(sim["decision"].as_str(), Some(*expected), "simulate {who} {action}: {sim}");
    }

    // Reach of a function in a member account subtracts what its SCPs forbid: nothing
    // here (FullAWSAccess), and the answer names no unread organisation.
    let (code, out) = run(&path, &["reach", function], "");
    assert_eq!(code, Some(0), "{out}");
    // The summary shows the tree with the policies at each level.
    let (_, out) = run(&path, &["summary"], "");
    for expected in ["Workloads", "Sandbox", "TeamsOnly", "LabAllowList", "OrgOnlyAssume"] {
        assert!(out.contains(expected), "{expected} missing from the summary: {out}");
    }
}

#[test]
fn a_member_account_that_cannot_read_the_organisation_says_so() {
    let Some(moto) = Moto::start("a_member_account_that_cannot_read_the_organisation_says_so") else { return };
    let manifest = moto.seed(&["--guardrails"]);
    let c = &manifest["guardrails"]["member_credentials"];
    let env = [
        ("AWS_ACCESS_KEY_ID", c["key"].as_str().unwrap()),
        ("AWS_SECRET_ACCESS_KEY", c["secret"].as_str().unwrap()),
        ("AWS_SESSION_TOKEN", c["token"].as_str().unwrap()),
    ];
    // Without --org a member account does not try: unknown, not a gap.
    let (code, snap, stderr) = moto.fetch(&env, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(snap.organization, OrgState::NotRead);
    assert!(!snap.gaps.iter().any(|g| g.operation.starts_with("organizations:")), "{:?}", snap.gaps);
    // With --org the refused reads (AWS: AccessDenied; moto: NotFound) are gaps, never "no policies".
    let (code, snap, stderr) = moto.fetch(&env, &["--org", "--assume-role", "OrganizationAccountAccessRole"]);
    assert_eq!(code, Some(4), "{stderr}");
    assert_eq!(snap.organization, OrgState::NotRead);
    assert!(snap.gaps.iter().any(|g| g.operation.starts_with("organizations:")), "{:?}", snap.gaps);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("member.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let function = manifest["guardrails"]["function"].as_str().unwrap();
    let (code, out) = run(&path, &["who-can-invoke", function], "");
    assert_eq!(code, Some(4), "{out}");
    assert!(out.contains("organizations:"), "the failed read is named: {out}");
    assert!(
        out.contains("service control and resource control policies of the organisation: unknown (not read)"),
        "{out}"
    );
}
