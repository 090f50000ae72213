//! `lambdascope summary`: what the loaded account holds.

use anyhow::Result;
use serde_json::json;

use super::{Outcome, emit, load_account};
use crate::cli::{Format, Global};
use crate::model::{GapReason, OrgPolicyKind, OrgState, Organization, Snapshot, SnapshotSource};
use crate::text::sanitize;

pub fn run(global: &Global) -> Result<Outcome> {
    let (snap, source) = load_account(global)?;
    let out = match global.format {
        Format::Json => json_summary(&snap, &source),
        Format::Csv => csv_summary(&snap),
        _ => text_summary(&snap, &source),
    };
    emit(&out)?;
    // The summary covers the whole account: any gap makes it partial.
    Ok(if snap.gaps.is_empty() { Outcome::Success } else { Outcome::PartialSnapshot })
}

/// One row per account and region: what each holds (one row for a single account).
fn csv_summary(snap: &Snapshot) -> String {
    let mut out =
        super::csv::row(&["account", "region", "functions", "web_functions", "layer_versions", "roles", "gaps"]);
    let gaps = snap.gaps.len().to_string();
    for p in snap.part_summaries() {
        let counts = [p.functions, p.web_functions, p.layer_versions, p.roles].map(|n| n.to_string());
        out.push_str(&super::csv::row(&[
            p.account_id.as_str(),
            &p.region,
            &counts[0],
            &counts[1],
            &counts[2],
            &counts[3],
            if snap.is_multi() { "" } else { &gaps },
        ]));
    }
    out
}

fn source_label(source: &SnapshotSource) -> String {
    match source {
        SnapshotSource::Demo => "demo".into(),
        SnapshotSource::File(path) => path.clone(),
        SnapshotSource::Live => "live".into(),
    }
}

fn json_summary(snap: &Snapshot, source: &SnapshotSource) -> String {
    let mut value = serde_json::to_value(snap.summary()).unwrap_or_default();
    value["source"] = json!(source_label(source));
    value["gap_list"] = serde_json::to_value(&snap.gaps).unwrap_or_default();
    value["absent_list"] = serde_json::to_value(&snap.absent).unwrap_or_default();
    value["organization"] = org_json(snap);
    crate::text::json(&value).unwrap_or_default() + "\n"
}

/// "unknown (access denied: iam:ListUsers, iam:ListGroups)" when the snapshot could not
/// read a kind.
fn unknown_because(snap: &Snapshot, operations: &[&str]) -> Option<String> {
    let gaps: Vec<&crate::model::Gap> =
        snap.gaps.iter().filter(|g| operations.contains(&g.operation.as_str())).collect();
    let first = gaps.first()?;
    let ops: Vec<&str> = gaps.iter().map(|g| g.operation.as_str()).collect();
    Some(format!("unknown ({}: {})", first.reason.as_str(), ops.join(", ")))
}

fn text_summary(snap: &Snapshot, source: &SnapshotSource) -> String {
    let s = snap.summary();
    let mut rows: Vec<(&str, String)> = vec![
        ("Account", format!("{}  {}  ({})", s.account_id, s.region, source_label(source))),
        ("Taken", s.taken_at.clone()),
    ];
    if let Some(caller) = &s.caller_arn {
        rows.push(("As", caller.clone()));
    }
    let count = |n: usize, ops: &[&str]| match (n, unknown_because(snap, ops)) {
        (0, Some(why)) => why,
        _ => n.to_string(),
    };
    rows.extend([
        ("Functions", count(s.functions, &["lambda:ListFunctions"])),
        ("  published versions", s.versions.to_string()),
        ("  aliases", s.aliases.to_string()),
        ("Resource policies", format!("{} ({} statements)", s.resource_policies, s.resource_policy_statements)),
    ]);
    if s.unparsable_policies > 0 {
        rows.push(("  unreadable", format!("{} (shown as unknown)", s.unparsable_policies)));
    }
    rows.extend([
        ("Function URLs", s.function_urls.to_string()),
        ("Event source mappings", count(s.event_source_mappings, &["lambda:ListEventSourceMappings"])),
        (
            "Web functions",
            format!("{} ({} endpoints)", count(s.web_functions, &["lambda:ListWebFunctions"]), s.web_endpoints),
        ),
        ("Layer versions", count(s.layer_versions, &["lambda:ListLayers"])),
        ("Roles", count(s.roles, &["iam:ListRoles", "iam:GetAccountAuthorizationDetails"])),
        ("Managed policies", s.managed_policies.to_string()),
    ]);
    let identity_ops = ["iam:GetAccountAuthorizationDetails", "iam:ListUsers", "iam:ListGroups"];
    let users = match (s.users + s.groups, unknown_because(snap, &identity_ops)) {
        (0, Some(why)) => why,
        _ => format!("{} / {}", s.users, s.groups),
    };
    rows.push(("Users / groups", users));
    rows.push(("Organisation", org_status(snap)));
    let by_reason: Vec<String> = s.gaps_by_reason.iter().map(|(r, n)| format!("{n} {r}")).collect();
    rows.push(("Gaps", if s.gaps == 0 { "none".into() } else { format!("{} ({})", s.gaps, by_reason.join(", ")) }));

    if !snap.absent.is_empty() {
        let things: Vec<String> = snap.absent.iter().map(|a| format!("{} {}", a.kind.as_str(), a.arn)).collect();
        rows.push(("Does not exist", things.join(", ")));
    }
    let mut out = String::new();
    for (label, value) in rows {
        out.push_str(&format!("{label:<23} {}\n", sanitize(&value)));
    }
    if !s.parts.is_empty() {
        out.push_str(&format!(
            "\n{} accounts and regions:\n  {:<14} {:<16} {:>9} {:>13} {:>14} {:>6}\n",
            s.parts.len(),
            "ACCOUNT",
            "REGION",
            "FUNCTIONS",
            "WEB FUNCTIONS",
            "LAYER VERSIONS",
            "ROLES"
        ));
        for p in &s.parts {
            out.push_str(&format!(
                "  {:<14} {:<16} {:>9} {:>13} {:>14} {:>6}\n",
                sanitize(&p.account_id),
                sanitize(&p.region),
                p.functions,
                p.web_functions,
                p.layer_versions,
                p.roles
            ));
        }
    }
    out.push_str(&org_tree(snap));
    for g in &snap.gaps {
        let mark = if g.reason == GapReason::AccessDenied { "denied" } else { g.reason.as_str() };
        out.push_str(&format!("  - {:<35} {:<14} {}\n", sanitize(&g.operation), mark, sanitize(&g.resource)));
    }
    out
}

/// The organisation in one line: read (its size), none, or why not read.
pub(super) fn org_status(snap: &Snapshot) -> String {
    match &snap.organization {
        OrgState::NotRead => match unknown_because(snap, &ORG_READS) {
            Some(why) => why,
            None => "not read (SCPs and RCPs unknown; --org reads it with Organizations read access)".into(),
        },
        OrgState::None => "none: the account is in no organisation".into(),
        OrgState::Read(o) => format!(
            "{} (management account {}): {} OUs, {} accounts, {} SCPs, {} RCPs",
            o.id,
            o.management_account,
            o.units.len(),
            o.accounts.len(),
            o.policies.iter().filter(|p| p.kind == OrgPolicyKind::Scp).count(),
            o.policies.iter().filter(|p| p.kind == OrgPolicyKind::Rcp).count()
        ),
    }
}

const ORG_READS: [&str; 7] = [
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
];

/// The organisation as a tree: the root, each OU and account under it, with the SCPs and
/// RCPs attached at each place.
fn org_tree(snap: &Snapshot) -> String {
    let Some(org) = snap.organization.read() else { return String::new() };
    let mut out = format!("\nOrganisation {}{}\n", org.id, enabled(org));
    for (depth, line) in org.tree() {
        out.push_str(&format!("{}{}\n", "  ".repeat(depth + 1), sanitize(&line)));
    }
    out
}

fn enabled(org: &Organization) -> String {
    let on: Vec<&str> = [(org.scps_enabled, "SCPs"), (org.rcps_enabled, "RCPs")]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
    if on.is_empty() { " (no SCPs or RCPs enabled)".into() } else { format!(" ({} enabled)", on.join(" and ")) }
}

/// The tree without policy documents, for `summary --format json`.
fn org_json(snap: &Snapshot) -> serde_json::Value {
    match &snap.organization {
        OrgState::NotRead => json!({"status": "not_read"}),
        OrgState::None => json!({"status": "none"}),
        OrgState::Read(o) => json!({
            "status": "read",
            "id": o.id,
            "management_account": o.management_account,
            "root_id": o.root_id,
            "units": o.units,
            "accounts": o.accounts,
            "policies": o.policies.iter().map(|p| json!({
                "id": p.id, "name": p.name, "kind": p.kind, "targets": p.targets, "read": p.document.is_some()
            })).collect::<Vec<_>>(),
        }),
    }
}
