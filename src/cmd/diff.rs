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
        _ => emit(&(text(&d, unread.len()) + &unknown_section(&unread, &[])))?,
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
    // By cause: each changed role policy, with what it grants and every function it reaches.
    let mut lines = Vec::new();
    for c in &d.policy_changes {
        lines.push(format!("role {} · {}", c.role, c.policy));
        lines.extend(c.added.iter().map(|s| format!("  + {s}")));
        lines.extend(c.removed.iter().map(|s| format!("  - {s}")));
        if !c.grants.is_empty() {
            lines.push(format!("  grants {}", c.grants.join(", ")));
        }
        lines.push(format!("  affects {} functions: {}", c.functions.len(), c.functions.join(", ")));
    }
    section("Role policies changed", lines);
    let mut lines = Vec::new();
    for c in &d.statement_changes {
        let sign = if c.added { "+" } else { "-" };
        let sid = c.statement_id.as_deref().map(|s| format!(" statement {s}")).unwrap_or_default();
        lines.push(format!("{sign} {}{sid}: {}", c.source, c.grants.join(", ")));
    }
    section("Resource-policy statements", lines);
    // Grants no statement explains (URLs, mappings, identity policies), one by one.
    let loose = |list: &[graph::GrantChange], sign: &str| -> Vec<String> {
        list.iter().filter(|g| g.statement_id.is_none()).map(|g| grant(sign, g)).collect()
    };
    section("Invokers added", loose(&d.invokers_added, "+"));
    section("Invokers removed", loose(&d.invokers_removed, "-"));
    // Reach, grouped: the same change on one role is one line, with every function.
    let grouped = |list: &[graph::ReachChange], sign: &str| -> Vec<String> {
        let mut by: std::collections::BTreeMap<(String, Vec<String>, Vec<String>), Vec<String>> = Default::default();
        for r in list {
            by.entry((r.role_arn.clone(), r.actions.clone(), r.resources.clone()))
                .or_default()
                .push(r.function.clone());
        }
        by.into_iter()
            .flat_map(|((role, actions, resources), functions)| {
                let mut shown: Vec<String> = actions.iter().take(10).cloned().collect();
                if actions.len() > 10 {
                    shown.push(format!("… {} more (JSON lists all)", actions.len() - 10));
                }
                shown.extend(resources.iter().map(|x| format!("resources {x}")));
                [
                    format!("{sign} role {role}: {}", shown.join(", ")),
                    format!("    {} functions: {}", functions.len(), functions.join(", ")),
                ]
            })
            .collect()
    };
    section("Reach gained", grouped(&d.reach_gained, "+"));
    section("Reach lost", grouped(&d.reach_lost, "-"));
    // The same finding on many functions (a shared role's) is one line with every function.
    let findings = |list: &[graph::Finding], sign: &str| -> Vec<String> {
        let mut by: std::collections::BTreeMap<(std::cmp::Reverse<graph::Severity>, &str, &str), Vec<String>> =
            Default::default();
        for f in list {
            let at = f.qualifier.as_ref().map_or(f.function.clone(), |q| format!("{}:{q}", f.function));
            by.entry((std::cmp::Reverse(f.severity), f.id, f.title.as_str())).or_default().push(at);
        }
        by.into_iter()
            .map(|((severity, id, title), at)| format!("{sign} {} {id} {}: {title}", severity.0.label(), at.join(", ")))
            .collect()
    };
    section("Findings introduced", findings(&d.findings_introduced, "+"));
    section("Findings resolved", findings(&d.findings_resolved, "-"));
    out
}
