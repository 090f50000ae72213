//! The accounts and regions one snapshot holds. A read of one account and region names
//! them in `account_id` and `region`; a snapshot of several (format 3, `fetch --accounts
//! --regions` or `merge`) lists each in `reads`, the first being the caller's own.

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
        self.parts().iter().any(|(a, _)| *a == account)
    }

    /// Whether this account and region was read.
    pub fn holds(&self, account: &str, region: &str) -> bool {
        self.parts().iter().any(|(a, r)| *a == account && *r == region)
    }

    /// Counts per account and region.
    pub fn part_summaries(&self) -> Vec<PartSummary> {
        let here = |arn: &str, account: &str, region: &str| arn_place(arn) == Some((region, account));
        self.parts()
            .into_iter()
            .map(|(account, region)| PartSummary {
                account_id: account.to_string(),
                region: region.to_string(),
                functions: self.functions.iter().filter(|f| here(&f.arn, account, region)).count(),
                web_functions: self.web_functions.iter().filter(|w| here(&w.arn, account, region)).count(),
                layer_versions: self
                    .layers
                    .iter()
                    .filter(|l| here(&l.arn, account, region))
                    .map(|l| l.versions.len())
                    .sum(),
                roles: self.roles.iter().filter(|r| r.arn.split(':').nth(4) == Some(account)).count(),
            })
            .collect()
    }

    /// Whether the snapshot holds more than one account or region.
    pub fn is_multi(&self) -> bool {
        self.parts().len() > 1
    }
}

/// The `(region, account)` of a Lambda ARN, when it is one.
pub fn arn_place(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then(|| (parts[3], parts[4]))
}
