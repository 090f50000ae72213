//! The formats other tools read, on the demo account: SARIF valid against the SARIF 2.1.0
//! schema (tests/sarif, OASIS's schema) with stable fingerprints, CSV safe for
//! spreadsheets, Mermaid and DOT graphs (DOT checked by Graphviz), shell completions and
//! the man page, colour only on a terminal, and diff grouped by cause.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use serde_json::Value;
use support::run;

fn stdout(args: &[&str]) -> String {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    String::from_utf8_lossy(&run(&all, "").stdout).into_owned()
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

#[test]
fn sarif_is_schema_valid_with_one_rule_per_id_and_stable_fingerprints() {
    let text = stdout(&["findings", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let findings: Value = serde_json::from_str(&stdout(&["findings", "--format", "json"])).unwrap();
    let run0 = &sarif["runs"][0];
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), findings["findings"].as_array().unwrap().len());
    let rules: Vec<&str> =
        run0["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap().starts_with("arn:aws:")
        );
    }
    let prints: std::collections::BTreeSet<&str> =
        results.iter().map(|r| r["partialFingerprints"]["lambdascope/v1"].as_str().unwrap()).collect();
    assert_eq!(prints.len(), results.len(), "one fingerprint per finding");
    assert_eq!(text, stdout(&["findings", "--format", "sarif"]), "the same run twice is the same file");
    let public = results.iter().find(|r| r["ruleId"] == "public-invoke").unwrap();
    assert_eq!(public["level"], "error");

    // Against the schema, with the Python jsonschema the project's test virtualenv has.
    let Some(python) = support::moto::python() else {
        assert!(!ci(), "the SARIF schema check needs .venv-moto (bash .ci/run installs it)");
        eprintln!("SKIPPED schema validation: .venv-moto is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.sarif");
    std::fs::write(&file, &text).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sarif/sarif-schema-2.1.0.json");
    let check = "import json,sys,jsonschema; jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))";
    let out = Command::new(python).args(["-c", check, schema]).arg(&file).output().unwrap();
    assert!(out.status.success(), "not valid SARIF 2.1.0: {}", String::from_utf8_lossy(&out.stderr));
    // The check itself rejects what is not SARIF.
    std::fs::write(&file, r#"{"version": "2.1.0", "runs": [{"results": []}]}"#).unwrap();
    let out = Command::new(support::moto::python().unwrap()).args(["-c", check, schema]).arg(&file).output().unwrap();
    assert!(!out.status.success(), "a run without a tool must be refused");
}

#[test]
fn csv_has_a_header_a_row_per_finding_and_no_formulas() {
    let text = stdout(&["findings", "--format", "csv"]);
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "severity,id,subject,name,qualifier,arn,title,evidence");
    let findings: Value = serde_json::from_str(&stdout(&["findings", "--format", "json"])).unwrap();
    assert_eq!(lines.len() - 1, findings["findings"].as_array().unwrap().len());
    assert!(lines.iter().any(|l| l.starts_with("critical,public-invoke,function,public-webhook,")), "{text}");
    let summary = stdout(&["summary", "--format", "csv"]);
    assert_eq!(
        summary,
        "account,region,functions,web_functions,layer_versions,roles,gaps\r\n123456789012,us-east-1,45,1,3,14,3\r\n"
    );
    let wrong = run(&["--demo", "summary", "--format", "sarif"], "");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("--format sarif does not fit this command (it writes: text, json, csv)")
    );
}

#[test]
fn mermaid_and_dot_draw_every_grant_and_graphviz_reads_the_dot() {
    let mermaid = stdout(&["who-can-invoke", "payments-refund:live", "--format", "mermaid"]);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    let json: Value =
        serde_json::from_str(&stdout(&["who-can-invoke", "payments-refund:live", "--format", "json"])).unwrap();
    let grants = json["grants"].as_array().unwrap().len();
    let edges = mermaid.lines().filter(|l| l.contains("|\"") && l.contains(" n")).count();
    assert_eq!(edges, grants, "{mermaid}");
    assert_eq!(mermaid.lines().filter(|l| l.trim_start().starts_with("linkStyle")).count(), grants);
    // Every edge joins nodes that are declared.
    let declared: Vec<&str> =
        mermaid.lines().filter_map(|l| l.trim().split(['[', '(']).next()).filter(|n| n.starts_with('n')).collect();
    for l in mermaid.lines().filter(|l| l.contains("|\"")) {
        let ends: Vec<&str> =
            l.split_whitespace().filter(|w| w.starts_with('n') && w[1..].chars().all(|c| c.is_ascii_digit())).collect();
        assert!(ends.iter().all(|e| declared.contains(e)), "{l}");
    }
    assert!(mermaid.contains("-.->") && mermaid.contains("-->"), "conditional and allowed are drawn differently");

    for args in
        [vec!["who-can-invoke", "payments-refund", "--format", "dot"], vec!["reach", "partner-sync", "--format", "dot"]]
    {
        let dot = stdout(&args);
        assert!(dot.starts_with("digraph lambdascope {") && dot.trim_end().ends_with('}'), "{dot}");
        match Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            Ok(mut child) => {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
                let out = child.wait_with_output().unwrap();
                assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
                assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
            }
            Err(_) => {
                assert!(!ci(), "Graphviz (dot) is required under CI=true; bash .ci/run installs it");
                eprintln!("SKIPPED the Graphviz check: dot is not installed");
            }
        }
    }
    let chain = stdout(&["reach", "partner-sync", "--format", "mermaid"]);
    assert!(chain.contains("sts:AssumeRole (trust PartnerSyncDeploys)"), "{chain}");
}

#[test]
fn completions_and_the_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell], "");
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("lambdascope") && text.contains("who-can-invoke"), "{shell}");
    }
    let man = String::from_utf8_lossy(&run(&["man"], "").stdout).into_owned();
    assert!(
        man.contains(".TH lambdascope 1") && man.contains(".SH NAME") && man.contains("who\\-can\\-invoke"),
        "{man}"
    );
}

#[test]
fn colour_only_on_a_terminal_and_never_under_no_color() {
    let bin = env!("CARGO_BIN_EXE_lambdascope");
    // A pseudo-terminal, through util-linux's script.
    let tty = |env: &[(&str, &str)]| -> Option<String> {
        let mut c = Command::new("script");
        c.args(["-qec", &format!("{bin} --demo findings --min-severity critical"), "/dev/null"]);
        c.env_remove("NO_COLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    match tty(&[]) {
        Some(out) => {
            assert!(out.contains("\u{1b}[1;31mCRITICAL"), "coloured on a terminal: {out:?}");
            let plain = tty(&[("NO_COLOR", "1")]).unwrap();
            assert!(!plain.contains("\u{1b}[1;31m") && plain.contains("CRITICAL"), "{plain:?}");
        }
        None => assert!(!ci(), "script (util-linux) is needed for the terminal check"),
    }
    let piped = stdout(&["findings", "--min-severity", "critical"]);
    assert!(!piped.contains('\u{1b}'), "never when piped");
    let forced = stdout(&["findings", "--min-severity", "critical", "--color", "always"]);
    assert!(forced.contains("\u{1b}[1;31mCRITICAL"));
}

#[test]
fn a_role_policy_shared_by_many_functions_is_one_group_in_diff() {
    let mut snap: Value = serde_json::from_str(lambdascope::demo::JSON).unwrap();
    let role = snap["roles"].as_array_mut().unwrap().iter_mut().find(|r| r["name"] == "app-shared-role").unwrap();
    let doc =
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    role["inline_policies"].as_array_mut().unwrap().push(serde_json::json!({"name": "wide", "document": {"raw": doc}}));
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&old, lambdascope::demo::JSON).unwrap();
    std::fs::write(&new, snap.to_string()).unwrap();
    let out = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap()], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("role arn:aws:iam::123456789012:role/app-shared-role · inline policy wide"), "{text}");
    assert!(text.contains("+ Wide: Allow s3:* on *") && text.contains("grants s3 ("), "{text}");
    assert!(text.contains("affects 16 functions: app-cart-get, app-cart-update"), "{text}");
    assert_eq!(
        text.matches("+ role arn:aws:iam::123456789012:role/app-shared-role:").count(),
        1,
        "reach gained is one group: {text}"
    );
    assert_eq!(text.matches("write-everywhere").count(), 1, "the finding is one line: {text}");
    // JSON keeps the full detail.
    let out = run(&["diff", old.to_str().unwrap(), new.to_str().unwrap(), "--format", "json"], "");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reach_gained"].as_array().unwrap().len(), 16);
    assert_eq!(v["policy_changes"][0]["functions"].as_array().unwrap().len(), 16);
}
