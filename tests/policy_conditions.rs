//! Table-driven cases for every condition operator, `IfExists`, the set qualifiers, and
//! what a key missing from the request means (IAM.md, Conditions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::*;

/// A case where an identity Allow carries one condition; `context` is the request's.
fn when(name: &str, op: &str, key: &str, values: Value, context: Value, expect: &str) -> Value {
    let statement = with_condition(allow(INVOKE, FN), json!({op: {key: values}}));
    case(name, USER, INVOKE, FN).id(vec![statement]).ctx(context).expect(expect)
}

#[test]
fn string_operators() {
    let k = "aws:SourceVpc";
    check_cases(vec![
        when("StringEquals match", "StringEquals", k, json!("vpc-1"), json!({k: "vpc-1"}), "allowed"),
        when("StringEquals is case-sensitive", "StringEquals", k, json!("vpc-1"), json!({k: "VPC-1"}), "implicit_deny"),
        when("StringEquals has no wildcards", "StringEquals", k, json!("vpc-*"), json!({k: "vpc-1"}), "implicit_deny"),
        when(
            "StringEquals values are ORed",
            "StringEquals",
            k,
            json!(["vpc-2", "vpc-1"]),
            json!({k: "vpc-1"}),
            "allowed",
        ),
        when("StringEquals missing key", "StringEquals", k, json!("vpc-1"), json!({}), "implicit_deny"),
        when("StringNotEquals other value", "StringNotEquals", k, json!("vpc-1"), json!({k: "vpc-2"}), "allowed"),
        when("StringNotEquals same value", "StringNotEquals", k, json!("vpc-1"), json!({k: "vpc-1"}), "implicit_deny"),
        when(
            "StringNotEquals any listed value",
            "StringNotEquals",
            k,
            json!(["vpc-2", "vpc-1"]),
            json!({k: "vpc-1"}),
            "implicit_deny",
        ),
        when("StringNotEquals missing key is true", "StringNotEquals", k, json!("vpc-1"), json!({}), "allowed"),
        when("StringEqualsIgnoreCase", "StringEqualsIgnoreCase", k, json!("VPC-1"), json!({k: "vpc-1"}), "allowed"),
        when(
            "StringNotEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            k,
            json!("VPC-1"),
            json!({k: "vpc-1"}),
            "implicit_deny",
        ),
        when("StringLike wildcard", "StringLike", k, json!("vpc-*"), json!({k: "vpc-1"}), "allowed"),
        when("StringLike ?", "StringLike", k, json!("vpc-?"), json!({k: "vpc-12"}), "implicit_deny"),
        when("StringLike is case-sensitive", "StringLike", k, json!("VPC-*"), json!({k: "vpc-1"}), "implicit_deny"),
        when("StringNotLike", "StringNotLike", k, json!("vpc-*"), json!({k: "vpc-1"}), "implicit_deny"),
        when("StringNotLike other", "StringNotLike", k, json!("vpc-*"), json!({k: "subnet-1"}), "allowed"),
        when("StringNotLike missing key is true", "StringNotLike", k, json!("vpc-*"), json!({}), "allowed"),
        when(
            "key names are case-insensitive",
            "StringEquals",
            "AWS:SOURCEVPC",
            json!("vpc-1"),
            json!({"aws:sourcevpc": "vpc-1"}),
            "allowed",
        ),
        when(
            "variable in a condition value",
            "StringEquals",
            "aws:PrincipalTag/owner",
            json!("${aws:username}"),
            json!({"aws:PrincipalTag/owner": "alice"}),
            "allowed",
        ),
        when(
            "variable for someone else",
            "StringEquals",
            "aws:PrincipalTag/owner",
            json!("${aws:username}"),
            json!({"aws:PrincipalTag/owner": "bob"}),
            "implicit_deny",
        ),
        when(
            "multi-valued key without qualifier: any value",
            "StringEquals",
            "aws:TagKeys",
            json!("a"),
            json!({"aws:TagKeys": ["b", "a"]}),
            "allowed",
        ),
    ]);
}

#[test]
fn numeric_date_bool_binary_ip_operators() {
    let n = "s3:max-keys";
    let d = "aws:CurrentTime";
    let ip = "aws:SourceIp";
    check_cases(vec![
        when("NumericEquals", "NumericEquals", n, json!("10"), json!({n: "10"}), "allowed"),
        when("NumericEquals compares numbers", "NumericEquals", n, json!("10"), json!({n: "10.0"}), "allowed"),
        when("NumericNotEquals", "NumericNotEquals", n, json!("10"), json!({n: "10"}), "implicit_deny"),
        when("NumericLessThan", "NumericLessThan", n, json!("10"), json!({n: "9"}), "allowed"),
        when("NumericLessThan equal", "NumericLessThan", n, json!("10"), json!({n: "10"}), "implicit_deny"),
        when("NumericLessThanEquals", "NumericLessThanEquals", n, json!("10"), json!({n: "10"}), "allowed"),
        when("NumericGreaterThan", "NumericGreaterThan", n, json!("10"), json!({n: "10"}), "implicit_deny"),
        when("NumericGreaterThanEquals", "NumericGreaterThanEquals", n, json!("10"), json!({n: "11"}), "allowed"),
        when("Numeric against text", "NumericEquals", n, json!("10"), json!({n: "ten"}), "implicit_deny"),
        when("policy number as JSON number", "NumericLessThan", n, json!(100), json!({n: "5"}), "allowed"),
        when(
            "DateEquals across formats",
            "DateEquals",
            d,
            json!("2026-01-01T00:00:00Z"),
            json!({d: "1767225600"}),
            "allowed",
        ),
        when(
            "DateNotEquals",
            "DateNotEquals",
            d,
            json!("2026-01-01T00:00:00Z"),
            json!({d: "2026-01-02T00:00:00Z"}),
            "allowed",
        ),
        when(
            "DateLessThan",
            "DateLessThan",
            d,
            json!("2026-01-01T00:00:00Z"),
            json!({d: "2025-12-31T23:59:59Z"}),
            "allowed",
        ),
        when(
            "DateLessThanEquals",
            "DateLessThanEquals",
            d,
            json!("2026-01-01T00:00:00Z"),
            json!({d: "2026-01-01T00:00:01Z"}),
            "implicit_deny",
        ),
        when(
            "DateGreaterThan",
            "DateGreaterThan",
            d,
            json!("2026-01-01"),
            json!({d: "2026-06-01T00:00:00Z"}),
            "allowed",
        ),
        when(
            "DateGreaterThanEquals with offset",
            "DateGreaterThanEquals",
            d,
            json!("2026-01-01T00:00:00Z"),
            json!({d: "2026-01-01T01:00:00+01:00"}),
            "allowed",
        ),
        when(
            "Bool true",
            "Bool",
            "aws:SecureTransport",
            json!("true"),
            json!({"aws:SecureTransport": "true"}),
            "allowed",
        ),
        when(
            "Bool false",
            "Bool",
            "aws:SecureTransport",
            json!("true"),
            json!({"aws:SecureTransport": "false"}),
            "implicit_deny",
        ),
        when(
            "Bool JSON literal",
            "Bool",
            "aws:SecureTransport",
            json!(false),
            json!({"aws:SecureTransport": "false"}),
            "allowed",
        ),
        when("Bool missing key", "Bool", "aws:SecureTransport", json!("false"), json!({}), "implicit_deny"),
        when("BinaryEquals", "BinaryEquals", "k", json!("QmluYXJ5"), json!({"k": "QmluYXJ5"}), "allowed"),
        when("BinaryEquals differs", "BinaryEquals", "k", json!("QmluYXJ5"), json!({"k": "QmluYXJ6"}), "implicit_deny"),
        when("IpAddress in CIDR", "IpAddress", ip, json!("203.0.113.0/24"), json!({ip: "203.0.113.7"}), "allowed"),
        when(
            "IpAddress outside",
            "IpAddress",
            ip,
            json!("203.0.113.0/24"),
            json!({ip: "203.0.114.7"}),
            "implicit_deny",
        ),
        when(
            "IpAddress list",
            "IpAddress",
            ip,
            json!(["10.0.0.0/8", "203.0.113.0/24"]),
            json!({ip: "10.9.9.9"}),
            "allowed",
        ),
        when("IpAddress IPv6", "IpAddress", ip, json!("2001:db8::/32"), json!({ip: "2001:db8:1::5"}), "allowed"),
        when(
            "NotIpAddress inside",
            "NotIpAddress",
            ip,
            json!("203.0.113.0/24"),
            json!({ip: "203.0.113.7"}),
            "implicit_deny",
        ),
        when(
            "NotIpAddress outside",
            "NotIpAddress",
            ip,
            json!("203.0.113.0/24"),
            json!({ip: "198.51.100.1"}),
            "allowed",
        ),
        when("NotIpAddress missing key is true", "NotIpAddress", ip, json!("203.0.113.0/24"), json!({}), "allowed"),
    ]);
}

#[test]
fn arn_and_null_operators() {
    let k = "aws:SourceArn";
    let topic = "arn:aws:sns:us-east-1:123456789012:topic";
    check_cases(vec![
        when("ArnEquals", "ArnEquals", k, json!(topic), json!({k: topic}), "allowed"),
        when(
            "ArnEquals accepts wildcards",
            "ArnEquals",
            k,
            json!("arn:aws:sns:*:123456789012:*"),
            json!({k: topic}),
            "allowed",
        ),
        when("ArnLike segment-wise", "ArnLike", k, json!("arn:aws:sns:us-east-1:*:top*"), json!({k: topic}), "allowed"),
        when(
            "ArnLike wildcard cannot cross a segment",
            "ArnLike",
            k,
            json!("arn:aws:sns:*:topic"),
            json!({k: topic}),
            "implicit_deny",
        ),
        when(
            "ArnLike is case-sensitive",
            "ArnLike",
            k,
            json!("arn:aws:sns:us-east-1:123456789012:Topic"),
            json!({k: topic}),
            "implicit_deny",
        ),
        when("ArnNotEquals", "ArnNotEquals", k, json!(topic), json!({k: topic}), "implicit_deny"),
        when("ArnNotLike other", "ArnNotLike", k, json!("arn:aws:s3:::*"), json!({k: topic}), "allowed"),
        when("ArnNotLike missing key is true", "ArnNotLike", k, json!("arn:aws:s3:::*"), json!({}), "allowed"),
        when("Null true, key absent", "Null", k, json!("true"), json!({}), "allowed"),
        when("Null true, key present", "Null", k, json!("true"), json!({k: topic}), "implicit_deny"),
        when("Null false, key present", "Null", k, json!("false"), json!({k: topic}), "allowed"),
        when("Null false, key absent", "Null", k, json!("false"), json!({}), "implicit_deny"),
    ]);
}

#[test]
fn if_exists_and_set_qualifiers() {
    let k = "aws:TagKeys";
    check_cases(vec![
        when(
            "IfExists, key absent",
            "StringEqualsIfExists",
            "ec2:InstanceType",
            json!("t3.micro"),
            json!({}),
            "allowed",
        ),
        when(
            "IfExists, key present and matching",
            "StringEqualsIfExists",
            "ec2:InstanceType",
            json!("t3.micro"),
            json!({"ec2:InstanceType": "t3.micro"}),
            "allowed",
        ),
        when(
            "IfExists, key present and different",
            "StringEqualsIfExists",
            "ec2:InstanceType",
            json!("t3.micro"),
            json!({"ec2:InstanceType": "m5.large"}),
            "implicit_deny",
        ),
        when("BoolIfExists absent", "BoolIfExists", "aws:MultiFactorAuthPresent", json!("true"), json!({}), "allowed"),
        when(
            "NumericLessThanIfExists present",
            "NumericLessThanIfExists",
            "s3:max-keys",
            json!("5"),
            json!({"s3:max-keys": "7"}),
            "implicit_deny",
        ),
        when(
            "ForAnyValue one matches",
            "ForAnyValue:StringEquals",
            k,
            json!(["env", "team"]),
            json!({k: ["team", "cost"]}),
            "allowed",
        ),
        when(
            "ForAnyValue none matches",
            "ForAnyValue:StringEquals",
            k,
            json!(["env"]),
            json!({k: ["team", "cost"]}),
            "implicit_deny",
        ),
        when(
            "ForAnyValue missing key is false",
            "ForAnyValue:StringEquals",
            k,
            json!(["env"]),
            json!({}),
            "implicit_deny",
        ),
        when(
            "ForAnyValue empty list is false",
            "ForAnyValue:StringEquals",
            k,
            json!(["env"]),
            json!({k: []}),
            "implicit_deny",
        ),
        when(
            "ForAllValues all in set",
            "ForAllValues:StringEquals",
            k,
            json!(["env", "team"]),
            json!({k: ["team", "env"]}),
            "allowed",
        ),
        when(
            "ForAllValues one outside",
            "ForAllValues:StringEquals",
            k,
            json!(["env", "team"]),
            json!({k: ["team", "cost"]}),
            "implicit_deny",
        ),
        when("ForAllValues missing key is true", "ForAllValues:StringEquals", k, json!(["env"]), json!({}), "allowed"),
        when(
            "ForAllValues:StringLike",
            "ForAllValues:StringLike",
            k,
            json!(["team*"]),
            json!({k: ["team", "teamx"]}),
            "allowed",
        ),
        when(
            "ForAnyValue:StringNotEquals some value outside",
            "ForAnyValue:StringNotEquals",
            k,
            json!(["env"]),
            json!({k: ["env", "team"]}),
            "allowed",
        ),
        when(
            "ForAllValues:StringNotEquals all outside",
            "ForAllValues:StringNotEquals",
            k,
            json!(["env"]),
            json!({k: ["cost", "team"]}),
            "allowed",
        ),
        when(
            "ForAllValues:StringNotEquals one inside",
            "ForAllValues:StringNotEquals",
            k,
            json!(["env"]),
            json!({k: ["env", "team"]}),
            "implicit_deny",
        ),
        when(
            "negated operator on multi-valued key without qualifier",
            "StringNotEquals",
            k,
            json!(["env"]),
            json!({k: ["env", "team"]}),
            "implicit_deny",
        ),
    ]);
}

#[test]
fn blocks_combine_and_keys_and_values() {
    let both = |ctx: Value, expect: &str, name: &str| {
        let statement = with_condition(
            allow(INVOKE, FN),
            json!({
                "StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"], "aws:SourceAccount": A},
                "Bool": {"aws:SecureTransport": "true"}
            }),
        );
        case(name, USER, INVOKE, FN).id(vec![statement]).ctx(ctx).expect(expect)
    };
    let deny_outside = json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}});
    check_cases(vec![
        both(
            json!({"aws:SourceVpc": "vpc-2", "aws:SourceAccount": A, "aws:SecureTransport": "true"}),
            "allowed",
            "all met",
        ),
        both(
            json!({"aws:SourceVpc": "vpc-3", "aws:SourceAccount": A, "aws:SecureTransport": "true"}),
            "implicit_deny",
            "one key fails",
        ),
        both(json!({"aws:SourceVpc": "vpc-1", "aws:SourceAccount": A}), "implicit_deny", "one operator's key missing"),
        case("deny with negated operator, key missing", USER, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .res(vec![deny_outside.clone()])
            .expect("explicit_deny"),
        case("deny with negated operator, key matches", USER, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .res(vec![deny_outside])
            .ctx(json!({"aws:PrincipalOrgID": "o-abc"}))
            .expect("allowed"),
        case("aws:PrincipalArn is always in the request", USER, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .res(vec![json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": USER}}})])
            .expect("allowed"),
        case("aws:PrincipalArn of a session is its role", SESSION, INVOKE, FN)
            .res(vec![with_condition(grant(json!("*"), INVOKE, FN), json!({"ArnEquals": {"aws:PrincipalArn": ROLE}}))])
            .expect("allowed"),
        case("aws:PrincipalAccount is always in the request", XROLE, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"StringEquals": {"aws:PrincipalAccount": B}}),
            )])
            .expect("allowed"),
        case("given context wins over derived keys", USER, INVOKE, FN)
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/zed"}}),
            )])
            .ctx(json!({"aws:PrincipalArn": "arn:aws:iam::123456789012:user/zed"}))
            .expect("allowed"),
    ]);
}
