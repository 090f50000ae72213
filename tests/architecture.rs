//! The module boundaries the design relies on, checked on the source: the pure core
//! (`model`, `policy`, `catalog`, `graph`) never imports tokio, ratatui, crossterm or the AWS
//! SDK; the two front ends (`cmd`, `tui`) never name each other (both load through
//! `source`, and `main` chooses); only `fetch` talks to the SDK.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

/// Lines of the modules under `src/<dir>` that mention any of `words` (comments aside).
fn mentions(dir: &str, words: &[&str]) -> Vec<String> {
    let files = support::rust_sources(dir);
    assert!(!files.is_empty(), "no sources under src/{dir}");
    let mut found = Vec::new();
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if words.iter().any(|w| code.contains(w)) {
                found.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

const RUNTIME_AND_UI: &[&str] = &["tokio", "ratatui", "crossterm", "aws_sdk", "aws_config", "aws_smithy"];

#[test]
fn the_pure_core_imports_no_runtime_terminal_or_sdk() {
    for dir in ["model", "policy", "catalog", "graph"] {
        let found = mentions(dir, RUNTIME_AND_UI);
        assert!(found.is_empty(), "src/{dir} must stay pure:\n{}", found.join("\n"));
    }
}

#[test]
fn the_front_ends_do_not_name_each_other() {
    let found = mentions("cmd", &["crate::tui", "tui::"]);
    assert!(found.is_empty(), "cmd names tui:\n{}", found.join("\n"));
    let found = mentions("tui", &["crate::cmd", "cmd::"]);
    assert!(found.is_empty(), "tui names cmd:\n{}", found.join("\n"));
}

#[test]
fn only_fetch_talks_to_the_sdk() {
    for dir in ["cmd", "tui", "source", "demo"] {
        let found = mentions(dir, &["aws_sdk", "aws_config", "aws_smithy"]);
        assert!(found.is_empty(), "src/{dir} uses the SDK:\n{}", found.join("\n"));
    }
}
