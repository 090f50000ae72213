//! Which snapshot inputs an answer depends on, and which of them were not read. Every
//! answer lists its unread inputs in words a user understands ("aliases of F could not be
//! listed (throttled): grants on aliases are unknown"); an answer with any says "none in
//! what could be read" rather than "none", and the command exits 4.
//!
//! Something read and found not to exist (`absent`) is not unread: it is a fact, and the
//! answers treat it as such (a deleted role reaches nothing).

use super::Graph;
use crate::model::{Function, Gap, Scope};

/// A gap in words: what was not read, why, and what is unknown because of it.
pub fn describe(g: &Gap) -> String {
    let why = g.reason.as_str();
    let r = g.resource.as_str();
    match g.operation.as_str() {
        "lambda:ListFunctions" => format!("the function listing stopped early ({why}): other functions may exist"),
        "lambda:ListAliases" => format!("aliases of {r} could not be listed ({why}): grants on aliases are unknown"),
        "lambda:GetPolicy" | "lambda:GetResourcePolicy" => {
            format!("resource policy of {r} could not be read ({why}): its grants are unknown")
        }
        "lambda:ListWebFunctions" => {
            format!("web functions could not be listed ({why}): web functions and who can invoke them are unknown")
        }
        "lambda:ListWebFunctionEndpoints" => {
            format!("endpoints of web function {r} could not be listed ({why}): who can invoke it is unknown")
        }
        "lambda:ListWebFunctionRevisions" | "lambda:GetWebFunctionRevision" => {
            format!("revisions of web function {r} could not be read ({why}): the roles its code runs as are unknown")
        }
        "lambda:ListLayers" => {
            format!("layers could not be listed ({why}): who can use this account's layers is unknown")
        }
        "lambda:ListLayerVersions" => {
            format!("versions of layer {r} could not be listed ({why}): who can use them is unknown")
        }
        "lambda:GetLayerVersionPolicy" => {
            format!("policy of layer version {r} could not be read ({why}): who can use it is unknown")
        }
        "lambda:ListFunctionUrlConfigs" | "lambda:GetFunctionUrlConfig" => {
            format!("function URLs of {r} could not be read ({why}): callers through them are unknown")
        }
        "lambda:ListEventSourceMappings" => {
            format!("event source mappings could not be listed ({why}): event sources are unknown")
        }
        "iam:ListRoles" => format!("IAM roles could not be listed ({why}): identity-based callers are partly unknown"),
        "iam:ListUsers" => format!("IAM users could not be listed ({why}): identity-based callers are partly unknown"),
        "iam:ListGroups" => {
            format!("IAM groups could not be listed ({why}): identity-based callers are partly unknown")
        }
        "iam:GetRole" => format!("role {r} could not be read ({why}): its permissions are unknown"),
        "iam:ListRolePolicies" | "iam:ListUserPolicies" | "iam:ListGroupPolicies" => {
            format!("inline policies of {r} could not be listed ({why}): its permissions are partly unknown")
        }
        "iam:GetRolePolicy" | "iam:GetUserPolicy" | "iam:GetGroupPolicy" => {
            format!("inline policy {r} could not be read ({why}): its permissions are partly unknown")
        }
        "iam:ListAttachedRolePolicies" | "iam:ListAttachedUserPolicies" | "iam:ListAttachedGroupPolicies" => {
            format!("managed policies attached to {r} could not be listed ({why}): its permissions are partly unknown")
        }
        "iam:GetPolicy" | "iam:GetPolicyVersion" => {
            format!("managed policy {r} could not be read ({why}): the permissions it grants are unknown")
        }
        "iam:ListGroupsForUser" => {
            format!("groups of {r} could not be listed ({why}): its permissions are partly unknown")
        }
        op => format!("{op} on {r} could not be read ({why})"),
    }
}

/// Whether a gap is about this ARN: the ARN itself, one of its qualifiers (`fn:live`) or
/// something under it (`role/x/policy`).
pub(super) fn about(g: &Gap, arn: &str) -> bool {
    g.resource == arn || g.resource.strip_prefix(arn).is_some_and(|rest| rest.starts_with(':') || rest.starts_with('/'))
}

/// The reads of one scope's resource policy (`GetResourcePolicy` where the endpoint has it).
pub(super) const SCOPE_POLICY: &[&str] = &["lambda:GetPolicy", "lambda:GetResourcePolicy"];

/// Operations that read the account's users and groups, which only identity-based callers
/// depend on.
const PEOPLE: &[&str] = &[
    "iam:ListUsers",
    "iam:ListGroups",
    "iam:ListUserPolicies",
    "iam:GetUserPolicy",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupsForUser",
    "iam:ListGroupPolicies",
    "iam:GetGroupPolicy",
    "iam:ListAttachedGroupPolicies",
];

impl Graph {
    pub(super) fn unread_where(&self, keep: impl Fn(&Gap) -> bool) -> Vec<String> {
        self.snapshot.gaps.iter().filter(|g| keep(g)).map(describe).collect()
    }

    /// What was not read about one function, or one scope of it: its aliases, its scopes'
    /// policies, its URLs.
    pub fn function_unread(&self, f: &Function, scope: Option<&Scope>) -> Vec<String> {
        let mut out = self.unread_where(|g| {
            let listing = match g.operation.as_str() {
                "lambda:ListAliases" => scope.is_none_or(|s| matches!(s, Scope::Alias(_))),
                "lambda:ListFunctionUrlConfigs" | "lambda:GetFunctionUrlConfig" => true,
                // A targeted read lists the mappings of this function's scopes only.
                "lambda:ListEventSourceMappings" => true,
                _ => false,
            };
            listing && about(g, &f.arn)
        });
        for (s, _) in f.scopes().into_iter().filter(|(s, _)| scope.is_none_or(|want| want == s)) {
            out.extend(self.scope_policy_unread(f, &s));
        }
        out
    }

    /// Why a scope's resource policy is unknown: not read, or read but not parsable.
    pub(super) fn scope_policy_unread(&self, f: &Function, scope: &Scope) -> Vec<String> {
        let arn = super::scope_arn(f, scope);
        let mut out = self.unread_where(|g| SCOPE_POLICY.contains(&g.operation.as_str()) && g.resource == arn);
        let policy = f.scopes().into_iter().find(|(s, _)| s == scope).and_then(|(_, p)| p);
        if let Some(Err(e)) = policy.map(|p| &p.parsed) {
            out.push(format!("resource policy of {arn} could not be parsed ({e}): its grants are unknown"));
        }
        out
    }

    /// What callers through identity policies depend on: the listings of roles, users and
    /// groups, and each principal's own policies.
    pub(super) fn identity_unread(&self) -> Vec<String> {
        let listings = ["iam:ListRoles", "iam:ListUsers", "iam:ListGroups"];
        let mut out = self.unread_where(|g| listings.contains(&g.operation.as_str()));
        out.extend(self.principals.iter().flat_map(|p| p.unknown.iter().cloned()));
        sorted(out)
    }

    /// What the account-wide answers (findings, diff) depend on: every gap but those about
    /// users and groups, which no account-wide finding uses, and whatever else about the
    /// functions and their roles could not be used.
    pub fn account_unread(&self) -> Vec<String> {
        let mut out = self.unread_where(|g| !PEOPLE.contains(&g.operation.as_str()));
        for f in self.functions() {
            out.extend(self.function_unread(f, None));
        }
        for p in self.principals.iter().filter(|p| p.source_is_role()) {
            out.extend(p.unknown.iter().cloned());
        }
        sorted(out)
    }

    /// The gaps of a principal's own reads (inline policy listings and documents, attached
    /// policy listings, group memberships), in words.
    pub(super) fn principal_gaps(&self, arn: &str) -> Vec<String> {
        self.unread_where(|g| g.operation.starts_with("iam:") && g.operation != "iam:GetRole" && about(g, arn))
    }

    /// An execution role the snapshot lacks, in words: unread (with the gap's reason, or
    /// simply not in the snapshot), or `None` when it was read and found not to exist.
    pub(super) fn missing_role(&self, arn: &str) -> Option<String> {
        if self.snapshot.is_absent(crate::model::AbsentKind::Role, arn) {
            return None;
        }
        Some(match self.gap(&["iam:GetRole"], arn) {
            Some(gap) => describe(gap),
            None => format!("role {arn} is not in the snapshot: its permissions are unknown"),
        })
    }

    /// A managed policy the snapshot lacks, in words: unread (with the gap's reason), or
    /// `None` when it was read and found not to exist (it grants nothing).
    pub(super) fn missing_policy(&self, arn: &str, user: &str) -> Option<String> {
        if self.snapshot.is_absent(crate::model::AbsentKind::ManagedPolicy, arn) {
            return None;
        }
        let ops = ["iam:GetPolicy", "iam:GetPolicyVersion"];
        Some(match self.snapshot.gaps.iter().find(|g| ops.contains(&g.operation.as_str()) && g.resource == arn) {
            Some(gap) => describe(gap),
            None => format!(
                "managed policy {arn} (used by {user}) is not in the snapshot: the permissions it grants are unknown"
            ),
        })
    }
}

pub(super) fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines.dedup();
    lines
}

/// "none" when nothing relevant is missing; otherwise "none in what could be read, N inputs unread".
pub fn none_phrase(what: &str, unread: usize) -> String {
    match unread {
        0 => what.to_string(),
        1 => format!("{what} in what could be read: 1 input unread (see Unknown)"),
        n => format!("{what} in what could be read: {n} inputs unread (see Unknown)"),
    }
}
