//! Finding the function (and qualifier) a user named, by name or ARN, with suggestions
//! when nothing matches.

use thiserror::Error;

use super::Graph;
use crate::model::Scope;
use crate::policy::arn;

/// A function, and the scope the user asked about (`None`: every scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub function: usize,
    pub scope: Option<Scope>,
}

/// Anything a user can ask who may invoke (or use): a function scope, a web function (or
/// one endpoint), a layer (or one version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Function(Target),
    Web { index: usize, endpoint: Option<String> },
    Layer { index: usize, version: Option<i64> },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LookupError {
    #[error("no function named \"{name}\" in this account{}", suggest(.closest))]
    NoFunction { name: String, closest: Vec<String> },
    #[error("{} functions are named \"{name}\" (one per account or region read); name one by its ARN: {}", .arns.len(), .arns.join(", "))]
    Ambiguous { name: String, arns: Vec<String> },
    #[error("web function {function} has no endpoint \"{endpoint}\" (it has: {})", .known.join(", "))]
    NoEndpoint { function: String, endpoint: String, known: Vec<String> },
    #[error("layer {layer} has no version \"{version}\" (it has: {})", .known.join(", "))]
    NoLayerVersion { layer: String, version: String, known: Vec<String> },
    #[error("function {function} has no version or alias \"{qualifier}\" (it has: {})", .known.join(", "))]
    NoQualifier { function: String, qualifier: String, known: Vec<String> },
}

fn suggest(closest: &[String]) -> String {
    if closest.is_empty() { String::new() } else { format!("; did you mean {}?", closest.join(", ")) }
}

impl Graph {
    /// Reads a function (`NAME[:QUALIFIER]` or its ARN), a web function
    /// (`NAME[:ENDPOINT]` or an ARN with `web-function/`) or a layer (`NAME[:VERSION]` or
    /// an ARN with `layer:`). A bare name is a function's first, then a web function's,
    /// then a layer's.
    pub fn find(&self, text: &str) -> Result<Named, LookupError> {
        let (kind, rest) = match arn::split(text) {
            Some(parts) if parts[5].starts_with("web-function/") => {
                ("web", parts[5].trim_start_matches("web-function/"))
            }
            Some(parts) if parts[5].starts_with("layer:") => ("layer", parts[5].trim_start_matches("layer:")),
            Some(_) => return self.lookup(text).map(Named::Function),
            None => ("any", text),
        };
        let (name, qualifier) = match kind {
            "web" => match rest.split_once("/endpoint/") {
                Some((n, e)) => (n, Some(e)),
                None => (rest, None),
            },
            _ => split_qualifier(rest),
        };
        if kind == "any" && !self.indexes_of(name).is_empty() {
            return self.lookup(text).map(Named::Function);
        }
        if kind != "layer"
            && let Some(index) = self.web_index(name)
        {
            let w = &self.web_functions()[index];
            if let Some(e) = qualifier.filter(|e| !w.endpoints.iter().any(|x| x.name == *e)) {
                return Err(LookupError::NoEndpoint {
                    function: w.name.clone(),
                    endpoint: e.to_string(),
                    known: w.endpoints.iter().map(|x| x.name.clone()).collect(),
                });
            }
            return Ok(Named::Web { index, endpoint: qualifier.map(str::to_string) });
        }
        if kind != "web"
            && let Some(index) = self.layer_index(name)
        {
            let l = &self.layers()[index];
            let version = match qualifier {
                None => None,
                Some(q) => {
                    Some(q.parse::<i64>().ok().filter(|v| l.versions.iter().any(|x| x.version == *v)).ok_or_else(
                        || LookupError::NoLayerVersion {
                            layer: l.name.clone(),
                            version: q.to_string(),
                            known: l.versions.iter().map(|v| v.version.to_string()).collect(),
                        },
                    )?)
                }
            };
            return Ok(Named::Layer { index, version });
        }
        Err(LookupError::NoFunction { name: name.to_string(), closest: self.closest(name) })
    }

    /// Reads `NAME`, `NAME:QUALIFIER`, or a (qualified) function ARN.
    pub fn lookup(&self, text: &str) -> Result<Target, LookupError> {
        let (name, qualifier) = match arn::split(text) {
            Some(parts) => {
                let rest = parts[5].strip_prefix("function:").unwrap_or(parts[5]);
                split_qualifier(rest)
            }
            None => split_qualifier(text),
        };
        let by_arn = arn::split(text).and_then(|parts| {
            let unqualified = format!("arn:{}:lambda:{}:{}:function:{name}", parts[1], parts[3], parts[4]);
            self.index_of_arn(&unqualified)
        });
        let function = match (by_arn, self.indexes_of(name)) {
            (Some(i), _) => i,
            // An ARN names one account and region: a same-named function elsewhere is not it.
            (None, _) if arn::split(text).is_some() => {
                return Err(LookupError::NoFunction { name: text.to_string(), closest: self.closest(name) });
            }
            (None, [one]) => *one,
            (None, []) => {
                return Err(LookupError::NoFunction { name: name.to_string(), closest: self.closest(name) });
            }
            (None, several) => {
                let arns = several.iter().map(|&i| self.function(i).arn.clone()).collect();
                return Err(LookupError::Ambiguous { name: name.to_string(), arns });
            }
        };
        let f = self.function(function);
        let scope =
            match qualifier {
                None => None,
                Some("$LATEST") => Some(Scope::Unqualified),
                Some(q) => Some(f.scopes().into_iter().map(|(s, _)| s).find(|s| s.qualifier() == Some(q)).ok_or_else(
                    || LookupError::NoQualifier {
                        function: f.name.clone(),
                        qualifier: q.to_string(),
                        known: f.scopes().iter().filter_map(|(s, _)| s.qualifier().map(str::to_string)).collect(),
                    },
                )?),
            };
        Ok(Target { function, scope })
    }

    /// Up to three function names closest to `name`.
    fn closest(&self, name: &str) -> Vec<String> {
        let names = self.functions().iter().map(|f| f.name.as_str());
        let names = names
            .chain(self.web_functions().iter().map(|w| w.name.as_str()))
            .chain(self.layers().iter().map(|l| l.name.as_str()));
        let mut scored: Vec<(f64, &str)> = names
            .map(|n| {
                let contains = n.contains(name) || name.contains(n);
                let score = strsim::jaro_winkler(name, n) + if contains { 0.5 } else { 0.0 };
                (score, n)
            })
            .filter(|(s, _)| *s > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, n)| n.to_string()).collect()
    }
}

fn split_qualifier(text: &str) -> (&str, Option<&str>) {
    match text.split_once(':') {
        Some((name, q)) => (name, Some(q)),
        None => (text, None),
    }
}
