//! Function URLs under the two-permission rule: a URL call needs both
//! `lambda:InvokeFunctionUrl` and `lambda:InvokeFunction`, from the resource policy for
//! anonymous (`NONE`) callers and from both sides for callers in other accounts.

use super::Graph;
use super::grants::{Representative, judge};
use super::invoke::{Grant, INVOKE, INVOKE_URL, Path, PrincipalKind, Verdict, scope_arn, verdict};
use super::meaning;
use crate::model::{Function, Scope, UrlAuthType, UrlConfig};
use crate::policy::{self, Caller, Context, Evaluation, Named, Policies, Policy, Request};

/// A statement that grants a caller `lambda:InvokeFunctionUrl` but not
/// `lambda:InvokeFunction`: a URL call needs both. In the caller's own account its identity
/// policies may grant the second; from another account the resource policy must grant both,
/// so without it the URL answers 403.
pub(super) fn two_permissions(
    g: &Graph,
    caller: &Caller,
    rep: &Representative,
    resource: &str,
    ctx: &Context,
    p: &Policy,
    decided: (Verdict, Vec<String>),
) -> (Verdict, Vec<String>) {
    let (decision, mut conditions) = decided;
    if decision == Verdict::Denied {
        return (decision, conditions);
    }
    let mut via_url = ctx.clone();
    via_url.set("lambda:InvokedViaFunctionUrl", vec!["true".into()]);
    let invoke = judge(g, caller, INVOKE, resource, &via_url, p, rep.assume.is_some());
    let (v, more) = verdict(&invoke, rep.assume.as_deref());
    let foreign = caller.account().is_some_and(|a| a != g.account_of(resource));
    match v {
        Verdict::Denied if foreign => (
            Verdict::Denied,
            vec![format!(
                "the URL answers 403 to {}: the resource policy grants it {INVOKE_URL} but not {INVOKE}, \
                 and from another account it must grant both (two-permission rule)",
                rep.principal
            )],
        ),
        Verdict::Denied => {
            conditions.push(format!(
                "if its identity policies also allow {INVOKE}, which the resource policy does not grant it \
                 (a URL call needs both)"
            ));
            (Verdict::Conditional, conditions)
        }
        _ => {
            for c in more {
                if !conditions.contains(&c) {
                    conditions.push(c);
                }
            }
            let v = if conditions.is_empty() { decision } else { Verdict::Conditional };
            (v, conditions)
        }
    }
}

/// A function URL, judged by the two-permission rule.
pub(super) fn url_grant(f: &Function, scope: &Scope, u: &UrlConfig, policy: Option<&Policy>) -> Grant {
    let resource = scope_arn(f, scope);
    let mut grant = Grant {
        principal: "*".into(),
        principal_kind: PrincipalKind::Anyone,
        path: Path::FunctionUrl,
        qualifier: scope.qualifier().map(str::to_string),
        scope: scope.clone(),
        actions: vec![INVOKE_URL.to_string(), INVOKE.to_string()],
        decision: Verdict::Denied,
        conditions: Vec::new(),
        statement_id: None,
        source: format!(
            "function URL {} (AuthType {})",
            u.url,
            if u.auth_type == UrlAuthType::None { "NONE" } else { "AWS_IAM" }
        ),
        restricted_by: Vec::new(),
    };
    if u.auth_type == UrlAuthType::AwsIam {
        grant.principal = "IAM-authenticated callers".into();
        grant.principal_kind = PrincipalKind::IamCallers;
        grant.decision = Verdict::Conditional;
        grant.conditions = vec![format!(
            "if the caller is allowed both {INVOKE_URL} and {INVOKE} (an identity policy in this account, or both sides across accounts)"
        )];
        return grant;
    }
    let Some(p) = policy else {
        grant.conditions =
            vec!["the URL answers 403 to everyone: there is no resource policy granting public access".into()];
        return grant;
    };
    let mut ctx = Context::open();
    ctx.set("lambda:FunctionUrlAuthType", vec!["NONE".into()]);
    let url_eval = judge_anonymous(INVOKE_URL, &resource, &ctx, p);
    grant.restricted_by = meaning::restricting_keys(&url_eval, p, &ctx);
    ctx.set("lambda:InvokedViaFunctionUrl", vec!["true".into()]);
    let invoke_eval = judge_anonymous(INVOKE, &resource, &ctx, p);
    grant.restricted_by.extend(meaning::restricting_keys(&invoke_eval, p, &ctx));
    let (url_v, mut url_c) = verdict(&url_eval, None);
    let (inv_v, inv_c) = verdict(&invoke_eval, None);
    grant.statement_id = url_eval.deciding.first().and_then(|s| s.sid.clone());
    (grant.decision, grant.conditions) = match (url_v, inv_v) {
        (Verdict::Denied, _) => {
            (Verdict::Denied, vec![format!("the URL answers 403 to everyone: no statement allows {INVOKE_URL} for *")])
        }
        (_, Verdict::Denied) => (
            Verdict::Denied,
            vec![format!(
                "the URL answers 403 to everyone: the policy lacks {INVOKE} for * (two-permission rule, enforced since 1 November 2026)"
            )],
        ),
        (Verdict::Allowed, Verdict::Allowed) => (Verdict::Allowed, Vec::new()),
        _ => {
            url_c.extend(inv_c);
            (Verdict::Conditional, url_c)
        }
    };
    grant
}

fn judge_anonymous(action: &str, resource: &str, ctx: &Context, p: &Policy) -> Evaluation {
    let policies = Policies { resource: Some(Named { name: "resource policy", policy: p }), ..Default::default() };
    policy::evaluate(&Request { caller: &Caller::Anonymous, action, resource, context: ctx }, &policies)
}
