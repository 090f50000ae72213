//! The reverse of reach: which functions' execution roles allow one action on one
//! resource (`who-can-reach`), with the roles that could not be read named.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Graph;
use crate::policy::{self, Caller, Context, Decision, Policies, Request};

impl Graph {
    /// Which functions' roles allow `action` on `resource`.
    pub fn who_can_reach(&self, action: &str, resource: &str) -> WhoCanReach {
        let mut by_role: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in self.functions() {
            by_role.entry(f.role_arn.clone()).or_default().push(f.name.clone());
            for v in f.versions.iter().filter(|v| v.role_arn != f.role_arn) {
                by_role.entry(v.role_arn.clone()).or_default().push(format!("{}:{}", f.name, v.version));
            }
        }
        let mut rows = Vec::new();
        let mut unread: Vec<String> =
            self.gap(&["lambda:ListFunctions"], "*").map(super::describe_gap).into_iter().collect();
        for (role, functions) in by_role {
            let Some(p) = self.principal(&role) else {
                unread.extend(self.missing_role(&role).map(|why| format!("{why} (used by {})", functions.join(", "))));
                continue;
            };
            unread.extend(p.unknown.iter().cloned());
            let Ok(caller) = Caller::parse(&role) else { continue };
            let (identity, boundary) = self.identity_policies(p);
            let ctx = self.request_context(Context::open(), &caller, resource);
            let policies = Policies { identity, resource: None, boundary, ..Default::default() };
            let policies = self.guarded(policies, &caller, action, resource);
            let eval = policy::evaluate(&Request { caller: &caller, action, resource, context: &ctx }, &policies);
            if matches!(eval.decision, Decision::Allowed | Decision::Conditional) {
                rows.push(RoleReach {
                    role,
                    functions,
                    decision: eval.decision,
                    statements: eval.deciding.iter().map(|s| s.describe()).collect(),
                    reasons: eval.reasons,
                });
            }
        }
        let unknown = vec![format!(
            "the resource's own policy (if {resource} has one) is not read: a Deny there would still apply"
        )];
        unread.sort();
        unread.dedup();
        WhoCanReach { action: action.to_string(), resource: resource.to_string(), roles: rows, unread, unknown }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleReach {
    pub role: String,
    pub functions: Vec<String>,
    pub decision: Decision,
    pub statements: Vec<String>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhoCanReach {
    pub action: String,
    pub resource: String,
    pub roles: Vec<RoleReach>,
    /// Roles and listings not read: while any remain, a function may be missing from `roles`.
    pub unread: Vec<String>,
    pub unknown: Vec<String>,
}
