//! On-call answers read only what they need: a live `who-can-invoke`, `reach` or `can` about
//! one function reads that function, its roles and the account's principals (a dozen calls,
//! whatever the account's size) and answers exactly as a read of the whole account does.
//! Against moto behind the rate-limiting proxy (`cargo bench --bench oncall` at AWS's rates).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use lambdascope::fetch::{self, FetchOptions, Fetched};
use lambdascope::graph::Graph;
use lambdascope::text::json;
use support::moto::Moto;
use support::proxy::{Config, Proxy};

/// Four times AWS's rates, paced to match: the same shape of crawl, in a quarter of the time.
fn options(endpoint: &str) -> FetchOptions {
    FetchOptions {
        region: Some("us-east-1".into()),
        endpoint_url: Some(endpoint.into()),
        credentials: Some(("test".into(), "test".into())),
        lambda_policy_rate: 60.0,
        lambda_rate: 60.0,
        iam_rate: 80.0,
        ..FetchOptions::default()
    }
}

/// What a read of one function may send: nothing that lists the account's functions.
const NEEDED: &[&str] = &[
    "sts:GetCallerIdentity",
    "lambda:ListVersionsByFunction",
    "lambda:ListAliases",
    "lambda:GetResourcePolicy",
    "lambda:GetPolicy",
    "lambda:ListFunctionUrlConfigs",
    "lambda:GetFunctionUrlConfig",
    "lambda:ListEventSourceMappings",
    "iam:GetAccountAuthorizationDetails",
    "iam:GetRole",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    // Whether the account is in an organisation (the tree only from the management account).
    "organizations:DescribeOrganization",
];

fn answers(g: &Graph, function: &str) -> (String, String) {
    let target = g.lookup(function).unwrap();
    (json(&g.who_can_invoke(&target)).unwrap(), json(&g.reach(&target)).unwrap())
}

#[test]
fn a_targeted_read_sends_only_what_the_answer_needs_and_answers_as_a_full_read() {
    let Some(moto) = Moto::start("a_targeted_read_sends_only_what_the_answer_needs") else { return };
    moto.seed(&["--bulk", "60"]);
    let proxy = Proxy::start(&moto.endpoint, Config::aws_quota(4.0));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let opts = options(&proxy.endpoint);
    let full: Fetched = runtime.block_on(fetch::fetch(&opts, None)).unwrap();
    let full_graph = Graph::build(full.snapshot);
    for function in ["api", "worker", "bulk-0006"] {
        let one = runtime.block_on(fetch::function(&opts, function, None)).unwrap();
        let sent: u64 = one.calls.values().sum();
        for op in one.calls.keys() {
            assert!(NEEDED.contains(&op.as_str()), "{function}: a targeted read sent {op}: {:?}", one.calls);
        }
        assert!(sent <= 25, "{function}: {sent} calls: {:?}", one.calls);
        assert!(one.snapshot.gaps.is_empty(), "{:?}", one.snapshot.gaps);
        assert_eq!(one.snapshot.functions.len(), 1);
        let graph = Graph::build(one.snapshot);
        assert_eq!(answers(&graph, function), answers(&full_graph, function), "{function}: the answers differ");
    }
    // The worker's mapping on its version 1 is found through the version's ARN.
    let worker = runtime.block_on(fetch::function(&opts, "worker", None)).unwrap();
    assert_eq!(worker.snapshot.event_source_mappings.len(), 2, "{:?}", worker.snapshot.event_source_mappings);
}

#[test]
fn a_targeted_question_through_the_binary_names_a_missing_function() {
    let Some(moto) = Moto::start("a_targeted_question_through_the_binary") else { return };
    moto.seed(&[]);
    let live =
        |args: &[&str]| support::bin().args(["--endpoint-url", &moto.endpoint, "--quiet"]).args(args).output().unwrap();
    let out = live(&["who-can-invoke", "api:live", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["grants"].as_array().unwrap().iter().any(|g| g["principal"] == "111122223333"), "{v}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = live(&["who-can-invoke", "no-such-fn"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no function named \"no-such-fn\""), "{err}");
    // A function ARN of another account is not answered with a same-named one of this account.
    let out = live(&[
        "can",
        "arn:aws:iam::123456789012:role/exec-a",
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:999999999999:function:api",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not the one read"));
}
