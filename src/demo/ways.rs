//! The demo account's other ways into Lambda code: a web function with a public
//! (`ApplicationManaged`) endpoint and an `IamAuth` one shared with a partner account, a
//! function whose full JSON resource policy opens it to everyone and then denies
//! everyone outside one VPC, and layers shared publicly and with the organisation.

use std::collections::BTreeMap;

use serde_json::json;

use super::{ACCOUNT, REGION, function, resource_policy, role_arn, text};
use crate::model::{Function, Layer, LayerVersion, WebAuthType, WebEndpoint, WebFunction, WebRevision};

/// A public Allow narrowed by a Deny, as `PutResourcePolicy` allows since July 2026.
pub fn vpc_only() -> Function {
    let mut f = function("pricing-internal", "python3.12", "app-shared-role", "Internal pricing, VPC callers only");
    f.policy = Some(resource_policy(vec![
        json!({"Sid": "AnyCaller", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
            "Resource": f.arn}),
        json!({"Sid": "DenyOutsideVpc", "Effect": "Deny", "Principal": "*", "Action": "lambda:*",
            "Resource": f.arn, "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}}}),
    ]));
    f
}

pub fn web_functions() -> Vec<WebFunction> {
    let name = "storefront-web";
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:web-function/{name}");
    let endpoint = |e: &str, auth, weights: &[(&str, i32)]| WebEndpoint {
        name: e.into(),
        arn: format!("{arn}/endpoint/{e}"),
        auth_type: auth,
        domain_name: format!("{e}-k7m2p9.web.lambda.{REGION}.on.aws"),
        endpoint_type: Some("HomeRegion".into()),
        revision_weights: weights.iter().map(|(r, w)| (r.to_string(), *w)).collect::<BTreeMap<_, _>>(),
        state: Some("Active".into()),
    };
    let revision = |id: &str, role: &str| WebRevision {
        id: id.into(),
        arn: format!("{arn}/revision/{id}"),
        role_arn: Some(role_arn(role)),
        state: Some("Active".into()),
        env_var_names: vec!["SESSION_SECRET".into(), "LOG_LEVEL".into()],
    };
    let policy = text(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "PartnerAdmin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/partner-admin"},
         "Action": "lambda:InvokeWebFunctionEndpoint", "Resource": format!("{arn}/endpoint/admin")}
    ]}));
    vec![WebFunction {
        name: name.into(),
        arn: arn.clone(),
        state: Some("Active".into()),
        policy: Some(policy),
        endpoints: vec![
            endpoint("shop", WebAuthType::ApplicationManaged, &[("2", 100)]),
            endpoint("admin", WebAuthType::IamAuth, &[("1", 10), ("2", 90)]),
        ],
        revisions: vec![revision("1", "app-shared-role"), revision("2", "payments-exec")],
    }]
}

pub fn layers() -> Vec<Layer> {
    let layer = |name: &str, versions: Vec<(i64, Option<serde_json::Value>)>| {
        let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}");
        Layer {
            name: name.into(),
            arn: arn.clone(),
            versions: versions
                .into_iter()
                .map(|(v, statement)| LayerVersion {
                    version: v,
                    arn: format!("{arn}:{v}"),
                    description: format!("{name} build {v}"),
                    created_date: Some("2026-10-02T11:00:00.000+0000".into()),
                    compatible_runtimes: vec!["nodejs20.x".into()],
                    policy: statement.map(|s| {
                        let mut s = s;
                        s["Resource"] = json!(format!("{arn}:{v}"));
                        text(json!({"Version": "2012-10-17", "Id": "default", "Statement": [s]}))
                    }),
                })
                .collect(),
        }
    };
    vec![
        layer(
            "app-common",
            vec![
                (13, None),
                (
                    14,
                    Some(json!({"Sid": "org-use", "Effect": "Allow", "Principal": "*",
                        "Action": "lambda:GetLayerVersion",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": super::org::ORG_ID}}})),
                ),
            ],
        ),
        layer(
            "pdf-render",
            vec![(
                3,
                Some(json!({"Sid": "public", "Effect": "Allow", "Principal": "*", "Action": "lambda:GetLayerVersion"})),
            )],
        ),
    ]
}
