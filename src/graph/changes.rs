//! What changed in the policies themselves between two snapshots, grouped as an auditor
//! reads a change: each role policy (inline, attached, or a managed policy's document)
//! whose statements were added or removed, what the added ones grant, and the functions
//! that run as the role; and each resource-policy statement added or removed, with the
//! principals it names.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::Graph;
use super::diff::GrantChange;
use crate::catalog::Catalog;
use crate::model::{PolicyText, Role};

/// One identity policy of a role that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChange {
    pub role: String,
    /// `inline policy NAME`, or a managed policy ARN.
    pub policy: String,
    /// The statements added and removed, in words (`Allow s3:* on *`).
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// What the added Allow statements grant: `service (N actions)`.
    pub grants: Vec<String>,
    /// Functions that run as the role (every one the change reaches).
    pub functions: Vec<String>,
}

/// One resource-policy statement added or removed, with every grant it makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementChange {
    /// Where it lives (`resource policy of F (unqualified)`) and its id.
    pub source: String,
    pub statement_id: Option<String>,
    pub added: bool,
    /// `principal (decision)` for each grant it makes.
    pub grants: Vec<String>,
}

/// A statement in words.
fn describe(st: &Value) -> String {
    let list = |k: &str| match st.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
        _ => None,
    };
    let effect = st.get("Effect").and_then(Value::as_str).unwrap_or("?");
    let actions =
        list("Action").or_else(|| list("NotAction").map(|a| format!("everything but {a}"))).unwrap_or_default();
    let resources =
        list("Resource").or_else(|| list("NotResource").map(|r| format!("everything but {r}"))).unwrap_or_default();
    let sid = st.get("Sid").and_then(Value::as_str).map(|s| format!("{s}: ")).unwrap_or_default();
    let when = if st.get("Condition").is_some() { " (with conditions)" } else { "" };
    format!("{sid}{effect} {actions} on {resources}{when}")
}

/// A policy's statements as canonical text.
fn statements(p: &PolicyText) -> BTreeMap<String, Value> {
    let doc: Value = serde_json::from_str(&p.raw).unwrap_or(Value::Null);
    let list = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    list.into_iter().map(|s| (s.to_string(), s)).collect()
}

/// What Allow statements grant, by service.
fn grants(added: &[&Value]) -> Vec<String> {
    let catalog = Catalog::embedded();
    let mut set = crate::catalog::ActionSet::empty(catalog.actions.len());
    for st in added.iter().filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow")) {
        let (key, negated) = if st.get("NotAction").is_some() { ("NotAction", true) } else { ("Action", false) };
        let patterns: Vec<String> = match st.get(key) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        };
        set.union_with(&catalog.covered(&patterns, negated));
    }
    super::chains::by_service(&set)
}

impl Graph {
    /// Every identity policy of a role that changed from `old` to this graph.
    pub(super) fn policy_changes(&self, old: &Graph) -> Vec<PolicyChange> {
        let mut out = Vec::new();
        for role in &self.snapshot.roles {
            let Some(before) = old.role(&role.arn) else { continue };
            let (now, then) = (self.role_policies(role), old.role_policies(before));
            let labels: BTreeSet<&String> = now.keys().chain(then.keys()).collect();
            for label in labels {
                let empty = BTreeMap::new();
                let (a, b) = (now.get(label).unwrap_or(&empty), then.get(label).unwrap_or(&empty));
                let added: Vec<&Value> = a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(_, v)| v).collect();
                let removed: Vec<&Value> = b.iter().filter(|(k, _)| !a.contains_key(*k)).map(|(_, v)| v).collect();
                if added.is_empty() && removed.is_empty() {
                    continue;
                }
                out.push(PolicyChange {
                    role: role.arn.clone(),
                    policy: label.clone(),
                    added: added.iter().map(|s| describe(s)).collect(),
                    removed: removed.iter().map(|s| describe(s)).collect(),
                    grants: grants(&added),
                    functions: self.runs_as(&role.arn),
                });
            }
        }
        out
    }

    /// A role's identity policies: label -> statements.
    fn role_policies(&self, role: &Role) -> BTreeMap<String, BTreeMap<String, Value>> {
        let mut out: BTreeMap<String, BTreeMap<String, Value>> = role
            .inline_policies
            .iter()
            .map(|p| (format!("inline policy {}", p.name), statements(&p.document)))
            .collect();
        for arn in &role.attached_policy_arns {
            let docs = self.managed_policy(arn).map(|m| statements(&m.document)).unwrap_or_default();
            out.insert(arn.clone(), docs);
        }
        out
    }

    /// Names of the functions (any version) that run as `role`.
    fn runs_as(&self, role: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .functions()
            .iter()
            .filter(|f| f.role_arn == role || f.versions.iter().any(|v| v.role_arn == role))
            .map(|f| f.name.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Grant changes grouped by the resource-policy statement that makes them.
pub(super) fn statement_changes(added: &[GrantChange], removed: &[GrantChange]) -> Vec<StatementChange> {
    let mut groups: BTreeMap<(bool, String, Option<String>), Vec<String>> = BTreeMap::new();
    for (is_added, list) in [(true, added), (false, removed)] {
        for g in list.iter().filter(|g| g.statement_id.is_some()) {
            groups.entry((is_added, g.source.clone(), g.statement_id.clone())).or_default().push(format!(
                "{} ({})",
                g.principal,
                g.decision.label()
            ));
        }
    }
    groups
        .into_iter()
        .map(|((added, source, statement_id), grants)| StatementChange { source, statement_id, added, grants })
        .collect()
}
