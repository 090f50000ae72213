//! Benchmark of the on-call question on a large live account: moto seeded with
//! LAMBDASCOPE_BENCH_FUNCTIONS functions (default 1,000) behind the rate-limiting proxy of
//! `tests/support/proxy.rs` at AWS's rates, with default pacing. Times and counts the
//! calls of one targeted `who-can-invoke`, `reach` and `can` through the binary (goal:
//! under 3 s and 25 calls each, whatever the account's size). Run with
//! `cargo bench --bench oncall`; it needs moto (`bash .ci/run` installs it) and seeds for
//! about a minute per 1,000 functions.

#[path = "../support/mod.rs"]
mod support;

use std::time::Instant;

use support::moto::Moto;
use support::proxy::{Class, Config, Proxy};

fn main() {
    let n: usize = std::env::var("LAMBDASCOPE_BENCH_FUNCTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
    let Some(moto) = Moto::start("bench oncall") else {
        println!("moto is not installed: run `bash .ci/run` once, then `cargo bench --bench oncall`");
        return;
    };
    let seeding = Instant::now();
    let bulk = n.saturating_sub(9).to_string();
    moto.seed(&["--bulk", &bulk]);
    println!("seeded {n} functions in {:.0} s", seeding.elapsed().as_secs_f64());
    let proxy = Proxy::start(&moto.endpoint, Config::aws_quota(1.0));
    let questions: [&[&str]; 3] = [
        &["who-can-invoke", "bulk-0600"],
        &["reach", "bulk-0600"],
        &[
            "can",
            "arn:aws:iam::111122223333:role/partner",
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:bulk-0600:live",
        ],
    ];
    println!("one question, at AWS's rates (15/s, 15/s, IAM 20/s), through the binary:");
    let counted = |p: &Proxy| -> u64 {
        [Class::LambdaPolicy, Class::Lambda, Class::Iam].iter().map(|c| p.forwarded(*c) + p.throttled(*c)).sum()
    };
    for args in questions {
        let before = counted(&proxy);
        let started = Instant::now();
        let out = support::bin()
            .args(["--endpoint-url", &proxy.endpoint])
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let took = started.elapsed();
        // The proxy counts Lambda and IAM requests; sts:GetCallerIdentity and
        // organizations:DescribeOrganization (answered "no organisation" here) are two more.
        let calls = counted(&proxy) - before + 2;
        println!(
            "  {:<58} {:>5.2} s  {:>3} calls  exit {:?}",
            args.join(" "),
            took.as_secs_f64(),
            calls,
            out.status.code()
        );
    }
}
