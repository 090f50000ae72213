//! The Policies tab: each scope's resource policy and the execution role's policies,
//! pretty-printed and coloured, with the statement behind a selected grant or reach line
//! highlighted. Every string from AWS is sanitised here.

use super::rows::{Highlight, Row, Tone, s};
use crate::graph::Graph;

/// The Policies tab: each scope's resource policy and the role's policies, pretty-printed,
/// with the statement behind the selected grant highlighted.
pub fn policy_rows(graph: &Graph, function: usize, highlight: Option<&Highlight>) -> Vec<Row> {
    let f = graph.function(function);
    let mut out = Vec::new();
    for (scope, policy) in crate::graph::invoke_scopes(f).into_iter().map(|(sc, label)| {
        let text = f.scopes().into_iter().find(|(x, _)| *x == sc).and_then(|(_, p)| p).cloned();
        ((sc, label), text)
    }) {
        let (sc, label) = scope;
        out.push(Row::plain(format!("resource policy of {}", s(&label)), Tone::Header));
        match policy {
            None => out.push(Row::plain("  none", Tone::Dim)),
            Some(p) => {
                let wanted = match highlight {
                    Some(Highlight::Scope(hs, st)) if hs.as_ref() == Some(&sc) => st.clone(),
                    _ => None,
                };
                out.extend(json_rows(&p.raw, wanted.as_deref()));
            }
        }
    }
    let role = graph.role_of(&crate::graph::Target { function, scope: None });
    match graph.role(&role) {
        Some(r) => {
            // The labels the graph gives these policies, to match a Reach selection.
            let wanted = |label: &str| match highlight {
                Some(Highlight::Role { policy, statement }) if policy == label => Some(statement.clone()),
                _ => None,
            };
            for p in &r.inline_policies {
                out.push(Row::plain(format!("inline policy {} of {}", s(&p.name), s(&r.name)), Tone::Header));
                out.extend(json_rows(&p.document.raw, wanted(&format!("inline policy {}", p.name)).as_deref()));
            }
            for arn in &r.attached_policy_arns {
                out.push(Row::plain(format!("managed policy {}", s(arn)), Tone::Header));
                match graph.managed_policy(arn) {
                    Some(m) => {
                        out.extend(json_rows(&m.document.raw, wanted(&format!("managed policy {arn}")).as_deref()))
                    }
                    None => out.push(Row::plain("  ? not read", Tone::Warn)),
                }
            }
        }
        None => out.push(Row::plain(format!("? the execution role {} is not in the snapshot", s(&role)), Tone::Warn)),
    }
    out
}

/// Pretty JSON, one row per line, keys and strings coloured. The document is laid out here
/// (top-level elements, then each statement) so the statement whose Sid (or `#index`) is
/// `highlight` can be marked exactly.
fn json_rows(raw: &str, highlight: Option<&str>) -> Vec<Row> {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(raw) else {
        return raw.lines().map(|l| Row::plain(format!("  {}", s(l)), Tone::Normal)).collect();
    };
    let mut lines: Vec<(String, bool)> = vec![("{".into(), false)];
    for (key, value) in doc.iter().filter(|(k, _)| k.as_str() != "Statement") {
        lines.push((format!("  \"{key}\": {value},"), false));
    }
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    lines.push(("  \"Statement\": [".into(), false));
    for (i, st) in statements.iter().enumerate() {
        let sid = st.get("Sid").and_then(|x| x.as_str());
        let marked = highlight.is_some_and(|h| Some(h) == sid || h == format!("#{i}"));
        let pretty = serde_json::to_string_pretty(st).unwrap_or_default();
        let count = pretty.lines().count();
        for (n, l) in pretty.lines().enumerate() {
            let comma = if n + 1 == count && i + 1 < statements.len() { "," } else { "" };
            lines.push((format!("    {l}{comma}"), marked));
        }
    }
    lines.push(("  ]".into(), false));
    lines.push(("}".into(), false));
    lines
        .into_iter()
        .map(|(line, marked)| {
            let mut row = colour_json(&line);
            if marked {
                row.spans.insert(0, ("▌".into(), Tone::Highlight));
                for span in row.spans.iter_mut().skip(1) {
                    span.1 = Tone::Highlight;
                }
            } else {
                row.spans.insert(0, (" ".into(), Tone::Normal));
            }
            row
        })
        .collect()
}

fn colour_json(line: &str) -> Row {
    let line = s(line);
    let trimmed = line.trim_start();
    let pad = line.len() - trimmed.len();
    let mut spans = vec![(line[..pad].to_string(), Tone::Normal)];
    match trimmed.split_once("\": ") {
        Some((key, value)) if trimmed.starts_with('"') => {
            spans.push((format!("{key}\""), Tone::Key));
            spans.push((": ".into(), Tone::Dim));
            let tone = if value.starts_with('"') { Tone::Str } else { Tone::Normal };
            spans.push((value.to_string(), tone));
        }
        _ => {
            let tone = if trimmed.starts_with('"') { Tone::Str } else { Tone::Dim };
            spans.push((trimmed.to_string(), tone));
        }
    }
    Row::text(spans)
}
