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

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LookupError {
    #[error("no function named \"{name}\" in this account{}", suggest(.closest))]
    NoFunction { name: String, closest: Vec<String> },
    #[error("function {function} has no version or alias \"{qualifier}\" (it has: {})", .known.join(", "))]
    NoQualifier { function: String, qualifier: String, known: Vec<String> },
}

fn suggest(closest: &[String]) -> String {
    if closest.is_empty() { String::new() } else { format!("; did you mean {}?", closest.join(", ")) }
}

impl Graph {
    /// Reads `NAME`, `NAME:QUALIFIER`, or a (qualified) function ARN.
    pub fn lookup(&self, text: &str) -> Result<Target, LookupError> {
        let (name, qualifier) = match arn::split(text) {
            Some(parts) => {
                let rest = parts[5].strip_prefix("function:").unwrap_or(parts[5]);
                split_qualifier(rest)
            }
            None => split_qualifier(text),
        };
        let Some(&function) = self.by_name.get(name) else {
            return Err(LookupError::NoFunction { name: name.to_string(), closest: self.closest(name) });
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
        let mut scored: Vec<(f64, &str)> = self
            .functions()
            .iter()
            .map(|f| {
                let contains = f.name.contains(name) || name.contains(f.name.as_str());
                let score = strsim::jaro_winkler(name, &f.name) + if contains { 0.5 } else { 0.0 };
                (score, f.name.as_str())
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
