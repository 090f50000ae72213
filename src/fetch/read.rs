//! Reading one item, or every page of a listing, so that nothing is lost: each attempt
//! takes a slot from its quota class's pacer, a throttled or transiently failed item waits
//! (backing off, without holding a concurrency slot) and is read again, and an item becomes
//! a gap only when the answer is permanent or the crawl deadline (`--max-time`) passes.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response;
use tokio::time::Instant;

use super::classify::{Failure, Retry, classify};
use super::pace::Pacer;
use super::{Ctx, Event};
use crate::model::GapReason;

/// The first re-read waits about this long; each further one twice as long, up to `BACKOFF_CAP`.
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(20);

/// What a single read found.
pub(super) enum Found<T> {
    Read(T),
    /// The service says it does not exist: a fact about the account, not a gap.
    Absent(Failure),
    /// Not read; the gap is recorded.
    Unread,
}

/// A listing: every item of the pages read, and why it stopped early, if it did.
pub(super) struct Listing<T> {
    pub items: Vec<T>,
    pub failure: Option<Failure>,
}

impl Ctx {
    /// Sends a request until it is answered, re-reading throttled and transient failures
    /// until the crawl deadline. `send` builds a fresh request for each attempt.
    pub(super) async fn call<T, E, F, Fut>(&self, pacer: &Pacer, send: F) -> Result<T, Failure>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        self.attempts(pacer, u32::MAX, send).await
    }

    /// Like `call`, but gives up after `limit` attempts (for the first call, which proves
    /// the endpoint and credentials work: a wrong endpoint must fail fast, not at the deadline).
    pub(super) async fn attempts<T, E, F, Fut>(&self, pacer: &Pacer, limit: u32, send: F) -> Result<T, Failure>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        let mut last: Option<Failure> = None;
        for attempt in 1..=limit {
            if Instant::now() >= self.deadline {
                return Err(self.past_deadline(last));
            }
            let (sent, result) = {
                let _permit = self.limit.acquire().await.ok();
                pacer.wait().await;
                let sent = Instant::now();
                (sent, send().await)
            };
            let failure = match result {
                Ok(value) => {
                    pacer.succeeded();
                    return Ok(value);
                }
                Err(e) => classify(&e),
            };
            if failure.retry == Retry::Throttled {
                pacer.throttled(sent);
                self.stats.throttled.fetch_add(1, Ordering::Relaxed);
            }
            if failure.retry == Retry::Permanent || attempt == limit {
                return Err(failure);
            }
            let delay = self.backoff(attempt);
            if Instant::now() + delay >= self.deadline {
                return Err(self.past_deadline(Some(failure)));
            }
            self.stats.rereads.fetch_add(1, Ordering::Relaxed);
            self.waiting(1);
            tokio::time::sleep(delay).await;
            self.waiting(-1);
            last = Some(failure);
        }
        Err(self.past_deadline(last))
    }

    /// Reads one item; a failure other than "does not exist" is recorded as a gap.
    pub(super) async fn one<T, E, F, Fut>(&self, pacer: &Pacer, operation: &str, resource: &str, send: F) -> Found<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        match self.call(pacer, send).await {
            Ok(value) => Found::Read(value),
            Err(f) if f.reason == GapReason::NotFound => Found::Absent(f),
            Err(f) => {
                self.gap(operation, resource, &f);
                Found::Unread
            }
        }
    }

    /// Reads every page of a marker-paged listing. `page(marker)` sends one request;
    /// `split` takes a response apart into its items and the next marker. Pages already
    /// read are kept when a later one fails; a marker handed back twice stops the listing
    /// (it would loop forever) and counts as a failure.
    pub(super) async fn pages<P, T, E, F, Fut>(
        &self,
        pacer: &Pacer,
        page: F,
        split: impl Fn(P) -> (Vec<T>, Option<String>),
    ) -> Listing<T>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<P, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        let mut items = Vec::new();
        let mut marker: Option<String> = None;
        let mut seen = HashSet::new();
        for read in 1.. {
            let answer = match self.call(pacer, || page(marker.clone())).await {
                Ok(answer) => answer,
                Err(failure) => return Listing { items, failure: Some(failure) },
            };
            let (mut got, next) = split(answer);
            items.append(&mut got);
            match next.filter(|m| !m.is_empty()) {
                None => break,
                Some(m) if seen.insert(m.clone()) => marker = Some(m),
                Some(m) => {
                    let message = format!(
                        "the server handed back page marker \"{}\" a second time after {read} pages; \
                         the listing stopped there",
                        m.chars().take(80).collect::<String>()
                    );
                    return Listing { items, failure: Some(Failure::permanent(GapReason::Error, message)) };
                }
            }
        }
        Listing { items, failure: None }
    }

    /// `pages`, recording a gap on `operation`/`resource` when the listing stopped early;
    /// the items of the pages read are kept either way.
    pub(super) async fn list<P, T, E, F, Fut>(
        &self,
        pacer: &Pacer,
        operation: &str,
        resource: &str,
        page: F,
        split: impl Fn(P) -> (Vec<T>, Option<String>),
    ) -> Listing<T>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<P, SdkError<E, Response>>>,
        E: ProvideErrorMetadata + std::fmt::Debug,
    {
        let listing = self.pages(pacer, page, split).await;
        if let Some(failure) = &listing.failure {
            self.gap(operation, resource, failure);
        }
        listing
    }

    /// The failure recorded for an item still unread when the deadline passed.
    fn past_deadline(&self, last: Option<Failure>) -> Failure {
        let limit = humanize(self.max_time);
        let message = match &last {
            Some(f) => format!("still failing when the crawl deadline (--max-time {limit}) passed: {}", f.message),
            None => format!("not read before the crawl deadline (--max-time {limit}) passed"),
        };
        Failure::permanent(last.as_ref().map_or(GapReason::Deadline, |f| f.reason), message)
    }

    /// Exponential backoff with jitter: half the step fixed, half random, so items
    /// throttled together do not all come back together.
    fn backoff(&self, attempt: u32) -> Duration {
        let step = BACKOFF_BASE.saturating_mul(1 << attempt.min(16).saturating_sub(1)).min(BACKOFF_CAP);
        let half = step / 2;
        half + half.mul_f64(self.random())
    }

    /// A number in [0, 1) from a shared xorshift generator (jitter needs no better).
    fn random(&self) -> f64 {
        let mut x = self.stats.jitter.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.stats.jitter.store(x, Ordering::Relaxed);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    fn waiting(&self, change: isize) {
        let now = if change > 0 {
            self.stats.waiting.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.stats.waiting.fetch_sub(1, Ordering::Relaxed) - 1
        };
        let throttled = self.stats.throttled.load(Ordering::Relaxed);
        self.emit(Event::Retrying { waiting: now, throttled });
    }
}

/// `90s`, `30m`, `2h`: how a duration reads in a message.
pub fn humanize(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => format!("{}ms", d.as_millis()),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
