//! `lambdascope diff OLD NEW`.

use std::path::Path;

use anyhow::Result;

use super::{Outcome, answered, emit, emit_json, load_file, unknown_section};
use crate::cli::{Format, Global};
use crate::graph::{self, Diff, Graph};
use crate::text::sanitize;

pub fn run(global: &Global, old: &Path, new: &Path) -> Result<Outcome> {
    let (a, b) = (load_file(old)?, load_file(new)?);
    if a.account_id != b.account_id {
        eprintln!("lambdascope: warning: comparing different accounts ({} and {})", a.account_id, b.account_id);
    }
    let (a, b) = (Graph::build(a), Graph::build(b));
    let d = graph::diff(&a, &b);
    // A change hidden behind an unread input cannot be seen: say which inputs, in either.
    let unread: Vec<String> = [("before", &a), ("after", &b)]
        .iter()
        .flat_map(|(when, g)| g.account_unread().into_iter().map(move |u| format!("{when}: {u}")))
        .collect();
    match global.format {
        Format::Json => {
            let mut value = serde_json::to_value(&d)?;
            value["unread"] = serde_json::json!(unread);
            emit_json(&value)?
        }
        Format::Text => emit(&(text(&d, unread.len()) + &unknown_section(&unread, &[])))?,
    }
    Ok(answered(&unread))
}

fn text(d: &Diff, unread: usize) -> String {
    if d.is_empty() {
        return format!("{}\n", graph::none_phrase("no changes", unread));
    }
    let mut out = String::new();
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("{title}\n"));
            for l in lines {
                out.push_str(&format!("  {}\n", sanitize(&l)));
            }
        }
    };
    section("Functions added", d.functions_added.clone());
    section("Functions removed", d.functions_removed.clone());
    let grant = |sign: &str, g: &graph::GrantChange| {
        let at = g.qualifier.as_ref().map_or(g.function.clone(), |q| format!("{}:{q}", g.function));
        let at = match g.subject {
            graph::Subject::Function => at,
            graph::Subject::WebFunction => format!("web function {at}"),
            graph::Subject::Layer => format!("layer {at}"),
        };
        format!(
            "{sign} {at}: {} via {} ({}{})",
            g.principal,
            g.path.label(),
            g.decision.label(),
            g.statement_id.as_ref().map(|s| format!(", statement {s}")).unwrap_or_default()
        )
    };
    section("Invokers added", d.invokers_added.iter().map(|g| grant("+", g)).collect());
    section("Invokers removed", d.invokers_removed.iter().map(|g| grant("-", g)).collect());
    let reach = |sign: &str, r: &graph::ReachChange| {
        let mut shown: Vec<String> = r.actions.iter().take(10).cloned().collect();
        if r.actions.len() > 10 {
            shown.push(format!("… {} more", r.actions.len() - 10));
        }
        shown.extend(r.resources.iter().map(|x| format!("resources {x}")));
        format!("{sign} {}: {}", r.function, shown.join(", "))
    };
    section("Reach gained", d.reach_gained.iter().map(|r| reach("+", r)).collect());
    section("Reach lost", d.reach_lost.iter().map(|r| reach("-", r)).collect());
    let finding =
        |sign: &str, f: &graph::Finding| format!("{sign} {} {} {}: {}", f.severity.label(), f.id, f.function, f.title);
    section("Findings introduced", d.findings_introduced.iter().map(|f| finding("+", f)).collect());
    section("Findings resolved", d.findings_resolved.iter().map(|f| finding("-", f)).collect());
    out
}
