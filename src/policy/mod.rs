//! The IAM policy engine: parse documents, match actions, resources and principals,
//! evaluate conditions, and decide requests the way IAM does, with the reasons.
//!
//! Pure: no I/O, and it must never import tokio, ratatui, crossterm or the AWS SDK. It
//! never panics on any input; malformed documents come back as [`PolicyError`] values.

pub mod arn;
pub mod condition;
pub mod context;
pub mod document;
pub mod eval;
mod explain;
mod glob;
pub mod parse;
pub mod pattern;
pub mod principal;
mod strict;
pub mod tri;

pub use context::{Context, Lookup, with_request_keys};
pub use document::{Condition, Effect, Policy, PrincipalEntry, Principals, Statement, Targets};
pub use eval::{
    Decision, Evaluation, Level, Named, Pending, Policies, Request, StatementRef, evaluate, needs_resource_policy,
};
pub use parse::{PolicyError, decode_document, parse, parse_value};
pub use principal::{Caller, MatchKind};
pub use strict::duplicate_key;
pub use tri::Tri;
