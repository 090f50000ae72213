//! Benchmark on a generated 10,000-function account (or LAMBDASCOPE_BENCH_FUNCTIONS):
//! graph build, who-can-invoke and reach for every function, findings over the account,
//! and peak memory. Run with `cargo bench --bench graph`; the figures print to stdout.

#[path = "memory.rs"]
mod memory;

use std::time::{Duration, Instant};

use lambdascope::demo::synthetic;
use lambdascope::graph::Graph;

fn per(total: Duration, n: usize) -> String {
    format!("{:.3} ms", total.as_secs_f64() * 1000.0 / n.max(1) as f64)
}

fn main() {
    let n: usize = std::env::var("LAMBDASCOPE_BENCH_FUNCTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let t = Instant::now();
    let snapshot = synthetic(n, 42);
    let generated = t.elapsed();
    let json_len = snapshot.to_json().len();
    let s = snapshot.summary();
    println!(
        "account: {} functions, {} versions, {} aliases, {} policy statements, {} roles, {} users ({:.1} MiB as JSON; generated in {:.2?})",
        s.functions,
        s.versions,
        s.aliases,
        s.resource_policy_statements,
        s.roles,
        s.users,
        json_len as f64 / 1048576.0,
        generated
    );
    let t = Instant::now();
    let graph = Graph::build(snapshot);
    println!("graph build:               {:.2?}", t.elapsed());

    let t = Instant::now();
    let mut grants = 0;
    for i in 0..n {
        let target = graph.lookup(&graph.function(i).name).unwrap_or_else(|e| panic!("{e}"));
        grants += graph.who_can_invoke(&target).grants.len();
    }
    let total = t.elapsed();
    println!("who-can-invoke, all scopes: {} per function ({:.2?} for all; {grants} grants)", per(total, n), total);

    let t = Instant::now();
    let mut services = 0;
    for i in 0..n {
        let target = graph.lookup(&graph.function(i).name).unwrap_or_else(|e| panic!("{e}"));
        services += graph.reach(&target).services.len();
    }
    let total = t.elapsed();
    println!(
        "reach:                     {} per function ({:.2?} for all; {services} service rows)",
        per(total, n),
        total
    );

    let t = Instant::now();
    let findings = graph.findings();
    println!("findings, whole account:   {:.2?} ({} findings)", t.elapsed(), findings.len());
    match memory::peak_mib() {
        Some(mib) => println!("peak memory (VmHWM):       {mib:.0} MiB"),
        None => println!("peak memory:               unavailable on this platform"),
    }
}
