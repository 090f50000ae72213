//! A policy document as read from AWS: the raw text, and what the engine made of it.
//!
//! Serialised as `{"raw": ..., "parsed": ...}` (or `"error"`) so a saved snapshot is
//! readable with jq; on load only `raw` is trusted and is parsed again, so the two can
//! never disagree.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::policy::{self, Policy, PolicyError};

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyText {
    pub raw: String,
    pub parsed: Result<Policy, PolicyError>,
}

impl PolicyText {
    pub fn new(raw: impl Into<String>) -> PolicyText {
        let raw = raw.into();
        let parsed = policy::parse(&raw);
        PolicyText { raw, parsed }
    }

    pub fn statement_count(&self) -> usize {
        self.parsed.as_ref().map_or(0, |p| p.statements.len())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    raw: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parsed: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Serialize for PolicyText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let repr = match &self.parsed {
            Ok(p) => Repr { raw: self.raw.clone(), parsed: Some(p.to_json()), error: None },
            Err(e) => Repr { raw: self.raw.clone(), parsed: None, error: Some(e.to_string()) },
        };
        repr.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PolicyText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = Repr::deserialize(deserializer)?;
        Ok(PolicyText::new(repr.raw))
    }
}
