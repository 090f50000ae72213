//! A private moto server for one test: started from the project's own virtualenv (which
//! `.ci/run` installs) on a free 127.0.0.1 port with the stub of the Lambda APIs moto lacks
//! beside it (`tests/moto/stub.py`), seeded by `tests/moto/seed.py`, killed
//! when dropped. Without moto a test is skipped with a message, except under `CI=true`,
//! where a missing server is a failure.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Python that has moto: `LAMBDASCOPE_MOTO_PYTHON`, or the project's `.venv-moto`.
pub fn python() -> Option<PathBuf> {
    let candidate = match std::env::var_os("LAMBDASCOPE_MOTO_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => root().join(".venv-moto/bin/python"),
    };
    let ok = Command::new(&candidate)
        .args(["-c", "import moto.server, boto3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(candidate)
}

pub struct Moto {
    child: Child,
    pub endpoint: String,
    port: u16,
    python: PathBuf,
}

impl Moto {
    /// Starts a server, or returns `None` (after saying why) when moto is not installed.
    /// The stub of the Lambda APIs moto lacks (`tests/moto/stub.py`) answers beside it.
    pub fn start(test: &str) -> Option<Moto> {
        Moto::launch(test, true)
    }

    /// moto alone: the web functions API and `GetResourcePolicy` answer a bare 404.
    pub fn start_without_stub(test: &str) -> Option<Moto> {
        Moto::launch(test, false)
    }

    fn launch(test: &str, stub: bool) -> Option<Moto> {
        let Some(python) = python() else {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !ci,
                "{test}: the moto server is required under CI=true but is not installed (bash .ci/run installs it)"
            );
            eprintln!("SKIPPED {test}: moto is not installed; `bash .ci/run` installs it into .venv-moto");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&python)
            .arg(root().join("tests/moto/server.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("LAMBDASCOPE_STUB_WEB", if stub { "on" } else { "off" })
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        let mut moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}"), port, python };
        moto.wait_ready();
        Some(moto)
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("moto exited before it was ready: {status}");
            }
            if self.http("GET", "/moto-api/", "").is_some_and(|(code, _)| code == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto did not answer within 60 s");
    }

    /// A plain HTTP request to the server; `None` when it cannot be reached.
    pub fn http(&self, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        let code = response.split(' ').nth(1)?.parse().ok()?;
        Some((code, response))
    }

    /// Runs `lambdascope fetch ARGS` against this server, unpaced, with the test account's
    /// credentials unless `env` names others; returns (exit code, snapshot, stderr).
    pub fn fetch(&self, env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, lambdascope::model::Snapshot, String) {
        let mut cmd = super::bin();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["fetch", "--endpoint-url", &self.endpoint, "--region", "us-east-1"])
            .args(["--policy-rate", "0", "--lambda-rate", "0", "--iam-rate", "0"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let snap = lambdascope::model::Snapshot::from_json(&String::from_utf8_lossy(&out.stdout))
            .unwrap_or_else(|e| panic!("{e}\n{stderr}"));
        (out.status.code(), snap, stderr)
    }

    /// Seeds the test account; returns the manifest of what was created.
    pub fn seed(&self, flags: &[&str]) -> Value {
        let out = Command::new(&self.python)
            .arg(root().join("tests/moto/seed.py"))
            .arg(&self.endpoint)
            .args(flags)
            .output()
            .expect("run seed.py");
        assert!(out.status.success(), "seeding failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("manifest")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
