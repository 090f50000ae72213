//! Lambda web functions (API `lambda-web`) and layers: the ways into Lambda code that are
//! not a function's own scopes. Plain serde data, like the rest of `model`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PolicyText;

/// A web function: revisions (each with its execution role) served by endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebFunction {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub state: Option<String>,
    /// The web function's resource policy (`None`: it has none, or it could not be read,
    /// which a gap on `lambda:GetResourcePolicy` says).
    #[serde(default)]
    pub policy: Option<PolicyText>,
    #[serde(default)]
    pub endpoints: Vec<WebEndpoint>,
    #[serde(default)]
    pub revisions: Vec<WebRevision>,
}

/// How an endpoint authorises its callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WebAuthType {
    /// Lambda authorises nothing: anyone who reaches the endpoint runs the code.
    ApplicationManaged,
    /// SigV4/SigV4a callers allowed `lambda:InvokeWebFunctionEndpoint`.
    IamAuth,
    /// A type this build does not know (the endpoint's `state` names it): whether Lambda
    /// authorises callers is unknown.
    Unknown,
}

impl WebAuthType {
    pub fn as_str(self) -> &'static str {
        match self {
            WebAuthType::ApplicationManaged => "ApplicationManaged",
            WebAuthType::IamAuth => "IamAuth",
            WebAuthType::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebEndpoint {
    pub name: String,
    pub arn: String,
    pub auth_type: WebAuthType,
    #[serde(default)]
    pub domain_name: String,
    #[serde(default)]
    pub endpoint_type: Option<String>,
    /// Revision id -> weight: which revisions serve this endpoint's traffic.
    #[serde(default)]
    pub revision_weights: BTreeMap<String, i32>,
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebRevision {
    pub id: String,
    pub arn: String,
    /// The execution role of the revision's service config (`None`: not read, see gaps).
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    /// Names only, like a function's.
    #[serde(default)]
    pub env_var_names: Vec<String>,
}

impl WebFunction {
    /// The revisions that serve some endpoint's traffic, each with the endpoints it serves.
    pub fn serving(&self) -> Vec<(&WebRevision, Vec<&WebEndpoint>)> {
        self.revisions
            .iter()
            .map(|r| {
                (r, self.endpoints.iter().filter(|e| e.revision_weights.get(&r.id).is_some_and(|w| *w > 0)).collect())
            })
            .collect()
    }
}

/// A layer and its versions, each with its own policy (who may use it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub name: String,
    /// The layer ARN, without a version.
    pub arn: String,
    #[serde(default)]
    pub versions: Vec<LayerVersion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerVersion {
    pub version: i64,
    pub arn: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub created_date: Option<String>,
    #[serde(default)]
    pub compatible_runtimes: Vec<String>,
    /// The layer version policy (`None`: it has none; only this account may use it).
    #[serde(default)]
    pub policy: Option<PolicyText>,
}

/// The account that owns a layer version ARN (`arn:aws:lambda:REGION:ACCOUNT:layer:NAME:N`).
pub fn layer_account(layer_version_arn: &str) -> Option<&str> {
    let parts: Vec<&str> = layer_version_arn.splitn(7, ':').collect();
    (parts.len() == 7 && parts[0] == "arn" && parts[5] == "layer").then_some(parts[4])
}
