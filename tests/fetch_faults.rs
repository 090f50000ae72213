//! A crawl that loses nothing: moto behind the fault-injecting proxy (`support/proxy.rs`),
//! which throttles each quota class at half of what the crawl asks for and answers 5xx,
//! drops connections and answers late at seeded rates. The snapshot read through it must
//! equal a fault-free read of the same server, with no gap; and what is still failing
//! when `--max-time` passes must become a gap, promptly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use lambdascope::model::{GapReason, Snapshot};
use serde_json::Value;
use support::moto::Moto;
use support::proxy::{Class, Config, Proxy};

/// `lambdascope fetch` against `endpoint` with extra flags: (exit code, snapshot, stderr).
fn fetch(endpoint: &str, flags: &[&str]) -> (Option<i32>, Snapshot, String) {
    let out = support::bin().args(["fetch", "--endpoint-url", endpoint]).args(flags).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let snap = Snapshot::from_json(&String::from_utf8_lossy(&out.stdout))
        .unwrap_or_else(|e| panic!("no snapshot ({e}); stderr: {stderr}"));
    (out.status.code(), snap, stderr)
}

/// The snapshot as JSON with the fields that differ between two reads of one account blanked.
fn comparable(snap: &Snapshot) -> Value {
    let mut v: Value = serde_json::from_str(&snap.to_json()).unwrap();
    v["taken_at"] = Value::Null;
    v
}

const UNPACED: [&str; 6] = ["--policy-rate", "0", "--lambda-rate", "0", "--iam-rate", "0"];

#[test]
fn a_throttled_faulty_crawl_loses_nothing() {
    let Some(moto) = Moto::start("a_throttled_faulty_crawl_loses_nothing") else { return };
    moto.seed(&["--bulk", "24"]);
    let (code, clean, stderr) = fetch(&moto.endpoint, &UNPACED);
    assert_eq!(code, Some(0), "the fault-free read is complete: {stderr}");
    assert_eq!(clean.functions.len(), 34);

    // The crawl asks for 40/s in each class; the proxy leaves it 20/s, and misbehaves.
    let config =
        Config { rates: [20.0, 20.0, 20.0], ..Config::aws_quota(1.0) }.with_faults(Duration::from_millis(300), 7);
    let proxy = Proxy::start(&moto.endpoint, config);
    let flags = ["--policy-rate", "40", "--lambda-rate", "40", "--iam-rate", "40"];
    let (code, faulty, stderr) = fetch(&proxy.endpoint, &flags);
    assert!(faulty.gaps.is_empty(), "{:?}\n{stderr}", faulty.gaps);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(comparable(&faulty), comparable(&clean), "the faulty read differs from the clean one");

    // The faults really happened, and each was read again.
    let throttled: u64 = [Class::LambdaPolicy, Class::Lambda, Class::Iam].iter().map(|c| proxy.throttled(*c)).sum();
    let stats = &proxy.stats;
    let (errors, resets) =
        (support::proxy::Stats::get(&stats.server_errors), support::proxy::Stats::get(&stats.resets));
    assert!(throttled > 0 && errors > 0 && resets > 0, "throttled {throttled}, 5xx {errors}, resets {resets}");
    assert!(stderr.contains(&format!("{throttled} throttling answers")), "{stderr}");
}

#[test]
fn what_is_still_unread_at_the_deadline_becomes_a_gap() {
    let Some(moto) = Moto::start("what_is_still_unread_at_the_deadline_becomes_a_gap") else { return };
    moto.seed(&[]);
    // Reading policies is all but closed: one request every 20 s.
    let proxy = Proxy::start(&moto.endpoint, Config { rates: [0.05, 0.0, 0.0], ..Config::aws_quota(1.0) });
    let started = Instant::now();
    let mut flags = UNPACED.to_vec();
    flags.extend(["--max-time", "3s"]);
    let (code, snap, stderr) = fetch(&proxy.endpoint, &flags);
    let took = started.elapsed();
    assert_eq!(code, Some(4), "{stderr}");
    assert!(took < Duration::from_secs(15), "the deadline was not kept: {took:?}");
    assert_eq!(snap.functions.len(), 10, "what was read is kept");
    let policy_gaps: Vec<_> = snap.gaps.iter().filter(|g| g.operation == "lambda:GetResourcePolicy").collect();
    // Every scope but the one the bucket's first token let through.
    assert!(policy_gaps.len() >= 12, "{:?}", snap.gaps);
    for g in &policy_gaps {
        assert!(matches!(g.reason, GapReason::Throttled | GapReason::Deadline), "{g:?}");
        assert!(g.message.contains("--max-time 3s"), "{g:?}");
    }
    assert!(stderr.contains("partial"), "{stderr}");
}
