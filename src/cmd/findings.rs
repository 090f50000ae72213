//! `lambdascope findings [--min-severity S] [--fail-on S]`.

use anyhow::{Result, anyhow};

use super::{Outcome, emit, emit_json, load_graph};
use crate::cli::{Format, Global};
use crate::graph::{Finding, Severity};
use crate::text::sanitize;

pub fn run(global: &Global, min: &str, fail_on: Option<&str>) -> Result<Outcome> {
    let min: Severity = min.parse().map_err(|e: String| anyhow!(e))?;
    let fail_on: Option<Severity> = fail_on.map(str::parse).transpose().map_err(|e: String| anyhow!(e))?;
    let graph = load_graph(global)?;
    let all = graph.findings();
    let shown: Vec<&Finding> = all.iter().filter(|f| f.severity >= min).collect();
    match global.format {
        Format::Json => emit_json(&shown)?,
        Format::Text => emit(&text(&shown))?,
    }
    let failed = fail_on.is_some_and(|t| all.iter().any(|f| f.severity >= t));
    Ok(if failed { Outcome::FindingsOverThreshold } else { Outcome::Success })
}

/// Findings as text. The same finding on several functions (a shared role's) prints once
/// with every function it concerns.
fn text(findings: &[&Finding]) -> String {
    if findings.is_empty() {
        return "no findings\n".into();
    }
    let mut groups: Vec<(&Finding, Vec<String>)> = Vec::new();
    for f in findings {
        let at = match &f.qualifier {
            Some(q) => format!("{}:{q}", f.function),
            None => f.function.clone(),
        };
        match groups
            .iter_mut()
            .find(|(g, _)| (g.severity, g.id, &g.title, &g.evidence) == (f.severity, f.id, &f.title, &f.evidence))
        {
            Some((_, functions)) => functions.push(at),
            None => groups.push((f, vec![at])),
        }
    }
    let mut out = String::new();
    for (f, functions) in &groups {
        out.push_str(&format!(
            "{:<9} {:<21} {}\n",
            f.severity.label().to_uppercase(),
            f.id,
            sanitize(&functions.join(", "))
        ));
        out.push_str(&format!("          {}\n", sanitize(&f.title)));
        for e in &f.evidence {
            out.push_str(&format!("          evidence: {}\n", sanitize(e)));
        }
    }
    let mut counts = std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry(std::cmp::Reverse(f.severity)).or_insert(0) += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {}", s.0.label())).collect();
    out.push_str(&format!(
        "\n{} findings on {} functions: {}\n",
        findings.len(),
        distinct(findings),
        summary.join(", ")
    ));
    out
}

fn distinct(findings: &[&Finding]) -> usize {
    findings.iter().map(|f| &f.function).collect::<std::collections::BTreeSet<_>>().len()
}
