//! Hostile input stays inert and cheap: random and mutated snapshots and policies never
//! make the program panic, a refused snapshot is refused with a message saying what is
//! wrong, every answer and file written is free of raw control, bidi and separator
//! characters, and a loaded snapshot is written back in a form that loads. The suite runs a
//! few thousand inputs; `cargo bench --bench fuzz` runs 100,000 and more.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::fuzz::{Rng, Tally, assert_inert, base_policies, base_snapshot, check_policy, check_snapshot, mutate};

#[test]
fn the_base_inputs_are_valid() {
    let mut tally = Tally::default();
    check_snapshot(&base_snapshot(), &mut tally);
    assert_eq!(tally.loaded, 1, "the base snapshot must load, or the mutations test little");
    assert!(base_policies().iter().all(|p| check_policy(p)));
}

#[test]
fn mutated_snapshots_load_or_are_refused_by_name_and_stay_inert() {
    let base = base_snapshot();
    let mut rng = Rng::new(0x5eed);
    let mut tally = Tally::default();
    for _ in 0..500 {
        check_snapshot(&mutate(&mut rng, &base), &mut tally);
    }
    // Both outcomes must be exercised, or the mutations are too gentle or too harsh.
    assert!(tally.loaded > 40 && tally.refused > 40, "{tally:?}");
}

#[test]
fn mutated_and_random_policies_never_panic_and_stay_inert() {
    let mut rng = Rng::new(7);
    let bases = base_policies();
    let mut parsed = 0;
    for i in 0..3_000 {
        let text = if i % 10 == 0 {
            // Random JSON made of hostile fragments.
            (0..rng.below(30))
                .map(|_| ["{", "}", "[", "]", "\"Effect\"", ":", ",", "\"Allow\"", "\"*\"", "\u{9b}"][rng.below(10)])
                .collect()
        } else {
            mutate(&mut rng, &bases[i % bases.len()])
        };
        parsed += usize::from(check_policy(&text));
    }
    assert!(parsed > 150, "too few mutated policies parsed ({parsed}) to exercise evaluation");
}

#[test]
fn the_binary_answers_mutated_snapshots_inertly() {
    let base = base_snapshot();
    let mut rng = Rng::new(99);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzzed.json");
    let mut ran = 0;
    while ran < 12 {
        let text = mutate(&mut rng, &base);
        if lambdascope::model::Snapshot::from_json(&text).is_err() && ran % 3 != 0 {
            continue;
        }
        std::fs::write(&path, &text).unwrap();
        for args in [vec!["summary"], vec!["findings"], vec!["who-can-invoke", "alpha"], vec!["reach", "beta"]] {
            let mut all = vec!["--snapshot", path.to_str().unwrap()];
            all.extend(args.iter().copied());
            let out = support::run(&all, "");
            let code = out.status.code();
            assert!(matches!(code, Some(0 | 1 | 4)), "{args:?}: exit {code:?}");
            for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains("panicked"), "{args:?}: {text}");
                assert_inert(&text.replace('\n', " "), &format!("{args:?} {stream}"));
            }
        }
        ran += 1;
    }
}
