//! The demo account: the shipped asset is exactly what the generator builds, it loads
//! through the normal path, and it holds every situation IAM.md describes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lambdascope::demo;
use lambdascope::model::{GapReason, Snapshot, UrlAuthType};

fn asset_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-account.json")
}

#[test]
fn demo_asset_matches_generator() {
    let built = demo::build().to_json();
    if std::env::var_os("LAMBDASCOPE_WRITE_DEMO").is_some() {
        std::fs::write(asset_path(), &built).expect("write assets/demo-account.json");
    }
    let on_disk = std::fs::read_to_string(asset_path()).expect("read assets/demo-account.json");
    assert!(
        built == on_disk,
        "assets/demo-account.json differs from demo::build(); regenerate it with \
         LAMBDASCOPE_WRITE_DEMO=1 cargo test --test demo demo_asset"
    );
}

fn load() -> Snapshot {
    Snapshot::from_json(demo::JSON).expect("demo loads")
}

#[test]
fn demo_is_large_enough_and_every_policy_parses() {
    let s = load();
    assert!(s.functions.len() >= 40, "{} functions", s.functions.len());
    assert!(s.roles.len() >= 10, "{} roles", s.roles.len());
    for f in &s.functions {
        for (scope, policy) in f.scopes() {
            if let Some(p) = policy {
                assert!(p.parsed.is_ok(), "{} {scope:?}: {:?}", f.name, p.parsed);
            }
        }
    }
    for m in &s.managed_policies {
        assert!(m.document.parsed.is_ok(), "{}", m.arn);
    }
}

#[test]
fn demo_shows_each_situation() {
    let s = load();
    let f = |name: &str| s.functions.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name} missing"));
    let raw = |name: &str| f(name).policy.as_ref().map(|p| p.raw.clone()).unwrap_or_default();
    assert!(raw("public-webhook").contains(r#""Principal":"*""#));
    assert_eq!(f("public-api").urls[0].auth_type, UrlAuthType::None);
    assert!(raw("public-api").contains("lambda:InvokedViaFunctionUrl"));
    assert!(!raw("legacy-url-fn").contains("lambda:InvokeFunction\""));
    // Alias-only and version-only grants.
    let refund = f("payments-refund");
    assert!(refund.policy.is_none() && refund.aliases[0].policy.is_some());
    assert!(refund.versions.iter().all(|v| v.policy.is_none()));
    let report = f("report-builder");
    assert!(report.policy.is_none() && report.versions.iter().filter(|v| v.policy.is_some()).count() == 1);
    assert!(raw("partner-sync").contains("111122223333"));
    assert!(raw("org-metrics").contains("aws:PrincipalOrgID"));
    assert!(raw("thumbnailer").contains("SourceArn") && !raw("sns-fanout").contains("Condition"));
    assert!(raw("secure-invoker").contains(r#""Effect":"Deny""#));
    assert!(raw("old-partner-hook").contains("AROA"));
    // Event sources: one disabled, one on a version.
    assert!(s.event_source_mappings.iter().any(|m| !m.is_enabled()));
    assert!(s.event_source_mappings.iter().any(|m| m.function_arn.ends_with("inventory-sync:2")));
    // Roles: admin, NotAction, explicit Deny, shared, missing.
    assert!(s.roles.iter().any(|r| { r.attached_policy_arns.iter().any(|a| a.ends_with("/AdministratorAccess")) }));
    let inline_raw: String =
        s.roles.iter().flat_map(|r| r.inline_policies.iter().map(|p| p.document.raw.clone())).collect();
    assert!(inline_raw.contains("NotAction") && inline_raw.contains(r#""Effect":"Deny""#));
    let shared = s.functions.iter().filter(|f| f.role_arn.ends_with("/app-shared-role")).count();
    assert!(shared >= 10, "{shared}");
    let orphan = f("orphan-job");
    assert!(!s.roles.iter().any(|r| r.arn == orphan.role_arn));
    assert!(s.gaps.iter().any(|g| g.reason == GapReason::AccessDenied));
    assert!(s.gaps.len() >= 3);
}

#[test]
fn demo_round_trips_stably() {
    let s = load();
    let again = Snapshot::from_json(&s.to_json()).expect("reload");
    assert_eq!(s, again);
    assert_eq!(s.to_json(), again.to_json());
}
