//! The `lambdascope` binary: parse the command line, run the command, map the outcome to
//! an exit status (documented in the README).

use std::process::ExitCode;

use clap::Parser;
use lambdascope::cli::Cli;
use lambdascope::cmd::{self, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cmd::run(&cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::PartialInput) => ExitCode::from(3),
        Ok(Outcome::PartialSnapshot) => ExitCode::from(4),
        Ok(Outcome::FindingsOverThreshold) => ExitCode::from(5),
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("lambdascope: error: {}", lambdascope::text::sanitize(&message));
            ExitCode::from(1)
        }
    }
}
