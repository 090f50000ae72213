//! The fetcher against a real AWS API implementation (moto on 127.0.0.1): what it reads
//! matches what was seeded, it sends only List/Get operations, no secret value reaches
//! the snapshot, and narrow credentials give a partial snapshot with gaps, not a crash.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use lambdascope::fetch::{self, FetchOptions};
use lambdascope::model::{AbsentKind, GapReason, Scope, Snapshot, UrlAuthType};
use serde_json::Value;
use support::moto::Moto;

/// Runs `lambdascope fetch` against the server; returns (exit code, snapshot text, stderr).
fn fetch_with(moto: &Moto, key: &str, secret: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    let out = support::bin()
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .args(["fetch", "--endpoint-url", &moto.endpoint, "--region", "us-east-1", "-o"])
        .arg(&path)
        .args(["--policy-rate", "0", "--lambda-rate", "0", "--iam-rate", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    #[cfg(unix)]
    if !text.is_empty() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    (out.status.code(), text, stderr)
}

fn sids(policy: Option<&lambdascope::model::PolicyText>) -> Vec<String> {
    let mut out: Vec<String> = policy
        .map(|p| p.parsed.as_ref().unwrap().statements.iter().filter_map(|s| s.sid.clone()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn check_functions(snap: &Snapshot, manifest: &Value) {
    let seeded = manifest["functions"].as_object().unwrap();
    let names: Vec<&str> = snap.functions.iter().map(|f| f.name.as_str()).collect();
    let mut want: Vec<&str> = seeded.keys().map(String::as_str).collect();
    want.sort();
    assert_eq!(names, want);
    for f in &snap.functions {
        let m = &seeded[&f.name];
        assert_eq!(f.arn, m["arn"].as_str().unwrap());
        assert_eq!(f.role_arn, m["role"].as_str().unwrap(), "{}", f.name);
        let versions: Vec<String> = f.versions.iter().map(|v| v.version.clone()).collect();
        assert_eq!(versions, strings(&m["versions"]), "{}", f.name);
        let aliases: BTreeMap<String, String> =
            f.aliases.iter().map(|a| (a.name.clone(), a.function_version.clone())).collect();
        let want: BTreeMap<String, String> =
            m["aliases"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().into())).collect();
        assert_eq!(aliases, want, "{}", f.name);
        // Every scope's statements, filed under the right qualifier.
        for (scope, policy) in f.scopes() {
            let key = scope.qualifier().unwrap_or_default();
            let want = m["scopes"].get(key).map(strings).unwrap_or_default();
            assert_eq!(sids(policy), want, "{} scope {scope:?}", f.name);
        }
        match m.get("url") {
            Some(u) => {
                assert_eq!(f.urls.len(), 1, "{}", f.name);
                assert_eq!(f.urls[0].qualifier, None);
                assert_eq!(f.urls[0].auth_type, UrlAuthType::None);
                assert_eq!(u["auth_type"], "NONE");
            }
            None => assert!(f.urls.is_empty(), "{}", f.name),
        }
    }
    let api = snap.functions.iter().find(|f| f.name == "api").unwrap();
    assert_eq!(api.env_var_names, vec!["API_KEY", "LOG_LEVEL"]);
    // The URL statement carries its auth-type condition where AWS puts it.
    let url_stmt = api
        .policy
        .as_ref()
        .unwrap()
        .parsed
        .as_ref()
        .unwrap()
        .statements
        .iter()
        .find(|s| s.sid.as_deref() == Some("PublicUrl"))
        .unwrap();
    assert_eq!(url_stmt.conditions[0].key, "lambda:FunctionUrlAuthType");
    assert!(api.scopes().iter().any(|(s, _)| *s == Scope::Alias("live".into())));
}

fn check_mappings(snap: &Snapshot, manifest: &Value) {
    let mut got: Vec<(String, String, bool, u32)> = snap
        .event_source_mappings
        .iter()
        .map(|m| (m.source_arn.clone().unwrap(), m.function_arn.clone(), m.is_enabled(), m.batch_size.unwrap()))
        .collect();
    let mut want: Vec<(String, String, bool, u32)> = manifest["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (s("source"), s("function"), m["enabled"].as_bool().unwrap(), m["batch"].as_u64().unwrap() as u32)
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

fn check_roles(snap: &Snapshot, manifest: &Value) {
    for (arn, want) in manifest["roles"].as_object().unwrap() {
        let role = snap.roles.iter().find(|r| &r.arn == arn).unwrap_or_else(|| panic!("{arn} missing"));
        let inline: Vec<String> = role.inline_policies.iter().map(|p| p.name.clone()).collect();
        assert_eq!(inline, strings(&want["inline"]), "{arn}");
        assert!(role.inline_policies.iter().all(|p| p.document.parsed.is_ok()), "{arn}");
        assert_eq!(role.attached_policy_arns, strings(&want["attached"]), "{arn}");
        assert_eq!(role.permission_boundary_arn.as_deref(), want["boundary"].as_str(), "{arn}");
        assert!(role.trust_policy.as_ref().unwrap().raw.contains("lambda.amazonaws.com"));
    }
    for (arn, version) in manifest["managed_policies"].as_object().unwrap() {
        let p = snap.managed_policies.iter().find(|p| &p.arn == arn).unwrap_or_else(|| panic!("{arn} missing"));
        if let Some(v) = version.as_str() {
            assert_eq!(p.default_version_id, v, "{arn}");
        }
        assert!(p.document.parsed.is_ok(), "{arn}");
    }
    let data = snap.managed_policies.iter().find(|p| p.name == "data-access").unwrap();
    assert!(data.document.raw.contains("dynamodb:*"), "the default version's document, not v1's");
    // A deleted execution role is a fact about the account, not something left unread.
    let deleted = manifest["deleted_role"].as_str().unwrap();
    assert!(!snap.roles.iter().any(|r| r.arn == deleted));
    assert!(snap.is_absent(AbsentKind::Role, deleted), "{:?}", snap.absent);
    assert!(!snap.gaps.iter().any(|g| g.resource == deleted), "{:?}", snap.gaps);
}

#[test]
fn fetch_reads_what_was_seeded() {
    let Some(moto) = Moto::start("fetch_reads_what_was_seeded") else { return };
    let manifest = moto.seed(&[]);
    let (code, text, stderr) = fetch_with(&moto, "test", "test");
    // Everything that exists was read: complete, although one function's role was deleted.
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("complete: nothing was left unread") && stderr.contains("API calls"), "{stderr}");
    assert!(stderr.contains("does not exist: role arn:aws:iam::123456789012:role/"), "{stderr}");
    let snap = Snapshot::from_json(&text).unwrap();
    assert_eq!(snap.account_id, "123456789012");
    assert!(snap.gaps.is_empty(), "{:?}", snap.gaps);
    check_functions(&snap, &manifest);
    check_mappings(&snap, &manifest);
    check_roles(&snap, &manifest);
    check_ways(&snap, &manifest);
    assert!(!text.contains(manifest["secret"].as_str().unwrap()), "an environment variable value reached the snapshot");

    // The saved snapshot reads back with matching counts.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    std::fs::write(&path, &text).unwrap();
    let out = support::run(&["--snapshot", path.to_str().unwrap(), "summary", "--format", "json"], "");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = [
        ("functions", 10),
        ("versions", 3),
        ("aliases", 1),
        ("resource_policy_statements", 6),
        ("web_functions", 3),
        ("web_endpoints", 6),
        ("layer_versions", 2),
        ("function_urls", 1),
        ("event_source_mappings", 2),
        ("roles", 2),
        ("gaps", 0),
        ("absent", 1),
    ];
    for (key, n) in expected {
        assert_eq!(s[key], n, "{key}");
    }
    // The deleted role is reported where it matters: as a finding on the function.
    let out = support::run(&["--snapshot", path.to_str().unwrap(), "findings", "--format", "json"], "");
    // A complete read leaves no input unread: the answer is whole (exit 0).
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings["unread"], serde_json::json!([]));
    let missing: Vec<&Value> =
        findings["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "missing-role").collect();
    assert_eq!(missing.len(), 1, "{findings}");
    let ids: Vec<(&str, &str)> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["function"].as_str().unwrap()))
        .collect();
    for want in [
        ("public-web-endpoint", "shop"),
        ("cross-account", "shop"),
        ("secret-env", "shop"),
        ("public-layer", "common"),
        ("cross-account-layer", "common"),
    ] {
        assert!(ids.contains(&want), "{want:?} missing: {ids:?}");
    }
    // A public Allow under a Deny for every caller outside one VPC is not public.
    assert!(!ids.contains(&("public-invoke", "vpc-only")), "{ids:?}");
}

/// Web functions (from the stub beside moto), layers and the full JSON policy.
fn check_ways(snap: &Snapshot, manifest: &Value) {
    let seeded = manifest["web_functions"].as_object().unwrap();
    assert_eq!(snap.web_functions.len(), seeded.len(), "every page of web functions is read");
    for w in &snap.web_functions {
        let want = &seeded[&w.name];
        let endpoints: BTreeMap<String, String> =
            w.endpoints.iter().map(|e| (e.name.clone(), e.auth_type.as_str().to_string())).collect();
        let want_endpoints: BTreeMap<String, String> = want["endpoints"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().into()))
            .collect();
        assert_eq!(endpoints, want_endpoints, "{}: every page of endpoints is read", w.name);
        let mut roles: Vec<String> = w.revisions.iter().filter_map(|r| r.role_arn.clone()).collect();
        roles.sort();
        roles.dedup();
        assert_eq!(roles, strings(&want["roles"]), "{}", w.name);
    }
    let shop = snap.web_functions.iter().find(|w| w.name == "shop").unwrap();
    assert_eq!(sids(shop.policy.as_ref()), vec!["PartnerAdmin"]);
    assert!(shop.revisions.iter().any(|r| r.env_var_names == vec!["SESSION_SECRET".to_string()]));
    let layers: BTreeMap<String, bool> =
        snap.layers.iter().flat_map(|l| l.versions.iter().map(|v| (v.arn.clone(), v.policy.is_some()))).collect();
    let want: BTreeMap<String, bool> =
        manifest["layers"].as_object().unwrap().keys().map(|k| (k.clone(), true)).collect();
    assert_eq!(layers, want);
}

#[test]
fn fetch_sends_only_list_and_get_operations() {
    let Some(moto) = Moto::start("fetch_sends_only_list_and_get_operations") else { return };
    moto.seed(&[]);
    let opts = FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(moto.endpoint.clone()),
        credentials: Some(("test".into(), "test".into())),
        lambda_policy_rate: 0.0,
        lambda_rate: 0.0,
        iam_rate: 0.0,
        ..FetchOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fetched = runtime.block_on(fetch::fetch(&opts, None)).unwrap();
    assert!(fetched.calls.len() >= 8, "{:?}", fetched.calls);
    for op in fetched.calls.keys() {
        let (service, name) = op.split_once(':').unwrap_or_default();
        assert!(fetch::is_read_only(service, name), "sent a non-read operation: {op}");
    }
    // Whether the account is in an organisation: one call, which answers "none" here.
    assert_eq!(fetched.calls.get("organizations:DescribeOrganization"), Some(&1));
    assert_eq!(fetched.snapshot.organization, lambdascope::model::OrgState::None);
    // Each role and managed policy is read once however many functions share it (seven
    // functions use exec-a).
    assert_eq!(fetched.calls.get("iam:GetAccountAuthorizationDetails"), Some(&1));
    assert_eq!(fetched.calls.get("iam:GetRole"), Some(&1), "only the deleted role is asked for: {:?}", fetched.calls);
    let policies = fetched.snapshot.managed_policies.len() as u64;
    assert_eq!(fetched.calls.get("iam:GetPolicyVersion").copied().unwrap_or(0), policies - 2, "{:?}", fetched.calls);
    // One GetResourcePolicy per scope: 10 functions + 3 versions + 1 alias (moto lacks
    // it; the stub beside it answers, so GetPolicy is never needed).
    assert_eq!(fetched.calls.get("lambda:GetResourcePolicy"), Some(&14));
    assert_eq!(fetched.calls.get("lambda:GetPolicy"), None);
    // Web functions: two pages of three; endpoints (two pages for batch-web), one revision
    // read per serving revision, one policy each.
    assert_eq!(fetched.calls.get("lambda-web:ListWebFunctions"), Some(&2));
    assert_eq!(fetched.calls.get("lambda-web:ListWebFunctionEndpoints"), Some(&4));
    assert_eq!(fetched.calls.get("lambda-web:GetWebFunctionRevision"), Some(&4));
    assert_eq!(fetched.calls.get("lambda-web:GetResourcePolicy"), Some(&3));
    assert_eq!(fetched.calls.get("lambda:GetLayerVersionPolicy"), Some(&2));
    assert_eq!(fetched.calls.get("lambda:ListFunctions"), Some(&1));
    assert_eq!(fetched.calls.get("lambda:ListEventSourceMappings"), Some(&1));
    eprintln!("calls for 9 functions: {:?}", fetched.calls);
}

#[test]
fn a_server_without_the_newer_apis_gives_gaps_and_policies_from_get_policy() {
    let Some(moto) = Moto::start_without_stub("a_server_without_the_newer_apis") else { return };
    // Seeding loads the stub's data too; with the stub off that data is simply never served.
    let manifest = moto.seed(&[]);
    let (code, text, stderr) = fetch_with(&moto, "test", "test");
    assert_eq!(code, Some(4), "web functions are unknown: the answer is partial: {stderr}");
    let snap = Snapshot::from_json(&text).unwrap();
    let web = snap.gaps.iter().find(|g| g.operation == "lambda:ListWebFunctions").expect("a web functions gap");
    assert!(web.message.contains("does not serve the Lambda web functions API"), "{web:?}");
    assert!(snap.web_functions.is_empty());
    // GetResourcePolicy is missing too: every AddPermission policy is read with GetPolicy.
    let api = snap.functions.iter().find(|f| f.name == "api").unwrap();
    assert_eq!(sids(api.policy.as_ref()), strings(&manifest["functions"]["api"]["scopes"][""]));
    assert!(!snap.gaps.iter().any(|g| g.operation.contains("Policy")), "{:?}", snap.gaps);
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), &text).unwrap();
    let out = support::run(&["--snapshot", path.path().to_str().unwrap(), "findings"], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("web functions could not be listed (error)"));
}

#[test]
fn least_privilege_reads_lambda_and_roles_and_reports_the_rest() {
    let Some(moto) = Moto::start("least_privilege") else { return };
    let manifest = moto.seed(&["--with-users", "--enforce"]);
    let user = |name: &str| {
        let u = &manifest["users"][name];
        (u["key"].as_str().unwrap().to_string(), u["secret"].as_str().unwrap().to_string())
    };

    let (key, secret) = user("auditor");
    let (code, text, stderr) = fetch_with(&moto, &key, &secret);
    assert_eq!(code, Some(4), "{stderr}");
    let snap = Snapshot::from_json(&text).unwrap();
    assert_eq!(snap.caller_arn.as_deref(), Some("arn:aws:iam::123456789012:user/auditor"));
    check_functions(&snap, &manifest);
    check_mappings(&snap, &manifest);
    check_roles(&snap, &manifest);
    let denied: Vec<&str> =
        snap.gaps.iter().filter(|g| g.reason == GapReason::AccessDenied).map(|g| g.operation.as_str()).collect();
    for op in ["iam:ListUsers", "iam:ListGroups"] {
        assert!(denied.contains(&op), "{op} should be a gap: {:?}", snap.gaps);
    }
    // The one-call IAM listing is denied too, but the per-entity reads cover what it holds.
    assert!(!denied.contains(&"iam:GetAccountAuthorizationDetails"), "{:?}", snap.gaps);
    assert!(!denied.iter().any(|op| op.starts_with("lambda:")), "Lambda reads must work: {:?}", snap.gaps);
    assert!(snap.users.is_empty() && snap.groups.is_empty());

    let (key, secret) = user("nobody");
    let (code, text, stderr) = fetch_with(&moto, &key, &secret);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("partial") && stderr.contains("lambda:ListFunctions access denied"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let snap = Snapshot::from_json(&text).unwrap();
    assert!(snap.functions.is_empty());
    assert!(snap.gaps.iter().any(|g| g.operation == "lambda:ListFunctions" && g.reason == GapReason::AccessDenied));
}

#[test]
fn live_reads_keep_a_private_cache_that_can_be_listed_and_cleared() {
    let Some(moto) = Moto::start("live_reads_keep_a_private_cache") else { return };
    moto.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let run = |args: &[&str]| {
        support::bin()
            .env("LAMBDASCOPE_CACHE_DIR", &cache)
            .args(["--endpoint-url", &moto.endpoint, "--quiet"])
            .args(args)
            .output()
            .unwrap()
    };
    // --no-cache leaves nothing behind.
    assert_eq!(run(&["summary", "--no-cache"]).status.code(), Some(0));
    assert!(!cache.exists());
    // A full live read keeps the account, owner-only, with no secret value.
    assert_eq!(run(&["summary"]).status.code(), Some(0));
    let files: Vec<_> = std::fs::read_dir(&cache).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("123456789012-us-east-1@127.0.0.1_"), "{name}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(Snapshot::from_json(&text).unwrap().functions.len(), 10);
    assert!(!text.contains("sk_live_do-not-leak"), "a secret reached the cache");
    // A targeted question is folded in: one function read again, the others kept.
    assert_eq!(run(&["who-can-invoke", "api"]).status.code(), Some(0));
    let merged = Snapshot::from_json(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(merged.functions.len(), 10);
    assert_eq!((merged.web_functions.len(), merged.layers.len()), (3, 1), "a one-function read keeps the rest");
    assert_eq!(merged.event_source_mappings.len(), 2);
    // Listed, then cleared.
    let listed = String::from_utf8_lossy(&run(&["cache", "list"]).stdout).into_owned();
    assert!(
        listed.contains("123456789012") && listed.contains("us-east-1") && listed.contains("10 functions"),
        "{listed}"
    );
    let cleared = String::from_utf8_lossy(&run(&["cache", "clear"]).stdout).into_owned();
    assert!(cleared.starts_with("removed 1 cached account"), "{cleared}");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0);
}
