//! Benchmark of a live crawl under AWS's quotas: moto (seeded with
//! LAMBDASCOPE_BENCH_FUNCTIONS functions, default 60) behind the fault-injecting proxy of
//! `tests/support/proxy.rs`, read with the default pacing (15/s, 15/s, 20/s).
//!
//! Two runs: the whole quota and no faults (goal: within 1.1x of the lower bound, no
//! throttling), then half of each quota taken by others with 5 % 5xx, 2 % dropped
//! connections and 1 % answers 3 s late (goal: nothing lost, within 1.3x). The lower bound
//! is the time the quotas alone impose: the Lambda phase takes at least
//! max(GetPolicy calls / its rate, other Lambda calls / their rate), and the IAM phase,
//! which follows it, IAM calls / IAM rate. Run with `cargo bench --bench crawl`; it needs
//! moto (`bash .ci/run` installs it).

#[path = "../support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use lambdascope::fetch::{self, FetchOptions};
use lambdascope::model::Snapshot;
use support::moto::Moto;
use support::proxy::{Class, Config, Proxy, Stats};

fn options(endpoint: &str) -> FetchOptions {
    FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.into()),
        credentials: Some(("test".into(), "test".into())),
        ..FetchOptions::default()
    }
}

fn read(runtime: &tokio::runtime::Runtime, opts: &FetchOptions) -> (fetch::Fetched, Duration) {
    let started = Instant::now();
    let fetched = runtime.block_on(fetch::fetch(opts, None)).unwrap_or_else(|e| panic!("fetch failed: {e}"));
    (fetched, started.elapsed())
}

fn comparable(snap: &Snapshot) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&snap.to_json()).unwrap_or_default();
    v["taken_at"] = serde_json::Value::Null;
    v
}

fn run(runtime: &tokio::runtime::Runtime, moto: &Moto, clean: &Snapshot, label: &str, config: Config, goal: f64) {
    let proxy = Proxy::start(&moto.endpoint, config);
    let (fetched, took) = read(runtime, &options(&proxy.endpoint));
    let per = |c: Class| proxy.forwarded(c) as f64 / proxy.rate(c);
    let bound = per(Class::LambdaPolicy).max(per(Class::Lambda)) + per(Class::Iam);
    let ratio = took.as_secs_f64() / bound;
    let sent: u64 = fetched.calls.values().sum();
    let identical = comparable(&fetched.snapshot) == comparable(clean);
    println!("\n{label}");
    for c in [Class::LambdaPolicy, Class::Lambda, Class::Iam] {
        println!(
            "  {:<17} {:>5} answered at {:>5.1}/s  {:>4} throttled",
            c.name(),
            proxy.forwarded(c),
            proxy.rate(c),
            proxy.throttled(c)
        );
    }
    let s = &proxy.stats;
    println!(
        "  faults injected:  {} 5xx, {} dropped connections, {} slow answers",
        Stats::get(&s.server_errors),
        Stats::get(&s.resets),
        Stats::get(&s.slow)
    );
    println!("  requests sent:    {sent} ({} re-reads, {} throttling answers)", fetched.rereads, fetched.throttled);
    println!(
        "  wall time:        {:.2} s against a quota lower bound of {bound:.2} s: {ratio:.2}x (goal {goal}x)",
        took.as_secs_f64()
    );
    println!(
        "  gaps:             {}; snapshot equals the fault-free read: {}",
        fetched.snapshot.gaps.len(),
        if identical { "yes" } else { "NO" }
    );
    let rates: Vec<String> =
        fetched.rates.iter().map(|(c, r)| format!("{c} {:.1}/s", r.unwrap_or(f64::INFINITY))).collect();
    println!("  paced at the end: {}", rates.join(", "));
}

fn main() {
    let n: usize = std::env::var("LAMBDASCOPE_BENCH_FUNCTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
    let Some(moto) = Moto::start("bench crawl") else {
        println!("moto is not installed: run `bash .ci/run` once, then `cargo bench --bench crawl`");
        return;
    };
    let bulk = n.saturating_sub(9).to_string();
    moto.seed(&["--bulk", &bulk]);
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let unpaced = FetchOptions { lambda_policy_rate: 0.0, lambda_rate: 0.0, iam_rate: 0.0, ..options(&moto.endpoint) };
    let (clean, took) = read(&runtime, &unpaced);
    let s = clean.snapshot.summary();
    println!(
        "account: {} functions, {} versions, {} aliases; fault-free unpaced read {:.2} s, {} requests, {} gaps",
        s.functions,
        s.versions,
        s.aliases,
        took.as_secs_f64(),
        clean.calls.values().sum::<u64>(),
        s.gaps
    );
    run(&runtime, &moto, &clean.snapshot, "whole quota, no faults", Config::aws_quota(1.0), 1.1);
    let faulty = Config::aws_quota(0.5).with_faults(Duration::from_secs(3), 42);
    run(&runtime, &moto, &clean.snapshot, "half of each quota taken by others, with faults", faulty, 1.3);
}
