//! The invariants later stages rely on, checked on every snapshot that is loaded and on
//! every one `fetch` writes: names, ARNs, accounts and regions that agree with each other,
//! and nothing listed twice. A loaded file that breaks one is refused with a message naming
//! it; a fetch drops the one inconsistent entity and records a gap for it instead (see
//! [`Snapshot::quarantine`]), so what it writes always loads.

use std::collections::HashSet;

use super::{Function, Gap, GapReason, Layer, LoadError, Snapshot, WebFunction};
use crate::policy::arn;

impl Snapshot {
    pub fn validate(&self) -> Result<(), LoadError> {
        self.account_problem().map_or(Ok(()), |m| Err(LoadError::Invalid(m)))?;
        if let Some(why) = self.organization.read().and_then(super::Organization::problem) {
            return Err(LoadError::Invalid(why));
        }
        let mut names = HashSet::new();
        for f in &self.functions {
            if let Some(why) = self.function_problem(f) {
                return Err(LoadError::Invalid(why));
            }
            if !names.insert(f.arn.as_str()) {
                return Err(LoadError::Invalid(format!("function \"{}\" appears twice", f.name)));
            }
        }
        if let Some(why) = self.web_functions.iter().filter_map(|w| self.web_problem(w)).next() {
            return Err(LoadError::Invalid(why));
        }
        if let Some(why) = self.layers.iter().filter_map(|l| self.layer_problem(l)).next() {
            return Err(LoadError::Invalid(why));
        }
        if let Some(why) = self.repeated_web_or_layer() {
            return Err(LoadError::Invalid(why));
        }
        let mut seen = HashSet::new();
        for (kind, arn) in self.iam_arns() {
            if let Some(why) = iam_problem(kind, arn) {
                return Err(LoadError::Invalid(why));
            }
            if !seen.insert(arn) {
                return Err(LoadError::Invalid(format!("{kind} \"{arn}\" appears twice")));
            }
        }
        Ok(())
    }

    /// Removes every function and IAM entity that breaks an invariant (or repeats one read
    /// before), and returns a gap for each: what the service answered could not be used.
    /// The account and region themselves must be valid (`Err` otherwise).
    pub fn quarantine(&mut self) -> Result<Vec<Gap>, LoadError> {
        self.account_problem().map_or(Ok(()), |m| Err(LoadError::Invalid(m)))?;
        let mut gaps = Vec::new();
        let mut reject = |operation: &str, resource: &str, why: String| {
            gaps.push(Gap {
                operation: operation.into(),
                resource: resource.into(),
                reason: GapReason::Error,
                message: format!("the answer could not be used: {why}"),
            });
        };
        let mut names = HashSet::new();
        let functions = std::mem::take(&mut self.functions);
        for f in functions {
            match self.function_problem(&f) {
                Some(why) => reject("lambda:ListFunctions", &f.arn, why),
                None if !names.insert(f.arn.clone()) => {
                    reject("lambda:ListFunctions", &f.arn, format!("function \"{}\" appears twice", f.name))
                }
                None => self.functions.push(f),
            }
        }
        let (mut webs, mut layers) = (HashSet::new(), HashSet::new());
        for w in std::mem::take(&mut self.web_functions) {
            match self.web_problem(&w) {
                Some(why) => reject("lambda:ListWebFunctions", &w.arn, why),
                None if !webs.insert(w.arn.clone()) => {
                    reject("lambda:ListWebFunctions", &w.arn, format!("web function \"{}\" appears twice", w.name))
                }
                None => self.web_functions.push(w),
            }
        }
        for l in std::mem::take(&mut self.layers) {
            match self.layer_problem(&l) {
                Some(why) => reject("lambda:ListLayers", &l.arn, why),
                None if !layers.insert(l.arn.clone()) => {
                    reject("lambda:ListLayers", &l.arn, format!("layer \"{}\" appears twice", l.name))
                }
                None => self.layers.push(l),
            }
        }
        let mut seen = HashSet::new();
        let mut keep = |kind: &'static str, arn: &str, op: &str, reject: &mut dyn FnMut(&str, &str, String)| {
            let why = iam_problem(kind, arn)
                .or_else(|| (!seen.insert(arn.to_string())).then(|| format!("{kind} \"{arn}\" appears twice")));
            if let Some(why) = &why {
                reject(op, arn, why.clone());
            }
            why.is_none()
        };
        self.roles.retain(|r| keep("role", &r.arn, "iam:GetRole", &mut reject));
        self.users.retain(|u| keep("user", &u.arn, "iam:ListUsers", &mut reject));
        self.groups.retain(|g| keep("group", &g.arn, "iam:ListGroups", &mut reject));
        self.managed_policies.retain(|p| keep("managed policy", &p.arn, "iam:GetPolicy", &mut reject));
        // An organisation tree that does not hold together is not used: unread, with a gap.
        if let Some(why) = self.organization.read().and_then(super::Organization::problem) {
            reject("organizations:ListRoots", "*", why);
            self.organization = super::OrgState::NotRead;
        }
        self.gaps.extend(gaps.iter().cloned());
        Ok(gaps)
    }

    fn account_problem(&self) -> Option<String> {
        let token = |t: &str| {
            !t.is_empty()
                && t.len() <= 32
                && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        let mut seen = HashSet::new();
        for (account, region) in std::iter::once((self.account_id.as_str(), self.region.as_str())).chain(self.parts()) {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Some(format!("account_id \"{account}\" is not a 12-digit account id"));
            }
            if !token(region) {
                return Some(format!("region \"{region}\" is not a region name"));
            }
            seen.insert((account, region));
        }
        if !self.reads.is_empty() {
            let first = (self.reads[0].account_id.as_str(), self.reads[0].region.as_str());
            if first != (self.account_id.as_str(), self.region.as_str()) {
                return Some("the first of reads must be the snapshot's own account_id and region".into());
            }
            if seen.len() != self.reads.len() {
                return Some("an account and region is listed twice in reads".into());
            }
        }
        if !token(&self.partition) {
            return Some(format!("partition \"{}\" is not a partition name", self.partition));
        }
        None
    }

    /// What is wrong with one function: its name, its ARN (which must name this account and
    /// region), or its versions, aliases and URLs.
    fn function_problem(&self, f: &Function) -> Option<String> {
        if !lambda_name(&f.name) {
            return Some(format!("function name \"{}\" is not a Lambda function name", f.name));
        }
        let read_here = match super::arn_place(&f.arn) {
            Some((region, account)) => {
                self.holds(account, region)
                    && f.arn == format!("arn:{}:lambda:{region}:{account}:function:{}", self.partition, f.name)
            }
            None => false,
        };
        if !read_here {
            let expected =
                format!("arn:{}:lambda:{}:{}:function:{}", self.partition, self.region, self.account_id, f.name);
            return Some(format!(
                "function \"{}\" has the ARN \"{}\", expected \"{expected}\" (or another account and region read)",
                f.name, f.arn
            ));
        }
        let mut qualifiers = HashSet::new();
        for v in &f.versions {
            // Numbered versions, and Lambda Managed Instances' `$LATEST.PUBLISHED`.
            let numbered = !v.version.is_empty() && v.version.bytes().all(|b| b.is_ascii_digit());
            let ok = numbered || v.version == crate::model::LATEST_PUBLISHED;
            if !ok || v.arn != format!("{}:{}", f.arn, v.version) {
                return Some(format!("function \"{}\" has an invalid version \"{}\" ({})", f.name, v.version, v.arn));
            }
            if !qualifiers.insert(v.version.as_str()) {
                return Some(format!("function \"{}\" lists version {} twice", f.name, v.version));
            }
        }
        for a in &f.aliases {
            let ok = !a.name.is_empty() && !a.name.bytes().all(|b| b.is_ascii_digit());
            if !ok || a.arn != format!("{}:{}", f.arn, a.name) {
                return Some(format!("function \"{}\" has an invalid alias \"{}\" ({})", f.name, a.name, a.arn));
            }
            if !qualifiers.insert(a.name.as_str()) {
                return Some(format!("function \"{}\" lists the qualifier \"{}\" twice", f.name, a.name));
            }
        }
        let mut urls = HashSet::new();
        for u in &f.urls {
            if u.qualifier.as_ref().is_some_and(|q| !f.aliases.iter().any(|a| &a.name == q)) {
                return Some(format!(
                    "function \"{}\" has a URL on \"{}\", which is not one of its aliases",
                    f.name,
                    u.qualifier.as_deref().unwrap_or_default()
                ));
            }
            if !urls.insert(&u.qualifier) {
                return Some(format!("function \"{}\" lists two URLs for one scope", f.name));
            }
        }
        None
    }

    /// What is wrong with one web function: names, ARNs in this account and region, and
    /// endpoints or revisions named twice.
    fn web_problem(&self, w: &WebFunction) -> Option<String> {
        if !lambda_name(&w.name) {
            return Some(format!("web function name \"{}\" is not a valid name", w.name));
        }
        let Some(here) = self.place_prefix(&w.arn) else {
            return Some(format!("web function \"{}\" has the ARN \"{}\", not one of an account read", w.name, w.arn));
        };
        let mut names = HashSet::new();
        for e in &w.endpoints {
            if !lambda_name(&e.name) || !e.arn.starts_with(&here) || !names.insert(e.name.as_str()) {
                return Some(format!("web function \"{}\" has an invalid or repeated endpoint \"{}\"", w.name, e.name));
            }
        }
        let mut ids = HashSet::new();
        for r in &w.revisions {
            if r.id.is_empty()
                || !ids.insert(r.id.as_str())
                || r.role_arn.as_deref().is_some_and(|a| iam_problem("role", a).is_some())
            {
                return Some(format!("web function \"{}\" has an invalid or repeated revision \"{}\"", w.name, r.id));
            }
        }
        None
    }

    /// What is wrong with one layer: its name, its ARN (this account and region), or a
    /// version whose ARN is not the layer's.
    fn layer_problem(&self, l: &Layer) -> Option<String> {
        let expected = match self.place_prefix(&l.arn) {
            Some(here) => format!("{here}layer:{}", l.name),
            None => format!("arn:{}:lambda:{}:{}:layer:{}", self.partition, self.region, self.account_id, l.name),
        };
        if !lambda_name(&l.name) || l.arn != expected {
            return Some(format!("layer \"{}\" has the ARN \"{}\", expected \"{expected}\"", l.name, l.arn));
        }
        let mut seen = HashSet::new();
        for v in &l.versions {
            if v.version < 1 || v.arn != format!("{}:{}", l.arn, v.version) || !seen.insert(v.version) {
                return Some(format!(
                    "layer \"{}\" has an invalid or repeated version {} ({})",
                    l.name, v.version, v.arn
                ));
            }
        }
        None
    }

    /// `arn:PARTITION:lambda:REGION:ACCOUNT:` for an ARN in an account and region read.
    fn place_prefix(&self, arn: &str) -> Option<String> {
        self.parts()
            .into_iter()
            .map(|(account, region)| format!("arn:{}:lambda:{region}:{account}:", self.partition))
            .find(|p| arn.starts_with(p.as_str()))
    }

    fn repeated_web_or_layer(&self) -> Option<String> {
        let mut webs = HashSet::new();
        if let Some(w) = self.web_functions.iter().find(|w| !webs.insert(w.arn.as_str())) {
            return Some(format!("web function \"{}\" appears twice", w.name));
        }
        let mut layers = HashSet::new();
        self.layers
            .iter()
            .find(|l| !layers.insert(l.arn.as_str()))
            .map(|l| format!("layer \"{}\" appears twice", l.name))
    }

    fn iam_arns(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let roles = self.roles.iter().map(|r| ("role", r.arn.as_str()));
        let users = self.users.iter().map(|u| ("user", u.arn.as_str()));
        let groups = self.groups.iter().map(|g| ("group", g.arn.as_str()));
        let policies = self.managed_policies.iter().map(|p| ("managed policy", p.arn.as_str()));
        roles.chain(users).chain(groups).chain(policies)
    }
}

/// A Lambda-style resource name: 1 to 64 letters, digits, `-` and `_`.
fn lambda_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What is wrong with an IAM entity's ARN: it must be an `iam` ARN of that kind.
fn iam_problem(kind: &str, text: &str) -> Option<String> {
    let prefix = match kind {
        "role" => "role/",
        "user" => "user/",
        "group" => "group/",
        _ => "policy/",
    };
    match arn::split(text) {
        Some(p) if p[2] == "iam" && p[5].starts_with(prefix) && p[5].len() > prefix.len() => None,
        _ => Some(format!("{kind} has an invalid ARN \"{text}\"")),
    }
}
