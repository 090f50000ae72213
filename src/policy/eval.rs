//! Decides a request against identity policies, a resource policy and a permission
//! boundary, following IAM's rules (see IAM.md): an explicit deny anywhere wins; within an
//! account an identity allow (capped by the boundary) or a resource-policy allow suffices;
//! across accounts both sides must allow; service principals and anonymous callers are
//! judged by the resource policy alone. Everything is computed in three-valued logic so
//! that a question with free condition keys comes back as `Conditional`.

use serde::Serialize;

use super::arn;
use super::condition;
use super::context::Context;
use super::document::{Condition, Effect, Policy, Principals, Statement, Targets};
use super::pattern::{Resolved, glob};
use super::principal::{Caller, MatchKind};
use super::tri::Tri;

/// A policy with the name it is reported under (`identity_policies[0]`, `resource_policy`…).
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub name: &'a str,
    pub policy: &'a Policy,
}

/// The policies that apply to one request.
#[derive(Debug, Clone, Default)]
pub struct Policies<'a> {
    pub identity: Vec<Named<'a>>,
    pub resource: Option<Named<'a>>,
    pub boundary: Option<Named<'a>>,
    /// The organisation's service control policies over the caller's account, one level
    /// per step of its path (root, each OU, the account). Empty: none apply (no
    /// organisation, the management account, a service or a service-linked role).
    pub scp: Vec<Level<'a>>,
    /// The resource control policies over the resource's account, level by level. Empty:
    /// none apply (the caller decides which services and accounts they cover).
    pub rcp: Vec<Level<'a>>,
}

/// One level of an organisation guardrail: the policies attached at one place of an
/// account's path. At every level some attached policy must allow the request.
#[derive(Debug, Clone)]
pub struct Level<'a> {
    /// Where they are attached, in words (`root r-ab12`, `OU Prod (ou-ab12-3)`, `account 1111…`).
    pub place: &'a str,
    pub policies: Vec<Named<'a>>,
}

#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub caller: &'a Caller,
    pub action: &'a str,
    pub resource: &'a str,
    pub context: &'a Context,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
    /// Depends on condition keys the question leaves free.
    Conditional,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicit_deny",
            Decision::ImplicitDeny => "implicit_deny",
            Decision::Conditional => "conditional",
        }
    }
}

/// A statement, located in its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy: String,
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
}

impl StatementRef {
    pub fn describe(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("{} statement \"{sid}\"", self.policy),
            _ => format!("{} statement #{}", self.policy, self.index),
        }
    }
}

/// A statement whose outcome depends on condition keys the question does not fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub statement: StatementRef,
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided: the denies for an explicit deny, the allows on every
    /// path that granted for an allow; for a conditional answer the undecided ones first,
    /// then the allows that hold.
    pub deciding: Vec<StatementRef>,
    /// The decision explained in words.
    pub reasons: Vec<String>,
    pub pending: Vec<Pending>,
}

/// Which kind of policy a statement sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Identity,
    Resource,
    Boundary,
    /// A service control policy at this level of `Policies::scp`.
    Scp(usize),
    /// A resource control policy at this level of `Policies::rcp`.
    Rcp(usize),
}

/// One statement judged against the request.
#[derive(Debug, Clone)]
pub(super) struct Hit<'a> {
    pub at: StatementRef,
    pub kind: Kind,
    pub tri: Tri,
    pub principal: MatchKind,
    pub unknown: Vec<&'a Condition>,
    /// Why a statement that named the caller and the action still did not apply.
    pub miss: Option<Miss<'a>>,
}

#[derive(Debug, Clone)]
pub(super) enum Miss<'a> {
    /// The resource is not among the statement's resources.
    Resource(&'a Targets),
    /// Action, resource and principal matched, but this condition is false.
    Condition(&'a Condition),
}

/// Does the action match the statement's `Action` / `NotAction`?
pub fn action_matches(targets: &Targets, action: &str) -> bool {
    let any = targets.values.iter().any(|t| match t.pattern.fixed() {
        Some(toks) => glob(toks, action, true),
        None => false,
    });
    any != targets.negated
}

/// Does the resource match the statement's `Resource` / `NotResource` (absent: any)?
pub fn resource_matches(targets: Option<&Targets>, resource: &str, ctx: &Context) -> Tri {
    let Some(targets) = targets else {
        return Tri::True;
    };
    let any = Tri::any(targets.values.iter().map(|t| match t.pattern.resolve(ctx) {
        Resolved::Ready(toks) => Tri::from_bool(arn::matches(&toks, resource)),
        Resolved::Unresolvable => Tri::False,
        Resolved::Unknown => Tri::Unknown,
    }));
    if targets.negated { !any } else { any }
}

/// Evaluates all conditions of a statement: their AND, the undecided ones and the first
/// false one.
pub fn conditions_match<'a>(conds: &'a [Condition], ctx: &Context) -> (Tri, Vec<&'a Condition>, Option<&'a Condition>) {
    let mut result = Tri::True;
    let mut unknown = Vec::new();
    let mut failed = None;
    for c in conds {
        match condition::evaluate(c, ctx) {
            Tri::True => {}
            Tri::False => {
                failed.get_or_insert(c);
                result = Tri::False;
            }
            Tri::Unknown => {
                unknown.push(c);
                result = result.and(Tri::Unknown);
            }
        }
    }
    (result, unknown, failed)
}

/// How a resource-policy statement's principal element applies to the caller.
fn principal_match(stmt: &Statement, caller: &Caller, has_boundary: bool) -> Option<MatchKind> {
    let p: &Principals = stmt.principal.as_ref()?;
    if !p.negated {
        return caller.match_principals(p);
    }
    // AWS: a NotPrincipal deny always applies to a principal that has a boundary.
    if stmt.effect == Effect::Deny && has_boundary && caller.has_identity_policies() {
        return Some(MatchKind::Direct);
    }
    (!caller.excluded_by(&p.entries)).then_some(MatchKind::Direct)
}

fn judge<'a>(named: Named<'a>, kind: Kind, req: &Request<'_>, has_boundary: bool) -> Vec<Hit<'a>> {
    let mut hits = Vec::new();
    for (index, stmt) in named.policy.statements.iter().enumerate() {
        if !action_matches(&stmt.actions, req.action) {
            continue;
        }
        let principal = match kind {
            Kind::Resource | Kind::Rcp(_) => match principal_match(stmt, req.caller, has_boundary) {
                Some(m) => m,
                None => continue,
            },
            Kind::Identity | Kind::Boundary | Kind::Scp(_) => MatchKind::Direct,
        };
        let res = resource_matches(stmt.resources.as_ref(), req.resource, req.context);
        let (cond, unknown, failed) = if res == Tri::False {
            (Tri::False, Vec::new(), None)
        } else {
            conditions_match(&stmt.conditions, req.context)
        };
        let miss = match (res, stmt.resources.as_ref(), failed) {
            (Tri::False, Some(targets), _) => Some(Miss::Resource(targets)),
            (_, _, Some(c)) => Some(Miss::Condition(c)),
            _ => None,
        };
        hits.push(Hit {
            at: StatementRef { policy: named.name.to_string(), index, sid: stmt.sid.clone(), effect: stmt.effect },
            kind,
            tri: res.and(cond),
            principal,
            unknown,
            miss,
        });
    }
    hits
}

/// One way of being allowed, with the statements it used.
pub(super) struct Path<'h, 'a> {
    pub tri: Tri,
    pub hits: Vec<&'h Hit<'a>>,
}

impl<'h, 'a> Path<'h, 'a> {
    fn of(hits: impl Iterator<Item = &'h Hit<'a>>) -> Path<'h, 'a> {
        let hits: Vec<_> = hits.filter(|h| h.tri != Tri::False).collect();
        Path { tri: Tri::any(hits.iter().map(|h| h.tri)), hits }
    }

    fn always() -> Path<'h, 'a> {
        Path { tri: Tri::True, hits: Vec::new() }
    }

    fn and(mut self, other: &Path<'h, 'a>) -> Path<'h, 'a> {
        self.tri = self.tri.and(other.tri);
        self.hits.extend(other.hits.iter().copied());
        self
    }
}

/// Decides one request.
pub fn evaluate(req: &Request<'_>, policies: &Policies<'_>) -> Evaluation {
    let caller = req.caller;
    let has_identity = caller.has_identity_policies();
    let has_boundary = has_identity && policies.boundary.is_some();
    // The root user's identity side is allowed outright, but a Deny handed to us in its
    // policies must still win.
    let judge_identity = has_identity || matches!(caller, Caller::Root { .. });
    let mut hits = Vec::new();
    if judge_identity {
        for named in &policies.identity {
            hits.extend(judge(*named, Kind::Identity, req, has_boundary));
        }
        if let Some(b) = policies.boundary {
            hits.extend(judge(b, Kind::Boundary, req, has_boundary));
        }
    }
    if let Some(r) = policies.resource {
        hits.extend(judge(r, Kind::Resource, req, has_boundary));
    }
    for (i, level) in policies.scp.iter().enumerate() {
        for named in &level.policies {
            hits.extend(judge(*named, Kind::Scp(i), req, has_boundary));
        }
    }
    for (i, level) in policies.rcp.iter().enumerate() {
        for named in &level.policies {
            hits.extend(judge(*named, Kind::Rcp(i), req, has_boundary));
        }
    }
    decide(req, &hits, has_boundary, policies)
}

/// The organisation's guardrails as one path: at every level of the SCPs and of the RCPs
/// some attached statement allows the request (no levels: nothing to satisfy).
fn guardrails<'h, 'a>(hits: &'h [Hit<'a>], policies: &Policies<'_>) -> Path<'h, 'a> {
    let scp = (0..policies.scp.len()).map(|i| Path::of(allows(hits, Kind::Scp(i))));
    let rcp = (0..policies.rcp.len()).map(|i| Path::of(allows(hits, Kind::Rcp(i))));
    scp.chain(rcp).fold(Path::always(), |all, level| all.and(&level))
}

pub(super) fn allows<'h, 'a>(hits: &'h [Hit<'a>], kind: Kind) -> impl Iterator<Item = &'h Hit<'a>> {
    hits.iter().filter(move |h| h.kind == kind && h.at.effect == Effect::Allow)
}

fn decide(req: &Request<'_>, hits: &[Hit<'_>], has_boundary: bool, policies: &Policies<'_>) -> Evaluation {
    let caller = req.caller;
    let deny = Path::of(hits.iter().filter(|h| h.at.effect == Effect::Deny));
    let is_root = matches!(caller, Caller::Root { .. });
    let identity = if is_root { Path::always() } else { Path::of(allows(hits, Kind::Identity)) };
    let boundary = if has_boundary { Path::of(allows(hits, Kind::Boundary)) } else { Path::always() };
    let resource =
        |kinds: &[MatchKind]| Path::of(allows(hits, Kind::Resource).filter(|h| kinds.contains(&h.principal)));
    let identity_side = identity.and(&boundary);
    // A resource ARN that names no account (S3) is in the caller's account.
    let resource_account = arn::account(req.resource).or(caller.account()).unwrap_or_default();
    let same_account = caller.account() == Some(resource_account);

    let paths: Vec<Path> = if !caller.has_identity_policies() && !is_root {
        vec![resource(&[MatchKind::Direct])]
    } else if same_account && needs_resource_policy(req.action, req.resource) {
        // The resource's own policy must let the caller in: directly, or by delegating to
        // the account's identity policies (as a default key policy or an account trust does).
        let delegated = identity_side.and(&resource(&[MatchKind::Account]));
        vec![delegated, resource(&[MatchKind::Direct]), resource(&[MatchKind::RoleArn]).and(&boundary)]
    } else if same_account {
        vec![identity_side, resource(&[MatchKind::Direct]), resource(&[MatchKind::RoleArn]).and(&boundary)]
    } else {
        vec![identity_side.and(&resource(&[MatchKind::Direct, MatchKind::RoleArn, MatchKind::Account]))]
    };
    // SCPs and RCPs grant nothing: every way of being allowed must also pass them.
    let guard = guardrails(hits, policies);
    let paths: Vec<Path> = paths.into_iter().map(|p| p.and(&guard)).collect();
    let allowed = Tri::any(paths.iter().map(|p| p.tri));

    let decision = match (deny.tri, allowed) {
        (Tri::True, _) => Decision::ExplicitDeny,
        (_, Tri::False) => Decision::ImplicitDeny,
        (Tri::False, Tri::True) => Decision::Allowed,
        _ => Decision::Conditional,
    };
    let ctx = super::explain::Explain { req, hits, same_account, is_root, has_boundary, policies };
    match decision {
        Decision::ExplicitDeny => ctx.explicit_deny(&deny),
        Decision::Allowed => ctx.allowed(&paths),
        Decision::ImplicitDeny => ctx.implicit_deny(&deny),
        Decision::Conditional => ctx.conditional(&deny, &paths),
    }
}

/// Resources whose own policy must allow a request even inside one account: KMS keys (the
/// key policy; "IAM policies alone never give access to a KMS key") and IAM roles for the
/// `sts:` actions their trust policy governs. Anywhere else an identity allow suffices.
pub fn needs_resource_policy(action: &str, resource: &str) -> bool {
    let Some(parts) = arn::split(resource) else { return false };
    let service = action.split(':').next().unwrap_or_default();
    match parts[2] {
        // An alias (`kms:CreateAlias`, `kms:DeleteAlias` on `alias/…`) is authorised by IAM
        // policies alone; only the key itself has a key policy.
        "kms" => service.eq_ignore_ascii_case("kms") && parts[5].starts_with("key/"),
        "iam" => service.eq_ignore_ascii_case("sts") && parts[5].starts_with("role/"),
        _ => false,
    }
}
