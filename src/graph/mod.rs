//! The permission graph: a snapshot indexed for the questions people ask (who can invoke
//! what, what each function can reach, what is risky, what changed). The CLI and the
//! terminal UI both ask it, so they cannot disagree.
//!
//! Pure: no I/O, no async; never imports tokio, ratatui, crossterm or the AWS SDK. Built in
//! one pass; the invocation edges of resource policies, URLs and event sources are computed
//! up front, identity-based ones on demand.

mod can;
mod chains;
mod diff;
mod findings;
mod foreign;
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
pub use chains::{Chain, Hop, MAX_HOPS};
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
    /// Function name -> every function of that name (one per account and region read).
    by_name: HashMap<String, Vec<usize>>,
    /// Unqualified function ARN -> function.
    by_arn: HashMap<String, usize>,
    roles: HashMap<String, usize>,
    managed: HashMap<String, usize>,
    /// Principals of the account whose identity policies the snapshot holds.
    pub principals: Vec<PrincipalInfo>,
    /// Resource-policy, URL and event-source grants per function, in function order.
    invokers: Vec<Vec<Grant>>,
    /// Role -> the assume edges into it (built on first use).
    chains_into: std::sync::OnceLock<HashMap<String, Vec<chains::Hop>>>,
    /// Reach depends only on the role, and roles are shared: computed once per role.
    reach_cache: std::sync::Mutex<HashMap<String, Reach>>,
}

impl Graph {
    pub fn build(snapshot: Snapshot) -> Graph {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in snapshot.functions.iter().enumerate() {
            by_name.entry(f.name.clone()).or_default().push(i);
        }
        let by_arn = snapshot.functions.iter().enumerate().map(|(i, f)| (f.arn.clone(), i)).collect();
        let roles = snapshot.roles.iter().enumerate().map(|(i, r)| (r.arn.clone(), i)).collect();
        let managed = snapshot.managed_policies.iter().enumerate().map(|(i, p)| (p.arn.clone(), i)).collect();
        let mut graph = Graph {
            snapshot,
            by_name,
            by_arn,
            roles,
            managed,
            principals: Vec::new(),
            invokers: Vec::new(),
            chains_into: Default::default(),
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

    /// The index of the function with this exact name, when only one has it (a snapshot
    /// of several accounts or regions may hold several).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    /// Every function with this exact name.
    pub fn indexes_of(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The index of the function with this unqualified ARN.
    pub fn index_of_arn(&self, arn: &str) -> Option<usize> {
        self.by_arn.get(arn).copied()
    }

    /// The account a function (or any ARN) belongs to; the snapshot's own for anything else.
    pub fn account_of<'a>(&'a self, arn: &'a str) -> &'a str {
        crate::policy::arn::account(arn).filter(|a| !a.is_empty()).unwrap_or(&self.snapshot.account_id)
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
