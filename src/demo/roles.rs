//! The demo account's execution roles and managed policies.

use serde_json::{Value, json};

use super::{ACCOUNT, REGION, doc, role_arn};
use crate::model::{InlinePolicy, ManagedPolicy, PolicyText, Role};

const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const SQS: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole";
const DYNAMO: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole";
const KINESIS: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn customer(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

fn allow(actions: Value, resources: Value) -> Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

fn lambda_trust() -> PolicyText {
    doc(vec![json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})])
}

fn role(name: &str, attached: &[&str], inline: Vec<(&str, PolicyText)>) -> Role {
    Role {
        arn: role_arn(name),
        name: name.into(),
        path: "/".into(),
        trust_policy: Some(lambda_trust()),
        permission_boundary_arn: None,
        inline_policies: inline.into_iter().map(|(n, d)| InlinePolicy { name: n.into(), document: d }).collect(),
        attached_policy_arns: attached.iter().map(|a| a.to_string()).collect(),
        tags: Some(Default::default()),
    }
}

/// Not an execution role: a deployment role the partner-sync role may assume (its
/// identity policy allows sts:AssumeRole on *, and this trust policy lets it in), which
/// reaches more than partner-sync itself: a role chain.
fn ops_deploy() -> Role {
    let mut r = role(
        "ops-deploy",
        &[],
        vec![(
            "deploy",
            doc(vec![
                allow(json!("s3:*"), json!("*")),
                allow(
                    json!("lambda:InvokeFunction"),
                    json!(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:payments-*")),
                ),
            ]),
        )],
    );
    r.trust_policy = Some(doc(vec![json!({"Sid": "PartnerSyncDeploys", "Effect": "Allow",
        "Principal": {"AWS": role_arn("partner-sync-role")}, "Action": "sts:AssumeRole"})]));
    team(r, "platform")
}

/// A role tagged as one of the organisation's teams (the Prod SCP lets only those invoke).
fn team(mut r: Role, name: &str) -> Role {
    r.tags = Some([("team".to_string(), name.to_string())].into());
    r
}

pub fn roles() -> Vec<Role> {
    let table = |t: &str| format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{t}");
    let mut data = role(
        "data-pipeline-role",
        &[BASIC],
        vec![(
            "data-lake",
            doc(vec![
                json!({"Sid": "LakeReadWrite", "Effect": "Allow", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::acme-data-lake", "arn:aws:s3:::acme-data-lake/*"]}),
                json!({"Sid": "DenyBucketDelete", "Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"], "Resource": "*"}),
                allow(json!("glue:*"), json!("*")),
            ]),
        )],
    );
    data.permission_boundary_arn = Some(customer("lambda-boundary"));
    let mut payments = role("payments-exec", &[BASIC, SQS, &customer("payments-data-access")], vec![]);
    payments.path = "/service-role/".into();
    let payments = team(payments, "payments");
    vec![
        role(
            "app-shared-role",
            &[BASIC],
            vec![(
                "app-tables",
                doc(vec![allow(
                    json!(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"]),
                    json!([table("app-*"), table("app-*/index/*")]),
                )]),
            )],
        ),
        payments,
        role(
            "reporting-exec",
            &[BASIC],
            vec![(
                "reports",
                doc(vec![
                    allow(
                        json!(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]),
                        json!(["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]),
                    ),
                    allow(json!(["athena:StartQueryExecution", "athena:GetQueryResults"]), json!("*")),
                ]),
            )],
        ),
        role("edge-role", &[BASIC], vec![]),
        role(
            "partner-sync-role",
            &[BASIC],
            vec![("assume-partner", doc(vec![allow(json!("sts:AssumeRole"), json!("*"))]))],
        ),
        role(
            "service-triggers-role",
            &[BASIC],
            vec![(
                "uploads",
                doc(vec![
                    allow(json!(["s3:GetObject", "s3:PutObject"]), json!("arn:aws:s3:::acme-uploads/*")),
                    allow(json!("sns:Publish"), json!(format!("arn:aws:sns:{REGION}:{ACCOUNT}:*"))),
                ]),
            )],
        ),
        role(
            "stream-processor-role",
            &[BASIC, DYNAMO, KINESIS],
            vec![(
                "search",
                doc(vec![allow(
                    json!("es:ESHttp*"),
                    json!(format!("arn:aws:es:{REGION}:{ACCOUNT}:domain/products/*")),
                )]),
            )],
        ),
        role(
            "orders-consumer-role",
            &[SQS],
            vec![(
                "orders-table",
                doc(vec![allow(json!(["dynamodb:PutItem", "dynamodb:UpdateItem"]), json!(table("orders")))]),
            )],
        ),
        team(role("ops-admin-role", &[ADMIN], vec![]), "platform"),
        ops_deploy(),
        role(
            "legacy-notaction-role",
            &[BASIC],
            vec![("everything-but-iam", doc(vec![json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]))],
        ),
        data,
        role(
            "ml-inference-role",
            &[BASIC],
            vec![(
                "inference",
                doc(vec![
                    allow(json!("s3:GetObject"), json!("arn:aws:s3:::acme-models/*")),
                    allow(json!("sagemaker:InvokeEndpoint"), json!("*")),
                    allow(json!("iam:PassRole"), json!("*")),
                    allow(json!(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"]), json!("*")),
                ]),
            )],
        ),
        role(
            "edge-auth-role",
            &[BASIC],
            vec![("dynamodb-everything", doc(vec![allow(json!("dynamodb:*"), json!("*"))]))],
        ),
    ]
}

fn managed(arn: &str, version: &str, document: PolicyText) -> ManagedPolicy {
    ManagedPolicy {
        arn: arn.into(),
        name: arn.rsplit('/').next().unwrap_or_default().into(),
        default_version_id: version.into(),
        document,
    }
}

pub fn managed_policies() -> Vec<ManagedPolicy> {
    let logs = allow(json!(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]), json!("*"));
    vec![
        managed(BASIC, "v1", doc(vec![logs.clone()])),
        managed(
            SQS,
            "v2",
            doc(vec![
                allow(json!(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]), json!("*")),
                logs.clone(),
            ]),
        ),
        managed(
            DYNAMO,
            "v1",
            doc(vec![
                allow(
                    json!([
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams"
                    ]),
                    json!("*"),
                ),
                logs.clone(),
            ]),
        ),
        managed(
            KINESIS,
            "v1",
            doc(vec![
                allow(
                    json!([
                        "kinesis:DescribeStream",
                        "kinesis:DescribeStreamSummary",
                        "kinesis:GetRecords",
                        "kinesis:GetShardIterator",
                        "kinesis:ListShards",
                        "kinesis:ListStreams",
                        "kinesis:SubscribeToShard"
                    ]),
                    json!("*"),
                ),
                logs,
            ]),
        ),
        managed(ADMIN, "v1", doc(vec![allow(json!("*"), json!("*"))])),
        // Customer managed; the default is not v1.
        managed(
            &customer("payments-data-access"),
            "v3",
            doc(vec![
                json!({"Sid": "PaymentsTables", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                "Resource": format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/payments-*")}),
                json!({"Sid": "CardKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")}),
                json!({"Sid": "RefundSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                "Resource": format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:payments/*"),
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}}),
            ]),
        ),
        managed(
            &customer("lambda-boundary"),
            "v2",
            doc(vec![
                allow(json!(["s3:*", "logs:*", "dynamodb:*"]), json!("*")),
                json!({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}),
            ]),
        ),
    ]
}
