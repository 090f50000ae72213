//! The other ways into Lambda code as a user asks about them on the demo account: a web
//! function and each endpoint, a layer and each version, a function under a full JSON
//! resource policy with a Deny, and the findings they raise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::run;

fn text(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn who_can_invoke_a_web_endpoint_by_auth_type() {
    // The public endpoint depends on nothing unread: a whole answer, exit 0.
    let (code, out, _) = text(&["who-can-invoke", "storefront-web:shop"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with(
            "Who can invoke arn:aws:lambda:us-east-1:123456789012:web-function/storefront-web/endpoint/shop"
        ),
        "{out}"
    );
    assert!(out.contains("storefront-web:shop (endpoint, AuthType ApplicationManaged)"), "{out}");
    assert!(out.contains("✔ allowed      *") && out.contains("Lambda authorises nothing"), "{out}");
    assert!(!out.contains("storefront-web:admin"), "only the endpoint asked for: {out}");

    // The IAM endpoint depends on identity policies, and users and groups are unread: exit 4.
    let (code, out, _) = text(&[
        "who-can-invoke",
        "arn:aws:lambda:us-east-1:123456789012:web-function/storefront-web/endpoint/admin",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(4), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let grants = v["grants"].as_array().unwrap();
    let partner = grants.iter().find(|g| g["principal"] == "arn:aws:iam::444455556666:role/partner-admin").unwrap();
    assert_eq!(
        (partner["decision"].as_str(), partner["path"].as_str()),
        (Some("conditional"), Some("resource-policy"))
    );
    assert!(grants.iter().all(|g| g["qualifier"] == "admin"), "{v}");
    assert!(!grants.iter().any(|g| g["principal"] == "*"), "{v}");
    assert!(v["unread"].as_array().unwrap().iter().any(|u| u.as_str().unwrap().contains("IAM users")), "{v}");
}

#[test]
fn who_can_use_a_layer_version_and_the_reach_of_a_web_function() {
    let (code, out, _) = text(&["who-can-invoke", "pdf-render:3"]);
    assert_eq!(code, Some(4), "{out}");
    assert!(out.starts_with("Who can use arn:aws:lambda:us-east-1:123456789012:layer:pdf-render:3"), "{out}");
    assert!(out.contains("✔ allowed      *") && out.contains("lambda:GetLayerVersion · statement public"), "{out}");
    let (_, out, _) = text(&["who-can-invoke", "app-common:13"]);
    assert!(!out.contains("resource-policy"), "version 13 has no policy: this account only: {out}");

    let (code, out, _) = text(&["reach", "storefront-web"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("revision 1 · serves admin (10%)") && out.contains("role/app-shared-role"), "{out}");
    assert!(
        out.contains("revision 2 · serves admin (90%), shop (100%)") && out.contains("role/service-role/payments-exec"),
        "{out}"
    );
    let (code, _, err) = text(&["reach", "pdf-render"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("a layer reaches nothing by itself"), "{err}");
    let (code, _, err) = text(&["who-can-invoke", "storefront-web:nope"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("has no endpoint \"nope\" (it has: admin, shop)"), "{err}");
}

#[test]
fn findings_cover_web_functions_layers_and_full_policies() {
    let (_, out, _) = text(&["findings", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = match f["qualifier"].as_str() {
                Some(q) => format!("{}:{q}", f["function"].as_str().unwrap()),
                None => f["function"].as_str().unwrap().to_string(),
            };
            (f["id"].as_str().unwrap().into(), at, f["subject"].as_str().unwrap().into())
        })
        .collect();
    let has = |id: &str, at: &str, subject: &str| found.contains(&(id.into(), at.into(), subject.into()));
    assert!(has("public-web-endpoint", "storefront-web:shop", "web-function"), "{found:?}");
    assert!(has("cross-account", "storefront-web:admin", "web-function"), "{found:?}");
    assert!(has("secret-env", "storefront-web", "web-function"), "{found:?}");
    assert!(has("public-layer", "pdf-render:3", "layer"), "{found:?}");
    assert!(has("org-wide", "app-common:14", "layer"), "{found:?}");
    assert!(has("foreign-layer", "public-api", "function"), "{found:?}");
    // pricing-internal allows "*" but denies every caller outside one VPC: not public.
    assert!(!has("public-invoke", "pricing-internal", "function"), "{found:?}");
    assert!(has("public-invoke", "public-webhook", "function"), "the rule itself still fires: {found:?}");
    let (_, out, _) = text(&["who-can-invoke", "pricing-internal"]);
    assert!(out.contains("unless StringNotEquals aws:SourceVpc vpc-0a1b2c3d4e5f60718"), "{out}");
}

#[test]
fn can_decides_web_endpoints_by_auth_type_and_layers_by_their_policy() {
    let endpoint = |e: &str| format!("arn:aws:lambda:us-east-1:123456789012:web-function/storefront-web/endpoint/{e}");
    let can = |principal: &str, action: &str, resource: &str| -> (Option<i32>, Value) {
        let (code, out, err) = text(&["can", principal, action, resource, "--format", "json"]);
        (code, serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}")))
    };
    let stranger = "arn:aws:iam::999999999999:role/x";
    // ApplicationManaged: no policy decides; everyone reaches the code.
    let (code, v) = can(stranger, "lambda:InvokeWebFunctionEndpoint", &endpoint("shop"));
    assert_eq!((code, v["decision"].as_str()), (Some(0), Some("allowed")), "{v}");
    assert!(v["reasons"][0].as_str().unwrap().contains("ApplicationManaged"), "{v}");
    // IamAuth: a stranger the policy does not name is denied; the partner depends on its own account.
    let (_, v) = can(stranger, "lambda:InvokeWebFunctionEndpoint", &endpoint("admin"));
    assert_eq!(v["decision"], "implicit_deny", "{v}");
    let (code, v) =
        can("arn:aws:iam::444455556666:role/partner-admin", "lambda:InvokeWebFunctionEndpoint", &endpoint("admin"));
    assert_eq!((code, v["decision"].as_str()), (Some(4), Some("unknown")), "{v}");
    let (_, v) =
        can("arn:aws:iam::123456789012:role/ops-admin-role", "lambda:InvokeWebFunctionEndpoint", &endpoint("admin"));
    assert_eq!(v["decision"], "allowed", "{v}");
    // A layer version with no policy is this account's only; the public one lets others use it.
    let layer = |name: &str| format!("arn:aws:lambda:us-east-1:123456789012:layer:{name}");
    let (_, v) = can(stranger, "lambda:GetLayerVersion", &layer("app-common:13"));
    assert_eq!(v["decision"], "implicit_deny", "{v}");
    let (_, v) = can(stranger, "lambda:GetLayerVersion", &layer("pdf-render:3"));
    assert_eq!(v["decision"], "unknown", "the stranger's own account must allow it too: {v}");
}

#[test]
fn diff_shows_an_endpoint_closed_and_a_layer_made_private() {
    let mut snap = lambdascope::model::Snapshot::from_json(lambdascope::demo::JSON).unwrap();
    let shop = snap.web_functions[0].endpoints.iter_mut().find(|e| e.name == "shop").unwrap();
    shop.auth_type = lambdascope::model::WebAuthType::IamAuth;
    let pdf = snap.layers.iter_mut().find(|l| l.name == "pdf-render").unwrap();
    pdf.versions[0].policy = None;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old, lambdascope::demo::JSON).unwrap();
    std::fs::write(&new, snap.to_json()).unwrap();
    let out = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("- web function storefront-web:shop: * via web-endpoint (allowed)"), "{text}");
    assert!(
        text.contains("+ web function storefront-web:shop: IAM-authenticated callers via web-endpoint (conditional)"),
        "{text}"
    );
    // A grant a statement makes is shown under the statement (diff groups by cause).
    assert!(text.contains("- policy of layer version pdf-render:3 statement public: * (allowed)"), "{text}");
    assert!(text.contains("public-web-endpoint") && text.contains("public-layer"), "resolved findings: {text}");
}
