//! The demo account's functions, grouped by the situation each one shows.

use serde_json::json;

use super::{ACCOUNT, REGION, alias, function, grant, public_url_statements, resource_policy, service, url, version};
use crate::model::{Function, UrlAuthType};

pub fn all() -> Vec<Function> {
    let mut out = app_functions();
    out.extend(payments());
    out.extend(public_and_urls());
    out.extend(cross_account());
    out.extend(service_triggers());
    out.extend(streams());
    out.extend(risky_roles());
    out
}

/// Fifteen API functions sharing one role, most invoked by API Gateway.
fn app_functions() -> Vec<Function> {
    let names = [
        ("app-users-get", "GET/users/*"),
        ("app-users-list", "GET/users"),
        ("app-users-update", "PUT/users/*"),
        ("app-orders-get", "GET/orders/*"),
        ("app-orders-list", "GET/orders"),
        ("app-orders-create", "POST/orders"),
        ("app-cart-get", "GET/cart"),
        ("app-cart-update", "PUT/cart"),
        ("app-search", ""),
        ("app-recommend", "GET/recommendations"),
        ("app-notify-email", ""),
        ("app-notify-sms", ""),
        ("app-session-refresh", "POST/session"),
        ("app-feature-flags", "GET/flags"),
        ("app-health", "GET/health"),
    ];
    names
        .iter()
        .map(|(name, route)| {
            let mut f = function(name, "nodejs20.x", "app-shared-role", "Storefront API handler");
            f.env_var_names = vec!["LOG_LEVEL".into(), "TABLE_NAME".into()];
            f.layers = vec![format!("arn:aws:lambda:{REGION}:{ACCOUNT}:layer:app-common:14")];
            if !route.is_empty() {
                let source = format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:k3x9q2w7e1/*/{route}");
                f.policy = Some(resource_policy(vec![grant(
                    "apigateway-invoke",
                    service("apigateway.amazonaws.com"),
                    &f.arn,
                    Some(json!({"ArnLike": {"AWS:SourceArn": source}})),
                )]));
            }
            f
        })
        .collect()
}

fn payments() -> Vec<Function> {
    // Grants only on the alias: the unqualified function and the versions have none.
    let mut refund = function("payments-refund", "nodejs20.x", "payments-exec", "Issues card refunds");
    refund.versions = (4..=6).map(|n| version(&refund, n)).collect();
    let mut live = alias(&refund, "live", 5);
    live.routing.insert("6".into(), 0.1);
    live.policy = Some(resource_policy(vec![
        grant(
            "AllowRefundTopic",
            service("sns.amazonaws.com"),
            &live.arn,
            Some(json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:sns:{REGION}:{ACCOUNT}:refund-requests")}})),
        ),
        grant("Partner", json!({"AWS": "arn:aws:iam::111122223333:role/partner-caller"}), &live.arn, None),
    ]));
    refund.aliases = vec![live];

    // An IAM-authenticated URL on an alias.
    let mut api = function("payments-api", "python3.12", "payments-exec", "Payments HTTP API");
    api.versions = (6..=7).map(|n| version(&api, n)).collect();
    api.aliases = vec![alias(&api, "live", 7)];
    api.urls = vec![url(&api, Some("live"), UrlAuthType::AwsIam)];

    let mut ledger = function("payments-ledger", "java21", "payments-exec", "Double-entry ledger writer");
    ledger.versions = (1..=3).map(|n| version(&ledger, n)).collect();
    ledger.aliases = vec![alias(&ledger, "prod", 3)];

    let mut billing = function("billing-worker", "python3.12", "payments-exec", "Monthly billing run");
    billing.env_var_names = vec!["DB_PASSWORD".into(), "LOG_LEVEL".into(), "STRIPE_API_KEY".into()];
    billing.policy = Some(resource_policy(vec![grant(
        "MonthlyRun",
        service("events.amazonaws.com"),
        &billing.arn,
        Some(json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/monthly-billing")}})),
    )]));
    vec![refund, api, ledger, billing]
}

fn public_and_urls() -> Vec<Function> {
    // Anyone on the internet may call Invoke directly.
    let mut webhook = function("public-webhook", "python3.12", "edge-role", "Receives partner webhooks");
    webhook.policy = Some(resource_policy(vec![grant("PublicInvoke", json!("*"), &webhook.arn, None)]));

    // A public URL with both permissions: it answers everyone.
    let mut api = function("public-api", "nodejs20.x", "edge-role", "Public read-only catalogue API");
    api.urls = vec![url(&api, None, UrlAuthType::None)];
    // A layer published by another account (here, AWS's Powertools): its code runs as edge-role.
    api.layers = vec![format!("arn:aws:lambda:{REGION}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:21")];
    api.policy = Some(resource_policy(public_url_statements(&api.arn, true)));

    // A URL created before the two-permission rule that never got lambda:InvokeFunction.
    let mut legacy = function("legacy-url-fn", "python3.9", "edge-role", "Old signup form backend");
    legacy.urls = vec![url(&legacy, None, UrlAuthType::None)];
    legacy.policy = Some(resource_policy(public_url_statements(&legacy.arn, false)));

    // Only the alias is public; the function itself is private.
    let mut status = function("status-page", "nodejs20.x", "edge-role", "Public status page");
    status.versions = (1..=2).map(|n| version(&status, n)).collect();
    let mut prod = alias(&status, "prod", 2);
    prod.policy = Some(resource_policy(public_url_statements(&prod.arn, true)));
    status.aliases = vec![prod];
    status.urls = vec![url(&status, Some("prod"), UrlAuthType::None)];

    let mut ticket = function(
        "ticket-intake",
        "python3.12",
        "edge-role",
        "Support intake \u{1b}[2J\u{1b}[31mSYSTEM COMPROMISED\u{1b}[0m",
    );
    ticket.policy = Some(resource_policy(vec![grant(
        "SesInbound",
        service("ses.amazonaws.com"),
        &ticket.arn,
        Some(json!({"StringEquals": {"AWS:SourceAccount": ACCOUNT}})),
    )]));
    vec![webhook, api, legacy, status, ticket]
}

fn cross_account() -> Vec<Function> {
    let mut partner = function("partner-sync", "go1.x", "partner-sync-role", "Partner inventory sync");
    partner.policy = Some(resource_policy(vec![
        grant("PartnerAccount", json!({"AWS": "arn:aws:iam::111122223333:root"}), &partner.arn, None),
        grant("ReportingRole", json!({"AWS": "arn:aws:iam::444455556666:role/reporting"}), &partner.arn, None),
    ]));

    let mut org = function("org-metrics", "python3.12", "reporting-exec", "Organisation-wide metrics sink");
    org.policy = Some(resource_policy(vec![grant(
        "OrgWide",
        json!("*"),
        &org.arn,
        Some(json!({"StringEquals": {"aws:PrincipalOrgID": super::org::ORG_ID}})),
    )]));

    // A grant to a principal that was deleted: AWS shows its unique id.
    let mut old = function("old-partner-hook", "python3.9", "partner-sync-role", "Deprecated partner callback");
    old.policy =
        Some(resource_policy(vec![grant("FormerPartner", json!({"AWS": "AROAQXZ7EXAMPLEDELETED"}), &old.arn, None)]));

    // A full resource policy with an explicit Deny.
    let mut secure = function("secure-invoker", "python3.12", "reporting-exec", "Org-only internal endpoint");
    secure.policy = Some(resource_policy(vec![
        grant("AccountDelegation", json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}), &secure.arn, None),
        json!({"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "lambda:*",
            "Resource": secure.arn, "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": super::org::ORG_ID}}}),
    ]));

    let mut report = function("report-builder", "python3.12", "reporting-exec", "Nightly report builder");
    report.versions = (1..=3).map(|n| version(&report, n)).collect();
    // The grant lives only on version 3.
    if let Some(v3) = report.versions.last_mut() {
        v3.policy = Some(resource_policy(vec![grant(
            "NightlyRule",
            service("events.amazonaws.com"),
            &v3.arn,
            Some(
                json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly-report")}}),
            ),
        )]));
    }
    let export = function("report-export", "python3.12", "reporting-exec", "Exports reports to S3");
    vec![partner, org, old, secure, report, export]
}

fn service_triggers() -> Vec<Function> {
    let mut thumb = function("thumbnailer", "python3.12", "service-triggers-role", "Makes image thumbnails");
    thumb.policy = Some(resource_policy(vec![grant(
        "S3Uploads",
        service("s3.amazonaws.com"),
        &thumb.arn,
        Some(
            json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::acme-uploads"}, "StringEquals": {"AWS:SourceAccount": ACCOUNT}}),
        ),
    )]));

    // No source condition: any account's SNS topic can trigger it (confused deputy).
    let mut fanout = function("sns-fanout", "nodejs20.x", "service-triggers-role", "Fans SNS messages out");
    fanout.policy = Some(resource_policy(vec![grant("AnySns", service("sns.amazonaws.com"), &fanout.arn, None)]));

    let mut cron = function("cron-cleanup", "python3.12", "service-triggers-role", "Deletes expired sessions");
    cron.policy = Some(resource_policy(vec![grant(
        "Hourly",
        service("events.amazonaws.com"),
        &cron.arn,
        Some(json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/hourly-cleanup")}})),
    )]));

    let mut logs = function("log-shipper", "python3.12", "stream-processor-role", "Ships CloudWatch logs");
    logs.policy = Some(resource_policy(vec![grant(
        "Logs",
        service("logs.amazonaws.com"),
        &logs.arn,
        Some(json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*")}})),
    )]));

    let mut edge = function("edge-authorizer", "nodejs20.x", "edge-auth-role", "API Gateway token authorizer");
    edge.policy = Some(resource_policy(vec![grant(
        "Authorizer",
        service("apigateway.amazonaws.com"),
        &edge.arn,
        Some(
            json!({"ArnLike": {"AWS:SourceArn": format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:k3x9q2w7e1/authorizers/*")}}),
        ),
    )]));
    vec![thumb, fanout, cron, logs, edge]
}

fn streams() -> Vec<Function> {
    let orders = function("orders-consumer", "java21", "orders-consumer-role", "Consumes the orders queue");
    let audit = function("audit-stream", "python3.12", "stream-processor-role", "Audit event processor (paused)");
    let search = function("search-indexer", "python3.12", "stream-processor-role", "Indexes product changes");
    let mut inventory = function("inventory-sync", "python3.12", "stream-processor-role", "Syncs inventory changes");
    inventory.versions = (1..=2).map(|n| version(&inventory, n)).collect();
    vec![orders, audit, search, inventory]
}

fn risky_roles() -> Vec<Function> {
    let runbook = function("ops-runbook", "python3.12", "ops-admin-role", "Break-glass operations runbook");
    let batch = function("legacy-batch", "python3.9", "legacy-notaction-role", "Legacy nightly batch");
    let etl = function("data-pipeline-etl", "python3.12", "data-pipeline-role", "Data lake ETL");
    let ml = function("ml-inference", "python3.12", "ml-inference-role", "Model inference");
    let mut orphan = function("orphan-job", "python3.9", "deleted-job-role", "Job whose role was deleted");
    orphan.env_var_names = vec!["API_TOKEN".into()];
    vec![runbook, batch, etl, ml, orphan]
}
