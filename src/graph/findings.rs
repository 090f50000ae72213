//! Risk findings: what a careful auditor would flag, each with its severity, the function
//! (and qualifier) it concerns, one line of explanation and the evidence behind it.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use serde::Serialize;

use super::Graph;
use super::invoke::{Grant, Path, PrincipalKind, Verdict};
use super::lookup::Target;
use super::reach::Reach;
use crate::catalog::AccessLevel;
use crate::model::{AbsentKind, Function, Scope};
use crate::policy::{self, Caller, Context, Decision, Effect, Policies, Request};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Severity, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return Err(format!("unknown severity \"{s}\" (info, low, medium, high, critical)")),
        })
    }
}

/// What a finding is about: a function, a web function or a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    Function,
    WebFunction,
    Layer,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The rule, e.g. `public-invoke`.
    pub id: &'static str,
    pub severity: Severity,
    /// The name of the function, web function or layer (`subject` says which).
    pub function: String,
    /// Its ARN (unqualified; a layer's without version): names it across accounts and regions.
    pub arn: String,
    /// The alias or version; the endpoint of a web function; the version of a layer.
    pub qualifier: Option<String>,
    pub subject: Subject,
    pub title: String,
    pub evidence: Vec<String>,
}

/// A finding about an execution role, before it is attached to each function using it:
/// rule id, severity, title, evidence.
type RoleFinding = (&'static str, Severity, String, Vec<String>);

/// A role is "shared by many functions" from this many functions on.
pub const SHARED_ROLE_FUNCTIONS: usize = 5;
/// Services whose data a function should not be able to write everywhere.
const DATA_SERVICES: &[&str] = &[
    "s3",
    "dynamodb",
    "sqs",
    "sns",
    "kinesis",
    "secretsmanager",
    "ssm",
    "rds",
    "es",
    "kms",
    "efs",
    "elasticfilesystem",
];
/// Actions that let a function take more privilege than it was given.
const ESCALATION: &[&str] =
    &["iam:PassRole", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "sts:AssumeRole"];

pub(super) fn finding(
    id: &'static str,
    severity: Severity,
    f: &Function,
    q: Option<&str>,
    title: String,
    evidence: Vec<String>,
) -> Finding {
    Finding {
        id,
        severity,
        function: f.name.clone(),
        arn: f.arn.clone(),
        qualifier: q.map(str::to_string),
        subject: Subject::Function,
        title,
        evidence,
    }
}

pub(super) fn evidence(g: &Grant) -> Vec<String> {
    match &g.statement_id {
        Some(s) => vec![format!("{} statement {s}", g.source)],
        None => vec![g.source.clone()],
    }
}

pub(super) fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase().replace(['-', '.'], "_");
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL", "ACCESS_KEY"]
        .iter()
        .any(|w| n.contains(w))
}

impl Graph {
    /// Every finding in the account, most severe first.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let roles = self.role_findings();
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in self.functions() {
            users.entry(f.role_arn.as_str()).or_default().push(f.name.as_str());
        }
        let per_function = super::par_map(self.functions().len(), |i| {
            let f = self.function(i);
            let mut mine = self.grant_findings(i);
            mine.extend(self.scope_findings(i));
            if let Some(rf) = roles.get(f.role_arn.as_str()) {
                mine.extend(
                    rf.iter().map(|(id, sev, title, ev)| finding(id, *sev, f, None, title.clone(), ev.clone())),
                );
            }
            mine.extend(self.function_findings(f, users.get(f.role_arn.as_str()).map_or(0, Vec::len)));
            mine.extend(self.foreign_layer_findings(f));
            mine
        });
        out.extend(per_function.into_iter().flatten());
        out.extend(self.web_findings());
        out.extend(self.layer_findings());
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| (&a.function, &a.arn, &a.qualifier, a.id).cmp(&(&b.function, &b.arn, &b.qualifier, b.id)))
        });
        out
    }

    /// Findings one function's own grants show.
    fn grant_findings(&self, fi: usize) -> Vec<Finding> {
        let f = self.function(fi);
        let mut out = Vec::new();
        for g in self.direct_grants(fi) {
            let q = g.qualifier.as_deref();
            let at = match q {
                Some(q) => format!("{}:{q}", f.name),
                None => f.name.clone(),
            };
            let open = g.decision != Verdict::Denied;
            // Conditions every outsider can satisfy are no restriction (see `meaning`).
            let public = open && g.restricted_by.is_empty();
            match (g.path, g.principal_kind) {
                (Path::ResourcePolicy, PrincipalKind::Anyone) if public => out.push(finding(
                    "public-invoke",
                    Severity::Critical,
                    f,
                    q,
                    format!("anyone on the internet can invoke {at} directly"),
                    [evidence(g), g.conditions.clone()].concat(),
                )),
                (Path::FunctionUrl, PrincipalKind::Anyone) if g.source.starts_with("function URL") && public => out
                    .push(finding(
                        "public-url",
                        Severity::High,
                        f,
                        q,
                        format!("{at} has a public function URL (AuthType NONE)"),
                        evidence(g),
                    )),
                (Path::FunctionUrl, PrincipalKind::Anyone)
                    if g.source.starts_with("function URL") && g.decision == Verdict::Denied =>
                {
                    out.push(finding(
                        "url-403",
                        Severity::Medium,
                        f,
                        q,
                        format!("the function URL of {at} answers 403 to everyone"),
                        [g.conditions.clone(), evidence(g)].concat(),
                    ))
                }
                (_, PrincipalKind::Deleted) => out.push(finding(
                    "deleted-principal",
                    Severity::Low,
                    f,
                    q,
                    format!(
                        "{at} still grants a deleted principal ({}); clean it up before the id confuses someone",
                        g.principal
                    ),
                    evidence(g),
                )),
                _ => {
                    if let Some((id, severity, title)) = self.shared_risk(g, &f.arn, &at) {
                        out.push(finding(id, severity, f, q, title, evidence(g)));
                    }
                }
            }
        }
        out
    }

    /// The risks every invocable surface shares (a function scope, a web endpoint): a
    /// service grant with no source condition, another account, a whole organisation.
    /// `at` names the surface in the title (`fn:live`, `web endpoint site:shop`).
    pub(super) fn shared_risk(&self, g: &Grant, arn: &str, at: &str) -> Option<(&'static str, Severity, String)> {
        if g.decision == Verdict::Denied {
            return None;
        }
        match (g.path, g.principal_kind) {
            (Path::ResourcePolicy | Path::FunctionUrl, PrincipalKind::Service) if !has_source_condition(g) => Some((
                "confused-deputy",
                Severity::High,
                format!(
                    "{} may invoke {at} on behalf of any account: no aws:SourceArn or aws:SourceAccount condition",
                    g.principal
                ),
            )),
            (_, PrincipalKind::Account | PrincipalKind::Role | PrincipalKind::User | PrincipalKind::Session) => {
                let account = self.other_account(&g.principal, arn)?;
                Some(("cross-account", Severity::Medium, format!("account {account} is granted invocation of {at}")))
            }
            (_, PrincipalKind::Organization) => Some((
                "org-wide",
                Severity::Low,
                format!("every principal of organisation {} may invoke {at}", g.principal),
            )),
            _ => None,
        }
    }

    /// The account a principal string names, when it is not this one.
    pub(super) fn other_account(&self, principal: &str, home: &str) -> Option<String> {
        let account = if principal.len() == 12 { Some(principal) } else { policy::arn::account(principal) }?;
        (account != self.account_of(home)).then(|| account.to_string())
    }

    /// Aliases and versions that let in principals the function itself does not.
    fn scope_findings(&self, fi: usize) -> Vec<Finding> {
        let f = self.function(fi);
        let key = |g: &Grant| (g.principal.clone(), g.path);
        // Event sources and IAM-authenticated URLs open no door a policy would not.
        let grants = self.direct_grants(fi).iter().filter(|g| {
            g.decision != Verdict::Denied
                && g.path != Path::EventSource
                && g.principal_kind != PrincipalKind::IamCallers
        });
        let base: BTreeSet<_> = grants.clone().filter(|g| g.scope == Scope::Unqualified).map(key).collect();
        let mut extra: BTreeMap<Option<String>, BTreeSet<String>> = BTreeMap::new();
        for g in grants.filter(|g| g.scope != Scope::Unqualified && !base.contains(&key(g))) {
            extra.entry(g.qualifier.clone()).or_default().insert(format!("{} ({})", g.principal, g.path.label()));
        }
        extra
            .into_iter()
            .map(|(q, who)| {
                let who: Vec<String> = who.into_iter().collect();
                let title = format!(
                    "{}:{} lets in more than the function itself: {}",
                    f.name,
                    q.clone().unwrap_or_default(),
                    who.join(", ")
                );
                finding(
                    "scope-more-open",
                    Severity::Medium,
                    f,
                    q.as_deref(),
                    title,
                    vec![format!("resource policy of {}:{}", f.name, q.clone().unwrap_or_default())],
                )
            })
            .collect()
    }

    fn function_findings(&self, f: &Function, sharing: usize) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.principal(&f.role_arn).is_none()
            && let Some(a) = self.snapshot.absent.iter().find(|a| a.kind == AbsentKind::Role && a.arn == f.role_arn)
        {
            out.push(finding("missing-role", Severity::High, f, None,
                    format!("the execution role {} no longer exists: the function cannot run, and whoever recreates that role name gets its identity", f.role_arn),
                    vec![format!("{} answered: {}", a.operation, a.message)]));
        }
        if sharing >= SHARED_ROLE_FUNCTIONS {
            out.push(finding(
                "shared-role",
                Severity::Low,
                f,
                None,
                format!("the execution role is shared by {sharing} functions: each can do what any of them needs"),
                vec![f.role_arn.clone()],
            ));
        }
        let secrets: Vec<&str> = f.env_var_names.iter().filter(|n| is_secret_name(n)).map(String::as_str).collect();
        if !secrets.is_empty() {
            out.push(finding("secret-env", Severity::Medium, f, None,
                format!("environment variables look like secrets ({}): anyone with lambda:GetFunctionConfiguration reads them", secrets.join(", ")),
                vec!["environment variable names (values are never read)".into()]));
        }
        out
    }

    /// Findings about each execution role, computed once per role.
    fn role_findings(&self) -> BTreeMap<&str, Vec<RoleFinding>> {
        // One function per role that exists; each role's rules on their own core.
        let mut first: BTreeMap<&str, usize> = BTreeMap::new();
        for (fi, f) in self.functions().iter().enumerate() {
            if self.principal(&f.role_arn).is_some() {
                first.entry(f.role_arn.as_str()).or_insert(fi);
            }
        }
        let roles: Vec<(&str, usize)> = first.into_iter().collect();
        // Each role's reach is computed, judged and dropped: kept for thousands of roles
        // (an administrator role lists every action) it would hold hundreds of MiB.
        let rules = super::par_map(roles.len(), |i| {
            let target = Target { function: roles[i].1, scope: None };
            self.role_rules(&self.role_reach(String::new(), self.role_of(&target)))
        });
        roles.into_iter().map(|(arn, _)| arn).zip(rules).collect()
    }

    fn role_rules(&self, reach: &Reach) -> Vec<RoleFinding> {
        let mut out = Vec::new();
        let role = &reach.role_arn;
        let allow_sources = |pred: &dyn Fn(&super::ReachStatement) -> bool| -> Vec<String> {
            reach
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow && !s.boundary && !s.guardrail && pred(s))
                .map(|s| s.source.clone())
                .collect()
        };
        // What the role's policies grant is the risk (an SCP can be changed or detached);
        // a cap by the organisation is said in the title.
        if reach.granted_everything {
            let capped = if reach.everything { String::new() } else { " (capped by its account's SCPs)".into() };
            out.push((
                "admin-role",
                Severity::Critical,
                format!("the execution role {role} allows every action on every resource{capped}"),
                allow_sources(&|s| s.actions.as_ref().is_some_and(|a| a.contains(&"*".to_string()))),
            ));
            return out;
        }
        let not_action = allow_sources(&|s| s.not_actions.is_some());
        if !not_action.is_empty() {
            out.push((
                "notaction-role",
                Severity::High,
                format!("the execution role {role} allows everything except a list (NotAction)"),
                not_action,
            ));
        }
        let mut escalation: Vec<String> = Vec::new();
        if reach.services.iter().any(|s| s.service == "iam" && s.allowed == s.total) {
            escalation.push("iam:*".into());
        }
        for action in ESCALATION {
            match self.role_allows_everywhere(role, action) {
                Some(Decision::Allowed) => escalation.push(action.to_string()),
                Some(_) => escalation.push(format!("{action} (under conditions)")),
                None => {}
            }
        }
        if !escalation.is_empty() {
            out.push((
                "privilege-escalation",
                Severity::High,
                format!("the execution role {role} allows {} on every resource", escalation.join(", ")),
                Vec::new(),
            ));
        }
        let everywhere: Vec<&str> = reach
            .services
            .iter()
            .filter(|s| DATA_SERVICES.contains(&s.service.as_str()))
            .filter(|s| {
                s.resources.iter().any(|r| r == "*")
                    && s.levels.iter().any(|l| l.level == AccessLevel::Write && l.allowed > 0)
            })
            .map(|s| s.service.as_str())
            .collect();
        if !everywhere.is_empty() {
            out.push((
                "write-everywhere",
                Severity::Medium,
                format!("the execution role {role} can write to every resource of {}", everywhere.join(", ")),
                Vec::new(),
            ));
        }
        out
    }

    fn role_allows_everywhere(&self, role: &str, action: &str) -> Option<Decision> {
        let p = self.principal(role)?;
        let caller = Caller::parse(role).ok()?;
        let (identity, boundary) = self.identity_policies(p);
        let ctx = self.request_context(Context::open(), &caller, "*");
        let policies =
            self.guarded(Policies { identity, resource: None, boundary, ..Default::default() }, &caller, action, "*");
        let eval = policy::evaluate(&Request { caller: &caller, action, resource: "*", context: &ctx }, &policies);
        matches!(eval.decision, Decision::Allowed | Decision::Conditional).then_some(eval.decision)
    }
}

/// Whether a service's grant is tied to the caller's own resources by a condition on the
/// source that outsiders cannot satisfy.
pub(super) fn has_source_condition(g: &Grant) -> bool {
    const SOURCE_KEYS: &[&str] = &["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"];
    g.restricted_by.iter().any(|k| SOURCE_KEYS.contains(&k.as_str()))
}
