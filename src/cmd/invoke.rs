//! `lambdascope who-can-invoke FUNCTION[:QUALIFIER]`.

use anyhow::Result;

use super::{Outcome, answered, emit, emit_json, load_graph_for, unknown_section};
use crate::cli::{Format, Global};
use crate::graph::{Grant, Graph, Invokers, Path, Verdict, invoke_scopes, none_phrase};
use crate::text::sanitize;

pub fn run(global: &Global, function: &str) -> Result<Outcome> {
    let graph = load_graph_for(global, function)?;
    let target = graph.lookup(function)?;
    let answer = graph.who_can_invoke(&target);
    match global.format {
        Format::Json => emit_json(&answer)?,
        Format::Text => emit(&text(&graph, target.function, target.scope.as_ref(), &answer))?,
    }
    Ok(answered(&answer.unread))
}

pub fn symbol(v: Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "✔",
        Verdict::Conditional => "?",
        Verdict::Denied => "✖",
    }
}

fn text(graph: &Graph, function: usize, only: Option<&crate::model::Scope>, answer: &Invokers) -> String {
    let f = graph.function(function);
    let mut out = format!("Who can invoke {}\n", sanitize(&answer.function));
    for (scope, label) in invoke_scopes(f) {
        if only.is_some_and(|o| *o != scope) {
            continue;
        }
        out.push_str(&format!("\n{}\n", sanitize(&label)));
        let grants: Vec<&Grant> = answer.grants.iter().filter(|g| g.scope == scope).collect();
        if grants.is_empty() {
            out.push_str(&format!("  {}\n", none_phrase("no grants", answer.unread.len())));
        }
        for g in grants {
            out.push_str(&grant_lines(g));
        }
    }
    out.push_str(&unknown_section(&answer.unread, &answer.unknown));
    out
}

fn grant_lines(g: &Grant) -> String {
    let mut out = format!("  {} {:<12} {}\n", symbol(g.decision), g.decision.label(), sanitize(&g.principal));
    let statement = g.statement_id.as_ref().map(|s| format!(" · statement {}", sanitize(s))).unwrap_or_default();
    let what = match g.path {
        Path::EventSource | Path::FunctionUrl => sanitize(&g.source).into_owned(),
        Path::IdentityPolicy => format!("{} in {}", g.actions.join(", "), sanitize(&g.source)),
        Path::ResourcePolicy => g.actions.join(", "),
    };
    out.push_str(&format!("                 {} · {} · {what}{statement}\n", g.principal_kind.label(), g.path.label()));
    for c in &g.conditions {
        let lead = if g.decision == Verdict::Denied { "because " } else { "" };
        out.push_str(&format!("                 {lead}{}\n", sanitize(c)));
    }
    out
}
