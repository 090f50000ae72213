//! Role chains: `sts:AssumeRole` from one role to another whose trust policy lets it in,
//! in this account or any account the snapshot holds. `reach` follows them from an
//! execution role and says what each chain adds; `who-can-invoke` lists principals that
//! reach a function only by assuming a role that may invoke it. Chains are at most
//! `MAX_HOPS` long and never revisit a role.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::Serialize;

use super::Graph;
use super::invoke::{Grant, Path, PrincipalKind, Verdict};
use crate::catalog::Catalog;
use crate::policy::eval::action_matches;
use crate::policy::{self, Caller, Context, Decision, Effect, Named, Policies, Request, arn};

/// The longest chain followed.
pub const MAX_HOPS: usize = 3;

/// One `sts:AssumeRole` step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub from: String,
    pub to: String,
    pub decision: Verdict,
    /// The trust statement that lets `from` in.
    pub trust_statement: Option<String>,
    /// What the step depends on (conditions of either side).
    pub conditions: Vec<String>,
}

/// A chain from a role, and what its last role reaches that the first does not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chain {
    pub hops: Vec<Hop>,
    /// `service (N actions)` for each service the last role adds.
    pub adds: Vec<String>,
    /// The last role allows every action on every resource.
    pub everything: bool,
}

impl Graph {
    /// Roles `from` may assume: its identity policies and boundary, each target's trust
    /// policy, and the organisation's SCPs and RCPs decide (`sts:AssumeRole` always needs
    /// the trust policy). In one account a trust policy naming `from` itself lets it in with
    /// no identity allow at all; one naming only the account delegates to identity policies.
    pub(super) fn assume_edges(&self, from: &str) -> Vec<Hop> {
        let (Ok(caller), Some(p)) = (Caller::parse(from), self.principal(from)) else { return Vec::new() };
        let (identity, boundary) = self.identity_policies(p);
        // Most principals allow no sts:AssumeRole at all: then only trust policies of their
        // own account that name them can let them in.
        let identity_allows = self.may_assume(from);
        let mut out = Vec::new();
        let targets = self.assumable_roles.iter().map(|&i| &self.snapshot.roles[i]);
        for target in targets.filter(|r| r.arn != from) {
            let Some(Ok(trust)) = target.trust_policy.as_ref().map(|t| &t.parsed) else { continue };
            let trusted_alone = caller.account() == arn::account(&target.arn) && names_directly(trust, &caller);
            if !identity_allows && !trusted_alone {
                continue;
            }
            let ctx = self.request_context(Context::open(), &caller, &target.arn);
            let policies = Policies {
                identity: identity.clone(),
                resource: Some(Named { name: "trust policy", policy: trust }),
                boundary,
                ..Default::default()
            };
            let policies = self.guarded(policies, &caller, "sts:AssumeRole", &target.arn);
            let request = Request { caller: &caller, action: "sts:AssumeRole", resource: &target.arn, context: &ctx };
            let eval = policy::evaluate(&request, &policies);
            let decision = match eval.decision {
                Decision::Allowed => Verdict::Allowed,
                Decision::Conditional => Verdict::Conditional,
                _ => continue,
            };
            let (_, conditions) = super::invoke::verdict(&eval, None);
            let trust_statement = eval
                .deciding
                .iter()
                .find(|s| s.policy == "trust policy")
                .map(|s| s.sid.clone().filter(|x| !x.is_empty()).unwrap_or(format!("#{}", s.index)));
            out.push(Hop { from: from.to_string(), to: target.arn.clone(), decision, trust_statement, conditions });
        }
        out
    }

    /// Whether some identity statement of `from` allows `sts:AssumeRole` on something.
    fn may_assume(&self, from: &str) -> bool {
        let Some(p) = self.principal(from) else { return false };
        self.identity_policies(p)
            .0
            .iter()
            .flat_map(|n| &n.policy.statements)
            .any(|s| s.effect == Effect::Allow && action_matches(&s.actions, "sts:AssumeRole"))
    }

    /// What the chains from `role` depend on but could not see: roles whose trust policy
    /// is missing or unparsable (unread), and roles of accounts the snapshot does not hold
    /// (unknown). Nothing when the role may assume no role at all.
    pub(super) fn chain_inputs(&self, role: &str) -> (Vec<String>, Vec<String>) {
        if !self.may_assume(role) {
            return (Vec::new(), Vec::new());
        }
        let unread = self
            .snapshot
            .roles
            .iter()
            .filter_map(|r| match r.trust_policy.as_ref().map(|t| &t.parsed) {
                None => {
                    Some(format!("trust policy of {} was not read: whether {role} can assume it is unknown", r.arn))
                }
                Some(Err(e)) => Some(format!(
                    "trust policy of {} could not be parsed ({e}): whether {role} can assume it is unknown",
                    r.arn
                )),
                Some(Ok(_)) => None,
            })
            .collect();
        let unknown = vec![format!(
            "roles of accounts this snapshot does not hold: whether {role} can assume them is decided by their trust \
             policies (not read)"
        )];
        (unread, unknown)
    }

    /// Every principal's assume edges, by target role (built once).
    fn edges_into(&self) -> &HashMap<String, Vec<Hop>> {
        self.chains_into.get_or_init(|| {
            let mut into: HashMap<String, Vec<Hop>> = HashMap::new();
            for p in &self.principals {
                for hop in self.assume_edges(&p.arn) {
                    into.entry(hop.to.clone()).or_default().push(hop);
                }
            }
            into
        })
    }

    /// The chains from `role`, breadth first, each with what its last role adds.
    pub fn role_chains(&self, role: &str) -> Vec<Chain> {
        let start = self.reach_of_role(role.to_string(), role);
        let mut out = Vec::new();
        let mut queue: VecDeque<Vec<Hop>> = self.assume_edges(role).into_iter().map(|h| vec![h]).collect();
        while let Some(path) = queue.pop_front() {
            let last = path.last().map(|h| h.to.clone()).unwrap_or_default();
            let target = self.reach_of_role(last.clone(), &last);
            let mut gained = target.allowed.clone();
            gained.subtract(&start.allowed);
            out.push(Chain { adds: by_service(&gained), everything: target.everything, hops: path.clone() });
            if path.len() < MAX_HOPS {
                let seen: BTreeSet<&str> = std::iter::once(role).chain(path.iter().map(|h| h.to.as_str())).collect();
                for hop in self.assume_edges(&last).into_iter().filter(|h| !seen.contains(h.to.as_str())) {
                    let mut longer = path.clone();
                    longer.push(hop);
                    queue.push_back(longer);
                }
            }
        }
        out
    }

    /// Principals that reach `grants` (identity-policy rows of roles) only by assuming one
    /// of those roles, up to `MAX_HOPS` steps back, each once.
    pub(super) fn assumed_grants(&self, grants: &[Grant]) -> Vec<Grant> {
        let into = self.edges_into();
        let mut out = Vec::new();
        // Every role of any account read that may invoke (allowed or conditional, by any
        // path) is a way in; a denied row is never a stepping stone, and its principal may
        // still get in by assuming another role.
        let usable = |g: &&Grant| {
            g.decision != Verdict::Denied && g.principal_kind == PrincipalKind::Role && g.path != Path::AssumedRole
        };
        let mut seen: BTreeSet<String> =
            grants.iter().filter(|g| g.decision != Verdict::Denied).map(|g| g.principal.clone()).collect();
        let mut frontier: Vec<(Grant, Vec<String>)> =
            grants.iter().filter(usable).map(|g| (g.clone(), Vec::new())).collect();
        for _ in 0..MAX_HOPS {
            let mut next = Vec::new();
            for (grant, via) in &frontier {
                for hop in into.get(&grant.principal).into_iter().flatten() {
                    if !seen.insert(hop.from.clone()) {
                        continue;
                    }
                    let mut via = via.clone();
                    via.insert(0, grant.principal.clone());
                    let mut conditions = vec![format!(
                        "by assuming {} (trust statement {})",
                        via.join(", then "),
                        hop.trust_statement.as_deref().unwrap_or("?")
                    )];
                    conditions.extend(hop.conditions.iter().cloned());
                    conditions.extend(grant.conditions.iter().cloned());
                    let decision = if hop.decision == Verdict::Allowed && grant.decision == Verdict::Allowed {
                        Verdict::Allowed
                    } else {
                        Verdict::Conditional
                    };
                    let row = Grant {
                        principal: hop.from.clone(),
                        principal_kind: if hop.from.contains(":user/") {
                            PrincipalKind::User
                        } else {
                            PrincipalKind::Role
                        },
                        path: Path::AssumedRole,
                        decision,
                        conditions,
                        source: format!("assumes {}", grant.principal),
                        ..grant.clone()
                    };
                    next.push((row.clone(), via));
                    out.push(row);
                }
            }
            frontier = next;
        }
        out
    }
}

/// Whether an Allow of a trust policy names the caller itself (its ARN, its role, everyone,
/// or a `NotPrincipal` that leaves it in), not only its account.
fn names_directly(trust: &policy::Policy, caller: &Caller) -> bool {
    trust.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && s.principal.as_ref().is_some_and(|p| {
                p.negated || caller.match_principals(p).is_some_and(|m| m != crate::policy::MatchKind::Account)
            })
    })
}

/// Roles whose trust policy has an Allow naming an AWS principal, `*` or a `NotPrincipal`:
/// a trust policy that admits only services (or is unreadable) lets no role or user in.
pub(super) fn assumable_roles(roles: &[crate::model::Role]) -> Vec<usize> {
    roles
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let Some(Ok(trust)) = r.trust_policy.as_ref().map(|t| &t.parsed) else { return false };
            trust.statements.iter().any(|s| {
                s.effect == Effect::Allow
                    && s.principal.as_ref().is_some_and(|p| {
                        p.negated
                            || p.entries.iter().any(|e| {
                                matches!(
                                    e,
                                    crate::policy::PrincipalEntry::Anyone | crate::policy::PrincipalEntry::Aws(_)
                                )
                            })
                    })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// `service (N actions)` per service of an action set, largest first.
pub(super) fn by_service(set: &crate::catalog::ActionSet) -> Vec<String> {
    let catalog = Catalog::embedded();
    let mut counts: Vec<(usize, String)> = catalog
        .services
        .iter()
        .map(|s| (set.count_in(s.actions.clone()), s.prefix.clone()))
        .filter(|(n, _)| *n > 0)
        .collect();
    counts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    counts
        .into_iter()
        .map(|(n, s)| if n == 1 { format!("{s} (1 action)") } else { format!("{s} ({n} actions)") })
        .collect()
}
