//! Grants to principals of other accounts the snapshot also holds. When the granted
//! account was read, its identity policies (and boundaries) are known, so a grant to it is
//! decided per principal — both sides, as IAM decides a cross-account call — instead of
//! "if an identity policy in that account allows it".

use super::Graph;
use super::grants::Representative;
use super::invoke::{Grant, PrincipalKind, Verdict, verdict};
use crate::policy::{self, Caller, Context, Named, Policies, Policy, Request};

/// A grant's stand-in caller and the extra request keys its path sets (a URL's auth type).
pub(super) struct Asked<'a> {
    pub action: &'a str,
    /// A second action the same call needs (a function URL needs `InvokeFunction` too).
    pub also: Option<&'a str>,
    pub resource: &'a str,
    pub keys: &'a [(&'a str, &'a str)],
}

impl Graph {
    /// The grant rows a representative of another account stands for, when that account
    /// was read: one per principal allowed by both sides, or one denied row saying none is.
    /// `None` when the account was not read (the row stays conditional on it).
    pub(super) fn expand_foreign(
        &self,
        rep: &Representative,
        p: &Policy,
        asked: &Asked,
        row: &Grant,
    ) -> Option<Vec<Grant>> {
        rep.assume.as_ref()?;
        let account = rep.caller.as_ref().and_then(Caller::account)?;
        // This account's own callers are decided on the identity-policy path.
        if account == self.account_of(asked.resource) || !self.snapshot.holds_account(account) {
            return None;
        }
        let candidates: Vec<&super::PrincipalInfo> = match rep.kind {
            PrincipalKind::Account => self.principals_of(account).collect(),
            _ => self.principal(&rep.principal).into_iter().collect(),
        };
        let mut out = Vec::new();
        for pi in candidates {
            let Ok(caller) = Caller::parse(&pi.arn) else { continue };
            let (decision, mut conditions) = self.both_sides(pi, &caller, p, asked);
            if decision == Verdict::Denied && rep.kind == PrincipalKind::Account {
                continue;
            }
            conditions.extend(pi.unknown.iter().cloned());
            out.push(Grant {
                principal: pi.arn.clone(),
                principal_kind: if pi.source_is_role() { PrincipalKind::Role } else { PrincipalKind::User },
                decision: if decision == Verdict::Allowed && !pi.unknown.is_empty() {
                    Verdict::Conditional
                } else {
                    decision
                },
                conditions,
                source: format!("{} (account {account} was read: its identity policies decide)", row.source),
                ..row.clone()
            });
        }
        if out.is_empty() {
            let why = match rep.kind {
                PrincipalKind::Account => format!(
                    "account {account} was read: none of its roles or users is allowed {} by its own identity policies",
                    asked.action
                ),
                _ => format!("account {account} was read and has no principal {}", rep.principal),
            };
            out.push(Grant { decision: Verdict::Denied, conditions: vec![why], ..row.clone() });
        }
        Some(out)
    }

    /// A principal of a read account calling `asked`: its identity policies and boundary,
    /// and the resource policy, as IAM evaluates a cross-account request.
    fn both_sides(
        &self,
        pi: &super::PrincipalInfo,
        caller: &Caller,
        p: &Policy,
        asked: &Asked,
    ) -> (Verdict, Vec<String>) {
        let (identity, boundary) = self.identity_policies(pi);
        let mut ctx = self.request_context(Context::open(), caller, asked.resource);
        for (k, v) in asked.keys {
            ctx.set(k, vec![v.to_string()]);
        }
        let decide = |action: &str| {
            let policies = Policies {
                identity: identity.clone(),
                resource: Some(Named { name: "resource policy", policy: p }),
                boundary,
                ..Default::default()
            };
            let policies = self.guarded(policies, caller, action, asked.resource);
            policy::evaluate(&Request { caller, action, resource: asked.resource, context: &ctx }, &policies)
        };
        let (mut v, mut conditions) = verdict(&decide(asked.action), None);
        if let Some(second) = asked.also.filter(|_| v != Verdict::Denied) {
            let (v2, c2) = verdict(&decide(second), None);
            if v2 == Verdict::Denied {
                return (
                    Verdict::Denied,
                    vec![format!("the call also needs {second}, which it is not allowed (two-permission rule)")],
                );
            }
            conditions.extend(c2);
            if v2 == Verdict::Conditional {
                v = Verdict::Conditional;
            }
        }
        (v, conditions)
    }
}
