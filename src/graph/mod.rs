//! The permission graph: a snapshot indexed for the questions people ask (who can invoke
//! what, what each function can reach, what is risky, what changed). The CLI and the
//! terminal UI both ask it, so they cannot disagree.
//!
//! Pure: no I/O, no async; never imports tokio, ratatui, crossterm or the AWS SDK. Built in
//! one pass; the invocation edges of resource policies, URLs and event sources are computed
//! up front, identity-based ones on demand.

mod can;
mod chains;
mod changes;
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
mod org;
mod principals;
mod reach;
mod reverse;
mod urls;
mod web;

use std::collections::HashMap;

use crate::model::{Function, Snapshot};
pub use can::{CanAnswer, CanDecision};
pub use chains::{Chain, Hop, MAX_HOPS};
pub use changes::{PolicyChange, StatementChange};
pub use diff::{Diff, GrantChange, ReachChange, diff};
pub use findings::{Finding, Severity, Subject};
pub use inputs::{describe as describe_gap, none_phrase};
pub use invoke::{Grant, Invokers, Path, PrincipalKind, Verdict, invoke_scopes, scope_arn};
pub use layers::USE_LAYER;
pub use lookup::{LookupError, Named, Target};
pub use org::RCP_SERVICES;
pub use principals::{PrincipalInfo, PrincipalSource};
pub use reach::{Reach, ReachStatement, ServiceReach};
pub use reverse::{RoleReach, WhoCanReach};
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
    /// Principal ARN -> index into `principals`.
    principal_index: HashMap<String, usize>,
    /// Account -> indexes into `principals`.
    by_account: HashMap<String, Vec<usize>>,
    /// Target function ARN (as the mapping names it) -> event source mappings.
    mappings: HashMap<String, Vec<usize>>,
    /// Roles whose trust policy could let an IAM principal in (not only services): the only
    /// possible targets of `sts:AssumeRole` from a role or user.
    assumable_roles: Vec<usize>,
    /// Resource-policy, URL and event-source grants per function, in function order.
    invokers: Vec<Vec<Grant>>,
    /// Role -> the assume edges into it (built on first use).
    chains_into: std::sync::OnceLock<HashMap<String, Vec<chains::Hop>>>,
    /// The organisation's SCP and RCP levels per member account.
    guardrails: org::Guardrails,
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
            principal_index: HashMap::new(),
            by_account: HashMap::new(),
            mappings: HashMap::new(),
            assumable_roles: Vec::new(),
            invokers: Vec::new(),
            chains_into: Default::default(),
            guardrails: Default::default(),
            reach_cache: Default::default(),
        };
        graph.guardrails = org::Guardrails::build(&graph.snapshot);
        for (i, m) in graph.snapshot.event_source_mappings.iter().enumerate() {
            graph.mappings.entry(m.function_arn.clone()).or_default().push(i);
        }
        graph.assumable_roles = chains::assumable_roles(&graph.snapshot.roles);
        graph.principals = principals::collect(&graph);
        for (i, p) in graph.principals.iter().enumerate() {
            graph.principal_index.insert(p.arn.clone(), i);
            let account = crate::policy::arn::account(&p.arn).unwrap_or_default().to_string();
            graph.by_account.entry(account).or_default().push(i);
        }
        graph.invokers = grants_in_parallel(&graph);
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

    /// Event source mappings whose target is exactly this (qualified) function ARN.
    pub(super) fn mappings_of(&self, arn: &str) -> impl Iterator<Item = &crate::model::EventSourceMapping> {
        self.mappings.get(arn).into_iter().flatten().map(|&i| &self.snapshot.event_source_mappings[i])
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

/// Every function's direct grants, computed on every core (each function's are
/// independent of the others'), in function order.
fn grants_in_parallel(graph: &Graph) -> Vec<Vec<Grant>> {
    par_map(graph.snapshot.functions.len(), |i| grants::direct_grants(graph, i))
}

/// `f(0..n)` in order, spread over the machine's cores when `n` is large enough to pay
/// for the threads. The pure core's only concurrency: scoped threads, no runtime.
pub(crate) fn par_map<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).min(n / 500).max(1);
    if threads == 1 {
        return (0..n).map(&f).collect();
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = (0..threads)
            .map(|t| {
                let range = t * chunk..((t + 1) * chunk).min(n);
                scope.spawn(move || range.map(f).collect::<Vec<_>>())
            })
            .collect();
        // A worker that panicked would be a bug in the engine: re-raise it here.
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// `unknown (access denied: iam:ListUsers)` style wording for a gap.
pub fn gap_reason(gap: &crate::model::Gap) -> String {
    format!("{}: {} on {}", gap.reason.as_str(), gap.operation, gap.resource)
}
