//! Building the SDK clients from the usual AWS settings, guarding what they may send, and
//! recording every operation they actually send (each attempt, re-reads included).
//!
//! The guard makes the product read-only by construction: an operation that is not a
//! `List*`/`Get*` read (or STS's identity calls) is refused before it is signed or sent.
//! The record is both the per-operation call count in the fetch summary and what the tests
//! check. SDK retries are off: the crawl re-reads items itself, through its pacers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::mpsc::UnboundedSender;

use super::{Event, FetchError, FetchOptions};

/// Every operation sent, as `service:Operation` -> attempts.
#[derive(Debug, Default)]
pub struct CallLog {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl CallLog {
    fn record(&self, name: String) -> u64 {
        let mut counts = self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts.entry(name).or_insert(0) += 1;
        counts.values().sum()
    }

    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}

#[derive(Debug, Clone)]
struct Recorder {
    log: Arc<CallLog>,
    events: Option<UnboundedSender<Event>>,
}

/// Whether an operation only reads: `List*`, `Get*`, STS's `AssumeRole` (which reads
/// credentials for another account, changing nothing), and Organizations' `Describe*`
/// (`DescribeOrganization`, `DescribePolicy`: that API names its single-item reads so).
pub fn is_read_only(service: &str, operation: &str) -> bool {
    operation.starts_with("List")
        || operation.starts_with("Get")
        || (service.eq_ignore_ascii_case("sts") && operation == "AssumeRole")
        || (service.eq_ignore_ascii_case("organizations") && operation.starts_with("Describe"))
}

fn operation(cfg: &ConfigBag) -> (String, String) {
    match cfg.load::<Metadata>() {
        // "Lambda Web" is `lambda-web`, as its API is named.
        Some(md) => (md.service().to_ascii_lowercase().replace(' ', "-"), md.name().to_string()),
        None => ("unknown".into(), "Unknown".into()),
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "lambdascope-read-only-guard-and-call-recorder"
    }

    /// The operation's metadata is in place from serialization on; signing and sending
    /// come later, so a refused operation never leaves the machine.
    fn read_before_serialization(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, name) = operation(cfg);
        if is_read_only(&service, &name) {
            return Ok(());
        }
        Err(format!("lambdascope is read-only: refused to send {service}:{name}").into())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = operation(cfg);
        let name = format!("{service}:{operation}");
        let total = self.log.record(name.clone());
        if let Some(tx) = &self.events {
            let _ = tx.send(Event::Call { operation: name, total });
        }
        Ok(())
    }
}

/// The clients one fetch uses, all sharing one configuration, the guard and one call log.
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    /// Lambda web functions (API `lambda-web`, served by Lambda's own endpoint).
    pub web: aws_sdk_lambdaweb::Client,
    /// Organizations, to list the accounts of `--org` (optional: it degrades to a gap).
    pub org: aws_sdk_organizations::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
    pub log: Arc<CallLog>,
}

/// Builds the guarded clients for `opts`.
pub async fn clients(opts: &FetchOptions, events: Option<UnboundedSender<Event>>) -> Result<Clients, FetchError> {
    let mut loader =
        aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled()).timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(120))
                .operation_attempt_timeout(Duration::from_secs(30))
                .build(),
        );
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some((key, secret)) = &opts.credentials {
        let creds = aws_credential_types::Credentials::new(
            key,
            secret,
            opts.session_token.clone(),
            None,
            "lambdascope-options",
        );
        loader = loader.credentials_provider(creds);
    }
    let sdk = loader.load().await;
    let region = sdk.region().map(|r| r.to_string()).ok_or(FetchError::NoRegion)?;
    let log = Arc::new(CallLog::default());
    let recorder = Recorder { log: log.clone(), events };
    let lambda = aws_sdk_lambda::config::Builder::from(&sdk).interceptor(recorder.clone()).build();
    let web = aws_sdk_lambdaweb::config::Builder::from(&sdk).interceptor(recorder.clone()).build();
    let org = aws_sdk_organizations::config::Builder::from(&sdk).interceptor(recorder.clone()).build();
    let iam = aws_sdk_iam::config::Builder::from(&sdk).interceptor(recorder.clone()).build();
    let sts = aws_sdk_sts::config::Builder::from(&sdk).interceptor(recorder).build();
    Ok(Clients {
        lambda: aws_sdk_lambda::Client::from_conf(lambda),
        web: aws_sdk_lambdaweb::Client::from_conf(web),
        org: aws_sdk_organizations::Client::from_conf(org),
        iam: aws_sdk_iam::Client::from_conf(iam),
        sts: aws_sdk_sts::Client::from_conf(sts),
        region,
        log,
    })
}
