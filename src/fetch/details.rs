//! IAM's one-call listing, `GetAccountAuthorizationDetails`: every user, group, role and
//! customer managed policy in a few pages, turned into model data.

use aws_sdk_iam::types::EntityType;

use super::iam::{Identities, document, inline, name_of};
use super::{Ctx, Event, Failure};
use crate::model::{Group, ManagedPolicy, Role, User};

/// One paged listing of every user, group, role and customer managed policy.
pub(super) async fn authorization_details(ctx: &Ctx) -> Result<Identities, Failure> {
    let iam = &ctx.clients.iam;
    let listing = ctx
        .pages(
            &ctx.pace_iam,
            |marker| {
                iam.get_account_authorization_details()
                    .filter(EntityType::User)
                    .filter(EntityType::Role)
                    .filter(EntityType::Group)
                    .filter(EntityType::LocalManagedPolicy)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let next = page.marker().map(str::to_string).filter(|_| page.is_truncated());
                (vec![page], next)
            },
        )
        .await;
    // Not a gap here: the caller reads the same ground another way, or records what stays unread.
    if let Some(failure) = listing.failure {
        return Err(failure);
    }
    let pages = listing.items;
    let mut ids = Identities::default();
    for page in &pages {
        ids.roles.extend(page.role_detail_list().iter().map(|r| {
            Role {
                arn: r.arn().unwrap_or_default().to_string(),
                name: r.role_name().unwrap_or_default().to_string(),
                path: r.path().unwrap_or("/").to_string(),
                trust_policy: r.assume_role_policy_document().map(document),
                permission_boundary_arn: r
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_string),
                inline_policies: r
                    .role_policy_list()
                    .iter()
                    .map(|p| inline(p.policy_name().unwrap_or_default(), p.policy_document().unwrap_or_default()))
                    .collect(),
                attached_policy_arns: r
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string))
                    .collect(),
                tags: Some(tag_map(r.tags())),
            }
        }));
        ids.users.extend(page.user_detail_list().iter().map(|u| {
            User {
                arn: u.arn().unwrap_or_default().to_string(),
                name: u.user_name().unwrap_or_default().to_string(),
                path: u.path().unwrap_or("/").to_string(),
                permission_boundary_arn: u
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_string),
                inline_policies: u
                    .user_policy_list()
                    .iter()
                    .map(|p| inline(p.policy_name().unwrap_or_default(), p.policy_document().unwrap_or_default()))
                    .collect(),
                attached_policy_arns: u
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string))
                    .collect(),
                groups: u.group_list().to_vec(),
                tags: Some(tag_map(u.tags())),
            }
        }));
        ids.groups.extend(page.group_detail_list().iter().map(|g| {
            Group {
                arn: g.arn().unwrap_or_default().to_string(),
                name: g.group_name().unwrap_or_default().to_string(),
                path: g.path().unwrap_or("/").to_string(),
                inline_policies: g
                    .group_policy_list()
                    .iter()
                    .map(|p| inline(p.policy_name().unwrap_or_default(), p.policy_document().unwrap_or_default()))
                    .collect(),
                attached_policy_arns: g
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string))
                    .collect(),
            }
        }));
        ids.managed_policies.extend(page.policies().iter().filter_map(|p| {
            let default = p.policy_version_list().iter().find(|v| v.is_default_version())?;
            let arn = p.arn()?;
            Some(ManagedPolicy {
                arn: arn.to_string(),
                name: p.policy_name().filter(|n| !n.is_empty()).unwrap_or(name_of(arn)).to_string(),
                default_version_id: default.version_id().unwrap_or_default().to_string(),
                document: document(default.document().unwrap_or_default()),
            })
        }));
    }
    for r in &ids.roles {
        ctx.emit(Event::Role(Box::new(r.clone())));
    }
    Ok(ids)
}

/// IAM tags as the `aws:PrincipalTag/…` values they become.
pub(super) fn tag_map(tags: &[aws_sdk_iam::types::Tag]) -> std::collections::BTreeMap<String, String> {
    tags.iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
}
