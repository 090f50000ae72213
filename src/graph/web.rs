//! Lambda web functions in the graph: who can invoke each endpoint (an
//! `ApplicationManaged` endpoint lets anyone in; an `IamAuth` one needs
//! `lambda:InvokeWebFunctionEndpoint` from the resource policy or identity policies), what
//! each serving revision's role reaches, and the findings those answers show.

use serde::Serialize;

use super::Graph;
use super::findings::{Finding, Severity, Subject, evidence, is_secret_name};
use super::grants::{judge, question, representatives};
use super::invoke::{Grant, Invokers, Path, PrincipalKind, Verdict, verdict};
use super::meaning;
use super::reach::Reach;
use crate::model::{Scope, WebAuthType, WebEndpoint, WebFunction};
use crate::policy::eval::{action_matches, resource_matches};
use crate::policy::{Context, Effect, Policy, Tri};

pub const INVOKE_WEB: &str = "lambda:InvokeWebFunctionEndpoint";

/// What one revision of a web function reaches, and which endpoints it serves.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionReach {
    pub revision: String,
    /// `endpoint (weight %)` for each endpoint sending it traffic.
    pub serves: Vec<String>,
    /// `None` when the revision's role was not read (see `unread`).
    pub reach: Option<Reach>,
}

/// The answer to "what can this web function reach?": one role per revision.
#[derive(Debug, Clone, Serialize)]
pub struct WebReach {
    pub web_function: String,
    pub revisions: Vec<RevisionReach>,
    pub unread: Vec<String>,
    pub unknown: Vec<String>,
}

/// One decided grant per principal of every Allow statement of `p` that grants `action`
/// on `resource`. Rows are unqualified; the caller files them.
pub(super) fn statement_grants(g: &Graph, resource: &str, action: &str, p: &Policy, source: &str) -> Vec<Grant> {
    let mut out = Vec::new();
    for (i, st) in p.statements.iter().enumerate().filter(|(_, s)| s.effect == Effect::Allow) {
        if !action_matches(&st.actions, action)
            || resource_matches(st.resources.as_ref(), resource, &Context::open()) == Tri::False
        {
            continue;
        }
        for rep in representatives(st, g.account_of(resource)) {
            let mut restricted_by = Vec::new();
            let (decision, conditions) = match &rep.caller {
                Some(caller) => {
                    let ctx = question(g, caller, rep.kind == PrincipalKind::Account, resource, None);
                    let eval = judge(g, caller, action, resource, &ctx, p, rep.assume.is_some());
                    restricted_by = meaning::restricting_keys(&eval, p, &ctx);
                    verdict(&eval, rep.assume.as_deref())
                }
                None if rep.kind == PrincipalKind::Deleted => {
                    (Verdict::Denied, vec!["the principal was deleted; the grant matches no one".to_string()])
                }
                None => {
                    (Verdict::Conditional, vec!["if this principal type can call Lambda at all (not evaluated)".into()])
                }
            };
            let row = Grant {
                principal: rep.principal.clone(),
                principal_kind: rep.kind,
                path: Path::ResourcePolicy,
                qualifier: None,
                scope: Scope::Unqualified,
                actions: vec![action.to_string()],
                decision,
                conditions,
                statement_id: Some(st.label(i)),
                source: source.to_string(),
                restricted_by,
            };
            let asked = super::foreign::Asked { action, also: None, resource, keys: &[] };
            match g.expand_foreign(&rep, p, &asked, &row) {
                Some(rows) => out.extend(rows),
                None => out.push(row),
            }
        }
    }
    out
}

impl Graph {
    pub fn web_functions(&self) -> &[WebFunction] {
        &self.snapshot.web_functions
    }

    pub fn web_index(&self, name: &str) -> Option<usize> {
        self.snapshot.web_functions.iter().position(|w| w.name == name)
    }

    /// Every grant for a web function's endpoints (or one of them), with what stays unknown.
    pub fn who_can_invoke_web(&self, wi: usize, endpoint: Option<&str>) -> Invokers {
        let w = &self.snapshot.web_functions[wi];
        let mut grants = Vec::new();
        let mut iam = false;
        for e in w.endpoints.iter().filter(|e| endpoint.is_none_or(|n| n == e.name)) {
            let mut rows = self.endpoint_grants(w, e);
            iam |= e.auth_type == WebAuthType::IamAuth;
            for r in &mut rows {
                r.qualifier = Some(e.name.clone());
            }
            grants.extend(rows);
        }
        let mut unread = self.web_unread(w);
        let mut unknown = Vec::new();
        if iam {
            unread.extend(self.identity_unread());
            let (org_unread, org_unknown) = self.org_inputs();
            unread.extend(org_unread);
            unknown.extend(org_unknown);
        }
        if grants.iter().any(|g| g.path == Path::WebEndpoint && g.principal_kind == PrincipalKind::Anyone) {
            unknown
                .push("what the web function's own code checks before it answers: unknown (code is not read)".into());
        }
        let function = match endpoint.and_then(|n| w.endpoints.iter().find(|e| e.name == n)) {
            Some(e) => e.arn.clone(),
            None => w.arn.clone(),
        };
        Invokers { function, grants, unread, unknown }
    }

    /// The grants of one endpoint, unqualified.
    fn endpoint_grants(&self, w: &WebFunction, e: &WebEndpoint) -> Vec<Grant> {
        let open = |principal: &str, kind, decision, conditions: Vec<String>| Grant {
            principal: principal.into(),
            principal_kind: kind,
            path: Path::WebEndpoint,
            qualifier: None,
            scope: Scope::Unqualified,
            actions: vec![INVOKE_WEB.to_string()],
            decision,
            conditions,
            statement_id: None,
            source: format!("endpoint {} ({}, AuthType {})", e.name, e.domain_name, e.auth_type.as_str()),
            restricted_by: Vec::new(),
        };
        if e.auth_type == WebAuthType::Unknown {
            return vec![open(
                "*",
                PrincipalKind::Anyone,
                Verdict::Conditional,
                vec![format!(
                    "the endpoint's AuthType is one this build does not know ({}): whether Lambda checks callers at all is unknown",
                    e.state.as_deref().unwrap_or("not reported")
                )],
            )];
        }
        if e.auth_type == WebAuthType::ApplicationManaged {
            return vec![open(
                "*",
                PrincipalKind::Anyone,
                Verdict::Allowed,
                vec![format!(
                    "Lambda authorises nothing (AuthType ApplicationManaged): anyone who reaches {} runs the code; \
                     only the code itself can refuse",
                    if e.domain_name.is_empty() { "the endpoint" } else { &e.domain_name }
                )],
            )];
        }
        let policy = w.policy.as_ref().and_then(|p| p.parsed.as_ref().ok());
        let label = format!("resource policy of web function {}", w.name);
        let mut out = policy.map(|p| statement_grants(self, &e.arn, INVOKE_WEB, p, &label)).unwrap_or_default();
        out.push(open(
            "IAM-authenticated callers",
            PrincipalKind::IamCallers,
            Verdict::Conditional,
            vec![format!(
                "if the caller is allowed {INVOKE_WEB} (an identity policy in this account, or both sides across accounts)"
            )],
        ));
        out.extend(self.identity_callers(INVOKE_WEB, &e.arn, policy));
        out
    }

    /// What was not read about a web function: the listing, its endpoints, revisions and policy.
    pub(super) fn web_unread(&self, w: &WebFunction) -> Vec<String> {
        let mut out = self.unread_where(|g| {
            g.operation == "lambda:ListWebFunctions"
                || (g.operation.contains("WebFunction") || g.operation == "lambda:GetResourcePolicy")
                    && super::inputs::about(g, &w.arn)
        });
        if let Some(Err(e)) = w.policy.as_ref().map(|p| &p.parsed) {
            out.push(format!("resource policy of {} could not be parsed ({e}): its grants are unknown", w.arn));
        }
        super::inputs::sorted(out)
    }

    /// What each revision's execution role reaches.
    pub fn web_reach(&self, wi: usize) -> WebReach {
        let w = &self.snapshot.web_functions[wi];
        let mut unread = self.web_unread(w);
        let mut revisions = Vec::new();
        for (r, endpoints) in w.serving() {
            let serves = endpoints
                .iter()
                .map(|e| format!("{} ({}%)", e.name, e.revision_weights.get(&r.id).copied().unwrap_or(0)))
                .collect();
            let reach =
                r.role_arn.as_ref().map(|role| self.reach_of_role(format!("{} revision {}", w.arn, r.id), role));
            if let Some(rr) = &reach {
                unread.extend(rr.unread.iter().cloned());
            } else {
                unread.push(format!(
                    "the execution role of revision {} of {} was not read: what it reaches is unknown",
                    r.id, w.name
                ));
            }
            revisions.push(RevisionReach { revision: r.id.clone(), serves, reach });
        }
        WebReach {
            web_function: w.arn.clone(),
            revisions,
            unknown: self.org_inputs().1,
            unread: super::inputs::sorted([unread, self.org_inputs().0].concat()),
        }
    }

    /// Findings about web functions: endpoints open to anyone, policies open to any
    /// account, other accounts, organisations, or services without a source condition.
    pub(super) fn web_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (wi, w) in self.web_functions().iter().enumerate() {
            for g in self.who_can_invoke_web(wi, None).grants {
                let q = g.qualifier.clone();
                let at = format!("{}:{}", w.name, q.clone().unwrap_or_default());
                let open = g.decision != Verdict::Denied;
                let public = open && g.restricted_by.is_empty();
                let mut add = |id, severity, title: String, ev: Vec<String>| {
                    out.push(Finding {
                        id,
                        severity,
                        function: w.name.clone(),
                        arn: w.arn.clone(),
                        qualifier: q.clone(),
                        subject: Subject::WebFunction,
                        title,
                        evidence: ev,
                    })
                };
                match (g.path, g.principal_kind) {
                    (Path::WebEndpoint, PrincipalKind::Anyone) => add(
                        "public-web-endpoint",
                        Severity::High,
                        format!("anyone who reaches web endpoint {at} runs its code (AuthType ApplicationManaged)"),
                        evidence(&g),
                    ),
                    (Path::ResourcePolicy, PrincipalKind::Anyone) if public => add(
                        "public-web-invoke",
                        Severity::Critical,
                        format!("any AWS principal of any account can invoke web endpoint {at}"),
                        [evidence(&g), g.conditions.clone()].concat(),
                    ),
                    (Path::ResourcePolicy, _) => {
                        if let Some((id, severity, title)) = self.shared_risk(&g, &w.arn, &format!("web endpoint {at}"))
                        {
                            add(id, severity, title, evidence(&g));
                        }
                    }
                    _ => {}
                }
            }
            let mut secrets: Vec<&str> = w
                .revisions
                .iter()
                .flat_map(|r| r.env_var_names.iter().filter(|n| is_secret_name(n)).map(String::as_str))
                .collect();
            secrets.sort();
            secrets.dedup();
            if !secrets.is_empty() {
                out.push(Finding {
                    id: "secret-env",
                    severity: Severity::Medium,
                    function: w.name.clone(),
                    arn: w.arn.clone(),
                    qualifier: None,
                    subject: Subject::WebFunction,
                    title: format!(
                        "environment variables look like secrets ({}): anyone who can read the revision's configuration reads them",
                        secrets.join(", ")
                    ),
                    evidence: vec!["environment variable names of the serving revisions (values are never read)".into()],
                });
            }
        }
        out
    }
}
