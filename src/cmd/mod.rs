//! Non-interactive subcommands, one file each, and what they share: loading the account
//! and printing. Errors here are `anyhow` (this is the edge).

mod can;
mod diff;
mod fetch;
mod findings;
mod invoke;
mod progress;
mod reach;
mod simulate;
mod summary;

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command, Global};
use crate::demo;
use crate::model::{Snapshot, SnapshotSource};

pub use fetch::{options as fetch_options, run as fetch};
pub use simulate::run as simulate;
pub use summary::run as summary;

/// How a command ended, mapped to the process exit status by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Some input was rejected, the rest was answered (exit 3).
    PartialInput,
    /// The account was read only in part, or an answer depends on inputs that were not
    /// read (exit 4).
    PartialSnapshot,
    /// A finding reached the `--fail-on` severity (exit 5).
    FindingsOverThreshold,
}

pub fn run(cli: &Cli) -> Result<Outcome> {
    let Some(command) = &cli.command else {
        return crate::tui::run(&cli.global);
    };
    match command {
        Command::Summary => summary(&cli.global),
        Command::Fetch { output } => fetch(&cli.global, output.as_deref()),
        Command::WhoCanInvoke { function } => invoke::run(&cli.global, function),
        Command::Reach { function, all } => reach::run(&cli.global, function, *all),
        Command::Can { principal, action, resource, context } => {
            can::run(&cli.global, principal, action, resource, context)
        }
        Command::Diff { old, new } => diff::run(&cli.global, old, new),
        Command::Findings { min_severity, fail_on } => findings::run(&cli.global, min_severity, fail_on.as_deref()),
        Command::WhoCanReach { action, resource } => reach::run_reverse(&cli.global, action, resource),
        Command::Simulate { file } => simulate(file, cli.global.format),
    }
}

/// The account the command works on: `--demo`, `--snapshot FILE`, or the live account.
pub fn load_account(global: &Global) -> Result<(Snapshot, SnapshotSource)> {
    if global.demo {
        let snap = Snapshot::from_json(demo::JSON).context("the embedded demo account is invalid")?;
        return Ok((snap, SnapshotSource::Demo));
    }
    match &global.snapshot {
        Some(path) => Ok((load_file(path)?, SnapshotSource::File(path.display().to_string()))),
        None => {
            let fetched = fetch::live(&global.aws)?;
            Ok((fetched.snapshot, SnapshotSource::Live))
        }
    }
}

/// The account as a permission graph.
pub fn load_graph(global: &Global) -> Result<crate::graph::Graph> {
    let (snapshot, _) = load_account(global)?;
    Ok(crate::graph::Graph::build(snapshot))
}

/// The graph an answer about one function needs: on a live account (without `--full`)
/// only that function, its execution roles and the account's principals are read.
pub fn load_graph_for(global: &Global, function: &str) -> Result<crate::graph::Graph> {
    if global.demo || global.snapshot.is_some() || global.aws.full {
        return load_graph(global);
    }
    let fetched = fetch::live_function(&global.aws, function)?;
    Ok(crate::graph::Graph::build(fetched.snapshot))
}

/// JSON for scripts: one document, one line.
pub fn emit_json<T: serde::Serialize>(value: &T) -> Result<()> {
    emit(&(crate::text::json(value).context("cannot encode the answer")? + "\n"))
}

pub fn load_file(path: &Path) -> Result<Snapshot> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read snapshot {}", path.display()))?;
    Snapshot::from_json(&text).with_context(|| format!("cannot load snapshot {}", path.display()))
}

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes command output to stdout. A closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("cannot write output"),
        _ => Ok(()),
    }
}

/// The "Unknown" section of an answer: the inputs it depends on that were not read
/// (counted: they make the answer partial), then what the snapshot cannot show at all.
pub fn unknown_section(unread: &[String], unknown: &[String]) -> String {
    if unread.is_empty() && unknown.is_empty() {
        return String::new();
    }
    let mut out = match unread.len() {
        0 => String::from("\nUnknown\n"),
        1 => String::from("\nUnknown: 1 input unread\n"),
        n => format!("\nUnknown: {n} inputs unread\n"),
    };
    for u in unread.iter().chain(unknown) {
        out.push_str(&format!("  ? {}\n", crate::text::sanitize(u)));
    }
    out
}

/// How an answer ends: partial (exit 4) when an input it depends on was not read.
pub fn answered(unread: &[String]) -> Outcome {
    if unread.is_empty() { Outcome::Success } else { Outcome::PartialSnapshot }
}
