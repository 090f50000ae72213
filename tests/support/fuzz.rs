//! Random and mutated inputs for the robustness checks (`tests/fuzz_inputs.rs` runs a few
//! thousand, `cargo bench --bench fuzz` 100,000 or more): a small valid snapshot and valid
//! policies, mutated by a seeded generator with hostile characters (C0, DEL, C1, bidi
//! controls, separators), deletions, duplications, swapped values, repeated keys and long
//! runs of wildcards. Each input must be either loaded and answered, or refused with a
//! message that says what is wrong; nothing may panic, and no output may carry a raw unsafe
//! character.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use lambdascope::graph::{Graph, Target};
use lambdascope::model::Snapshot;
use lambdascope::policy::{self, Caller, Context, Named, Policies, Request};
use lambdascope::text::{is_unsafe, json};
use serde_json::json as j;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const HOSTILE: &[&str] = &[
    "\u{1b}[2J",
    "\u{1b}]52;c;AAAA\u{7}",
    "\u{7f}",
    "\u{9b}31m",
    "\u{85}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{2029}",
    "\u{0}",
    "\n",
    "\t",
    "\r",
    "ü",
    "\u{1F600}",
    "\"",
    "\\",
    "*",
    "?",
    "${aws:username}",
    "${",
    "}",
    ",",
    ":",
    "{",
    "[",
    "]",
    "null",
    "-1",
    "1e309",
    "\\u0000",
    "\\ud800",
];

/// A small account that exercises every part of the model.
pub fn base_snapshot() -> String {
    let account = "123456789012";
    let f = |name: &str| format!("arn:aws:lambda:us-east-1:{account}:function:{name}");
    let policy = |name: &str| {
        j!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": f(name),
             "Condition": {"StringLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::*"}}},
            {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"], "Resource": format!("{}:*", f(name))},
            {"Sid": "Deny", "Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
        .to_string()
    };
    let role_policy = j!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "kms:Decrypt", "sts:AssumeRole"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"},
        {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]})
    .to_string();
    let trust = j!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string();
    let function = |name: &str, role: &str| {
        j!({"name": name, "arn": f(name), "runtime": "python3.12", "description": "d", "role_arn": format!("arn:aws:iam::{account}:role/{role}"),
            "env_var_names": ["API_KEY"], "policy": {"raw": policy(name)},
            "versions": [{"version": "1", "arn": format!("{}:1", f(name)), "role_arn": format!("arn:aws:iam::{account}:role/{role}"), "policy": {"raw": policy(name)}}],
            "aliases": [{"name": "live", "arn": format!("{}:live", f(name)), "function_version": "1", "routing": {"1": 0.5}}],
            "urls": [{"qualifier": "live", "url": "https://x.lambda-url.us-east-1.on.aws/", "auth_type": "NONE"}]})
    };
    j!({"format_version": 1, "account_id": account, "region": "us-east-1", "taken_at": "2026-12-01T00:00:00Z",
        "functions": [function("alpha", "exec"), function("beta", "exec"), function("gamma", "gone")],
        "event_source_mappings": [{"uuid": "u1", "source_arn": format!("arn:aws:sqs:us-east-1:{account}:q"), "function_arn": f("alpha"), "state": "Enabled"}],
        "roles": [{"arn": format!("arn:aws:iam::{account}:role/exec"), "name": "exec", "trust_policy": {"raw": trust},
                   "inline_policies": [{"name": "p", "document": {"raw": role_policy}}], "attached_policy_arns": ["arn:aws:iam::aws:policy/Missing"]}],
        "gaps": [{"operation": "iam:ListUsers", "resource": "*", "reason": "access_denied", "message": "denied"}],
        "absent": [{"kind": "role", "arn": format!("arn:aws:iam::{account}:role/gone"), "operation": "iam:GetRole", "message": "NoSuchEntity"}]})
    .to_string()
}

/// A few valid policy documents to mutate.
pub fn base_policies() -> Vec<String> {
    vec![
        j!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*",
            "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b?"]}, "IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}}]})
        .to_string(),
        j!({"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "NotAction": "lambda:Get*", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}, "NumericLessThanEquals": {"s3:max-keys": "10"}}}})
        .to_string(),
        j!({"Version": "2008-10-17", "Statement": [{"Sid": "x", "Effect": "Allow", "Principal": {"Service": ["s3.amazonaws.com"], "AWS": "*"},
            "Action": ["lambda:InvokeFunction"], "Resource": "arn:aws:lambda:*:*:function:*",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}, "Null": {"aws:SourceAccount": "false"}, "Bool": {"aws:SecureTransport": true}}}]})
        .to_string(),
    ]
}

/// One mutation of `text`: a few edits, each at a random character boundary.
pub fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut out: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1).min(out.len());
        match rng.below(9) {
            0 | 1 => {
                let h: Vec<char> = HOSTILE[rng.below(HOSTILE.len())].chars().collect();
                out.splice(at..at, h);
            }
            2 => {
                let end = (at + rng.below(40)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(60)).min(out.len());
                let copy: Vec<char> = out[at..end].to_vec();
                out.splice(end..end, copy);
            }
            4 => {
                let n = 1 + rng.below(5_000);
                out.splice(at..at, std::iter::repeat_n(if rng.below(2) == 0 { '*' } else { '?' }, n));
            }
            5 if at < out.len() => out[at] = char::from_u32(rng.next() as u32 % 0x3_0000).unwrap_or('\u{fffd}'),
            6 => {
                // Repeat a key: `"Effect":"Deny","Effect":"Allow"` and the like.
                let dup = ["\"Effect\":\"Deny\",", "\"functions\":[],", "\"raw\":\"{}\",", "\"name\":\"x\","];
                out.splice(at..at, dup[rng.below(dup.len())].chars());
            }
            7 => {
                // A valid JSON string with an escaped hostile character inside.
                let h = ["\\u001b[31m", "\\u009b", "\\u202e", "\\u2028", "\\u007f", "\\u0000"];
                out.splice(at..at, h[rng.below(h.len())].chars());
            }
            _ => out.truncate(at.max(1)),
        }
    }
    out.into_iter().collect()
}

/// Panics with `what` and the offending text if `text` has a raw unsafe character.
pub fn assert_inert(text: &str, what: &str) {
    if let Some(c) = text.chars().find(|c| is_unsafe(*c)) {
        panic!("{what}: raw U+{:04X} in output: {:?}", c as u32, text.chars().take(300).collect::<String>());
    }
}

/// What happened to one snapshot input.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub loaded: usize,
    pub refused: usize,
}

/// Loads a snapshot text: refused with a message, or loaded, answered, encoded inertly
/// and written back in a form that loads again.
pub fn check_snapshot(text: &str, tally: &mut Tally) {
    let snap = match Snapshot::from_json(text) {
        Err(e) => {
            let message = e.to_string();
            assert!(message.len() > 10, "a refusal must say what is wrong: {message:?}");
            tally.refused += 1;
            return;
        }
        Ok(s) => s,
    };
    tally.loaded += 1;
    let written = snap.to_json();
    // The file's own line breaks are its layout; inside strings nothing raw may remain.
    assert_inert(&written.replace('\n', " "), "snapshot file");
    Snapshot::from_json(&written).unwrap_or_else(|e| panic!("a loaded snapshot writes one that does not load: {e}"));
    let g = Graph::build(snap);
    for i in 0..g.functions().len().min(4) {
        let target = Target { function: i, scope: None };
        assert_inert(&json(&g.who_can_invoke(&target)).unwrap(), "who-can-invoke");
        assert_inert(&json(&g.reach(&target)).unwrap(), "reach");
    }
    assert_inert(&json(&g.findings()).unwrap(), "findings");
    assert_inert(&json(&g.account_unread()).unwrap(), "unread");
    assert_inert(&json(&g.snapshot.summary()).unwrap(), "summary");
    let who = g.who_can_reach("s3:GetObject", "arn:aws:s3:::b/k");
    assert_inert(&json(&who).unwrap(), "who-can-reach");
}

/// Parses a policy text; when it parses, decides a few requests against it.
pub fn check_policy(text: &str) -> bool {
    let parsed = match policy::parse(text) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return false;
        }
        Ok(p) => p,
    };
    assert_inert(&json(&parsed.to_json()).unwrap(), "policy JSON");
    let callers = [
        Caller::parse("arn:aws:iam::123456789012:role/r").unwrap(),
        Caller::parse("arn:aws:sts::111122223333:assumed-role/r/s").unwrap(),
        Caller::Anonymous,
    ];
    for caller in &callers {
        for ctx in [Context::open(), Context::closed()] {
            let request = Request {
                caller,
                action: "lambda:InvokeFunction",
                resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
                context: &ctx,
            };
            let named = Named { name: "fuzzed", policy: &parsed };
            let as_identity = Policies { identity: vec![named], resource: None, boundary: None, ..Default::default() };
            let as_resource =
                Policies { identity: Vec::new(), resource: Some(named), boundary: Some(named), ..Default::default() };
            for policies in [as_identity, as_resource] {
                let eval = policy::evaluate(&request, &policies);
                assert_inert(&json(&eval).unwrap(), "evaluation");
            }
        }
    }
    true
}
