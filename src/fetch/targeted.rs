//! Reading one function for one answer, instead of the whole account: the on-call question
//! costs a dozen calls, whatever the account's size. The function and its versions come
//! from `ListVersionsByFunction`; aliases, policies and URLs as in the full crawl; its event
//! source mappings from `ListEventSourceMappings(FunctionName)` for the function and for
//! each qualifier (a mapping can target an alias or a version).

use std::collections::BTreeMap;

use super::lambda::{self, LATEST};
use super::{Ctx, FetchError};
use crate::model::{EventSourceMapping, Function, GapReason};

/// The function named `name` (a name, or an ARN with or without a qualifier), with its
/// versions and everything each scope carries.
pub(super) async fn function(ctx: &Ctx, account: &str, name: &str) -> Result<Function, FetchError> {
    if let Some(parts) = crate::policy::arn::split(name)
        && (parts[4] != account || parts[3] != ctx.clients.region)
    {
        let message = format!(
            "it is in account {} region {}, not the one read ({account} {})",
            parts[4], parts[3], ctx.clients.region
        );
        return Err(FetchError::Function(name.to_string(), message));
    }
    let name = unqualified(name);
    let lambda_client = &ctx.clients.lambda;
    let listed = ctx
        .pages(
            &ctx.pace_lambda,
            |marker| lambda_client.list_versions_by_function().function_name(&name).set_marker(marker).send(),
            |page| (page.versions().to_vec(), page.next_marker().map(str::to_string)),
        )
        .await;
    if let Some(failure) = &listed.failure {
        if failure.reason == GapReason::NotFound {
            return Err(FetchError::NoSuchFunction(name, failure.message.clone()));
        }
        if listed.items.is_empty() {
            return Err(FetchError::Function(name, failure.message.clone()));
        }
        ctx.gap("lambda:ListVersionsByFunction", &name, failure);
    }
    let latest = listed.items.iter().find(|c| c.version().is_none_or(|v| v == LATEST));
    // AWS answers ResourceNotFoundException; some servers list nothing instead.
    let Some(latest) = latest else {
        return Err(FetchError::NoSuchFunction(name, "it lists no $LATEST version".into()));
    };
    let mut f = lambda::function(latest);
    f.versions =
        listed.items.iter().filter(|c| c.version().is_some_and(|v| v != LATEST)).map(lambda::version).collect();
    lambda::detail(ctx, f)
        .await
        .ok_or_else(|| FetchError::NoSuchFunction(name, "deleted while it was being read".into()))
}

/// The event source mappings that target the function or one of its qualifiers.
pub(super) async fn mappings(ctx: &Ctx, f: &Function) -> Vec<EventSourceMapping> {
    let lambda_client = &ctx.clients.lambda;
    let scopes = std::iter::once(f.arn.clone())
        .chain(f.aliases.iter().map(|a| a.arn.clone()))
        .chain(f.versions.iter().map(|v| v.arn.clone()));
    let mut found: BTreeMap<String, EventSourceMapping> = BTreeMap::new();
    for target in scopes {
        let listed = ctx
            .list(
                &ctx.pace_lambda,
                "lambda:ListEventSourceMappings",
                &target,
                |marker| lambda_client.list_event_source_mappings().function_name(&target).set_marker(marker).send(),
                |page| (page.event_source_mappings().to_vec(), page.next_marker().map(str::to_string)),
            )
            .await;
        for m in listed.items.iter().map(lambda::mapping) {
            let ours = m.function_arn == f.arn || m.function_arn.starts_with(&format!("{}:", f.arn));
            if ours {
                found.insert(m.uuid.clone(), m);
            }
        }
    }
    found.into_values().collect()
}

/// `name`, `name:qualifier` or an ARN, as the function's plain name.
fn unqualified(name: &str) -> String {
    let name = name.split_once(":function:").map_or(name, |(_, rest)| rest);
    name.split(':').next().unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::unqualified;

    #[test]
    fn names_arns_and_qualifiers_name_the_function() {
        assert_eq!(unqualified("orders"), "orders");
        assert_eq!(unqualified("orders:live"), "orders");
        assert_eq!(unqualified("arn:aws:lambda:us-east-1:123456789012:function:orders"), "orders");
        assert_eq!(unqualified("arn:aws:lambda:us-east-1:123456789012:function:orders:7"), "orders");
    }
}
