//! Building small snapshots for graph tests, one situation per function.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use lambdascope::model::{
    Alias, EventSourceMapping, Function, FunctionVersion, Gap, GapReason, InlinePolicy, ManagedPolicy, PolicyText,
    Role, Snapshot, UrlAuthType, UrlConfig,
};
use serde_json::{Value, json};

pub const ACCOUNT: &str = "123456789012";

pub fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}")
}

pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

pub fn text(statements: Vec<Value>) -> PolicyText {
    PolicyText::new(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
}

pub fn grant(principal: Value, action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource})
}

pub fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

pub fn function(name: &str, role: &str) -> Function {
    Function {
        name: name.into(),
        arn: fn_arn(name),
        runtime: Some("python3.12".into()),
        description: String::new(),
        role_arn: role_arn(role),
        last_modified: None,
        revision_id: None,
        layers: Vec::new(),
        env_var_names: Vec::new(),
        policy: None,
        versions: Vec::new(),
        aliases: Vec::new(),
        urls: Vec::new(),
    }
}

pub fn version(f: &Function, n: &str) -> FunctionVersion {
    FunctionVersion {
        version: n.into(),
        arn: format!("{}:{n}", f.arn),
        runtime: f.runtime.clone(),
        role_arn: f.role_arn.clone(),
        description: String::new(),
        last_modified: None,
        revision_id: None,
        env_var_names: Vec::new(),
        policy: None,
    }
}

pub fn alias(f: &Function, name: &str, target: &str) -> Alias {
    Alias {
        name: name.into(),
        arn: format!("{}:{name}", f.arn),
        function_version: target.into(),
        routing: Default::default(),
        description: String::new(),
        revision_id: None,
        policy: None,
    }
}

pub fn url(qualifier: Option<&str>, auth: UrlAuthType) -> UrlConfig {
    UrlConfig {
        qualifier: qualifier.map(Into::into),
        url: "https://x.lambda-url.us-east-1.on.aws/".into(),
        auth_type: auth,
    }
}

pub fn mapping(uuid: &str, source: &str, target: &str, state: &str) -> EventSourceMapping {
    EventSourceMapping {
        uuid: uuid.into(),
        source_arn: Some(source.into()),
        function_arn: target.into(),
        state: state.into(),
        batch_size: Some(10),
        maximum_batching_window_seconds: None,
    }
}

pub fn role(name: &str, statements: Vec<Value>, attached: &[&str], boundary: Option<&str>) -> Role {
    Role {
        arn: role_arn(name),
        name: name.into(),
        path: "/".into(),
        trust_policy: None,
        permission_boundary_arn: boundary.map(Into::into),
        inline_policies: if statements.is_empty() {
            Vec::new()
        } else {
            vec![InlinePolicy { name: "inline".into(), document: text(statements) }]
        },
        attached_policy_arns: attached.iter().map(|a| a.to_string()).collect(),
        tags: Some(Default::default()),
    }
}

pub fn managed(arn: &str, statements: Vec<Value>) -> ManagedPolicy {
    ManagedPolicy {
        arn: arn.into(),
        name: arn.rsplit('/').next().unwrap().into(),
        default_version_id: "v1".into(),
        document: text(statements),
    }
}

pub fn gap(operation: &str, resource: &str, reason: GapReason) -> Gap {
    Gap { operation: operation.into(), resource: resource.into(), reason, message: String::new() }
}

pub fn snapshot() -> Snapshot {
    Snapshot::new(ACCOUNT, "us-east-1")
}
