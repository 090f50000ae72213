//! What a grant's conditions mean for who gets in, decided by evaluating them on the
//! requests an outsider can make, not by how they read.
//!
//! An outsider is anyone on the internet (an anonymous request carries no principal or
//! source keys) or any AWS customer (who owns some other account, organisation, bucket or
//! queue, and can have a service act on their behalf). A condition keeps outsiders out only
//! if every such request fails it: `StringLikeIfExists aws:SourceArn *` lets everyone in, an
//! organisation id with a wildcard names any organisation (anyone can make one), and a
//! value the caller picks itself (`aws:Referer`, `aws:UserAgent`, `aws:SecureTransport`)
//! restricts no one. `aws:SourceIp` is tested with addresses from the public internet.

use crate::policy::condition;
use crate::policy::{Condition, Context, Effect, Evaluation, Policy, Tri};

/// Keys whose value the caller chooses: no restriction on who the caller is.
const CALLER_CHOSEN: &[&str] = &["aws:referer", "aws:useragent", "aws:securetransport"];

/// Keys every request carries, so "absent" is not a request an outsider can make.
const ALWAYS_PRESENT: &[&str] = &["aws:sourceip", "aws:currenttime", "aws:epochtime", "aws:requestedregion"];

/// Values an outsider's request can carry: its own account, organisation, principal and
/// resources, arbitrary text, internet addresses, several values at once.
const OUTSIDER_VALUES: &[&[&str]] = &[
    &["999999999999"],
    &["o-zz9zz9zz9z"],
    &["arn:aws:iam::999999999999:role/outsider"],
    &["arn:aws:s3:::outsider-bucket-7q"],
    &["arn:aws:sqs:us-east-1:999999999999:outsider-queue"],
    &["x7q-unlisted-value"],
    &["203.0.113.7"],
    &["2001:db8::7"],
    &["x7q-a", "x7q-b"],
];

fn key(c: &Condition) -> String {
    c.key.to_ascii_lowercase()
}

/// The outcomes of a condition on every request an outsider can make.
fn outsider_outcomes(c: &Condition) -> Vec<bool> {
    let holds = |values: Vec<String>| {
        let mut ctx = Context::closed();
        ctx.set(&c.key, values);
        condition::evaluate(c, &ctx) == Tri::True
    };
    let mut out: Vec<bool> = OUTSIDER_VALUES.iter().map(|v| holds(v.iter().map(|s| s.to_string()).collect())).collect();
    if !ALWAYS_PRESENT.contains(&key(c).as_str()) {
        out.push(holds(Vec::new()));
    }
    out
}

/// Whether some outsider's request satisfies the condition.
pub fn outsider_passes(c: &Condition) -> bool {
    CALLER_CHOSEN.contains(&key(c).as_str()) || outsider_outcomes(c).into_iter().any(|b| b)
}

/// Whether some outsider's request escapes a Deny with this condition.
fn outsider_dodges(c: &Condition) -> bool {
    CALLER_CHOSEN.contains(&key(c).as_str()) || outsider_outcomes(c).into_iter().any(|b| !b)
}

/// Whether an `aws:PrincipalOrgID` condition limits callers to named organisations.
pub fn names_organisations(c: &Condition) -> bool {
    c.key.eq_ignore_ascii_case("aws:PrincipalOrgID") && !outsider_passes(c)
}

/// The condition keys (lower-cased) that keep outsiders out of what an evaluation allows:
/// those of the resource policy's undecided statements. An Allow's condition counts when no
/// outsider passes it; a Deny's when no outsider escapes it.
pub fn restricting_keys(eval: &Evaluation, policy: &Policy, ctx: &Context) -> Vec<String> {
    let mut keys = Vec::new();
    for pending in eval.pending.iter().filter(|p| p.statement.policy == "resource policy") {
        let Some(statement) = policy.statements.get(pending.statement.index) else { continue };
        let undecided = statement.conditions.iter().filter(|c| condition::evaluate(c, ctx) == Tri::Unknown);
        let binding: Vec<&Condition> = match statement.effect {
            Effect::Allow => undecided.filter(|c| !outsider_passes(c)).collect(),
            // A Deny applies when all its conditions hold: one an outsider escapes frees them.
            Effect::Deny => {
                let all: Vec<&Condition> = undecided.collect();
                if all.iter().any(|c| outsider_dodges(c)) { Vec::new() } else { all }
            }
        };
        keys.extend(binding.into_iter().map(key));
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(json: &str) -> Condition {
        let doc = format!(r#"{{"Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{json}}}}}"#);
        let policy = crate::policy::parse(&doc).unwrap_or_else(|e| panic!("{e}"));
        policy.statements[0].conditions[0].clone()
    }

    #[test]
    fn conditions_an_outsider_satisfies_keep_no_one_out() {
        for c in [
            r#"{"StringLikeIfExists":{"aws:SourceArn":"*"}}"#,
            r#"{"StringLike":{"aws:SourceArn":"*"}}"#,
            r#"{"StringNotEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#,
            r#"{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}"#,
            r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
            r#"{"StringLike":{"aws:PrincipalOrgID":["o-abc123","*"]}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            r#"{"StringEquals":{"aws:Referer":"https://example.com"}}"#,
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            r#"{"Null":{"aws:SourceArn":"true"}}"#,
        ] {
            assert!(outsider_passes(&condition(c)), "{c}");
        }
    }

    #[test]
    fn conditions_no_outsider_satisfies_restrict() {
        for c in [
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            r#"{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#,
            r#"{"StringLike":{"aws:PrincipalOrgID":"o-abc123"}}"#,
        ] {
            assert!(!outsider_passes(&condition(c)), "{c}");
        }
    }

    #[test]
    fn only_literal_organisation_ids_name_organisations() {
        assert!(names_organisations(&condition(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#)));
        assert!(!names_organisations(&condition(r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#)));
        assert!(!names_organisations(&condition(r#"{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}"#)));
    }
}
