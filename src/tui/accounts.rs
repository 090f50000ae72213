//! Rows of the accounts and regions screen: each account and region the snapshot holds,
//! with what it holds and who read it, then those that could not be read, and why.

use super::rows::{Row, Target, Tone};
use crate::graph::Graph;
use crate::text::sanitize;

pub fn account_rows(graph: &Graph) -> Vec<Row> {
    let snap = &graph.snapshot;
    let mut out = vec![Row::plain(
        format!(
            "{:<14}{:<16}{:<10}{:>10}{:>9}{:>8}{:>7}  {}",
            "ACCOUNT", "REGION", "STATE", "FUNCTIONS", "WEB FN", "LAYERS", "ROLES", "READ AS"
        ),
        Tone::Header,
    )];
    let callers: Vec<(String, String, Option<String>)> = if snap.reads.is_empty() {
        vec![(snap.account_id.clone(), snap.region.clone(), snap.caller_arn.clone())]
    } else {
        snap.reads.iter().map(|r| (r.account_id.clone(), r.region.clone(), r.caller_arn.clone())).collect()
    };
    let parts = snap.part_summaries();
    for ((account, region, caller), p) in callers.iter().zip(&parts) {
        out.push(Row {
            spans: vec![
                (format!("{:<14}{:<16}", sanitize(account), sanitize(region)), Tone::Normal),
                (format!("{:<10}", "read"), Tone::Good),
                (
                    format!("{:>10}{:>9}{:>8}{:>7}  ", p.functions, p.web_functions, p.layer_versions, p.roles),
                    Tone::Normal,
                ),
                (sanitize(caller.as_deref().unwrap_or("-")).into_owned(), Tone::Dim),
            ],
            target: Target::None,
            arn: caller.clone(),
        });
    }
    let unread = snap.gaps.iter().filter(|g| g.operation == "sts:AssumeRole" || g.operation == "sts:GetCallerIdentity");
    for g in unread {
        out.push(Row {
            spans: vec![
                (format!("{:<30}", sanitize(&g.resource)), Tone::Normal),
                (format!("{:<10}", "not read"), Tone::Bad),
                (sanitize(&g.message).into_owned(), Tone::Warn),
            ],
            target: Target::None,
            arn: Some(g.resource.clone()),
        });
    }
    out.extend(organisation_rows(graph));
    out
}

/// The organisation's tree with the SCPs and RCPs at each place, or why it is not known.
fn organisation_rows(graph: &Graph) -> Vec<Row> {
    use crate::model::OrgState;
    let blank = Row::plain(String::new(), Tone::Normal);
    let (head, tree) = match &graph.snapshot.organization {
        OrgState::Read(org) => (format!("ORGANISATION {}", org.id), org.tree()),
        OrgState::None => ("ORGANISATION none: the accounts are in no organisation".into(), Vec::new()),
        OrgState::NotRead => {
            let (unread, unknown) = graph.org_inputs();
            let why = unread.into_iter().chain(unknown).next().unwrap_or_default();
            (format!("ORGANISATION {why}"), Vec::new())
        }
    };
    let mut out = vec![blank, Row::plain(sanitize(&head).into_owned(), Tone::Header)];
    for (depth, line) in tree {
        out.push(Row::plain(format!("{}{}", "  ".repeat(depth), sanitize(&line)), Tone::Normal));
    }
    out
}
