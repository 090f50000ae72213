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
        evaluation rules. Without --demo or --snapshot, commands read the live account named \
        by the usual AWS settings (read-only; AWSLambda_ReadOnlyAccess is enough). \
        Try it without an AWS account: `lambdascope --demo summary`.",
    after_help = "Exit codes: 0 success, 1 error, 2 bad command line, 3 some input cases were rejected (simulate), \
                  4 partial: something that exists could not be read (fetch), or the answer depends on \
                  inputs that were not read (listed under Unknown), \
                  5 findings at or above --fail-on."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Without a command, the terminal UI opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Args)]
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
    /// Colour text output: on a terminal unless NO_COLOR is set (auto), always, or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// How to reach a live account (when neither --demo nor --snapshot is given). The usual
/// AWS settings apply too: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, SSO and assume-role
/// profiles.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// AWS profile to use (default: AWS_PROFILE or "default").
    #[arg(long, global = true, value_name = "NAME", help_heading = "Live account")]
    pub profile: Option<String>,
    /// AWS region to read (default: AWS_REGION or the profile's region).
    #[arg(long, global = true, value_name = "REGION", help_heading = "Live account")]
    pub region: Option<String>,
    /// Send every AWS request to this endpoint (LocalStack, moto; default: AWS_ENDPOINT_URL).
    #[arg(long, global = true, value_name = "URL", value_parser = parse_endpoint, help_heading = "Live account")]
    pub endpoint_url: Option<String>,
    /// Most Lambda GetPolicy requests per second (AWS allows 15/s per account and region;
    /// the crawl slows down by itself when others use the same quota). 0 = unpaced.
    #[arg(long, global = true, value_name = "N", default_value_t = 15.0, value_parser = parse_rate,
        help_heading = "Live account")]
    pub policy_rate: f64,
    /// Most other Lambda requests per second (AWS allows 15/s per account and region). 0 = unpaced.
    #[arg(long, global = true, value_name = "N", default_value_t = 15.0, value_parser = parse_rate,
        help_heading = "Live account")]
    pub lambda_rate: f64,
    /// Most IAM requests per second (AWS publishes no rate; heavy crawls get throttled). 0 = unpaced.
    #[arg(long, global = true, value_name = "N", default_value_t = 20.0, value_parser = parse_rate,
        help_heading = "Live account")]
    pub iam_rate: f64,
    /// Requests in flight at once (1 to 256).
    #[arg(long, global = true, value_name = "N", default_value_t = 8,
        value_parser = clap::value_parser!(u16).range(1..=256), help_heading = "Live account")]
    pub concurrency: u16,
    /// How long reading may take, e.g. 90s, 30m, 2h. Throttled or failing reads are retried
    /// until then; whatever is still unread becomes a gap (exit 4).
    #[arg(long, global = true, value_name = "DURATION", default_value = "60m", value_parser = parse_duration,
        help_heading = "Live account")]
    pub max_time: std::time::Duration,
    /// No progress on stderr while reading the account.
    #[arg(long, short, global = true, help_heading = "Live account")]
    pub quiet: bool,
    /// Read the whole account before answering. Without it, who-can-invoke, reach and can
    /// (on a function) read only what their answer needs: the function, its execution roles
    /// and the account's principals. findings, summary, diff and who-can-reach always read
    /// the whole account.
    #[arg(long, global = true, help_heading = "Live account")]
    pub full: bool,
    /// Neither read nor write the local cache of live accounts (see `lambdascope cache`).
    #[arg(long, global = true, help_heading = "Live account")]
    pub no_cache: bool,
    /// In the terminal UI, do not open on the cached copy first: wait for the fresh read.
    #[arg(long, global = true, help_heading = "Live account", conflicts_with = "no_cache")]
    pub refresh: bool,
    /// Read several regions in one run: a comma-separated list, or `all` (every commercial
    /// region; one the account has not enabled is skipped with a note). Each account and
    /// region is read with its own pacing (Lambda's quotas are per account and region).
    #[arg(long, global = true, value_name = "LIST", value_delimiter = ',', value_parser = parse_region,
          help_heading = "Several accounts and regions")]
    pub regions: Vec<String>,
    /// Also read these accounts (comma-separated ids), through --assume-role. An account
    /// whose role cannot be assumed is a gap, not the end of the run.
    #[arg(long, global = true, value_name = "IDS", value_delimiter = ',', value_parser = parse_account,
          requires = "assume_role", help_heading = "Several accounts and regions")]
    pub accounts: Vec<String>,
    /// Also read every active account of the caller's organisation (organizations:
    /// ListAccounts, which needs more than AWSLambda_ReadOnlyAccess: when it is refused,
    /// the run says so, records a gap and reads the other accounts named), through
    /// --assume-role, and the organisation's tree, SCPs and RCPs, which every answer then
    /// applies (a delegated administrator can; from the management account they are read
    /// without --org). A refused organisation read is a gap.
    #[arg(long, global = true, requires = "assume_role", help_heading = "Several accounts and regions")]
    pub org: bool,
    /// The role to assume in each account of --accounts: arn:aws:iam::ID:role/NAME (the
    /// caller's own account is read with the caller's credentials).
    #[arg(long, global = true, value_name = "NAME", help_heading = "Several accounts and regions")]
    pub assume_role: Option<String>,
}

impl AwsArgs {
    /// Whether this read spans more than the one account and region configured.
    pub fn spans_several(&self) -> bool {
        !self.accounts.is_empty() || !self.regions.is_empty() || self.org
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    let ok = text == "all"
        || (!text.is_empty()
            && text.len() <= 32
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    if ok { Ok(text.to_string()) } else { Err(format!("\"{text}\" is not a region name (or `all`)")) }
}

fn parse_account(text: &str) -> Result<String, String> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(format!("\"{text}\" is not a 12-digit account id"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0, for code scanning (`findings`).
    Sarif,
    /// Comma-separated values, for spreadsheets (`findings`, `summary`).
    Csv,
    /// A Mermaid flowchart (`who-can-invoke`, `reach`).
    Mermaid,
    /// A Graphviz graph (`who-can-invoke`, `reach`).
    Dot,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
        }
    }
}

#[derive(Debug, Clone, Subcommand)]
pub enum CacheAction {
    /// List the cached accounts: account, region, when read, functions, size.
    List,
    /// Remove the cached accounts (all, or one account's).
    Clear {
        /// Only this account's cached regions.
        #[arg(long, value_name = "ID")]
        account: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the live account into a snapshot file (read-only: List/Get calls only).
    ///
    /// Progress goes to stderr; the snapshot to FILE (created with mode 0600) or stdout.
    /// Requests are paced per AWS quota class and slow down by themselves when throttled;
    /// throttled or failing reads are read again until --max-time. Exit status 0 means
    /// everything that exists was read (a deleted role is recorded as absent, not as a
    /// gap); 4 means the snapshot is partial (see its gaps: what could not be read and why).
    Fetch {
        /// Where to write the snapshot (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script (for example `lambdascope completions bash >
    /// ~/.local/share/bash-completion/completions/lambdascope`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, in roff (for example `lambdascope man > lambdascope.1`).
    Man,
    /// Join snapshots of different accounts and regions into one, as one fetch of them all
    /// would read them (for example parts read by separate jobs, one per account and region).
    ///
    /// Each part is checked as it loads; an account and region in two parts is refused.
    /// The first part's account and region are the merged snapshot's own.
    Merge {
        /// The part snapshots (at least one).
        #[arg(required = true, value_name = "PART")]
        parts: Vec<PathBuf>,
        /// Where to write the merged snapshot (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print what the loaded account holds: functions, versions, aliases, policies, gaps.
    /// On a live account it reads the whole account.
    Summary,
    /// Who can invoke a function: every grant, per scope and path, with its conditions.
    ///
    /// FUNCTION is a name, NAME:QUALIFIER (an alias or version) or an ARN. Without a
    /// qualifier every scope is covered (the function, each alias, each version: each has
    /// its own resource policy). On a live account only this function, its roles and the
    /// account's principals are read (about a dozen calls); --full reads everything.
    ///
    /// It also answers for a web function (NAME, NAME:ENDPOINT or its ARN: per endpoint,
    /// by AuthType) and for a layer (NAME, NAME:VERSION or its ARN: who can use each
    /// version). A bare name is a function's first, then a web function's, then a layer's.
    WhoCanInvoke {
        /// The function, web function or layer (name, name:qualifier or ARN).
        function: String,
    },
    /// What a function can reach: its execution role's permissions after denies and the
    /// permission boundary, by service and access level; for a web function, each serving
    /// revision's role. On a live account only this function and its roles are read;
    /// --full reads everything.
    Reach {
        /// The function or web function (name, name:qualifier or ARN); a version uses the
        /// role it was published with.
        function: String,
        /// List every allowed action, not only the first few of each access level.
        #[arg(long)]
        all: bool,
    },
    /// Decide one concrete request against the account's policies and explain it: "why
    /// does PRINCIPAL get AccessDenied on RESOURCE?". On a live account, when RESOURCE is a
    /// function of it, only that function, the roles and the principals are read; --full
    /// reads everything.
    Can {
        /// The caller: an IAM user, role or root ARN, an assumed-role session ARN, a
        /// service principal, or "anonymous".
        principal: String,
        /// The action, service:Action.
        action: String,
        /// The resource ARN.
        resource: String,
        /// A request context key, repeatable (a key given twice holds both values).
        #[arg(long = "context", value_name = "KEY=VALUE")]
        context: Vec<String>,
    },
    /// Compare two snapshots of one account: invokers, reach and findings that changed.
    Diff {
        /// The earlier snapshot.
        old: std::path::PathBuf,
        /// The later snapshot.
        new: std::path::PathBuf,
    },
    /// Risk findings across the account, most severe first. On a live account it reads the
    /// whole account.
    Findings {
        /// Show only findings of this severity or worse (info, low, medium, high, critical).
        #[arg(long, value_name = "S", default_value = "info")]
        min_severity: String,
        /// Exit with status 5 when a finding of this severity or worse exists (for CI).
        #[arg(long, value_name = "S")]
        fail_on: Option<String>,
    },
    /// Which functions' roles allow ACTION on RESOURCE (e.g. s3:GetObject arn:aws:s3:::payroll/2026.csv).
    /// On a live account it reads the whole account.
    WhoCanReach {
        /// The action, service:Action.
        action: String,
        /// The resource ARN.
        resource: String,
    },
    /// The local cache of live accounts: the last full read of each account and region,
    /// which the terminal UI opens on at once while it reads the account again.
    ///
    /// It lives in LAMBDASCOPE_CACHE_DIR, else $XDG_CACHE_HOME/lambdascope, else
    /// ~/.cache/lambdascope: one snapshot per account and region (owner-only files, no
    /// secret values). Every full live read updates it unless --no-cache is given.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
    /// Decide IAM requests offline, from a file of cases (no account needed).
    ///
    /// FILE (or - for standard input) holds one case or a JSON array of cases:
    /// {"principal": "arn:aws:iam::111122223333:role/caller",
    ///  "action": "lambda:InvokeFunction",
    ///  "resource": "arn:aws:lambda:us-east-1:123456789012:function:fn:PROD",
    ///  "context": {"aws:SourceArn": "arn:aws:s3:::bucket", "aws:SourceAccount": ["123456789012"]},
    ///  "identity_policies": [ {...} ], "resource_policy": {...} | null,
    ///  "permission_boundary": {...} | null,
    ///  "scps": [[{...}], [{...}, {...}]], "rcps": [[{...}]]}
    ///
    /// scps and rcps (optional): the organisation's guardrails level by level (root, each
    /// OU, the account), each level the policies attached there; at every level one must
    /// allow and none deny.
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

/// The most requests per second a rate flag accepts: far above any AWS quota.
const MAX_RATE: f64 = 10_000.0;
/// The slowest pace accepted: one request a minute.
const MIN_RATE: f64 = 1.0 / 60.0;

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text.trim().parse().map_err(|_| format!("\"{text}\" is not a number"))?;
    if rate == 0.0 || (rate.is_finite() && (MIN_RATE..=MAX_RATE).contains(&rate)) {
        return Ok(rate);
    }
    Err(format!("a rate is requests per second: 0 (unpaced) or from {MIN_RATE:.4} (one a minute) to {MAX_RATE}"))
}

/// `90s`, `30m`, `2h`, or plain seconds; from one second to a week.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale = match unit {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("\"{text}\": use a number with s, m or h, e.g. 90s, 30m, 2h")),
    };
    let value: f64 = number.parse().map_err(|_| format!("\"{text}\": use a number with s, m or h, e.g. 30m"))?;
    let seconds = value * scale;
    if !(1.0..=7.0 * 86_400.0).contains(&seconds) {
        return Err(format!("\"{text}\": the limit must be from 1s to 168h"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// An endpoint must be an http(s) URL with a host (the SDK panics on anything else).
fn parse_endpoint(text: &str) -> Result<String, String> {
    let parsed = url::Url::parse(text).map_err(|e| format!("\"{text}\" is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("\"{text}\" is not an http:// or https:// URL"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("\"{text}\" has no host"));
    }
    Ok(text.to_string())
}

/// A command line that parsed but does not make sense (exit 2, like clap's own refusals).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
