//! Benchmark of the terminal UI on a generated 10,000-function account (or
//! LAMBDASCOPE_BENCH_FUNCTIONS): time to the first frame, loading, one render of each view,
//! one filter keystroke, and peak memory. Run with `cargo bench --bench tui`.

#[path = "memory.rs"]
mod memory;

use std::time::{Duration, Instant};

use lambdascope::demo::synthetic;
use lambdascope::tui::app::{Action, App, Loaded, ViewKind};
use lambdascope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) -> Duration {
    let t = Instant::now();
    terminal.draw(|f| view::draw(f, app)).unwrap_or_else(|e| panic!("{e}"));
    t.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let n: usize = std::env::var("LAMBDASCOPE_BENCH_FUNCTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let mut app = App::new("bench");
    draw(&mut terminal, &app);
    println!("first frame (before any data):   {:.2?}", t.elapsed());

    let snapshot = synthetic(n, 42);
    let t = Instant::now();
    let loaded = Loaded::new(snapshot);
    let load = t.elapsed();
    app.update(Action::Loaded(Box::new(loaded)));
    let first = draw(&mut terminal, &app);
    println!("load {n} functions (graph, findings, rows): {load:.2?}; first full frame {first:.2?}");

    let mut report = |name: &str, app: &mut App, setup: &dyn Fn(&mut App)| {
        setup(app);
        let samples: Vec<Duration> = (0..5).map(|_| draw(&mut terminal, app)).collect();
        println!("render {name:<22} median {:.2?}", median(samples));
    };
    report("functions", &mut app, &|_| {});
    report("function invokers", &mut app, &|a| {
        a.update(Action::Open);
    });
    for tab in ["reach", "policies", "findings"] {
        report(&format!("function {tab}"), &mut app, &|a| {
            a.update(Action::NextTab);
        });
    }
    for (name, kind) in [
        ("roles", ViewKind::Roles),
        ("principals", ViewKind::Principals),
        ("findings", ViewKind::Findings),
        ("gaps", ViewKind::Gaps),
        ("help", ViewKind::Help),
    ] {
        report(name, &mut app, &|a| {
            a.update(Action::Goto(kind));
        });
    }
    app.update(Action::Goto(ViewKind::Functions));
    app.update(Action::StartFilter);
    let mut keystrokes = Vec::new();
    for c in "fn-12".chars() {
        let t = Instant::now();
        app.update(Action::InputChar(c));
        draw(&mut terminal, &app);
        keystrokes.push(t.elapsed());
    }
    println!(
        "filter keystroke (update + frame): median {:.2?}, worst {:.2?} ({} matches)",
        median(keystrokes.clone()),
        keystrokes.iter().max().copied().unwrap_or_default(),
        app.visible.len()
    );
    match memory::peak_mib() {
        Some(mib) => println!("peak memory (VmHWM):             {mib:.0} MiB"),
        None => println!("peak memory:                     unavailable on this platform"),
    }
}
