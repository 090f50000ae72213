//! Reading a live account into a [`Snapshot`]: the only module that talks to AWS.
//!
//! Read-only by construction: the clients refuse to send any operation that is not a
//! `List*`/`Get*` read (see `aws`), and a test scans this folder. Each function, role and
//! managed policy is read once however many others share it. Every attempt is paced per
//! quota class, and the pace adapts to throttling (`pace`); throttled and transiently failed
//! items are read again until they succeed or the crawl deadline passes (`read`). A gap
//! means "not read": something that does not exist is recorded as absent, not as a gap.
//! Progress streams out as [`Event`]s. SDK types stop here: everything returned is `model`
//! data.

mod aws;
mod classify;
mod details;
mod iam;
mod lambda;
mod org;
mod pace;
mod people;
mod read;
mod scope;
mod spread;
mod targeted;
mod web;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use thiserror::Error;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use crate::model::{Absent, Function, Gap, Role, Snapshot};
pub use aws::{Clients, clients, is_read_only};
pub use classify::{Failure, Retry, classify};
pub use org::OrgRead;
use pace::Pacer;
pub use read::humanize;
pub use spread::{ALL_REGIONS, PartState, Spread, fetch_spread};

/// Where to read from and how fast.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// An explicit access key pair; `None` uses the default credential chain.
    pub credentials: Option<(String, String)>,
    /// The session token that goes with `credentials` (assumed-role credentials).
    pub session_token: Option<String>,
    /// Read the account's IAM entities (`false` for a second region of an account whose
    /// IAM, which is global, another part of the same run reads).
    pub read_iam: bool,
    /// When to read the organisation's tree, SCPs and RCPs.
    pub read_org: OrgRead,
    /// A cap on requests in flight shared with the other parts of one run (several
    /// accounts and regions); `None`: this read's own `concurrency`.
    pub shared_limit: Option<std::sync::Arc<tokio::sync::Semaphore>>,
    /// Requests per second for Lambda `GetPolicy` (AWS quota: 15/s per account and region).
    pub lambda_policy_rate: f64,
    /// Requests per second for the other Lambda control-plane calls (AWS quota: 15/s).
    pub lambda_rate: f64,
    /// Requests per second for IAM (AWS publishes no rate; heavy crawls get throttled).
    pub iam_rate: f64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// How long the crawl may take: a throttled or failing item is read again until it
    /// succeeds or this passes; whatever is unread then becomes a gap.
    pub max_time: Duration,
}

/// The default `--max-time`: generous, since a 10,000-function account takes about 25
/// minutes at AWS's quotas.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(60 * 60);

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            credentials: None,
            session_token: None,
            read_iam: true,
            read_org: OrgRead::IfManagement,
            shared_limit: None,
            lambda_policy_rate: 15.0,
            lambda_rate: 15.0,
            iam_rate: 20.0,
            concurrency: 8,
            max_time: DEFAULT_MAX_TIME,
        }
    }
}

/// Progress, streamed while the fetch runs.
#[derive(Debug, Clone)]
pub enum Event {
    Identity {
        account: String,
        region: String,
        caller_arn: String,
    },
    Phase(&'static str),
    /// A listing page arrived: how many functions are listed so far, and this page's
    /// functions as the listing describes them (runtime, role, last modified; no versions,
    /// aliases, policies or URLs yet).
    Listed {
        functions: usize,
        listed: Vec<Function>,
    },
    /// A function with its aliases, policies and URLs.
    Function {
        function: Box<Function>,
        done: usize,
        total: usize,
    },
    Role(Box<Role>),
    Gap(Gap),
    /// Items waiting to be read again (throttled or transiently failed), and throttling
    /// answers received so far.
    Retrying {
        waiting: usize,
        throttled: u64,
    },
    Call {
        operation: String,
        total: u64,
    },
    /// One account and region of a read of several.
    Part {
        account: String,
        region: String,
        state: PartState,
    },
}

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("no AWS region configured: pass --region or set AWS_REGION (or a region in your profile)")]
    NoRegion,
    #[error("no function named \"{0}\" in this account and region (lambda:ListVersionsByFunction: {1})")]
    NoSuchFunction(String, String),
    #[error("cannot read function \"{0}\": {1}")]
    Function(String, String),
    #[error("the account's answers cannot be used: {0}")]
    Inconsistent(String),
    #[error(
        "cannot identify the account (sts:GetCallerIdentity failed: {0}); check your credentials, region and endpoint"
    )]
    Identity(String),
}

/// A finished fetch.
#[derive(Debug)]
pub struct Fetched {
    pub snapshot: Snapshot,
    /// `service:Operation` -> requests sent (retries included).
    pub calls: BTreeMap<String, u64>,
    /// Throttling answers received (each was read again).
    pub throttled: u64,
    /// Attempts that were re-reads of a throttled or transiently failed item.
    pub rereads: u64,
    /// Each quota class's paced rate at the end (requests per second; `None` unpaced).
    pub rates: Vec<(&'static str, Option<f64>)>,
    pub elapsed: Duration,
}

/// What every part of the fetch shares.
struct Ctx {
    clients: aws::Clients,
    pace_policy: Pacer,
    pace_lambda: Pacer,
    pace_iam: Pacer,
    pace_org: Pacer,
    limit: Arc<tokio::sync::Semaphore>,
    events: Option<UnboundedSender<Event>>,
    gaps: Mutex<Vec<Gap>>,
    absent: Mutex<Vec<Absent>>,
    /// Cleared once the server shows it has no `ListFunctionUrlConfigs`.
    url_listing: AtomicBool,
    /// Cleared once the server shows it has no `GetResourcePolicy` (then `GetPolicy` reads
    /// each scope's policy).
    resource_policy_api: AtomicBool,
    deadline: Instant,
    max_time: Duration,
    stats: Stats,
}

/// Counters the crawl keeps as it goes.
#[derive(Debug)]
struct Stats {
    throttled: AtomicU64,
    rereads: AtomicU64,
    waiting: AtomicUsize,
    /// State of the backoff jitter generator (never zero).
    jitter: AtomicU64,
}

impl Ctx {
    fn emit(&self, event: Event) {
        if let Some(tx) = &self.events {
            let _ = tx.send(event);
        }
    }

    fn gap(&self, operation: &str, resource: &str, failure: &Failure) {
        let gap = Gap {
            operation: operation.to_string(),
            resource: resource.to_string(),
            reason: failure.reason,
            message: failure.message.clone(),
        };
        self.emit(Event::Gap(gap.clone()));
        self.gaps.lock().unwrap_or_else(|p| p.into_inner()).push(gap);
    }

    /// Records that something the account refers to does not exist.
    fn absent(&self, absent: Absent) {
        self.absent.lock().unwrap_or_else(|p| p.into_inner()).push(absent);
    }
}

/// Reads the account named by `opts`.
pub async fn fetch(opts: &FetchOptions, events: Option<UnboundedSender<Event>>) -> Result<Fetched, FetchError> {
    fetch_with_priority(opts, events, None).await
}

/// Like [`fetch`]; function names sent on `priority` have their details read next (the
/// terminal UI sends the function the user is looking at).
pub async fn fetch_with_priority(
    opts: &FetchOptions,
    events: Option<UnboundedSender<Event>>,
    priority: Option<UnboundedReceiver<String>>,
) -> Result<Fetched, FetchError> {
    let (ctx, mut snap, start) = begin(opts, events).await?;
    ctx.emit(Event::Phase("listing functions"));
    let functions = lambda::list_functions(&ctx).await;
    ctx.emit(Event::Phase("reading function details"));
    snap.functions = lambda::details(&ctx, functions, priority).await;
    ctx.emit(Event::Phase("listing event source mappings"));
    snap.event_source_mappings = lambda::mappings(&ctx).await;
    ctx.emit(Event::Phase("reading web functions and layers"));
    (snap.web_functions, snap.layers) = tokio::join!(web::web_functions(&ctx), web::layers(&ctx));
    if opts.read_iam {
        ctx.emit(Event::Phase("reading roles and policies"));
        let web_roles: Vec<String> =
            snap.web_functions.iter().flat_map(|w| w.revisions.iter().filter_map(|r| r.role_arn.clone())).collect();
        let identities = iam::read(&ctx, &snap.functions, &web_roles, iam::Fallback::EveryEntity).await;
        identities.into(&mut snap);
    }
    read_organisation(&ctx, &mut snap, opts.read_org).await;
    finish(&ctx, snap, start)
}

/// Reads only what answers about one function need: the function with its versions,
/// aliases, each scope's policy and URLs, its event source mappings, its execution roles
/// with their policies, and the account's principals in one listing (whose identity
/// policies may let them invoke it). Other functions are not read, and not needed.
pub async fn function(
    opts: &FetchOptions,
    name: &str,
    events: Option<UnboundedSender<Event>>,
) -> Result<Fetched, FetchError> {
    let (ctx, mut snap, start) = begin(opts, events).await?;
    ctx.emit(Event::Phase("reading the function"));
    let account = snap.account_id.clone();
    let f = targeted::function(&ctx, &account, name).await?;
    snap.event_source_mappings = targeted::mappings(&ctx, &f).await;
    snap.functions = vec![f];
    ctx.emit(Event::Phase("reading roles and policies"));
    let identities = iam::read(&ctx, &snap.functions, &[], iam::Fallback::ExecutionRoles).await;
    identities.into(&mut snap);
    read_organisation(&ctx, &mut snap, opts.read_org).await;
    finish(&ctx, snap, start)
}

/// The organisation of the account, as far as `mode` and the credentials allow.
async fn read_organisation(ctx: &Ctx, snap: &mut Snapshot, mode: OrgRead) {
    if mode != OrgRead::Skip {
        ctx.emit(Event::Phase("reading the organisation"));
    }
    snap.organization = org::organisation(ctx, &ctx.pace_org, &snap.account_id, mode).await;
}

/// The account and region the options name: one `sts:GetCallerIdentity`.
pub async fn who(opts: &FetchOptions) -> Result<(String, String), FetchError> {
    let (_, snap, _) = begin(opts, None).await?;
    Ok((snap.account_id, snap.region))
}

/// The shared start of every read: clients, pacers, and who we are.
async fn begin(
    opts: &FetchOptions,
    events: Option<UnboundedSender<Event>>,
) -> Result<(Arc<Ctx>, Snapshot, Instant), FetchError> {
    let start = Instant::now();
    let clients = aws::clients(opts, events.clone()).await?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let seed = u64::from(std::process::id()) << 32 | u64::from(nanos) | 1;
    let ctx = Arc::new(Ctx {
        clients,
        pace_policy: Pacer::per_second(opts.lambda_policy_rate),
        pace_lambda: Pacer::per_second(opts.lambda_rate),
        pace_iam: Pacer::per_second(opts.iam_rate),
        pace_org: Pacer::per_second(org::ORG_RATE),
        limit: opts
            .shared_limit
            .clone()
            .unwrap_or_else(|| Arc::new(tokio::sync::Semaphore::new(opts.concurrency.max(1)))),
        events,
        gaps: Mutex::new(Vec::new()),
        absent: Mutex::new(Vec::new()),
        url_listing: AtomicBool::new(true),
        resource_policy_api: AtomicBool::new(true),
        deadline: start + opts.max_time,
        max_time: opts.max_time,
        stats: Stats {
            throttled: AtomicU64::new(0),
            rereads: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            jitter: AtomicU64::new(seed),
        },
    });
    let (account, caller_arn) = identity(&ctx).await?;
    let mut snap = Snapshot::new(&account, &ctx.clients.region);
    snap.caller_arn = Some(caller_arn);
    Ok((ctx, snap, start))
}

/// The shared end: gaps and absent things, the loader's rules, the report's counters.
fn finish(ctx: &Ctx, mut snap: Snapshot, start: Instant) -> Result<Fetched, FetchError> {
    snap.gaps = std::mem::take(&mut *ctx.gaps.lock().unwrap_or_else(|p| p.into_inner()));
    snap.absent = std::mem::take(&mut *ctx.absent.lock().unwrap_or_else(|p| p.into_inner()));
    // What is written must load: anything that breaks the loader's rules becomes a gap.
    for gap in snap.quarantine().map_err(|e| FetchError::Inconsistent(e.to_string()))? {
        ctx.emit(Event::Gap(gap));
    }
    snap.normalize();
    Ok(Fetched {
        snapshot: snap,
        calls: ctx.clients.log.snapshot(),
        throttled: ctx.stats.throttled.load(Ordering::Relaxed),
        rereads: ctx.stats.rereads.load(Ordering::Relaxed),
        rates: vec![
            ("lambda GetPolicy", ctx.pace_policy.rate()),
            ("lambda other", ctx.pace_lambda.rate()),
            ("iam", ctx.pace_iam.rate()),
            ("organizations", ctx.pace_org.rate()),
        ],
        elapsed: start.elapsed(),
    })
}

async fn identity(ctx: &Ctx) -> Result<(String, String), FetchError> {
    // A few attempts only: this call proves the endpoint and credentials work.
    let out = ctx
        .attempts(&Pacer::per_second(0.0), 3, || ctx.clients.sts.get_caller_identity().send())
        .await
        .map_err(|f| FetchError::Identity(f.message))?;
    let account = out.account().unwrap_or_default().to_string();
    let arn = out.arn().unwrap_or_default().to_string();
    let region = ctx.clients.region.clone();
    ctx.emit(Event::Identity { account: account.clone(), region, caller_arn: arn.clone() });
    Ok((account, arn))
}
