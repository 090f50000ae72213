//! The grants a function's own configuration makes: resource-policy statements (each
//! principal judged by the policy engine), function URLs under the two-permission rule, and
//! event source mappings. Computed once when the graph is built.

use std::sync::OnceLock;

use super::Graph;
use super::invoke::{
    Grant, INVOKE, INVOKE_URL, Path, PrincipalKind, Verdict, ordered_scopes, scope_arn, scope_label, verdict,
};
use super::meaning;
use crate::model::{Function, Scope, UrlAuthType, UrlConfig};
use crate::policy::eval::{action_matches, resource_matches};
use crate::policy::{
    self, Caller, Context, Effect, Evaluation, Named, Policies, Policy, PrincipalEntry, Request, Statement, Tri, arn,
};

/// A policy that allows everything: stands in for an identity side that cannot be seen.
pub(super) fn allow_all() -> &'static Policy {
    static ALLOW_ALL: OnceLock<Policy> = OnceLock::new();
    ALLOW_ALL.get_or_init(|| {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        policy::parse(text).unwrap_or(Policy {
            version: policy::document::Version::V2012_10_17,
            id: None,
            statements: Vec::new(),
        })
    })
}

/// A resource policy that delegates everything to one account's identity policies: stands
/// in for a default KMS key policy that could not be read.
pub(super) fn delegate_to(account: &str) -> Policy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"*","Resource":"*"}}]}}"#
    );
    policy::parse(&text).unwrap_or_else(|_| allow_all().clone())
}

/// Who the engine should imagine as the caller for one principal entry.
pub(super) struct Representative {
    pub(super) principal: String,
    pub(super) kind: PrincipalKind,
    pub(super) caller: Option<Caller>,
    /// The caller's identity side cannot be seen from here and is assumed to allow.
    pub(super) assume: Option<String>,
}

fn representative(entry: &PrincipalEntry, account: &str, statement: &Statement) -> Representative {
    let rep = |principal: &str, kind, caller, assume| Representative {
        principal: principal.to_string(),
        kind,
        caller,
        assume,
    };
    match entry {
        PrincipalEntry::Anyone => match org_condition(statement) {
            Some(org) => rep(&org, PrincipalKind::Organization, Some(Caller::Anonymous), None),
            None => rep("*", PrincipalKind::Anyone, Some(Caller::Anonymous), None),
        },
        PrincipalEntry::Service(s) => rep(s, PrincipalKind::Service, Some(Caller::Service(s.clone())), None),
        PrincipalEntry::Aws(v) => aws_representative(v, account),
        PrincipalEntry::Federated(v) => rep(v, PrincipalKind::Other, None, None),
        PrincipalEntry::CanonicalUser(v) => rep(v, PrincipalKind::Other, None, None),
    }
}

fn aws_representative(value: &str, account: &str) -> Representative {
    let unique_id = value.len() >= 16 && value.starts_with('A') && value.chars().all(|c| c.is_ascii_alphanumeric());
    if unique_id {
        return Representative { principal: value.into(), kind: PrincipalKind::Deleted, caller: None, assume: None };
    }
    let entry_account = if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Some(value.to_string())
    } else {
        arn::split(value).filter(|p| p[5] == "root").map(|p| p[4].to_string())
    };
    if let Some(acct) = entry_account {
        // Everyone in that account whose identity policies allow it.
        let caller = Caller::User { arn: format!("arn:aws:iam::{acct}:user/*"), account: acct.clone() };
        let needs = if acct == account {
            "if an identity policy in this account allows it (the grant only delegates to the account)".to_string()
        } else {
            format!("if an identity policy in account {acct} allows it (not visible from this account)")
        };
        return Representative {
            principal: acct,
            kind: PrincipalKind::Account,
            caller: Some(caller),
            assume: Some(needs),
        };
    }
    let caller = Caller::parse(value).ok();
    let kind = match &caller {
        Some(Caller::User { .. }) => PrincipalKind::User,
        Some(Caller::Role { .. }) => PrincipalKind::Role,
        Some(Caller::Session { .. }) => PrincipalKind::Session,
        Some(Caller::FederatedUser { .. }) => PrincipalKind::FederatedUser,
        _ => PrincipalKind::Other,
    };
    let other = caller.as_ref().and_then(|c| c.account()).filter(|a| *a != account).map(str::to_string);
    let assume =
        other.map(|a| format!("if an identity policy in account {a} allows it (not visible from this account)"));
    Representative { principal: value.into(), kind, caller, assume }
}

/// The organisations a `"*"` grant is limited to, if its condition names some (a wildcard
/// organisation id names any organisation: that grant is public).
fn org_condition(statement: &Statement) -> Option<String> {
    statement.conditions.iter().find(|c| meaning::names_organisations(c)).map(|c| c.values.join(", "))
}

/// The open context of a question about one caller and one scope.
pub(super) fn question(
    g: &Graph,
    caller: &Caller,
    rep_assumed: bool,
    resource: &str,
    url: Option<&UrlConfig>,
) -> Context {
    let mut ctx = if rep_assumed {
        // A stand-in for "someone in that account": only what the account tells is known.
        g.account_wide_context(caller, resource)
    } else {
        g.request_context(Context::open(), caller, resource)
    };
    if let Some(u) = url {
        let auth = if u.auth_type == UrlAuthType::None { "NONE" } else { "AWS_IAM" };
        ctx.set("lambda:FunctionUrlAuthType", vec![auth.to_string()]);
    }
    ctx
}

/// Grants of a function through resource policies, URLs and event sources.
pub(super) fn direct_grants(g: &Graph, fi: usize) -> Vec<Grant> {
    let f = g.function(fi);
    let mut out = Vec::new();
    for (scope, policy) in ordered_scopes(f) {
        let parsed = policy.and_then(|p| p.parsed.as_ref().ok());
        let mut rows = parsed.map(|p| policy_grants(g, f, &scope, p)).unwrap_or_default();
        let url = f
            .urls
            .iter()
            .find(|u| u.qualifier.as_deref() == scope.qualifier())
            .map(|u| super::urls::url_grant(f, &scope, u, parsed));
        // A grant of the URL action alone is only as good as the URL it opens.
        let url_outcome = match &url {
            Some(u) if u.decision == Verdict::Denied => Some(u.conditions.clone()),
            Some(_) => None,
            None => Some(vec!["no function URL is configured for this scope".to_string()]),
        };
        if let Some(why) = url_outcome {
            for row in rows.iter_mut().filter(|r| r.path == Path::FunctionUrl) {
                row.decision = Verdict::Denied;
                row.conditions = why.clone();
            }
        }
        out.append(&mut rows);
        out.extend(url);
        out.extend(source_grants(g, f, &scope));
    }
    out
}

/// The callers a statement's `Principal` stands for (`NotPrincipal`: everyone but them).
pub(super) fn representatives(st: &Statement, home: &str) -> Vec<Representative> {
    let Some(principals) = &st.principal else { return Vec::new() };
    if principals.negated {
        let except: Vec<String> = principals.entries.iter().map(entry_text).collect();
        return vec![Representative {
            principal: format!("* except {}", except.join(", ")),
            kind: PrincipalKind::Anyone,
            caller: Some(Caller::Anonymous),
            assume: None,
        }];
    }
    principals.entries.iter().map(|e| representative(e, home, st)).collect()
}

fn policy_grants(g: &Graph, f: &Function, scope: &Scope, p: &Policy) -> Vec<Grant> {
    let resource = scope_arn(f, scope);
    let mut out = Vec::new();
    for (i, st) in p.statements.iter().enumerate().filter(|(_, s)| s.effect == Effect::Allow) {
        let actions: Vec<&str> = [INVOKE, INVOKE_URL].into_iter().filter(|a| action_matches(&st.actions, a)).collect();
        let Some(&primary) = actions.first() else { continue };
        if resource_matches(st.resources.as_ref(), &resource, &Context::open()) == Tri::False {
            continue;
        }
        let reps = representatives(st, g.account_of(&f.arn));
        let url = f.urls.iter().find(|u| u.qualifier.as_deref() == scope.qualifier());
        for rep in reps {
            let mut restricted_by = Vec::new();
            let (decision, conditions) = match &rep.caller {
                Some(caller) => {
                    let ctx = question(
                        g,
                        caller,
                        rep.kind == PrincipalKind::Account,
                        &resource,
                        url.filter(|_| primary == INVOKE_URL),
                    );
                    let eval = judge(g, caller, primary, &resource, &ctx, p, rep.assume.is_some());
                    restricted_by = meaning::restricting_keys(&eval, p, &ctx);
                    let decided = verdict(&eval, rep.assume.as_deref());
                    if primary == INVOKE_URL {
                        super::urls::two_permissions(g, caller, &rep, &resource, &ctx, p, decided)
                    } else {
                        decided
                    }
                }
                None if rep.kind == PrincipalKind::Deleted => {
                    (Verdict::Denied, vec!["the principal was deleted; the grant matches no one".to_string()])
                }
                None => (
                    Verdict::Conditional,
                    vec!["if this principal type can call Lambda at all (not evaluated)".to_string()],
                ),
            };
            let row = Grant {
                principal: rep.principal.clone(),
                principal_kind: rep.kind,
                path: if primary == INVOKE_URL { Path::FunctionUrl } else { Path::ResourcePolicy },
                qualifier: scope.qualifier().map(str::to_string),
                scope: scope.clone(),
                actions: actions.iter().map(|a| a.to_string()).collect(),
                decision,
                conditions,
                statement_id: Some(st.label(i)),
                source: format!("resource policy of {}", scope_label(f, scope)),
                restricted_by,
            };
            let auth = match url.map(|u| u.auth_type) {
                Some(UrlAuthType::None) => "NONE",
                _ => "AWS_IAM",
            };
            let keys = [("lambda:FunctionUrlAuthType", auth), ("lambda:InvokedViaFunctionUrl", "true")];
            let asked = super::foreign::Asked {
                action: primary,
                also: (primary == INVOKE_URL).then_some(INVOKE),
                resource: &resource,
                keys: if primary == INVOKE_URL { &keys } else { &[] },
            };
            match g.expand_foreign(&rep, p, &asked, &row) {
                Some(rows) => out.extend(rows),
                None => out.push(row),
            }
        }
    }
    out
}

fn entry_text(e: &PrincipalEntry) -> String {
    match e {
        PrincipalEntry::Anyone => "*".into(),
        PrincipalEntry::Aws(v)
        | PrincipalEntry::Service(v)
        | PrincipalEntry::Federated(v)
        | PrincipalEntry::CanonicalUser(v) => v.clone(),
    }
}

/// Decides one action for one caller against a scope's policy (and, for a same-account
/// role the snapshot knows, its permission boundary).
pub(super) fn judge(
    g: &Graph,
    caller: &Caller,
    action: &str,
    resource: &str,
    ctx: &Context,
    p: &Policy,
    assume: bool,
) -> Evaluation {
    let principal = match caller {
        Caller::Role { arn, .. } => g.principal(arn),
        _ => None,
    };
    let boundary = principal.and_then(|pi| g.identity_policies(pi).1);
    let identity =
        if assume { vec![Named { name: "assumed identity allow", policy: allow_all() }] } else { Vec::new() };
    let policies = Policies {
        identity,
        resource: Some(Named { name: "resource policy", policy: p }),
        boundary,
        ..Default::default()
    };
    let policies = g.guarded(policies, caller, action, resource);
    policy::evaluate(&Request { caller, action, resource, context: ctx }, &policies)
}

/// Event source mappings that target this scope: whoever can write to the source can
/// trigger the function.
fn source_grants(g: &Graph, f: &Function, scope: &Scope) -> Vec<Grant> {
    let target = scope_arn(f, scope);
    let latest = format!("{}:$LATEST", f.arn);
    let mut arns = vec![target.as_str()];
    if *scope == Scope::Unqualified {
        arns.push(&latest);
    }
    arns.into_iter()
        .flat_map(|arn| g.mappings_of(arn))
        .map(|m| {
            let batch = m.batch_size.map(|b| format!(", batch {b}")).unwrap_or_default();
            let (decision, conditions) = match m.state.as_str() {
                "Enabled" => (Verdict::Allowed, Vec::new()),
                "Disabled" | "Disabling" => {
                    (Verdict::Denied, vec![format!("the mapping is {}", m.state.to_lowercase())])
                }
                other => (Verdict::Conditional, vec![format!("the mapping is {}", other.to_lowercase())]),
            };
            Grant {
                principal: m.source_arn.clone().unwrap_or_else(|| "self-managed event source".into()),
                principal_kind: PrincipalKind::EventSource,
                path: Path::EventSource,
                qualifier: scope.qualifier().map(str::to_string),
                scope: scope.clone(),
                actions: vec!["poll".into()],
                decision,
                conditions,
                statement_id: None,
                source: format!("event source mapping {} ({}{batch})", m.uuid, m.state),
                restricted_by: Vec::new(),
            }
        })
        .collect()
}
