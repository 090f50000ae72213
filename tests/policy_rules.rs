//! Table-driven cases for IAM's decision rules and for action, resource and principal
//! matching (IAM.md). Each case would fail if its rule were implemented wrongly; they run
//! through the real `simulate` command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use support::*;

#[test]
fn decision_rules() {
    let svc = json!({"Service": "s3.amazonaws.com"});
    let bucket = "arn:aws:s3:::bucket/key";
    check_cases(vec![
        case("nothing allows", USER, INVOKE, FN).expect("implicit_deny"),
        case("identity allow alone, same account", USER, INVOKE, FN).id(vec![allow(INVOKE, FN)]).expect("allowed"),
        case("resource allow naming the user alone", USER, INVOKE, FN)
            .res(vec![grant(aws(USER), INVOKE, FN)])
            .expect("allowed"),
        case("account grant only delegates", USER, INVOKE, FN)
            .res(vec![grant(aws(A), INVOKE, FN)])
            .expect("implicit_deny"),
        case("account root ARN grant only delegates", USER, INVOKE, FN)
            .res(vec![grant(aws(&format!("arn:aws:iam::{A}:root")), INVOKE, FN)])
            .expect("implicit_deny"),
        case("account grant plus identity allow", USER, INVOKE, FN)
            .res(vec![grant(aws(A), INVOKE, FN)])
            .id(vec![allow(INVOKE, FN)])
            .expect("allowed"),
        case("identity deny beats resource allow", USER, INVOKE, FN)
            .res(vec![grant(aws(USER), INVOKE, FN)])
            .id(vec![deny(INVOKE, "*")])
            .expect("explicit_deny"),
        case("resource deny beats identity allow", USER, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .res(vec![json!({"Effect": "Deny", "Principal": "*", "Action": INVOKE, "Resource": FN})])
            .expect("explicit_deny"),
        case("boundary deny is explicit", ROLE, INVOKE, FN)
            .id(vec![allow("*", "*")])
            .bnd(vec![allow("*", "*"), deny(INVOKE, "*")])
            .expect("explicit_deny"),
        case("boundary without the action caps identity", ROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .bnd(vec![allow("s3:*", "*")])
            .expect("implicit_deny"),
        case("boundary and identity both allow", ROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .bnd(vec![allow("lambda:*", "*")])
            .expect("allowed"),
        case("boundary grants nothing by itself", ROLE, INVOKE, FN).bnd(vec![allow("*", "*")]).expect("implicit_deny"),
        case("role-ARN grant is capped by the role's boundary", ROLE, INVOKE, FN)
            .res(vec![grant(aws(ROLE), INVOKE, FN)])
            .bnd(vec![allow("s3:*", "*")])
            .expect("implicit_deny"),
        case("role-ARN grant capped for a session too", SESSION, INVOKE, FN)
            .res(vec![grant(aws(ROLE), INVOKE, FN)])
            .bnd(vec![allow("s3:*", "*")])
            .expect("implicit_deny"),
        case("role-ARN grant within the boundary", SESSION, INVOKE, FN)
            .res(vec![grant(aws(ROLE), INVOKE, FN)])
            .bnd(vec![allow("lambda:*", "*")])
            .expect("allowed"),
        case("role-ARN grant, no boundary", ROLE, INVOKE, FN).res(vec![grant(aws(ROLE), INVOKE, FN)]).expect("allowed"),
        case("user-ARN grant is not capped by the boundary", USER, INVOKE, FN)
            .res(vec![grant(aws(USER), INVOKE, FN)])
            .bnd(vec![allow("s3:*", "*")])
            .expect("allowed"),
        case("session-ARN grant is not capped by the boundary", SESSION, INVOKE, FN)
            .res(vec![grant(aws(SESSION), INVOKE, FN)])
            .bnd(vec![allow("s3:*", "*")])
            .expect("allowed"),
        case("cross-account: both sides allow", XROLE, INVOKE, FN)
            .res(vec![grant(aws(B), INVOKE, FN)])
            .id(vec![allow(INVOKE, "*")])
            .expect("allowed"),
        case("cross-account: resource side only", XROLE, INVOKE, FN)
            .res(vec![grant(aws(XROLE), INVOKE, FN)])
            .expect("implicit_deny"),
        case("cross-account: identity side only", XROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, "*")])
            .expect("implicit_deny"),
        case("cross-account: grant to another account", XROLE, INVOKE, FN)
            .res(vec![grant(aws("444455556666"), INVOKE, FN)])
            .id(vec![allow(INVOKE, "*")])
            .expect("implicit_deny"),
        case("cross-account: boundary caps the caller", XROLE, INVOKE, FN)
            .res(vec![grant(aws(XROLE), INVOKE, FN)])
            .id(vec![allow(INVOKE, "*")])
            .bnd(vec![allow("s3:*", "*")])
            .expect("implicit_deny"),
        case("cross-account: grant to the caller's role", XROLE, INVOKE, FN)
            .res(vec![grant(aws(XROLE), INVOKE, FN)])
            .id(vec![allow(INVOKE, "*")])
            .expect("allowed"),
        case("service principal: resource policy alone", "s3.amazonaws.com", INVOKE, FN)
            .res(vec![grant(svc.clone(), INVOKE, FN)])
            .expect("allowed"),
        case("service principal: identity policies do not apply", "s3.amazonaws.com", INVOKE, FN)
            .id(vec![allow("*", "*")])
            .expect("implicit_deny"),
        case("service principal: another service", "sns.amazonaws.com", INVOKE, FN)
            .res(vec![grant(svc.clone(), INVOKE, FN)])
            .expect("implicit_deny"),
        case("service principal: everyone includes services", "sns.amazonaws.com", INVOKE, FN)
            .res(vec![grant(json!("*"), INVOKE, FN)])
            .expect("allowed"),
        case("service principal: account grant is not for services", "s3.amazonaws.com", INVOKE, FN)
            .res(vec![grant(aws(A), INVOKE, FN)])
            .expect("implicit_deny"),
        case("anonymous with Principal *", "anonymous", INVOKE, FN)
            .res(vec![grant(json!("*"), INVOKE, FN)])
            .expect("allowed"),
        case("anonymous with AWS *", "anonymous", INVOKE, FN).res(vec![grant(aws("*"), INVOKE, FN)]).expect("allowed"),
        case("anonymous is in no account", "anonymous", INVOKE, FN)
            .res(vec![grant(aws(A), INVOKE, FN)])
            .expect("implicit_deny"),
        case("root has full access in its own account", &format!("arn:aws:iam::{A}:root"), INVOKE, FN)
            .expect("allowed"),
        case("root is still subject to a resource deny", &format!("arn:aws:iam::{A}:root"), INVOKE, FN)
            .res(vec![json!({"Effect": "Deny", "Principal": aws(A), "Action": "lambda:*", "Resource": "*"})])
            .expect("explicit_deny"),
        case("a Deny given for root still applies", &format!("arn:aws:iam::{A}:root"), INVOKE, FN)
            .id(vec![deny("lambda:*", "*")])
            .expect("explicit_deny"),
        case("root of another account needs the resource policy", &format!("arn:aws:iam::{B}:root"), INVOKE, FN)
            .expect("implicit_deny"),
        case("root of another account granted by account", &format!("arn:aws:iam::{B}:root"), INVOKE, FN)
            .res(vec![grant(aws(B), INVOKE, FN)])
            .expect("allowed"),
        case("deny naming the account covers its users", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![json!({"Effect": "Deny", "Principal": aws(A), "Action": INVOKE, "Resource": FN})])
            .expect("explicit_deny"),
        case("deny naming another account does not apply", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![json!({"Effect": "Deny", "Principal": aws(B), "Action": INVOKE, "Resource": FN})])
            .expect("allowed"),
        case("S3 ARN without account is in the caller's account", USER, "s3:GetObject", bucket)
            .res(vec![grant(aws(USER), "s3:GetObject", "arn:aws:s3:::bucket/*")])
            .expect("allowed"),
        case("S3 ARN, cross-account caller needs both sides", XROLE, "s3:GetObject", bucket)
            .res(vec![grant(aws(XROLE), "s3:GetObject", "arn:aws:s3:::bucket/*")])
            .expect("allowed"),
        case("deny in another identity policy still wins", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .id(vec![deny("lambda:Invoke*", "*")])
            .expect("explicit_deny"),
        case("deny for a different action does not apply", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN), deny("lambda:DeleteFunction", "*")])
            .expect("allowed"),
    ]);
}

#[test]
fn action_and_resource_matching() {
    check_cases(vec![
        case("actions are case-insensitive", USER, INVOKE, FN).id(vec![allow("LAMBDA:invokefunction", FN)]).expect("allowed"),
        case("action * wildcard", USER, INVOKE, FN).id(vec![allow("lambda:Invoke*", FN)]).expect("allowed"),
        case("action ? wildcard", USER, INVOKE, FN).id(vec![allow("lambda:Invoke?unction", FN)]).expect("allowed"),
        case("action ? needs exactly one", USER, INVOKE, FN).id(vec![allow("lambda:InvokeFunction?", FN)]).expect("implicit_deny"),
        case("other service's wildcard", USER, INVOKE, FN).id(vec![allow("lambdax:*", FN)]).expect("implicit_deny"),
        case("Get* does not cover Invoke", USER, INVOKE, FN).id(vec![allow("lambda:Get*", "*")]).expect("implicit_deny"),
        case("action list", USER, INVOKE, FN).id(vec![allow("s3:GetObject", FN), json!({"Effect": "Allow", "Action": ["s3:PutObject", INVOKE], "Resource": FN})]).expect("allowed"),
        case("NotAction grants every other action", USER, INVOKE, FN)
            .id(vec![json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]).expect("allowed"),
        case("NotAction excludes its own", USER, "iam:CreateUser", "arn:aws:iam::123456789012:user/x")
            .id(vec![json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]).expect("implicit_deny"),
        case("Deny with NotAction denies the rest", USER, INVOKE, FN)
            .id(vec![allow("*", "*"), json!({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"})]).expect("explicit_deny"),
        case("NotResource", USER, INVOKE, FN)
            .id(vec![json!({"Effect": "Allow", "Action": "lambda:*", "NotResource": format!("{FN}-other")})]).expect("allowed"),
        case("NotResource excludes its own", USER, INVOKE, FN)
            .id(vec![json!({"Effect": "Allow", "Action": "lambda:*", "NotResource": "arn:aws:lambda:*:*:function:f*"})]).expect("implicit_deny"),
        case("resources are case-sensitive", USER, INVOKE, FN).id(vec![allow(INVOKE, &FN.replace(":fn", ":FN"))]).expect("implicit_deny"),
        case("unqualified ARN does not cover an alias", USER, INVOKE, &format!("{FN}:PROD")).id(vec![allow(INVOKE, FN)]).expect("implicit_deny"),
        case("fn:* covers an alias", USER, INVOKE, &format!("{FN}:PROD")).id(vec![allow(INVOKE, &format!("{FN}:*"))]).expect("allowed"),
        case("fn:* does not cover the unqualified function", USER, INVOKE, FN).id(vec![allow(INVOKE, &format!("{FN}:*"))]).expect("implicit_deny"),
        case("fn* covers qualified", USER, INVOKE, &format!("{FN}:3")).id(vec![allow(INVOKE, &format!("{FN}*"))]).expect("allowed"),
        case("fn* covers unqualified", USER, INVOKE, FN).id(vec![allow(INVOKE, &format!("{FN}*"))]).expect("allowed"),
        case("fn:1 only that version", USER, INVOKE, &format!("{FN}:2")).id(vec![allow(INVOKE, &format!("{FN}:1"))]).expect("implicit_deny"),
        case("region wildcard segment", USER, INVOKE, FN).id(vec![allow(INVOKE, "arn:aws:lambda:*:123456789012:function:fn")]).expect("allowed"),
        case("segment wildcard cannot cross a colon", USER, INVOKE, FN).id(vec![allow(INVOKE, "arn:aws:lambda:*:function:fn")]).expect("implicit_deny"),
        case("account segment ? wildcards", USER, INVOKE, FN).id(vec![allow(INVOKE, "arn:aws:lambda:us-east-1:12345678901?:function:fn")]).expect("allowed"),
        case("policy variable in resource", USER, "s3:GetObject", "arn:aws:s3:::home/alice/x")
            .id(vec![allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")]).expect("allowed"),
        case("policy variable for someone else", USER, "s3:GetObject", "arn:aws:s3:::home/bob/x")
            .id(vec![allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")]).expect("implicit_deny"),
        case("no variables in 2008-10-17", USER, "s3:GetObject", "arn:aws:s3:::home/alice/x")
            .raw("identity_policies", json!([{"Version": "2008-10-17", "Statement": [allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")]}]))
            .expect("implicit_deny"),
        case("variable default value", ROLE, "s3:GetObject", "arn:aws:s3:::home/anon/x")
            .id(vec![allow("s3:GetObject", "arn:aws:s3:::home/${aws:username, 'anon'}/*")]).expect("allowed"),
        case("unresolvable variable matches nothing", ROLE, "s3:GetObject", "arn:aws:s3:::home/x")
            .id(vec![allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}*")]).expect("implicit_deny"),
        case("${*} is a literal star", USER, "s3:GetObject", "arn:aws:s3:::b/x")
            .id(vec![allow("s3:GetObject", "arn:aws:s3:::b/${*}")]).expect("implicit_deny"),
    ]);
}

#[test]
fn principal_matching() {
    let deny_not =
        |entries: serde_json::Value| json!({"Effect": "Deny", "NotPrincipal": entries, "Action": "*", "Resource": "*"});
    check_cases(vec![
        case("principal list", USER, INVOKE, FN)
            .res(vec![grant(json!({"AWS": [XROLE, USER]}), INVOKE, FN)])
            .expect("allowed"),
        case("mixed principal kinds", "sns.amazonaws.com", INVOKE, FN)
            .res(vec![grant(json!({"AWS": XROLE, "Service": ["s3.amazonaws.com", "sns.amazonaws.com"]}), INVOKE, FN)])
            .expect("allowed"),
        case("role ARN covers its sessions", SESSION, INVOKE, FN)
            .res(vec![grant(aws(ROLE), INVOKE, FN)])
            .expect("allowed"),
        case("role ARN with a path covers sessions", SESSION, INVOKE, FN)
            .res(vec![grant(aws("arn:aws:iam::123456789012:role/team/caller"), INVOKE, FN)])
            .expect("allowed"),
        case("another role's ARN", SESSION, INVOKE, FN)
            .res(vec![grant(aws("arn:aws:iam::123456789012:role/other"), INVOKE, FN)])
            .expect("implicit_deny"),
        case("a session ARN covers only that session", "arn:aws:sts::123456789012:assumed-role/caller/s2", INVOKE, FN)
            .res(vec![grant(aws(SESSION), INVOKE, FN)])
            .expect("implicit_deny"),
        case("no partial wildcards in principals", USER, INVOKE, FN)
            .res(vec![grant(aws("arn:aws:iam::123456789012:user/*"), INVOKE, FN)])
            .expect("implicit_deny"),
        case("deleted principal's unique id matches nobody", USER, INVOKE, FN)
            .res(vec![grant(aws("AIDAJQABLZS4A3QDU576Q"), INVOKE, FN)])
            .expect("implicit_deny"),
        case("bare account id principal", USER, INVOKE, FN)
            .res(vec![grant(json!(A), INVOKE, FN)])
            .id(vec![allow(INVOKE, FN)])
            .expect("allowed"),
        case("NotPrincipal deny listing only the user still denies", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![deny_not(aws(USER))])
            .expect("explicit_deny"),
        case("NotPrincipal deny listing user and account", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![deny_not(json!({"AWS": [USER, A]}))])
            .expect("allowed"),
        case("NotPrincipal deny listing role and account spares sessions", SESSION, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![deny_not(json!({"AWS": [ROLE, format!("arn:aws:iam::{A}:root")]}))])
            .expect("allowed"),
        case("NotPrincipal deny, other user denied", "arn:aws:iam::123456789012:user/bob", INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .res(vec![deny_not(json!({"AWS": [USER, A]}))])
            .expect("explicit_deny"),
        case("NotPrincipal deny always hits a principal with a boundary", USER, INVOKE, FN)
            .id(vec![allow(INVOKE, FN)])
            .bnd(vec![allow("*", "*")])
            .res(vec![deny_not(json!({"AWS": [USER, A]}))])
            .expect("explicit_deny"),
        case("NotPrincipal deny excluding a service", "s3.amazonaws.com", INVOKE, FN)
            .res(vec![grant(json!("*"), INVOKE, FN), deny_not(json!({"Service": "s3.amazonaws.com"}))])
            .expect("allowed"),
        case("NotPrincipal deny applies to anonymous", "anonymous", INVOKE, FN)
            .res(vec![grant(json!("*"), INVOKE, FN), deny_not(aws(A))])
            .expect("explicit_deny"),
    ]);
}

#[test]
fn lambda_specifics() {
    let alias = format!("{FN}:PROD");
    let url_grant = with_condition(
        grant(json!("*"), "lambda:InvokeFunctionUrl", FN),
        json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
    );
    check_cases(vec![
        case("alias grant does not open the function", XROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, "*")])
            .res(vec![grant(aws(XROLE), INVOKE, &alias)])
            .expect("implicit_deny"),
        case("alias grant opens the alias", XROLE, INVOKE, &alias)
            .id(vec![allow(INVOKE, "*")])
            .res(vec![grant(aws(XROLE), INVOKE, &alias)])
            .expect("allowed"),
        case("public URL call", "anonymous", "lambda:InvokeFunctionUrl", FN)
            .res(vec![url_grant.clone()])
            .ctx(json!({"lambda:FunctionUrlAuthType": "NONE"}))
            .expect("allowed"),
        case("URL grant does not allow Invoke", "anonymous", INVOKE, FN)
            .res(vec![url_grant.clone()])
            .expect("implicit_deny"),
        case("InvokedViaFunctionUrl does not make Invoke public", "anonymous", INVOKE, FN)
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}),
            )])
            .expect("implicit_deny"),
        case("Invoke through the URL", "anonymous", INVOKE, FN)
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}),
            )])
            .ctx(json!({"lambda:InvokedViaFunctionUrl": "true"}))
            .expect("allowed"),
        case("service grant with source ARN", "s3.amazonaws.com", INVOKE, FN)
            .res(vec![with_condition(
                grant(json!({"Service": "s3.amazonaws.com"}), INVOKE, FN),
                json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}),
            )])
            .ctx(json!({"aws:SourceArn": "arn:aws:s3:::uploads"}))
            .expect("allowed"),
        case("service grant from another bucket", "s3.amazonaws.com", INVOKE, FN)
            .res(vec![with_condition(
                grant(json!({"Service": "s3.amazonaws.com"}), INVOKE, FN),
                json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}),
            )])
            .ctx(json!({"aws:SourceArn": "arn:aws:s3:::elsewhere"}))
            .expect("implicit_deny"),
        case("org-scoped grant from inside the org", XROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, "*")])
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
            )])
            .ctx(json!({"aws:PrincipalOrgID": "o-abc"}))
            .expect("allowed"),
        case("org-scoped grant from outside the org", XROLE, INVOKE, FN)
            .id(vec![allow(INVOKE, "*")])
            .res(vec![with_condition(
                grant(json!("*"), INVOKE, FN),
                json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
            )])
            .ctx(json!({"aws:PrincipalOrgID": "o-zzz"}))
            .expect("implicit_deny"),
    ]);
}

/// KMS keys and role trust: inside one account an identity allow is not enough; the key
/// policy or trust policy must name the caller or delegate to its account.
#[test]
fn resources_that_need_their_own_policy() {
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const TARGET: &str = "arn:aws:iam::123456789012:role/target";
    let id = |action: &str| vec![allow(action, "*")];
    let account = grant(aws("arn:aws:iam::123456789012:root"), "kms:*", "*");
    check_cases(vec![
        case("kms: identity allow, no key policy", ROLE, "kms:Decrypt", KEY).id(id("kms:Decrypt")).expect("implicit_deny"),
        case("kms: identity allow, default key policy", ROLE, "kms:Decrypt", KEY)
            .id(id("kms:Decrypt"))
            .res(vec![account.clone()])
            .expect("allowed"),
        case("kms: identity allow, key policy names another role", ROLE, "kms:Decrypt", KEY)
            .id(id("kms:Decrypt"))
            .res(vec![grant(aws("arn:aws:iam::123456789012:role/admin"), "kms:*", "*")])
            .expect("implicit_deny"),
        case("kms: key policy names the role, no identity allow", ROLE, "kms:Decrypt", KEY)
            .res(vec![grant(aws(ROLE), "kms:Decrypt", "*")])
            .expect("allowed"),
        case("kms: delegated, but no identity allow", ROLE, "kms:Decrypt", KEY).res(vec![account]).expect("implicit_deny"),
        // An alias is no key: IAM policies alone authorise actions on it (issue 18).
        case("kms: an alias is authorised by IAM alone", ROLE, "kms:CreateAlias", "arn:aws:kms:us-east-1:123456789012:alias/app")
            .id(id("kms:CreateAlias"))
            .expect("allowed"),
        case("kms: an alias names no key policy to delegate", ROLE, "kms:DeleteAlias", "arn:aws:kms:us-east-1:123456789012:alias/app")
            .expect("implicit_deny"),
        case("kms: ListKeys has no key", ROLE, "kms:ListKeys", "*").id(id("kms:ListKeys")).expect("allowed"),
        case("sts: identity allow, trust lets in only lambda", ROLE, "sts:AssumeRole", TARGET)
            .id(id("sts:AssumeRole"))
            .res(vec![json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})])
            .expect("implicit_deny"),
        case("sts: identity allow, trust names the account", ROLE, "sts:AssumeRole", TARGET)
            .id(id("sts:AssumeRole"))
            .res(vec![json!({"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"})])
            .expect("allowed"),
        case("sts: trust names the role itself", ROLE, "sts:AssumeRole", TARGET)
            .res(vec![json!({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole"})])
            .expect("allowed"),
        case("iam actions on a role need no trust policy", ROLE, "iam:GetRole", TARGET).id(id("iam:GetRole")).expect("allowed"),
        case("other services: identity alone suffices", ROLE, "s3:GetObject", "arn:aws:s3:::b/k")
            .id(id("s3:GetObject"))
            .expect("allowed"),
    ]);
}
