//! The IAM side: execution roles (trust policy, boundary, inline and attached policies),
//! the managed policies they use (default version), and, where credentials allow, the
//! account's other principals so identity-based callers can be found later.
//!
//! `GetAccountAuthorizationDetails` reads all of it in a few pages; when it is denied (it
//! is under `AWSLambda_ReadOnlyAccess`) the per-entity calls that policy does grant are
//! used instead, and only what those cannot read becomes a gap. A role or policy the
//! service says does not exist is recorded as absent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::read::Found;
use super::{Ctx, Event, Failure};
use crate::model::{
    Absent, AbsentKind, Function, GapReason, Group, InlinePolicy, ManagedPolicy, PolicyText, Role, User,
};
use crate::policy::decode_document;

#[derive(Debug, Default)]
pub(super) struct Identities {
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub managed_policies: Vec<ManagedPolicy>,
}

pub(super) fn document(raw: &str) -> PolicyText {
    PolicyText::new(decode_document(raw))
}

pub(super) fn inline(name: &str, raw: &str) -> InlinePolicy {
    InlinePolicy { name: name.to_string(), document: document(raw) }
}

pub(super) fn name_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// What to read when the one-call listing of the account's principals is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fallback {
    /// Every role, user and group, one by one (a full crawl).
    EveryEntity,
    /// Only the execution roles (a targeted answer); the other principals stay unread.
    ExecutionRoles,
}

impl Identities {
    pub(super) fn into(self, snap: &mut crate::model::Snapshot) {
        snap.roles = self.roles;
        snap.users = self.users;
        snap.groups = self.groups;
        snap.managed_policies = self.managed_policies;
    }
}

pub(super) async fn read(
    ctx: &Arc<Ctx>,
    functions: &[Function],
    web_roles: &[String],
    fallback: Fallback,
) -> Identities {
    let execution: BTreeSet<String> = functions
        .iter()
        .flat_map(|f| std::iter::once(f.role_arn.clone()).chain(f.versions.iter().map(|v| v.role_arn.clone())))
        .chain(web_roles.iter().cloned())
        .filter(|arn| !arn.is_empty())
        .collect();
    let mut ids = match (super::details::authorization_details(ctx).await, fallback) {
        (Ok(mut ids), _) => {
            // Execution roles the listing did not return (deleted ones) are asked for one
            // by one, which records why they are missing.
            let known: BTreeSet<String> = ids.roles.iter().map(|r| r.arn.clone()).collect();
            let missing: Vec<String> = execution.iter().filter(|a| !known.contains(*a)).cloned().collect();
            ids.roles.extend(roles(ctx, missing).await);
            ids
        }
        (Err(_), Fallback::EveryEntity) => {
            ctx.emit(Event::Phase("reading IAM entity by entity (authorization details not readable)"));
            per_entity(ctx, &execution).await
        }
        (Err(failure), Fallback::ExecutionRoles) => {
            // The account's other principals are not listed one by one for one answer:
            // the listings they would need are unread, and the answer says so.
            let why = Failure::permanent(
                failure.reason,
                format!(
                    "not read for a targeted answer (authorization details: {}); --full reads them one by one",
                    failure.message
                ),
            );
            for op in ["iam:ListRoles", "iam:ListUsers", "iam:ListGroups"] {
                ctx.gap(op, "*", &why);
            }
            Identities { roles: roles(ctx, execution.into_iter().collect()).await, ..Identities::default() }
        }
    };
    let have: BTreeSet<String> = ids.managed_policies.iter().map(|p| p.arn.clone()).collect();
    let wanted: BTreeSet<String> = attached_arns(&ids).into_iter().filter(|a| !have.contains(a)).collect();
    ids.managed_policies.extend(managed_policies(ctx, wanted).await);
    ids
}

/// Every managed policy ARN attached to a principal or used as a boundary.
fn attached_arns(ids: &Identities) -> BTreeSet<String> {
    let roles = ids.roles.iter().flat_map(|r| r.attached_policy_arns.iter().chain(&r.permission_boundary_arn));
    let users = ids.users.iter().flat_map(|u| u.attached_policy_arns.iter().chain(&u.permission_boundary_arn));
    let groups = ids.groups.iter().flat_map(|g| g.attached_policy_arns.iter());
    roles.chain(users).chain(groups).cloned().collect()
}

/// The fallback when the one-call listing is denied: every role through `ListRoles` (which
/// `AWSLambda_ReadOnlyAccess` grants) read one by one, then users and groups if allowed.
async fn per_entity(ctx: &Arc<Ctx>, execution: &BTreeSet<String>) -> Identities {
    let iam = &ctx.clients.iam;
    let listed = ctx
        .list(
            &ctx.pace_iam,
            "iam:ListRoles",
            "*",
            |marker| iam.list_roles().set_marker(marker).send(),
            |page| {
                let next = page.marker().map(str::to_string).filter(|_| page.is_truncated());
                (page.roles().iter().map(|r| r.arn().to_string()).collect(), next)
            },
        )
        .await;
    let mut arns: BTreeSet<String> = execution.clone();
    arns.extend(listed.items);
    Identities {
        roles: roles(ctx, arns.into_iter().collect()).await,
        users: super::people::users(ctx).await,
        groups: super::people::groups(ctx).await,
        managed_policies: Vec::new(),
    }
}

async fn roles(ctx: &Arc<Ctx>, arns: Vec<String>) -> Vec<Role> {
    let read = each(ctx, arns, "iam:GetRole", |ctx, arn| async move { role(&ctx, &arn).await }).await;
    for r in &read {
        ctx.emit(Event::Role(Box::new(r.clone())));
    }
    read
}

/// Runs `read` for every ARN as its own task (the pacers and the concurrency limit keep
/// them in bounds). A task that fails unexpectedly becomes a gap on `operation` for its
/// ARN, never a silent loss. The tasks belong to this future: dropping it stops them.
async fn each<T, F, Fut>(ctx: &Arc<Ctx>, arns: impl IntoIterator<Item = String>, operation: &str, read: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<Ctx>, String) -> Fut,
    Fut: std::future::Future<Output = Option<T>> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    let mut names = std::collections::HashMap::new();
    for arn in arns {
        let id = tasks.spawn(read(ctx.clone(), arn.clone())).id();
        names.insert(id, arn);
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next_with_id().await {
        match done {
            Ok((_, Some(item))) => out.push(item),
            Ok((_, None)) => {}
            Err(e) => {
                let arn = names.get(&e.id()).map_or("*", String::as_str);
                ctx.gap(operation, arn, &Failure::permanent(GapReason::Error, "the read failed unexpectedly"));
            }
        }
    }
    out
}

/// Reads one entity's inline policies (list, then each document) and attached policies.
/// An inline policy deleted between the listing and its read no longer exists: skipped.
macro_rules! entity_policies {
    ($ctx:expr, $arn:expr, $name:expr, $kind:literal, $list:ident, $get:ident, $attached:ident, $field:ident) => {{
        let iam = &$ctx.clients.iam;
        let names = $ctx
            .list(
                &$ctx.pace_iam,
                concat!("iam:List", $kind, "Policies"),
                $arn,
                |marker| iam.$list().$field($name).set_marker(marker).send(),
                |page| {
                    (page.policy_names().to_vec(), page.marker().map(str::to_string).filter(|_| page.is_truncated()))
                },
            )
            .await;
        let mut inline_policies = Vec::new();
        for policy in names.items {
            let op = concat!("iam:Get", $kind, "Policy");
            let resource = format!("{}/{policy}", $arn);
            let send = || iam.$get().$field($name).policy_name(&policy).send();
            if let Found::Read(out) = $ctx.one(&$ctx.pace_iam, op, &resource, send).await {
                inline_policies.push(inline(&policy, out.policy_document()));
            }
        }
        let attached = $ctx
            .list(
                &$ctx.pace_iam,
                concat!("iam:ListAttached", $kind, "Policies"),
                $arn,
                |marker| iam.$attached().$field($name).set_marker(marker).send(),
                |page| {
                    let arns =
                        page.attached_policies().iter().filter_map(|p| p.policy_arn().map(str::to_string)).collect();
                    (arns, page.marker().map(str::to_string).filter(|_| page.is_truncated()))
                },
            )
            .await;
        (inline_policies, attached.items)
    }};
}
pub(super) use entity_policies;

/// One role; `None` when it does not exist (recorded as absent) or could not be read (a gap).
async fn role(ctx: &Ctx, arn: &str) -> Option<Role> {
    let name = name_of(arn);
    let send = || ctx.clients.iam.get_role().role_name(name).send();
    let got = match ctx.one(&ctx.pace_iam, "iam:GetRole", arn, send).await {
        Found::Read(got) => got,
        Found::Absent(failure) => {
            ctx.absent(Absent {
                kind: AbsentKind::Role,
                arn: arn.to_string(),
                operation: "iam:GetRole".into(),
                message: failure.message,
            });
            return None;
        }
        Found::Unread => return None,
    };
    // The SDK fills in an empty role when the answer has none: never keep one without an ARN.
    let Some(r) = got.role().filter(|r| !r.arn().is_empty()) else {
        ctx.gap("iam:GetRole", arn, &Failure::permanent(GapReason::Error, "the answer held no role"));
        return None;
    };
    let (inline_policies, attached) = entity_policies!(
        ctx,
        arn,
        name,
        "Role",
        list_role_policies,
        get_role_policy,
        list_attached_role_policies,
        role_name
    );
    Some(Role {
        arn: r.arn().to_string(),
        name: r.role_name().to_string(),
        path: r.path().to_string(),
        trust_policy: r.assume_role_policy_document().map(document),
        permission_boundary_arn: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        inline_policies,
        attached_policy_arns: attached,
        // GetRole returns the role's tags with it.
        tags: Some(super::details::tag_map(r.tags())),
    })
}

/// Each managed policy's default version, read once.
async fn managed_policies(ctx: &Arc<Ctx>, arns: BTreeSet<String>) -> Vec<ManagedPolicy> {
    let read = each(ctx, arns, "iam:GetPolicy", |ctx, arn| async move { managed_policy(&ctx, &arn).await }).await;
    read.into_iter().map(|p| (p.arn.clone(), p)).collect::<BTreeMap<_, _>>().into_values().collect()
}

async fn managed_policy(ctx: &Ctx, arn: &str) -> Option<ManagedPolicy> {
    let iam = &ctx.clients.iam;
    let absent = |failure: Failure, operation: &str| {
        ctx.absent(Absent {
            kind: AbsentKind::ManagedPolicy,
            arn: arn.to_string(),
            operation: operation.into(),
            message: failure.message,
        });
    };
    let got = match ctx.one(&ctx.pace_iam, "iam:GetPolicy", arn, || iam.get_policy().policy_arn(arn).send()).await {
        Found::Read(got) => got,
        Found::Absent(failure) => {
            absent(failure, "iam:GetPolicy");
            return None;
        }
        Found::Unread => return None,
    };
    let Some((p, version)) = got.policy().and_then(|p| Some((p, p.default_version_id()?.to_string()))) else {
        ctx.gap(
            "iam:GetPolicy",
            arn,
            &Failure::permanent(GapReason::Error, "the answer held no policy or default version"),
        );
        return None;
    };
    let send = || iam.get_policy_version().policy_arn(arn).version_id(&version).send();
    let doc = match ctx.one(&ctx.pace_iam, "iam:GetPolicyVersion", arn, send).await {
        Found::Read(doc) => doc,
        Found::Absent(failure) => {
            absent(failure, "iam:GetPolicyVersion");
            return None;
        }
        Found::Unread => return None,
    };
    let Some(text) = doc.policy_version().and_then(|v| v.document()) else {
        ctx.gap(
            "iam:GetPolicyVersion",
            arn,
            &Failure::permanent(GapReason::Error, "the answer held no policy document"),
        );
        return None;
    };
    Some(ManagedPolicy {
        arn: arn.to_string(),
        name: p.policy_name().unwrap_or(name_of(arn)).to_string(),
        default_version_id: version,
        document: document(text),
    })
}
