//! `lambdascope findings [--min-severity S] [--fail-on S]`.

use std::collections::HashMap;

use anyhow::{Context as _, Result, anyhow};
use serde_json::json;

use super::{Outcome, emit, emit_json, load_graph, unknown_section};
use crate::cli::{Format, Global};
use crate::graph::{Finding, Severity, Subject, none_phrase};
use crate::text::sanitize;

pub fn run(global: &Global, min: &str, fail_on: Option<&str>) -> Result<Outcome> {
    let min: Severity = min.parse().map_err(|e: String| anyhow!(e))?;
    let fail_on: Option<Severity> = fail_on.map(str::parse).transpose().map_err(|e: String| anyhow!(e))?;
    let graph = load_graph(global)?;
    let all = graph.findings();
    let unread = graph.account_unread();
    let shown: Vec<&Finding> = all.iter().filter(|f| f.severity >= min).collect();
    match global.format {
        Format::Json => emit_json(&json!({"findings": shown, "unread": unread}))?,
        Format::Sarif => {
            emit(&(crate::text::json_pretty(&super::sarif::sarif(&shown)).context("cannot encode SARIF")? + "\n"))?
        }
        Format::Csv => {
            let mut out =
                super::csv::row(&["severity", "id", "subject", "name", "qualifier", "arn", "title", "evidence"]);
            for f in &shown {
                let subject = serde_json::to_value(f.subject)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                out.push_str(&super::csv::row(&[
                    f.severity.label(),
                    f.id,
                    &subject,
                    &f.function,
                    f.qualifier.as_deref().unwrap_or(""),
                    &f.arn,
                    &f.title,
                    &f.evidence.join("; "),
                ]));
            }
            emit(&out)?
        }
        _ => emit(&(text(&shown, unread.len(), graph.snapshot.is_multi()) + &unknown_section(&unread, &[])))?,
    }
    let failed = fail_on.is_some_and(|t| all.iter().any(|f| f.severity >= t));
    Ok(match (failed, unread.is_empty()) {
        (true, _) => Outcome::FindingsOverThreshold,
        (false, false) => Outcome::PartialSnapshot,
        (false, true) => Outcome::Success,
    })
}

/// Findings as text. The same finding on several functions (a shared role's) prints once
/// with every function it concerns, where it first appears.
fn text(findings: &[&Finding], unread: usize, multi: bool) -> String {
    if findings.is_empty() {
        return format!("{}\n", none_phrase("no findings", unread));
    }
    let mut groups: Vec<(&Finding, Vec<String>)> = Vec::new();
    let mut index: HashMap<(Severity, &str, &str, &[String]), usize> = HashMap::new();
    for f in findings {
        let mut at = match &f.qualifier {
            Some(q) => format!("{}:{q}", f.function),
            None => f.function.clone(),
        };
        // Several accounts and regions: say whose.
        if multi && let Some((region, account)) = crate::model::arn_place(&f.arn) {
            at = format!("{at} ({account} {region})");
        }
        let key = (f.severity, f.id, f.title.as_str(), f.evidence.as_slice());
        match index.get(&key) {
            Some(&i) => groups[i].1.push(at),
            None => {
                index.insert(key, groups.len());
                groups.push((f, vec![at]));
            }
        }
    }
    let mut out = String::new();
    for (f, functions) in &groups {
        let label = super::colour::severity(f.severity, &format!("{:<9}", f.severity.label().to_uppercase()));
        out.push_str(&format!("{label} {:<21} {}\n", f.id, sanitize(&functions.join(", "))));
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
    out.push_str(&format!("\n{} findings on {}: {}\n", findings.len(), distinct(findings), summary.join(", ")));
    out
}

/// "12 functions, 1 web function and 2 layers": what the findings are about, counted.
fn distinct(findings: &[&Finding]) -> String {
    let count = |subject| {
        findings
            .iter()
            .filter(|f| f.subject == subject)
            .map(|f| &f.arn)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let word = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
    let parts: Vec<String> =
        [(Subject::Function, "function"), (Subject::WebFunction, "web function"), (Subject::Layer, "layer")]
            .into_iter()
            .map(|(s, one)| (count(s), one))
            .filter(|(n, _)| *n > 0)
            .map(|(n, one)| word(n, one))
            .collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}
