//! Reading the caller's AWS Organization: whether there is one (`DescribeOrganization`,
//! one call every read makes), and, from the management account or when `--org` asks (a
//! delegated administrator), its tree and guardrails: `ListRoots` (the root and which
//! policy types are enabled), `ListOrganizationalUnitsForParent` and
//! `ListAccountsForParent` from the root down, then per policy type `ListPolicies`, and per
//! policy `DescribePolicy` (its document) and `ListTargetsForPolicy` (where it is
//! attached). Per policy rather than per target: an organisation of 1,000 accounts and 20
//! policies costs about 60 calls instead of 2,000.
//!
//! Organizations publishes no per-call rate; its reads get throttled under load, so they
//! take slots from their own modest pacer. A refused `DescribeOrganization` without `--org`
//! leaves the organisation unread (the answers say "unknown (not read)"), as least
//! privilege expects; any other read that fails is a gap, never "no policies".

use aws_sdk_organizations::types::{PolicyType, PolicyTypeStatus};

use super::Ctx;
use super::pace::Pacer;
use crate::model::{OrgAccount, OrgPolicy, OrgPolicyKind, OrgState, OrgUnit, Organization, PolicyText};

/// Requests per second for Organizations reads.
pub(super) const ORG_RATE: f64 = 5.0;

/// When to read the organisation's tree and policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgRead {
    /// Not at all (another account's part of a read of several: one part reads it).
    Skip,
    /// When the caller's account is the management account.
    #[default]
    IfManagement,
    /// Whatever the account (`--org`: a delegated administrator can read it).
    Always,
}

/// The organisation as far as it can be read with these credentials.
pub(super) async fn organisation(ctx: &Ctx, pacer: &Pacer, own: &str, mode: OrgRead) -> OrgState {
    if mode == OrgRead::Skip {
        return OrgState::NotRead;
    }
    let org = &ctx.clients.org;
    let described = match ctx.call(pacer, || org.describe_organization().send()).await {
        Ok(out) => out,
        Err(f) if f.message.contains("AWSOrganizationsNotInUseException") => return OrgState::None,
        Err(f) => {
            if mode == OrgRead::Always {
                ctx.gap("organizations:DescribeOrganization", "*", &f);
            }
            return OrgState::NotRead;
        }
    };
    let Some(o) = described.organization() else { return OrgState::NotRead };
    let management = o.master_account_id().unwrap_or_default().to_string();
    if mode == OrgRead::IfManagement && management != own {
        return OrgState::NotRead;
    }
    match tree(ctx, pacer, o.id().unwrap_or_default(), &management).await {
        Some(org) => OrgState::Read(org),
        None => OrgState::NotRead,
    }
}

/// The root, every OU and account under it, and every SCP and RCP with its targets; `None`
/// (with a gap) when the root or a level of the tree could not be listed.
async fn tree(ctx: &Ctx, pacer: &Pacer, id: &str, management: &str) -> Option<Organization> {
    let org = &ctx.clients.org;
    let roots = ctx
        .list(
            pacer,
            "organizations:ListRoots",
            "*",
            |t| org.list_roots().set_next_token(t).send(),
            |p| (p.roots().to_vec(), p.next_token().map(str::to_string)),
        )
        .await;
    let root = roots.items.first().filter(|_| roots.failure.is_none())?.clone();
    let enabled = |kind: PolicyType| {
        root.policy_types().iter().any(|t| t.r#type() == Some(&kind) && t.status() == Some(&PolicyTypeStatus::Enabled))
    };
    let mut out = Organization {
        id: id.to_string(),
        management_account: management.to_string(),
        root_id: root.id().unwrap_or_default().to_string(),
        units: Vec::new(),
        accounts: Vec::new(),
        policies: Vec::new(),
        scps_enabled: enabled(PolicyType::ServiceControlPolicy),
        rcps_enabled: enabled(PolicyType::ResourceControlPolicy),
    };
    let mut parents = vec![out.root_id.clone()];
    let mut complete = true;
    // OUs nest at most five deep; breadth first, one level at a time.
    while let Some(parent) = parents.pop() {
        let (units, accounts, whole) = children(ctx, pacer, &parent).await;
        complete &= whole;
        parents.extend(units.iter().map(|u| u.id.clone()));
        out.units.extend(units);
        out.accounts.extend(accounts);
    }
    for (kind, on) in [(OrgPolicyKind::Scp, out.scps_enabled), (OrgPolicyKind::Rcp, out.rcps_enabled)] {
        if on {
            out.policies.extend(policies(ctx, pacer, kind).await);
        }
    }
    // A tree with a level missing would put accounts nowhere: their guardrails are unknown,
    // and the gaps recorded say which listing failed.
    complete.then_some(out)
}

async fn children(ctx: &Ctx, pacer: &Pacer, parent: &str) -> (Vec<OrgUnit>, Vec<OrgAccount>, bool) {
    let org = &ctx.clients.org;
    let units = ctx
        .list(
            pacer,
            "organizations:ListOrganizationalUnitsForParent",
            parent,
            |t| org.list_organizational_units_for_parent().parent_id(parent).set_next_token(t).send(),
            |p| (p.organizational_units().to_vec(), p.next_token().map(str::to_string)),
        )
        .await;
    let accounts = ctx
        .list(
            pacer,
            "organizations:ListAccountsForParent",
            parent,
            |t| org.list_accounts_for_parent().parent_id(parent).set_next_token(t).send(),
            |p| (p.accounts().to_vec(), p.next_token().map(str::to_string)),
        )
        .await;
    let whole = units.failure.is_none() && accounts.failure.is_none();
    let units = units
        .items
        .iter()
        .map(|u| OrgUnit {
            id: u.id().unwrap_or_default().to_string(),
            name: u.name().unwrap_or_default().to_string(),
            parent_id: parent.to_string(),
        })
        .collect();
    let accounts = accounts
        .items
        .iter()
        .map(|a| OrgAccount {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            parent_id: parent.to_string(),
        })
        .collect();
    (units, accounts, whole)
}

/// Every policy of one type with its document and targets. A policy whose document could
/// not be read keeps `document: None` (and a gap), so answers name it as unknown.
async fn policies(ctx: &Ctx, pacer: &Pacer, kind: OrgPolicyKind) -> Vec<OrgPolicy> {
    let org = &ctx.clients.org;
    let filter = match kind {
        OrgPolicyKind::Scp => PolicyType::ServiceControlPolicy,
        OrgPolicyKind::Rcp => PolicyType::ResourceControlPolicy,
    };
    let listed = ctx
        .list(
            pacer,
            "organizations:ListPolicies",
            filter.as_str(),
            |t| org.list_policies().filter(filter.clone()).set_next_token(t).send(),
            |p| (p.policies().to_vec(), p.next_token().map(str::to_string)),
        )
        .await;
    let mut out = Vec::new();
    for summary in &listed.items {
        let id = summary.id().unwrap_or_default().to_string();
        let document = match ctx.call(pacer, || org.describe_policy().policy_id(&id).send()).await {
            Ok(d) => d.policy().and_then(|p| p.content()).map(|c| PolicyText::new(crate::policy::decode_document(c))),
            Err(f) => {
                ctx.gap("organizations:DescribePolicy", &id, &f);
                None
            }
        };
        let targets = ctx
            .list(
                pacer,
                "organizations:ListTargetsForPolicy",
                &id,
                |t| org.list_targets_for_policy().policy_id(&id).set_next_token(t).send(),
                |p| (p.targets().to_vec(), p.next_token().map(str::to_string)),
            )
            .await;
        // Targets not listed whole would understate where the policy applies: keep its
        // document out of the decision, named as unknown.
        let document = if targets.failure.is_some() { None } else { document };
        out.push(OrgPolicy {
            id: id.clone(),
            name: summary.name().unwrap_or_default().to_string(),
            kind,
            document,
            targets: targets.items.iter().filter_map(|t| t.target_id().map(str::to_string)).collect(),
        });
    }
    out
}
