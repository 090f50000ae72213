//! Reading one scope's resource policy (`GetResourcePolicy`, or `GetPolicy` where the
//! server lacks it) and filing it under the scope it belongs to. AWS returns each scope's
//! own document; some servers return one merged document for every qualifier, whose
//! statements still name their qualifier in `Resource`.

use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use super::Ctx;
use super::classify::Failure;
use super::read::Found;
use crate::model::{Function, GapReason, PolicyText};

/// The resource policy of one scope: `None` when it has none, or when it could not be read
/// (recorded as a gap on that scope's ARN); `Err` when the function no longer exists.
pub(super) async fn scope_policy(
    ctx: &Ctx,
    f: &Function,
    qualifier: Option<&str>,
) -> Result<Option<PolicyText>, Failure> {
    let scope_arn = match qualifier {
        Some(q) => format!("{}:{q}", f.arn),
        None => f.arn.clone(),
    };
    let lambda = &ctx.clients.lambda;
    // GetResourcePolicy returns the document as PutResourcePolicy stored it (any IAM
    // statement, Deny included); servers without it fall back to GetPolicy for good.
    if ctx.resource_policy_api.load(Ordering::Relaxed) {
        let send = || lambda.get_resource_policy().resource_arn(&scope_arn).send();
        match ctx.call(&ctx.pace_policy, send).await {
            Ok(out) => {
                return Ok(out.policy().map(|raw| PolicyText::new(file_under_scope(raw, &f.arn, &scope_arn))));
            }
            // Not served here, or not allowed to this caller: GetPolicy reads the same store.
            Err(failure) if failure.unsupported || failure.reason == GapReason::AccessDenied => {
                ctx.resource_policy_api.store(false, Ordering::Relaxed);
            }
            Err(failure) if failure.function_gone => return Err(failure),
            // "The resource you requested does not exist": this scope has no policy.
            Err(failure) if failure.reason == GapReason::NotFound => return Ok(None),
            Err(failure) => {
                ctx.gap("lambda:GetResourcePolicy", &scope_arn, &failure);
                return Ok(None);
            }
        }
    }
    let send = || lambda.get_policy().function_name(&f.name).set_qualifier(qualifier.map(str::to_string)).send();
    match ctx.one(&ctx.pace_policy, "lambda:GetPolicy", &scope_arn, send).await {
        Found::Read(out) => Ok(out.policy().map(|raw| PolicyText::new(file_under_scope(raw, &f.arn, &scope_arn)))),
        Found::Absent(failure) if failure.function_gone => Err(failure),
        // "The resource you requested does not exist": this scope has no policy.
        Found::Absent(_) | Found::Unread => Ok(None),
    }
}

/// Keeps the statements that belong to this scope. AWS returns each scope's own document;
/// some servers return one merged document for every qualifier, whose statements still
/// name their qualifier in `Resource`. A statement naming another qualifier of the same
/// function exactly is dropped here. Also moves a top-level `FunctionUrlAuthType` (as
/// those servers write it) under `Condition`, where AWS puts it. Text that needs neither
/// change is kept byte for byte.
fn file_under_scope(raw: &str, function_arn: &str, scope_arn: &str) -> String {
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
}
