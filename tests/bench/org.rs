//! Benchmark at organisation scale: 100 accounts of 1,000 functions each (or
//! LAMBDASCOPE_BENCH_ACCOUNTS × LAMBDASCOPE_BENCH_FUNCTIONS), one snapshot of them all.
//! Snapshot load, graph build, findings, a cross-account who-can-invoke, peak memory and
//! one UI keystroke, with the organisation's SCPs and RCPs applied to every decision.
//! Goals: build < 2 s, findings < 3 s, keystroke < 5 ms, RSS < 1 GiB.
//! Run with `cargo bench --bench org`.

#[path = "memory.rs"]
mod memory;

use std::time::Instant;

use lambdascope::demo::synthetic_org;
use lambdascope::graph::Graph;
use lambdascope::model::Snapshot;
use lambdascope::tui::app::{Action, App, Loaded};
use lambdascope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let (accounts, per) = (env("LAMBDASCOPE_BENCH_ACCOUNTS", 100), env("LAMBDASCOPE_BENCH_FUNCTIONS", 1_000));
    let t = Instant::now();
    let mut org = synthetic_org(accounts, per, 42);
    // LAMBDASCOPE_BENCH_NO_ORG=1: the same accounts without their organisation's SCPs and
    // RCPs, to see what applying them costs.
    if std::env::var_os("LAMBDASCOPE_BENCH_NO_ORG").is_some() {
        org.organization = lambdascope::model::OrgState::NotRead;
    }
    let text = org.to_json();
    drop(org);
    println!(
        "organisation: {accounts} accounts x {per} functions ({:.0} MiB as JSON; generated in {:.2?})",
        text.len() as f64 / 1048576.0,
        t.elapsed()
    );
    // To measure the real binary on it: LAMBDASCOPE_BENCH_WRITE=org.json, then
    // `/usr/bin/time -v lambdascope --snapshot org.json findings`.
    if let Ok(path) = std::env::var("LAMBDASCOPE_BENCH_WRITE") {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let t = Instant::now();
    let snapshot = Snapshot::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
    println!("snapshot load (parse + checks):  {:.2?}", t.elapsed());
    drop(text);
    let s = snapshot.summary();
    println!(
        "  {} functions, {} roles, {} users, {} policy statements, {} accounts and regions",
        s.functions,
        s.roles,
        s.users,
        s.resource_policy_statements,
        s.parts.len()
    );
    let t = Instant::now();
    let graph = Graph::build(snapshot.clone());
    println!("graph build:                     {:.2?}", t.elapsed());
    let t = Instant::now();
    let findings = graph.findings();
    println!("findings, whole organisation:    {:.2?} ({} findings)", t.elapsed(), findings.len());
    // A function whose policy grants another account of the organisation: decided per principal.
    let partner = (0..graph.functions().len())
        .find(|&i| graph.direct_grants(i).iter().any(|g| g.source.contains("was read")))
        .unwrap_or(0);
    let t = Instant::now();
    let target = graph.lookup(&graph.function(partner).arn).unwrap_or_else(|e| panic!("{e}"));
    let answer = graph.who_can_invoke(&target);
    println!("who-can-invoke, cross-account:   {:.2?} ({} grants)", t.elapsed(), answer.grants.len());
    drop(graph);

    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let mut app = App::new("bench");
    let t = Instant::now();
    app.update(Action::Loaded(Box::new(Loaded::new(snapshot))));
    terminal.draw(|f| view::draw(f, &app)).unwrap_or_else(|e| panic!("{e}"));
    println!("UI load (graph, findings, rows) and first frame: {:.2?}", t.elapsed());
    let mut keys = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        app.update(Action::Down);
        terminal.draw(|f| view::draw(f, &app)).unwrap_or_else(|e| panic!("{e}"));
        keys.push(t.elapsed());
    }
    keys.sort();
    println!(
        "keystroke (Down + frame):        median {:.2?}, worst {:.2?}",
        keys[keys.len() / 2],
        keys[keys.len() - 1]
    );
    match memory::peak_mib() {
        Some(mib) => println!("peak memory (VmHWM):             {mib:.0} MiB"),
        None => println!("peak memory:                     unavailable on this platform"),
    }
}
