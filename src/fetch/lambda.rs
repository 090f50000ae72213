//! The Lambda side: functions with every published version, aliases, each scope's
//! resource policy, function URLs, and event source mappings.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use aws_sdk_lambda::types::FunctionConfiguration;
use serde_json::{Value, json};

use super::{Ctx, Event};
use crate::model::{
    Alias, EventSourceMapping, Function, FunctionVersion, GapReason, PolicyText, UrlAuthType, UrlConfig,
};

const LATEST: &str = "$LATEST";

/// Every function with its published versions, from one `ListFunctions(FunctionVersion=ALL)`
/// listing.
pub(super) async fn list_functions(ctx: &Ctx) -> Vec<Function> {
    let mut by_name: BTreeMap<String, (Option<Function>, Vec<FunctionVersion>)> = BTreeMap::new();
    let lambda = &ctx.clients.lambda;
    // Functions seen so far ($LATEST entries), reported as each page arrives.
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let listed = ctx
        .pages(
            &ctx.lambda,
            |marker| {
                lambda
                    .list_functions()
                    .function_version(aws_sdk_lambda::types::FunctionVersion::All)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let names: Vec<String> = page
                    .functions()
                    .iter()
                    .filter(|c| c.version().is_none_or(|v| v == LATEST))
                    .filter_map(|c| c.function_name().map(str::to_string))
                    .collect();
                let functions = seen.fetch_add(names.len(), Ordering::Relaxed) + names.len();
                ctx.emit(Event::Listed { functions, names });
                (page.functions().to_vec(), page.next_marker().map(str::to_string))
            },
        )
        .await;
    let configs = match listed {
        Ok(c) => c,
        Err(f) => {
            ctx.gap("lambda:ListFunctions", "*", &f);
            return Vec::new();
        }
    };
    for c in &configs {
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

fn function(c: &FunctionConfiguration) -> Function {
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

fn version(c: &FunctionConfiguration) -> FunctionVersion {
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
/// functions from a queue; a name sent on `priority` is taken next.
pub(super) async fn details(
    ctx: &Arc<Ctx>,
    functions: Vec<Function>,
    priority: Option<tokio::sync::mpsc::UnboundedReceiver<String>>,
) -> Vec<Function> {
    let total = functions.len();
    let mut out = Vec::with_capacity(total);
    let mut rest: VecDeque<Function> = functions.into();
    // The first function goes alone: it finds out whether the server lists URL configs,
    // so the others do not all try.
    if let Some(first) = rest.pop_front() {
        let f = detail(ctx, first).await;
        ctx.emit(Event::Function { function: Box::new(f.clone()), done: 1, total });
        out.push(f);
    }
    let queue =
        Arc::new(Queue { functions: std::sync::Mutex::new(rest), priority: priority.map(std::sync::Mutex::new) });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..ctx.limit.available_permits().max(1) {
        let (ctx, queue, tx) = (ctx.clone(), queue.clone(), tx.clone());
        tokio::spawn(async move {
            while let Some(f) = queue.next() {
                if tx.send(detail(&ctx, f).await).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    while let Some(f) = rx.recv().await {
        ctx.emit(Event::Function { function: Box::new(f.clone()), done: out.len() + 1, total });
        out.push(f);
    }
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

async fn detail(ctx: &Ctx, mut f: Function) -> Function {
    f.aliases = aliases(ctx, &f).await;
    f.policy = scope_policy(ctx, &f, None).await;
    for i in 0..f.versions.len() {
        let q = f.versions[i].version.clone();
        f.versions[i].policy = scope_policy(ctx, &f, Some(&q)).await;
    }
    for i in 0..f.aliases.len() {
        let q = f.aliases[i].name.clone();
        f.aliases[i].policy = scope_policy(ctx, &f, Some(&q)).await;
    }
    f.urls = urls(ctx, &f).await;
    f
}

async fn aliases(ctx: &Ctx, f: &Function) -> Vec<Alias> {
    let lambda = &ctx.clients.lambda;
    let listed = ctx
        .pages(
            &ctx.lambda,
            |marker| lambda.list_aliases().function_name(&f.name).set_marker(marker).send(),
            |page| (page.aliases().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    match listed {
        Ok(items) => items
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
            .collect(),
        Err(failure) => {
            ctx.gap("lambda:ListAliases", &f.arn, &failure);
            Vec::new()
        }
    }
}

/// The resource policy of one scope; `None` when it has none (or could not be read, which
/// is recorded as a gap on that scope's ARN).
async fn scope_policy(ctx: &Ctx, f: &Function, qualifier: Option<&str>) -> Option<PolicyText> {
    let scope_arn = match qualifier {
        Some(q) => format!("{}:{q}", f.arn),
        None => f.arn.clone(),
    };
    let request = ctx.clients.lambda.get_policy().function_name(&f.name).set_qualifier(qualifier.map(str::to_string));
    match ctx.call(&ctx.lambda_policy, request.send()).await {
        Ok(out) => out.policy().map(|raw| PolicyText::new(file_under_scope(raw, &f.arn, &scope_arn))),
        Err(failure) if failure.reason == GapReason::NotFound => None,
        Err(failure) => {
            ctx.gap("lambda:GetPolicy", &scope_arn, &failure);
            None
        }
    }
}

/// Keeps the statements that belong to this scope. AWS returns each scope's own document;
/// some servers return one merged document for every qualifier, whose statements still
/// name their qualifier in `Resource`. A statement naming another qualifier of the same
/// function exactly is dropped here. Also moves a top-level `FunctionUrlAuthType` (as
/// those servers write it) under `Condition`, where AWS puts it. Text that needs neither
/// change is kept byte for byte.
pub(super) fn file_under_scope(raw: &str, function_arn: &str, scope_arn: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(raw) else {
        return raw.to_string();
    };
    let Some(statements) = doc.get_mut("Statement").and_then(Value::as_array_mut) else {
        return raw.to_string();
    };
    let before = statements.len();
    statements.retain(|s| !names_other_scope(s, function_arn, scope_arn));
    let mut changed = statements.len() != before;
    for s in statements.iter_mut() {
        changed |= lift_url_auth_type(s);
    }
    if changed { doc.to_string() } else { raw.to_string() }
}

fn names_other_scope(statement: &Value, function_arn: &str, scope_arn: &str) -> bool {
    let Some(resource) = statement.get("Resource").and_then(Value::as_str) else {
        return false;
    };
    let same_function = resource == function_arn || resource.starts_with(&format!("{function_arn}:"));
    same_function && resource != scope_arn && !resource.contains(['*', '?'])
}

fn lift_url_auth_type(statement: &mut Value) -> bool {
    let Some(obj) = statement.as_object_mut() else {
        return false;
    };
    let Some(auth) = obj.remove("FunctionUrlAuthType") else {
        return false;
    };
    let condition = obj.entry("Condition").or_insert_with(|| json!({}));
    if let Some(c) = condition.as_object_mut() {
        let equals = c.entry("StringEquals").or_insert_with(|| json!({}));
        if let Some(e) = equals.as_object_mut() {
            e.insert("lambda:FunctionUrlAuthType".into(), auth);
        }
    }
    true
}

async fn urls(ctx: &Ctx, f: &Function) -> Vec<UrlConfig> {
    if ctx.url_listing.load(Ordering::Relaxed) {
        let lambda = &ctx.clients.lambda;
        let listed = ctx
            .pages(
                &ctx.lambda,
                |marker| lambda.list_function_url_configs().function_name(&f.name).set_marker(marker).send(),
                |page| (page.function_url_configs().to_vec(), page.next_marker().map(str::to_string)),
            )
            .await;
        match listed {
            Ok(items) => {
                return items
                    .iter()
                    .map(|u| url_config(&f.arn, u.function_arn(), u.function_url(), u.auth_type().as_str()))
                    .collect();
            }
            Err(failure) if failure.unsupported => ctx.url_listing.store(false, Ordering::Relaxed),
            Err(failure) => {
                ctx.gap("lambda:ListFunctionUrlConfigs", &f.arn, &failure);
                return Vec::new();
            }
        }
    }
    urls_one_by_one(ctx, f).await
}

/// The fallback: one `GetFunctionUrlConfig` per scope that can have a URL (the function
/// and each alias). The answer's own `FunctionArn` says which scope it belongs to.
async fn urls_one_by_one(ctx: &Ctx, f: &Function) -> Vec<UrlConfig> {
    let mut out: Vec<UrlConfig> = Vec::new();
    let scopes = std::iter::once(None).chain(f.aliases.iter().map(|a| Some(a.name.clone())));
    for q in scopes {
        let request = ctx.clients.lambda.get_function_url_config().function_name(&f.name).set_qualifier(q.clone());
        match ctx.call(&ctx.lambda, request.send()).await {
            Ok(u) => {
                let config = url_config(&f.arn, u.function_arn(), u.function_url(), u.auth_type().as_str());
                if !out.iter().any(|o| o.qualifier == config.qualifier) {
                    out.push(config);
                }
            }
            Err(failure) if failure.reason == GapReason::NotFound => {}
            Err(failure) => {
                let arn = q.map_or(f.arn.clone(), |q| format!("{}:{q}", f.arn));
                ctx.gap("lambda:GetFunctionUrlConfig", &arn, &failure);
            }
        }
    }
    out
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
        .pages(
            &ctx.lambda,
            |marker| lambda.list_event_source_mappings().set_marker(marker).send(),
            |page| (page.event_source_mappings().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    match listed {
        Ok(items) => items
            .iter()
            .map(|m| EventSourceMapping {
                uuid: m.uuid().unwrap_or_default().to_string(),
                source_arn: m.event_source_arn().map(str::to_string),
                function_arn: m.function_arn().unwrap_or_default().to_string(),
                state: m.state().unwrap_or("Unknown").to_string(),
                batch_size: m.batch_size().and_then(|b| u32::try_from(b).ok()),
                maximum_batching_window_seconds: m
                    .maximum_batching_window_in_seconds()
                    .and_then(|b| u32::try_from(b).ok()),
            })
            .collect(),
        Err(failure) => {
            ctx.gap("lambda:ListEventSourceMappings", "*", &failure);
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";

    #[test]
    fn merged_documents_are_filed_by_qualifier() {
        let merged = format!(
            r#"{{"Version":"2012-10-17","Statement":[
            {{"Sid":"a","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{F}"}},
            {{"Sid":"b","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{F}:live"}},
            {{"Sid":"c","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"{F}:1","FunctionUrlAuthType":"NONE"}},
            {{"Sid":"d","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{F}*"}}]}}"#
        );
        let sids = |scope: &str| -> Vec<String> {
            let doc: Value = serde_json::from_str(&file_under_scope(&merged, F, scope)).unwrap();
            doc["Statement"].as_array().unwrap().iter().map(|s| s["Sid"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(sids(F), vec!["a", "d"]);
        assert_eq!(sids(&format!("{F}:live")), vec!["b", "d"]);
        assert_eq!(sids(&format!("{F}:1")), vec!["c", "d"]);
        let v1: Value = serde_json::from_str(&file_under_scope(&merged, F, &format!("{F}:1"))).unwrap();
        assert_eq!(v1["Statement"][0]["Condition"]["StringEquals"]["lambda:FunctionUrlAuthType"], "NONE");
        // A document that needs nothing is kept as it was.
        let own = format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"x:y","Resource":"{F}"}}]}}"#);
        assert_eq!(file_under_scope(&own, F, F), own);
    }

    #[test]
    fn url_scope_comes_from_the_answer() {
        assert_eq!(url_config(F, &format!("{F}:live"), "u", "AWS_IAM").qualifier.as_deref(), Some("live"));
        assert_eq!(url_config(F, F, "u", "NONE").qualifier, None);
        assert_eq!(url_config(F, F, "u", "NONE").auth_type, UrlAuthType::None);
    }
}
