//! Comparing two snapshots of one account: grants added or removed per scope, reach
//! gained or lost per function, findings introduced or resolved.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::findings::{Finding, Subject};
use super::invoke::{Grant, Path, Verdict};
use super::lookup::Target;
use super::{Graph, Reach};
use crate::catalog::Catalog;

/// One grant, as compared between snapshots.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GrantChange {
    /// What is invoked (or used): a function, a web function or a layer.
    pub subject: Subject,
    /// Where the grant lives (which policy, URL or mapping).
    pub source: String,
    pub function: String,
    pub qualifier: Option<String>,
    pub principal: String,
    pub path: Path,
    pub decision: Verdict,
    pub statement_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachChange {
    pub function: String,
    pub role_arn: String,
    pub actions: Vec<String>,
    /// Services whose resource patterns changed: `s3: old -> new`.
    pub resources: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub functions_added: Vec<String>,
    pub functions_removed: Vec<String>,
    pub invokers_added: Vec<GrantChange>,
    pub invokers_removed: Vec<GrantChange>,
    pub reach_gained: Vec<ReachChange>,
    pub reach_lost: Vec<ReachChange>,
    pub findings_introduced: Vec<Finding>,
    pub findings_resolved: Vec<Finding>,
    /// The role policies that changed, each with what it grants and the functions it reaches.
    pub policy_changes: Vec<super::PolicyChange>,
    /// The resource-policy statements added or removed, each with its grants.
    pub statement_changes: Vec<super::StatementChange>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.functions_added.is_empty()
            && self.functions_removed.is_empty()
            && self.invokers_added.is_empty()
            && self.invokers_removed.is_empty()
            && self.reach_gained.is_empty()
            && self.reach_lost.is_empty()
            && self.findings_introduced.is_empty()
            && self.findings_resolved.is_empty()
            && self.policy_changes.is_empty()
    }
}

fn change(subject: Subject, name: &str, gr: &Grant) -> GrantChange {
    GrantChange {
        subject,
        source: gr.source.clone(),
        function: name.to_string(),
        qualifier: gr.qualifier.clone(),
        principal: gr.principal.clone(),
        path: gr.path,
        decision: gr.decision,
        statement_id: gr.statement_id.clone(),
    }
}

fn grants(g: &Graph) -> BTreeSet<GrantChange> {
    let mut out = BTreeSet::new();
    for (i, f) in g.functions().iter().enumerate() {
        out.extend(g.direct_grants(i).iter().map(|gr| change(Subject::Function, &f.name, gr)));
    }
    // Web endpoints and layer versions: their policy grants and open endpoints (identity
    // callers are left out, as for functions).
    for (i, w) in g.web_functions().iter().enumerate() {
        let answer = g.who_can_invoke_web(i, None);
        let direct = answer.grants.iter().filter(|gr| gr.path != Path::IdentityPolicy);
        out.extend(direct.map(|gr| change(Subject::WebFunction, &w.name, gr)));
    }
    for (i, l) in g.layers().iter().enumerate() {
        let answer = g.who_can_use_layer(i, None);
        let direct = answer.grants.iter().filter(|gr| gr.path != Path::IdentityPolicy);
        out.extend(direct.map(|gr| change(Subject::Layer, &l.name, gr)));
    }
    out
}

/// Each function's reach (computed once per role).
fn reaches(g: &Graph) -> BTreeMap<String, Reach> {
    let mut by_role: BTreeMap<String, Reach> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (i, f) in g.functions().iter().enumerate() {
        let reach = by_role
            .entry(f.role_arn.clone())
            .or_insert_with(|| g.reach_without_chains(&Target { function: i, scope: None }));
        out.insert(f.name.clone(), reach.clone());
    }
    out
}

fn resources(r: &Reach) -> BTreeMap<&str, &Vec<String>> {
    r.services.iter().map(|s| (s.service.as_str(), &s.resources)).collect()
}

fn reach_change(name: &str, from: &Reach, to: &Reach) -> (Option<ReachChange>, Option<ReachChange>) {
    let catalog = Catalog::embedded();
    let names = |set: crate::catalog::ActionSet| set.iter().map(|i| catalog.full_name(i)).collect::<Vec<_>>();
    let mut gained = to.allowed.clone();
    gained.subtract(&from.allowed);
    let mut lost = from.allowed.clone();
    lost.subtract(&to.allowed);
    let (old, new) = (resources(from), resources(to));
    let moved: Vec<String> = new
        .iter()
        .filter_map(|(s, r)| {
            old.get(s).filter(|o| o != &r).map(|o| format!("{s}: {} -> {}", o.join(", "), r.join(", ")))
        })
        .collect();
    let change = |actions: Vec<String>, resources: Vec<String>| {
        (!actions.is_empty() || !resources.is_empty()).then(|| ReachChange {
            function: name.to_string(),
            role_arn: to.role_arn.clone(),
            actions,
            resources,
        })
    };
    (change(names(gained), moved), change(names(lost), Vec::new()))
}

/// What changed from `old` to `new`.
pub fn diff(old: &Graph, new: &Graph) -> Diff {
    let names = |g: &Graph| g.functions().iter().map(|f| f.name.clone()).collect::<BTreeSet<_>>();
    let (old_names, new_names) = (names(old), names(new));
    let (old_grants, new_grants) = (grants(old), grants(new));
    let (old_reach, new_reach) = (reaches(old), reaches(new));
    let mut d = Diff {
        functions_added: new_names.difference(&old_names).cloned().collect(),
        functions_removed: old_names.difference(&new_names).cloned().collect(),
        invokers_added: new_grants.difference(&old_grants).cloned().collect(),
        invokers_removed: old_grants.difference(&new_grants).cloned().collect(),
        ..Diff::default()
    };
    for (name, to) in &new_reach {
        if let Some(from) = old_reach.get(name) {
            let (gained, lost) = reach_change(name, from, to);
            d.reach_gained.extend(gained);
            d.reach_lost.extend(lost);
        }
    }
    let (old_findings, new_findings): (BTreeSet<Finding>, BTreeSet<Finding>) =
        (old.findings().into_iter().collect(), new.findings().into_iter().collect());
    d.findings_introduced = new_findings.difference(&old_findings).cloned().collect();
    d.findings_resolved = old_findings.difference(&new_findings).cloned().collect();
    d.policy_changes = new.policy_changes(old);
    d.statement_changes = super::changes::statement_changes(&d.invokers_added, &d.invokers_removed);
    d
}
