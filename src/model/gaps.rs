//! What a snapshot could not see, and what it saw does not exist. The two differ: a gap is
//! an input left unread (the answers that depend on it are unknown), an absent thing was
//! read and found missing (a fact the findings report on).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    AccessDenied,
    NotFound,
    Throttled,
    Error,
    /// Not read before the crawl deadline (`--max-time`).
    Deadline,
    /// Not read yet: a live account still loading (only in the UI's partial accounts).
    Pending,
}

impl GapReason {
    pub fn as_str(self) -> &'static str {
        match self {
            GapReason::AccessDenied => "access denied",
            GapReason::NotFound => "not found",
            GapReason::Throttled => "throttled",
            GapReason::Error => "error",
            GapReason::Deadline => "deadline passed",
            GapReason::Pending => "not read yet",
        }
    }
}

/// Something that could not be read: which operation, on what, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    pub operation: String,
    pub resource: String,
    pub reason: GapReason,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsentKind {
    /// An execution role that does not exist (deleted after the function was created).
    Role,
    /// A managed policy that was attached when listed and gone when read.
    ManagedPolicy,
    /// A function listed, then deleted before its details were read.
    Function,
}

impl AbsentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AbsentKind::Role => "role",
            AbsentKind::ManagedPolicy => "managed policy",
            AbsentKind::Function => "function",
        }
    }
}

/// Something the account refers to that the service says does not exist.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Absent {
    pub kind: AbsentKind,
    pub arn: String,
    /// The operation that found it missing, and the service's words.
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub message: String,
}

impl super::Snapshot {
    /// Whether `arn` was read and found not to exist.
    pub fn is_absent(&self, kind: AbsentKind, arn: &str) -> bool {
        self.absent.iter().any(|a| a.kind == kind && a.arn == arn)
    }

    /// Snapshots written before absent things were told apart recorded a deleted role or
    /// policy as a "not found" gap: read such gaps as what they are.
    pub(super) fn migrate_not_found_gaps(&mut self) {
        let (absent, gaps): (Vec<Gap>, Vec<Gap>) = std::mem::take(&mut self.gaps).into_iter().partition(|g| {
            g.reason == GapReason::NotFound && matches!(g.operation.as_str(), "iam:GetRole" | "iam:GetPolicy")
        });
        self.gaps = gaps;
        self.absent.extend(absent.into_iter().map(|g| Absent {
            kind: if g.operation == "iam:GetRole" { AbsentKind::Role } else { AbsentKind::ManagedPolicy },
            arn: g.resource,
            operation: g.operation,
            message: g.message,
        }));
    }
}
