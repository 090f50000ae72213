//! `lambdascope fetch`: read the live account into a snapshot file, with progress on
//! stderr and a report at the end. Also the live mode every other command uses.

use std::path::Path;

use anyhow::{Context as _, Result};

use super::progress::Progress;
use super::{Outcome, emit};
use crate::cli::{AwsArgs, Global};
use crate::fetch::{self, Fetched};
use crate::text::sanitize;

pub fn run(global: &Global, output: Option<&Path>) -> Result<Outcome> {
    let fetched = live(&global.aws)?;
    let json = fetched.snapshot.to_json();
    match output {
        Some(path) => write_private(path, &json)?,
        None => emit(&json)?,
    }
    if !global.aws.quiet {
        eprint!("{}", report(&fetched, output));
    }
    Ok(if fetched.snapshot.gaps.is_empty() { Outcome::Success } else { Outcome::PartialSnapshot })
}

/// Reads the live account, showing progress unless `--quiet`, and keeps it in the local
/// cache (unless `--no-cache`).
pub fn live(aws: &AwsArgs) -> Result<Fetched> {
    let fetched = if aws.spans_several() {
        let spread = fetch::Spread {
            regions: aws.regions.clone(),
            accounts: aws.accounts.clone(),
            org: aws.org,
            assume_role: aws.assume_role.clone(),
        };
        with_progress(aws, |opts, tx| async move { fetch::fetch_spread(&opts, &spread, Some(tx)).await })?
    } else {
        with_progress(aws, |opts, tx| async move { fetch::fetch(&opts, Some(tx)).await })?
    };
    // The cache keeps one account and region per file: a read of several is not kept.
    let source = crate::source::Source::from_args(false, None, aws);
    if !aws.spans_several()
        && let Some(Err(e)) = source.remember(&fetched.snapshot)
    {
        eprintln!("lambdascope: warning: could not update the local cache: {e}");
    }
    Ok(fetched)
}

/// Reads only what answers about `function` need, showing progress unless `--quiet`, and
/// folds it into the local cache (unless `--no-cache`).
pub fn live_function(aws: &AwsArgs, function: &str) -> Result<Fetched> {
    let name = function.to_string();
    let fetched = with_progress(aws, |opts, tx| async move { fetch::function(&opts, &name, Some(tx)).await })?;
    let source = crate::source::Source::from_args(false, None, aws);
    if let Some(Err(e)) = source.remember_part(&fetched.snapshot) {
        eprintln!("lambdascope: warning: could not update the local cache: {e}");
    }
    Ok(fetched)
}

fn with_progress<F, Fut>(aws: &AwsArgs, read: F) -> Result<Fetched>
where
    F: FnOnce(fetch::FetchOptions, tokio::sync::mpsc::UnboundedSender<fetch::Event>) -> Fut,
    Fut: std::future::Future<Output = Result<Fetched, fetch::FetchError>>,
{
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    let opts = crate::source::fetch_options(aws);
    runtime.block_on(async {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let shown = (!aws.quiet).then(|| tokio::spawn(Progress::new().show(rx)));
        let fetched = read(opts, tx).await;
        if let Some(task) = shown {
            let _ = task.await;
        }
        Ok(fetched?)
    })
}

/// Writes the snapshot readable by its owner only, replacing `path` atomically.
fn write_private(path: &Path, text: &str) -> Result<()> {
    crate::source::cache::write_private(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The closing report: what was read, the calls it took, what is missing, how long.
fn report(fetched: &Fetched, output: Option<&Path>) -> String {
    let snap = &fetched.snapshot;
    let s = snap.summary();
    let total: u64 = fetched.calls.values().sum();
    let place = if snap.is_multi() {
        let parts: Vec<String> = snap.parts().iter().map(|(a, r)| format!("{a} {r}")).collect();
        format!("{} accounts and regions ({})", parts.len(), parts.join(", "))
    } else {
        format!("account {} ({})", s.account_id, s.region)
    };
    let mut out = format!(
        "read {} in {:.1}s\n  {} functions, {} versions, {} aliases, {} resource-policy statements, {} URLs, \
         {} event source mappings\n  {} roles, {} managed policies, {} users, {} groups\n",
        sanitize(&place),
        fetched.elapsed.as_secs_f64(),
        s.functions,
        s.versions,
        s.aliases,
        s.resource_policy_statements,
        s.function_urls,
        s.event_source_mappings,
        s.roles,
        s.managed_policies,
        s.users,
        s.groups
    );
    out.push_str(&format!("  organisation: {}\n", sanitize(&super::summary::org_status(snap))));
    out.push_str(&format!("  {total} API calls:\n"));
    for (op, n) in &fetched.calls {
        out.push_str(&format!("    {op:<40} {n:>6}\n"));
    }
    if fetched.throttled > 0 || fetched.rereads > 0 {
        let rates: Vec<String> =
            fetched.rates.iter().filter_map(|(class, rate)| rate.map(|r| format!("{class} {r:.1}/s"))).collect();
        out.push_str(&format!(
            "  {} throttling answers, {} re-reads (every one read again); paced at the end: {}\n",
            fetched.throttled,
            fetched.rereads,
            if rates.is_empty() { "unpaced".to_string() } else { rates.join(", ") }
        ));
    }
    for a in &snap.absent {
        out.push_str(&format!(
            "  does not exist: {} {} ({})\n",
            a.kind.as_str(),
            sanitize(&a.arn),
            sanitize(&a.operation)
        ));
    }
    if snap.gaps.is_empty() {
        out.push_str("  complete: nothing was left unread\n");
    } else {
        out.push_str(&format!("  partial: {} gaps (what could not be read)\n", snap.gaps.len()));
        for g in snap.gaps.iter().take(20) {
            out.push_str(&format!(
                "    {} {} on {}\n",
                sanitize(&g.operation),
                g.reason.as_str(),
                sanitize(&g.resource)
            ));
        }
        if snap.gaps.len() > 20 {
            out.push_str(&format!("    ... and {} more (see \"gaps\" in the snapshot)\n", snap.gaps.len() - 20));
        }
    }
    if let Some(path) = output {
        out.push_str(&format!("snapshot written to {}\n", path.display()));
    }
    out
}

/// `lambdascope merge`: join part snapshots into one.
pub fn merge(parts: &[std::path::PathBuf], output: Option<&Path>) -> Result<Outcome> {
    let mut loaded = Vec::with_capacity(parts.len());
    for p in parts {
        loaded.push(crate::source::load_file(p)?);
    }
    let merged = crate::model::merge(loaded).context("cannot merge")?;
    let json = merged.to_json();
    match output {
        Some(path) => write_private(path, &json)?,
        None => emit(&json)?,
    }
    Ok(if merged.gaps.is_empty() { Outcome::Success } else { Outcome::PartialSnapshot })
}
