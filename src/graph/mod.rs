//! The permission graph: a snapshot indexed for the questions people ask (who can invoke
//! what, what each function can reach, what is risky, what changed). The CLI and the
//! terminal UI both ask it, so they cannot disagree.
//!
//! Pure: no I/O, no async; never imports tokio, ratatui, crossterm or the AWS SDK. Built in
//! one pass; the invocation edges of resource policies, URLs and event sources are computed
//! up front, identity-based ones on demand.

mod can;
mod diff;
mod findings;
mod grants;
mod inputs;
mod invoke;
mod layers;
mod lookup;
mod meaning;
mod needs;
mod principals;
mod reach;
mod urls;
mod web;

use std::collections::HashMap;

use crate::model::{Function, Snapshot};
pub use can::CanAnswer;
pub use diff::{Diff, GrantChange, ReachChange, diff};
pub use findings::{Finding, Severity, Subject};
pub use inputs::{describe as describe_gap, none_phrase};
pub use invoke::{Grant, Invokers, Path, PrincipalKind, Verdict, invoke_scopes, scope_arn};
pub use layers::USE_LAYER;
pub use lookup::{LookupError, Named, Target};
pub use principals::{PrincipalInfo, PrincipalSource};
pub use reach::{Reach, ReachStatement, RoleReach, ServiceReach, WhoCanReach};
pub use web::{INVOKE_WEB, RevisionReach, WebReach};

/// An indexed snapshot.
#[derive(Debug)]
pub struct Graph {
    pub snapshot: Snapshot,
    by_name: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    managed: HashMap<String, usize>,
    /// Principals of the account whose identity policies the snapshot holds.
    pub principals: Vec<PrincipalInfo>,
    /// Resource-policy, URL and event-source grants per function, in function order.
    invokers: Vec<Vec<Grant>>,
    /// Reach depends only on the role, and roles are shared: computed once per role.
    reach_cache: std::sync::Mutex<HashMap<String, Reach>>,
}

impl Graph {
    pub fn build(snapshot: Snapshot) -> Graph {
        let by_name = snapshot.functions.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
        let roles = snapshot.roles.iter().enumerate().map(|(i, r)| (r.arn.clone(), i)).collect();
        let managed = snapshot.managed_policies.iter().enumerate().map(|(i, p)| (p.arn.clone(), i)).collect();
        let mut graph = Graph {
            snapshot,
            by_name,
            roles,
            managed,
            principals: Vec::new(),
            invokers: Vec::new(),
            reach_cache: Default::default(),
        };
        graph.principals = principals::collect(&graph);
        graph.invokers = (0..graph.snapshot.functions.len()).map(|i| grants::direct_grants(&graph, i)).collect();
        graph
    }

    pub fn functions(&self) -> &[Function] {
        &self.snapshot.functions
    }

    pub fn function(&self, index: usize) -> &Function {
        &self.snapshot.functions[index]
    }

    /// The index of the function with this exact name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Grants through resource policies, URLs and event sources, for every scope of a function.
    pub fn direct_grants(&self, function: usize) -> &[Grant] {
        &self.invokers[function]
    }

    pub fn role(&self, arn: &str) -> Option<&crate::model::Role> {
        self.roles.get(arn).map(|&i| &self.snapshot.roles[i])
    }

    pub fn managed_policy(&self, arn: &str) -> Option<&crate::model::ManagedPolicy> {
        self.managed.get(arn).map(|&i| &self.snapshot.managed_policies[i])
    }

    /// A gap recorded for this operation on this resource (or on everything).
    pub fn gap(&self, operations: &[&str], resource: &str) -> Option<&crate::model::Gap> {
        self.snapshot
            .gaps
            .iter()
            .find(|g| operations.contains(&g.operation.as_str()) && (g.resource == resource || g.resource == "*"))
    }
}

/// `unknown (access denied: iam:ListUsers)` style wording for a gap.
pub fn gap_reason(gap: &crate::model::Gap) -> String {
    format!("{}: {} on {}", gap.reason.as_str(), gap.operation, gap.resource)
}
