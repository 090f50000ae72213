//! Layers in the graph: who can use each layer version this account owns (its layer
//! version policy, and this account's identity policies), the findings that shows, and
//! functions that run layers owned by other accounts.

use super::Graph;
use super::findings::{Finding, Severity, Subject, evidence, finding};
use super::invoke::{Invokers, PrincipalKind, Verdict};
use super::web::statement_grants;
use crate::model::{Function, Layer, layer_account};

/// The permission a layer version's user needs (to add it to a function or download it).
pub const USE_LAYER: &str = "lambda:GetLayerVersion";

impl Graph {
    pub fn layers(&self) -> &[Layer] {
        &self.snapshot.layers
    }

    pub fn layer_index(&self, name: &str) -> Option<usize> {
        self.snapshot.layers.iter().position(|l| l.name == name)
    }

    /// Who can use a layer's versions (or one of them), with what stays unknown.
    pub fn who_can_use_layer(&self, li: usize, version: Option<i64>) -> Invokers {
        let l = &self.snapshot.layers[li];
        let mut grants = Vec::new();
        let mut unread = self.unread_where(|g| {
            (g.operation == "lambda:ListLayers" && g.resource == "*")
                || (g.operation == "lambda:ListLayerVersions" && g.resource == l.arn)
        });
        for v in l.versions.iter().filter(|v| version.is_none_or(|n| n == v.version)) {
            let policy = v.policy.as_ref().and_then(|p| p.parsed.as_ref().ok());
            let label = format!("policy of layer version {}:{}", l.name, v.version);
            let mut rows = policy.map(|p| statement_grants(self, &v.arn, USE_LAYER, p, &label)).unwrap_or_default();
            rows.extend(self.identity_callers(USE_LAYER, &v.arn, policy));
            for r in &mut rows {
                r.qualifier = Some(v.version.to_string());
            }
            grants.extend(rows);
            unread.extend(self.unread_where(|g| g.operation == "lambda:GetLayerVersionPolicy" && g.resource == v.arn));
            if let Some(Err(e)) = v.policy.as_ref().map(|p| &p.parsed) {
                unread.push(format!(
                    "policy of layer version {} could not be parsed ({e}): who can use it is unknown",
                    v.arn
                ));
            }
        }
        unread.extend(self.identity_unread());
        let (org_unread, unknown) = self.org_inputs();
        unread.extend(org_unread);
        let function = match version.and_then(|n| l.versions.iter().find(|v| v.version == n)) {
            Some(v) => v.arn.clone(),
            None => l.arn.clone(),
        };
        Invokers { function, grants, unread: super::inputs::sorted(unread), unknown }
    }

    /// Layer versions shared with everyone, other accounts or an organisation.
    pub(super) fn layer_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (li, l) in self.layers().iter().enumerate() {
            for g in self.who_can_use_layer(li, None).grants.iter().filter(|g| g.decision != Verdict::Denied) {
                let at = format!("{}:{}", l.name, g.qualifier.clone().unwrap_or_default());
                let mut add = |id, severity, title: String| {
                    out.push(Finding {
                        id,
                        severity,
                        function: l.name.clone(),
                        arn: l.arn.clone(),
                        qualifier: g.qualifier.clone(),
                        subject: Subject::Layer,
                        title,
                        evidence: evidence(g),
                    })
                };
                match g.principal_kind {
                    PrincipalKind::Anyone if g.restricted_by.is_empty() => add(
                        "public-layer",
                        Severity::Medium,
                        format!(
                            "any AWS account can use and download layer version {at}: its code and files are public"
                        ),
                    ),
                    PrincipalKind::Organization => add(
                        "org-wide",
                        Severity::Low,
                        format!("every account of organisation {} can use layer version {at}", g.principal),
                    ),
                    _ if self.other_account(&g.principal, &l.arn).is_some() => add(
                        "cross-account-layer",
                        Severity::Low,
                        format!(
                            "account {} can use and download layer version {at}",
                            self.other_account(&g.principal, &l.arn).unwrap_or_default()
                        ),
                    ),
                    _ => {}
                }
            }
        }
        out
    }

    /// A function that runs a layer owned by another account runs that account's code
    /// with its own role.
    pub(super) fn foreign_layer_findings(&self, f: &Function) -> Vec<Finding> {
        f.layers
            .iter()
            .filter_map(|arn| Some((arn, layer_account(arn)?)))
            .filter(|(_, account)| *account != self.account_of(&f.arn))
            .map(|(arn, account)| {
                finding(
                    "foreign-layer",
                    Severity::Low,
                    f,
                    None,
                    format!("{} runs layer code owned by account {account} with its own role; {}", f.name, {
                        match self.snapshot.organization.read() {
                            Some(o) if o.is_member(account) => format!("that account is in your organisation {}", o.id),
                            Some(o) => format!("that account is not in your organisation {}", o.id),
                            None => "whether that account is in your organisation was not read".to_string(),
                        }
                    }),
                    vec![format!("layer {arn}")],
                )
            })
            .collect()
    }
}
