//! The embedded demo account: a synthetic but realistic snapshot that shows every
//! situation IAM.md describes, so the tool can be tried with no AWS account.
//!
//! `build()` writes it; `assets/demo-account.json` is its saved form, which the binary
//! embeds and loads through the normal snapshot path. A test keeps the two identical
//! (`LAMBDASCOPE_WRITE_DEMO=1 cargo test demo_asset` rewrites the file).

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use crate::model::{
    Absent, AbsentKind, Alias, EventSourceMapping, Function, FunctionVersion, Gap, GapReason, PolicyText, Snapshot,
    UrlAuthType, UrlConfig,
};

mod functions;
mod org;
mod roles;
mod synth;
mod ways;

pub use org::{MANAGEMENT, ORG_ID};
pub use synth::{Rng, synthetic, synthetic_org};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
/// The saved demo account, embedded in the binary.
pub const JSON: &str = include_str!("../../assets/demo-account.json");

fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// Role ARNs; the payments role sits under a path, as console-created roles do.
fn role_arn(name: &str) -> String {
    let path = if name == "payments-exec" { "service-role/" } else { "" };
    format!("arn:aws:iam::{ACCOUNT}:role/{path}{name}")
}

fn text(doc: Value) -> PolicyText {
    PolicyText::new(serde_json::to_string(&doc).unwrap_or_default())
}

fn doc(statements: Vec<Value>) -> PolicyText {
    text(json!({"Version": "2012-10-17", "Statement": statements}))
}

/// A resource policy as Lambda returns it (`Id: default`).
fn resource_policy(statements: Vec<Value>) -> PolicyText {
    text(json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}))
}

fn grant(sid: &str, principal: Value, resource: &str, condition: Option<Value>) -> Value {
    let mut s = json!({"Sid": sid, "Effect": "Allow", "Principal": principal,
        "Action": "lambda:InvokeFunction", "Resource": resource});
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    s
}

fn service(name: &str) -> Value {
    json!({"Service": name})
}

fn function(name: &str, runtime: &str, role: &str, description: &str) -> Function {
    Function {
        name: name.into(),
        arn: fn_arn(name),
        runtime: Some(runtime.into()),
        description: description.into(),
        role_arn: role_arn(role),
        last_modified: Some("2026-10-14T08:30:00.000+0000".into()),
        revision_id: Some(format!("rev-{name}")),
        layers: Vec::new(),
        env_var_names: vec!["LOG_LEVEL".into()],
        policy: None,
        versions: Vec::new(),
        aliases: Vec::new(),
        urls: Vec::new(),
    }
}

fn version(f: &Function, n: u32) -> FunctionVersion {
    FunctionVersion {
        version: n.to_string(),
        arn: format!("{}:{n}", f.arn),
        runtime: f.runtime.clone(),
        role_arn: f.role_arn.clone(),
        description: format!("release {n}"),
        last_modified: f.last_modified.clone(),
        revision_id: Some(format!("rev-{}-{n}", f.name)),
        env_var_names: f.env_var_names.clone(),
        policy: None,
    }
}

fn alias(f: &Function, name: &str, target: u32) -> Alias {
    Alias {
        name: name.into(),
        arn: format!("{}:{name}", f.arn),
        function_version: target.to_string(),
        routing: Default::default(),
        description: String::new(),
        revision_id: Some(format!("rev-{}-{name}", f.name)),
        policy: None,
    }
}

fn url(f: &Function, qualifier: Option<&str>, auth: UrlAuthType) -> UrlConfig {
    let id: String = f.name.chars().filter(|c| c.is_ascii_alphanumeric()).take(12).collect();
    UrlConfig {
        qualifier: qualifier.map(Into::into),
        url: format!("https://{id}a1b2c3d4e5f6.lambda-url.{REGION}.on.aws/"),
        auth_type: auth,
    }
}

/// The two statements AWS writes for a public (`NONE`) function URL.
fn public_url_statements(resource: &str, with_invoke: bool) -> Vec<Value> {
    let mut out = vec![json!({"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*",
        "Action": "lambda:InvokeFunctionUrl", "Resource": resource,
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}})];
    if with_invoke {
        out.push(json!({"Sid": "FunctionURLAllowInvokeAction", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunction", "Resource": resource,
            "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}));
    }
    out
}

fn mapping(uuid: &str, source: &str, target: &str, state: &str, batch: u32) -> EventSourceMapping {
    EventSourceMapping {
        uuid: uuid.into(),
        source_arn: Some(source.into()),
        function_arn: target.into(),
        state: state.into(),
        batch_size: Some(batch),
        maximum_batching_window_seconds: Some(0),
    }
}

fn gap(operation: &str, resource: &str, reason: GapReason, message: &str) -> Gap {
    Gap { operation: operation.into(), resource: resource.into(), reason, message: message.into() }
}

/// Builds the demo account.
pub fn build() -> Snapshot {
    let mut s = Snapshot::new(ACCOUNT, REGION);
    s.taken_at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().unwrap_or_default();
    s.caller_arn = Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/SecurityAudit/alice"));
    s.functions = functions::all();
    s.functions.push(ways::vpc_only());
    s.event_source_mappings = mappings();
    s.web_functions = ways::web_functions();
    s.layers = ways::layers();
    s.roles = roles::roles();
    s.managed_policies = roles::managed_policies();
    s.organization = org::organization();
    // What AWSLambda_ReadOnlyAccess cannot read, and one policy still throttled when the
    // crawl deadline passed.
    s.gaps = vec![
        gap("iam:ListUsers", "*", GapReason::AccessDenied, "User is not authorized to perform: iam:ListUsers"),
        gap("iam:ListGroups", "*", GapReason::AccessDenied, "User is not authorized to perform: iam:ListGroups"),
        gap(
            "lambda:GetPolicy",
            &fn_arn("app-search"),
            GapReason::Throttled,
            "still failing when the crawl deadline (--max-time 60m) passed: TooManyRequestsException: Rate exceeded",
        ),
    ];
    s.absent = vec![Absent {
        kind: AbsentKind::Role,
        arn: role_arn("deleted-job-role"),
        operation: "iam:GetRole".into(),
        message: "NoSuchEntity: The role with name deleted-job-role cannot be found.".into(),
    }];
    s.normalize();
    s
}

fn mappings() -> Vec<EventSourceMapping> {
    let q = |name: &str| format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}");
    vec![
        mapping("7d1c2b9e-0001-4a51-9d8e-5f0c1a2b3c01", &q("orders"), &fn_arn("orders-consumer"), "Enabled", 10),
        mapping("7d1c2b9e-0002-4a51-9d8e-5f0c1a2b3c02", &q("refunds"), &fn_arn("payments-refund"), "Enabled", 5),
        mapping(
            "7d1c2b9e-0003-4a51-9d8e-5f0c1a2b3c03",
            &format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/audit-events"),
            &fn_arn("audit-stream"),
            "Disabled",
            100,
        ),
        mapping(
            "7d1c2b9e-0004-4a51-9d8e-5f0c1a2b3c04",
            &format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/inventory/stream/2026-09-01T00:00:00.000"),
            &format!("{}:2", fn_arn("inventory-sync")),
            "Enabled",
            100,
        ),
        mapping(
            "7d1c2b9e-0005-4a51-9d8e-5f0c1a2b3c05",
            &format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/products/stream/2026-08-12T10:00:00.000"),
            &fn_arn("search-indexer"),
            "Enabled",
            50,
        ),
    ]
}
