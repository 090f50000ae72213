//! The binary as a user meets it: simulate's input errors, summary on the demo and on
//! damaged snapshots, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn simulate_answers_valid_cases_and_names_the_bad_ones() {
    let good = case("good", USER, INVOKE, FN).id(vec![allow(INVOKE, FN)]).expect("allowed");
    let missing = json!({"name": "no action", "principal": USER, "resource": FN});
    let bad_op = case("bad operator", USER, INVOKE, FN)
        .id(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualz": {"k": "v"}}})])
        .expect("-");
    let bad_principal = json!({"principal": "bob", "action": INVOKE, "resource": FN});
    let input = Value::Array(vec![good, missing, bad_op, bad_principal]).to_string();
    let out = run(&["simulate", "--format", "json", "-"], &input);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["decision"], "allowed");
    assert_eq!(lines[0]["deciding_statements"][0]["policy"], "identity_policies[0]");
    assert!(lines[1]["error"].as_str().unwrap().contains("missing field \"action\""));
    assert!(lines[2]["error"].as_str().unwrap().contains("unknown condition operator \"StringEqualz\""));
    let err = stderr(&out);
    assert!(err.contains("case 2 (\"no action\"): missing field \"action\""), "{err}");
    assert!(err.contains("case 3 (\"bad operator\")"), "{err}");
    assert!(err.contains("case 4: \"bob\" is not a principal"), "{err}");
    assert!(err.contains("3 of 4 cases rejected"), "{err}");
}

#[test]
fn simulate_reports_invalid_json_with_line_and_column() {
    let out = run(&["simulate", "-"], "[\n  {\"principal\": \"x\",,}\n]");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("line 2, column"), "{err}");
    let out = run(&["simulate", "/nonexistent/cases.json"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read /nonexistent/cases.json"));
}

#[test]
fn simulate_text_explains_the_decision() {
    let c = case("partner", XROLE, INVOKE, FN)
        .id(vec![allow(INVOKE, "*")])
        .res(vec![with_condition(grant(aws(XROLE), INVOKE, FN), json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}}))])
        .ctx(json!({"aws:SourceVpc": "vpc-9"}))
        .expect("implicit_deny");
    let out = run(&["simulate", "-"], &c.to_string());
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("case 1 (\"partner\"): IMPLICIT DENY"), "{text}");
    assert!(text.contains("resource_policy statement #0 would allow it, but its condition StringEquals aws:SourceVpc vpc-1 is not met (request has aws:SourceVpc = vpc-9)"), "{text}");
    assert!(text.contains("cross-account"), "{text}");
}

#[test]
fn summary_on_the_demo_in_text_and_json() {
    let out = run(&["--demo", "summary"], "");
    assert_eq!(out.status.code(), Some(4), "the demo account has gaps: its summary is partial");
    let text = stdout(&out);
    assert!(text.contains("Functions               45"), "{text}");
    assert!(text.contains("Web functions           1 (2 endpoints)"), "{text}");
    assert!(text.contains("Layer versions          3"), "{text}");
    assert!(text.contains("Users / groups          unknown (access denied: iam:ListGroups, iam:ListUsers)"), "{text}");
    assert!(text.contains("Does not exist          role arn:aws:iam::123456789012:role/deleted-job-role"), "{text}");
    let out = run(&["--demo", "summary", "--format", "json"], "");
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["functions"], 45);
    assert_eq!(v["web_functions"], 1);
    assert_eq!(v["web_endpoints"], 2);
    assert_eq!(v["layer_versions"], 3);
    assert_eq!(v["roles"], 14);
    assert_eq!(v["source"], "demo");
    for key in [
        "versions",
        "aliases",
        "resource_policy_statements",
        "function_urls",
        "event_source_mappings",
        "managed_policies",
        "gaps",
    ] {
        assert!(v[key].as_u64().unwrap() > 0, "{key}");
    }
}

#[test]
fn version_1_snapshots_still_load_and_are_written_as_the_current_version() {
    // A version 1 file: the demo without the fields version 2 added.
    let mut v: Value = serde_json::from_str(lambdascope::demo::JSON).unwrap();
    assert_eq!(v["format_version"], 4);
    v["format_version"] = 1.into();
    let obj = v.as_object_mut().unwrap();
    obj.remove("web_functions");
    obj.remove("layers");
    obj.remove("organization");
    for role in obj["roles"].as_array_mut().unwrap() {
        role.as_object_mut().unwrap().remove("tags");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let out = run(&["--snapshot", path.to_str().unwrap(), "summary", "--format", "json"], "");
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((s["functions"].as_u64(), s["web_functions"].as_u64()), (Some(45), Some(0)));
    let snap = lambdascope::model::Snapshot::from_json(&v.to_string()).unwrap();
    assert!(snap.to_json().contains("\"format_version\": 4"));
}

#[test]
fn summary_refuses_damaged_snapshots_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let demo = lambdascope::demo::JSON;
    let wrong_version = demo.replacen("\"format_version\": 4", "\"format_version\": 99", 1);
    let bad_account = demo.replacen("\"account_id\": \"123456789012\"", "\"account_id\": \"12\"", 1);
    let missing_field = demo.replacen("\"region\": \"us-east-1\",", "", 1);
    let cases: Vec<(&str, String, &str)> = vec![
        ("truncated", demo[..demo.len() / 2].to_string(), "not valid JSON (line"),
        ("empty", String::new(), "not valid JSON"),
        ("version", wrong_version, "format_version 99 is not supported"),
        ("no version", "{\"account_id\": \"123456789012\"}".into(), "has no format_version"),
        ("account", bad_account, "not a 12-digit account id"),
        ("missing", missing_field, "missing field `region`"),
        ("type", demo.replacen("\"functions\": [", "\"functions\": 7, \"x\": [", 1), "invalid snapshot"),
    ];
    for (label, content, want) in cases {
        let path = dir.path().join(format!("{label}.json"));
        std::fs::write(&path, content).unwrap();
        let out = run(&["--snapshot", path.to_str().unwrap(), "summary"], "");
        assert_eq!(out.status.code(), Some(1), "{label}");
        let err = stderr(&out);
        assert!(err.contains("cannot load snapshot") && err.contains(want), "{label}: {err}");
        assert!(!err.contains("panicked"), "{label}: {err}");
    }
}

#[test]
fn snapshot_file_loads_like_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    std::fs::write(&path, lambdascope::demo::JSON).unwrap();
    let a = run(&["--snapshot", path.to_str().unwrap(), "summary", "--format", "json"], "");
    let b = run(&["--demo", "summary", "--format", "json"], "");
    let (mut a, mut b): (Value, Value) =
        (serde_json::from_slice(&a.stdout).unwrap(), serde_json::from_slice(&b.stdout).unwrap());
    a["source"] = Value::Null;
    b["source"] = Value::Null;
    assert_eq!(a, b);
}

#[test]
fn usage_errors_and_no_source() {
    // No --demo or --snapshot: the live account, here an endpoint that does not answer.
    let out = run(&["summary", "--quiet"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot identify the account") && err.contains("could not reach the endpoint"), "{err}");
    let out = run(&["--demo", "--snapshot", "x", "summary"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--help"], "");
    assert!(stdout(&out).contains("Exit codes"));
}

#[test]
fn bad_live_flags_are_refused_by_the_command_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["--policy-rate", "1e-300"], "a rate is requests per second"),
        (&["--lambda-rate", "nan"], "a rate is requests per second"),
        (&["--iam-rate=-3"], "a rate is requests per second"),
        (&["--iam-rate", "fast"], "is not a number"),
        (&["--concurrency", "99999999999999999999"], "--concurrency"),
        (&["--concurrency", "0"], "--concurrency"),
        (&["--endpoint-url", ""], "is not a URL"),
        (&["--endpoint-url", "ftp://127.0.0.1:9"], "is not an http:// or https:// URL"),
        (&["--endpoint-url", "127.0.0.1:9"], "--endpoint-url"),
        (&["--max-time", "0s"], "from 1s to 168h"),
        (&["--max-time", "10 minutes"], "use a number with s, m or h"),
    ];
    for (flags, message) in cases {
        let mut args = vec!["fetch"];
        args.extend_from_slice(flags);
        let out = support::run(&args, "");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(message), "{flags:?}: {err}");
        assert!(!err.contains("panicked"), "{flags:?}: {err}");
    }
}

#[test]
fn several_accounts_and_regions_are_checked_before_anything_is_read() {
    for (args, want) in [
        (vec!["summary", "--accounts", "12", "--assume-role", "r"], "is not a 12-digit account id"),
        (vec!["summary", "--accounts", "111122223333"], "--assume-role"),
        (vec!["summary", "--regions", "us-east-1,EU WEST"], "is not a region name"),
    ] {
        let out = run(&args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}
