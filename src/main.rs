//! The `lambdascope` binary: parse the command line, run the command, map the outcome to
//! an exit status (documented in the README).

use std::process::ExitCode;

use clap::Parser;
use lambdascope::cli::Cli;
use lambdascope::outcome::Outcome;
use lambdascope::source::Source;
use lambdascope::{cmd, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    // Without a command, the terminal UI; with one, that command.
    let ran = match &cli.command {
        None => tui::run(Source::from_args(g.demo, g.snapshot.as_deref(), &g.aws)),
        Some(command) => cmd::run(command, g),
    };
    match ran {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::PartialInput) => ExitCode::from(3),
        Ok(Outcome::PartialSnapshot) => ExitCode::from(4),
        Ok(Outcome::FindingsOverThreshold) => ExitCode::from(5),
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!("lambdascope: error: {}", lambdascope::text::sanitize(&message));
            if err.downcast_ref::<lambdascope::cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
