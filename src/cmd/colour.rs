//! Colour in text output: decisions and severities in the UI's palette (green allowed,
//! yellow conditional or medium, red denied, high or critical), on a terminal only.
//! `--color auto|always|never`; `NO_COLOR` (any value) turns `auto` off. Decided once per
//! run, before any output.

use std::io::IsTerminal;
use std::sync::OnceLock;

use crate::cli::ColorChoice;
use crate::graph::{Severity, Verdict};

static ON: OnceLock<bool> = OnceLock::new();

/// Decides, once, whether this run colours its text.
pub fn init(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    };
    let _ = ON.set(on);
}

fn on() -> bool {
    ON.get().copied().unwrap_or(false)
}

fn paint(text: &str, code: &str) -> String {
    if on() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

pub fn verdict(v: Verdict, text: &str) -> String {
    match v {
        Verdict::Allowed => paint(text, "32"),
        Verdict::Conditional => paint(text, "33"),
        Verdict::Denied => paint(text, "1;31"),
    }
}

pub fn severity(s: Severity, text: &str) -> String {
    match s {
        Severity::Critical | Severity::High => paint(text, "1;31"),
        Severity::Medium => paint(text, "33"),
        Severity::Low | Severity::Info => paint(text, "2"),
    }
}
