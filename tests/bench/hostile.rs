//! Benchmark of hostile and pathological inputs: each must be answered in well under a
//! second on this machine, and findings as text within 2x of findings as JSON. Run with
//! `cargo bench --bench hostile`; the figures print to stdout.

use std::process::Command;
use std::time::{Duration, Instant};

use lambdascope::graph::{Graph, Target};
use lambdascope::model::{Function, PolicyText, Snapshot};
use lambdascope::policy::{self, Caller, Context, Named, Policies, Request};
use serde_json::json;

const ACCOUNT: &str = "123456789012";

fn time<T>(label: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    println!("  {label:<58} {:>9.1} ms", took.as_secs_f64() * 1000.0);
    (out, took)
}

fn function(name: &str, role: &str, policy: Option<serde_json::Value>) -> Function {
    let mut s = lambdascope::demo::synthetic(1, 1);
    let mut f = s.functions.remove(0);
    f.name = name.into();
    f.arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");
    f.role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{role}");
    f.versions.clear();
    f.aliases.clear();
    f.urls.clear();
    f.policy = policy.map(|p| PolicyText::new(p.to_string()));
    f
}

fn decide(policy: &serde_json::Value, context: Context, resource: &str) -> policy::Decision {
    let parsed = policy::parse(&policy.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let caller = Caller::Anonymous;
    let policies = Policies {
        identity: Vec::new(),
        resource: Some(Named { name: "resource policy", policy: &parsed }),
        boundary: None,
        ..Default::default()
    };
    policy::evaluate(
        &Request { caller: &caller, action: "lambda:InvokeFunction", resource, context: &context },
        &policies,
    )
    .decision
}

/// A role with `n` distinct statements, each on its own resource, allowing one action
/// each (`wide` false) or every action (`wide` true).
fn big_role(n: usize, wide: bool) -> Snapshot {
    let catalog = lambdascope::catalog::Catalog::embedded();
    let statements: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let action = if wide { "*".to_string() } else { catalog.full_name(i * 7 % catalog.actions.len()) };
            json!({"Sid": format!("S{i}"), "Effect": "Allow", "Action": action, "Resource": format!("arn:aws:s3:::bucket-{i}/*")})
        })
        .collect();
    role_with(statements)
}

fn role_with(statements: Vec<serde_json::Value>) -> Snapshot {
    let mut s = Snapshot::new(ACCOUNT, "us-east-1");
    let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    s.roles = vec![lambdascope::model::Role {
        arn: format!("arn:aws:iam::{ACCOUNT}:role/big"),
        name: "big".into(),
        path: "/".into(),
        trust_policy: None,
        permission_boundary_arn: None,
        inline_policies: vec![lambdascope::model::InlinePolicy { name: "huge".into(), document: PolicyText::new(doc) }],
        attached_policy_arns: Vec::new(),
        tags: None,
    }];
    s.functions = vec![function("big-fn", "big", None)];
    s
}

fn public_account(n: usize) -> Snapshot {
    let mut s = Snapshot::new(ACCOUNT, "us-east-1");
    s.functions = (0..n)
        .map(|i| {
            let name = format!("public-{i:05}");
            let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");
            let doc = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": arn}]});
            function(&name, "exec", Some(doc))
        })
        .collect();
    s
}

fn run_binary(snapshot: &std::path::Path, format: &str) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_lambdascope"))
        .args(["--snapshot", snapshot.to_str().unwrap_or_default(), "--format", format, "findings"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    out.stdout.len()
}

fn main() {
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f");
    println!("hostile inputs (release build; each should be well under 1 s)");
    let mut worst = Duration::ZERO;

    let stars = "*".repeat(100_000);
    let policy = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{stars}")}]});
    let (_, t) = time("100,000-character * pattern in a Resource", || decide(&policy, Context::closed(), &arn));
    worst = worst.max(t);

    let segments = "*a".repeat(20_000) + "*b";
    let policy = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "*",
        "Condition": {"StringLike": {"aws:UserAgent": segments}}}]});
    let mut ctx = Context::closed();
    ctx.set("aws:UserAgent", vec!["a".repeat(100_000)]);
    let (_, t) = time("crafted condition: 20,000 \"*a\" segments vs 100,000 \"a\"s", || decide(&policy, ctx, &arn));
    worst = worst.max(t);

    let questions = "?".repeat(5_000) + "*" + &"?".repeat(5_000) + "b";
    let policy = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction", "Resource": "*",
        "Condition": {"StringLike": {"aws:UserAgent": questions}}}]});
    let mut ctx = Context::closed();
    ctx.set("aws:UserAgent", vec!["a".repeat(100_000)]);
    let (_, t) = time("crafted condition: 10,000 ? around a * vs 100,000 \"a\"s", || decide(&policy, ctx, &arn));
    worst = worst.max(t);

    for (wide, label) in [(false, "one action each"), (true, "each allowing *")] {
        let (graph, t) =
            time(&format!("graph of a role with 1,500 statements, {label}"), || Graph::build(big_role(1_500, wide)));
        worst = worst.max(t);
        let (_, t) = time("  reach of that role", || graph.reach(&Target { function: 0, scope: None }));
        worst = worst.max(t);
    }

    // Issue 18: one action pattern of 100,000 `*` and a letter took 25 s of CPU in reach.
    let action = "*".repeat(100_000) + "a";
    let statement = json!({"Effect": "Allow", "Action": action, "Resource": "*"});
    let (graph, t) =
        time("graph of a role whose action is 100,000 * and a letter", || Graph::build(role_with(vec![statement])));
    worst = worst.max(t);
    let (_, t) = time("  reach of that role", || graph.reach(&Target { function: 0, scope: None }));
    worst = worst.max(t);

    let dir = std::env::temp_dir().join(format!("lambdascope-hostile-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("public.json");
    let _ = std::fs::write(&path, public_account(30_000).to_json());
    let (_, json_t) = time("findings --format json on 30,000 public functions (binary)", || run_binary(&path, "json"));
    let (_, text_t) = time("findings as text on 30,000 public functions (binary)", || run_binary(&path, "text"));
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "\nworst in-process case: {:.1} ms; findings text/json: {:.2}x",
        worst.as_secs_f64() * 1000.0,
        text_t.as_secs_f64() / json_t.as_secs_f64()
    );
}
