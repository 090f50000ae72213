//! `lambdascope who-can-invoke FUNCTION[:QUALIFIER]`, a web function (or endpoint), or a
//! layer (or version): who may use it.

use anyhow::Result;

use super::{Outcome, answered, emit, emit_json, load_named, unknown_section};
use crate::cli::{Format, Global};
use crate::graph::{Grant, Graph, Invokers, Named, Path, Verdict, invoke_scopes, none_phrase};
use crate::text::sanitize;

pub fn run(global: &Global, function: &str) -> Result<Outcome> {
    let (graph, named) = load_named(global, function)?;
    let (answer, shown) = match &named {
        Named::Function(target) => {
            let answer = graph.who_can_invoke(target);
            let shown = text(&graph, target.function, target.scope.as_ref(), &answer);
            (answer, shown)
        }
        Named::Web { index, endpoint } => {
            let answer = graph.who_can_invoke_web(*index, endpoint.as_deref());
            let w = &graph.web_functions()[*index];
            let groups = w
                .endpoints
                .iter()
                .filter(|e| endpoint.as_ref().is_none_or(|n| *n == e.name))
                .map(|e| {
                    (e.name.clone(), format!("{}:{} (endpoint, AuthType {})", w.name, e.name, e.auth_type.as_str()))
                })
                .collect();
            let shown = grouped("Who can invoke", &answer, groups);
            (answer, shown)
        }
        Named::Layer { index, version } => {
            let answer = graph.who_can_use_layer(*index, *version);
            let l = &graph.layers()[*index];
            let groups = l
                .versions
                .iter()
                .filter(|v| version.is_none_or(|n| n == v.version))
                .map(|v| (v.version.to_string(), format!("{}:{} (layer version)", l.name, v.version)))
                .collect();
            let shown = grouped("Who can use", &answer, groups);
            (answer, shown)
        }
    };
    match global.format {
        Format::Json => emit_json(&answer)?,
        Format::Mermaid => emit(&diagram(&answer).mermaid())?,
        Format::Dot => emit(&diagram(&answer).dot())?,
        _ => emit(&shown)?,
    }
    Ok(answered(&answer.unread))
}

/// The answer as a graph: each scope (or endpoint, layer version) a box, each principal a
/// node, each grant an edge labelled with its actions and decision.
fn diagram(answer: &Invokers) -> super::diagram::Diagram {
    let mut d = super::diagram::Diagram::default();
    let base = answer.function.clone();
    for g in &answer.grants {
        let scope = match &g.qualifier {
            Some(q) if !base.ends_with(&format!(":{q}")) && !base.ends_with(&format!("/{q}")) => format!("{base}:{q}"),
            _ => base.clone(),
        };
        let to = d.node(&scope, true);
        let from = d.node(&g.principal, false);
        let label = format!("{} · {} · {}", g.actions.join(", "), g.path.label(), g.decision.label());
        d.edge(from, to, &label, super::diagram::Style::Decided(g.decision));
    }
    if answer.grants.is_empty() {
        d.node(&base, true);
    }
    d
}

/// An answer whose grants are filed by qualifier (endpoint, layer version), one group each.
fn grouped(question: &str, answer: &Invokers, groups: Vec<(String, String)>) -> String {
    let mut out = format!("{question} {}\n", sanitize(&answer.function));
    if groups.is_empty() {
        out.push_str(&format!(
            "\n  {}\n",
            none_phrase("nothing to invoke: no endpoints or versions", answer.unread.len())
        ));
    }
    for (qualifier, label) in groups {
        let grants = answer.grants.iter().filter(|g| g.qualifier.as_deref() == Some(&qualifier)).collect();
        out.push_str(&group_lines(&label, grants, answer.unread.len()));
    }
    out.push_str(&unknown_section(&answer.unread, &answer.unknown));
    out
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
        let grants = answer.grants.iter().filter(|g| g.scope == scope).collect();
        out.push_str(&group_lines(&label, grants, answer.unread.len()));
    }
    out.push_str(&unknown_section(&answer.unread, &answer.unknown));
    out
}

/// One scope, endpoint or layer version: its label, then its grants (or "no grants").
fn group_lines(label: &str, grants: Vec<&Grant>, unread: usize) -> String {
    let mut out = format!("\n{}\n", sanitize(label));
    if grants.is_empty() {
        out.push_str(&format!("  {}\n", none_phrase("no grants", unread)));
    }
    for g in grants {
        out.push_str(&grant_lines(g));
    }
    out
}

fn grant_lines(g: &Grant) -> String {
    let mark = super::colour::verdict(g.decision, &format!("{} {:<12}", symbol(g.decision), g.decision.label()));
    let mut out = format!("  {mark} {}\n", sanitize(&g.principal));
    let statement = g.statement_id.as_ref().map(|s| format!(" · statement {}", sanitize(s))).unwrap_or_default();
    let what = match g.path {
        Path::EventSource | Path::FunctionUrl | Path::WebEndpoint | Path::AssumedRole => {
            sanitize(&g.source).into_owned()
        }
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
