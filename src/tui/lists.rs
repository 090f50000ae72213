//! Rows of the account-wide screens: roles, principals, gaps, help and explain.

use std::collections::BTreeMap;

use super::keymap::BINDINGS;
use super::rows::{Row, Target, Tone};
use crate::graph::{CanAnswer, CanDecision, Graph, Verdict};
use crate::model::Scope;
use crate::text::sanitize;

fn s(text: &str) -> String {
    sanitize(text).into_owned()
}

/// Every role with the functions that run as it.
pub fn role_rows(graph: &Graph) -> Vec<Row> {
    let mut users: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in graph.functions().iter().enumerate() {
        users.entry(f.role_arn.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    for (arn, functions) in users {
        let known = graph.role(arn);
        let policies = known.map(|r| r.inline_policies.len() + r.attached_policy_arns.len());
        let state = match policies {
            Some(n) => format!("{n} policies"),
            None => "? not in the snapshot".into(),
        };
        out.push(Row {
            spans: vec![
                (format!("{:<60} ", s(arn)), Tone::Header),
                (format!("{:>3} functions  ", functions.len()), Tone::Normal),
                (state, if known.is_some() { Tone::Dim } else { Tone::Warn }),
            ],
            target: Target::None,
            arn: Some(arn.to_string()),
        });
        if let Some(r) = known {
            let boundary = r.permission_boundary_arn.as_deref().map(|b| format!("boundary {}", s(b)));
            let policies = r
                .inline_policies
                .iter()
                .map(|p| format!("inline {}", s(&p.name)))
                .chain(
                    r.attached_policy_arns.iter().map(|a| format!("managed {}", s(a.rsplit('/').next().unwrap_or(a)))),
                )
                .chain(boundary);
            for p in policies {
                out.push(Row::plain(format!("    · {p}"), Tone::Dim));
            }
        }
        for i in functions {
            let f = graph.function(i);
            out.push(Row {
                spans: vec![(format!("    → {}", s(&f.name)), Tone::Normal)],
                target: Target::Function(i),
                arn: Some(f.arn.clone()),
            });
        }
    }
    out
}

/// Every principal that appears in a grant, with how many functions it reaches.
pub fn principal_rows(graph: &Graph) -> Vec<Row> {
    let mut seen: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
    for i in 0..graph.functions().len() {
        let mut mine: Vec<(String, &'static str)> = graph
            .direct_grants(i)
            .iter()
            .filter(|g| g.decision != Verdict::Denied)
            .map(|g| (g.principal.clone(), g.principal_kind.label()))
            .collect();
        mine.sort();
        mine.dedup();
        for key in mine {
            *seen.entry(key).or_default() += 1;
        }
    }
    seen.into_iter()
        .map(|((principal, kind), n)| Row {
            spans: vec![
                (format!("{:<64} ", s(&principal)), Tone::Normal),
                (format!("{kind:<14}"), Tone::Dim),
                (format!("{n:>4} functions"), Tone::Normal),
            ],
            target: Target::Principal(principal.clone()),
            arn: Some(principal),
        })
        .collect()
}

/// What one principal can invoke, scope by scope.
pub fn principal_detail(graph: &Graph, principal: &str) -> Vec<Row> {
    let mut out = vec![Row::plain(format!("{} can invoke", s(principal)), Tone::Header)];
    for (i, f) in graph.functions().iter().enumerate() {
        for g in graph.direct_grants(i).iter().filter(|g| g.principal == principal && g.decision != Verdict::Denied) {
            let at = g.qualifier.as_ref().map_or(f.name.clone(), |q| format!("{}:{q}", f.name));
            let (mark, tone) = if g.decision == Verdict::Allowed { ("✔", Tone::Good) } else { ("?", Tone::Warn) };
            let mut spans =
                vec![(format!("  {mark} {:<40} ", s(&at)), tone), (format!("{:<16}", g.path.label()), Tone::Dim)];
            if let Some(c) = g.conditions.first() {
                spans.push((s(c), Tone::Warn));
            }
            out.push(Row { spans, target: Target::Function(i), arn: Some(f.arn.clone()) });
        }
    }
    out
}

/// What could not be read, then what was read and found not to exist (not a gap: a fact).
pub fn gap_rows(graph: &Graph) -> Vec<Row> {
    let snap = &graph.snapshot;
    let mut out: Vec<Row> = if snap.gaps.is_empty() {
        vec![Row::plain("nothing is missing: every read succeeded", Tone::Good)]
    } else {
        snap.gaps
            .iter()
            .map(|g| Row {
                spans: vec![
                    (format!("? {:<38} ", s(&g.operation)), Tone::Warn),
                    (format!("{:<14}", g.reason.as_str()), Tone::Normal),
                    (format!("{} ", s(&g.resource)), Tone::Normal),
                    (s(&g.message), Tone::Dim),
                ],
                target: Target::None,
                arn: Some(g.resource.clone()),
            })
            .collect()
    };
    if !snap.absent.is_empty() {
        out.push(Row::plain("", Tone::Normal));
        out.push(Row::plain("Does not exist (read, and found missing)", Tone::Header));
        out.extend(snap.absent.iter().map(|a| Row {
            spans: vec![
                (format!("✗ {:<38} ", a.kind.as_str()), Tone::Bad),
                (format!("{} ", s(&a.arn)), Tone::Normal),
                (s(&a.message), Tone::Dim),
            ],
            target: Target::None,
            arn: Some(a.arn.clone()),
        }));
    }
    out
}

pub fn help_rows() -> Vec<Row> {
    let mut out = vec![Row::plain("Keys", Tone::Header)];
    out.extend(
        BINDINGS.iter().map(|b| {
            Row::text(vec![(format!("  {:<28}", b.keys), Tone::Key), (b.description.to_string(), Tone::Normal)])
        }),
    );
    out.push(Row::plain("", Tone::Normal));
    out.push(Row::plain("Marks", Tone::Header));
    for (mark, tone, meaning) in [
        ("✔", Tone::Good, "allowed"),
        ("?", Tone::Warn, "conditional or unknown: the conditions or the reason follow"),
        ("✖", Tone::Bad, "denied, or broken (a URL that answers 403)"),
        ("■", Tone::Bad, "critical or high finding"),
        ("□", Tone::Warn, "medium or low finding"),
    ] {
        out.push(Row::text(vec![(format!("  {mark:<28}"), tone), (meaning.to_string(), Tone::Normal)]));
    }
    out
}

pub fn explain_rows(
    graph: &Graph,
    index: usize,
    scope: Option<&Scope>,
    principal: &str,
    action: &str,
    answer: Option<&CanAnswer>,
) -> Vec<Row> {
    let f = graph.function(index);
    let resource = crate::graph::scope_arn(f, scope.unwrap_or(&Scope::Unqualified));
    let mut out = vec![
        Row::plain(format!("Can PRINCIPAL do ACTION on {} ?", s(&f.name)), Tone::Header),
        Row::text(vec![
            ("  principal  ".into(), Tone::Dim),
            (
                if principal.is_empty() {
                    "(type PRINCIPAL [ACTION]: an IAM ARN, a service such as s3.amazonaws.com, or anonymous; Enter)"
                        .into()
                } else {
                    s(principal)
                },
                Tone::Normal,
            ),
        ]),
        Row::text(vec![("  action     ".into(), Tone::Dim), (s(action), Tone::Normal)]),
        Row::text(vec![("  resource   ".into(), Tone::Dim), (s(&resource), Tone::Normal)]),
    ];
    if let Some(a) = answer {
        let (mark, tone) = match a.decision {
            CanDecision::Allowed => ("✔ allowed", Tone::Good),
            CanDecision::ExplicitDeny => ("✖ explicitly denied", Tone::Bad),
            CanDecision::ImplicitDeny => ("✖ denied: nothing allows it", Tone::Bad),
            CanDecision::Conditional => ("? conditional: see the conditions below", Tone::Warn),
            CanDecision::Unknown => ("? unknown", Tone::Warn),
        };
        out.push(Row::text(vec![("  result     ".into(), Tone::Dim), (mark.into(), tone)]));
        out.extend(
            a.reasons.iter().map(|r| Row::text(vec![("  why        ".into(), Tone::Dim), (s(r), Tone::Normal)])),
        );
        out.extend(a.unread.iter().map(|u| Row::text(vec![("  unread     ".into(), Tone::Dim), (s(u), Tone::Warn)])));
        out.extend(a.unknown.iter().map(|u| Row::text(vec![("  unknown    ".into(), Tone::Dim), (s(u), Tone::Warn)])));
    }
    out
}
