//! Laws the engine must obey for every input (proptest):
//! * adding a Deny statement never turns a denied request into an allowed one;
//! * statement order, and the order of identity policies, never change a decision;
//! * an answer given with free condition keys agrees with every concrete request;
//! * parsing arbitrary JSON or text never panics, nor does evaluating what parsed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lambdascope::policy::{self, Caller, Context, Decision, Named, Policies, Policy, Request};
use proptest::prelude::*;
use serde_json::{Value, json};

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:fn";

fn callers() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "arn:aws:iam::123456789012:user/alice",
        "arn:aws:iam::123456789012:role/caller",
        "arn:aws:sts::123456789012:assumed-role/caller/s1",
        "arn:aws:iam::111122223333:role/caller",
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::111122223333:root",
        "s3.amazonaws.com",
        "anonymous",
    ])
}

fn requests() -> impl Strategy<Value = (&'static str, String)> {
    (
        prop::sample::select(vec!["lambda:InvokeFunction", "lambda:GetFunction", "s3:GetObject", "iam:PassRole"]),
        prop::sample::select(vec![FN.to_string(), format!("{FN}:PROD"), "arn:aws:s3:::b/k".to_string()]),
    )
}

fn string_or_list(values: Vec<&'static str>) -> impl Strategy<Value = Value> {
    prop::sample::subsequence(values, 1..=2).prop_map(|v| if v.len() == 1 { json!(v[0]) } else { json!(v) })
}

fn conditions() -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop::sample::select(vec![
        json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}}),
        json!({"StringNotEquals": {"aws:SourceVpc": ["vpc-1", "vpc-3"]}}),
        json!({"StringLikeIfExists": {"aws:SourceVpc": "vpc-*"}}),
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"Null": {"aws:SourceVpc": "true"}}),
        json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}),
        json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}),
        json!({"StringEquals": {"aws:SourceVpc": "vpc-2"}, "Bool": {"aws:SecureTransport": "false"}}),
    ]))
}

fn statement(with_principal: bool) -> impl Strategy<Value = Value> {
    let actions =
        string_or_list(vec!["*", "lambda:*", "lambda:Invoke*", "s3:Get*", "iam:PassRole", "LAMBDA:GETFUNCTION"]);
    let resources = string_or_list(vec![
        "*",
        FN,
        "arn:aws:lambda:*:*:function:fn:*",
        "arn:aws:lambda:us-east-1:123456789012:function:f*",
        "arn:aws:s3:::b/*",
    ]);
    let principals = prop::sample::select(vec![
        json!("*"),
        json!({"AWS": "123456789012"}),
        json!({"AWS": "arn:aws:iam::111122223333:root"}),
        json!({"AWS": "arn:aws:iam::123456789012:user/alice"}),
        json!({"AWS": ["arn:aws:iam::123456789012:role/caller", "arn:aws:iam::111122223333:role/caller"]}),
        json!({"Service": "s3.amazonaws.com"}),
    ]);
    (any::<bool>(), any::<bool>(), any::<bool>(), actions, resources, principals, any::<bool>(), conditions()).prop_map(
        move |(allow, not_action, not_resource, a, r, p, not_principal, c)| {
            let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }});
            s[if not_action { "NotAction" } else { "Action" }] = a;
            s[if not_resource { "NotResource" } else { "Resource" }] = r;
            if with_principal {
                // NotPrincipal is only meaningful (and only supported) with Deny.
                let key = if not_principal && !allow { "NotPrincipal" } else { "Principal" };
                s[key] = p;
            }
            if let Some(c) = c {
                s["Condition"] = c;
            }
            s
        },
    )
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

#[derive(Debug, Clone)]
struct Scenario {
    caller: &'static str,
    action: &'static str,
    resource: String,
    identity: Vec<Vec<Value>>,
    resource_policy: Option<Vec<Value>>,
    boundary: Option<Vec<Value>>,
    context: Vec<(&'static str, Vec<&'static str>)>,
}

fn scenarios() -> impl Strategy<Value = Scenario> {
    let context = prop::collection::vec(
        prop::sample::select(vec![
            ("aws:SourceVpc", vec!["vpc-1"]),
            ("aws:SourceVpc", vec!["vpc-2"]),
            ("aws:SecureTransport", vec!["true"]),
            ("aws:SecureTransport", vec!["false"]),
            ("aws:TagKeys", vec!["a"]),
            ("aws:TagKeys", vec!["a", "c"]),
        ]),
        0..3,
    );
    (
        callers(),
        requests(),
        prop::collection::vec(prop::collection::vec(statement(false), 0..4), 0..3),
        prop::option::of(prop::collection::vec(statement(true), 0..4)),
        prop::option::of(prop::collection::vec(statement(false), 0..3)),
        context,
    )
        .prop_map(|(caller, (action, resource), identity, resource_policy, boundary, context)| Scenario {
            caller,
            action,
            resource,
            identity,
            resource_policy,
            boundary,
            context,
        })
}

fn parse(statements: &[Value]) -> Policy {
    policy::parse_value(&doc(statements.to_vec())).expect("generated policies are valid")
}

fn context_of(s: &Scenario, mut ctx: Context, caller: &Caller) -> Context {
    for (k, v) in &s.context {
        ctx.set(k, v.iter().map(|x| x.to_string()).collect());
    }
    policy::with_request_keys(ctx, caller, &s.resource)
}

fn decide_with(s: &Scenario, ctx: Context) -> Decision {
    let caller = Caller::parse(s.caller).unwrap();
    let ctx = context_of(s, ctx, &caller);
    let identity: Vec<Policy> = s.identity.iter().map(|p| parse(p)).collect();
    let resource = s.resource_policy.as_deref().map(parse);
    let boundary = s.boundary.as_deref().map(parse);
    let policies = Policies {
        identity: identity.iter().map(|policy| Named { name: "identity", policy }).collect(),
        resource: resource.as_ref().map(|policy| Named { name: "resource", policy }),
        boundary: boundary.as_ref().map(|policy| Named { name: "boundary", policy }),
        ..Default::default()
    };
    let req = Request { caller: &caller, action: s.action, resource: &s.resource, context: &ctx };
    policy::evaluate(&req, &policies).decision
}

fn decide(s: &Scenario) -> Decision {
    decide_with(s, Context::closed())
}

/// An arbitrary JSON value biased towards IAM's element names.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "Version",
        "Statement",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
        "Sid",
        "AWS",
        "Service",
        "StringEquals",
        "ForAnyValue:StringLike",
        "NullIfExists",
        "Bool",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "Allow",
            "Deny",
            "*",
            "2012-10-17",
            "s3:*",
            "${aws:username}",
            "arn:aws:s3:::*",
            "",
            "${"
        ])
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_allows(s in scenarios(), extra in statement(true), target in 0..3usize) {
        let before = decide(&s);
        let mut deny = extra;
        deny["Effect"] = json!("Deny");
        let mut t = s.clone();
        match target {
            0 => t.identity.push(vec![{ let mut d = deny.clone(); d.as_object_mut().unwrap().remove("Principal"); d.as_object_mut().unwrap().remove("NotPrincipal"); d }]),
            1 => t.resource_policy.get_or_insert_with(Vec::new).push(deny),
            _ => if let Some(b) = t.boundary.as_mut() {
                let mut d = deny; d.as_object_mut().unwrap().remove("Principal"); d.as_object_mut().unwrap().remove("NotPrincipal"); b.push(d);
            },
        }
        let after = decide(&t);
        if before != Decision::Allowed {
            prop_assert_ne!(after, Decision::Allowed, "a Deny turned {:?} into allowed", before);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn order_never_matters(s in scenarios(), seed in any::<u64>()) {
        let before = decide(&s);
        let mut t = s.clone();
        // A deterministic shuffle from the seed: rotate and reverse.
        let n = seed as usize;
        for p in t.identity.iter_mut() { let len = p.len().max(1); p.rotate_left(n % len); if seed & 1 == 1 { p.reverse(); } }
        if !t.identity.is_empty() { let len = t.identity.len(); t.identity.rotate_left(n % len); }
        if let Some(r) = t.resource_policy.as_mut() { let len = r.len().max(1); r.rotate_left((n / 7) % len); if seed & 2 == 2 { r.reverse(); } }
        if let Some(b) = t.boundary.as_mut() { b.reverse(); }
        prop_assert_eq!(before, decide(&t));
    }

    #[test]
    fn free_keys_answer_agrees_with_every_concrete_request(s in scenarios()) {
        // The open question knows nothing of the scenario's context keys.
        let mut open = s.clone();
        open.context.clear();
        let open_decision = decide_with(&open, Context::open());
        let concrete = decide(&s);
        match open_decision {
            Decision::Allowed | Decision::ExplicitDeny => prop_assert_eq!(concrete, open_decision),
            Decision::ImplicitDeny => prop_assert_ne!(concrete, Decision::Allowed),
            Decision::Conditional => {}
        }
    }

    #[test]
    fn parsing_arbitrary_json_never_panics(v in arbitrary_json(), caller in callers(), (action, resource) in requests()) {
        if let Ok(p) = policy::parse_value(&v) {
            let caller = Caller::parse(caller).unwrap();
            let ctx = Context::open();
            let policies = Policies { identity: vec![Named { name: "i", policy: &p }], resource: Some(Named { name: "r", policy: &p }), boundary: Some(Named { name: "b", policy: &p }), ..Default::default() };
            let _ = policy::evaluate(&Request { caller: &caller, action, resource: &resource, context: &ctx }, &policies);
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = policy::parse(&text);
        let _ = policy::parse(&format!("{{\"Statement\":{text}}}"));
        let _ = Caller::parse(&text);
    }
}
