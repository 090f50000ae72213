//! Reading and writing snapshot JSON: version check first, then structure, then the
//! invariants the rest of the program relies on. Writing sorts everything so two
//! snapshots of the same account diff cleanly.

use serde::Deserialize;
use thiserror::Error;

use super::{FORMAT_VERSION, OLDEST_FORMAT_VERSION, Snapshot};

#[derive(Debug, Error)]
pub enum LoadError {
    #[error("not valid JSON (line {line}, column {column}): {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("not a lambdascope snapshot: it has no format_version")]
    NoVersion,
    #[error(
        "snapshot format_version {found} is not supported: this build reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}"
    )]
    UnsupportedVersion { found: u64 },
    #[error("invalid snapshot (line {line}, column {column}): {message}")]
    Structure { line: usize, column: usize, message: String },
    #[error("invalid snapshot: {0}")]
    Invalid(String),
}

/// Where a loaded snapshot came from, for messages and the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotSource {
    Demo,
    File(String),
    /// Read from AWS just now.
    Live,
}

#[derive(Deserialize)]
struct Header {
    format_version: Option<serde_json::Value>,
}

impl Snapshot {
    /// Parses and validates snapshot JSON.
    pub fn from_json(text: &str) -> Result<Snapshot, LoadError> {
        let header: Header = serde_json::from_str(text).map_err(|e| LoadError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        match header.format_version {
            None => return Err(LoadError::NoVersion),
            Some(v) => match v.as_u64() {
                Some(n) if (u64::from(OLDEST_FORMAT_VERSION)..=u64::from(FORMAT_VERSION)).contains(&n) => {}
                Some(n) => return Err(LoadError::UnsupportedVersion { found: n }),
                None => {
                    return Err(LoadError::Invalid(format!("format_version must be a number, not {v}")));
                }
            },
        }
        let mut snapshot: Snapshot = serde_json::from_str(text).map_err(|e| LoadError::Structure {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        snapshot.validate()?;
        // Read in memory as the current format: an older file lacks only newer fields.
        snapshot.format_version = FORMAT_VERSION;
        snapshot.migrate_not_found_gaps();
        snapshot.normalize();
        Ok(snapshot)
    }

    /// Pretty JSON in a stable order.
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.normalize();
        // Serialising plain data into a String cannot fail.
        crate::text::json_pretty(&sorted).unwrap_or_default() + "\n"
    }

    /// Sorts every list whose order carries no meaning (layer order does, and is kept).
    pub fn normalize(&mut self) {
        self.functions.sort_by(|a, b| (&a.name, &a.arn).cmp(&(&b.name, &b.arn)));
        for f in &mut self.functions {
            f.env_var_names.sort();
            f.versions.sort_by_key(|v| version_key(&v.version));
            f.aliases.sort_by(|a, b| a.name.cmp(&b.name));
            f.urls.sort_by(|a, b| a.qualifier.cmp(&b.qualifier));
            for v in &mut f.versions {
                v.env_var_names.sort();
            }
        }
        self.event_source_mappings.sort_by(|a, b| (&a.function_arn, &a.uuid).cmp(&(&b.function_arn, &b.uuid)));
        self.roles.sort_by(|a, b| a.arn.cmp(&b.arn));
        for r in &mut self.roles {
            r.inline_policies.sort_by(|a, b| a.name.cmp(&b.name));
            r.attached_policy_arns.sort();
        }
        self.managed_policies.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.web_functions.sort_by(|a, b| (&a.name, &a.arn).cmp(&(&b.name, &b.arn)));
        for w in &mut self.web_functions {
            w.endpoints.sort_by(|a, b| a.name.cmp(&b.name));
            w.revisions.sort_by(|a, b| a.id.cmp(&b.id));
            for r in &mut w.revisions {
                r.env_var_names.sort();
            }
        }
        self.layers.sort_by(|a, b| (&a.name, &a.arn).cmp(&(&b.name, &b.arn)));
        for l in &mut self.layers {
            l.versions.sort_by_key(|v| v.version);
        }
        self.users.sort_by(|a, b| a.arn.cmp(&b.arn));
        self.groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        // The caller's own read first, then its account's other regions, then the rest.
        if let Some((own, others)) = self.reads.split_first_mut() {
            others.sort_by(|a, b| {
                (a.account_id != own.account_id, &a.account_id, &a.region).cmp(&(
                    b.account_id != own.account_id,
                    &b.account_id,
                    &b.region,
                ))
            });
        }
        self.gaps.sort();
        self.gaps.dedup();
        self.absent.sort();
        self.absent.dedup();
    }
}

/// Numeric versions sort as numbers; anything else after them, by text.
fn version_key(v: &str) -> (u64, String) {
    (v.parse::<u64>().unwrap_or(u64::MAX), v.to_string())
}
