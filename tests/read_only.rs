//! The read-only guarantee, three ways: no source file calls an AWS operation that is not a
//! `List*`/`Get*` (or Organizations' `Describe*`) (a scan of `src/`); the clients the fetcher builds refuse to send one even
//! if asked (below); and the call log of a real crawl holds only reads (`fetch_moto`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

/// Verbs of AWS's mutating operations, as SDK method names start.
const WRITE_VERBS: &[&str] = &[
    "add",
    "associate",
    "attach",
    "cancel",
    "change",
    "create",
    "deactivate",
    "delete",
    "deregister",
    "detach",
    "disable",
    "disassociate",
    "enable",
    "import",
    "invoke",
    "modify",
    "publish",
    "put",
    "register",
    "remove",
    "replace",
    "reset",
    "set",
    "start",
    "stop",
    "tag",
    "untag",
    "update",
    "upload",
    "assume",
    "simulate",
];

/// `name(` calls made on something called `lambda`, `web`, `iam` or `sts` (a client).
fn client_calls(text: &str) -> Vec<String> {
    let mut calls = Vec::new();
    for client in ["lambda.", "web.", "iam.", "sts.", "org."] {
        for (i, _) in text.match_indices(client) {
            let before = text[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i + client.len()..];
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$').collect();
            if rest[name.len()..].starts_with('(') {
                calls.push(name);
            }
        }
    }
    calls
}

#[test]
fn only_list_and_get_operations_are_called() {
    let files = support::rust_sources("");
    let mut offending = Vec::new();
    let mut seen = 0;
    for (path, text) in &files {
        // Only `fetch` holds SDK clients (tests/architecture.rs keeps it so).
        let calls = if path.contains("/fetch/") { client_calls(text) } else { Vec::new() };
        for call in calls {
            seen += 1;
            // STS AssumeRole only hands out credentials (to read another account);
            // Organizations names its single-item reads Describe*.
            let org_read = path.ends_with("fetch/org.rs") && call.starts_with("describe_");
            let ok = call.starts_with("list_")
                || call.starts_with("get_")
                || call.starts_with('$')
                || call == "assume_role"
                || org_read;
            if !ok {
                offending.push(format!("{path}: {call}"));
            }
        }
        // Operation names handed to macros, and any other method spelled like a write.
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if let Some((verb, _)) = word.split_once('_') {
                let op_like = word.ends_with("_function")
                    || word.ends_with("_policy")
                    || word.ends_with("_policies")
                    || word.ends_with("_permission")
                    || word.ends_with("_role")
                    || word.ends_with("_alias")
                    || word.ends_with("_mapping")
                    || word.ends_with("_config");
                if WRITE_VERBS.contains(&verb) && op_like && word != "assume_role" {
                    offending.push(format!("{path}: {word}"));
                }
            }
        }
    }
    assert!(seen >= 10, "the scan found only {seen} client calls: is it still looking at the right code?");
    assert!(offending.is_empty(), "mutating AWS operations in src/: {offending:?}");
}

#[test]
fn the_scan_would_catch_a_write() {
    assert_eq!(client_calls("ctx.clients.lambda.add_permission().send()"), ["add_permission"]);
    assert_eq!(client_calls("let x = iam.get_role().role_name(n);"), ["get_role"]);
    assert!(client_calls("my_lambda.delete_function()").is_empty());
}

/// A listener that counts the connections made to it.
fn counting_listener() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(stream);
        }
    });
    (endpoint, count)
}

#[test]
fn the_clients_refuse_to_send_a_write() {
    use lambdascope::fetch::{FetchOptions, clients};
    let (endpoint, connections) = counting_listener();
    let opts = FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint),
        credentials: Some(("test".into(), "test".into())),
        ..FetchOptions::default()
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let c = clients(&opts, None).await.unwrap();
        let refused = |e: String, op: &str| {
            assert!(e.contains(&format!("lambdascope is read-only: refused to send {op}")), "{e}");
        };
        refused(
            format!("{:?}", c.lambda.delete_function().function_name("f").send().await.unwrap_err()),
            "lambda:DeleteFunction",
        );
        refused(
            format!("{:?}", c.lambda.add_permission().function_name("f").send().await.unwrap_err()),
            "lambda:AddPermission",
        );
        refused(format!("{:?}", c.iam.delete_role().role_name("r").send().await.unwrap_err()), "iam:DeleteRole");
        refused(format!("{:?}", c.iam.put_role_policy().role_name("r").send().await.unwrap_err()), "iam:PutRolePolicy");
        refused(
            format!("{:?}", c.web.put_resource_policy().resource_arn("a").policy("{}").send().await.unwrap_err()),
            "lambda-web:PutResourcePolicy",
        );
        refused(
            format!("{:?}", c.web.delete_web_function().function_name("w").send().await.unwrap_err()),
            "lambda-web:DeleteWebFunction",
        );
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 0, "a refused write reached the network");
        // A read does go out (and fails here only because the listener hangs up).
        let _ = c.lambda.list_functions().send().await;
        assert!(connections.load(std::sync::atomic::Ordering::SeqCst) >= 1, "the read never left");
        assert!(c.log.snapshot().keys().all(|op| op == "lambda:ListFunctions"), "{:?}", c.log.snapshot());
    });
}

#[test]
fn the_guard_knows_reads_from_writes() {
    use lambdascope::fetch::is_read_only;
    for (service, op) in [
        ("lambda", "GetPolicy"),
        ("lambda", "ListFunctions"),
        ("iam", "GetRole"),
        ("sts", "AssumeRole"),
        ("organizations", "DescribePolicy"),
    ] {
        assert!(is_read_only(service, op), "{service}:{op}");
    }
    for (service, op) in [
        ("lambda", "InvokeFunction"),
        ("lambda", "PutResourcePolicy"),
        ("iam", "AssumeRole"),
        ("iam", "TagRole"),
        ("organizations", "AttachPolicy"),
        ("lambda", "DescribeFunction"),
    ] {
        assert!(!is_read_only(service, op), "{service}:{op}");
    }
}
