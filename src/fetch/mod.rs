//! Reading a live account into a [`Snapshot`]: the only module that talks to AWS.
//!
//! Read-only by construction: it calls only `List*`/`Get*` operations (the call log proves
//! it, and a test scans this folder). Each function, role and managed policy is read once
//! however many others share it. Requests are paced per quota class; a failed item becomes
//! a gap, never an aborted fetch. Progress streams out as [`Event`]s. SDK types stop here:
//! everything returned is `model` data.

mod aws;
mod classify;
mod iam;
mod lambda;
mod pace;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response;
use thiserror::Error;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::model::{Function, Gap, Role, Snapshot};
pub use classify::{Failure, classify};
use pace::Pacer;

/// Where to read from and how fast.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// An explicit access key pair; `None` uses the default credential chain.
    pub credentials: Option<(String, String)>,
    /// Requests per second for Lambda `GetPolicy` (AWS quota: 15/s per account and region).
    pub lambda_policy_rate: f64,
    /// Requests per second for the other Lambda control-plane calls (AWS quota: 15/s).
    pub lambda_rate: f64,
    /// Requests per second for IAM (AWS publishes no rate; heavy crawls get throttled).
    pub iam_rate: f64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Attempts per request, retries of throttled and transient failures included.
    pub max_attempts: u32,
}

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            credentials: None,
            lambda_policy_rate: 15.0,
            lambda_rate: 15.0,
            iam_rate: 20.0,
            concurrency: 8,
            max_attempts: 4,
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
    /// A listing page arrived: the functions listed so far, and this page's names.
    Listed {
        functions: usize,
        names: Vec<String>,
    },
    /// A function with its aliases, policies and URLs.
    Function {
        function: Box<Function>,
        done: usize,
        total: usize,
    },
    Role(Box<Role>),
    Gap(Gap),
    Call {
        operation: String,
        total: u64,
    },
}

#[derive(Debug, Error)]
pub enum FetchError {
    #[error("no AWS region configured: pass --region or set AWS_REGION (or a region in your profile)")]
    NoRegion,
    #[error("cannot identify the account (sts:GetCallerIdentity failed: {0}); check your credentials")]
    Identity(String),
}

/// A finished fetch.
#[derive(Debug)]
pub struct Fetched {
    pub snapshot: Snapshot,
    /// `service:Operation` -> requests sent (retries included).
    pub calls: BTreeMap<String, u64>,
    pub elapsed: Duration,
}

/// What every part of the fetch shares.
struct Ctx {
    clients: aws::Clients,
    lambda_policy: Pacer,
    lambda: Pacer,
    iam: Pacer,
    limit: tokio::sync::Semaphore,
    events: Option<UnboundedSender<Event>>,
    gaps: Mutex<Vec<Gap>>,
    /// Cleared once the server shows it has no `ListFunctionUrlConfigs`.
    url_listing: std::sync::atomic::AtomicBool,
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

    /// Sends one paced request; a failure comes back classified.
    async fn call<T, E, F>(&self, pacer: &Pacer, request: F) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        let _permit = self.limit.acquire().await.ok();
        pacer.wait().await;
        request.await.map_err(|e| classify(&e))
    }

    /// Like `call`, but a failure is recorded as a gap on `operation`/`resource`.
    async fn read<T, E, F>(&self, pacer: &Pacer, operation: &str, resource: &str, request: F) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        match self.call(pacer, request).await {
            Ok(v) => Some(v),
            Err(f) => {
                self.gap(operation, resource, &f);
                None
            }
        }
    }

    /// Reads every page of a marker-paged listing. `page(marker)` sends one request;
    /// `split` takes a response apart into its items and the next marker.
    async fn pages<P, T, E, F, Fut>(
        &self,
        pacer: &Pacer,
        mut page: F,
        split: impl Fn(P) -> (Vec<T>, Option<String>),
    ) -> Result<Vec<T>, Failure>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<P, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        let mut items = Vec::new();
        let mut marker: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let (mut got, next) = split(self.call(pacer, page(marker.clone())).await?);
            items.append(&mut got);
            match next.filter(|m| !m.is_empty()) {
                // A server that hands back a marker it already gave would loop forever.
                Some(m) if seen.insert(m.clone()) => marker = Some(m),
                _ => return Ok(items),
            }
        }
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
    let start = Instant::now();
    let clients = aws::clients(opts, events.clone()).await?;
    let ctx = Arc::new(Ctx {
        clients,
        lambda_policy: Pacer::per_second(opts.lambda_policy_rate),
        lambda: Pacer::per_second(opts.lambda_rate),
        iam: Pacer::per_second(opts.iam_rate),
        limit: tokio::sync::Semaphore::new(opts.concurrency.max(1)),
        events,
        gaps: Mutex::new(Vec::new()),
        url_listing: std::sync::atomic::AtomicBool::new(true),
    });
    let (account, caller_arn) = identity(&ctx).await?;
    let mut snap = Snapshot::new(&account, &ctx.clients.region);
    snap.caller_arn = Some(caller_arn);

    ctx.emit(Event::Phase("listing functions"));
    let functions = lambda::list_functions(&ctx).await;
    ctx.emit(Event::Phase("reading function details"));
    snap.functions = lambda::details(&ctx, functions, priority).await;
    ctx.emit(Event::Phase("listing event source mappings"));
    snap.event_source_mappings = lambda::mappings(&ctx).await;
    ctx.emit(Event::Phase("reading roles and policies"));
    let identities = iam::read(&ctx, &snap.functions).await;
    snap.roles = identities.roles;
    snap.users = identities.users;
    snap.groups = identities.groups;
    snap.managed_policies = identities.managed_policies;

    snap.gaps = std::mem::take(&mut *ctx.gaps.lock().unwrap_or_else(|p| p.into_inner()));
    snap.normalize();
    Ok(Fetched { snapshot: snap, calls: ctx.clients.log.snapshot(), elapsed: start.elapsed() })
}

async fn identity(ctx: &Ctx) -> Result<(String, String), FetchError> {
    let out = ctx
        .call(&Pacer::per_second(0.0), ctx.clients.sts.get_caller_identity().send())
        .await
        .map_err(|f| FetchError::Identity(f.message))?;
    let account = out.account().unwrap_or_default().to_string();
    let arn = out.arn().unwrap_or_default().to_string();
    let region = ctx.clients.region.clone();
    ctx.emit(Event::Identity { account: account.clone(), region, caller_arn: arn.clone() });
    Ok((account, arn))
}
