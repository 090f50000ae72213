//! Questions with free condition keys ("who can invoke this?"): statements whose
//! conditions depend on unfixed keys make the answer conditional, carrying the conditions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lambdascope::policy::{self, Caller, Context, Decision, Named, Policies, Request};

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:fn";

fn ask(caller: &str, resource_policy: &str, identity: Option<&str>, ctx: Context) -> policy::Evaluation {
    let caller = Caller::parse(caller).unwrap();
    let ctx = policy::with_request_keys(ctx, &caller, FN);
    let res = policy::parse(resource_policy).unwrap();
    let id = identity.map(|t| policy::parse(t).unwrap());
    let policies = Policies {
        identity: id.iter().map(|policy| Named { name: "identity", policy }).collect(),
        resource: Some(Named { name: "resource_policy", policy: &res }),
        boundary: None,
        ..Default::default()
    };
    policy::evaluate(
        &Request { caller: &caller, action: "lambda:InvokeFunction", resource: FN, context: &ctx },
        &policies,
    )
}

const S3_GRANT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"S3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
    "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:fn",
    "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}]}"#;

#[test]
fn unfixed_key_makes_a_grant_conditional_with_its_condition() {
    let e = ask("s3.amazonaws.com", S3_GRANT, None, Context::open());
    assert_eq!(e.decision, Decision::Conditional);
    assert_eq!(e.pending.len(), 1);
    assert_eq!(e.pending[0].statement.sid.as_deref(), Some("S3"));
    assert_eq!(e.pending[0].conditions, vec!["ArnLike AWS:SourceArn arn:aws:s3:::uploads"]);
    assert!(e.reasons[0].contains("allows it only when ArnLike AWS:SourceArn"), "{:?}", e.reasons);
}

#[test]
fn fixing_the_key_decides() {
    let mut ctx = Context::open();
    ctx.set("aws:SourceArn", vec!["arn:aws:s3:::uploads".into()]);
    assert_eq!(ask("s3.amazonaws.com", S3_GRANT, None, ctx).decision, Decision::Allowed);
    let mut ctx = Context::open();
    ctx.set("aws:SourceArn", vec![]); // known to be absent
    assert_eq!(ask("s3.amazonaws.com", S3_GRANT, None, ctx).decision, Decision::ImplicitDeny);
}

#[test]
fn a_deny_with_free_keys_makes_an_allow_conditional() {
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"All","Effect":"Allow","Principal":"*","Action":"lambda:*","Resource":"*"},
        {"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*",
         "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#;
    let e = ask(
        "arn:aws:iam::111122223333:role/x",
        policy,
        Some(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#),
        Context::open(),
    );
    assert_eq!(e.decision, Decision::Conditional);
    assert!(e.pending.iter().any(|p| p.statement.sid.as_deref() == Some("OrgOnly")));
    assert!(
        e.reasons.iter().any(|r| r.contains("denies it only when StringNotEquals aws:PrincipalOrgID o-abc")),
        "{:?}",
        e.reasons
    );
}

#[test]
fn keys_derived_from_the_caller_are_not_free() {
    // aws:PrincipalAccount is known from the caller even in an open question.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction",
        "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#;
    let id = Some(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    assert_eq!(ask("arn:aws:iam::111122223333:role/x", policy, id, Context::open()).decision, Decision::Allowed);
    assert_eq!(ask("arn:aws:iam::444455556666:role/x", policy, id, Context::open()).decision, Decision::ImplicitDeny);
}
