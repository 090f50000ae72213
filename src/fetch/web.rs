//! Reading the other ways into Lambda code: web functions (API `lambda-web`, on Lambda's
//! own endpoint) with their endpoints, serving revisions and resource policy, and the
//! account's layers with each version's policy. Each item is read like any other (paced,
//! re-read until the deadline); what stays unread is a gap naming it.

use std::sync::Arc;

use tokio::task::JoinSet;

use super::Ctx;
use super::classify::Failure;
use super::read::Found;
use crate::model::{Layer, LayerVersion, PolicyText, WebAuthType, WebEndpoint, WebFunction, WebRevision};

/// Every web function of the account and region. A server without the `lambda-web` API
/// (a 404 without an error code) is a gap saying so: web functions are then unknown.
pub(super) async fn web_functions(ctx: &Arc<Ctx>) -> Vec<WebFunction> {
    let web = &ctx.clients.web;
    let listed = ctx
        .pages(
            &ctx.pace_lambda,
            |token| web.list_web_functions().set_next_token(token).send(),
            |page| (page.functions().to_vec(), page.next_token().map(str::to_string)),
        )
        .await;
    match listed.failure {
        Some(f) if f.unsupported && listed.items.is_empty() => {
            let message =
                format!("this endpoint does not serve the Lambda web functions API (lambda-web) ({})", f.message);
            ctx.gap("lambda:ListWebFunctions", "*", &Failure { message, ..f });
            return Vec::new();
        }
        Some(f) => ctx.gap("lambda:ListWebFunctions", "*", &f),
        None => {}
    }
    let mut set = JoinSet::new();
    for (i, s) in listed.items.into_iter().enumerate() {
        let ctx = ctx.clone();
        set.spawn(
            async move { (i, web_function(&ctx, s.function_name, s.function_arn, s.state.as_str().into()).await) },
        );
    }
    let mut out: Vec<(usize, WebFunction)> = set.join_all().await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, w)| w).collect()
}

async fn web_function(ctx: &Ctx, name: String, arn: String, state: String) -> WebFunction {
    let web = &ctx.clients.web;
    let endpoints = ctx
        .list(
            &ctx.pace_lambda,
            "lambda:ListWebFunctionEndpoints",
            &arn,
            |token| web.list_web_function_endpoints().function_name(&name).set_next_token(token).send(),
            |page| (page.endpoints().to_vec(), page.next_token().map(str::to_string)),
        )
        .await
        .items
        .into_iter()
        .map(|e| WebEndpoint {
            auth_type: match e.auth_type.as_str() {
                "ApplicationManaged" => WebAuthType::ApplicationManaged,
                "IamAuth" => WebAuthType::IamAuth,
                _ => WebAuthType::Unknown,
            },
            state: Some(match e.auth_type.as_str() {
                "ApplicationManaged" | "IamAuth" => e.state.as_str().to_string(),
                other => format!("{} (AuthType {other})", e.state.as_str()),
            }),
            revision_weights: e.revision_weights.iter().map(|w| (w.revision_id.clone(), w.weight)).collect(),
            name: e.endpoint_name,
            arn: e.endpoint_arn,
            domain_name: e.domain_name,
            endpoint_type: Some(e.endpoint_type.as_str().to_string()),
        })
        .collect::<Vec<_>>();
    // Only the revisions endpoints send traffic to run code: read those.
    let mut serving: Vec<String> = endpoints
        .iter()
        .flat_map(|e| e.revision_weights.iter().filter(|(_, w)| **w > 0).map(|(r, _)| r.clone()))
        .collect();
    serving.sort();
    serving.dedup();
    let mut revisions = Vec::new();
    for id in serving {
        let send = || web.get_web_function_revision().function_name(&name).revision_id(&id).send();
        let resource = format!("{arn}/revision/{id}");
        match ctx.one(&ctx.pace_lambda, "lambda:GetWebFunctionRevision", &resource, send).await {
            Found::Read(r) => {
                let config = r.service_config();
                revisions.push(WebRevision {
                    id: r.revision_id.clone(),
                    arn: r.revision_arn.clone(),
                    role_arn: config.map(|c| c.execution_role_arn.clone()).filter(|a| !a.is_empty()),
                    state: Some(r.state.as_str().to_string()),
                    env_var_names: config
                        .and_then(|c| c.environment_variables.as_ref())
                        .map(|vars| vars.keys().cloned().collect())
                        .unwrap_or_default(),
                });
            }
            // Gone between the endpoint listing and now, or unread (a gap): no role known.
            Found::Absent(_) | Found::Unread => {
                revisions.push(WebRevision {
                    id: id.clone(),
                    arn: resource,
                    role_arn: None,
                    state: None,
                    env_var_names: Vec::new(),
                });
            }
        }
    }
    let send = || web.get_resource_policy().resource_arn(&arn).send();
    let policy = match ctx.one(&ctx.pace_lambda, "lambda:GetResourcePolicy", &arn, send).await {
        Found::Read(out) => Some(PolicyText::new(out.policy)),
        Found::Absent(_) | Found::Unread => None,
    };
    WebFunction { name, arn, state: Some(state), policy, endpoints, revisions }
}

/// Every layer of the account and region, each version with its policy.
pub(super) async fn layers(ctx: &Arc<Ctx>) -> Vec<Layer> {
    let lambda = &ctx.clients.lambda;
    let listed = ctx
        .list(
            &ctx.pace_lambda,
            "lambda:ListLayers",
            "*",
            |marker| lambda.list_layers().set_marker(marker).send(),
            |page| (page.layers().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    let mut set = JoinSet::new();
    for (i, l) in listed.items.into_iter().enumerate() {
        let (Some(name), Some(arn)) = (l.layer_name, l.layer_arn) else { continue };
        let ctx = ctx.clone();
        set.spawn(async move { (i, layer(&ctx, name, arn).await) });
    }
    let mut out: Vec<(usize, Layer)> = set.join_all().await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, l)| l).collect()
}

async fn layer(ctx: &Ctx, name: String, arn: String) -> Layer {
    let lambda = &ctx.clients.lambda;
    let listed = ctx
        .list(
            &ctx.pace_lambda,
            "lambda:ListLayerVersions",
            &arn,
            |marker| lambda.list_layer_versions().layer_name(&name).set_marker(marker).send(),
            |page| (page.layer_versions().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    let mut versions = Vec::new();
    for v in listed.items {
        let number = v.version;
        let version_arn = v.layer_version_arn.clone().unwrap_or_else(|| format!("{arn}:{number}"));
        let send = || lambda.get_layer_version_policy().layer_name(&name).version_number(number).send();
        // Counted against the control-plane quota, not GetPolicy's.
        let policy = match ctx.one(&ctx.pace_lambda, "lambda:GetLayerVersionPolicy", &version_arn, send).await {
            Found::Read(out) => out.policy.map(PolicyText::new),
            // No policy: only this account may use the version.
            Found::Absent(_) | Found::Unread => None,
        };
        versions.push(LayerVersion {
            version: number,
            arn: version_arn,
            description: v.description.unwrap_or_default(),
            created_date: v.created_date,
            compatible_runtimes: v
                .compatible_runtimes
                .unwrap_or_default()
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
            policy,
        });
    }
    Layer { name, arn, versions }
}
