//! The parsed form of an IAM policy document, and its canonical JSON form.
//!
//! Parsing lives in `parse.rs`; this file only holds the data and how it prints.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::condition::Operator;
use super::pattern::{Pattern, Syntax};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// `Version`: only `2012-10-17` documents substitute policy variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
    Unspecified,
}

impl Version {
    pub fn variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

/// A list of values that either names what matches (`Action`) or what does not
/// (`NotAction`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub negated: bool,
    pub values: Vec<Target>,
}

/// One action or resource pattern, with its source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub text: String,
    pub pattern: Pattern,
}

impl Target {
    pub fn new(text: &str, variables: bool) -> Target {
        let syntax = Syntax { wildcards: true, variables };
        Target { text: text.to_string(), pattern: Pattern::compile(text, syntax) }
    }
}

/// One value of a `Principal` / `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`: every caller, anonymous ones included.
    Anyone,
    /// `{"AWS": ...}`: an account id, a root, user, role or session ARN, or a unique id.
    Aws(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principals {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
}

/// One key of a `Condition` block under one operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    pub key: String,
    pub values: Vec<String>,
    /// Values compiled once for the operators that take patterns or variables.
    pub patterns: Vec<Pattern>,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.operator, self.key)?;
        match self.values.as_slice() {
            [one] => write!(f, "{one}"),
            many => write!(f, "[{}]", many.join(", ")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub actions: Targets,
    /// `None` when the statement has neither `Resource` nor `NotResource` (trust policies).
    pub resources: Option<Targets>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Policy {
    /// The canonical JSON form: every list written as a list, keys in IAM's order.
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        match self.version {
            Version::V2012_10_17 => doc.insert("Version".into(), json!("2012-10-17")),
            Version::V2008_10_17 => doc.insert("Version".into(), json!("2008-10-17")),
            Version::Unspecified => None,
        };
        if let Some(id) = &self.id {
            doc.insert("Id".into(), json!(id));
        }
        let statements: Vec<Value> = self.statements.iter().map(Statement::to_json).collect();
        doc.insert("Statement".into(), Value::Array(statements));
        Value::Object(doc)
    }
}

impl Serialize for Policy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl Statement {
    pub fn to_json(&self) -> Value {
        let mut s = Map::new();
        if let Some(sid) = &self.sid {
            s.insert("Sid".into(), json!(sid));
        }
        s.insert("Effect".into(), json!(self.effect.to_string()));
        if let Some(p) = &self.principal {
            let key = if p.negated { "NotPrincipal" } else { "Principal" };
            s.insert(key.into(), principals_json(&p.entries));
        }
        let key = if self.actions.negated { "NotAction" } else { "Action" };
        s.insert(key.into(), targets_json(&self.actions));
        if let Some(r) = &self.resources {
            let key = if r.negated { "NotResource" } else { "Resource" };
            s.insert(key.into(), targets_json(r));
        }
        if !self.conditions.is_empty() {
            s.insert("Condition".into(), conditions_json(&self.conditions));
        }
        Value::Object(s)
    }

    /// `Sid` when it has one, otherwise `#index` (position in its document).
    pub fn label(&self, index: usize) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => sid.clone(),
            _ => format!("#{index}"),
        }
    }
}

fn targets_json(t: &Targets) -> Value {
    Value::Array(t.values.iter().map(|v| json!(v.text)).collect())
}

fn principals_json(entries: &[PrincipalEntry]) -> Value {
    if entries == [PrincipalEntry::Anyone] {
        return json!("*");
    }
    let mut by_kind: Map<String, Value> = Map::new();
    for e in entries {
        let (kind, value) = match e {
            PrincipalEntry::Anyone => ("AWS", "*"),
            PrincipalEntry::Aws(v) => ("AWS", v.as_str()),
            PrincipalEntry::Service(v) => ("Service", v.as_str()),
            PrincipalEntry::Federated(v) => ("Federated", v.as_str()),
            PrincipalEntry::CanonicalUser(v) => ("CanonicalUser", v.as_str()),
        };
        let list = by_kind.entry(kind).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(json!(value));
        }
    }
    Value::Object(by_kind)
}

fn conditions_json(conditions: &[Condition]) -> Value {
    let mut by_op: Map<String, Value> = Map::new();
    for c in conditions {
        let keys = by_op.entry(c.operator.to_string()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = keys {
            keys.insert(c.key.clone(), json!(c.values));
        }
    }
    Value::Object(by_op)
}
