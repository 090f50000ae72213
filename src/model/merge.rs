//! Joining snapshots of different accounts and regions into one (`lambdascope merge`, and
//! a fetch of several accounts and regions, which reads each part and joins them). Pure:
//! the parts are already loaded and checked.

use std::collections::BTreeSet;

use thiserror::Error;

use super::{Read, Snapshot};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("account {account} region {region} is in two of the parts; merge each account and region once")]
    Twice { account: String, region: String },
    #[error("the parts are of different partitions ({0} and {1})")]
    Partitions(String, String),
}

/// One snapshot holding every part. The first part's own account and region are the
/// merged snapshot's; IAM entities read in several regions of one account are kept once.
pub fn merge(parts: Vec<Snapshot>) -> Result<Snapshot, MergeError> {
    let mut parts = parts.into_iter();
    let first = parts.next().ok_or(MergeError::Empty)?;
    let mut out = Snapshot { reads: reads_of(&first), ..first };
    let mut places: BTreeSet<(String, String)> =
        out.reads.iter().map(|r| (r.account_id.clone(), r.region.clone())).collect();
    for part in parts {
        if part.partition != out.partition {
            return Err(MergeError::Partitions(out.partition.clone(), part.partition.clone()));
        }
        for r in reads_of(&part) {
            if !places.insert((r.account_id.clone(), r.region.clone())) {
                return Err(MergeError::Twice { account: r.account_id, region: r.region });
            }
            out.reads.push(r);
        }
        out.functions.extend(part.functions);
        out.event_source_mappings.extend(part.event_source_mappings);
        out.web_functions.extend(part.web_functions);
        out.layers.extend(part.layers);
        out.gaps.extend(part.gaps);
        out.absent.extend(part.absent);
        once_by_arn(&mut out.roles, part.roles, |r| &r.arn);
        once_by_arn(&mut out.users, part.users, |u| &u.arn);
        once_by_arn(&mut out.groups, part.groups, |g| &g.arn);
        once_by_arn(&mut out.managed_policies, part.managed_policies, |p| &p.arn);
        // Every part of one organisation reads the same tree: the first that read it holds.
        if out.organization.is_not_read() {
            out.organization = part.organization;
        }
    }
    if out.reads.len() == 1 {
        out.reads.clear();
    }
    out.normalize();
    Ok(out)
}

/// The reads a part stands for: its own list, or its one account and region.
fn reads_of(s: &Snapshot) -> Vec<Read> {
    if !s.reads.is_empty() {
        return s.reads.clone();
    }
    vec![Read {
        account_id: s.account_id.clone(),
        region: s.region.clone(),
        caller_arn: s.caller_arn.clone(),
        taken_at: s.taken_at,
    }]
}

fn once_by_arn<T>(into: &mut Vec<T>, more: Vec<T>, arn: impl Fn(&T) -> &String) {
    let known: BTreeSet<String> = into.iter().map(|x| arn(x).clone()).collect();
    into.extend(more.into_iter().filter(|x| !known.contains(arn(x))));
}
