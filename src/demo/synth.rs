//! A deterministic synthetic account of any size, for benchmarks: realistic proportions of
//! versions, aliases, resource policies, URLs, event sources, shared roles and users.
//! The same `(functions, seed)` always gives the same snapshot.

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::{
    ACCOUNT, REGION, alias, doc, function, grant, public_url_statements, resource_policy, service, url, version,
};
use crate::model::{EventSourceMapping, InlinePolicy, ManagedPolicy, Role, Snapshot, UrlAuthType, User};

/// A small xorshift generator: enough variety, no dependency, fully reproducible (the
/// synthetic accounts, and the tests that generate cases).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (which must not be empty).
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

/// The first account id of a synthetic organisation (`synthetic_org`); partner grants
/// name accounts from here, so in an organisation they name accounts that were read.
const ORG_FIRST: u64 = 100_000_000_000;

const RUNTIMES: &[&str] = &["python3.12", "nodejs20.x", "java21", "go1.x", "python3.9", "dotnet8", "ruby3.3"];
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

fn customer(i: u64) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/team-{i}-data")
}

fn role(rng: &mut Rng, i: usize) -> Role {
    let name = format!("svc-{i}-exec");
    let bucket = format!("arn:aws:s3:::team-{}-bucket/*", i % 40);
    let table = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/t{}-*", i % 60);
    let mut statements = vec![
        json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": bucket}),
        json!({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"], "Resource": table}),
    ];
    match rng.below(40) {
        0 => statements.push(json!({"Effect": "Allow", "Action": "*", "Resource": "*"})),
        1 => statements.push(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})),
        2 => statements.push(json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})),
        3 => statements.push(json!({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})),
        4 => statements.push(json!({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{}*", i % 10)})),
        _ => {}
    }
    let mut attached = vec![BASIC.to_string()];
    if rng.chance(50) {
        attached.push(customer(rng.below(20)));
    }
    Role {
        arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
        name,
        path: "/".into(),
        trust_policy: Some(doc(vec![
            json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
        ])),
        permission_boundary_arn: rng.chance(5).then(|| customer(99)),
        inline_policies: vec![InlinePolicy { name: "data".into(), document: doc(statements) }],
        attached_policy_arns: attached,
        tags: Some(Default::default()),
    }
}

fn statements(rng: &mut Rng, arn: &str, i: usize) -> Vec<Value> {
    let route = format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:api{}/*/GET/r{i}", i % 30);
    let mut out = vec![grant(
        "ApiGateway",
        service("apigateway.amazonaws.com"),
        arn,
        Some(json!({"ArnLike": {"AWS:SourceArn": route}})),
    )];
    match rng.below(25) {
        0 => out.push(grant(
            "Partner",
            json!({"AWS": format!("arn:aws:iam::{}:root", ORG_FIRST + rng.below(50))}),
            arn,
            None,
        )),
        1 => out.push(grant("AnySns", service("sns.amazonaws.com"), arn, None)),
        2 => out.push(grant("Public", json!("*"), arn, None)),
        3 => out.push(grant(
            "Org",
            json!("*"),
            arn,
            Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-synthetic"}})),
        )),
        4 => out.push(
            json!({"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        ),
        _ => {}
    }
    out
}

fn function_at(rng: &mut Rng, i: usize, roles: usize) -> crate::model::Function {
    // A few roles are shared by many functions, as in real accounts.
    let role = if rng.chance(30) { rng.below(5) } else { rng.below(roles as u64) };
    let name = format!("fn-{i}");
    let runtime = RUNTIMES[rng.below(RUNTIMES.len() as u64) as usize];
    let mut f = function(&name, runtime, &format!("svc-{role}-exec"), "synthetic function");
    f.env_var_names =
        if rng.chance(3) { vec!["DB_PASSWORD".into(), "LOG_LEVEL".into()] } else { vec!["LOG_LEVEL".into()] };
    if rng.chance(60) {
        f.policy = Some(resource_policy(statements(rng, &f.arn.clone(), i)));
    }
    if rng.chance(30) {
        f.versions = (1..=1 + rng.below(5) as u32).map(|n| version(&f, n)).collect();
        if rng.chance(60) {
            let mut a = alias(&f, "live", f.versions.len() as u32);
            if rng.chance(20) {
                a.policy = Some(resource_policy(statements(rng, &a.arn.clone(), i)));
            }
            f.aliases.push(a);
        }
    }
    if rng.chance(5) {
        let public = rng.chance(50);
        f.urls = vec![url(&f, None, if public { UrlAuthType::None } else { UrlAuthType::AwsIam })];
        if public {
            let mut p = public_url_statements(&f.arn, rng.chance(80));
            if let Some(existing) = f.policy.as_ref().and_then(|t| serde_json::from_str::<Value>(&t.raw).ok()) {
                p.extend(existing["Statement"].as_array().cloned().unwrap_or_default());
            }
            f.policy = Some(resource_policy(p));
        }
    }
    f
}

fn user(rng: &mut Rng, i: usize) -> User {
    let scope = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn-{}*", rng.below(100));
    User {
        arn: format!("arn:aws:iam::{ACCOUNT}:user/dev-{i}"),
        name: format!("dev-{i}"),
        path: "/".into(),
        permission_boundary_arn: None,
        inline_policies: vec![InlinePolicy {
            name: "invoke".into(),
            document: doc(vec![
                json!({"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:Get*"], "Resource": scope}),
            ]),
        }],
        attached_policy_arns: Vec::new(),
        groups: Vec::new(),
        tags: Some(Default::default()),
    }
}

/// A synthetic account with `functions` functions.
pub fn synthetic(functions: usize, seed: u64) -> Snapshot {
    let mut rng = Rng(seed.max(1));
    let mut s = Snapshot::new(ACCOUNT, REGION);
    s.taken_at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap_or_default();
    let roles = (functions / 10).max(10);
    s.roles = (0..roles).map(|i| role(&mut rng, i)).collect();
    s.functions = (0..functions).map(|i| function_at(&mut rng, i, roles)).collect();
    s.users = (0..functions / 20).map(|i| user(&mut rng, i)).collect();
    s.event_source_mappings = s
        .functions
        .iter()
        .filter(|_| rng.chance(10))
        .enumerate()
        .map(|(n, f)| EventSourceMapping {
            uuid: format!("00000000-0000-0000-0000-{n:012}"),
            source_arn: Some(format!("arn:aws:sqs:{REGION}:{ACCOUNT}:queue-{n}")),
            function_arn: f.arn.clone(),
            state: if n % 7 == 0 { "Disabled".into() } else { "Enabled".into() },
            batch_size: Some(10),
            maximum_batching_window_seconds: Some(0),
        })
        .collect();
    s.managed_policies = std::iter::once(BASIC.to_string())
        .chain((0..20).map(customer))
        .chain(std::iter::once(customer(99)))
        .map(|arn| ManagedPolicy {
            name: arn.rsplit('/').next().unwrap_or_default().to_string(),
            document: doc(vec![json!({"Effect": "Allow", "Action": ["logs:*", "s3:Get*", "kms:Decrypt", "dynamodb:*"], "Resource": "*"})]),
            default_version_id: "v2".into(),
            arn,
        })
        .collect();
    s.normalize();
    s
}

/// A synthetic organisation: `accounts` accounts of `functions` functions each, one region,
/// merged as one snapshot of several accounts. Each account is `synthetic` with its own
/// seed, renumbered; partner grants name other accounts of the organisation.
pub fn synthetic_org(accounts: usize, functions: usize, seed: u64) -> Snapshot {
    let parts: Vec<Snapshot> = (0..accounts)
        .map(|i| {
            let one = synthetic(functions, seed.wrapping_add(i as u64 * 7919));
            let id = format!("{}", ORG_FIRST + i as u64);
            Snapshot::from_json(&one.to_json().replace(ACCOUNT, &id)).unwrap_or(one)
        })
        .collect();
    let mut org = crate::model::merge(parts).unwrap_or_else(|_| Snapshot::new(ACCOUNT, REGION));
    org.organization = organisation(accounts);
    org
}

/// The synthetic organisation's tree and guardrails: ten OUs under the root, the accounts
/// spread over them, FullAWSAccess and RCPFullAWSAccess at every place, and a few Denies
/// of the kind organisations keep (at the root, and on half the OUs), so every decision
/// passes three levels of SCPs and, for `sts:`, of RCPs.
fn organisation(accounts: usize) -> crate::model::OrgState {
    use crate::model::{OrgAccount, OrgPolicy, OrgPolicyKind, OrgUnit, Organization};
    let ou = |i: usize| format!("ou-synth-{i:02}");
    let ids: Vec<String> = (0..accounts).map(|i| format!("{}", ORG_FIRST + i as u64)).collect();
    let mut everywhere: Vec<String> = vec!["r-synth".into()];
    everywhere.extend((0..10).map(ou));
    everywhere.extend(ids.iter().cloned());
    let policy = |id: &str, kind, statement: Value, targets: Vec<String>| OrgPolicy {
        id: id.into(),
        name: id.trim_start_matches("p-").into(),
        kind,
        document: Some(doc(vec![statement])),
        targets,
    };
    let (scp, rcp) = (OrgPolicyKind::Scp, OrgPolicyKind::Rcp);
    crate::model::OrgState::Read(Organization {
        id: "o-synth00001".into(),
        management_account: format!("{}", ORG_FIRST - 1),
        root_id: "r-synth".into(),
        units: (0..10).map(|i| OrgUnit { id: ou(i), name: format!("Unit{i}"), parent_id: "r-synth".into() }).collect(),
        accounts: ids
            .iter()
            .enumerate()
            .map(|(i, id)| OrgAccount { id: id.clone(), name: String::new(), parent_id: ou(i % 10) })
            .collect(),
        policies: vec![
            policy(
                "p-FullAWSAccess",
                scp,
                json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                everywhere.clone(),
            ),
            policy(
                "p-DenyLeave",
                scp,
                json!({"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}),
                vec!["r-synth".into()],
            ),
            policy(
                "p-ProtectSecurity",
                scp,
                json!({"Effect": "Deny", "Action": "iam:*", "Resource": "arn:aws:iam::*:role/security-*",
                    "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/security-admin"}}}),
                (0..5).map(ou).collect(),
            ),
            policy(
                "p-RCPFullAWSAccess",
                rcp,
                json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
                everywhere,
            ),
            policy(
                "p-AssumeInsideOrg",
                rcp,
                json!({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
                    "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-synth00001"},
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}),
                vec!["r-synth".into()],
            ),
        ],
        scps_enabled: true,
        rcps_enabled: true,
    })
}
