//! The parser on odd-but-valid documents and on malformed ones: valid forms parse to the
//! same meaning, malformed ones give an error that points at the element, and the raw
//! text is kept in the snapshot model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::model::PolicyText;
use lambdascope::policy::{Effect, PrincipalEntry, parse};

#[test]
fn odd_but_valid_documents() {
    // A single statement object, string values, no Version, no Sid.
    let p = parse(r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#).unwrap();
    assert_eq!(p.statements.len(), 1);
    assert_eq!(p.statements[0].actions.values[0].text, "s3:GetObject");
    // Every principal form.
    let p = parse(
        r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"},
        {"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::111122223333:root"],"Service":"s3.amazonaws.com",
          "Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbace"},"Action":"*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/a"},"NotAction":"iam:*","NotResource":["arn:aws:s3:::x"]},
        {"Effect":"Allow","Principal":"123456789012","Action":"*","Resource":"*"},
        {"Effect":"Allow","Principal":"sns.amazonaws.com","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap();
    assert_eq!(p.statements[0].principal.as_ref().unwrap().entries, vec![PrincipalEntry::Anyone]);
    assert_eq!(p.statements[1].principal.as_ref().unwrap().entries, vec![PrincipalEntry::Anyone]);
    assert_eq!(p.statements[2].principal.as_ref().unwrap().entries.len(), 5);
    let s3 = &p.statements[3];
    assert!(s3.principal.as_ref().unwrap().negated && s3.actions.negated && s3.resources.as_ref().unwrap().negated);
    assert_eq!(s3.effect, Effect::Deny);
    assert_eq!(p.statements[4].principal.as_ref().unwrap().entries, vec![PrincipalEntry::Aws("123456789012".into())]);
    assert_eq!(
        p.statements[5].principal.as_ref().unwrap().entries,
        vec![PrincipalEntry::Service("sns.amazonaws.com".into())]
    );
    // Condition values of every JSON scalar type; several operators and keys.
    let p = parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
        "Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10},
        "ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"Null":{"aws:TokenIssueTime":"false"}}}]}"#,
    )
    .unwrap();
    let conds = &p.statements[0].conditions;
    assert_eq!(conds.len(), 4);
    assert_eq!(conds[0].values, vec!["true"]);
    assert_eq!(conds[1].values, vec!["10"]);
    // URL-encoded documents, as IAM returns them.
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    assert_eq!(parse(encoded).unwrap().statements[0].actions.values[0].text, "s3:*");
    // An empty statement list is valid and grants nothing.
    assert!(parse(r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap().statements.is_empty());
}

#[test]
fn canonical_form_round_trips() {
    let text = r#"{"Version":"2012-10-17","Id":"x","Statement":{"Sid":"A","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
        "Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
        "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}}}"#;
    let p = parse(text).unwrap();
    let again = parse(&p.to_json().to_string()).unwrap();
    assert_eq!(p, again);
}

#[test]
fn malformed_documents_are_errors_that_point_at_the_element() {
    let cases = [
        ("not json", "invalid JSON"),
        ("[1,2]", "must be a JSON object"),
        (r#"{"Version":"2012-10-17"}"#, "missing Statement"),
        (r#"{"Version":"2020-01-01","Statement":[]}"#, "unsupported version"),
        (r#"{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}"#, "Statement[0].Effect"),
        (r#"{"Statement":[{"Action":"*","Resource":"*"}]}"#, "missing Effect"),
        (r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#, "missing Action"),
        (r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#, "cannot both appear"),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]}"#,
            "unknown condition operator \"StringEqualz\"",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}"#,
            "unknown condition operator",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"x":1}}}}]}"#,
            "condition values",
        ),
        (r#"{"Statement":[{"Effect":"Allow","Action":["s3:*",7],"Resource":"*"}]}"#, "Statement[0].Action[1]"),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":{"Robot":"x"}}]}"#,
            "unknown principal type",
        ),
        (r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}"#, "unknown statement element"),
        (r#"{"Statement":"nope"}"#, "must be an object or a list"),
        ("%ZZ", "neither JSON nor URL-encoded"),
    ];
    for (text, want) in cases {
        let err = parse(text).expect_err(text).to_string();
        assert!(err.contains(want), "{text}: error {err:?} should mention {want:?}");
    }
}

#[test]
fn unparsable_policy_keeps_its_raw_text() {
    let p = PolicyText::new("{\"Statement\": [{\"Effect\": \"Maybe\"}]}");
    assert!(p.parsed.is_err());
    assert_eq!(p.raw, "{\"Statement\": [{\"Effect\": \"Maybe\"}]}");
    let json = serde_json::to_value(&p).unwrap();
    assert!(json["error"].as_str().unwrap().contains("Effect"));
    let back: PolicyText = serde_json::from_value(json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn a_document_with_a_repeated_key_is_rejected_by_name() {
    let text =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Effect":"Allow"}]}"#;
    let e = lambdascope::policy::parse(text).unwrap_err().to_string();
    assert!(e.contains("Statement[0].Effect: the key \"Effect\" appears twice"), "{e}");
    // Through simulate, inline or as a string, the case file is refused with the same words.
    let case = format!(
        r#"{{"principal":"arn:aws:iam::123456789012:user/a","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
            "identity_policies":[{text}]}}"#
    );
    let out = support::run(&["simulate", "-"], &case);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("identity_policies[0].Statement[0].Effect: the key \"Effect\" appears twice"), "{err}");
}
