//! The account's users and groups read one by one, when the account authorization listing
//! is refused: each user's inline and attached policies, its groups and its tags (which
//! `ListUsers` does not return), and each group's policies. What cannot be read is a gap.

use super::Ctx;
use super::iam::{entity_policies, inline};
use super::read::Found;
use crate::model::{Group, User};

pub(super) async fn users(ctx: &Ctx) -> Vec<User> {
    let iam = &ctx.clients.iam;
    let listed = ctx
        .list(
            &ctx.pace_iam,
            "iam:ListUsers",
            "*",
            |marker| iam.list_users().set_marker(marker).send(),
            |page| (page.users().to_vec(), page.marker().map(str::to_string).filter(|_| page.is_truncated())),
        )
        .await;
    let mut out = Vec::new();
    for u in listed.items {
        let (arn, name) = (u.arn(), u.user_name());
        let (inline_policies, attached) = entity_policies!(
            ctx,
            arn,
            name,
            "User",
            list_user_policies,
            get_user_policy,
            list_attached_user_policies,
            user_name
        );
        let groups = ctx
            .list(
                &ctx.pace_iam,
                "iam:ListGroupsForUser",
                arn,
                |marker| iam.list_groups_for_user().user_name(name).set_marker(marker).send(),
                |page| {
                    let names = page.groups().iter().map(|g| g.group_name().to_string()).collect();
                    (names, page.marker().map(str::to_string).filter(|_| page.is_truncated()))
                },
            )
            .await
            .items;
        let tags = user_tags(ctx, arn, name).await;
        out.push(User {
            arn: arn.to_string(),
            name: name.to_string(),
            path: u.path().to_string(),
            permission_boundary_arn: u
                .permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(str::to_string),
            inline_policies,
            attached_policy_arns: attached,
            groups,
            tags,
        });
    }
    out
}

/// A user's tags (ListUsers does not return them); `None`, with a gap, when unreadable.
async fn user_tags(ctx: &Ctx, arn: &str, name: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let iam = &ctx.clients.iam;
    let listed = ctx
        .list(
            &ctx.pace_iam,
            "iam:ListUserTags",
            arn,
            |marker| iam.list_user_tags().user_name(name).set_marker(marker).send(),
            |page| (page.tags().to_vec(), page.marker().map(str::to_string).filter(|_| page.is_truncated())),
        )
        .await;
    listed.failure.is_none().then(|| super::details::tag_map(&listed.items))
}

pub(super) async fn groups(ctx: &Ctx) -> Vec<Group> {
    let iam = &ctx.clients.iam;
    let listed = ctx
        .list(
            &ctx.pace_iam,
            "iam:ListGroups",
            "*",
            |marker| iam.list_groups().set_marker(marker).send(),
            |page| (page.groups().to_vec(), page.marker().map(str::to_string).filter(|_| page.is_truncated())),
        )
        .await;
    let mut out = Vec::new();
    for g in listed.items {
        let (arn, name) = (g.arn(), g.group_name());
        let (inline_policies, attached) = entity_policies!(
            ctx,
            arn,
            name,
            "Group",
            list_group_policies,
            get_group_policy,
            list_attached_group_policies,
            group_name
        );
        out.push(Group {
            arn: arn.to_string(),
            name: name.to_string(),
            path: g.path().to_string(),
            inline_policies,
            attached_policy_arns: attached,
        });
    }
    out
}
