//! The long run of the robustness checks in `tests/fuzz_inputs.rs`: 100,000 mutated
//! snapshots and 100,000 mutated or random policies by default (LAMBDASCOPE_FUZZ_CASES sets
//! another count, LAMBDASCOPE_FUZZ_SEED another seed). Nothing may panic, every refusal
//! must name what is wrong, and no output may carry a raw unsafe character. Run with
//! `cargo bench --bench fuzz`.

#[path = "../support/mod.rs"]
mod support;

use std::time::Instant;

use support::fuzz::{Rng, Tally, base_policies, base_snapshot, check_policy, check_snapshot, mutate};

fn main() {
    let env = |k: &str, d: u64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let cases = env("LAMBDASCOPE_FUZZ_CASES", 100_000) as usize;
    let mut rng = Rng::new(env("LAMBDASCOPE_FUZZ_SEED", 2026));
    let base = base_snapshot();
    let started = Instant::now();
    let mut tally = Tally::default();
    for _ in 0..cases {
        check_snapshot(&mutate(&mut rng, &base), &mut tally);
    }
    let snapshots = started.elapsed();
    let bases = base_policies();
    let started = Instant::now();
    let mut parsed = 0;
    for i in 0..cases {
        parsed += usize::from(check_policy(&mutate(&mut rng, &bases[i % bases.len()])));
    }
    println!(
        "{cases} mutated snapshots in {:.1} s: {} loaded and answered, {} refused with a message; no panic, nothing raw",
        snapshots.as_secs_f64(),
        tally.loaded,
        tally.refused
    );
    println!(
        "{cases} mutated policies in {:.1} s: {parsed} parsed and evaluated, {} refused; no panic, nothing raw",
        started.elapsed().as_secs_f64(),
        cases - parsed
    );
}
