//! Non-interactive subcommands, one file each, and what they share: loading the account
//! and printing. Errors here are `anyhow` (this is the edge).

mod cache;
mod can;
mod colour;
mod csv;
mod diagram;
mod diff;
mod fetch;
mod findings;
mod invoke;
mod progress;
mod reach;
mod sarif;
mod simulate;
mod summary;

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::{Command, Format, Global};
use crate::model::{Snapshot, SnapshotSource};
use crate::source::Source;

pub use fetch::{merge, run as fetch};
pub use simulate::run as simulate;
pub use summary::run as summary;

pub use crate::outcome::Outcome;

/// The formats each command writes, beyond text and JSON.
fn formats_of(command: &Command) -> &'static [Format] {
    match command {
        Command::Findings { .. } => &[Format::Sarif, Format::Csv],
        Command::Summary => &[Format::Csv],
        Command::WhoCanInvoke { .. } | Command::Reach { .. } => &[Format::Mermaid, Format::Dot],
        _ => &[],
    }
}

/// Runs one command.
pub fn run(command: &Command, global: &Global) -> Result<Outcome> {
    colour::init(global.color);
    let more = formats_of(command);
    if !matches!(global.format, Format::Text | Format::Json) && !more.contains(&global.format) {
        let fits: Vec<&str> = ["text", "json"].into_iter().chain(more.iter().map(|f| f.name())).collect();
        return Err(crate::cli::UsageError(format!(
            "--format {} does not fit this command (it writes: {})",
            global.format.name(),
            fits.join(", ")
        ))
        .into());
    }
    match command {
        Command::Summary => summary(global),
        Command::Fetch { output } => fetch(global, output.as_deref()),
        Command::WhoCanInvoke { function } => invoke::run(global, function),
        Command::Reach { function, all } => reach::run(global, function, *all),
        Command::Can { principal, action, resource, context } => can::run(global, principal, action, resource, context),
        Command::Diff { old, new } => diff::run(global, old, new),
        Command::Findings { min_severity, fail_on } => findings::run(global, min_severity, fail_on.as_deref()),
        Command::WhoCanReach { action, resource } => reach::run_reverse(global, action, resource),
        Command::Simulate { file } => simulate(file, global.format),
        Command::Cache { action } => cache::run(global, action),
        Command::Merge { parts, output } => merge(parts, output.as_deref()),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(
                *shell,
                &mut <crate::cli::Cli as clap::CommandFactory>::command(),
                "lambdascope",
                &mut out,
            );
            emit(&String::from_utf8_lossy(&out))?;
            Ok(Outcome::Success)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<crate::cli::Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .context("cannot render the manual page")?;
            emit(&String::from_utf8_lossy(&out))?;
            Ok(Outcome::Success)
        }
    }
}

/// The account the command works on: `--demo`, `--snapshot FILE`, or the live account.
pub fn load_account(global: &Global) -> Result<(Snapshot, SnapshotSource)> {
    let source = Source::from_args(global.demo, global.snapshot.as_deref(), &global.aws);
    match source.stored() {
        Some(stored) => Ok((stored?, source.origin())),
        None => Ok((fetch::live(&global.aws)?.snapshot, source.origin())),
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
    if global.demo || global.snapshot.is_some() || global.aws.full || global.aws.spans_several() {
        return load_graph(global);
    }
    let fetched = fetch::live_function(&global.aws, function)?;
    Ok(crate::graph::Graph::build(fetched.snapshot))
}

/// The graph and the function, web function or layer the user named. Live, a function is
/// read alone; a web function or layer (which a one-function read does not see) takes the
/// whole account.
pub fn load_named(global: &Global, text: &str) -> Result<(crate::graph::Graph, crate::graph::Named)> {
    let kind_in_arn = ["web-function/", ":layer:"].iter().any(|k| text.starts_with("arn:") && text.contains(k));
    let graph = if kind_in_arn { load_graph(global)? } else { load_graph_for(global, text)? };
    match graph.find(text) {
        Err(crate::graph::LookupError::NoFunction { .. })
            if !(global.demo || global.snapshot.is_some() || global.aws.full || kind_in_arn) =>
        {
            let graph = load_graph(global)?;
            let named = graph.find(text)?;
            Ok((graph, named))
        }
        found => {
            let named = found?;
            Ok((graph, named))
        }
    }
}

/// JSON for scripts: one document, one line.
pub fn emit_json<T: serde::Serialize>(value: &T) -> Result<()> {
    emit(&(crate::text::json(value).context("cannot encode the answer")? + "\n"))
}

pub fn load_file(path: &Path) -> Result<Snapshot> {
    Ok(crate::source::load_file(path)?)
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
