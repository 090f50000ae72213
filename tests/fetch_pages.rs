//! Pagination and failures, which moto cannot show (it answers every Lambda listing in one
//! page and never fails): a small local stub on 127.0.0.1 serves multi-page listings and
//! scripted faults. The fetcher must follow every marker, file versions that arrive on
//! later pages under their function, read again what was throttled or failed in passing,
//! keep the pages it read when a later one fails for good, stop with a gap when a server
//! repeats a marker, and tell "does not exist" (a deleted function) from "not read" (a
//! bare 404, a bare 403, an answer with nothing in it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use lambdascope::model::{AbsentKind, GapReason, Snapshot};
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

fn function(name: &str, version: &str) -> Value {
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}:{version}");
    json!({"FunctionName": name, "FunctionArn": arn, "Version": version, "Runtime": "python3.12",
        "Role": format!("arn:aws:iam::{ACCOUNT}:role/exec")})
}

/// The stub's answer to one request: (status, extra headers, body).
fn answer(method: &str, target: &str, body: &str, seen: usize) -> (u16, Vec<(&'static str, String)>, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = path.trim_end_matches('/');
    let marker = query.split('&').find_map(|kv| kv.strip_prefix("Marker=")).unwrap_or("");
    let json_ok = |v: Value| (200, vec![("Content-Type", "application/json".to_string())], v.to_string());
    if method == "POST" && body.contains("Action=GetCallerIdentity") {
        let xml = format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
            <Arn>arn:aws:iam::{ACCOUNT}:user/stub</Arn><UserId>AIDASTUB</UserId><Account>{ACCOUNT}</Account>\
            </GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        );
        return (200, vec![("Content-Type", "text/xml".to_string())], xml);
    }
    if method == "POST" && body.contains("Action=GetRole&") {
        // An answer with no role in it: unreadable, never silently skipped.
        let xml = "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult></GetRoleResult>\
            <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetRoleResponse>";
        return (200, vec![("Content-Type", "text/xml".to_string())], xml.to_string());
    }
    if method == "POST" {
        // Every other IAM call is denied, as for a Lambda-only reader.
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>stub denies IAM</Message></Error><RequestId>1</RequestId></ErrorResponse>";
        return (403, vec![("Content-Type", "text/xml".to_string())], xml.to_string());
    }
    let error = |status: u16, code: &str, message: &str| {
        let headers = vec![("x-amzn-errortype", code.to_string()), ("Content-Type", "application/json".to_string())];
        (status, headers, json!({"Type": "User", "message": message}).to_string())
    };
    let qualifier = query.split('&').find_map(|kv| kv.strip_prefix("Qualifier=")).unwrap_or("");
    match (path, marker) {
        ("/2015-03-31/functions", "") => {
            json_ok(json!({"Functions": [function("f1", "$LATEST"), function("f2", "$LATEST")], "NextMarker": "p2"}))
        }
        // The second page fails twice in passing (a 5xx, then throttled) before it is read.
        ("/2015-03-31/functions", "p2") if seen == 0 => error(500, "ServiceException", "internal error"),
        ("/2015-03-31/functions", "p2") if seen == 1 => error(429, "TooManyRequestsException", "Rate exceeded"),
        ("/2015-03-31/functions", "p2") => json_ok(
            json!({"Functions": [function("f1", "1"), function("f3", "$LATEST"), function("f4", "$LATEST")], "NextMarker": "p3"}),
        ),
        // f4 was deleted after it was listed.
        ("/2015-03-31/functions/f4/aliases", _) => error(
            404,
            "ResourceNotFoundException",
            &format!("Function not found: arn:aws:lambda:us-east-1:{ACCOUNT}:function:f4"),
        ),
        // f2's aliases: the first page is read, the next one is refused for good.
        ("/2015-03-31/functions/f2/aliases", "") => json_ok(json!({"Aliases": [{"Name": "b1", "FunctionVersion": "1",
            "AliasArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f2:b1")}], "NextMarker": "bad"})),
        ("/2015-03-31/functions/f2/aliases", "bad") => {
            error(400, "InvalidParameterValueException", "the marker is not valid")
        }
        // A 404 that names no error: not "no policy", but unknown.
        ("/2015-03-31/functions/f2/policy", _) if qualifier == "1" => {
            (404, vec![("Content-Type", "text/html".to_string())], "<html>Not Found</html>".to_string())
        }
        // Throttled twice, then read.
        ("/2015-03-31/functions/f1/policy", _) if qualifier.is_empty() && seen < 2 => {
            error(429, "TooManyRequestsException", "Rate exceeded")
        }
        ("/2015-03-31/functions", "p3") => {
            // An answer that contradicts itself: f5's ARN names another account.
            let mut stray = function("f5", "$LATEST");
            stray["FunctionArn"] = json!("arn:aws:lambda:us-east-1:999999999999:function:f5:$LATEST");
            json_ok(json!({"Functions": [function("f1", "2"), function("f2", "1"), stray]}))
        }
        ("/2015-03-31/functions/f1/aliases", "") => json_ok(json!({"Aliases": [{"Name": "a1", "FunctionVersion": "1",
            "AliasArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1:a1")}], "NextMarker": "x"})),
        ("/2015-03-31/functions/f1/aliases", "x") => json_ok(json!({"Aliases": [{"Name": "a2", "FunctionVersion": "2",
            "AliasArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1:a2")}]})),
        (p, _) if p.ends_with("/aliases") => json_ok(json!({"Aliases": []})),
        (p, _) if p.ends_with("/urls") => json_ok(json!({"FunctionUrlConfigs": []})),
        // A denial with a body no SDK can read (as moto sends with IAM enforcement on).
        ("/2015-03-31/functions/f3/policy", _) => {
            (403, vec![("Content-Type", "text/html".to_string())], "<html><body>Forbidden</body></html>".to_string())
        }
        (p, _) if p.ends_with("/policy") => (
            404,
            vec![
                ("x-amzn-errortype", "ResourceNotFoundException".to_string()),
                ("Content-Type", "application/json".to_string()),
            ],
            json!({"Type": "User", "Message": "No policy"}).to_string(),
        ),
        ("/2015-03-31/event-source-mappings", m) => {
            let n = if m.is_empty() { 1 } else { 2 };
            // The second page hands back the marker it was given: a server bug the fetcher
            // must survive without looping.
            json_ok(json!({"EventSourceMappings": [{"UUID": format!("m{n}"), "State": "Enabled", "BatchSize": n,
                "EventSourceArn": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q{n}"),
                "FunctionArn": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f{n}")}], "NextMarker": "e2"}))
        }
        // No layers; an API this stub lacks answers as moto does (a bare 404).
        (p, _) if p.ends_with("/layers") => json_ok(json!({"Layers": []})),
        (p, _) if p.starts_with("/2025-03-07/") || p.starts_with("/2026-07-09/") => {
            (404, vec![("Content-Type", "text/html".to_string())], "<html>Not Found</html>".to_string())
        }
        _ => (400, vec![], format!("stub has no answer for {method} {target}")),
    }
}

fn serve(stream: TcpStream, log: Arc<Mutex<Vec<String>>>, delay: std::time::Duration) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            if header == "\r\n" || header.is_empty() {
                break;
            }
            if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap().to_string(), parts.next().unwrap().to_string());
        let body = String::from_utf8_lossy(&body).into_owned();
        let seen = {
            let mut log = log.lock().unwrap();
            let key = format!("{method} {target} {body}");
            let seen = log.iter().filter(|l| **l == key).count();
            log.push(key);
            seen
        };
        std::thread::sleep(delay);
        let (status, headers, text) = answer(&method, &target, &body, seen);
        let mut response = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", text.len());
        for (k, v) in headers {
            response.push_str(&format!("{k}: {v}\r\n"));
        }
        response.push_str("\r\n");
        response.push_str(&text);
        if out.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn start_stub() -> (String, Arc<Mutex<Vec<String>>>) {
    start_slow_stub(std::time::Duration::ZERO)
}

/// The stub, answering each request after `delay`.
fn start_slow_stub(delay: std::time::Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let server_log = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = server_log.clone();
            std::thread::spawn(move || serve(stream, log, delay));
        }
    });
    (endpoint, log)
}

#[test]
fn every_page_of_every_listing_is_read() {
    let (endpoint, log) = start_stub();
    let out = support::bin()
        .args(["fetch", "--endpoint-url", &endpoint, "--policy-rate", "0", "--lambda-rate", "0", "--iam-rate", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "IAM is denied, so the snapshot is partial: {stderr}");
    let snap = Snapshot::from_json(&String::from_utf8_lossy(&out.stdout)).unwrap();

    let names: Vec<&str> = snap.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["f1", "f2", "f3"], "f4 was deleted after the listing");
    let f = |n: &str| snap.functions.iter().find(|f| f.name == n).unwrap();
    let versions = |n: &str| f(n).versions.iter().map(|v| v.version.clone()).collect::<Vec<_>>();
    assert_eq!(versions("f1"), ["1", "2"]);
    assert_eq!(versions("f2"), ["1"]);
    assert!(versions("f3").is_empty());
    assert_eq!(f("f1").arn, format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1"), "$LATEST is filed unqualified");
    let aliases: Vec<&str> = f("f1").aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(aliases, ["a1", "a2"]);
    let uuids: Vec<&str> = snap.event_source_mappings.iter().map(|m| m.uuid.as_str()).collect();
    assert_eq!(uuids, ["m1", "m2"], "the pages read before the repeated marker are kept");
    let gap = |op: &str, resource: &str| {
        snap.gaps.iter().find(|g| g.operation == op && g.resource == resource).unwrap_or_else(|| {
            panic!("no gap for {op} on {resource}: {:?}", snap.gaps);
        })
    };
    let arn = |q: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{q}");
    // A repeated marker stops the listing with a gap that says so.
    assert!(gap("lambda:ListEventSourceMappings", "*").message.contains("a second time"), "{:?}", snap.gaps);
    // A page refused for good: the aliases of the page before it are kept, and a gap says the rest is unread.
    let f2_aliases: Vec<&str> = f("f2").aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(f2_aliases, ["b1"]);
    assert_eq!(gap("lambda:ListAliases", &arn("f2")).reason, GapReason::Error);
    // GetPolicy's "no policy" is an answer, not a gap; a bare 403 is a denial; a bare 404 is unknown.
    assert_eq!(gap("lambda:GetPolicy", &arn("f3")).reason, GapReason::AccessDenied);
    let bare = gap("lambda:GetPolicy", &arn("f2:1"));
    assert_eq!(bare.reason, GapReason::Error);
    assert!(bare.message.contains("404"), "{bare:?}");
    let policy_gaps = snap.gaps.iter().filter(|g| g.operation == "lambda:GetPolicy").count();
    assert_eq!(policy_gaps, 2, "{:?}", snap.gaps);
    // Throttled twice, then read: no gap for f1.
    assert!(!snap.gaps.iter().any(|g| g.resource.starts_with(&arn("f1"))), "{:?}", snap.gaps);
    // The function deleted after the listing is recorded as absent, not as a gap.
    assert!(snap.is_absent(AbsentKind::Function, &arn("f4")), "{:?}", snap.absent);
    assert!(!snap.gaps.iter().any(|g| g.resource.starts_with(&arn("f4"))), "{:?}", snap.gaps);
    // A GetRole answer with no role in it is a gap, not a silent skip.
    let role = format!("arn:aws:iam::{ACCOUNT}:role/exec");
    assert!(gap("iam:GetRole", &role).message.contains("no role"), "{:?}", snap.gaps);
    // An inconsistent answer is not written (the file would not load): it is a gap.
    let stray = gap("lambda:ListFunctions", "arn:aws:lambda:us-east-1:999999999999:function:f5");
    assert!(stray.message.starts_with("the answer could not be used"), "{stray:?}");
    // IAM denied: the per-entity listings say so.
    assert_eq!(gap("iam:ListRoles", "*").reason, GapReason::AccessDenied);

    let log = log.lock().unwrap();
    let listings: Vec<&String> = log.iter().filter(|l| l.starts_with("GET /2015-03-31/functions?")).collect();
    assert_eq!(listings.len(), 5, "page 2 is read three times: {listings:?}");
    assert!(listings.iter().all(|l| l.contains("FunctionVersion=ALL")));
    assert!(
        listings[1..4].iter().all(|l| l.contains("Marker=p2")) && listings[4].contains("Marker=p3"),
        "{listings:?}"
    );
    let f1_policy = log.iter().filter(|l| l.starts_with("GET /2015-03-31/functions/f1/policy ")).count();
    assert_eq!(f1_policy, 3, "throttled twice, read the third time");
    let esm = log.iter().filter(|l| l.contains("event-source-mappings")).count();
    assert_eq!(esm, 2, "a repeated marker must end the listing");
}

/// Options for reading the stub: test credentials, no pacing, `concurrency` in flight.
fn unpaced(endpoint: String, concurrency: usize) -> lambdascope::fetch::FetchOptions {
    lambdascope::fetch::FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint),
        credentials: Some(("test".into(), "test".into())),
        lambda_policy_rate: 0.0,
        lambda_rate: 0.0,
        iam_rate: 0.0,
        concurrency,
        ..lambdascope::fetch::FetchOptions::default()
    }
}

#[test]
fn a_function_asked_for_is_read_next() {
    let (endpoint, log) = start_stub();
    let opts = unpaced(endpoint, 1);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    // Asked for before any details are read: f3 must come right after the first function.
    tx.send("f3".to_string()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(lambdascope::fetch::fetch_with_priority(&opts, None, Some(rx))).unwrap();
    let order: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter_map(|l| {
            l.strip_prefix("GET /2015-03-31/functions/").and_then(|r| r.split_once('/')).map(|(f, _)| f.to_string())
        })
        .fold(Vec::new(), |mut seen, f| {
            if !seen.contains(&f) {
                seen.push(f);
            }
            seen
        });
    assert_eq!(order, ["f1", "f3", "f2", "f4", "f5"]);
}

#[test]
fn a_cancelled_fetch_sends_nothing_more() {
    let (endpoint, log) = start_slow_stub(std::time::Duration::from_millis(50));
    let opts = unpaced(endpoint, 4);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let requests = || log.lock().unwrap().len();
    runtime.block_on(async {
        let task = tokio::spawn(async move { lambdascope::fetch::fetch(&opts, None).await });
        // Cancel once the function details are being read by several workers.
        while !log.lock().unwrap().iter().any(|l| l.contains("/policy")) {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        // Requests already on the wire may still land; nothing new starts after that.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let after_abort = requests();
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        assert_eq!(requests(), after_abort, "a worker kept reading after the fetch was cancelled");
    });
}
