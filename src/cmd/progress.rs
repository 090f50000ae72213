//! Fetch progress on stderr: one redrawn line on a terminal, plain lines otherwise.

use std::io::{IsTerminal, Write};

use tokio::sync::mpsc::UnboundedReceiver;

use crate::fetch::Event;
use crate::text::sanitize;

pub struct Progress {
    tty: bool,
    phase: &'static str,
    done: usize,
    total: usize,
    calls: u64,
    gaps: usize,
    waiting: usize,
    throttled: u64,
    /// When a plain line last reported re-reads.
    noted: Option<std::time::Instant>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            tty: std::io::stderr().is_terminal(),
            phase: "starting",
            done: 0,
            total: 0,
            calls: 0,
            gaps: 0,
            waiting: 0,
            throttled: 0,
            noted: None,
        }
    }

    /// Shows events until the fetch drops its sender.
    pub async fn show(mut self, mut events: UnboundedReceiver<Event>) {
        while let Some(event) = events.recv().await {
            self.apply(event);
        }
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }

    fn apply(&mut self, event: Event) {
        match event {
            Event::Identity { account, caller_arn, .. } => {
                self.line(&format!("reading account {} as {}", sanitize(&account), sanitize(&caller_arn)))
            }
            Event::Phase(p) => {
                self.phase = p;
                if !self.tty {
                    self.line(p);
                }
            }
            Event::Listed { functions, .. } => self.total = functions,
            Event::Function { done, total, .. } => {
                self.done = done;
                self.total = total;
                if !self.tty && (done == total || done % 100 == 0) {
                    self.line(&format!("  {done}/{total} functions"));
                }
            }
            Event::Gap(g) if !self.tty => {
                self.gaps += 1;
                self.line(&format!(
                    "  gap: {} {} on {}",
                    sanitize(&g.operation),
                    g.reason.as_str(),
                    sanitize(&g.resource)
                ));
            }
            Event::Gap(_) => self.gaps += 1,
            Event::Retrying { waiting, throttled } => {
                // Plain lines at most every ten seconds while items wait, not on every change.
                let due = self.noted.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(10));
                if !self.tty && waiting > 0 && due {
                    let items = if waiting == 1 { "item" } else { "items" };
                    self.line(&format!(
                        "  {waiting} {items} waiting to be read again ({throttled} throttling answers so far)"
                    ));
                    self.noted = Some(std::time::Instant::now());
                }
                self.waiting = waiting;
                self.throttled = throttled;
            }
            Event::Call { total, .. } => self.calls = total,
            Event::Role(_) => {}
            Event::Part { account, region, state } => {
                let what = match state {
                    crate::fetch::PartState::Reading => "reading".to_string(),
                    crate::fetch::PartState::Read { functions: 1 } => "read: 1 function".to_string(),
                    crate::fetch::PartState::Read { functions } => format!("read: {functions} functions"),
                    crate::fetch::PartState::Skipped(why) => format!("skipped: {}", sanitize(&why)),
                    crate::fetch::PartState::Failed(why) => format!("not read: {}", sanitize(&why)),
                };
                self.line(&format!("account {} region {}: {what}", sanitize(&account), sanitize(&region)));
            }
        }
        if self.tty {
            self.redraw();
        }
    }

    fn line(&self, text: &str) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{text}");
    }

    fn redraw(&self) {
        const WIDTH: usize = 24;
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(0).min(WIDTH);
        let bar: String = "█".repeat(filled) + &"░".repeat(WIDTH - filled);
        let retrying = if self.waiting > 0 || self.throttled > 0 {
            format!(" · {} to re-read · {} throttled", self.waiting, self.throttled)
        } else {
            String::new()
        };
        eprint!(
            "\r\x1b[2K{} ▕{bar}▏ {}/{} functions · {} calls · {} gaps{retrying}",
            self.phase, self.done, self.total, self.calls, self.gaps
        );
        let _ = std::io::stderr().flush();
    }
}
