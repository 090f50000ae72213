//! The other ways into Lambda code, on fixture snapshots: web function endpoints (each
//! AuthType, resource-policy and identity callers, other accounts, organisations),
//! layers (public, organisation, other accounts, this account only), functions running
//! other accounts' layers, full JSON resource policies with a Deny, and lookups.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use lambdascope::graph::{Finding, Graph, Named, Path, PrincipalKind, Severity, Subject, Verdict};
use lambdascope::model::{
    GapReason, Layer, LayerVersion, Snapshot, WebAuthType, WebEndpoint, WebFunction, WebRevision,
};
use serde_json::{Value, json};
use support::fixture::*;

const WEB: &str = "arn:aws:lambda:us-east-1:123456789012:web-function/site";
const OTHER: &str = "111122223333";

fn endpoint(name: &str, auth: WebAuthType) -> WebEndpoint {
    WebEndpoint {
        name: name.into(),
        arn: format!("{WEB}/endpoint/{name}"),
        auth_type: auth,
        domain_name: format!("{name}.example"),
        endpoint_type: None,
        revision_weights: BTreeMap::from([("1".to_string(), 100)]),
        state: None,
    }
}

fn site(endpoints: Vec<WebEndpoint>, policy: Option<Vec<Value>>) -> WebFunction {
    WebFunction {
        name: "site".into(),
        arn: WEB.into(),
        state: None,
        policy: policy.map(text),
        endpoints,
        revisions: vec![WebRevision {
            id: "1".into(),
            arn: format!("{WEB}/revision/1"),
            role_arn: Some(role_arn("exec")),
            state: None,
            env_var_names: vec![],
        }],
    }
}

fn layer(name: &str, versions: Vec<(i64, Option<Vec<Value>>)>) -> Layer {
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:layer:{name}");
    Layer {
        name: name.into(),
        arn: arn.clone(),
        versions: versions
            .into_iter()
            .map(|(v, p)| LayerVersion {
                version: v,
                arn: format!("{arn}:{v}"),
                description: String::new(),
                created_date: None,
                compatible_runtimes: vec![],
                policy: p.map(text),
            })
            .collect(),
    }
}

fn graph(build: impl FnOnce(&mut Snapshot)) -> Graph {
    let mut s = snapshot();
    s.roles.push(role("exec", vec![allow(json!("s3:GetObject"), json!("*"))], &[], None));
    build(&mut s);
    s.validate().unwrap();
    Graph::build(s)
}

fn ids(findings: &[Finding], subject: Subject) -> Vec<(&'static str, Severity, Option<String>)> {
    findings.iter().filter(|f| f.subject == subject).map(|f| (f.id, f.severity, f.qualifier.clone())).collect()
}

#[test]
fn an_application_managed_endpoint_lets_anyone_in_and_an_iam_one_does_not() {
    let g = graph(|s| {
        s.web_functions = vec![site(
            vec![endpoint("open", WebAuthType::ApplicationManaged), endpoint("signed", WebAuthType::IamAuth)],
            None,
        )]
    });
    let open = g.who_can_invoke_web(0, Some("open"));
    assert_eq!(open.grants.len(), 1, "{open:?}");
    let anyone = &open.grants[0];
    assert_eq!(
        (anyone.principal_kind, anyone.path, anyone.decision),
        (PrincipalKind::Anyone, Path::WebEndpoint, Verdict::Allowed)
    );
    assert!(anyone.conditions[0].contains("Lambda authorises nothing"), "{anyone:?}");
    assert_eq!(open.function, format!("{WEB}/endpoint/open"));

    let signed = g.who_can_invoke_web(0, Some("signed"));
    assert!(!signed.grants.iter().any(|x| x.principal_kind == PrincipalKind::Anyone), "{signed:?}");
    let iam = signed.grants.iter().find(|x| x.principal_kind == PrincipalKind::IamCallers).unwrap();
    assert_eq!(iam.decision, Verdict::Conditional);
    assert!(signed.unknown.iter().any(|u| u.contains("service control")));

    let findings = g.findings();
    assert_eq!(
        ids(&findings, Subject::WebFunction),
        vec![("public-web-endpoint", Severity::High, Some("open".to_string()))]
    );
}

#[test]
fn iam_endpoints_are_decided_by_the_resource_policy_and_identity_policies() {
    let admin = format!("{WEB}/endpoint/admin");
    let g = graph(|s| {
        let policy = vec![
            grant(json!({"AWS": OTHER}), "lambda:InvokeWebFunctionEndpoint", &admin),
            // Denied outright for one role of that account.
            json!({"Effect": "Deny", "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:role/banned")},
                "Action": "lambda:*", "Resource": "*"}),
            grant(
                json!({"AWS": format!("arn:aws:iam::{OTHER}:role/banned")}),
                "lambda:InvokeWebFunctionEndpoint",
                &admin,
            ),
            // A grant of another action opens nothing.
            grant(json!("*"), "lambda:InvokeFunction", &admin),
        ];
        s.web_functions = vec![site(
            vec![endpoint("admin", WebAuthType::IamAuth), endpoint("other", WebAuthType::IamAuth)],
            Some(policy),
        )];
        s.roles.push(role("ops", vec![allow(json!("lambda:InvokeWebFunctionEndpoint"), json!(admin))], &[], None));
        s.roles.push(role(
            "elsewhere",
            vec![allow(json!("lambda:InvokeWebFunctionEndpoint"), json!(format!("{WEB}/endpoint/other")))],
            &[],
            None,
        ));
    });
    let answer = g.who_can_invoke_web(0, Some("admin"));
    let find = |p: &str| answer.grants.iter().find(|x| x.principal == p);
    let partner = find(OTHER).unwrap();
    assert_eq!((partner.path, partner.decision), (Path::ResourcePolicy, Verdict::Conditional));
    assert!(partner.conditions.iter().any(|c| c.contains("account 111122223333")), "{partner:?}");
    assert_eq!(find(&format!("arn:aws:iam::{OTHER}:role/banned")).unwrap().decision, Verdict::Denied);
    let ops = find(&role_arn("ops")).unwrap();
    assert_eq!((ops.path, ops.decision), (Path::IdentityPolicy, Verdict::Allowed));
    assert!(find(&role_arn("elsewhere")).is_none(), "a grant on another endpoint: {answer:?}");
    assert!(find("*").is_none(), "InvokeFunction does not open an endpoint: {answer:?}");

    let web = ids(&g.findings(), Subject::WebFunction);
    assert_eq!(web, vec![("cross-account", Severity::Medium, Some("admin".to_string()))]);
}

#[test]
fn a_policy_open_to_every_account_is_critical_and_one_open_to_the_organisation_is_not() {
    let g = graph(|s| {
        let public = vec![grant(json!("*"), "lambda:InvokeWebFunctionEndpoint", "*")];
        let org = vec![json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeWebFunctionEndpoint",
            "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}})];
        let mut a = site(vec![endpoint("api", WebAuthType::IamAuth)], Some(public));
        a.name = "a".into();
        a.arn = "arn:aws:lambda:us-east-1:123456789012:web-function/a".into();
        let mut b = site(vec![endpoint("api", WebAuthType::IamAuth)], Some(org));
        b.name = "b".into();
        b.arn = "arn:aws:lambda:us-east-1:123456789012:web-function/b".into();
        s.web_functions = vec![a, b];
    });
    let findings = g.findings();
    let of =
        |name: &str| -> Vec<&'static str> { findings.iter().filter(|f| f.function == name).map(|f| f.id).collect() };
    assert_eq!(of("a"), vec!["public-web-invoke"]);
    assert_eq!(of("b"), vec!["org-wide"]);
}

#[test]
fn an_unknown_auth_type_is_never_shown_as_safe() {
    let g = graph(|s| s.web_functions = vec![site(vec![endpoint("new", WebAuthType::Unknown)], None)]);
    let answer = g.who_can_invoke_web(0, None);
    assert_eq!(answer.grants.len(), 1);
    assert_eq!(
        (answer.grants[0].principal_kind, answer.grants[0].decision),
        (PrincipalKind::Anyone, Verdict::Conditional)
    );
    assert!(answer.grants[0].conditions[0].contains("does not know"), "{answer:?}");
}

#[test]
fn web_reach_follows_each_serving_revision_and_names_an_unread_role() {
    let g = graph(|s| {
        let mut w = site(vec![endpoint("api", WebAuthType::IamAuth)], None);
        w.endpoints[0].revision_weights.insert("2".into(), 25);
        w.revisions.push(WebRevision {
            id: "2".into(),
            arn: format!("{WEB}/revision/2"),
            role_arn: None,
            state: None,
            env_var_names: vec![],
        });
        s.web_functions = vec![w];
    });
    let r = g.web_reach(0);
    assert_eq!(r.revisions.len(), 2);
    let one = r.revisions[0].reach.as_ref().unwrap();
    assert_eq!(one.role_arn, role_arn("exec"));
    assert!(one.services.iter().any(|s| s.service == "s3"), "{one:?}");
    assert!(r.revisions[1].reach.is_none());
    assert!(r.unread.iter().any(|u| u.contains("revision 2")), "{:?}", r.unread);
}

#[test]
fn layer_versions_say_who_can_use_them() {
    let g = graph(|s| {
        s.layers = vec![layer(
            "lib",
            vec![
                (1, None),
                (2, Some(vec![grant(json!("*"), "lambda:GetLayerVersion", "*")])),
                (3, Some(vec![grant(json!({"AWS": OTHER}), "lambda:GetLayerVersion", "*")])),
                (
                    4,
                    Some(vec![json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion",
                    "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}})]),
                ),
            ],
        )];
        s.roles.push(role("builder", vec![allow(json!("lambda:GetLayerVersion"), json!("*"))], &[], None));
    });
    let v1 = g.who_can_use_layer(0, Some(1));
    assert!(v1.grants.iter().all(|x| x.path == Path::IdentityPolicy), "no policy: this account only: {v1:?}");
    assert!(v1.grants.iter().any(|x| x.principal == role_arn("builder")));
    let layers = ids(&g.findings(), Subject::Layer);
    assert_eq!(
        layers,
        vec![
            ("public-layer", Severity::Medium, Some("2".to_string())),
            ("cross-account-layer", Severity::Low, Some("3".to_string())),
            ("org-wide", Severity::Low, Some("4".to_string())),
        ]
    );
}

#[test]
fn functions_running_other_accounts_layers_are_flagged_and_own_layers_are_not() {
    let g = graph(|s| {
        let mut foreign = function("foreign", "exec");
        foreign.layers = vec!["arn:aws:lambda:us-east-1:999988887777:layer:vendor:3".into()];
        let mut own = function("own", "exec");
        own.layers = vec![format!("arn:aws:lambda:us-east-1:{ACCOUNT}:layer:lib:1")];
        s.functions = vec![foreign, own];
    });
    let foreign: Vec<Finding> = g.findings().into_iter().filter(|f| f.id == "foreign-layer").collect();
    assert_eq!(foreign.len(), 1, "{foreign:?}");
    assert_eq!((foreign[0].function.as_str(), foreign[0].severity), ("foreign", Severity::Low));
    assert!(foreign[0].title.contains("account 999988887777"), "{}", foreign[0].title);
}

#[test]
fn a_full_resource_policy_deny_keeps_a_public_allow_from_being_public() {
    let g = graph(|s| {
        let mut vpc = function("vpc", "exec");
        vpc.policy = Some(text(vec![
            grant(json!("*"), "lambda:InvokeFunction", &fn_arn("vpc")),
            json!({"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": fn_arn("vpc"),
                "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d"}}}),
        ]));
        let mut open = function("open", "exec");
        open.policy = Some(text(vec![grant(json!("*"), "lambda:InvokeFunction", &fn_arn("open"))]));
        // A Deny that an outsider can always dodge (a caller-chosen value) keeps nothing out.
        let mut dodge = function("dodge", "exec");
        dodge.policy = Some(text(vec![
            grant(json!("*"), "lambda:InvokeFunction", &fn_arn("dodge")),
            json!({"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": fn_arn("dodge"),
                "Condition": {"StringEquals": {"aws:UserAgent": "curl/8"}}}),
        ]));
        s.functions = vec![vpc, open, dodge];
    });
    let public: Vec<String> =
        g.findings().into_iter().filter(|f| f.id == "public-invoke").map(|f| f.function).collect();
    assert_eq!(public, vec!["dodge".to_string(), "open".to_string()]);
    let vpc = g.who_can_invoke(&g.lookup("vpc").unwrap());
    let anyone = vpc.grants.iter().find(|x| x.principal == "*").unwrap();
    assert_eq!(anyone.decision, Verdict::Conditional);
    assert!(anyone.conditions[0].contains("unless") && anyone.conditions[0].contains("aws:SourceVpc"), "{anyone:?}");
}

#[test]
fn names_find_functions_web_functions_endpoints_and_layer_versions() {
    let g = graph(|s| {
        s.functions = vec![function("fn", "exec")];
        s.web_functions = vec![site(vec![endpoint("api", WebAuthType::IamAuth)], None)];
        s.layers = vec![layer("lib", vec![(1, None), (2, None)])];
    });
    assert!(matches!(g.find("fn"), Ok(Named::Function(_))));
    assert_eq!(g.find("site"), Ok(Named::Web { index: 0, endpoint: None }));
    assert_eq!(g.find("site:api"), Ok(Named::Web { index: 0, endpoint: Some("api".into()) }));
    assert_eq!(g.find(&format!("{WEB}/endpoint/api")), Ok(Named::Web { index: 0, endpoint: Some("api".into()) }));
    assert_eq!(g.find("lib:2"), Ok(Named::Layer { index: 0, version: Some(2) }));
    assert_eq!(
        g.find(&format!("arn:aws:lambda:us-east-1:{ACCOUNT}:layer:lib:1")),
        Ok(Named::Layer { index: 0, version: Some(1) })
    );
    assert_eq!(
        g.find("site:nope").unwrap_err().to_string(),
        "web function site has no endpoint \"nope\" (it has: api)"
    );
    assert_eq!(g.find("lib:9").unwrap_err().to_string(), "layer lib has no version \"9\" (it has: 1, 2)");
    assert!(g.find("sitee").unwrap_err().to_string().contains("did you mean site"));
}

#[test]
fn unread_web_and_layer_listings_are_named_in_every_answer_that_needs_them() {
    let g = graph(|s| {
        s.web_functions = vec![site(vec![endpoint("api", WebAuthType::IamAuth)], None)];
        s.gaps = vec![
            gap("lambda:ListWebFunctionEndpoints", WEB, GapReason::Throttled),
            gap("lambda:GetResourcePolicy", WEB, GapReason::AccessDenied),
            gap("lambda:ListLayers", "*", GapReason::AccessDenied),
        ];
    });
    let answer = g.who_can_invoke_web(0, None);
    assert!(answer.unread.iter().any(|u| u.contains("endpoints of web function")), "{:?}", answer.unread);
    assert!(
        answer.unread.iter().any(|u| u.contains("resource policy of") && u.contains("access denied")),
        "{:?}",
        answer.unread
    );
    let account = g.account_unread();
    assert!(account.iter().any(|u| u.starts_with("layers could not be listed")), "{account:?}");
}
