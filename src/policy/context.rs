//! The request context: condition keys and their values.
//!
//! A *closed* context is a complete request (the simulator): a key it does not hold is
//! absent from the request. An *open* context is a question with free keys ("who can invoke
//! this function?"): a key it does not hold is unknown, which makes conditions on it
//! undecidable and the answer conditional.

use std::collections::BTreeMap;

use super::arn;
use super::principal::Caller;

/// What the context says about one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Present(&'a [String]),
    Absent,
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// Keyed by the lower-cased key name (IAM key names are case-insensitive).
    entries: BTreeMap<String, Vec<String>>,
    open: bool,
    /// Key families (lower-cased prefixes such as `aws:principaltag/`) whose every member
    /// is known (`true`: a key not set is absent) or unknown (`false`: not read, even in a
    /// closed context), whatever the context's openness says.
    families: Vec<(String, bool)>,
}

impl Context {
    /// A complete request: keys not set are absent.
    pub fn closed() -> Context {
        Context::default()
    }

    /// A question with free keys: keys not set are unknown.
    pub fn open() -> Context {
        Context { open: true, ..Context::default() }
    }

    /// Sets a key; an empty list marks the key as known to be absent.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        self.entries.insert(key.to_ascii_lowercase(), values);
    }

    /// Sets a key only when the caller did not set it already.
    pub fn set_default(&mut self, key: &str, values: Vec<String>) {
        self.entries.entry(key.to_ascii_lowercase()).or_insert(values);
    }

    /// Declares a family of keys (`aws:PrincipalTag/`) fully known, so that a member not
    /// set is absent, or unknown, so that one not set is undecided even in a closed context.
    pub fn set_family(&mut self, prefix: &str, known: bool) {
        self.families.push((prefix.to_ascii_lowercase(), known));
    }

    pub fn get(&self, key: &str) -> Lookup<'_> {
        let key = key.to_ascii_lowercase();
        match self.entries.get(&key) {
            Some(values) if values.is_empty() => Lookup::Absent,
            Some(values) => Lookup::Present(values),
            None => match self.families.iter().find(|(prefix, _)| key.starts_with(prefix.as_str())) {
                Some((_, true)) => Lookup::Absent,
                Some((_, false)) => Lookup::Unknown,
                None if self.open => Lookup::Unknown,
                None => Lookup::Absent,
            },
        }
    }
}

/// Fills in the keys AWS puts in every request context from the caller and the resource,
/// unless the given context already sets them.
pub fn with_request_keys(mut ctx: Context, caller: &Caller, resource: &str) -> Context {
    if let Some(arn) = caller.principal_arn() {
        ctx.set_default("aws:PrincipalArn", vec![arn]);
    }
    if let Some(account) = caller.account() {
        ctx.set_default("aws:PrincipalAccount", vec![account.to_string()]);
    }
    if *caller != Caller::Anonymous {
        ctx.set_default("aws:PrincipalType", vec![caller.principal_type().to_string()]);
        let is_service = matches!(caller, Caller::Service(_));
        ctx.set_default("aws:PrincipalIsAWSService", vec![is_service.to_string()]);
    }
    match caller {
        Caller::Service(name) => ctx.set_default("aws:PrincipalServiceName", vec![name.clone()]),
        Caller::User { arn, .. } => {
            let name = arn.rsplit('/').next().unwrap_or_default().to_string();
            ctx.set_default("aws:username", vec![name]);
        }
        _ => {}
    }
    if let Some(account) = arn::account(resource) {
        ctx.set_default("aws:ResourceAccount", vec![account.to_string()]);
    }
    // The source keys exist only when a service acts for one of its resources: a user,
    // role or root user calling for itself never carries them.
    if caller.has_identity_policies() || matches!(caller, Caller::Root { .. }) {
        for key in SERVICE_SOURCE_KEYS {
            ctx.set_default(key, Vec::new());
        }
    }
    ctx
}

/// Keys AWS sets only on a call a service makes on behalf of a resource.
const SERVICE_SOURCE_KEYS: [&str; 5] =
    ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:SourceOrgID", "aws:SourceOrgPaths"];
