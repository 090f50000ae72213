//! The real binary in a real terminal (tmux): open the demo, filter, open a function, look
//! at invokers and reach, quit, and check the terminal was given back in cooked mode on the
//! main screen; and on a live account (moto), filter and open a function while the account
//! is still loading, and see its invokers before the load completes. Without tmux (or moto)
//! a test is skipped with a message, except under CI=true.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "the screen never showed {text:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

/// tmux, or `None` (after saying why) when it is not installed; under CI=true that fails.
fn tmux(test: &str) -> Option<Tmux> {
    if Command::new("tmux").arg("-V").output().is_err() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "tmux is required under CI=true (bash .ci/run installs it)");
        eprintln!("SKIPPED {test}: tmux is not installed");
        return None;
    }
    Some(Tmux { socket: format!("lambdascope-e2e-{test}-{}", std::process::id()) })
}

#[test]
fn the_demo_in_a_real_terminal() {
    let Some(tmux) = tmux("demo") else { return };
    let bin = env!("CARGO_BIN_EXE_lambdascope");
    let script =
        format!("{bin} --demo; echo EXIT=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; echo DONE; sleep 30");
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);

    let started = Instant::now();
    tmux.wait_for("Functions (45/45)");
    eprintln!("first screen after {:?}", started.elapsed());
    assert_eq!(tmux.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]).trim(), "1");

    tmux.keys(&["/"]);
    tmux.keys(&["-l", "payref"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Functions (1/45)  /payref");
    tmux.keys(&["Enter"]);
    let invokers = tmux.wait_for("partner-caller");
    assert!(invokers.contains("Functions › payments-refund"), "{invokers}");
    assert!(invokers.contains("payments-refund:live (alias)"), "{invokers}");
    tmux.keys(&["Tab"]);
    let reach = tmux.wait_for("▾ dynamodb");
    assert!(reach.contains("role      arn:aws:iam::123456789012:role/service-role/payments-exec"), "{reach}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Functions (1/45)");
    tmux.keys(&["q"]);
    let after = tmux.wait_for("DONE");
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(after.lines().any(|l| l.trim() == "icanon"), "the terminal is back in canonical mode:\n{after}");
    assert_eq!(
        tmux.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]).trim(),
        "0",
        "left the alternate screen"
    );
}

#[test]
fn a_live_account_can_be_used_while_it_loads() {
    let Some(tmux) = tmux("live") else { return };
    let Some(moto) = support::moto::Moto::start("a_live_account_can_be_used_while_it_loads") else { return };
    moto.seed(&["--bulk", "40"]);
    let bin = env!("CARGO_BIN_EXE_lambdascope");
    // Paced slowly, so that the account takes about half a minute to load.
    let script = format!(
        "env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
         AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent LAMBDASCOPE_CACHE_DIR={} \
         {bin} --endpoint-url {} --policy-rate 4 --lambda-rate 4 --refresh; echo EXIT=$?; sleep 30",
        support::test_cache_dir().display(),
        moto.endpoint
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);
    tmux.wait_for("… reading");
    tmux.keys(&["/"]);
    tmux.keys(&["-l", "bulk-0038"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("/bulk-0038");
    let opened = Instant::now();
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("statement Events");
    eprintln!("invokers of a function opened mid-load on screen after {:?}", opened.elapsed());
    assert!(screen.contains("Functions › bulk-0038") && screen.contains("events.amazonaws.com"), "{screen}");
    assert!(screen.contains("reading function details"), "the account was still loading:\n{screen}");
    assert!(screen.contains("not read yet"), "the answer says what it is still waiting for:\n{screen}");
    tmux.keys(&["q"]);
    assert!(tmux.wait_for("EXIT=").contains("EXIT=0"));
}
