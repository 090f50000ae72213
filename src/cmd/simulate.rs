//! `lambdascope simulate FILE`: the offline policy simulator. Each case names a caller, an
//! action, a resource, a context and the policies; the answer is IAM's decision with the
//! statements that made it. A bad case is reported and the others are still answered.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};

use super::{Outcome, emit, read_input};
use crate::cli::Format;
use crate::policy::{self, Caller, Context, Evaluation, Named, Policies, Policy, Request};
use crate::text::sanitize;

/// One parsed case.
struct Case {
    caller: Caller,
    action: String,
    resource: String,
    context: Context,
    identity: Vec<Policy>,
    resource_policy: Option<Policy>,
    boundary: Option<Policy>,
    /// SCP and RCP levels (root, each OU, the account), each a list of policies.
    scps: Vec<Vec<Policy>>,
    rcps: Vec<Vec<Policy>>,
}

pub fn run(file: &Path, format: Format) -> Result<Outcome> {
    let text = read_input(file)?;
    // A policy given inline as an object would lose a repeated key to the JSON parser.
    if let Some(duplicate) = policy::duplicate_key(&text) {
        bail!("{}: {duplicate}", file.display());
    }
    let value: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => bail!("{}: invalid JSON at line {}, column {}: {e}", file.display(), e.line(), e.column()),
    };
    let cases = match value {
        Value::Array(items) => items,
        Value::Object(_) => vec![value],
        _ => bail!("{}: expected a case object or an array of cases", file.display()),
    };
    let mut out = String::new();
    let mut rejected = 0;
    for (i, raw) in cases.iter().enumerate() {
        let number = i + 1;
        let name = raw.get("name").and_then(Value::as_str);
        match parse_case(raw) {
            Ok(case) => {
                let eval = decide(&case);
                out.push_str(&match format {
                    Format::Json => json_line(number, name, &eval),
                    _ => text_block(number, name, &case, &eval),
                });
            }
            Err(message) => {
                rejected += 1;
                let label = case_label(number, name);
                eprintln!("lambdascope: {}: {}", sanitize(&label), sanitize(&message));
                if format == Format::Json {
                    out.push_str(&json_text(&json!({"case": number, "name": name, "error": message})));
                }
            }
        }
    }
    emit(&out)?;
    if rejected > 0 {
        eprintln!("lambdascope: {rejected} of {} cases rejected", cases.len());
        return Ok(Outcome::PartialInput);
    }
    Ok(Outcome::Success)
}

fn case_label(number: usize, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("case {number} (\"{n}\")"),
        None => format!("case {number}"),
    }
}

fn decide(case: &Case) -> Evaluation {
    let names: Vec<String> = (0..case.identity.len()).map(|i| format!("identity_policies[{i}]")).collect();
    let level_names = |key: &str, levels: &[Vec<Policy>]| -> Vec<(String, Vec<String>)> {
        levels
            .iter()
            .enumerate()
            .map(|(l, ps)| (format!("{key}[{l}]"), (0..ps.len()).map(|i| format!("{key}[{l}][{i}]")).collect()))
            .collect()
    };
    let (scp_names, rcp_names) = (level_names("scps", &case.scps), level_names("rcps", &case.rcps));
    let policies = Policies {
        identity: case.identity.iter().zip(&names).map(|(policy, name)| Named { name, policy }).collect(),
        resource: case.resource_policy.as_ref().map(|policy| Named { name: "resource_policy", policy }),
        boundary: case.boundary.as_ref().map(|policy| Named { name: "permission_boundary", policy }),
        scp: named_levels(&case.scps, &scp_names),
        rcp: named_levels(&case.rcps, &rcp_names),
    };
    let request =
        Request { caller: &case.caller, action: &case.action, resource: &case.resource, context: &case.context };
    policy::evaluate(&request, &policies)
}

/// Guardrail levels with the names they are reported under (`scps[1][0]`).
fn named_levels<'a>(levels: &'a [Vec<Policy>], names: &'a [(String, Vec<String>)]) -> Vec<policy::Level<'a>> {
    levels
        .iter()
        .zip(names)
        .map(|(ps, (place, n))| policy::Level {
            place,
            policies: ps.iter().zip(n).map(|(policy, name)| Named { name, policy }).collect(),
        })
        .collect()
}

fn parse_case(raw: &Value) -> Result<Case, String> {
    let Value::Object(obj) = raw else {
        return Err("a case must be a JSON object".into());
    };
    let required = |key: &str| match obj.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("\"{key}\" must be a string")),
        None => Err(format!("missing field \"{key}\"")),
    };
    let caller = Caller::parse(&required("principal")?)?;
    let action = required("action")?;
    if !action.contains(':') {
        return Err(format!("action \"{action}\" is not of the form service:Action"));
    }
    let resource = required("resource")?;
    let context = policy::with_request_keys(parse_context(obj)?, &caller, &resource);
    let identity = policy_list(obj.get("identity_policies"), "identity_policies")?;
    let levels = |key: &str| -> Result<Vec<Vec<Policy>>, String> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(levels)) => {
                levels.iter().enumerate().map(|(l, level)| policy_list(Some(level), &format!("{key}[{l}]"))).collect()
            }
            Some(_) => Err(format!("\"{key}\" must be a list of levels, each a list of policies")),
        }
    };
    Ok(Case {
        scps: levels("scps")?,
        rcps: levels("rcps")?,
        caller,
        action,
        resource,
        context,
        identity,
        resource_policy: optional_policy(obj, "resource_policy")?,
        boundary: optional_policy(obj, "permission_boundary")?,
    })
}

/// A list of policies (`null` or missing: none).
fn policy_list(v: Option<&Value>, key: &str) -> Result<Vec<Policy>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, p)| parse_policy(p, &format!("{key}[{i}]"))?.ok_or_else(|| format!("{key}[{i}] is null")))
            .collect(),
        Some(_) => Err(format!("\"{key}\" must be a list of policies")),
    }
}

fn optional_policy(obj: &Map<String, Value>, key: &str) -> Result<Option<Policy>, String> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => parse_policy(v, key),
    }
}

/// A policy given as a JSON object or as a string holding one; `null` is no policy.
fn parse_policy(v: &Value, label: &str) -> Result<Option<Policy>, String> {
    let parsed = match v {
        Value::Null => return Ok(None),
        Value::String(text) => policy::parse(text),
        Value::Object(_) => policy::parse_value(v),
        _ => {
            return Err(format!("{label} must be a policy object, a string holding one, or null"));
        }
    };
    parsed.map(Some).map_err(|e| format!("{label}: {e}"))
}

fn parse_context(obj: &Map<String, Value>) -> Result<Context, String> {
    let mut ctx = Context::closed();
    let entries = match obj.get("context") {
        None | Some(Value::Null) => return Ok(ctx),
        Some(Value::Object(entries)) => entries,
        Some(_) => return Err("\"context\" must be an object of key: value(s)".into()),
    };
    for (key, value) in entries {
        let scalar = |v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(format!("context value for \"{key}\" must be a string or a list of strings")),
        };
        let values = match value {
            Value::Array(items) => items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?,
            other => vec![scalar(other)?],
        };
        ctx.set(key, values);
    }
    Ok(ctx)
}

fn json_line(number: usize, name: Option<&str>, eval: &Evaluation) -> String {
    json_text(&json!({
        "case": number,
        "name": name,
        "decision": eval.decision.as_str(),
        "deciding_statements": eval.deciding,
        "reasons": eval.reasons,
    }))
}

/// One JSON line, inert like every other output.
fn json_text(value: &Value) -> String {
    crate::text::json(value).unwrap_or_default() + "\n"
}

fn text_block(number: usize, name: Option<&str>, case: &Case, eval: &Evaluation) -> String {
    let verdict = eval.decision.as_str().replace('_', " ").to_uppercase();
    let head = format!("{}: {verdict}", case_label(number, name));
    let request = format!("{} -> {} on {}", case.caller, case.action, case.resource);
    let mut out = format!("{}\n  {}\n", sanitize(&head), sanitize(&request));
    for reason in &eval.reasons {
        out.push_str(&format!("  - {}\n", sanitize(reason)));
    }
    out
}
