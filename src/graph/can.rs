//! "Can PRINCIPAL do ACTION on RESOURCE?" for one concrete request, against the account's
//! own policies: the on-call question behind an AccessDenied. What the snapshot cannot
//! show (another account's identity policies, a non-Lambda resource's own policy) turns
//! the answer into "unknown" rather than a guess.

use serde::Serialize;

use super::Graph;
use super::principals::PrincipalInfo;
use crate::model::Scope;
use crate::policy::{self, Caller, Context, Decision, Evaluation, Named, Policies, Request, StatementRef, arn};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanAnswer {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub decision: CanDecision,
    pub deciding: Vec<StatementRef>,
    pub reasons: Vec<String>,
    /// Inputs of this answer that were not read (the principal's policies, the function's
    /// resource policy): while any remain, the decision may be wrong.
    pub unread: Vec<String>,
    /// What the snapshot cannot show (another account's policies, a non-Lambda resource's own policy).
    pub unknown: Vec<String>,
}

/// The answer to one request: the engine's decision, or `unknown` when it depends on
/// something the snapshot cannot show. Written in JSON as `allowed`, `explicit_deny`,
/// `implicit_deny`, `conditional` or `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CanDecision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
    /// Depends on condition keys the question leaves free.
    Conditional,
    /// Depends on a policy the snapshot does not hold.
    Unknown,
}

impl CanDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            CanDecision::Allowed => "allowed",
            CanDecision::ExplicitDeny => "explicit_deny",
            CanDecision::ImplicitDeny => "implicit_deny",
            CanDecision::Conditional => "conditional",
            CanDecision::Unknown => "unknown",
        }
    }
}

impl From<Decision> for CanDecision {
    fn from(d: Decision) -> CanDecision {
        match d {
            Decision::Allowed => CanDecision::Allowed,
            Decision::ExplicitDeny => CanDecision::ExplicitDeny,
            Decision::ImplicitDeny => CanDecision::ImplicitDeny,
            Decision::Conditional => CanDecision::Conditional,
        }
    }
}

/// Services whose resources can carry a resource-based policy that takes part in the
/// decision (IAM roles' trust policies only govern sts:AssumeRole).
const RESOURCE_POLICY_SERVICES: &[&str] = &[
    "s3",
    "s3-object-lambda",
    "s3express",
    "sqs",
    "sns",
    "kms",
    "secretsmanager",
    "lambda",
    "ecr",
    "glacier",
    "events",
    "logs",
    "es",
    "backup",
    "codeartifact",
    "elasticfilesystem",
    "glue",
    "execute-api",
    "dynamodb",
    "kinesis",
    "sts",
    "iot",
    "mediastore",
    "ssm-incidents",
    "serverlessrepo",
    "bedrock",
    "aoss",
    "codebuild",
    "cloudtrail",
];

fn may_have_policy(resource: &str) -> bool {
    match arn::split(resource) {
        Some(p) => RESOURCE_POLICY_SERVICES.contains(&p[2]),
        // Not an ARN: nothing is known about it.
        None => true,
    }
}

impl Graph {
    fn principal_for(&self, caller: &Caller) -> Option<&PrincipalInfo> {
        match caller {
            Caller::User { arn, .. } | Caller::Role { arn, .. } => self.principal(arn),
            // A session's role is found by account and name (the session ARN has no path).
            Caller::Session { account, role, .. } => self.principals.iter().find(|p| {
                arn::account(&p.arn) == Some(account.as_str())
                    && p.arn.contains(":role/")
                    && p.arn.rsplit('/').next() == Some(role)
            }),
            _ => None,
        }
    }

    pub fn can(&self, principal: &str, action: &str, resource: &str, context: Context) -> Result<CanAnswer, String> {
        let caller = Caller::parse(principal)?;
        if let Some(answer) = self.application_managed(principal, action, resource) {
            return Ok(answer);
        }
        let ctx = self.request_context(context, &caller, resource);
        let mut unknown = Vec::new();
        let mut unread = Vec::new();
        let (resource_policy, known) = match self.trust_policy(action, resource, &mut unknown) {
            Some(trust) => trust,
            None => self.resource_policy(resource, &mut unread, &mut unknown),
        };
        let info = self.principal_for(&caller);
        let (identity, boundary) = info.map(|p| self.identity_policies(p)).unwrap_or_default();
        if let Some(p) = info {
            unread.extend(p.unknown.iter().cloned());
        }
        // Tags not read leave aws:PrincipalTag conditions undecided: say so where one is asked.
        let asks_tags = |p: &policy::Policy| {
            p.statements
                .iter()
                .flat_map(|s| &s.conditions)
                .any(|c| c.key.to_ascii_lowercase().starts_with("aws:principaltag/"))
        };
        let guardrails = self.guarded(Policies::default(), &caller, action, resource);
        let org_policies =
            guardrails.scp.iter().chain(&guardrails.rcp).flat_map(|l| l.policies.iter().map(|n| n.policy));
        let mut deciding_policies = identity
            .iter()
            .map(|n| n.policy)
            .chain(boundary.map(|b| b.policy))
            .chain(resource_policy)
            .chain(org_policies);
        if let Some(why) = self.unread_tags(&caller).filter(|_| deciding_policies.any(asks_tags)) {
            unread.push(why);
        }
        // SCPs cap principals (never services or anonymous callers); RCPs cap a few services.
        let service = action.split(':').next().unwrap_or_default().to_ascii_lowercase();
        let capped = caller.has_identity_policies() || matches!(caller, Caller::Root { .. });
        if capped || super::RCP_SERVICES.contains(&service.as_str()) {
            let (org_unread, org_unknown) = self.org_inputs();
            unread.extend(org_unread);
            unknown.extend(org_unknown);
        }
        let answer = |decision: CanDecision, eval: &Evaluation, lead: Vec<String>, unknown: Vec<String>| CanAnswer {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            decision,
            deciding: eval.deciding.clone(),
            reasons: [lead, eval.reasons.clone()].concat(),
            unread: unread.clone(),
            unknown,
        };
        let decide_with = |identity: Vec<Named>, resource_policy: Option<&policy::Policy>| {
            let policies = Policies {
                identity,
                resource: resource_policy.map(|policy| Named { name: "resource policy", policy }),
                boundary,
                ..Default::default()
            };
            let policies = self.guarded(policies, &caller, action, resource);
            policy::evaluate(&Request { caller: &caller, action, resource, context: &ctx }, &policies)
        };
        let decide = |identity: Vec<Named>| decide_with(identity, resource_policy);
        let needs_identity = caller.has_identity_policies() && info.is_none();
        let eval = if needs_identity {
            let why = match caller.account() {
                Some(a) if !self.snapshot.holds_account(a) => {
                    format!("the identity policies of {principal} live in account {a}, which this snapshot cannot see")
                }
                _ => format!("the identity policies of {principal} are not in this snapshot"),
            };
            unknown.push(why.clone());
            let without = decide(Vec::new());
            let allow_all = super::grants::allow_all();
            let with = decide(vec![Named { name: "any identity allow", policy: allow_all }]);
            if without.decision != with.decision {
                let lead = vec![format!("it depends: {why}; if they allow it: {}", with.decision.as_str())];
                return Ok(answer(CanDecision::Unknown, &with, lead, unknown));
            }
            with
        } else {
            decide(identity)
        };
        // A KMS key's unread key policy decides: no identity allow counts without it.
        let same_account = arn::account(resource) == caller.account();
        if !known
            && same_account
            && policy::needs_resource_policy(action, resource)
            && eval.decision != Decision::ExplicitDeny
        {
            let delegating = super::grants::delegate_to(self.account_of(resource));
            let (identity, _) = info.map(|p| self.identity_policies(p)).unwrap_or_default();
            let delegated = decide_with(identity, Some(&delegating));
            let lead = vec![format!(
                "it depends on the key policy, which was not read: if it delegates to this account's IAM policies \
                 (as the default key policy does): {}; if it neither does nor names the caller: implicit_deny",
                delegated.decision.as_str()
            )];
            let note = format!("the key policy of {resource} was not read");
            return Ok(answer(CanDecision::Unknown, &delegated, lead, [unknown, vec![note]].concat()));
        }
        // Another service's resource (a bucket, a key) may have a policy of its own.
        if !known && may_have_policy(resource) && eval.decision != Decision::ExplicitDeny {
            let note = format!(
                "{}'s own resource policy was not read: it could still {}",
                resource,
                if eval.decision == Decision::Allowed { "deny it" } else { "allow it" }
            );
            let lead = vec![format!("if it has none: {}", eval.decision.as_str())];
            return Ok(answer(CanDecision::Unknown, &eval, lead, [unknown, vec![note]].concat()));
        }
        Ok(answer(eval.decision.into(), &eval, Vec::new(), unknown))
    }

    /// For an `sts:` action on a role of this account: the role's trust policy from the
    /// snapshot (`true`: known), or nothing known when the role is not in it.
    fn trust_policy(
        &self,
        action: &str,
        resource: &str,
        unknown: &mut Vec<String>,
    ) -> Option<(Option<&policy::Policy>, bool)> {
        if !policy::needs_resource_policy(action, resource) || !resource.contains(":iam:") {
            return None;
        }
        let Some(role) = self.role(resource) else {
            unknown.push(format!("{resource} is not a role in this snapshot: its trust policy decides"));
            return Some((None, false));
        };
        match role.trust_policy.as_ref().map(|t| &t.parsed) {
            Some(Ok(p)) => Some((Some(p), true)),
            Some(Err(e)) => {
                unknown.push(format!("the trust policy of {resource} could not be parsed ({e})"));
                Some((None, false))
            }
            None => Some((None, true)),
        }
    }

    /// The resource policy of a Lambda function scope in this snapshot; `true` when the
    /// resource is such a scope (so its policy, or its lack of one, is known).
    fn resource_policy(
        &self,
        resource: &str,
        unread: &mut Vec<String>,
        unknown: &mut Vec<String>,
    ) -> (Option<&policy::Policy>, bool) {
        let is_function = arn::split(resource).is_some_and(|p| p[2] == "lambda" && p[5].starts_with("function:"));
        if !is_function {
            return self.other_lambda_policy(resource, unread, unknown);
        }
        let Ok(target) = self.lookup(resource) else {
            match self.gap(&["lambda:ListFunctions"], "*") {
                Some(gap) => unread.push(super::describe_gap(gap)),
                None => unknown.push(format!("{resource} is not a function in this snapshot")),
            }
            return (None, false);
        };
        let f = self.function(target.function);
        let scope = target.scope.unwrap_or(Scope::Unqualified);
        let text = f.scopes().into_iter().find(|(s, _)| *s == scope).and_then(|(_, p)| p);
        let missing = self.scope_policy_unread(f, &scope);
        if !missing.is_empty() {
            unread.extend(missing);
            return (None, false);
        }
        match text.map(|t| &t.parsed) {
            Some(Ok(p)) => (Some(p), true),
            // Counted in `scope_policy_unread` above.
            Some(Err(_)) => (None, false),
            None => (None, true),
        }
    }

    /// Invoking an `ApplicationManaged` web endpoint: Lambda authorises nothing, so no
    /// policy decides and everyone is let in.
    fn application_managed(&self, principal: &str, action: &str, resource: &str) -> Option<CanAnswer> {
        if !action.eq_ignore_ascii_case(super::INVOKE_WEB) {
            return None;
        }
        let e = self.web_functions().iter().flat_map(|w| &w.endpoints).find(|e| e.arn == resource)?;
        (e.auth_type == crate::model::WebAuthType::ApplicationManaged).then(|| CanAnswer {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            decision: CanDecision::Allowed,
            deciding: Vec::new(),
            reasons: vec![format!(
                "endpoint {} has AuthType ApplicationManaged: Lambda authorises nothing, so every caller reaches the code \
                 (only the code itself can refuse)",
                e.name
            )],
            unread: Vec::new(),
            unknown: vec!["what the web function's own code checks: unknown (code is not read)".into()],
        })
    }

    /// The resource policy of a web function (for one of its endpoints) or of a layer
    /// version in this snapshot; `true` when it is known.
    fn other_lambda_policy(
        &self,
        resource: &str,
        unread: &mut Vec<String>,
        unknown: &mut Vec<String>,
    ) -> (Option<&policy::Policy>, bool) {
        let (policy, missing) = match self.find(resource) {
            Ok(super::Named::Web { index, .. }) if resource.contains(":web-function/") => {
                let w = &self.web_functions()[index];
                (w.policy.as_ref(), self.web_unread(w))
            }
            Ok(super::Named::Layer { index, version: Some(v) }) if resource.contains(":layer:") => {
                let l = &self.layers()[index];
                let version = l.versions.iter().find(|x| x.version == v);
                let missing = version
                    .map(|x| {
                        self.unread_where(|g| g.operation == "lambda:GetLayerVersionPolicy" && g.resource == x.arn)
                    })
                    .unwrap_or_default();
                (version.and_then(|x| x.policy.as_ref()), missing)
            }
            _ => {
                let lambda = arn::split(resource).is_some_and(|p| p[2] == "lambda");
                if lambda && (resource.contains(":web-function/") || resource.contains(":layer:")) {
                    unknown.push(format!("{resource} is not in this snapshot"));
                }
                return (None, false);
            }
        };
        if !missing.is_empty() {
            unread.extend(missing);
            return (None, false);
        }
        match policy.map(|t| &t.parsed) {
            Some(Ok(p)) => (Some(p), true),
            Some(Err(e)) => {
                unread.push(format!("the policy of {resource} could not be parsed ({e})"));
                (None, false)
            }
            None => (None, true),
        }
    }
}
