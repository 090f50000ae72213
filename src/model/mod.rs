//! The audited account as plain data: the `Snapshot` the fetcher produces, the demo and
//! saved files hold, and the graph reads.
//!
//! Pure serde data: no I/O beyond (de)serialising bytes handed in, and no tokio, ratatui,
//! crossterm or AWS SDK. Environment variables are kept by NAME only: a value may be a
//! secret, and the type has nowhere to put one.

mod gaps;
mod load;
mod merge;
mod org;
mod policy_text;
mod reads;
mod validate;
mod web;

use std::collections::BTreeMap;

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

pub use gaps::{Absent, AbsentKind, Gap, GapReason};
pub use load::{LoadError, SnapshotSource};
pub use merge::{MergeError, merge};
pub use org::{OrgAccount, OrgPolicy, OrgPolicyKind, OrgState, OrgUnit, Organization};
pub use policy_text::PolicyText;
pub use reads::{Read, arn_place};
pub use web::{Layer, LayerVersion, WebAuthType, WebEndpoint, WebFunction, WebRevision, layer_account};

/// Lambda Managed Instances' published-latest version: a qualifier of its own, and what an
/// unqualified invocation of such a function runs.
pub const LATEST_PUBLISHED: &str = "$LATEST.PUBLISHED";

/// The snapshot file format this build writes. Version 2 added web functions and layers;
/// version 3 added `reads` (several accounts and regions in one snapshot); version 4 the
/// organisation (its tree, SCPs and RCPs) and principals' tags. Older files still load
/// (they lack only the newer fields).
pub const FORMAT_VERSION: u32 = 4;

/// The oldest snapshot format this build reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub format_version: u32,
    pub account_id: String,
    pub region: String,
    #[serde(default = "default_partition")]
    pub partition: String,
    pub taken_at: DateTime<Utc>,
    /// Who took the snapshot (from STS GetCallerIdentity), when known.
    #[serde(default)]
    pub caller_arn: Option<String>,
    #[serde(default)]
    pub functions: Vec<Function>,
    #[serde(default)]
    pub event_source_mappings: Vec<EventSourceMapping>,
    /// Lambda web functions (format 2).
    #[serde(default)]
    pub web_functions: Vec<WebFunction>,
    /// Layers this account owns, with each version's policy (format 2).
    #[serde(default)]
    pub layers: Vec<Layer>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub managed_policies: Vec<ManagedPolicy>,
    /// IAM users and groups; read only when credentials allow (otherwise see `gaps`).
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// What could not be read, and why.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// Every account and region this snapshot holds, when it holds more than one (format
    /// 3): the first is the caller's own, and `account_id`/`region` repeat it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<Read>,
    /// What the account refers to but does not exist (a deleted execution role; a function
    /// deleted while it was being read): facts about the account, not unread data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<Absent>,
    /// The organisation of the accounts read, its SCPs and RCPs (format 4).
    #[serde(default, skip_serializing_if = "OrgState::is_not_read")]
    pub organization: OrgState,
}

fn default_partition() -> String {
    "aws".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub name: String,
    /// The unqualified ARN.
    pub arn: String,
    #[serde(default)]
    pub runtime: Option<String>,
    #[serde(default)]
    pub description: String,
    /// The execution role of `$LATEST`.
    pub role_arn: String,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub revision_id: Option<String>,
    /// Layer version ARNs, in the order Lambda applies them.
    #[serde(default)]
    pub layers: Vec<String>,
    /// Names only: values are never read into the snapshot.
    #[serde(default)]
    pub env_var_names: Vec<String>,
    /// The resource policy of the unqualified function (`None`: it has none).
    #[serde(default)]
    pub policy: Option<PolicyText>,
    #[serde(default)]
    pub versions: Vec<FunctionVersion>,
    #[serde(default)]
    pub aliases: Vec<Alias>,
    #[serde(default)]
    pub urls: Vec<UrlConfig>,
}

/// A published version. Its configuration, role included, is frozen at publish time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionVersion {
    pub version: String,
    pub arn: String,
    #[serde(default)]
    pub runtime: Option<String>,
    pub role_arn: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub last_modified: Option<String>,
    #[serde(default)]
    pub revision_id: Option<String>,
    #[serde(default)]
    pub env_var_names: Vec<String>,
    #[serde(default)]
    pub policy: Option<PolicyText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub name: String,
    pub arn: String,
    /// The version the alias points at.
    pub function_version: String,
    /// Weighted routing: extra version -> share of traffic (0.0-1.0).
    #[serde(default)]
    pub routing: BTreeMap<String, f64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub revision_id: Option<String>,
    #[serde(default)]
    pub policy: Option<PolicyText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UrlAuthType {
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "AWS_IAM")]
    AwsIam,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlConfig {
    /// The alias the URL is attached to (`None`: the unqualified function).
    #[serde(default)]
    pub qualifier: Option<String>,
    pub url: String,
    pub auth_type: UrlAuthType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSourceMapping {
    pub uuid: String,
    /// `None` for sources without an ARN (self-managed Kafka).
    #[serde(default)]
    pub source_arn: Option<String>,
    /// The target, qualified when the mapping names a version or alias.
    pub function_arn: String,
    /// `Enabled`, `Disabled`, `Creating`, ... as Lambda reports it.
    pub state: String,
    #[serde(default)]
    pub batch_size: Option<u32>,
    #[serde(default)]
    pub maximum_batching_window_seconds: Option<u32>,
}

impl EventSourceMapping {
    pub fn is_enabled(&self) -> bool {
        matches!(self.state.as_str(), "Enabled" | "Enabling" | "Creating" | "Updating")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub arn: String,
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default)]
    pub trust_policy: Option<PolicyText>,
    #[serde(default)]
    pub permission_boundary_arn: Option<String>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policy_arns: Vec<String>,
    /// The role's tags (`aws:PrincipalTag/…`); `None` when they were not read (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

fn root_path() -> String {
    "/".into()
}

/// A managed policy and the document of its default version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub default_version_id: String,
    pub document: PolicyText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub arn: String,
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default)]
    pub permission_boundary_arn: Option<String>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policy_arns: Vec<String>,
    /// Names of the groups the user belongs to (groups of the user's own account).
    #[serde(default)]
    pub groups: Vec<String>,
    /// The user's tags (`aws:PrincipalTag/…`); `None` when they were not read (format 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub arn: String,
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub attached_policy_arns: Vec<String>,
}

/// Which resource policy of a function: the unqualified one, a version's or an alias's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Unqualified,
    Version(String),
    Alias(String),
}

impl Scope {
    /// The qualifier as it appears in an ARN (`None` when unqualified).
    pub fn qualifier(&self) -> Option<&str> {
        match self {
            Scope::Unqualified => None,
            Scope::Version(q) | Scope::Alias(q) => Some(q),
        }
    }
}

impl Function {
    /// Every scope with its resource policy, unqualified first.
    pub fn scopes(&self) -> Vec<(Scope, Option<&PolicyText>)> {
        let mut out = vec![(Scope::Unqualified, self.policy.as_ref())];
        out.extend(self.versions.iter().map(|v| (Scope::Version(v.version.clone()), v.policy.as_ref())));
        out.extend(self.aliases.iter().map(|a| (Scope::Alias(a.name.clone()), a.policy.as_ref())));
        out
    }
}

/// Counts of what a snapshot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub account_id: String,
    pub region: String,
    pub taken_at: String,
    pub caller_arn: Option<String>,
    pub functions: usize,
    pub versions: usize,
    pub aliases: usize,
    pub resource_policies: usize,
    pub resource_policy_statements: usize,
    pub unparsable_policies: usize,
    pub function_urls: usize,
    pub event_source_mappings: usize,
    pub web_functions: usize,
    pub web_endpoints: usize,
    pub layer_versions: usize,
    pub roles: usize,
    pub managed_policies: usize,
    pub users: usize,
    pub groups: usize,
    pub gaps: usize,
    pub gaps_by_reason: BTreeMap<String, usize>,
    pub absent: usize,
    /// Per account and region, when the snapshot holds more than one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartSummary>,
}

/// What one account and region of a snapshot holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PartSummary {
    pub account_id: String,
    pub region: String,
    pub functions: usize,
    pub web_functions: usize,
    pub layer_versions: usize,
    /// Roles of the account (IAM is global: the same in each region of it).
    pub roles: usize,
}

impl Snapshot {
    /// An empty snapshot of one account, taken now.
    pub fn new(account_id: &str, region: &str) -> Snapshot {
        Snapshot {
            format_version: FORMAT_VERSION,
            account_id: account_id.into(),
            region: region.into(),
            partition: default_partition(),
            // Whole seconds: finer precision only makes snapshots differ for nothing.
            taken_at: Utc::now().with_nanosecond(0).unwrap_or_else(Utc::now),
            caller_arn: None,
            functions: Vec::new(),
            event_source_mappings: Vec::new(),
            web_functions: Vec::new(),
            layers: Vec::new(),
            roles: Vec::new(),
            managed_policies: Vec::new(),
            users: Vec::new(),
            groups: Vec::new(),
            gaps: Vec::new(),
            reads: Vec::new(),
            absent: Vec::new(),
            organization: OrgState::NotRead,
        }
    }

    pub fn summary(&self) -> Summary {
        let policies: Vec<&PolicyText> =
            self.functions.iter().flat_map(|f| f.scopes().into_iter().filter_map(|(_, p)| p)).collect();
        let mut gaps_by_reason = BTreeMap::new();
        for g in &self.gaps {
            *gaps_by_reason.entry(g.reason.as_str().to_string()).or_insert(0) += 1;
        }
        Summary {
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            taken_at: self.taken_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            caller_arn: self.caller_arn.clone(),
            functions: self.functions.len(),
            versions: self.functions.iter().map(|f| f.versions.len()).sum(),
            aliases: self.functions.iter().map(|f| f.aliases.len()).sum(),
            resource_policies: policies.len(),
            resource_policy_statements: policies.iter().map(|p| p.statement_count()).sum(),
            unparsable_policies: policies.iter().filter(|p| p.parsed.is_err()).count(),
            function_urls: self.functions.iter().map(|f| f.urls.len()).sum(),
            event_source_mappings: self.event_source_mappings.len(),
            web_functions: self.web_functions.len(),
            web_endpoints: self.web_functions.iter().map(|w| w.endpoints.len()).sum(),
            layer_versions: self.layers.iter().map(|l| l.versions.len()).sum(),
            roles: self.roles.len(),
            managed_policies: self.managed_policies.len(),
            users: self.users.len(),
            groups: self.groups.len(),
            gaps: self.gaps.len(),
            gaps_by_reason,
            absent: self.absent.len(),
            parts: if self.is_multi() { self.part_summaries() } else { Vec::new() },
        }
    }
}
