//! Who is calling, and how a `Principal` / `NotPrincipal` element matches them.
//!
//! A caller has identity *layers*: a role session is its account, its role and the session
//! itself. `Principal` matches when any entry matches the caller; AWS checks `NotPrincipal`
//! layer by layer, so a `NotPrincipal` statement applies unless every layer is listed
//! (naming a user without its account still leaves the account, and so the user, covered).

use std::fmt;

use super::arn;
use super::document::{PrincipalEntry, Principals};

/// The principal making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// An AWS service principal such as `s3.amazonaws.com`.
    Service(String),
    /// The account's root user.
    Root {
        account: String,
    },
    User {
        arn: String,
        account: String,
    },
    /// A role, standing for any session of it.
    Role {
        arn: String,
        account: String,
        name: String,
    },
    /// One assumed-role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    Session {
        arn: String,
        account: String,
        role: String,
    },
    /// An STS federated user session.
    FederatedUser {
        arn: String,
        account: String,
    },
}

/// How a resource-policy statement's principal matched the caller; it decides what else
/// the request needs (IAM.md, decision rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// Through the caller's account: delegation only, identity policies must still allow.
    Account,
    /// Through the role's ARN: still capped by the role's permission boundary.
    RoleArn,
    /// Directly (the user, the session, the service, or everyone).
    Direct,
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Caller::Anonymous => f.write_str("anonymous"),
            Caller::Service(s) => f.write_str(s),
            Caller::Root { account } => write!(f, "arn:aws:iam::{account}:root"),
            Caller::User { arn, .. }
            | Caller::Role { arn, .. }
            | Caller::Session { arn, .. }
            | Caller::FederatedUser { arn, .. } => f.write_str(arn),
        }
    }
}

impl Caller {
    /// Reads `anonymous`, a service principal, an account id or an IAM/STS principal ARN.
    pub fn parse(text: &str) -> Result<Caller, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("anonymous") || text == "*" {
            return Ok(Caller::Anonymous);
        }
        if is_account_id(text) {
            return Ok(Caller::Root { account: text.to_string() });
        }
        if !text.starts_with("arn:") {
            if text.contains('.') && !text.contains(':') && !text.contains('/') {
                return Ok(Caller::Service(text.to_string()));
            }
            return Err(format!(
                "\"{text}\" is not a principal: expected an IAM or STS ARN, a service such as s3.amazonaws.com, an account id, or \"anonymous\""
            ));
        }
        parse_arn(text)
    }

    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Anonymous | Caller::Service(_) => None,
            Caller::Root { account }
            | Caller::User { account, .. }
            | Caller::Role { account, .. }
            | Caller::Session { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
        }
    }

    /// Users, roles and sessions have identity policies (and may have a boundary).
    pub fn has_identity_policies(&self) -> bool {
        matches!(
            self,
            Caller::User { .. } | Caller::Role { .. } | Caller::Session { .. } | Caller::FederatedUser { .. }
        )
    }

    /// The ARN that `aws:PrincipalArn` carries (a session reports its role).
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Caller::Anonymous | Caller::Service(_) => None,
            Caller::Root { account } => Some(format!("arn:{}:iam::{account}:root", "aws")),
            Caller::Session { arn, account, role } => {
                let partition = arn::split(arn).map_or("aws", |p| p[1]);
                Some(format!("arn:{partition}:iam::{account}:role/{role}"))
            }
            Caller::User { arn, .. } | Caller::Role { arn, .. } | Caller::FederatedUser { arn, .. } => {
                Some(arn.clone())
            }
        }
    }

    /// The value of `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self {
            Caller::Anonymous => "Anonymous",
            Caller::Service(_) => "Service",
            Caller::Root { .. } => "Account",
            Caller::User { .. } => "User",
            Caller::Role { .. } | Caller::Session { .. } => "AssumedRole",
            Caller::FederatedUser { .. } => "FederatedUser",
        }
    }

    /// How one principal entry matches this caller, if it does.
    pub fn match_entry(&self, entry: &PrincipalEntry) -> Option<MatchKind> {
        match entry {
            PrincipalEntry::Anyone => Some(MatchKind::Direct),
            PrincipalEntry::Service(s) => match self {
                Caller::Service(me) if me.eq_ignore_ascii_case(s) => Some(MatchKind::Direct),
                _ => None,
            },
            PrincipalEntry::Aws(value) => self.match_aws(value),
            PrincipalEntry::Federated(_) | PrincipalEntry::CanonicalUser(_) => None,
        }
    }

    fn match_aws(&self, value: &str) -> Option<MatchKind> {
        if let Some(account) = self.account()
            && entry_account(value) == Some(account)
        {
            return Some(MatchKind::Account);
        }
        match self {
            Caller::User { arn, .. } | Caller::FederatedUser { arn, .. } | Caller::Session { arn, .. }
                if arn == value =>
            {
                Some(MatchKind::Direct)
            }
            Caller::Role { arn, .. } if arn == value => Some(MatchKind::RoleArn),
            Caller::Session { account, role, .. } if names_role(value, account, role) => Some(MatchKind::RoleArn),
            _ => None,
        }
    }

    /// The strongest way any entry matches, for a `Principal` element.
    pub fn match_principals(&self, p: &Principals) -> Option<MatchKind> {
        p.entries.iter().filter_map(|e| self.match_entry(e)).max()
    }

    /// Whether a `NotPrincipal` element covers every identity layer of the caller (so the
    /// statement does not apply to them).
    pub fn excluded_by(&self, entries: &[PrincipalEntry]) -> bool {
        if entries.contains(&PrincipalEntry::Anyone) {
            return true;
        }
        let listed = |want: MatchKind| entries.iter().any(|e| self.match_entry(e) == Some(want));
        let account_listed = || listed(MatchKind::Account);
        match self {
            Caller::Anonymous => false,
            Caller::Service(_) => listed(MatchKind::Direct),
            Caller::Root { .. } => account_listed(),
            Caller::User { .. } | Caller::FederatedUser { .. } => account_listed() && listed(MatchKind::Direct),
            // A role ARN covers the role and its sessions; a session ARN alone leaves the
            // role layer unlisted.
            Caller::Role { .. } | Caller::Session { .. } => account_listed() && listed(MatchKind::RoleArn),
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account an `AWS` principal value names as a whole (account id or root ARN).
fn entry_account(value: &str) -> Option<&str> {
    if is_account_id(value) {
        return Some(value);
    }
    let parts = arn::split(value)?;
    (parts[2] == "iam" && parts[5] == "root").then_some(parts[4])
}

/// Does a role ARN (with any path) name this account's role `role`?
fn names_role(value: &str, account: &str, role: &str) -> bool {
    let Some(parts) = arn::split(value) else {
        return false;
    };
    parts[2] == "iam"
        && parts[4] == account
        && parts[5].starts_with("role/")
        && parts[5].rsplit('/').next() == Some(role)
}

fn parse_arn(text: &str) -> Result<Caller, String> {
    let bad = || format!("\"{text}\" is not an IAM user, role or root ARN nor an STS session ARN");
    let parts = arn::split(text).ok_or_else(bad)?;
    let (service, account, resource) = (parts[2], parts[4].to_string(), parts[5]);
    if !is_account_id(&account) {
        return Err(bad());
    }
    let arn = text.to_string();
    let last = |r: &str| r.rsplit('/').next().unwrap_or_default().to_string();
    match service {
        "iam" if resource == "root" => Ok(Caller::Root { account }),
        "iam" if resource.starts_with("user/") => Ok(Caller::User { arn, account }),
        "iam" if resource.starts_with("role/") => Ok(Caller::Role { name: last(resource), arn, account }),
        "sts" if resource.starts_with("assumed-role/") => {
            let mut it = resource.split('/');
            match (it.next(), it.next(), it.next()) {
                (_, Some(role), Some(_)) if !role.is_empty() => {
                    Ok(Caller::Session { role: role.to_string(), arn, account })
                }
                _ => Err(bad()),
            }
        }
        "sts" if resource.starts_with("federated-user/") => Ok(Caller::FederatedUser { arn, account }),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(v: &str) -> PrincipalEntry {
        PrincipalEntry::Aws(v.to_string())
    }

    #[test]
    fn parses_callers() {
        assert_eq!(Caller::parse("anonymous"), Ok(Caller::Anonymous));
        assert_eq!(Caller::parse("s3.amazonaws.com"), Ok(Caller::Service("s3.amazonaws.com".into())));
        assert!(matches!(Caller::parse("arn:aws:iam::111122223333:root"), Ok(Caller::Root { .. })));
        assert!(matches!(
            Caller::parse("arn:aws:sts::111122223333:assumed-role/r/s"),
            Ok(Caller::Session { ref role, .. }) if role == "r"
        ));
        assert!(Caller::parse("arn:aws:iam::111122223333:group/g").is_err());
        assert!(Caller::parse("bob").is_err());
    }

    #[test]
    fn role_arn_matches_its_sessions_across_paths() {
        let s = Caller::parse("arn:aws:sts::111122223333:assumed-role/r/s").expect("valid");
        assert_eq!(s.match_entry(&aws("arn:aws:iam::111122223333:role/path/r")), Some(MatchKind::RoleArn));
        assert_eq!(s.match_entry(&aws("arn:aws:iam::111122223333:role/other")), None);
        assert_eq!(s.match_entry(&aws("111122223333")), Some(MatchKind::Account));
        assert_eq!(s.match_entry(&aws("arn:aws:sts::111122223333:assumed-role/r/s")), Some(MatchKind::Direct));
        // No partial wildcards in principals.
        assert_eq!(s.match_entry(&aws("arn:aws:iam::111122223333:role/*")), None);
        let role = Caller::parse("arn:aws:iam::111122223333:role/path/r").expect("valid");
        assert_eq!(role.match_entry(&aws("arn:aws:iam::111122223333:role/r")), None);
    }

    #[test]
    fn not_principal_needs_every_layer() {
        let bob = Caller::parse("arn:aws:iam::111122223333:user/bob").expect("valid");
        assert!(!bob.excluded_by(&[aws("arn:aws:iam::111122223333:user/bob")]));
        assert!(bob.excluded_by(&[aws("arn:aws:iam::111122223333:user/bob"), aws("111122223333")]));
        assert!(bob.excluded_by(&[PrincipalEntry::Anyone]));
        assert!(!Caller::Anonymous.excluded_by(&[aws("111122223333")]));
    }
}
