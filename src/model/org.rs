//! The AWS Organization an account belongs to, as far as it was read: its id, the tree of
//! root, OUs and accounts, and the service control and resource control policies attached
//! at each place (format 4). Whether the organisation was read at all is part of the
//! data: "not in an organisation" is a fact, "not read" an unknown (the gaps say why).

use serde::{Deserialize, Serialize};

use super::PolicyText;

/// What is known of the organisation of the snapshot's accounts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrgState {
    /// Not read (credentials, or not asked for): SCPs and RCPs are unknown.
    #[default]
    NotRead,
    /// The accounts read are in no organisation (`AWSOrganizationsNotInUseException`):
    /// no SCP or RCP applies.
    None,
    /// Read: the tree and its policies.
    Read(Organization),
}

impl OrgState {
    pub fn is_not_read(&self) -> bool {
        matches!(self, OrgState::NotRead)
    }

    pub fn read(&self) -> Option<&Organization> {
        match self {
            OrgState::Read(org) => Some(org),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// `o-…`
    pub id: String,
    pub management_account: String,
    /// `r-…`
    pub root_id: String,
    #[serde(default)]
    pub units: Vec<OrgUnit>,
    #[serde(default)]
    pub accounts: Vec<OrgAccount>,
    #[serde(default)]
    pub policies: Vec<OrgPolicy>,
    /// Whether SCPs are enabled at the root (when not, none applies).
    #[serde(default)]
    pub scps_enabled: bool,
    /// Whether RCPs are enabled at the root.
    #[serde(default)]
    pub rcps_enabled: bool,
}

/// An organisational unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnit {
    /// `ou-…`
    pub id: String,
    pub name: String,
    /// The root or the OU it sits in.
    pub parent_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgAccount {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub parent_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgPolicyKind {
    #[serde(rename = "SERVICE_CONTROL_POLICY")]
    Scp,
    #[serde(rename = "RESOURCE_CONTROL_POLICY")]
    Rcp,
}

impl OrgPolicyKind {
    pub fn short(self) -> &'static str {
        match self {
            OrgPolicyKind::Scp => "SCP",
            OrgPolicyKind::Rcp => "RCP",
        }
    }
}

/// A policy of the organisation and where it is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPolicy {
    /// `p-…` (`p-FullAWSAccess` for the AWS managed default).
    pub id: String,
    pub name: String,
    pub kind: OrgPolicyKind,
    /// `None` when the document could not be read (a gap says why).
    #[serde(default)]
    pub document: Option<PolicyText>,
    /// The root, OU and account ids it is attached to.
    #[serde(default)]
    pub targets: Vec<String>,
}

impl Organization {
    /// The ids from the root down to the account (root, each OU, the account itself);
    /// `None` when the account is not in this organisation or its parents are not known.
    pub fn path_of(&self, account: &str) -> Option<Vec<String>> {
        let acct = self.accounts.iter().find(|a| a.id == account)?;
        let mut path = vec![acct.id.clone()];
        let mut parent = acct.parent_id.clone();
        // An OU tree is at most 5 levels deep; the bound also stops a cycle in bad input.
        for _ in 0..8 {
            path.push(parent.clone());
            if parent == self.root_id {
                path.reverse();
                return Some(path);
            }
            parent = self.units.iter().find(|u| u.id == parent)?.parent_id.clone();
        }
        None
    }

    /// `aws:PrincipalOrgPaths` / `aws:ResourceOrgPaths` for an account: `o-…/r-…/ou-…/`
    /// (the account itself is not part of it).
    pub fn org_path(&self, account: &str) -> Option<String> {
        let path = self.path_of(account)?;
        let mut out = format!("{}/", self.id);
        for id in &path[..path.len() - 1] {
            out.push_str(id);
            out.push('/');
        }
        Some(out)
    }

    /// A place in words: `root r-ab12`, `OU Prod (ou-ab12-x)`, `account 111122223333 (name)`.
    pub fn place(&self, id: &str) -> String {
        if id == self.root_id {
            return format!("root {id}");
        }
        if let Some(u) = self.units.iter().find(|u| u.id == id) {
            return format!("OU {} ({id})", u.name);
        }
        match self.accounts.iter().find(|a| a.id == id) {
            Some(a) if !a.name.is_empty() => format!("account {id} ({})", a.name),
            _ => format!("account {id}"),
        }
    }

    /// The policies of one kind attached at one place.
    pub fn attached(&self, kind: OrgPolicyKind, target: &str) -> impl Iterator<Item = &OrgPolicy> {
        self.policies.iter().filter(move |p| p.kind == kind && p.targets.iter().any(|t| t == target))
    }

    /// The tree depth first from the root: each place in words with the SCPs and RCPs
    /// attached there, and its depth (the root is 0).
    pub fn tree(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        self.walk(&self.root_id, 0, &mut out);
        out
    }

    fn walk(&self, id: &str, depth: usize, out: &mut Vec<(usize, String)>) {
        // OUs nest at most five deep; the bound also stops a cycle in a damaged file.
        if depth > 8 {
            return;
        }
        let attached: Vec<String> = self
            .policies
            .iter()
            .filter(|p| p.targets.iter().any(|t| t == id))
            .map(|p| format!("{} {}{}", p.kind.short(), p.name, if p.document.is_none() { " (unread)" } else { "" }))
            .collect();
        let policies = if attached.is_empty() { String::new() } else { format!("  [{}]", attached.join(", ")) };
        let mark = if id == self.management_account { " (management: no SCP or RCP applies)" } else { "" };
        out.push((depth, format!("{}{mark}{policies}", self.place(id))));
        for u in self.units.iter().filter(|u| u.parent_id == id) {
            self.walk(&u.id, depth + 1, out);
        }
        for a in self.accounts.iter().filter(|a| a.parent_id == id) {
            self.walk(&a.id, depth + 1, out);
        }
    }

    pub fn is_member(&self, account: &str) -> bool {
        self.accounts.iter().any(|a| a.id == account)
    }

    /// What makes this tree unusable, if anything: an account id that is not 12 digits,
    /// an id listed twice, a parent that is neither the root nor an OU, a policy attached
    /// to a place the tree does not hold.
    pub fn problem(&self) -> Option<String> {
        let mut ids = std::collections::HashSet::from([self.root_id.as_str()]);
        let places = self.units.iter().map(|u| u.id.as_str()).chain(self.accounts.iter().map(|a| a.id.as_str()));
        for id in places {
            if !ids.insert(id) {
                return Some(format!("organisation: \"{id}\" appears twice"));
            }
        }
        let digits = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
        if let Some(a) = self.accounts.iter().find(|a| !digits(&a.id)) {
            return Some(format!("organisation: account id \"{}\" is not 12 digits", a.id));
        }
        let parent_ok = |p: &str| p == self.root_id || self.units.iter().any(|u| u.id == p);
        let parents =
            self.units.iter().map(|u| (&u.id, &u.parent_id)).chain(self.accounts.iter().map(|a| (&a.id, &a.parent_id)));
        for (id, parent) in parents {
            if !parent_ok(parent) {
                return Some(format!(
                    "organisation: the parent \"{parent}\" of \"{id}\" is neither the root nor an OU"
                ));
            }
        }
        let mut policies = std::collections::HashSet::new();
        for p in &self.policies {
            if !policies.insert((&p.id, p.kind)) {
                return Some(format!("organisation: policy \"{}\" appears twice", p.id));
            }
            if let Some(t) = p.targets.iter().find(|t| !ids.contains(t.as_str())) {
                return Some(format!(
                    "organisation: policy \"{}\" is attached to \"{t}\", which the tree does not hold",
                    p.id
                ));
            }
        }
        None
    }
}
