//! The Lambda side: functions with every published version, aliases, each scope's
//! resource policy, function URLs, and event source mappings.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use aws_sdk_lambda::types::FunctionConfiguration;
use futures_util::FutureExt;

use super::read::Found;
use super::{Ctx, Event, Failure};
use crate::model::{
    Absent, AbsentKind, Alias, EventSourceMapping, Function, FunctionVersion, GapReason, UrlAuthType, UrlConfig,
};

pub(super) const LATEST: &str = "$LATEST";

/// Every function with its published versions, from one `ListFunctions(FunctionVersion=ALL)`
/// listing. When a page cannot be read, the functions of the pages before it are kept.
pub(super) async fn list_functions(ctx: &Ctx) -> Vec<Function> {
    let mut by_name: BTreeMap<String, (Option<Function>, Vec<FunctionVersion>)> = BTreeMap::new();
    let lambda = &ctx.clients.lambda;
    // Functions seen so far ($LATEST entries), reported as each page arrives.
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let listed = ctx
        .list(
            &ctx.pace_lambda,
            "lambda:ListFunctions",
            "*",
            |marker| {
                lambda
                    .list_functions()
                    .function_version(aws_sdk_lambda::types::FunctionVersion::All)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let listed: Vec<Function> =
                    page.functions().iter().filter(|c| c.version().is_none_or(|v| v == LATEST)).map(function).collect();
                let functions = seen.fetch_add(listed.len(), Ordering::Relaxed) + listed.len();
                ctx.emit(Event::Listed { functions, listed });
                (page.functions().to_vec(), page.next_marker().map(str::to_string))
            },
        )
        .await;
    for c in &listed.items {
        let entry = by_name.entry(c.function_name().unwrap_or_default().to_string()).or_default();
        match c.version() {
            Some(v) if v != LATEST => entry.1.push(version(c)),
            _ => entry.0 = Some(function(c)),
        }
    }
    by_name.into_values().filter_map(|(f, versions)| f.map(|f| Function { versions, ..f })).collect()
}

fn unqualified(arn: &str) -> String {
    arn.strip_suffix(":$LATEST").unwrap_or(arn).to_string()
}

/// Variable names only: values may be secrets and are dropped here, at the edge.
fn env_names(c: &FunctionConfiguration) -> Vec<String> {
    let mut names: Vec<String> =
        c.environment().and_then(|e| e.variables()).map(|v| v.keys().cloned().collect()).unwrap_or_default();
    names.sort();
    names
}

pub(super) fn function(c: &FunctionConfiguration) -> Function {
    Function {
        name: c.function_name().unwrap_or_default().to_string(),
        arn: unqualified(c.function_arn().unwrap_or_default()),
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        description: c.description().unwrap_or_default().to_string(),
        role_arn: c.role().unwrap_or_default().to_string(),
        last_modified: c.last_modified().map(str::to_string),
        revision_id: c.revision_id().map(str::to_string),
        layers: c.layers().iter().filter_map(|l| l.arn().map(str::to_string)).collect(),
        env_var_names: env_names(c),
        policy: None,
        versions: Vec::new(),
        aliases: Vec::new(),
        urls: Vec::new(),
    }
}

pub(super) fn version(c: &FunctionConfiguration) -> FunctionVersion {
    FunctionVersion {
        version: c.version().unwrap_or_default().to_string(),
        arn: c.function_arn().unwrap_or_default().to_string(),
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        role_arn: c.role().unwrap_or_default().to_string(),
        description: c.description().unwrap_or_default().to_string(),
        last_modified: c.last_modified().map(str::to_string),
        revision_id: c.revision_id().map(str::to_string),
        env_var_names: env_names(c),
        policy: None,
    }
}

/// Aliases, policies and URLs of every function, several functions at a time. Workers take
/// functions from a queue; a name sent on `priority` is taken next. The workers belong to
/// this future: dropping it (a cancelled fetch) stops them.
pub(super) async fn details(
    ctx: &Arc<Ctx>,
    functions: Vec<Function>,
    priority: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
) -> Vec<Function> {
    let total = functions.len();
    let mut out = Vec::with_capacity(total);
    let mut done = 0;
    let mut rest: VecDeque<Function> = functions.into();
    // The first function goes alone: it finds out whether the server lists URL configs,
    // so the others do not all try.
    if let Some(first) = rest.pop_front() {
        done += 1;
        if let Some(f) = detail(ctx, first).await {
            ctx.emit(Event::Function { function: Box::new(f.clone()), done, total });
            out.push(f);
        }
    }
    let queue =
        Arc::new(Queue { functions: std::sync::Mutex::new(rest), priority: priority.map(std::sync::Mutex::new) });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..ctx.limit.available_permits().max(1) {
        let (ctx, queue, tx) = (ctx.clone(), queue.clone(), tx.clone());
        workers.spawn(async move {
            while let Some(f) = queue.next() {
                let arn = f.arn.clone();
                // A panic while reading one function must not lose it silently.
                let read = std::panic::AssertUnwindSafe(detail(&ctx, f)).catch_unwind().await;
                let sent = match read {
                    Ok(f) => tx.send(f),
                    Err(_) => {
                        let failure =
                            Failure::permanent(GapReason::Error, "reading this function's details failed unexpectedly");
                        ctx.gap("lambda:ListAliases", &arn, &failure);
                        tx.send(None)
                    }
                };
                if sent.is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    while let Some(read) = rx.recv().await {
        done += 1;
        if let Some(f) = read {
            ctx.emit(Event::Function { function: Box::new(f.clone()), done, total });
            out.push(f);
        }
    }
    while workers.join_next().await.is_some() {}
    out
}

/// Functions waiting for their details, and requests to read some first.
struct Queue {
    functions: std::sync::Mutex<VecDeque<Function>>,
    priority: Option<std::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<String>>>,
}

impl Queue {
    /// The next function: one asked for first if any, otherwise the next in line.
    fn next(&self) -> Option<Function> {
        let mut functions = self.functions.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rx) = &self.priority {
            let mut rx = rx.lock().unwrap_or_else(|p| p.into_inner());
            while let Ok(name) = rx.try_recv() {
                if let Some(f) = functions.iter().position(|f| f.name == name).and_then(|at| functions.remove(at)) {
                    functions.push_front(f);
                }
            }
        }
        functions.pop_front()
    }
}

/// One function's aliases, each scope's policy and its URLs; `None` when the function was
/// deleted after it was listed (recorded as absent).
pub(super) async fn detail(ctx: &Ctx, mut f: Function) -> Option<Function> {
    let gone = |failure: &Failure, operation: &str| {
        ctx.absent(Absent {
            kind: AbsentKind::Function,
            arn: f.arn.clone(),
            operation: operation.to_string(),
            message: failure.message.clone(),
        });
    };
    f.aliases = match aliases(ctx, &f).await {
        Ok(aliases) => aliases,
        Err(failure) => {
            gone(&failure, "lambda:ListAliases");
            return None;
        }
    };
    let mut scopes: Vec<Option<String>> = vec![None];
    scopes.extend(f.versions.iter().map(|v| Some(v.version.clone())));
    scopes.extend(f.aliases.iter().map(|a| Some(a.name.clone())));
    let mut policies = Vec::with_capacity(scopes.len());
    for q in &scopes {
        match super::scope::scope_policy(ctx, &f, q.as_deref()).await {
            Ok(policy) => policies.push(policy),
            Err(failure) => {
                gone(&failure, "lambda:GetPolicy");
                return None;
            }
        }
    }
    let mut policies = policies.into_iter();
    f.policy = policies.next().flatten();
    for (v, p) in f.versions.iter_mut().zip(policies.by_ref()) {
        v.policy = p;
    }
    for (a, p) in f.aliases.iter_mut().zip(policies) {
        a.policy = p;
    }
    f.urls = match urls(ctx, &f).await {
        Ok(urls) => urls,
        Err(failure) => {
            gone(&failure, "lambda:GetFunctionUrlConfig");
            return None;
        }
    };
    Some(f)
}

/// Every alias of a function; `Err` when the function no longer exists. A listing that
/// stopped early keeps the aliases read and records a gap.
async fn aliases(ctx: &Ctx, f: &Function) -> Result<Vec<Alias>, Failure> {
    let lambda = &ctx.clients.lambda;
    let listed = ctx
        .pages(
            &ctx.pace_lambda,
            |marker| lambda.list_aliases().function_name(&f.name).set_marker(marker).send(),
            |page| (page.aliases().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    match listed.failure {
        Some(failure)
            if failure.function_gone || (failure.reason == GapReason::NotFound && listed.items.is_empty()) =>
        {
            return Err(failure);
        }
        Some(failure) => ctx.gap("lambda:ListAliases", &f.arn, &failure),
        None => {}
    }
    Ok(listed
        .items
        .iter()
        .map(|a| Alias {
            name: a.name().unwrap_or_default().to_string(),
            arn: a.alias_arn().unwrap_or_default().to_string(),
            function_version: a.function_version().unwrap_or_default().to_string(),
            routing: a
                .routing_config()
                .and_then(|r| r.additional_version_weights())
                .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default(),
            description: a.description().unwrap_or_default().to_string(),
            revision_id: a.revision_id().map(str::to_string),
            policy: None,
        })
        .collect())
}

/// The function's URLs (on the function and its aliases); `Err` when the function no
/// longer exists.
async fn urls(ctx: &Ctx, f: &Function) -> Result<Vec<UrlConfig>, Failure> {
    if ctx.url_listing.load(Ordering::Relaxed) {
        let lambda = &ctx.clients.lambda;
        let listed = ctx
            .pages(
                &ctx.pace_lambda,
                |marker| lambda.list_function_url_configs().function_name(&f.name).set_marker(marker).send(),
                |page| (page.function_url_configs().to_vec(), page.next_marker().map(str::to_string)),
            )
            .await;
        let configs = || {
            listed
                .items
                .iter()
                .map(|u| url_config(&f.arn, u.function_arn(), u.function_url(), u.auth_type().as_str()))
                .collect()
        };
        match &listed.failure {
            None => return Ok(configs()),
            Some(failure) if failure.function_gone => return Err(failure.clone()),
            // The server has no such listing (a 404 without an error code): ask per scope.
            Some(failure) if failure.unsupported && listed.items.is_empty() => {
                ctx.url_listing.store(false, Ordering::Relaxed);
            }
            Some(failure) => {
                ctx.gap("lambda:ListFunctionUrlConfigs", &f.arn, failure);
                return Ok(configs());
            }
        }
    }
    urls_one_by_one(ctx, f).await
}

/// The fallback: one `GetFunctionUrlConfig` per scope that can have a URL (the function
/// and each alias). The answer's own `FunctionArn` says which scope it belongs to.
async fn urls_one_by_one(ctx: &Ctx, f: &Function) -> Result<Vec<UrlConfig>, Failure> {
    let mut out: Vec<UrlConfig> = Vec::new();
    let scopes = std::iter::once(None).chain(f.aliases.iter().map(|a| Some(a.name.clone())));
    for q in scopes {
        let arn = q.as_ref().map_or(f.arn.clone(), |q| format!("{}:{q}", f.arn));
        let lambda = &ctx.clients.lambda;
        let send = || lambda.get_function_url_config().function_name(&f.name).set_qualifier(q.clone()).send();
        match ctx.one(&ctx.pace_lambda, "lambda:GetFunctionUrlConfig", &arn, send).await {
            Found::Read(u) => {
                let config = url_config(&f.arn, u.function_arn(), u.function_url(), u.auth_type().as_str());
                if !out.iter().any(|o| o.qualifier == config.qualifier) {
                    out.push(config);
                }
            }
            Found::Absent(failure) if failure.function_gone => return Err(failure),
            // No URL on this scope.
            Found::Absent(_) | Found::Unread => {}
        }
    }
    Ok(out)
}

fn url_config(function_arn: &str, url_function_arn: &str, url: &str, auth: &str) -> UrlConfig {
    let qualifier = url_function_arn.strip_prefix(function_arn).and_then(|rest| rest.strip_prefix(':'));
    UrlConfig {
        qualifier: qualifier.map(str::to_string),
        url: url.to_string(),
        auth_type: if auth == "NONE" { UrlAuthType::None } else { UrlAuthType::AwsIam },
    }
}

/// Every event source mapping in the region, in one listing.
pub(super) async fn mappings(ctx: &Ctx) -> Vec<EventSourceMapping> {
    let lambda = &ctx.clients.lambda;
    let listed = ctx
        .list(
            &ctx.pace_lambda,
            "lambda:ListEventSourceMappings",
            "*",
            |marker| lambda.list_event_source_mappings().set_marker(marker).send(),
            |page| (page.event_source_mappings().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    listed.items.iter().map(mapping).collect()
}

pub(super) fn mapping(m: &aws_sdk_lambda::types::EventSourceMappingConfiguration) -> EventSourceMapping {
    EventSourceMapping {
        uuid: m.uuid().unwrap_or_default().to_string(),
        source_arn: m.event_source_arn().map(str::to_string),
        function_arn: m.function_arn().unwrap_or_default().to_string(),
        state: m.state().unwrap_or("Unknown").to_string(),
        batch_size: m.batch_size().and_then(|b| u32::try_from(b).ok()),
        maximum_batching_window_seconds: m.maximum_batching_window_in_seconds().and_then(|b| u32::try_from(b).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    #[test]
    fn url_scope_comes_from_the_answer() {
        assert_eq!(url_config(F, &format!("{F}:live"), "u", "AWS_IAM").qualifier.as_deref(), Some("live"));
        assert_eq!(url_config(F, F, "u", "NONE").qualifier, None);
        assert_eq!(url_config(F, F, "u", "NONE").auth_type, UrlAuthType::None);
    }
}
