//! Rows of the "web functions and layers" screen: each web function's endpoints with who
//! can invoke them and the revisions (with their roles) that serve them, then each layer's
//! versions with who can use them.

use super::rows::{Row, Target, Tone, grant_spans, unknown_rows};
use crate::graph::{Grant, Graph};
use crate::text::sanitize;

fn s(text: &str) -> String {
    sanitize(text).into_owned()
}

fn grant_row(g: &Grant) -> Row {
    Row {
        spans: grant_spans(g, "      "),
        target: Target::Principal(g.principal.clone()),
        arn: Some(g.principal.clone()),
    }
}

pub fn ways_rows(graph: &Graph) -> Vec<Row> {
    let mut out = Vec::new();
    let mut unread = Vec::new();
    let mut unknown = Vec::new();
    for (wi, w) in graph.web_functions().iter().enumerate() {
        let answer = graph.who_can_invoke_web(wi, None);
        out.push(Row {
            spans: vec![
                ("web function ".into(), Tone::Dim),
                (format!("{:<40} ", s(&w.name)), Tone::Header),
                (format!("{} endpoints", w.endpoints.len()), Tone::Dim),
            ],
            target: Target::None,
            arn: Some(w.arn.clone()),
        });
        for e in &w.endpoints {
            out.push(Row {
                spans: vec![
                    ("  endpoint ".into(), Tone::Dim),
                    (format!("{:<20} ", s(&e.name)), Tone::Normal),
                    (format!("{:<20} ", e.auth_type.as_str()), Tone::Key),
                    (s(&e.domain_name), Tone::Dim),
                ],
                target: Target::None,
                arn: Some(e.arn.clone()),
            });
            out.extend(answer.grants.iter().filter(|g| g.qualifier.as_deref() == Some(&e.name)).map(grant_row));
        }
        for (r, serves) in w.serving() {
            let serves: Vec<String> = serves
                .iter()
                .map(|e| format!("{} {}%", e.name, e.revision_weights.get(&r.id).copied().unwrap_or(0)))
                .collect();
            let role = r.role_arn.as_deref().map_or("? role not read".to_string(), s);
            out.push(Row {
                spans: vec![
                    ("  revision ".into(), Tone::Dim),
                    (format!("{:<20} ", s(&r.id)), Tone::Normal),
                    (format!("runs as {role}"), Tone::Normal),
                    (format!("  serves {}", s(&serves.join(", "))), Tone::Dim),
                ],
                target: Target::None,
                arn: r.role_arn.clone(),
            });
        }
        unread.extend(answer.unread);
        unknown.extend(answer.unknown);
    }
    for (li, l) in graph.layers().iter().enumerate() {
        let answer = graph.who_can_use_layer(li, None);
        out.push(Row {
            spans: vec![("layer ".into(), Tone::Dim), (format!("{:<47} ", s(&l.name)), Tone::Header)],
            target: Target::None,
            arn: Some(l.arn.clone()),
        });
        for v in &l.versions {
            let policy = if v.policy.is_some() { "policy" } else { "no policy: this account only" };
            out.push(Row {
                spans: vec![
                    ("  version ".into(), Tone::Dim),
                    (format!("{:<21} ", v.version), Tone::Normal),
                    (policy.to_string(), Tone::Dim),
                ],
                target: Target::None,
                arn: Some(v.arn.clone()),
            });
            let mine = v.version.to_string();
            out.extend(answer.grants.iter().filter(|g| g.qualifier.as_deref() == Some(&mine)).map(grant_row));
        }
        unread.extend(answer.unread);
        unknown.extend(answer.unknown);
    }
    unread.extend(
        graph
            .account_unread()
            .into_iter()
            .filter(|u| u.contains("web functions could not") || u.contains("layers could not")),
    );
    unread.sort();
    unread.dedup();
    if graph.web_functions().is_empty() && graph.layers().is_empty() {
        // "None" only when the listings were read; otherwise none in what could be read.
        let none = crate::graph::none_phrase("no web functions and no layers", unread.len());
        out.insert(0, Row::plain(none, if unread.is_empty() { Tone::Dim } else { Tone::Warn }));
    }
    unknown.sort();
    unknown.dedup();
    out.extend(unknown_rows(&unread, &unknown));
    out
}
