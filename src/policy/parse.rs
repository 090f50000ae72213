//! Parses IAM policy JSON into a [`Policy`]. Strict where AWS is strict (unknown elements,
//! operators or effects are errors), tolerant of the shapes AWS accepts (a single
//! statement object, a string where a list may stand, booleans and numbers as condition
//! values) and of the bare-string principals some servers return.

use serde_json::{Map, Value};
use thiserror::Error;

use super::condition::Operator;
use super::document::{Condition, Effect, Policy, PrincipalEntry, Principals, Statement, Target, Targets, Version};
use super::pattern::Pattern;

/// Why a document could not be read. `path` points at the offending element.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, PolicyError> {
    Err(PolicyError { path: path.to_string(), message: message.into() })
}

/// Parses policy text. AWS returns IAM documents URL-encoded; text that does not start
/// with `{` is decoded first.
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    let trimmed = text.trim_start();
    let decoded;
    let json_text = if trimmed.starts_with('{') {
        text
    } else {
        decoded = percent_decode(trimmed).ok_or_else(|| PolicyError {
            path: "document".into(),
            message: "neither JSON nor URL-encoded JSON".into(),
        })?;
        &decoded
    };
    if let Some(message) = super::strict::duplicate_key(json_text) {
        return err("document", message);
    }
    let value: Value = serde_json::from_str(json_text).map_err(|e| PolicyError {
        path: "document".into(),
        message: format!("invalid JSON at line {} column {}: {e}", e.line(), e.column()),
    })?;
    parse_value(&value)
}

/// Parses an already-decoded JSON value.
pub fn parse_value(value: &Value) -> Result<Policy, PolicyError> {
    let Value::Object(doc) = value else {
        return err("document", "a policy must be a JSON object");
    };
    let mut version = Version::Unspecified;
    let mut id = None;
    let mut statements = None;
    for (key, v) in doc {
        match key.as_str() {
            "Version" => version = parse_version(v)?,
            "Id" => id = Some(string(v, "Id")?),
            "Statement" => statements = Some(v),
            other => return err(other, "unknown top-level element"),
        }
    }
    let Some(statements) = statements else {
        return err("document", "missing Statement");
    };
    let list: Vec<&Value> = match statements {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![statements],
        _ => return err("Statement", "must be an object or a list of objects"),
    };
    let statements = list
        .iter()
        .enumerate()
        .map(|(i, s)| parse_statement(s, version, &format!("Statement[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Policy { version, id, statements })
}

fn parse_version(v: &Value) -> Result<Version, PolicyError> {
    match v.as_str() {
        Some("2012-10-17") => Ok(Version::V2012_10_17),
        Some("2008-10-17") => Ok(Version::V2008_10_17),
        _ => err("Version", format!("unsupported version {v}")),
    }
}

fn string(v: &Value, path: &str) -> Result<String, PolicyError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => err(path, "must be a string"),
    }
}

/// A string or a list of strings.
fn strings(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, item)| string(item, &format!("{path}[{i}]"))).collect()
        }
        _ => err(path, "must be a string or a list of strings"),
    }
}

#[derive(Default)]
struct Raw<'a> {
    sid: Option<String>,
    effect: Option<Effect>,
    principal: Option<(bool, &'a Value)>,
    action: Option<(bool, &'a Value)>,
    resource: Option<(bool, &'a Value)>,
    condition: Option<&'a Value>,
}

fn parse_statement(v: &Value, version: Version, path: &str) -> Result<Statement, PolicyError> {
    let Value::Object(s) = v else {
        return err(path, "a statement must be an object");
    };
    let raw = collect_elements(s, path)?;
    let Some(effect) = raw.effect else {
        return err(path, "missing Effect");
    };
    let Some((actions_negated, actions)) = raw.action else {
        return err(path, "missing Action or NotAction");
    };
    let vars = version.variables();
    let principal = match raw.principal {
        Some((negated, p)) => Some(parse_principals(p, negated, &format!("{path}.Principal"))?),
        None => None,
    };
    let resources = match raw.resource {
        Some((negated, r)) => Some(targets(r, negated, vars, &format!("{path}.Resource"))?),
        None => None,
    };
    let conditions = match raw.condition {
        Some(c) => parse_conditions(c, vars, &format!("{path}.Condition"))?,
        None => Vec::new(),
    };
    Ok(Statement {
        sid: raw.sid,
        effect,
        principal,
        // Actions are never variable-substituted.
        actions: targets(actions, actions_negated, false, &format!("{path}.Action"))?,
        resources,
        conditions,
    })
}

fn collect_elements<'a>(s: &'a Map<String, Value>, path: &str) -> Result<Raw<'a>, PolicyError> {
    let mut raw = Raw::default();
    for (key, v) in s {
        let here = format!("{path}.{key}");
        let slot = match key.as_str() {
            "Sid" => {
                raw.sid = Some(string(v, &here)?);
                continue;
            }
            "Effect" => {
                raw.effect = Some(match v.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return err(&here, format!("must be \"Allow\" or \"Deny\", not {v}")),
                });
                continue;
            }
            "Condition" => {
                raw.condition = Some(v);
                continue;
            }
            "Principal" | "NotPrincipal" => &mut raw.principal,
            "Action" | "NotAction" => &mut raw.action,
            "Resource" | "NotResource" => &mut raw.resource,
            _ => return err(&here, "unknown statement element"),
        };
        if slot.is_some() {
            return err(&here, "an element and its Not form cannot both appear");
        }
        *slot = Some((key.starts_with("Not"), v));
    }
    Ok(raw)
}

fn targets(v: &Value, negated: bool, variables: bool, path: &str) -> Result<Targets, PolicyError> {
    let values = strings(v, path)?.iter().map(|text| Target::new(text, variables)).collect();
    Ok(Targets { negated, values })
}

fn parse_principals(v: &Value, negated: bool, path: &str) -> Result<Principals, PolicyError> {
    let entries = match v {
        Value::String(s) if s == "*" => vec![PrincipalEntry::Anyone],
        Value::String(s) => vec![bare_principal(s)],
        Value::Object(kinds) => {
            let mut entries = Vec::new();
            for (kind, values) in kinds {
                let here = format!("{path}.{kind}");
                for value in strings(values, &here)? {
                    entries.push(match kind.as_str() {
                        "AWS" if value == "*" => PrincipalEntry::Anyone,
                        "AWS" => PrincipalEntry::Aws(value),
                        "Service" => PrincipalEntry::Service(value),
                        "Federated" => PrincipalEntry::Federated(value),
                        "CanonicalUser" => PrincipalEntry::CanonicalUser(value),
                        _ => return err(&here, "unknown principal type"),
                    });
                }
            }
            entries
        }
        _ => return err(path, "must be \"*\" or an object"),
    };
    Ok(Principals { negated, entries })
}

/// A principal written as a bare string (moto does this): an ARN or account id is an AWS
/// principal, anything else a service.
fn bare_principal(s: &str) -> PrincipalEntry {
    let is_account = s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account || s.starts_with("arn:") {
        PrincipalEntry::Aws(s.to_string())
    } else {
        PrincipalEntry::Service(s.to_string())
    }
}

fn parse_conditions(v: &Value, variables: bool, path: &str) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(ops) = v else {
        return err(path, "must be an object of operators");
    };
    let mut out = Vec::new();
    for (name, keys) in ops {
        let here = format!("{path}.{name}");
        let Some(operator) = Operator::parse(name) else {
            return err(&here, format!("unknown condition operator \"{name}\""));
        };
        let Value::Object(keys) = keys else {
            return err(&here, "must be an object of condition keys");
        };
        for (key, values) in keys {
            let values = condition_values(values, &format!("{here}.{key}"))?;
            let syntax = operator.syntax(variables);
            let patterns = values.iter().map(|v| Pattern::compile(v, syntax)).collect();
            out.push(Condition { operator: operator.clone(), key: key.clone(), values, patterns });
        }
    }
    Ok(out)
}

fn condition_values(v: &Value, path: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => err(path, "condition values must be strings, booleans or numbers"),
    };
    match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

/// The JSON text of a policy document as IAM returns it: URL-encoded documents (those not
/// starting with `{`) are decoded, others returned as they are.
pub fn decode_document(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_string();
    }
    percent_decode(text.trim()).unwrap_or_else(|| text.to_string())
}

/// Decodes `%XX` escapes. `+` is kept: IAM encodes a space as `%20`.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
