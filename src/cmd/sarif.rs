//! `findings --format sarif`: SARIF 2.1.0 for code scanning. One rule per finding id (name,
//! short and full description, default level from the severity, help with the fix), one
//! result per finding, located by the resource's ARN (a logical location), with a
//! fingerprint stable across runs (rule, ARN, qualifier, title), so a code-scanning service
//! tracks each finding from run to run.

use serde_json::{Value, json};

use crate::graph::{Finding, Severity};

/// Every rule: id, short description, fix.
const RULES: &[(&str, &str, &str)] = &[
    (
        "public-invoke",
        "Anyone can invoke the function directly",
        "Remove the statement granting \"*\", or add a condition outsiders cannot meet (aws:SourceArn, aws:PrincipalOrgID).",
    ),
    (
        "admin-role",
        "The execution role allows every action on every resource",
        "Replace AdministratorAccess or Action \"*\" with the actions and resources the function uses.",
    ),
    (
        "public-web-invoke",
        "Any AWS principal can invoke a web function endpoint",
        "Name the accounts or roles in the web function's resource policy, or add aws:PrincipalOrgID.",
    ),
    (
        "public-url",
        "A public function URL (AuthType NONE)",
        "Use AuthType AWS_IAM, or put authentication in front of the URL.",
    ),
    (
        "confused-deputy",
        "A service may invoke on behalf of any account",
        "Add aws:SourceArn or aws:SourceAccount to the service's statement.",
    ),
    (
        "notaction-role",
        "The execution role allows everything except a list",
        "Replace NotAction with an explicit list of actions.",
    ),
    (
        "privilege-escalation",
        "The execution role can take more privilege than it was given",
        "Scope iam:PassRole, lambda:Update* and sts:AssumeRole to named resources.",
    ),
    (
        "missing-role",
        "The execution role no longer exists",
        "Recreate the role deliberately or point the function at an existing one.",
    ),
    (
        "public-web-endpoint",
        "Anyone who reaches a web endpoint runs its code",
        "Use AuthType IamAuth, or make sure the code authenticates every request.",
    ),
    (
        "url-403",
        "A public function URL answers 403 to everyone",
        "Grant lambda:InvokeFunction to \"*\" with lambda:InvokedViaFunctionUrl, or remove the URL.",
    ),
    (
        "cross-account",
        "Another account is granted invocation",
        "Confirm the account is meant to invoke it; narrow the grant to its role.",
    ),
    (
        "write-everywhere",
        "The execution role can write to every resource of a data service",
        "Scope the write actions to the resources the function owns.",
    ),
    (
        "scope-more-open",
        "An alias or version lets in more than its function",
        "Align the alias's or version's resource policy with the function's.",
    ),
    (
        "secret-env",
        "Environment variables look like secrets",
        "Move secrets to Secrets Manager or Parameter Store and read them at run time.",
    ),
    (
        "public-layer",
        "Any AWS account can use and download a layer version",
        "Remove the \"*\" grant from the layer version policy, or share with your organisation only.",
    ),
    (
        "org-wide",
        "Every principal of an organisation may invoke or use it",
        "Confirm the whole organisation is meant to; narrow to accounts otherwise.",
    ),
    (
        "shared-role",
        "One execution role is shared by many functions",
        "Give each function a role with only what it needs.",
    ),
    (
        "deleted-principal",
        "A grant names a deleted principal",
        "Remove the statement: a new principal of that name would not match, but it confuses readers.",
    ),
    (
        "cross-account-layer",
        "Another account can use and download a layer version",
        "Confirm the account is meant to use it.",
    ),
    (
        "foreign-layer",
        "A function runs a layer owned by another account",
        "Pin trusted publishers; vendor the layer into your own account if its source is not trusted.",
    ),
];

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0-10).
fn score(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `public-invoke` -> `PublicInvoke`.
fn pascal(id: &str) -> String {
    id.split('-').map(|w| w[..1].to_uppercase() + &w[1..]).collect()
}

/// A 64-bit FNV-1a hash, hex: stable across runs, machines and versions.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.join("\u{1f}").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub fn sarif(findings: &[&Finding]) -> Value {
    let severity_of = |id: &str| findings.iter().filter(|f| f.id == id).map(|f| f.severity).max();
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, short, fix)| {
            let severity = severity_of(id).unwrap_or(Severity::Medium);
            json!({
                "id": id,
                "name": pascal(id),
                "shortDescription": {"text": short},
                "fullDescription": {"text": format!("{short}. lambdascope rule {id}.")},
                "defaultConfiguration": {"level": level(severity)},
                "help": {"text": fix, "markdown": format!("**{short}.** {fix}")},
                "properties": {"tags": ["security", "aws-lambda"], "security-severity": score(severity)}
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = RULES.iter().position(|(id, ..)| *id == f.id).unwrap_or(0);
            let at = match &f.qualifier {
                Some(q) => format!("{}:{q}", f.arn),
                None => f.arn.clone(),
            };
            json!({
                "ruleId": f.id,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": f.title},
                "locations": [{"logicalLocations": [{"fullyQualifiedName": at, "name": f.function, "kind": "resource"}]}],
                "partialFingerprints": {"lambdascope/v1": fingerprint(&[f.id, &f.arn, f.qualifier.as_deref().unwrap_or(""), &f.title])},
                "properties": {"severity": f.severity.label(), "evidence": f.evidence, "security-severity": score(f.severity)}
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lambdascope",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_finding_id_has_a_rule() {
        let g = crate::graph::Graph::build(
            crate::model::Snapshot::from_json(crate::demo::JSON).unwrap_or_else(|e| panic!("{e}")),
        );
        for f in g.findings() {
            assert!(super::RULES.iter().any(|(id, ..)| *id == f.id), "{}", f.id);
        }
    }
}
