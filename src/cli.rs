//! Command-line definitions (clap). Raw flags only; `cmd` turns them into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "lambdascope",
    version,
    about = "Who can invoke each AWS Lambda function, and what each function can reach.",
    long_about = "Who can invoke each AWS Lambda function, and what each function can reach.\n\n\
        Reads an account into a snapshot and answers permission questions with IAM's own \
        evaluation rules. Try it without an AWS account: `lambdascope --demo summary`.",
    after_help = "Exit codes: 0 success, 1 error, 2 bad command line, 3 some input cases were rejected (simulate).",
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Use the embedded demo account (no AWS access needed).
    #[arg(long, global = true, conflicts_with = "snapshot")]
    pub demo: bool,
    /// Use a snapshot saved earlier (see `fetch`).
    #[arg(long, global = true, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print what the loaded account holds: functions, versions, aliases, policies, gaps.
    Summary,
    /// Decide IAM requests offline, from a file of cases (no account needed).
    ///
    /// FILE (or - for standard input) holds one case or a JSON array of cases:
    /// {"principal": "arn:aws:iam::111122223333:role/caller",
    ///  "action": "lambda:InvokeFunction",
    ///  "resource": "arn:aws:lambda:us-east-1:123456789012:function:fn:PROD",
    ///  "context": {"aws:SourceArn": "arn:aws:s3:::bucket", "aws:SourceAccount": ["123456789012"]},
    ///  "identity_policies": [ {...} ], "resource_policy": {...} | null,
    ///  "permission_boundary": {...} | null}
    ///
    /// principal is an IAM user, role or root ARN, an assumed-role session ARN, a service
    /// principal such as s3.amazonaws.com, or "anonymous". Policies may be JSON objects or
    /// strings holding JSON. Other keys (such as "name") are ignored, and "name" labels the
    /// output. Each case is answered allowed, explicit_deny or implicit_deny with the
    /// statements that decided it; invalid cases are reported and the rest still answered.
    #[command(verbatim_doc_comment)]
    Simulate {
        /// The case file, or - for standard input.
        file: PathBuf,
    },
}
