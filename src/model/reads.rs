//! The accounts and regions one snapshot holds. A read of one account and region names
//! them in `account_id` and `region`; a snapshot of several (format 3, `fetch --accounts
//! --regions` or `merge`) lists each in `reads`, the first being the caller's own.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{PartSummary, Snapshot};

/// One account and region that was read, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Read {
    pub account_id: String,
    pub region: String,
    #[serde(default)]
    pub caller_arn: Option<String>,
    pub taken_at: DateTime<Utc>,
}

impl Snapshot {
    /// Every (account, region) the snapshot holds: `reads`, or the one it names.
    pub fn parts(&self) -> Vec<(&str, &str)> {
        if self.reads.is_empty() {
            return vec![(self.account_id.as_str(), self.region.as_str())];
        }
        self.reads.iter().map(|r| (r.account_id.as_str(), r.region.as_str())).collect()
    }

    /// Whether this account was read (in any region): its identity policies are known.
    pub fn holds_account(&self, account: &str) -> bool {
        self.account_id == account || self.reads.iter().any(|r| r.account_id == account)
    }

    /// Whether this account and region was read.
    pub fn holds(&self, account: &str, region: &str) -> bool {
        (self.account_id == account && self.region == region)
            || self.reads.iter().any(|r| r.account_id == account && r.region == region)
    }

    /// Counts per account and region (one pass over each list).
    pub fn part_summaries(&self) -> Vec<PartSummary> {
        let mut out: Vec<PartSummary> = self
            .parts()
            .into_iter()
            .map(|(account, region)| PartSummary {
                account_id: account.to_string(),
                region: region.to_string(),
                ..PartSummary::default()
            })
            .collect();
        let index: HashMap<(String, String), usize> =
            out.iter().enumerate().map(|(i, p)| ((p.account_id.clone(), p.region.clone()), i)).collect();
        let at = |arn: &str| -> Option<usize> {
            let (region, account) = arn_place(arn)?;
            index.get(&(account.to_string(), region.to_string())).copied()
        };
        let places: Vec<Option<usize>> = self.functions.iter().map(|f| at(&f.arn)).collect();
        for i in places.into_iter().flatten() {
            out[i].functions += 1;
        }
        for w in &self.web_functions {
            if let Some(i) = at(&w.arn) {
                out[i].web_functions += 1;
            }
        }
        for l in &self.layers {
            if let Some(i) = at(&l.arn) {
                out[i].layer_versions += l.versions.len();
            }
        }
        let mut roles: HashMap<&str, usize> = HashMap::new();
        for r in &self.roles {
            *roles.entry(r.arn.split(':').nth(4).unwrap_or_default()).or_default() += 1;
        }
        for p in &mut out {
            p.roles = roles.get(p.account_id.as_str()).copied().unwrap_or(0);
        }
        out
    }

    /// Whether the snapshot holds more than one account or region.
    pub fn is_multi(&self) -> bool {
        self.reads.len() > 1
    }
}

/// The `(region, account)` of a Lambda ARN, when it is one.
pub fn arn_place(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then(|| (parts[3], parts[4]))
}
