//! What a function can reach: its execution role's identity policies, after explicit
//! denies and the permission boundary, expanded against the action catalog and grouped by
//! service and access level. And the reverse: which functions can reach a resource.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Graph;
use super::invoke::scope_arn;
use super::lookup::Target;
use crate::catalog::{AccessLevel, ActionSet, Catalog};
use crate::model::Scope;
use crate::policy::{Effect, Statement, Targets};

/// One statement of the role's policies, as the reach answer shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReachStatement {
    pub effect: Effect,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_actions: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_resources: Option<Vec<String>>,
    pub conditions: Vec<String>,
    /// Which policy and statement (`managed policy ARN #0`, `inline policy x "Sid"`).
    pub source: String,
    /// The statement belongs to the permission boundary.
    pub boundary: bool,
    /// The statement belongs to one of the organisation's SCPs (it caps, never grants).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guardrail: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionReach {
    pub action: String,
    pub resources: Vec<String>,
    /// Every statement that allows it has conditions.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelReach {
    pub level: AccessLevel,
    pub allowed: usize,
    pub total: usize,
    /// Listed unless every action of the level is allowed.
    pub actions: Vec<ActionReach>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceReach {
    pub service: String,
    pub name: String,
    pub allowed: usize,
    pub total: usize,
    pub levels: Vec<LevelReach>,
    /// The resource patterns the allowed actions apply to.
    pub resources: Vec<String>,
    /// The allow statements that grant them: (policy, statement label).
    pub statements: Vec<(String, String)>,
    /// What else must agree before these actions work: a resource's own policy (KMS keys,
    /// role trust policies), resolved from the snapshot where it holds that policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reach {
    pub function: String,
    pub role_arn: String,
    pub boundary_arn: Option<String>,
    pub statements: Vec<ReachStatement>,
    pub services: Vec<ServiceReach>,
    /// Actions removed by an unconditional Deny on every resource.
    pub denied: Vec<String>,
    /// Allows every action of every service on every resource, with no condition.
    pub everything: bool,
    /// The role's own policies allow every action on every resource (before the
    /// organisation's SCPs, which may cap it).
    #[serde(skip)]
    pub granted_everything: bool,
    /// The role's policies that were not read (or could not be parsed): while any remain,
    /// the role may reach more than `services` shows.
    pub unread: Vec<String>,
    /// Other caveats (actions the catalog does not know).
    pub unknown: Vec<String>,
    /// Every allowed catalog action (what `services` groups).
    #[serde(skip)]
    pub allowed: ActionSet,
    /// Role chains from this role (`sts:AssumeRole`), with what each adds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<super::Chain>,
    /// What the organisation's SCPs take away from the role, level by level, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guardrails: Vec<String>,
}

pub(super) fn strings(t: &Targets) -> Vec<String> {
    t.values.iter().map(|v| v.text.clone()).collect()
}

pub(super) fn reach_statement(s: &Statement, source: String, boundary: bool) -> ReachStatement {
    let (actions, not_actions) =
        if s.actions.negated { (None, Some(strings(&s.actions))) } else { (Some(strings(&s.actions)), None) };
    let (resources, not_resources) = match &s.resources {
        Some(r) if r.negated => (None, Some(strings(r))),
        Some(r) => (Some(strings(r)), None),
        None => (Some(vec!["*".into()]), None),
    };
    ReachStatement {
        effect: s.effect,
        actions,
        not_actions,
        resources,
        not_resources,
        conditions: s.conditions.iter().map(|c| c.to_string()).collect(),
        source,
        boundary,
        guardrail: false,
    }
}

/// Is this an unconditional statement on every resource?
pub(super) fn everywhere(s: &Statement) -> bool {
    s.conditions.is_empty() && s.resources.as_ref().is_none_or(|r| !r.negated && r.values.iter().any(|v| v.text == "*"))
}

impl Graph {
    /// The execution role of a scope: a version keeps the role it was published with.
    pub fn role_of(&self, target: &Target) -> String {
        let f = self.function(target.function);
        let version = match &target.scope {
            Some(Scope::Version(v)) => Some(v.clone()),
            Some(Scope::Alias(a)) => f.aliases.iter().find(|x| &x.name == a).map(|x| x.function_version.clone()),
            // A Managed Instances function invoked unqualified runs `$LATEST.PUBLISHED`.
            _ => Some(crate::model::LATEST_PUBLISHED.to_string()),
        };
        version
            .and_then(|v| f.versions.iter().find(|x| x.version == v))
            .map_or_else(|| f.role_arn.clone(), |v| v.role_arn.clone())
    }

    /// What a function scope reaches: its role's own permissions, and the role chains
    /// (`sts:AssumeRole`) from it with what each adds.
    pub fn reach(&self, target: &Target) -> Reach {
        let mut reach = self.reach_without_chains(target);
        reach.chains = self.role_chains(&reach.role_arn);
        let (unread, unknown) = self.chain_inputs(&reach.role_arn);
        reach.unread.extend(unread);
        reach.unknown.extend(unknown);
        let (unread, unknown) = self.org_inputs();
        reach.unread.extend(unread);
        reach.unknown.extend(unknown);
        reach
    }

    /// `reach` without following role chains (what account-wide answers use).
    pub(super) fn reach_without_chains(&self, target: &Target) -> Reach {
        let f = self.function(target.function);
        let role_arn = self.role_of(target);
        let function = scope_arn(f, target.scope.as_ref().unwrap_or(&Scope::Unqualified));
        self.reach_of_role(function, &role_arn)
    }

    /// What a role reaches, labelled for `who` (computed once per role).
    pub(super) fn reach_of_role(&self, who: String, role_arn: &str) -> Reach {
        let cache = || self.reach_cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cached) = cache().get(role_arn) {
            return Reach { function: who, ..cached.clone() };
        }
        let reach = self.role_reach(who, role_arn.to_string());
        cache().insert(reach.role_arn.clone(), reach.clone());
        reach
    }

    pub(super) fn role_reach(&self, function: String, role_arn: String) -> Reach {
        let Some(p) = self.principal(&role_arn) else {
            // A role that does not exist reaches nothing (the function cannot even run).
            let unread = self.missing_role(&role_arn).into_iter().collect();
            return Reach {
                function,
                role_arn,
                boundary_arn: None,
                statements: Vec::new(),
                services: Vec::new(),
                denied: Vec::new(),
                everything: false,
                granted_everything: false,
                unread,
                unknown: Vec::new(),
                allowed: ActionSet::empty(Catalog::embedded().actions.len()),
                chains: Vec::new(),
                guardrails: Vec::new(),
            };
        };
        let boundary_arn = self.role(&role_arn).and_then(|r| r.permission_boundary_arn.clone());
        let (identity, boundary) = self.identity_policies(p);
        let unread = p.unknown.clone();
        let mut unknown = Vec::new();
        let catalog = Catalog::embedded();
        let mut statements = Vec::new();
        let mut allowed = ActionSet::empty(catalog.actions.len());
        let mut denied = ActionSet::empty(catalog.actions.len());
        let mut allows: Vec<Allow> = Vec::new();
        // What is allowed on every resource with no condition: "every action" means this.
        let mut anywhere = ActionSet::empty(catalog.actions.len());
        for named in &identity {
            for (i, s) in named.policy.statements.iter().enumerate() {
                statements.push(reach_statement(s, format!("{} {}", named.name, s.label(i)), false));
                let covered = catalog.covered(&strings(&s.actions), s.actions.negated);
                match s.effect {
                    Effect::Allow => {
                        for a in catalog.unknown(&strings(&s.actions)) {
                            unknown.push(format!(
                                "{a} (in {}) is not in the action catalog; shown as written",
                                named.name
                            ));
                        }
                        allowed.union_with(&covered);
                        if everywhere(s) {
                            anywhere.union_with(&covered);
                        }
                        allows.push(Allow {
                            statement: s,
                            actions: covered,
                            source: (named.name.to_string(), s.label(i)),
                        });
                    }
                    Effect::Deny if everywhere(s) => denied.union_with(&covered),
                    Effect::Deny => {}
                }
            }
        }
        if let Some(b) = &boundary {
            let mut within = ActionSet::empty(catalog.actions.len());
            let mut within_anywhere = ActionSet::empty(catalog.actions.len());
            for (i, s) in b.policy.statements.iter().enumerate() {
                statements.push(reach_statement(s, format!("boundary {} {}", b.name, s.label(i)), true));
                let covered = catalog.covered(&strings(&s.actions), s.actions.negated);
                match s.effect {
                    Effect::Allow => {
                        within.union_with(&covered);
                        if everywhere(s) {
                            within_anywhere.union_with(&covered);
                        }
                    }
                    Effect::Deny if everywhere(s) => denied.union_with(&covered),
                    Effect::Deny => {}
                }
            }
            allowed.intersect_with(&within);
            anywhere.intersect_with(&within_anywhere);
        }
        let mut removed = allowed.clone();
        removed.intersect_with(&denied);
        allowed.subtract(&denied);
        anywhere.subtract(&denied);
        let granted_everything = anywhere.len() == catalog.actions.len();
        let guardrails = self.subtract_scps(&role_arn, &mut allowed, &mut anywhere, &mut statements);
        let everything = anywhere.len() == catalog.actions.len();
        let mut services = group(catalog, &allowed, &allows);
        for s in &mut services {
            s.requires = self.requires(&s.service, &role_arn);
        }
        Reach {
            function,
            role_arn,
            boundary_arn,
            statements,
            services,
            denied: removed.iter().map(|i| catalog.full_name(i)).collect(),
            everything,
            granted_everything,
            unread,
            unknown,
            allowed,
            chains: Vec::new(),
            guardrails,
        }
    }
}

/// One allow statement of the role, the catalog actions it covers and where it lives.
struct Allow<'a> {
    statement: &'a Statement,
    actions: ActionSet,
    source: (String, String),
}

/// Groups allowed actions by service and access level, with the resources each applies to.
///
/// Linear in what it reports: each service looks only at the statements that touch it (one
/// bitset count each), and per-action detail is built only for levels granted in part, from
/// that service's statements. A role of 1,500 statements that each allow `*` groups in
/// milliseconds.
fn group(catalog: &Catalog, allowed: &ActionSet, allows: &[Allow]) -> Vec<ServiceReach> {
    let resources: Vec<Vec<String>> = allows.iter().map(|a| resource_texts(a.statement)).collect();
    let mut out = Vec::new();
    for s in &catalog.services {
        let count = allowed.count_in(s.actions.clone());
        if count == 0 {
            continue;
        }
        // The statements that allow something this service grants, in policy order.
        let touching: Vec<usize> =
            (0..allows.len()).filter(|&k| allows[k].actions.meets_in(allowed, s.actions.clone())).collect();
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut service_resources = BTreeSet::new();
        for &k in &touching {
            if seen.insert(&allows[k].source) {
                sources.push(allows[k].source.clone());
            }
            service_resources.extend(resources[k].iter().cloned());
        }
        let mut levels = Vec::new();
        for level in AccessLevel::ALL {
            let members: Vec<usize> = s.actions.clone().filter(|&i| catalog.actions[i].level == level).collect();
            let granted: Vec<usize> = members.iter().copied().filter(|&i| allowed.contains(i)).collect();
            if granted.is_empty() {
                continue;
            }
            let mut actions = Vec::new();
            if granted.len() < members.len() {
                for &i in &granted {
                    let covering: Vec<usize> =
                        touching.iter().copied().filter(|&k| allows[k].actions.contains(i)).collect();
                    let action_resources: BTreeSet<&String> = covering.iter().flat_map(|&k| &resources[k]).collect();
                    actions.push(ActionReach {
                        action: catalog.full_name(i),
                        resources: action_resources.into_iter().cloned().collect(),
                        conditional: covering.iter().all(|&k| !allows[k].statement.conditions.is_empty()),
                    });
                }
            }
            levels.push(LevelReach { level, allowed: granted.len(), total: members.len(), actions });
        }
        out.push(ServiceReach {
            service: s.prefix.clone(),
            name: s.name.clone(),
            allowed: count,
            total: s.actions.len(),
            levels,
            resources: service_resources.into_iter().collect(),
            statements: sources,
            requires: None,
        });
    }
    out
}

fn resource_texts(s: &Statement) -> Vec<String> {
    match &s.resources {
        None => vec!["*".into()],
        Some(r) if r.negated => vec![format!("everything except {}", strings(r).join(", "))],
        Some(r) => strings(r),
    }
}
