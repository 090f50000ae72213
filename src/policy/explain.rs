//! Putting a decision into words: which statements decided, what each side of the rules
//! lacked, which statements missed only on a condition or a resource, and what a
//! conditional answer depends on.

use super::context::Lookup;
use super::document::Effect;
use super::eval::{Decision, Evaluation, Hit, Kind, Miss, Path, Pending, Policies, Request, StatementRef, allows};
use super::principal::MatchKind;
use super::tri::Tri;

pub(super) struct Explain<'r, 'h, 'a> {
    pub req: &'r Request<'r>,
    pub hits: &'h [Hit<'a>],
    pub same_account: bool,
    pub is_root: bool,
    pub has_boundary: bool,
    pub policies: &'r Policies<'r>,
}

impl Explain<'_, '_, '_> {
    fn request(&self) -> String {
        format!("{} calling {} on {}", self.req.caller, self.req.action, self.req.resource)
    }

    pub fn explicit_deny(&self, deny: &Path) -> Evaluation {
        let deciding: Vec<StatementRef> =
            deny.hits.iter().filter(|h| h.tri == Tri::True).map(|h| h.at.clone()).collect();
        let mut reasons: Vec<String> =
            deciding.iter().map(|s| format!("explicitly denied by {}", s.describe())).collect();
        reasons.push("an explicit Deny overrides every Allow".into());
        Evaluation { decision: Decision::ExplicitDeny, deciding, reasons, pending: Vec::new() }
    }

    pub fn allowed(&self, paths: &[Path]) -> Evaluation {
        let mut deciding: Vec<StatementRef> = Vec::new();
        let mut reasons = Vec::new();
        for path in paths.iter().filter(|p| p.tri == Tri::True) {
            for h in path.hits.iter().filter(|h| h.tri == Tri::True) {
                if !deciding.contains(&h.at) {
                    deciding.push(h.at.clone());
                    reasons.push(self.allow_reason(h));
                }
            }
        }
        if self.is_root {
            reasons.insert(0, "the account's root user has every identity permission in its own account".into());
        }
        if !self.same_account && self.req.caller.has_identity_policies() {
            reasons.push("cross-account: both the caller's identity policies and the resource policy allow it".into());
        }
        Evaluation { decision: Decision::Allowed, deciding, reasons, pending: Vec::new() }
    }

    fn allow_reason(&self, h: &Hit) -> String {
        let what = h.at.describe();
        match (h.kind, h.principal) {
            (Kind::Boundary, _) => format!("the permission boundary allows it ({what})"),
            (Kind::Identity, _) => format!("allowed by {what}"),
            (Kind::Resource, MatchKind::Account) => {
                format!("{what} grants it to the caller's account")
            }
            (Kind::Resource, MatchKind::RoleArn) => {
                format!("{what} grants it to the caller's role (still capped by the role's permission boundary)")
            }
            (Kind::Resource, MatchKind::Direct) => format!("allowed by {what}"),
            (Kind::Scp(_), _) => format!("the organisation's service control policies allow it ({what})"),
            (Kind::Rcp(_), _) => format!("the organisation's resource control policies allow it ({what})"),
        }
    }

    pub fn implicit_deny(&self, deny: &Path) -> Evaluation {
        let identity_allows = allows(self.hits, Kind::Identity).any(|h| h.tri != Tri::False);
        let own_policy = self.same_account && super::eval::needs_resource_policy(self.req.action, self.req.resource);
        let mut reasons = if own_policy && identity_allows {
            let (whose, example) = if self.req.resource.contains(":kms:") {
                ("the key policy", "as the default key policy does")
            } else {
                ("the role's trust policy", "as a trust policy naming the account does")
            };
            vec![format!(
                "an identity policy allows {}, but that is not enough here: {whose} must allow it too, \
                 naming the caller or delegating to its account ({example})",
                self.request()
            )]
        } else if !self.guardrail_gaps().is_empty() {
            vec![format!("the organisation's guardrails stop {}", self.request())]
        } else {
            vec![format!("no policy allows {}", self.request())]
        };
        reasons.extend(self.missing());
        reasons.extend(self.near_misses());
        if deny.tri == Tri::Unknown {
            reasons.push("a Deny statement may also apply, depending on conditions".into());
        }
        Evaluation { decision: Decision::ImplicitDeny, deciding: Vec::new(), reasons, pending: Vec::new() }
    }

    /// What each required side lacks, in words.
    fn missing(&self) -> Vec<String> {
        let caller = self.req.caller;
        let mut out = Vec::new();
        let granted = |kind: Kind| allows(self.hits, kind).any(|h| h.tri != Tri::False);
        let resource_kinds: Vec<MatchKind> =
            allows(self.hits, Kind::Resource).filter(|h| h.tri != Tri::False).map(|h| h.principal).collect();
        if !caller.has_identity_policies() && !self.is_root {
            if !self.policies.identity.is_empty() {
                out.push(format!(
                    "identity policies were ignored: a {} caller has none",
                    caller.principal_type().to_lowercase()
                ));
            }
            out.push(match self.policies.resource {
                None => "there is no resource policy, and only a resource policy can grant this caller access".into(),
                Some(_) => "the resource policy grants nothing to this caller".into(),
            });
            return out;
        }
        if !self.is_root && !granted(Kind::Identity) {
            out.push("no identity-policy statement allows it".into());
        }
        if self.has_boundary && !granted(Kind::Boundary) {
            out.push("the permission boundary does not allow it".into());
        }
        if resource_kinds.is_empty() {
            out.push(match self.policies.resource {
                None => "there is no resource policy".into(),
                Some(_) => "the resource policy grants nothing to this caller".into(),
            });
        } else if self.same_account && resource_kinds.iter().all(|k| *k == MatchKind::Account) {
            out.push("the resource policy names only the caller's account, which delegates to that account's identity policies".into());
        }
        if !self.same_account {
            out.push("cross-account: the caller's identity policies and the resource policy must both allow it".into());
        }
        out.extend(self.guardrail_gaps());
        out
    }

    /// The organisation levels where no attached SCP or RCP allows the request.
    fn guardrail_gaps(&self) -> Vec<String> {
        let open = |kind: Kind| allows(self.hits, kind).any(|h| h.tri != Tri::False);
        let scp = self.policies.scp.iter().enumerate().filter(|(i, _)| !open(Kind::Scp(*i))).map(|(_, l)| {
            format!("no service control policy attached at {} allows it (an SCP allow-list without it)", l.place)
        });
        let rcp = self
            .policies
            .rcp
            .iter()
            .enumerate()
            .filter(|(i, _)| !open(Kind::Rcp(*i)))
            .map(|(_, l)| format!("no resource control policy attached at {} allows it", l.place));
        scp.chain(rcp).collect()
    }

    /// Statements that matched everything but a condition.
    fn near_misses(&self) -> Vec<String> {
        self.hits
            .iter()
            .filter(|h| h.at.effect == Effect::Allow)
            .filter_map(|h| {
                Some(match h.miss.as_ref()? {
                    Miss::Condition(c) => format!(
                        "{} would allow it, but its condition {c} is not met ({})",
                        h.at.describe(),
                        self.request_value(&c.key)
                    ),
                    Miss::Resource(t) => format!(
                        "{} allows it on {}{}, which does not cover {}",
                        h.at.describe(),
                        if t.negated { "everything but " } else { "" },
                        t.values.iter().map(|v| v.text.as_str()).collect::<Vec<_>>().join(", "),
                        self.req.resource
                    ),
                })
            })
            .collect()
    }

    fn request_value(&self, key: &str) -> String {
        match self.req.context.get(key) {
            Lookup::Present(values) => {
                format!("request has {key} = {}", values.join(", "))
            }
            _ => format!("request has no {key}"),
        }
    }

    pub fn conditional(&self, deny: &Path, paths: &[Path]) -> Evaluation {
        let mut pending = Vec::new();
        let unknown_hits =
            deny.hits.iter().chain(paths.iter().flat_map(|p| p.hits.iter())).filter(|h| h.tri == Tri::Unknown);
        for h in unknown_hits {
            if pending.iter().any(|p: &Pending| p.statement == h.at) {
                continue;
            }
            pending.push(Pending {
                statement: h.at.clone(),
                conditions: h.unknown.iter().map(|c| c.to_string()).collect(),
            });
        }
        let reasons = pending
            .iter()
            .map(|p| {
                let verb = if p.statement.effect == Effect::Deny { "denies" } else { "allows" };
                format!("{} {verb} it only when {}", p.statement.describe(), p.conditions.join(" and "))
            })
            .collect();
        let mut deciding: Vec<StatementRef> = pending.iter().map(|p| p.statement.clone()).collect();
        for h in paths.iter().flat_map(|p| p.hits.iter()).filter(|h| h.tri == Tri::True) {
            if !deciding.contains(&h.at) {
                deciding.push(h.at.clone());
            }
        }
        Evaluation { decision: Decision::Conditional, deciding, reasons, pending }
    }
}
