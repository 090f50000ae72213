//! Reading several accounts and regions in one run. Each account and region is read as a
//! part, with its own pacers (Lambda's quotas are per account and region) under one cap on
//! requests in flight; IAM, which is global, is read once per account. Another account is
//! read through `sts:AssumeRole`; an account whose role cannot be assumed, or a region that
//! fails, is a gap, never the end of the run. The parts are joined with `model::merge`.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::classify::classify;
use super::{Event, FetchError, FetchOptions, Fetched, aws};
use crate::model::{Gap, GapReason, Snapshot};

/// Commercial regions where Lambda runs (what `--regions all` reads).
pub const ALL_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// Which accounts and regions to read beyond the configured one.
#[derive(Debug, Clone, Default)]
pub struct Spread {
    /// Regions (`all` for every commercial one); empty: the configured region.
    pub regions: Vec<String>,
    /// Other accounts, read through `assume_role`.
    pub accounts: Vec<String>,
    /// Also every active account of the caller's organisation (organizations:ListAccounts).
    pub org: bool,
    pub assume_role: Option<String>,
}

/// What became of one account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartState {
    Reading,
    Read {
        functions: usize,
    },
    /// Not enabled for the account (`--regions all`): skipped, not a gap.
    Skipped(String),
    Failed(String),
}

/// Reads every account and region `spread` names and joins them into one snapshot.
pub async fn fetch_spread(
    opts: &FetchOptions,
    spread: &Spread,
    events: Option<UnboundedSender<Event>>,
) -> Result<Fetched, FetchError> {
    let start = Instant::now();
    let emit = |e: Event| {
        if let Some(tx) = &events {
            let _ = tx.send(e);
        }
    };
    let base = aws::clients(opts, None).await?;
    let me = base.sts.get_caller_identity().send().await.map_err(|e| FetchError::Identity(classify(&e).message))?;
    let own = me.account().unwrap_or_default().to_string();
    let all = spread.regions.iter().any(|r| r == "all");
    let regions: Vec<String> = match (spread.regions.is_empty(), all) {
        (true, _) => vec![base.region.clone()],
        (_, true) => ALL_REGIONS.iter().map(|r| r.to_string()).collect(),
        _ => spread.regions.clone(),
    };
    let mut gaps = Vec::new();
    let mut wanted = spread.accounts.clone();
    if spread.org {
        match organisation(&base).await {
            Ok(ids) => wanted.extend(ids),
            Err(f) => {
                let message = format!(
                    "the organisation's accounts could not be listed ({}): only the accounts named were read",
                    f.message
                );
                emit(Event::Part {
                    account: "organisation".into(),
                    region: "*".into(),
                    state: PartState::Failed(message.clone()),
                });
                gaps.push(Gap {
                    operation: "organizations:ListAccounts".into(),
                    resource: "*".into(),
                    reason: f.reason,
                    message,
                });
            }
        }
    }
    let mut accounts: Vec<(String, FetchOptions)> = vec![(own.clone(), opts.clone())];
    for account in wanted.iter().filter(|a| **a != own) {
        if accounts.iter().any(|(a, _)| a == account) {
            continue;
        }
        let role = format!("arn:aws:iam::{account}:role/{}", spread.assume_role.as_deref().unwrap_or_default());
        let assumed = base.sts.assume_role().role_arn(&role).role_session_name("lambdascope").send().await;
        match assumed.as_ref().ok().and_then(|out| out.credentials()) {
            Some(c) => {
                let credentials = Some((c.access_key_id().to_string(), c.secret_access_key().to_string()));
                let session_token = Some(c.session_token().to_string());
                accounts.push((account.clone(), FetchOptions { credentials, session_token, ..opts.clone() }));
            }
            None => {
                let (reason, message) = match &assumed {
                    Err(e) => {
                        let f = classify(e);
                        (f.reason, f.message)
                    }
                    Ok(_) => (GapReason::Error, "the answer held no credentials".to_string()),
                };
                let why = format!("its role {role} could not be assumed ({message})");
                emit(Event::Part {
                    account: account.clone(),
                    region: "*".into(),
                    state: PartState::Failed(why.clone()),
                });
                let message = format!("account {account} was not read: {why}");
                gaps.push(Gap { operation: "sts:AssumeRole".into(), resource: role, reason, message });
            }
        }
    }
    let limit = Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)));
    let mut set = JoinSet::new();
    for (account, account_opts) in &accounts {
        for (i, region) in regions.iter().enumerate() {
            // The organisation is one for the whole run: the caller's own first part reads it.
            let read_org = match (account == &own && i == 0, spread.org) {
                (true, true) => super::OrgRead::Always,
                (true, false) => super::OrgRead::IfManagement,
                (false, _) => super::OrgRead::Skip,
            };
            let part = FetchOptions {
                region: Some(region.clone()),
                read_iam: i == 0,
                read_org,
                shared_limit: Some(limit.clone()),
                ..account_opts.clone()
            };
            let (account, region, events) = (account.clone(), region.clone(), events.clone());
            set.spawn(async move {
                if let Some(tx) = &events {
                    let _ = tx.send(Event::Part {
                        account: account.clone(),
                        region: region.clone(),
                        state: PartState::Reading,
                    });
                }
                // A part's counters and gaps go on; its account-shaped events (identity,
                // listings, functions) would describe one part as if it were the whole.
                let (ptx, mut prx) = tokio::sync::mpsc::unbounded_channel();
                let forward = events.map(|tx| {
                    tokio::spawn(async move {
                        while let Some(e) = prx.recv().await {
                            if matches!(e, Event::Gap(_) | Event::Call { .. } | Event::Retrying { .. }) {
                                let _ = tx.send(e);
                            }
                        }
                    })
                });
                let read = super::fetch(&part, Some(ptx)).await;
                if let Some(task) = forward {
                    let _ = task.await;
                }
                (account, region, i, read)
            });
        }
    }
    let mut parts: Vec<(bool, String, usize, Snapshot)> = Vec::new();
    let mut calls: BTreeMap<String, u64> = BTreeMap::new();
    let (mut throttled, mut rereads) = (0, 0);
    while let Some(done) = set.join_next().await {
        let Ok((account, region, i, read)) = done else { continue };
        match read {
            Ok(f) => {
                emit(Event::Part {
                    account: account.clone(),
                    region: region.clone(),
                    state: PartState::Read { functions: f.snapshot.functions.len() },
                });
                for (op, n) in f.calls {
                    *calls.entry(op).or_default() += n;
                }
                throttled += f.throttled;
                rereads += f.rereads;
                parts.push((account != own, account, i, f.snapshot));
            }
            Err(e) => {
                let message = e.to_string();
                let disabled = all && is_not_enabled(&message);
                let state = if disabled {
                    PartState::Skipped(format!("not enabled for account {account}"))
                } else {
                    gaps.push(Gap {
                        operation: "sts:GetCallerIdentity".into(),
                        resource: format!("{account}/{region}"),
                        reason: GapReason::Error,
                        message: format!("account {account} region {region} was not read: {message}"),
                    });
                    PartState::Failed(message)
                };
                emit(Event::Part { account, region, state });
            }
        }
    }
    // The caller's own account first, then by account and region order.
    parts.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let mut snapshot = match crate::model::merge(parts.into_iter().map(|(_, _, _, s)| s).collect()) {
        Ok(s) => s,
        // Nothing could be read: an empty snapshot of the caller's account, with its gaps.
        Err(_) => Snapshot::new(&own, &base.region),
    };
    snapshot.caller_arn = me.arn().map(str::to_string);
    snapshot.gaps.extend(gaps);
    // The run's own calls (who am I, the organisation's accounts, each sts:AssumeRole).
    for (op, n) in base.log.snapshot() {
        *calls.entry(op).or_default() += n;
    }
    snapshot.normalize();
    Ok(Fetched { snapshot, calls, throttled, rereads, rates: Vec::new(), elapsed: start.elapsed() })
}

/// Every active account of the caller's organisation.
async fn organisation(clients: &aws::Clients) -> Result<Vec<String>, super::Failure> {
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = clients.org.list_accounts().set_next_token(token.clone()).send().await.map_err(|e| classify(&e))?;
        ids.extend(
            page.accounts()
                .iter()
                .filter(|a| a.status().is_none_or(|s| s.as_str() == "ACTIVE"))
                .filter_map(|a| a.id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string).filter(|t| Some(t) != token.as_ref());
        if token.is_none() {
            return Ok(ids);
        }
    }
}

/// Whether a part failed because the region is not enabled for the account (opt-in
/// regions answer an unknown-token error to credentials of accounts that did not opt in).
fn is_not_enabled(message: &str) -> bool {
    ["InvalidClientTokenId", "UnrecognizedClientException", "not enabled", "OptInRequired"]
        .iter()
        .any(|m| message.contains(m))
}
