//! Who can invoke, on fixture snapshots: every path, qualifier separation, the function
//! URL two-permission rule, denies, cross-account and delegation, and unknowns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::graph::{Grant, Graph, Path, PrincipalKind, Verdict};
use lambdascope::model::{GapReason, Scope, UrlAuthType};
use serde_json::json;
use support::fixture::*;

fn graph(build: impl FnOnce(&mut lambdascope::model::Snapshot)) -> Graph {
    let mut s = snapshot();
    s.roles.push(role("exec", vec![], &[], None));
    build(&mut s);
    Graph::build(s)
}

fn grants(g: &Graph, target: &str) -> Vec<Grant> {
    g.who_can_invoke(&g.lookup(target).unwrap()).grants
}

fn on<'a>(grants: &'a [Grant], scope: &Scope) -> Vec<&'a Grant> {
    grants.iter().filter(|g| &g.scope == scope).collect()
}

#[test]
fn a_grant_on_an_alias_stays_on_the_alias() {
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        f.versions = vec![version(&f, "1"), version(&f, "2")];
        let mut live = alias(&f, "live", "2");
        live.policy = Some(text(vec![grant(
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            "lambda:InvokeFunction",
            &live.arn,
        )]));
        f.aliases = vec![live];
        s.functions.push(f);
    });
    let all = grants(&g, "fn");
    let live = on(&all, &Scope::Alias("live".into()));
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].principal, "111122223333");
    assert_eq!(live[0].principal_kind, PrincipalKind::Account);
    assert_eq!(live[0].decision, Verdict::Conditional, "the other account's identity side is not visible");
    assert!(live[0].conditions.iter().any(|c| c.contains("account 111122223333")));
    assert!(on(&all, &Scope::Unqualified).is_empty(), "the unqualified function got the alias's grant");
    assert!(on(&all, &Scope::Version("2".into())).is_empty(), "the version behind the alias got its grant");
    // Asking for one scope answers for that scope only.
    assert!(grants(&g, "fn:2").is_empty());
    assert_eq!(grants(&g, "fn:live").len(), 1);
}

#[test]
fn resource_policy_grants_are_judged_per_principal() {
    let arn = fn_arn("fn");
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        let mut with_source = grant(json!({"Service": "s3.amazonaws.com"}), "lambda:InvokeFunction", &arn);
        with_source["Condition"] = json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}});
        f.policy = Some(text(vec![
            with_source,
            grant(json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}), "lambda:InvokeFunction", &arn),
            grant(json!({"AWS": role_arn("caller")}), "lambda:InvokeFunction", &arn),
            grant(json!({"AWS": "AROAQXZ7EXAMPLEDELETED"}), "lambda:InvokeFunction", &arn),
        ]));
        s.functions.push(f);
        s.roles.push(role("caller", vec![], &[], None));
    });
    let all = grants(&g, "fn");
    let by = |p: &str| all.iter().find(|g| g.principal == p).unwrap_or_else(|| panic!("{p}: {all:#?}"));
    let s3 = by("s3.amazonaws.com");
    assert_eq!((s3.decision, s3.path), (Verdict::Conditional, Path::ResourcePolicy));
    assert_eq!(s3.conditions, ["when ArnLike AWS:SourceArn arn:aws:s3:::uploads"]);
    let account = by(ACCOUNT);
    assert_eq!(account.decision, Verdict::Conditional);
    assert!(account.conditions[0].contains("only delegates"), "{:?}", account.conditions);
    assert_eq!(by(&role_arn("caller")).decision, Verdict::Allowed);
    assert_eq!(by("AROAQXZ7EXAMPLEDELETED").principal_kind, PrincipalKind::Deleted);
    assert_eq!(by("AROAQXZ7EXAMPLEDELETED").decision, Verdict::Denied);
}

#[test]
fn denies_override_and_conditional_denies_say_unless() {
    let arn = fn_arn("fn");
    let deny = |condition: Option<serde_json::Value>| {
        let mut d = json!({"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": arn});
        if let Some(c) = condition {
            d["Condition"] = c;
        }
        d
    };
    for (condition, want) in
        [(None, Verdict::Denied), (Some(json!({"Bool": {"aws:SecureTransport": "false"}})), Verdict::Conditional)]
    {
        let g = graph(|s| {
            let mut f = function("fn", "exec");
            f.policy = Some(text(vec![
                grant(json!({"Service": "sns.amazonaws.com"}), "lambda:InvokeFunction", &arn),
                deny(condition.clone()),
            ]));
            s.functions.push(f);
        });
        let all = grants(&g, "fn");
        assert_eq!(all[0].decision, want, "{all:#?}");
        if want == Verdict::Conditional {
            assert!(
                all[0].conditions[0].starts_with("unless Bool aws:SecureTransport false"),
                "{:?}",
                all[0].conditions
            );
        }
    }
}

#[test]
fn function_urls_follow_the_two_permission_rule() {
    let arn = fn_arn("fn");
    let url_stmt = || {
        let mut st = grant(json!("*"), "lambda:InvokeFunctionUrl", &arn);
        st["Condition"] = json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}});
        st
    };
    let invoke_stmt = || {
        let mut st = grant(json!("*"), "lambda:InvokeFunction", &arn);
        st["Condition"] = json!({"Bool": {"lambda:InvokedViaFunctionUrl": "true"}});
        st
    };
    let url_row = |statements: Vec<serde_json::Value>, auth: UrlAuthType| {
        let g = graph(|s| {
            let mut f = function("fn", "exec");
            f.policy = Some(text(statements));
            f.urls = vec![url(None, auth)];
            s.functions.push(f);
        });
        grants(&g, "fn").into_iter().find(|g| g.source.starts_with("function URL")).unwrap()
    };
    let both = url_row(vec![url_stmt(), invoke_stmt()], UrlAuthType::None);
    assert_eq!((both.decision, both.principal.as_str()), (Verdict::Allowed, "*"));
    let lacking = url_row(vec![url_stmt()], UrlAuthType::None);
    assert_eq!(lacking.decision, Verdict::Denied);
    assert!(lacking.conditions[0].contains("answers 403 to everyone"), "{:?}", lacking.conditions);
    let no_policy = url_row(vec![], UrlAuthType::None);
    assert_eq!(no_policy.decision, Verdict::Denied);
    // The statement granting the URL action follows the URL: useless when it answers 403,
    // and when no URL is configured at all.
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        f.policy = Some(text(vec![url_stmt()]));
        s.functions.push(f);
    });
    let row = grants(&g, "fn").into_iter().find(|g| g.path == Path::FunctionUrl).unwrap();
    assert_eq!(row.decision, Verdict::Denied);
    assert_eq!(row.conditions, ["no function URL is configured for this scope"]);
    let iam = url_row(vec![], UrlAuthType::AwsIam);
    assert_eq!((iam.decision, iam.principal_kind), (Verdict::Conditional, PrincipalKind::IamCallers));
}

#[test]
fn event_sources_attach_to_their_scope_with_their_state() {
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        f.versions = vec![version(&f, "3")];
        s.event_source_mappings = vec![
            mapping("a", "arn:aws:sqs:us-east-1:123456789012:q1", &fn_arn("fn"), "Enabled"),
            mapping("b", "arn:aws:sqs:us-east-1:123456789012:q2", &format!("{}:3", fn_arn("fn")), "Disabled"),
        ];
        s.functions.push(f);
    });
    let all = grants(&g, "fn");
    let unq = on(&all, &Scope::Unqualified);
    assert_eq!(unq.len(), 1);
    assert_eq!((unq[0].path, unq[0].decision), (Path::EventSource, Verdict::Allowed));
    assert!(unq[0].principal.ends_with(":q1"));
    let v3 = on(&all, &Scope::Version("3".into()));
    assert_eq!(v3[0].decision, Verdict::Denied);
    assert_eq!(v3[0].conditions, ["the mapping is disabled"]);
}

#[test]
fn identity_based_callers_follow_qualifier_rules_and_unknowns_are_listed() {
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        f.versions = vec![version(&f, "1")];
        s.functions.push(f);
        s.roles.push(role(
            "all-scopes",
            vec![allow(json!("lambda:InvokeFunction"), json!(format!("{}*", fn_arn("fn"))))],
            &[],
            None,
        ));
        s.roles.push(role(
            "qualified-only",
            vec![allow(json!("lambda:InvokeFunction"), json!(format!("{}:*", fn_arn("fn"))))],
            &[],
            None,
        ));
        s.roles.push(role(
            "capped",
            vec![allow(json!("lambda:*"), json!("*"))],
            &[],
            Some("arn:aws:iam::123456789012:policy/b"),
        ));
        s.managed_policies.push(managed("arn:aws:iam::123456789012:policy/b", vec![allow(json!("s3:*"), json!("*"))]));
        s.gaps.push(gap("iam:ListUsers", "*", GapReason::AccessDenied));
    });
    let inv = g.who_can_invoke(&g.lookup("fn").unwrap());
    let identity = |scope: &Scope| -> Vec<String> {
        inv.grants
            .iter()
            .filter(|g| &g.scope == scope && g.path == Path::IdentityPolicy)
            .map(|g| g.principal.clone())
            .collect()
    };
    assert_eq!(identity(&Scope::Unqualified), [role_arn("all-scopes")]);
    let mut v1 = identity(&Scope::Version("1".into()));
    v1.sort();
    assert_eq!(v1, [role_arn("all-scopes"), role_arn("qualified-only")]);
    assert!(
        inv.unread
            .iter()
            .any(|u| u.starts_with("IAM users could not be listed") && u.contains("identity-based callers")),
        "{:?}",
        inv.unread
    );
    assert!(inv.unknown.iter().any(|u| u.contains("service control")));
}

#[test]
fn unreadable_policies_are_unknown_not_empty() {
    let g = graph(|s| {
        let mut f = function("fn", "exec");
        f.aliases = vec![alias(&f, "live", "1")];
        f.policy = Some(lambdascope::model::PolicyText::new("{\"Statement\": [{\"Effect\": \"Maybe\"}]}"));
        s.gaps.push(gap("lambda:GetPolicy", &format!("{}:live", fn_arn("fn")), GapReason::Throttled));
        s.functions.push(f);
    });
    let inv = g.who_can_invoke(&g.lookup("fn").unwrap());
    let unparsed = format!("resource policy of {} could not be parsed", fn_arn("fn"));
    assert!(inv.unread.iter().any(|u| u.starts_with(&unparsed)), "{:?}", inv.unread);
    let throttled = format!("resource policy of {}:live could not be read (throttled)", fn_arn("fn"));
    assert!(inv.unread.iter().any(|u| u.starts_with(&throttled)), "{:?}", inv.unread);
}

#[test]
fn lookup_explains_missing_names_and_qualifiers() {
    let g = graph(|s| s.functions.push(function("payments-refund", "exec")));
    let err = g.lookup("payments-refnd").unwrap_err().to_string();
    assert!(err.contains("did you mean payments-refund"), "{err}");
    let err = g.lookup("payments-refund:live").unwrap_err().to_string();
    assert!(err.contains("no version or alias \"live\""), "{err}");
    assert!(g.lookup(&fn_arn("payments-refund")).is_ok());
}

/// `AWS_IAM` function URLs need both `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction`:
/// from another account the resource policy must grant both; in the caller's own account
/// its identity policies may grant the second.
#[test]
fn aws_iam_urls_follow_the_two_permission_rule_across_accounts() {
    let other = "111122223333";
    let same_role = role_arn("caller");
    let g = graph(|s| {
        let mut only_url = function("only-url", "exec");
        only_url.urls = vec![url(None, UrlAuthType::AwsIam)];
        only_url.policy = Some(text(vec![
            grant(json!({"AWS": other}), "lambda:InvokeFunctionUrl", &fn_arn("only-url")),
            grant(json!({"AWS": same_role}), "lambda:InvokeFunctionUrl", &fn_arn("only-url")),
        ]));
        let mut both = function("both", "exec");
        both.urls = vec![url(None, UrlAuthType::AwsIam)];
        both.policy = Some(text(vec![
            grant(json!({"AWS": other}), "lambda:InvokeFunctionUrl", &fn_arn("both")),
            grant(json!({"AWS": other}), "lambda:InvokeFunction", &fn_arn("both")),
        ]));
        s.functions.extend([only_url, both]);
    });
    let url_grant = |function: &str, principal: &str| {
        let inv = g.who_can_invoke(&g.lookup(function).unwrap());
        inv.grants
            .into_iter()
            .find(|x| x.path == Path::FunctionUrl && x.principal == principal)
            .unwrap_or_else(|| panic!("no URL grant for {principal} on {function}"))
    };
    let foreign = url_grant("only-url", other);
    assert_eq!(foreign.decision, Verdict::Denied, "{foreign:?}");
    assert!(foreign.conditions[0].contains("answers 403") && foreign.conditions[0].contains("two-permission"));
    let own = url_grant("only-url", &same_role);
    assert_eq!(own.decision, Verdict::Conditional, "{own:?}");
    assert!(own.conditions.iter().any(|c| c.contains("identity policies also allow lambda:InvokeFunction")), "{own:?}");
    let both = url_grant("both", other);
    assert_eq!(both.decision, Verdict::Conditional, "{both:?}");
    assert!(both.conditions.iter().any(|c| c.contains("account 111122223333")), "{both:?}");
}

#[test]
fn an_aws_iam_url_is_not_opened_by_invoke_function_alone() {
    let other = "111122223333";
    let g = graph(|s| {
        let mut f = function("only-invoke", "exec");
        f.urls = vec![url(None, UrlAuthType::AwsIam)];
        f.policy = Some(text(vec![grant(json!({"AWS": other}), "lambda:InvokeFunction", &fn_arn("only-invoke"))]));
        s.functions.push(f);
    });
    let all = grants(&g, "only-invoke");
    // The direct Invoke API: the other account's identity policies decide.
    let direct: Vec<&Grant> = all.iter().filter(|x| x.principal == other).collect();
    assert_eq!(direct.len(), 1, "{all:?}");
    assert_eq!((direct[0].path, direct[0].decision), (Path::ResourcePolicy, Verdict::Conditional));
    // The URL: nobody in that account is granted lambda:InvokeFunctionUrl, so it is not a way in for them.
    assert!(!all.iter().any(|x| x.path == Path::FunctionUrl && x.principal == other), "{all:?}");
}
