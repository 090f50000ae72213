//! The demo account's organisation: the demo account sits in OU Prod under OU Workloads of
//! an organisation managed from another account. Prod's SCP denies `lambda:InvokeFunction`
//! to principals not tagged as a known team (so the untagged legacy role invokes nothing,
//! whatever its policies say); the account's SCP is an allow-list without Glue instead of
//! FullAWSAccess (so a role allowed OpenSearch or Athena reaches neither); an RCP at the root keeps
//! `sts:AssumeRole` inside the organisation. The partner account is not a member.

use serde_json::{Value, json};

use super::{ACCOUNT, doc};
use crate::model::{OrgAccount, OrgPolicy, OrgPolicyKind, OrgState, OrgUnit, Organization};

pub const ORG_ID: &str = "o-demo4k2x9p";
pub const MANAGEMENT: &str = "999988887777";
const ROOT: &str = "r-demo";
const WORKLOADS: &str = "ou-demo-workloads";
const PROD: &str = "ou-demo-prod";

/// The teams whose principals may invoke functions in Prod.
pub const TEAMS: [&str; 2] = ["payments", "platform"];

fn policy(id: &str, name: &str, kind: OrgPolicyKind, statements: Vec<Value>, targets: &[&str]) -> OrgPolicy {
    OrgPolicy {
        id: id.into(),
        name: name.into(),
        kind,
        document: Some(doc(statements)),
        targets: targets.iter().map(|t| t.to_string()).collect(),
    }
}

pub fn organization() -> OrgState {
    let scp = OrgPolicyKind::Scp;
    let rcp = OrgPolicyKind::Rcp;
    let every_level = [ROOT, WORKLOADS, PROD, ACCOUNT, MANAGEMENT];
    let allow_list = [
        "lambda:*",
        "iam:*",
        "sts:*",
        "s3:*",
        "dynamodb:*",
        "sqs:*",
        "sns:*",
        "kms:*",
        "logs:*",
        "cloudwatch:*",
        "xray:*",
        "events:*",
        "kinesis:*",
        "secretsmanager:*",
        "ssm:*",
        "ec2:*",
        "execute-api:*",
        "states:*",
        "sagemaker:*",
        "bedrock:*",
        "ses:*",
        "cloudfront:*",
        "apigateway:*",
    ];
    OrgState::Read(Organization {
        id: ORG_ID.into(),
        management_account: MANAGEMENT.into(),
        root_id: ROOT.into(),
        units: vec![
            OrgUnit { id: WORKLOADS.into(), name: "Workloads".into(), parent_id: ROOT.into() },
            OrgUnit { id: PROD.into(), name: "Prod".into(), parent_id: WORKLOADS.into() },
        ],
        accounts: vec![
            OrgAccount { id: MANAGEMENT.into(), name: "acme-management".into(), parent_id: ROOT.into() },
            OrgAccount { id: ACCOUNT.into(), name: "acme-prod-apps".into(), parent_id: PROD.into() },
        ],
        policies: vec![
            policy(
                "p-FullAWSAccess",
                "FullAWSAccess",
                scp,
                vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})],
                &[ROOT, WORKLOADS, PROD, MANAGEMENT],
            ),
            policy(
                "p-demo1teams",
                "InvokeOnlyTaggedTeams",
                scp,
                vec![json!({"Sid": "InvokeOnlyTaggedTeams", "Effect": "Deny", "Action": "lambda:InvokeFunction",
                    "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": TEAMS}}})],
                &[PROD],
            ),
            policy(
                "p-demo2allow",
                "ProdAllowList",
                scp,
                vec![json!({"Sid": "ProdServices", "Effect": "Allow", "Action": allow_list, "Resource": "*"})],
                &[ACCOUNT],
            ),
            policy(
                "p-RCPFullAWSAccess",
                "RCPFullAWSAccess",
                rcp,
                vec![json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})],
                &every_level,
            ),
            policy(
                "p-demo3orgonly",
                "AssumeRoleInsideOrg",
                rcp,
                vec![
                    json!({"Sid": "AssumeRoleInsideOrg", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
                    "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}),
                ],
                &[ROOT],
            ),
        ],
        scps_enabled: true,
        rcps_enabled: true,
    })
}
