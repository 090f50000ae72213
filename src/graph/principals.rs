//! The account's principals whose identity policies the snapshot holds (roles and users,
//! with their groups' policies), with those policies resolved once.

use super::Graph;
use crate::model::{InlinePolicy, PolicyText};
use crate::policy::{Effect, Named, Policy, eval::action_matches};

/// Where a principal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalSource {
    Role(usize),
    User(usize),
}

/// Where one policy document lives in the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loc {
    RoleInline(usize, usize),
    UserInline(usize, usize),
    GroupInline(usize, usize),
    Managed(usize),
}

#[derive(Debug, Clone)]
pub struct PrincipalInfo {
    pub arn: String,
    pub source: PrincipalSource,
    /// Identity policies: a label (`inline policy x`, a managed policy ARN) and where it is.
    policies: Vec<(String, Loc)>,
    boundary: Option<(String, Loc)>,
    /// What about this principal's policies could not be read or parsed, in full sentences
    /// (a gap is worded as `inputs::describe` words it).
    pub unknown: Vec<String>,
    /// Some identity statement allows `lambda:InvokeFunction` on something.
    pub may_invoke: bool,
}

impl PrincipalInfo {
    pub fn source_is_role(&self) -> bool {
        matches!(self.source, PrincipalSource::Role(_))
    }
}

impl Graph {
    fn text(&self, loc: Loc) -> &PolicyText {
        let s = &self.snapshot;
        match loc {
            Loc::RoleInline(r, p) => &s.roles[r].inline_policies[p].document,
            Loc::UserInline(u, p) => &s.users[u].inline_policies[p].document,
            Loc::GroupInline(g, p) => &s.groups[g].inline_policies[p].document,
            Loc::Managed(m) => &s.managed_policies[m].document,
        }
    }

    fn parsed(&self, loc: Loc) -> Option<&Policy> {
        self.text(loc).parsed.as_ref().ok()
    }

    /// The principal's identity policies and boundary, ready for the engine.
    pub fn identity_policies<'g>(&'g self, p: &'g PrincipalInfo) -> (Vec<Named<'g>>, Option<Named<'g>>) {
        let named = |(label, loc): &'g (String, Loc)| self.parsed(*loc).map(|policy| Named { name: label, policy });
        (p.policies.iter().filter_map(named).collect(), p.boundary.as_ref().and_then(named))
    }

    /// The principal with this ARN (a role session is found through its role).
    pub fn principal(&self, arn: &str) -> Option<&PrincipalInfo> {
        self.principal_index.get(arn).map(|&i| &self.principals[i])
    }

    /// The principals of one account.
    pub(super) fn principals_of(&self, account: &str) -> impl Iterator<Item = &PrincipalInfo> {
        self.by_account.get(account).into_iter().flatten().map(|&i| &self.principals[i])
    }
}

pub(super) fn collect(g: &Graph) -> Vec<PrincipalInfo> {
    let s = &g.snapshot;
    let mut out = Vec::new();
    for (ri, r) in s.roles.iter().enumerate() {
        let inline = inline_locs(&r.inline_policies, |p| Loc::RoleInline(ri, p));
        out.push(principal(
            g,
            &r.arn,
            PrincipalSource::Role(ri),
            inline,
            &r.attached_policy_arns,
            r.permission_boundary_arn.as_deref(),
        ));
    }
    for (ui, u) in s.users.iter().enumerate() {
        let mut inline = inline_locs(&u.inline_policies, |p| Loc::UserInline(ui, p));
        let mut attached = u.attached_policy_arns.clone();
        let mut group_gaps = Vec::new();
        for (gi, group) in s.groups.iter().enumerate().filter(|(_, gr)| member_of(u, gr)) {
            inline.extend(inline_locs(&group.inline_policies, |p| Loc::GroupInline(gi, p)));
            attached.extend(group.attached_policy_arns.iter().cloned());
            group_gaps.extend(g.principal_gaps(&group.arn));
        }
        let mut user =
            principal(g, &u.arn, PrincipalSource::User(ui), inline, &attached, u.permission_boundary_arn.as_deref());
        user.unknown.extend(group_gaps);
        out.push(user);
    }
    out
}

/// A user belongs to the groups of its own account it names (by name, as IAM lists them,
/// or by ARN): a same-named group of another account is another group.
fn member_of(user: &crate::model::User, group: &crate::model::Group) -> bool {
    let same_account = crate::policy::arn::account(&user.arn) == crate::policy::arn::account(&group.arn);
    user.groups.iter().any(|g| if g.starts_with("arn:") { *g == group.arn } else { same_account && *g == group.name })
}

fn inline_locs(policies: &[InlinePolicy], loc: impl Fn(usize) -> Loc) -> Vec<(String, Loc)> {
    policies.iter().enumerate().map(|(i, p)| (format!("inline policy {}", p.name), loc(i))).collect()
}

fn principal(
    g: &Graph,
    arn: &str,
    source: PrincipalSource,
    mut policies: Vec<(String, Loc)>,
    attached: &[String],
    boundary: Option<&str>,
) -> PrincipalInfo {
    // Everything about this principal that could not be read or used, in full sentences.
    let mut unknown = g.principal_gaps(arn);
    let managed = |policy: &str, unknown: &mut Vec<String>| match g.managed.get(policy) {
        Some(&m) => Some((format!("managed policy {policy}"), Loc::Managed(m))),
        None => {
            unknown.extend(g.missing_policy(policy, arn));
            None
        }
    };
    for a in attached {
        policies.extend(managed(a, &mut unknown));
    }
    let boundary = boundary.and_then(|b| managed(b, &mut unknown));
    for (label, loc) in policies.iter().chain(&boundary) {
        if let Err(e) = &g.text(*loc).parsed {
            unknown.push(format!("{label} of {arn} could not be parsed ({e}): its permissions are partly unknown"));
        }
    }
    let may_invoke = policies.iter().filter_map(|(_, loc)| g.parsed(*loc)).any(|p| {
        p.statements.iter().any(|s| s.effect == Effect::Allow && action_matches(&s.actions, "lambda:InvokeFunction"))
    });
    PrincipalInfo { arn: arn.to_string(), source, policies, boundary, unknown, may_invoke }
}
