//! Pagination, which moto cannot show (it answers every Lambda listing in one page): a
//! small local stub on 127.0.0.1 serves multi-page listings, and the fetcher must follow
//! every marker, file versions that arrive on later pages under their function, and stop
//! when a server repeats a marker. The stub also sends a bare 403, which must count as a
//! denial.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use lambdascope::model::{GapReason, Snapshot};
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

fn function(name: &str, version: &str) -> Value {
    let arn = format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}:{version}");
    json!({"FunctionName": name, "FunctionArn": arn, "Version": version, "Runtime": "python3.12",
        "Role": format!("arn:aws:iam::{ACCOUNT}:role/exec")})
}

/// The stub's answer to one request: (status, extra headers, body).
fn answer(method: &str, target: &str, body: &str) -> (u16, Vec<(&'static str, String)>, String) {
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
    if method == "POST" {
        // Every IAM call is denied, as for a Lambda-only reader.
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>stub denies IAM</Message></Error><RequestId>1</RequestId></ErrorResponse>";
        return (403, vec![("Content-Type", "text/xml".to_string())], xml.to_string());
    }
    match (path, marker) {
        ("/2015-03-31/functions", "") => {
            json_ok(json!({"Functions": [function("f1", "$LATEST"), function("f2", "$LATEST")], "NextMarker": "p2"}))
        }
        ("/2015-03-31/functions", "p2") => {
            json_ok(json!({"Functions": [function("f1", "1"), function("f3", "$LATEST")], "NextMarker": "p3"}))
        }
        ("/2015-03-31/functions", "p3") => json_ok(json!({"Functions": [function("f1", "2"), function("f2", "1")]})),
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
        _ => (400, vec![], format!("stub has no answer for {method} {target}")),
    }
}

fn serve(stream: TcpStream, log: Arc<Mutex<Vec<String>>>) {
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
        log.lock().unwrap().push(format!("{method} {target}"));
        let (status, headers, text) = answer(&method, &target, &String::from_utf8_lossy(&body));
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
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let server_log = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = server_log.clone();
            std::thread::spawn(move || serve(stream, log));
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
    assert_eq!(names, ["f1", "f2", "f3"]);
    let f = |n: &str| snap.functions.iter().find(|f| f.name == n).unwrap();
    let versions = |n: &str| f(n).versions.iter().map(|v| v.version.clone()).collect::<Vec<_>>();
    assert_eq!(versions("f1"), ["1", "2"]);
    assert_eq!(versions("f2"), ["1"]);
    assert!(versions("f3").is_empty());
    assert_eq!(f("f1").arn, format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f1"), "$LATEST is filed unqualified");
    let aliases: Vec<&str> = f("f1").aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(aliases, ["a1", "a2"]);
    let uuids: Vec<&str> = snap.event_source_mappings.iter().map(|m| m.uuid.as_str()).collect();
    assert_eq!(uuids, ["m1", "m2"]);
    assert!(
        snap.gaps
            .iter()
            .any(|g| g.operation == "iam:GetAccountAuthorizationDetails" && g.reason == GapReason::AccessDenied)
    );
    // GetPolicy's "no policy" is an answer, not a gap; a bare 403 is a denial.
    let policy_gaps: Vec<_> = snap.gaps.iter().filter(|g| g.operation == "lambda:GetPolicy").collect();
    assert_eq!(policy_gaps.len(), 1, "{:?}", snap.gaps);
    assert_eq!(policy_gaps[0].resource, format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f3"));
    assert_eq!(policy_gaps[0].reason, GapReason::AccessDenied);

    let log = log.lock().unwrap();
    let listings: Vec<&String> = log.iter().filter(|l| l.starts_with("GET /2015-03-31/functions?")).collect();
    assert_eq!(listings.len(), 3, "{listings:?}");
    assert!(listings.iter().all(|l| l.contains("FunctionVersion=ALL")));
    assert!(listings[1].contains("Marker=p2") && listings[2].contains("Marker=p3"), "{listings:?}");
    let esm = log.iter().filter(|l| l.contains("event-source-mappings")).count();
    assert_eq!(esm, 2, "a repeated marker must end the listing");
}

#[test]
fn a_function_asked_for_is_read_next() {
    let (endpoint, log) = start_stub();
    let opts = lambdascope::fetch::FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint),
        credentials: Some(("test".into(), "test".into())),
        lambda_policy_rate: 0.0,
        lambda_rate: 0.0,
        iam_rate: 0.0,
        concurrency: 1,
        ..lambdascope::fetch::FetchOptions::default()
    };
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
    assert_eq!(order, ["f1", "f3", "f2"]);
}
