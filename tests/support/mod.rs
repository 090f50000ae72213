//! Helpers shared by the integration tests: building simulator cases tersely and running
//! the real binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod fixture;
pub mod fuzz;
pub mod moto;
pub mod proxy;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

pub const A: &str = "123456789012";
pub const B: &str = "111122223333";
pub const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:fn";
pub const USER: &str = "arn:aws:iam::123456789012:user/alice";
pub const ROLE: &str = "arn:aws:iam::123456789012:role/caller";
pub const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/caller/s1";
pub const XROLE: &str = "arn:aws:iam::111122223333:role/caller";
pub const INVOKE: &str = "lambda:InvokeFunction";

/// A policy document from statements.
pub fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An identity-policy statement.
pub fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

pub fn deny(action: &str, resource: &str) -> Value {
    json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

/// A resource-policy statement granting `action` on `resource` to `principal`.
pub fn grant(principal: Value, action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource})
}

pub fn aws(p: &str) -> Value {
    json!({"AWS": p})
}

pub fn with_condition(mut statement: Value, condition: Value) -> Value {
    statement["Condition"] = condition;
    statement
}

/// One simulator case under construction.
pub struct Case(pub Value);

pub fn case(name: &str, principal: &str, action: &str, resource: &str) -> Case {
    Case(json!({"name": name, "principal": principal, "action": action, "resource": resource,
        "context": {}, "identity_policies": [], "resource_policy": null, "permission_boundary": null}))
}

impl Case {
    pub fn id(mut self, statements: Vec<Value>) -> Case {
        self.0["identity_policies"].as_array_mut().unwrap().push(doc(statements));
        self
    }
    pub fn res(mut self, statements: Vec<Value>) -> Case {
        self.0["resource_policy"] = doc(statements);
        self
    }
    pub fn bnd(mut self, statements: Vec<Value>) -> Case {
        self.0["permission_boundary"] = doc(statements);
        self
    }
    pub fn ctx(mut self, context: Value) -> Case {
        self.0["context"] = context;
        self
    }
    pub fn raw(mut self, key: &str, value: Value) -> Case {
        self.0[key] = value;
        self
    }
    /// Finishes the case with the decision IAM gives.
    pub fn expect(mut self, decision: &str) -> Value {
        self.0["expect"] = json!(decision);
        self.0
    }
}

/// The binary, in an environment where any AWS request it might make can only go to
/// 127.0.0.1: test credentials, no profile files, no instance metadata, and a default
/// endpoint on a closed local port (tests that want moto pass --endpoint-url).
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdascope"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/lambdascope-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/lambdascope-test")
        .env("AWS_ENDPOINT_URL", CLOSED_ENDPOINT)
        // Live reads keep a cache: never the developer's own.
        .env("LAMBDASCOPE_CACHE_DIR", test_cache_dir());
    cmd
}

/// Where the binaries the tests start keep their cache of live accounts.
pub fn test_cache_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("lambdascope-cache")
}

/// A local port nothing listens on.
pub const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";

/// Runs the binary with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lambdascope");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs cases through `simulate --format json` and checks every decision, reporting all
/// mismatches at once.
pub fn check_cases(cases: Vec<Value>) {
    let input = Value::Array(cases.clone()).to_string();
    let out = run(&["simulate", "--format", "json", "-"], &input);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), cases.len(), "one line per case; stderr: {stderr}");
    let mut failures = Vec::new();
    for (case, line) in cases.iter().zip(&lines) {
        let got = line.get("decision").and_then(Value::as_str).unwrap_or("<error>");
        if got != case["expect"] {
            failures.push(format!(
                "{}: expected {}, got {got}\n    reasons: {}\n    error: {}",
                case["name"], case["expect"], line["reasons"], line["error"]
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(out.status.success(), "exit {:?}; stderr: {stderr}", out.status.code());
}

/// Every Rust file under `src/<dir>` (or all of `src` for ""), as (path, text).
pub fn rust_sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir), &mut out);
    out
}
