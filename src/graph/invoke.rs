//! Who can invoke a function: one row per grant, per scope, per path (resource policy,
//! function URL, event source, identity policy), each decided by the policy engine and
//! carrying the conditions it depends on. What could not be read is listed as unknown.

use serde::Serialize;

use super::Graph;
use super::lookup::Target;
use crate::model::{Function, Scope};
use crate::policy::eval::{action_matches, resource_matches};
use crate::policy::{self, Caller, Context, Decision, Effect, Evaluation, Named, Policies, Policy, Request, Tri};

pub const INVOKE: &str = "lambda:InvokeFunction";
pub const INVOKE_URL: &str = "lambda:InvokeFunctionUrl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Path {
    ResourcePolicy,
    FunctionUrl,
    EventSource,
    IdentityPolicy,
    /// A web function endpoint whose AuthType lets callers in without Lambda's say.
    WebEndpoint,
    /// By assuming a role that may (`sts:AssumeRole`, its trust policy letting them in).
    AssumedRole,
}

impl Path {
    pub fn label(self) -> &'static str {
        match self {
            Path::ResourcePolicy => "resource-policy",
            Path::FunctionUrl => "function-url",
            Path::EventSource => "event-source",
            Path::IdentityPolicy => "identity-policy",
            Path::WebEndpoint => "web-endpoint",
            Path::AssumedRole => "assume-role",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalKind {
    Anyone,
    Account,
    Organization,
    Service,
    User,
    Role,
    Session,
    FederatedUser,
    /// A principal that was deleted: AWS shows its unique id.
    Deleted,
    EventSource,
    /// IAM-authenticated callers of an `AWS_IAM` function URL.
    IamCallers,
    Other,
}

impl PrincipalKind {
    pub fn label(self) -> &'static str {
        match self {
            PrincipalKind::Anyone => "anyone",
            PrincipalKind::Account => "account",
            PrincipalKind::Organization => "organization",
            PrincipalKind::Service => "service",
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
            PrincipalKind::Session => "session",
            PrincipalKind::FederatedUser => "federated-user",
            PrincipalKind::Deleted => "deleted",
            PrincipalKind::EventSource => "event-source",
            PrincipalKind::IamCallers => "iam-callers",
            PrincipalKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allowed,
    Conditional,
    Denied,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Conditional => "conditional",
            Verdict::Denied => "denied",
        }
    }
}

/// One way a principal can invoke one scope of a function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grant {
    pub principal: String,
    pub principal_kind: PrincipalKind,
    pub path: Path,
    /// The alias or version (`None`: the unqualified function).
    pub qualifier: Option<String>,
    #[serde(skip)]
    pub scope: Scope,
    pub actions: Vec<String>,
    pub decision: Verdict,
    /// What the decision depends on (conditional), or why it is denied.
    pub conditions: Vec<String>,
    pub statement_id: Option<String>,
    /// Where the grant lives: which policy, URL or mapping.
    pub source: String,
    /// The condition keys (lower-cased) that keep outsiders out of a conditional grant;
    /// empty when every condition is one an outsider can satisfy (see `meaning`).
    #[serde(skip)]
    pub restricted_by: Vec<String>,
}

/// The answer to "who can invoke this function (scope)?".
#[derive(Debug, Clone, Serialize)]
pub struct Invokers {
    pub function: String,
    pub grants: Vec<Grant>,
    /// Inputs this answer depends on that were not read: while any remain, a grant may be
    /// missing from `grants`.
    pub unread: Vec<String>,
    /// What the snapshot cannot show at all (the organisation's SCPs and RCPs).
    pub unknown: Vec<String>,
}

pub fn scope_arn(f: &Function, scope: &Scope) -> String {
    match scope.qualifier() {
        Some(q) => format!("{}:{q}", f.arn),
        None => f.arn.clone(),
    }
}

/// Every scope of a function with a label, in display order.
pub fn invoke_scopes(f: &Function) -> Vec<(Scope, String)> {
    ordered_scopes(f)
        .into_iter()
        .map(|(s, _)| {
            let l = scope_label(f, &s);
            (s, l)
        })
        .collect()
}

pub(super) fn scope_label(f: &Function, scope: &Scope) -> String {
    match scope {
        Scope::Unqualified => format!("{} (unqualified)", f.name),
        Scope::Version(v) => format!("{}:{v} (version)", f.name),
        Scope::Alias(a) => format!("{}:{a} (alias)", f.name),
    }
}

/// The engine's answer as a grant's verdict, with what it depends on in words: `when …`
/// for an allow's conditions, `unless …` for a deny that may apply.
pub(super) fn verdict(eval: &Evaluation, assume: Option<&str>) -> (Verdict, Vec<String>) {
    let pending = || {
        eval.pending
            .iter()
            .map(|p| match p.statement.effect {
                Effect::Allow => format!("when {}", p.conditions.join(" and ")),
                Effect::Deny => {
                    format!("unless {} ({} denies it then)", p.conditions.join(" and "), p.statement.describe())
                }
            })
            .collect::<Vec<_>>()
    };
    let mut conditions = match eval.decision {
        Decision::Allowed => Vec::new(),
        Decision::Conditional => pending(),
        Decision::ExplicitDeny | Decision::ImplicitDeny => return (Verdict::Denied, eval.reasons.clone()),
    };
    if let Some(a) = assume {
        conditions.push(a.to_string());
    }
    let v = if conditions.is_empty() { Verdict::Allowed } else { Verdict::Conditional };
    (v, conditions)
}

/// Unqualified first, then aliases, then versions.
pub fn ordered_scopes(f: &Function) -> Vec<(Scope, Option<&crate::model::PolicyText>)> {
    let mut scopes = f.scopes();
    scopes.sort_by_key(|(s, _)| match s {
        Scope::Unqualified => 0,
        Scope::Alias(_) => 1,
        Scope::Version(_) => 2,
    });
    scopes
}

impl Graph {
    /// Every grant for a function (or one of its scopes), with what stays unknown.
    pub fn who_can_invoke(&self, target: &Target) -> Invokers {
        let f = self.function(target.function);
        let wanted = |s: &Scope| target.scope.as_ref().is_none_or(|t| t == s);
        let mut grants: Vec<Grant> =
            self.direct_grants(target.function).iter().filter(|g| wanted(&g.scope)).cloned().collect();
        for (scope, policy) in ordered_scopes(f).into_iter().filter(|(s, _)| wanted(s)) {
            grants.extend(self.identity_grants(f, &scope, policy.and_then(|p| p.parsed.as_ref().ok())));
        }
        // Per scope: a principal that assumes its way in is listed under each scope it reaches.
        let scopes: Vec<Scope> = ordered_scopes(f).into_iter().map(|(s, _)| s).filter(|s| wanted(s)).collect();
        for scope in scopes {
            let here: Vec<Grant> = grants.iter().filter(|g| g.scope == scope).cloned().collect();
            grants.extend(self.assumed_grants(&here));
        }
        grants.sort_by_key(|g| (scope_rank(&g.scope), g.path));
        let mut unread = self.function_unread(f, target.scope.as_ref());
        unread.extend(self.gap(&["lambda:ListEventSourceMappings"], "*").map(super::describe_gap));
        unread.extend(self.identity_unread());
        // Who may assume a role that can invoke depends on that role's trust policy.
        let mut trusting: Vec<String> = grants
            .iter()
            .filter(|g| g.path == Path::IdentityPolicy && g.principal_kind == PrincipalKind::Role)
            .filter_map(|g| self.role(&g.principal))
            .filter(|r| !matches!(r.trust_policy.as_ref().map(|t| &t.parsed), Some(Ok(_))))
            .map(|r| {
                format!(
                    "trust policy of {} could not be read or parsed: who can assume it, and so invoke, is unknown",
                    r.arn
                )
            })
            .collect();
        trusting.sort();
        trusting.dedup();
        unread.extend(trusting);
        let (org_unread, unknown) = self.org_inputs();
        unread.extend(org_unread);
        Invokers {
            function: scope_arn(f, target.scope.as_ref().unwrap_or(&Scope::Unqualified)),
            grants,
            unread,
            unknown,
        }
    }

    /// Principals in this account whose identity policies allow invoking the scope.
    fn identity_grants(&self, f: &Function, scope: &Scope, resource_policy: Option<&Policy>) -> Vec<Grant> {
        let resource = scope_arn(f, scope);
        let mut out = self.identity_callers(INVOKE, &resource, resource_policy);
        for g in &mut out {
            g.qualifier = scope.qualifier().map(str::to_string);
            g.scope = scope.clone();
        }
        out
    }

    /// Principals in this account whose identity policies allow `action` on `resource`
    /// (the resource policy's denies still apply; its allows are listed on their own path).
    /// Rows are unqualified: the caller files them under its scope.
    pub(super) fn identity_callers(
        &self,
        action: &str,
        resource: &str,
        resource_policy: Option<&Policy>,
    ) -> Vec<Grant> {
        let denies = resource_policy.map(|p| Policy {
            statements: p.statements.iter().filter(|s| s.effect == Effect::Deny).cloned().collect(),
            ..p.clone()
        });
        let mut out = Vec::new();
        // `may_invoke` is a cheap pre-filter for the common question; others check below.
        // Principals of other accounts need the resource policy too: their grants are
        // decided on the resource-policy path (see `foreign`).
        let home = self.account_of(resource);
        for p in self.principals_of(home).filter(|p| p.may_invoke || action != INVOKE) {
            let Ok(caller) = Caller::parse(&p.arn) else { continue };
            let (identity, boundary) = self.identity_policies(p);
            // Most principals' statements name other resources: skip them cheaply.
            let names_it = identity.iter().flat_map(|n| &n.policy.statements).any(|st| {
                st.effect == Effect::Allow
                    && action_matches(&st.actions, action)
                    && resource_matches(st.resources.as_ref(), resource, &Context::open()) != Tri::False
            });
            if !names_it {
                continue;
            }
            let ctx = self.request_context(Context::open(), &caller, resource);
            let policies = Policies {
                identity,
                resource: denies.as_ref().map(|policy| Named { name: "resource policy", policy }),
                boundary,
                ..Default::default()
            };
            let policies = self.guarded(policies, &caller, action, resource);
            let eval = policy::evaluate(&Request { caller: &caller, action, resource, context: &ctx }, &policies);
            let (decision, conditions) = verdict(&eval, None);
            if decision == Verdict::Denied {
                continue;
            }
            let kind = if matches!(caller, Caller::User { .. }) { PrincipalKind::User } else { PrincipalKind::Role };
            let allow = eval.deciding.iter().find(|s| s.effect == Effect::Allow);
            out.push(Grant {
                principal: p.arn.clone(),
                principal_kind: kind,
                path: Path::IdentityPolicy,
                qualifier: None,
                scope: Scope::Unqualified,
                actions: vec![action.to_string()],
                decision,
                conditions,
                statement_id: allow.map(|s| s.sid.clone().filter(|x| !x.is_empty()).unwrap_or(format!("#{}", s.index))),
                source: allow.map(|s| s.policy.clone()).unwrap_or_default(),
                restricted_by: Vec::new(),
            });
        }
        out
    }
}

pub fn scope_rank(s: &Scope) -> (u8, String) {
    match s {
        Scope::Unqualified => (0, String::new()),
        Scope::Alias(a) => (1, a.clone()),
        Scope::Version(v) => (2, format!("{v:0>10}")),
    }
}
