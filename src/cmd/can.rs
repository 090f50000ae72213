//! `lambdascope can PRINCIPAL ACTION RESOURCE [--context KEY=VALUE ...]`.

use anyhow::{Result, bail};

use super::{Outcome, answered, emit, emit_json, load_graph, load_graph_for};
use crate::cli::{Format, Global};
use crate::graph::{CanAnswer, CanDecision};
use crate::policy::Context;
use crate::text::sanitize;

pub fn run(global: &Global, principal: &str, action: &str, resource: &str, pairs: &[String]) -> Result<Outcome> {
    let context = parse_context(pairs)?;
    // A question about a function needs only that function; anything else, the account.
    let function = crate::policy::arn::split(resource).filter(|p| p[2] == "lambda" && p[5].starts_with("function:"));
    let graph = match function {
        Some(_) => load_graph_for(global, resource)?,
        None => load_graph(global)?,
    };
    let answer = graph.can(principal, action, resource, context).map_err(anyhow::Error::msg)?;
    match global.format {
        Format::Json => emit_json(&answer)?,
        _ => emit(&text(&answer))?,
    }
    // Undecided (a key, bucket or another account's policy was not read) is partial too.
    let undecided = answer.decision == CanDecision::Unknown;
    Ok(if undecided { super::Outcome::PartialSnapshot } else { answered(&answer.unread) })
}

/// `KEY=VALUE` pairs into a complete request context; a repeated key holds every value.
fn parse_context(pairs: &[String]) -> Result<Context> {
    let mut values: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("--context {pair}: expected KEY=VALUE, such as aws:SourceArn=arn:aws:s3:::bucket");
        };
        values.entry(key.trim().to_string()).or_default().push(value.to_string());
    }
    let mut ctx = Context::closed();
    for (k, v) in values {
        ctx.set(&k, v);
    }
    Ok(ctx)
}

fn text(a: &CanAnswer) -> String {
    let mark = match a.decision {
        CanDecision::Allowed => "✔ allowed",
        CanDecision::ExplicitDeny => "✖ explicitly denied",
        CanDecision::ImplicitDeny => "✖ denied (nothing allows it)",
        CanDecision::Conditional => "? conditional",
        CanDecision::Unknown => "? unknown",
    };
    let mut out =
        format!("Can {} call {} on {}?\n", sanitize(&a.principal), sanitize(&a.action), sanitize(&a.resource));
    let v = match a.decision {
        CanDecision::Allowed => crate::graph::Verdict::Allowed,
        CanDecision::ExplicitDeny | CanDecision::ImplicitDeny => crate::graph::Verdict::Denied,
        CanDecision::Conditional | CanDecision::Unknown => crate::graph::Verdict::Conditional,
    };
    out.push_str(&format!("  result  {}\n", super::colour::verdict(v, mark)));
    for r in &a.reasons {
        out.push_str(&format!("  why     {}\n", sanitize(r)));
    }
    for u in &a.unread {
        out.push_str(&format!("  unread  {}\n", sanitize(u)));
    }
    for u in &a.unknown {
        out.push_str(&format!("  unknown {}\n", sanitize(u)));
    }
    out
}
