//! lambdascope: who can invoke each AWS Lambda function, and what each function can reach.
//!
//! The pure core (`model`, `policy`) never touches the network or the terminal; `cmd`
//! and `cli` sit at the edge.

pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod demo;
pub mod fetch;
pub mod graph;
pub mod model;
pub mod policy;
pub mod text;
pub mod tui;
