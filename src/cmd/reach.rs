//! `lambdascope reach FUNCTION` and `lambdascope who-can-reach ACTION RESOURCE`.

use anyhow::Result;

use super::{Outcome, answered, emit, emit_json, load_graph, load_named, unknown_section};
use crate::cli::{Format, Global};
use crate::graph::{Named, Reach, ServiceReach, WebReach, WhoCanReach, none_phrase};
use crate::text::sanitize;

/// Past this many services a role is summarised rather than listed (`--all` lists).
const BROAD: usize = 25;

/// Room for action names on one line of a 100-column terminal.
const LINE: usize = 60;

/// How many names fit on one line (at least one).
fn fitting(names: &[String]) -> usize {
    let mut width = 0;
    names
        .iter()
        .take_while(|n| {
            width += n.len() + 2;
            width <= LINE
        })
        .count()
        .max(1)
        .min(names.len())
}

pub fn run(global: &Global, function: &str, all: bool) -> Result<Outcome> {
    let (graph, named) = load_named(global, function)?;
    match named {
        Named::Function(target) => {
            let answer = graph.reach(&target);
            match global.format {
                Format::Json => emit_json(&answer)?,
                Format::Mermaid => emit(&diagram(&answer).mermaid())?,
                Format::Dot => emit(&diagram(&answer).dot())?,
                _ => emit(&text(&answer, all))?,
            }
            Ok(answered(&answer.unread))
        }
        Named::Web { index, .. } => {
            let answer = graph.web_reach(index);
            match global.format {
                Format::Json => emit_json(&answer)?,
                _ => emit(&web_text(&answer, all))?,
            }
            Ok(answered(&answer.unread))
        }
        Named::Layer { .. } => {
            anyhow::bail!(
                "a layer reaches nothing by itself: its code runs with the role of each function that uses it"
            )
        }
    }
}

/// The reach as a graph: the function, its role, each service it reaches (actions and
/// resources), and each role chain step.
fn diagram(r: &Reach) -> super::diagram::Diagram {
    use super::diagram::Style;
    let mut d = super::diagram::Diagram::default();
    let function = d.node(&r.function, true);
    let role = d.node(&r.role_arn, false);
    d.edge(function, role, "runs as", Style::Decided(crate::graph::Verdict::Allowed));
    if r.everything {
        let all = d.node("every action on every resource", false);
        d.edge(role, all, "allows", Style::Decided(crate::graph::Verdict::Allowed));
    }
    for s in r.services.iter().filter(|_| !r.everything) {
        let target = d.node(&format!("{} on {}", s.service, s.resources.join(", ")), false);
        let conditional = s.levels.iter().flat_map(|l| &l.actions).any(|a| a.conditional);
        let v = if conditional { crate::graph::Verdict::Conditional } else { crate::graph::Verdict::Allowed };
        d.edge(role, target, &format!("{} of {} actions", s.allowed, s.total), Style::Decided(v));
    }
    for c in &r.chains {
        let mut from = role;
        for h in &c.hops {
            let to = d.node(&h.to, false);
            let label = format!("sts:AssumeRole (trust {})", h.trust_statement.as_deref().unwrap_or("?"));
            d.edge(from, to, &label, Style::Chain);
            from = to;
        }
    }
    d
}

/// A web function's reach: each serving revision's role, in turn.
fn web_text(r: &WebReach, all: bool) -> String {
    let mut out = format!("What {} can reach, by revision\n", sanitize(&r.web_function));
    if r.revisions.is_empty() {
        out.push_str(&format!("  {}\n", none_phrase("nothing: no revisions", r.unread.len())));
    }
    for rev in &r.revisions {
        let serves = if rev.serves.is_empty() { "no endpoint".to_string() } else { rev.serves.join(", ") };
        out.push_str(&format!("\nrevision {} · serves {}\n", sanitize(&rev.revision), sanitize(&serves)));
        match &rev.reach {
            Some(reach) => {
                // The role's own answer, without its header or unknowns (listed once below).
                let one = Reach { unread: Vec::new(), unknown: Vec::new(), ..reach.clone() };
                let body = text(&one, all);
                for line in body.lines().skip(1) {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
            }
            None => out.push_str("  its execution role was not read (see Unknown)\n"),
        }
    }
    out.push_str(&unknown_section(&r.unread, &r.unknown));
    out
}

pub fn run_reverse(global: &Global, action: &str, resource: &str) -> Result<Outcome> {
    let graph = load_graph(global)?;
    let answer = graph.who_can_reach(action, resource);
    match global.format {
        Format::Json => emit_json(&answer)?,
        _ => emit(&reverse_text(&answer))?,
    }
    Ok(answered(&answer.unread))
}

fn text(r: &Reach, all: bool) -> String {
    let mut out = format!("What {} can reach\n", sanitize(&r.function));
    out.push_str(&format!("  role      {}\n", sanitize(&r.role_arn)));
    out.push_str(&format!("  boundary  {}\n", r.boundary_arn.as_deref().map(sanitize).unwrap_or("none".into())));
    if r.everything {
        out.push_str("\n  EVERY action of every service, on every resource (an administrator role)\n");
        out.push_str("  still, a KMS key's own key policy and a role's trust policy must let it in\n");
    } else if r.services.is_empty() {
        let nothing = none_phrase("nothing: no statement allows any action", r.unread.len());
        out.push_str(&format!("\n  {nothing}\n"));
    }
    if !r.everything && r.services.len() > BROAD && !all {
        out.push_str(&broad_lines(r));
    } else if !r.everything {
        for s in &r.services {
            out.push_str(&service_lines(s, all));
        }
    }
    for line in &r.guardrails {
        out.push_str(&format!("\n  {}", sanitize(line)));
    }
    if !r.guardrails.is_empty() {
        out.push('\n');
    }
    if !r.denied.is_empty() {
        let shown: Vec<&str> = r.denied.iter().take(12).map(String::as_str).collect();
        let more = r.denied.len().saturating_sub(shown.len());
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        out.push_str(&format!("\n  denied everywhere: {}{more}\n", shown.join(", ")));
    }
    if !r.chains.is_empty() {
        out.push_str(&format!(
            "\n  role chains (sts:AssumeRole, up to {} hops; each hop's trust policy lets the role in):\n",
            crate::graph::MAX_HOPS
        ));
        for c in &r.chains {
            let path: Vec<String> = c
                .hops
                .iter()
                .map(|h| {
                    let mark = if h.decision == crate::graph::Verdict::Allowed { "" } else { " (conditional)" };
                    format!("assumes {} (trust statement {}){mark}", h.to, h.trust_statement.as_deref().unwrap_or("?"))
                })
                .collect();
            let adds = if c.everything {
                "every action on every resource".to_string()
            } else if c.adds.is_empty() {
                "nothing more".to_string()
            } else {
                c.adds.iter().take(6).cloned().collect::<Vec<_>>().join(", ")
                    + &if c.adds.len() > 6 {
                        format!(", … {} more services", c.adds.len() - 6)
                    } else {
                        String::new()
                    }
            };
            out.push_str(&format!("    -> {}\n       adds {}\n", sanitize(&path.join(" -> ")), sanitize(&adds)));
        }
    }
    for (guardrail, label) in [(false, "with conditions"), (true, "SCP statements with conditions")] {
        let conditional: Vec<&str> = r
            .statements
            .iter()
            .filter(|s| !s.conditions.is_empty() && s.guardrail == guardrail)
            .map(|s| s.source.as_str())
            .collect();
        if !conditional.is_empty() {
            out.push_str(&format!("\n  {label}: {}\n", sanitize(&conditional.join("; "))));
        }
    }
    out.push_str(&unknown_section(&r.unread, &r.unknown));
    out
}

/// A role that reaches most of AWS (`NotAction`, `service:*` lists): totals, and the
/// services it reaches only in part or not at all.
fn broad_lines(r: &Reach) -> String {
    let catalog = crate::catalog::Catalog::embedded();
    let allowed: usize = r.services.iter().map(|s| s.allowed).sum();
    let resources: std::collections::BTreeSet<&str> =
        r.services.iter().flat_map(|s| s.resources.iter().map(String::as_str)).collect();
    let mut out = format!(
        "\n  {allowed} of {} actions in {} of {} services, on {}\n",
        catalog.actions.len(),
        r.services.len(),
        catalog.services.len(),
        sanitize(&resources.into_iter().collect::<Vec<_>>().join(", "))
    );
    let partial: Vec<String> = r
        .services
        .iter()
        .filter(|s| s.allowed < s.total)
        .map(|s| format!("{} {}/{}", s.service, s.allowed, s.total))
        .collect();
    let excluded: Vec<&str> = catalog
        .services
        .iter()
        .filter(|c| !r.services.iter().any(|s| s.service == c.prefix))
        .map(|c| c.prefix.as_str())
        .collect();
    if !partial.is_empty() {
        out.push_str(&format!("  in part: {}\n", partial.join(", ")));
    }
    if !excluded.is_empty() {
        out.push_str(&format!("  not at all: {}\n", excluded.join(", ")));
    }
    out.push_str("  (--all lists every service)\n");
    out
}

fn service_lines(s: &ServiceReach, all: bool) -> String {
    let levels: Vec<String> =
        s.levels.iter().map(|l| format!("{} {}/{}", l.level.label(), l.allowed, l.total)).collect();
    let mut out = format!("\n  {:<18} {} of {} actions · {}\n", s.service, s.allowed, s.total, levels.join(" · "));
    out.push_str(&format!("      on {}\n", sanitize(&s.resources.join(", "))));
    if let Some(needs) = &s.requires {
        out.push_str(&format!("      needs {}\n", sanitize(needs)));
    }
    for l in s.levels.iter().filter(|l| !l.actions.is_empty()) {
        let names: Vec<String> = l
            .actions
            .iter()
            .map(|a| {
                let name = a.action.split_once(':').map_or(a.action.as_str(), |(_, n)| n);
                if a.conditional { format!("{name} (conditional)") } else { name.to_string() }
            })
            .collect();
        let shown = if all { names.len() } else { fitting(&names) };
        let more = names.len() - shown;
        let tail = if more > 0 { format!(", … {more} more (--all)") } else { String::new() };
        out.push_str(&format!("      {:<23} {}{tail}\n", l.level.label(), names[..shown].join(", ")));
    }
    out
}

fn reverse_text(r: &WhoCanReach) -> String {
    let mut out = format!("Functions whose role allows {} on {}\n", sanitize(&r.action), sanitize(&r.resource));
    if r.roles.is_empty() {
        out.push_str(&format!("  {}\n", none_phrase("none", r.unread.len())));
    }
    for row in &r.roles {
        let mark = if row.decision == crate::policy::Decision::Allowed { "✔ allowed    " } else { "? conditional" };
        out.push_str(&format!("  {mark} {}\n", sanitize(&row.functions.join(", "))));
        out.push_str(&format!("      role {}\n", sanitize(&row.role)));
        for s in &row.statements {
            out.push_str(&format!("      by {}\n", sanitize(s)));
        }
        if row.decision != crate::policy::Decision::Allowed {
            for reason in &row.reasons {
                out.push_str(&format!("      {}\n", sanitize(reason)));
            }
        }
    }
    out.push_str(&unknown_section(&r.unread, &r.unknown));
    out
}
