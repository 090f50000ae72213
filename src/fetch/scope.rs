//! Filing a resource policy under the scope it belongs to. AWS returns each scope's own
//! document; some servers return one merged document for every qualifier, whose statements
//! still name their qualifier in `Resource`. Pure text in, text out.

use serde_json::{Value, json};

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
