//! The graph commands as a user runs them on the demo account: who-can-invoke, reach,
//! who-can-reach, can, findings and diff, in text and JSON, and their errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::run;

/// The demo account was read with AWSLambda_ReadOnlyAccess: users and groups are unread, so
/// answers that depend on them end with exit 4 (partial); the others with 0.
fn answered(out: &std::process::Output, args: &[&str]) {
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 4)), "{args:?}: exit {code:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--demo", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    answered(&out, args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unread = v.get("unread").and_then(Value::as_array).map_or(0, Vec::len);
    let undecided = v.get("decision").is_some_and(|d| d == "unknown");
    assert_eq!(
        out.status.code() == Some(4),
        unread > 0 || undecided,
        "{args:?}: exit 4 exactly when inputs are unread or the answer undecided: {v}"
    );
    v
}

fn text(args: &[&str]) -> String {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    let out = run(&all, "");
    answered(&out, args);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn who_can_invoke_json_has_the_documented_shape() {
    let v = json(&["who-can-invoke", "payments-refund"]);
    assert_eq!(v["function"], "arn:aws:lambda:us-east-1:123456789012:function:payments-refund");
    let grants = v["grants"].as_array().unwrap();
    for g in grants {
        for key in [
            "principal",
            "principal_kind",
            "path",
            "qualifier",
            "actions",
            "decision",
            "conditions",
            "statement_id",
            "source",
        ] {
            assert!(g.get(key).is_some(), "grant lacks {key}: {g}");
        }
    }
    let partner: Vec<&Value> =
        grants.iter().filter(|g| g["principal"] == "arn:aws:iam::111122223333:role/partner-caller").collect();
    assert_eq!(partner.len(), 1, "the partner grant lives on the alias only");
    assert_eq!(partner[0]["qualifier"], "live");
    assert_eq!(partner[0]["decision"], "conditional");
    let queue = grants.iter().find(|g| g["path"] == "event-source").unwrap();
    assert_eq!(queue["principal"], "arn:aws:sqs:us-east-1:123456789012:refunds");
    // Read with AWSLambda_ReadOnlyAccess: users and groups are unread, and the answer says so.
    let unread: Vec<&str> = v["unread"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
    assert!(unread.iter().any(|u| u.starts_with("IAM users could not be listed (access denied)")), "{unread:?}");
}

#[test]
fn who_can_invoke_text_shows_scopes_and_the_url_rule() {
    let t = text(&["who-can-invoke", "legacy-url-fn"]);
    assert!(t.contains("legacy-url-fn (unqualified)"), "{t}");
    assert!(t.contains("✖ denied") && t.contains("answers 403 to everyone"), "{t}");
    let t = text(&["who-can-invoke", "report-builder"]);
    let v3 = t.split("report-builder:3 (version)").nth(1).unwrap();
    assert!(v3.contains("events.amazonaws.com"), "{t}");
    let unqualified = t.split("report-builder:1 (version)").next().unwrap();
    assert!(!unqualified.contains("events.amazonaws.com"), "a version's grant leaked: {t}");
}

#[test]
fn hostile_text_from_aws_is_escaped() {
    // Strings AWS controls reach the output: a statement id, a principal, a runtime.
    let mut snap = lambdascope::model::Snapshot::from_json(lambdascope::demo::JSON).unwrap();
    let f = snap.functions.iter_mut().find(|f| f.name == "public-webhook").unwrap();
    let raw = f.policy.as_ref().unwrap().raw.replace("PublicInvoke", "Evil\\u001b]52;c;AAAA\\u0007\\u001b[2J");
    f.policy = Some(lambdascope::model::PolicyText::new(raw));
    assert!(f.policy.as_ref().unwrap().parsed.is_ok());
    f.runtime = Some("python\u{1b}[31m".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let path = path.to_str().unwrap();
    for args in [vec!["who-can-invoke", "public-webhook"], vec!["findings"], vec!["summary"]] {
        let mut all = vec!["--snapshot", path];
        all.extend(args.iter().copied());
        let out = run(&all, "");
        answered(&out, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{7}'), "{args:?}: {stdout}");
        if args[0] != "summary" {
            assert!(stdout.contains("Evil\\u{1b}]52"), "the statement id is shown, escaped: {args:?}: {stdout}");
        }
    }
}

#[test]
fn reach_and_who_can_reach() {
    let v = json(&["reach", "data-pipeline-etl"]);
    assert_eq!(v["role_arn"], "arn:aws:iam::123456789012:role/data-pipeline-role");
    assert_eq!(v["boundary_arn"], "arn:aws:iam::123456789012:policy/lambda-boundary");
    let services: Vec<&str> =
        v["services"].as_array().unwrap().iter().map(|s| s["service"].as_str().unwrap()).collect();
    assert!(services.contains(&"s3") && !services.contains(&"glue"), "the boundary removes glue: {services:?}");
    assert!(v["denied"].as_array().unwrap().iter().any(|d| d == "s3:DeleteBucket"));
    let statements = v["statements"].as_array().unwrap();
    assert!(statements.iter().any(|s| s["effect"] == "Deny" && s["actions"].as_array().is_some()));
    assert!(statements.iter().all(|s| s.get("source").is_some() && s.get("conditions").is_some()));
    // An administrator role, capped by the demo account's allow-list SCP: reach says what
    // the organisation takes away instead of "every action".
    let t = text(&["reach", "ops-runbook"]);
    assert!(!t.contains("EVERY action of every service"), "{t}");
    assert!(t.contains("the SCPs at account 123456789012 (acme-prod-apps) take away"), "{t}");
    let t = text(&["reach", "search-indexer"]);
    assert!(t.contains("take away es (6 actions)"), "the allow-list has no OpenSearch: {t}");
    let v = json(&["who-can-reach", "s3:PutObject", "arn:aws:s3:::acme-reports/q3.csv"]);
    let roles: Vec<&str> = v["roles"].as_array().unwrap().iter().map(|r| r["role"].as_str().unwrap()).collect();
    assert!(roles.contains(&"arn:aws:iam::123456789012:role/reporting-exec"), "{roles:?}");
    assert!(!roles.contains(&"arn:aws:iam::123456789012:role/edge-role"));
}

#[test]
fn can_answers_and_admits_what_it_cannot_see() {
    let live = "arn:aws:lambda:us-east-1:123456789012:function:payments-refund:live";
    let v = json(&["can", "arn:aws:iam::111122223333:role/partner-caller", "lambda:InvokeFunction", live]);
    assert_eq!(v["decision"], "unknown", "the partner's own identity policies are not visible");
    let v = json(&[
        "can",
        "s3.amazonaws.com",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer",
        "--context",
        "aws:SourceArn=arn:aws:s3:::acme-uploads",
        "--context",
        "aws:SourceAccount=123456789012",
    ]);
    assert_eq!(v["decision"], "allowed");
    let v = json(&[
        "can",
        "s3.amazonaws.com",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer",
        "--context",
        "aws:SourceArn=arn:aws:s3:::someone-elses-bucket",
    ]);
    assert_eq!(v["decision"], "implicit_deny");
    let v = json(&[
        "can",
        "arn:aws:sts::123456789012:assumed-role/ops-admin-role/x",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:secure-invoker",
        "--context",
        "aws:PrincipalOrgID=o-zzzz",
    ]);
    assert_eq!(v["decision"], "explicit_deny", "DenyOutsideOrg applies: {v}");
    let out = run(&["--demo", "can", "x", "lambda:InvokeFunction", live, "--context", "novalue"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected KEY=VALUE"));
}

#[test]
fn findings_filter_and_fail_on() {
    let v = json(&["findings", "--min-severity", "critical"]);
    let ids: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["admin-role", "public-invoke"]);
    let out = run(&["--demo", "findings", "--fail-on", "high"], "");
    assert_eq!(out.status.code(), Some(5));
    let out = run(&["--demo", "findings", "--min-severity", "loud"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown severity"));
}

#[test]
fn diff_of_two_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(&old, lambdascope::demo::JSON).unwrap();
    let mut snap = lambdascope::model::Snapshot::from_json(lambdascope::demo::JSON).unwrap();
    snap.functions.retain(|f| f.name != "public-webhook");
    std::fs::write(&new, snap.to_json()).unwrap();
    let out = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json"], "");
    // The demo's throttled GetPolicy is unread in both: a change there could not be seen.
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["functions_removed"][0], "public-webhook");
    assert!(v["findings_resolved"].as_array().unwrap().iter().any(|f| f["id"] == "public-invoke"));
    assert!(v["unread"][0].as_str().unwrap().starts_with("before: resource policy of"), "{v}");
    let out = run(&["diff", old.to_str().unwrap(), old.to_str().unwrap()], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("no changes in what could be read: 2 inputs unread"), "{stdout}");
}

#[test]
fn unknown_functions_get_suggestions() {
    let out = run(&["--demo", "who-can-invoke", "payment-refund"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no function named \"payment-refund\"") && err.contains("did you mean payments-refund"),
        "{err}"
    );
}

#[test]
fn json_output_carries_no_raw_control_bidi_or_separator_characters() {
    let hostile = "Evil\u{9b}2J\u{7f}\u{202e}gnp.exe\u{2028}\u{2066}\u{85}";
    let mut snap = lambdascope::model::Snapshot::from_json(lambdascope::demo::JSON).unwrap();
    let f = snap.functions.iter_mut().find(|f| f.name == "public-webhook").unwrap();
    let escaped: String = hostile
        .chars()
        .map(|c| if c.is_ascii() && !c.is_control() { c.to_string() } else { format!("\\u{:04x}", c as u32) })
        .collect();
    let raw = f.policy.as_ref().unwrap().raw.replace("PublicInvoke", &escaped);
    f.policy = Some(lambdascope::model::PolicyText::new(raw));
    f.description = hostile.into();
    snap.gaps[0].message = hostile.into();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, snap.to_json()).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.chars().all(|c| c == '\n' || !lambdascope::text::is_unsafe(c)),
        "the snapshot file itself is inert"
    );
    let path = path.to_str().unwrap();
    for args in
        [vec!["who-can-invoke", "public-webhook"], vec!["findings"], vec!["summary"], vec!["reach", "public-webhook"]]
    {
        let mut all = vec!["--snapshot", path, "--format", "json"];
        all.extend(args.iter().copied());
        let out = run(&all, "");
        answered(&out, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.trim_end().chars().all(|c| !lambdascope::text::is_unsafe(c)),
            "{args:?}: raw unsafe text: {stdout}"
        );
        let v: Value = serde_json::from_str(&stdout).unwrap();
        if args[0] == "who-can-invoke" {
            let sids: Vec<&str> =
                v["grants"].as_array().unwrap().iter().filter_map(|g| g["statement_id"].as_str()).collect();
            assert!(sids.contains(&hostile), "the JSON still holds the exact string: {sids:?}");
        }
    }
}
