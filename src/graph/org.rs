//! The organisation's part in every decision: the SCPs over a caller's account and the
//! RCPs over a resource's account, level by level (root, each OU, the account), and the
//! request keys only the organisation and the principal's own record can tell
//! (`aws:PrincipalOrgID`/`…OrgPaths`, `aws:ResourceOrgID`/`…OrgPaths`, `aws:PrincipalTag/…`).
//! Every policy-engine question the graph asks goes through `request_context` and `guarded`.

use std::collections::HashMap;

use super::Graph;
use crate::catalog::{ActionSet, Catalog};
use crate::model::{OrgPolicyKind, OrgState, Organization, Snapshot};
use crate::policy::{self, Caller, Context, Effect, Level, Lookup, Named, Policies, arn, eval::action_matches};

/// Services whose requests RCPs restrict, from the AWS Organizations User Guide ("List of
/// AWS services that support RCPs", read December 2026). Lambda, SNS and API Gateway are
/// not among them: an RCP never changes who may invoke a function, but it does decide
/// `sts:AssumeRole` on a role of a member account.
pub const RCP_SERVICES: &[&str] =
    &["s3", "sts", "sqs", "kms", "secretsmanager", "cognito-idp", "logs", "dynamodb", "ecr", "aoss"];

/// One level of one account's path, with the labels and indexes of its policies.
#[derive(Debug, Default)]
pub(super) struct Levels {
    levels: Vec<(String, Vec<(String, usize)>)>,
}

/// Each member account's SCP and RCP levels (the management account has none), and each
/// account's `aws:…OrgPaths` value, computed once: every decision asks for them.
#[derive(Debug, Default)]
pub(super) struct Guardrails {
    scp: HashMap<String, Levels>,
    rcp: HashMap<String, Levels>,
    paths: HashMap<String, String>,
}

impl Guardrails {
    pub(super) fn build(snapshot: &Snapshot) -> Guardrails {
        let Some(org) = snapshot.organization.read() else { return Guardrails::default() };
        let mut out = Guardrails::default();
        for account in &org.accounts {
            if let Some(path) = org.org_path(&account.id) {
                out.paths.insert(account.id.clone(), path);
            }
        }
        for account in org.accounts.iter().filter(|a| a.id != org.management_account) {
            let Some(path) = org.path_of(&account.id) else { continue };
            if org.scps_enabled {
                out.scp.insert(account.id.clone(), levels(org, OrgPolicyKind::Scp, &path));
            }
            if org.rcps_enabled {
                out.rcp.insert(account.id.clone(), levels(org, OrgPolicyKind::Rcp, &path));
            }
        }
        out
    }
}

fn levels(org: &Organization, kind: OrgPolicyKind, path: &[String]) -> Levels {
    let levels = path
        .iter()
        .map(|target| {
            let place = org.place(target);
            let policies = org
                .policies
                .iter()
                .enumerate()
                .filter(|(_, p)| p.kind == kind && p.targets.contains(target))
                .map(|(i, p)| (format!("{} {} ({}) at {place}", kind.short(), p.name, p.id), i))
                .collect();
            (place, policies)
        })
        .collect();
    Levels { levels }
}

/// A service-linked role (or a session of one): no SCP or RCP restricts it.
fn service_linked(caller: &Caller) -> bool {
    match caller {
        Caller::Role { arn, .. } => arn.contains(":role/aws-service-role/"),
        Caller::Session { role, .. } => role.starts_with("AWSServiceRoleFor"),
        _ => false,
    }
}

impl Graph {
    fn org(&self) -> Option<&Organization> {
        self.snapshot.organization.read()
    }

    fn borrowed<'g>(&'g self, levels: Option<&'g Levels>) -> Vec<Level<'g>> {
        let Some(org) = self.org() else { return Vec::new() };
        let Some(levels) = levels else { return Vec::new() };
        levels
            .levels
            .iter()
            .map(|(place, policies)| Level {
                place,
                policies: policies
                    .iter()
                    .filter_map(|(label, i)| {
                        let doc = org.policies[*i].document.as_ref()?.parsed.as_ref().ok()?;
                        Some(Named { name: label, policy: doc })
                    })
                    .collect(),
            })
            .collect()
    }

    /// `policies` with the organisation's guardrails that apply to this request added: the
    /// SCPs of a member account's principals (not the management account's, not a
    /// service's, not a service-linked role's), and the RCPs of a member account's
    /// resources for the services RCPs cover.
    pub(super) fn guarded<'g>(
        &'g self,
        mut policies: Policies<'g>,
        caller: &Caller,
        action: &str,
        resource: &str,
    ) -> Policies<'g> {
        if self.org().is_none() || service_linked(caller) {
            return policies;
        }
        let principal = caller.has_identity_policies() || matches!(caller, Caller::Root { .. });
        if principal && let Some(account) = caller.account() {
            policies.scp = self.borrowed(self.guardrails.scp.get(account));
        }
        let service = action.split(':').next().unwrap_or_default().to_ascii_lowercase();
        if RCP_SERVICES.contains(&service.as_str())
            && let Some(account) = arn::account(resource).filter(|a| !a.is_empty()).or(caller.account())
        {
            policies.rcp = self.borrowed(self.guardrails.rcp.get(account));
        }
        policies
    }

    /// The context of a question about one caller and one resource: the keys every
    /// request carries, the organisation's keys for accounts of a read organisation, and
    /// the principal's tags when they were read (unknown, never absent, when not).
    pub(super) fn request_context(&self, base: Context, caller: &Caller, resource: &str) -> Context {
        let mut ctx = policy::with_request_keys(base, caller, resource);
        let principal = caller.has_identity_policies() || matches!(caller, Caller::Root { .. });
        let owner = arn::account(resource).filter(|a| !a.is_empty()).or(caller.account());
        let path = |account: Option<&str>| {
            let org = self.org()?;
            Some((org.id.clone(), self.guardrails.paths.get(account?)?.clone()))
        };
        // An account of the read organisation has its id and path; any other principal or
        // resource may belong to an organisation this snapshot does not show: unknown,
        // even in a concrete request (never taken as absent).
        for (applies, keys, place) in [
            (principal, ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"], caller.account()),
            (owner.is_some(), ["aws:ResourceOrgID", "aws:ResourceOrgPaths"], owner),
        ] {
            match path(place).filter(|_| applies) {
                Some((id, path)) => {
                    ctx.set_default(keys[0], vec![id]);
                    ctx.set_default(keys[1], vec![path]);
                }
                None if applies => keys.iter().for_each(|k| ctx.set_family(k, false)),
                None => {}
            }
        }
        self.principal_tags(&mut ctx, caller);
        ctx
    }

    /// The context of "anyone in the caller's account": the account, its place in a read
    /// organisation, the resource's keys, and that such a principal calls for itself (no
    /// source keys); everything personal stays unknown.
    pub(super) fn account_wide_context(&self, caller: &Caller, resource: &str) -> Context {
        const ACCOUNT_WIDE: [&str; 10] = [
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:ResourceOrgID",
            "aws:ResourceOrgPaths",
            "aws:ResourceAccount",
            "aws:SourceArn",
            "aws:SourceAccount",
            "aws:SourceOwner",
            "aws:SourceOrgID",
            "aws:SourceOrgPaths",
        ];
        let full = self.request_context(Context::open(), caller, resource);
        let mut ctx = Context::open();
        if let Some(a) = caller.account() {
            ctx.set("aws:PrincipalAccount", vec![a.to_string()]);
        }
        for key in ACCOUNT_WIDE {
            match full.get(key) {
                Lookup::Present(v) => ctx.set(key, v.to_vec()),
                Lookup::Absent => ctx.set(key, Vec::new()),
                Lookup::Unknown => {}
            }
        }
        ctx
    }

    fn principal_tags(&self, ctx: &mut Context, caller: &Caller) {
        let Some((tags, trust)) = self.tags_of(caller) else { return };
        match tags {
            // Session tags passed at AssumeRole override a role's own: only a trust policy
            // that allows no sts:TagSession makes the role's tags the whole story.
            Some(tags) if !trust_allows_tag_session(trust) => {
                for (k, v) in tags {
                    ctx.set_default(&format!("aws:PrincipalTag/{k}"), vec![v.clone()]);
                }
                ctx.set_family("aws:PrincipalTag/", true);
            }
            _ => ctx.set_family("aws:PrincipalTag/", false),
        }
    }

    /// The tags of a role or user the snapshot holds (`None` inside: not read), with the
    /// role's trust policy.
    #[allow(clippy::type_complexity)]
    fn tags_of(
        &self,
        caller: &Caller,
    ) -> Option<(Option<&std::collections::BTreeMap<String, String>>, Option<&policy::Policy>)> {
        match caller {
            Caller::User { arn, .. } => match self.principal(arn)?.source {
                super::PrincipalSource::User(i) => Some((self.snapshot.users[i].tags.as_ref(), None)),
                super::PrincipalSource::Role(_) => None,
            },
            Caller::Role { arn, .. } => self.role(arn).map(|r| (r.tags.as_ref(), trust_of(r))),
            Caller::Session { account, role, .. } => self
                .snapshot
                .roles
                .iter()
                .find(|r| arn::account(&r.arn) == Some(account.as_str()) && &r.name == role)
                .map(|r| (r.tags.as_ref(), trust_of(r))),
            _ => None,
        }
    }

    /// Why answers about `caller` may hinge on unread tags, if they do.
    pub(super) fn unread_tags(&self, caller: &Caller) -> Option<String> {
        let (tags, _) = self.tags_of(caller)?;
        tags.is_none()
            .then(|| format!("tags of {caller} were not read: conditions on aws:PrincipalTag are undecided for it"))
    }

    /// What the organisation's part in an answer depends on and could not be read: the
    /// organisation reads that failed (unread: the answer exits 4), and what was never
    /// read or cannot be seen (unknown). Nothing when the organisation was read whole, or
    /// the accounts are in none.
    pub fn org_inputs(&self) -> (Vec<String>, Vec<String>) {
        let unread: Vec<String> = self
            .snapshot
            .gaps
            .iter()
            .filter(|g| g.operation.starts_with("organizations:"))
            .map(super::describe_gap)
            .collect();
        let unknown = match &self.snapshot.organization {
            OrgState::NotRead => {
                vec!["service control and resource control policies of the organisation: unknown (not read)".into()]
            }
            OrgState::None => Vec::new(),
            OrgState::Read(org) => {
                let policies =
                    org.policies.iter().filter(|p| !matches!(p.document.as_ref().map(|d| &d.parsed), Some(Ok(_))));
                let outside = self.snapshot.parts().into_iter().map(|(a, _)| a).filter(|a| !org.is_member(a));
                let mut out: Vec<String> = policies
                    .map(|p| {
                        format!(
                            "{} {} ({}) could not be read or parsed: decisions in the accounts it is attached to are unknown",
                            p.kind.short(),
                            p.name,
                            p.id
                        )
                    })
                    .collect();
                out.extend(outside.map(|a| {
                    format!(
                        "account {a} is not in organisation {}: the guardrails of any organisation it belongs to are unknown",
                        org.id
                    )
                }));
                out.dedup();
                out
            }
        };
        (unread, unknown)
    }
}

impl Graph {
    /// Takes from `allowed` what the SCPs over the role's account forbid: at each level
    /// only what some attached Allow covers survives, and an unconditional Deny on every
    /// resource removes its actions. (A conditional SCP statement is kept as allowing, so
    /// reach may show more than a given request gets, never less.)
    pub(super) fn subtract_scps(
        &self,
        role_arn: &str,
        allowed: &mut ActionSet,
        anywhere: &mut ActionSet,
        statements: &mut Vec<super::ReachStatement>,
    ) -> Vec<String> {
        let Ok(caller) = Caller::parse(role_arn) else { return Vec::new() };
        let levels = self.guarded(Policies::default(), &caller, "iam:GetRole", role_arn).scp;
        let catalog = Catalog::embedded();
        let before = allowed.len();
        let mut out = Vec::new();
        for level in &levels {
            let mut within = ActionSet::empty(catalog.actions.len());
            let mut denied = ActionSet::empty(catalog.actions.len());
            for named in &level.policies {
                for (i, s) in named.policy.statements.iter().enumerate() {
                    let mut shown = super::reach::reach_statement(s, format!("{} {}", named.name, s.label(i)), false);
                    shown.guardrail = true;
                    statements.push(shown);
                    let covered = catalog.covered(&super::reach::strings(&s.actions), s.actions.negated);
                    match s.effect {
                        Effect::Allow => within.union_with(&covered),
                        Effect::Deny if super::reach::everywhere(s) => denied.union_with(&covered),
                        Effect::Deny => {}
                    }
                }
            }
            let mut taken = allowed.clone();
            allowed.intersect_with(&within);
            allowed.subtract(&denied);
            anywhere.intersect_with(&within);
            anywhere.subtract(&denied);
            taken.subtract(allowed);
            if !taken.is_empty() {
                let services = super::chains::by_service(&taken);
                let more = services.len().saturating_sub(6);
                let mut named = services.into_iter().take(6).collect::<Vec<_>>().join(", ");
                if more > 0 {
                    named.push_str(&format!(" and {more} more services"));
                }
                out.push(format!("the SCPs at {} take away {named}", level.place));
            }
        }
        if allowed.len() < before {
            out.push(format!("{} of the role's actions are left after the organisation's SCPs", allowed.len()));
        }
        out
    }
}

fn trust_of(r: &crate::model::Role) -> Option<&policy::Policy> {
    r.trust_policy.as_ref().and_then(|t| t.parsed.as_ref().ok())
}

fn trust_allows_tag_session(trust: Option<&policy::Policy>) -> bool {
    trust.is_some_and(|t| {
        t.statements.iter().any(|s| s.effect == policy::Effect::Allow && action_matches(&s.actions, "sts:TagSession"))
    })
}
