//! lambdascope: who can invoke each AWS Lambda function, and what each function can reach.
//!
//! The pure core (`model`, `policy`, `catalog`, `graph`) never touches the network or the
//! terminal. `source` says where an account comes from; the two front ends, `cmd` (one
//! command, one answer) and `tui` (the terminal UI), both load through it, and `main`
//! chooses between them.

pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod demo;
pub mod fetch;
pub mod graph;
pub mod model;
pub mod outcome;
pub mod policy;
pub mod source;
pub mod text;
pub mod tui;
