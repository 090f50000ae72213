//! The request context: condition keys and their values.
//!
//! A *closed* context is a complete request (the simulator): a key it does not hold is
//! absent from the request. An *open* context is a question with free keys ("who can invoke
//! this function?"): a key it does not hold is unknown, which makes conditions on it
//! undecidable and the answer conditional.

use std::collections::BTreeMap;

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

    pub fn get(&self, key: &str) -> Lookup<'_> {
        match self.entries.get(&key.to_ascii_lowercase()) {
            Some(values) if values.is_empty() => Lookup::Absent,
            Some(values) => Lookup::Present(values),
            None if self.open => Lookup::Unknown,
            None => Lookup::Absent,
        }
    }
}
