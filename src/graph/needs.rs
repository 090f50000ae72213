//! Actions whose resource must agree too: IAM policies alone never let anyone use a KMS key
//! (its key policy must allow the caller or delegate to the account), and `sts:AssumeRole`
//! works only where the target role's trust policy lets the caller in. The snapshot holds
//! trust policies, so for roles the answer is resolved; key policies are not read, so for
//! keys it stays a stated condition.

use super::Graph;

impl Graph {
    /// What must agree before a role's actions in `service` work, in words; `None` when
    /// nothing beyond the role's own policies does.
    pub(super) fn requires(&self, service: &str, role: &str) -> Option<String> {
        match service {
            "kms" => Some(
                "only on keys whose key policy allows this role, naming it or delegating to this account's IAM \
                 policies (as the default key policy does); key policies are not read"
                    .into(),
            ),
            "sts" => Some(self.assumable(role)),
            _ => None,
        }
    }

    /// Which roles of the snapshot `role` may assume, decided with their trust policies.
    fn assumable(&self, role: &str) -> String {
        if self.principal(role).is_none() {
            return "sts:AssumeRole: the role's policies are not in the snapshot".into();
        }
        let edges = self.assume_edges(role);
        let pick =
            |v: super::Verdict| edges.iter().filter(|h| h.decision == v).map(|h| h.to.clone()).collect::<Vec<_>>();
        let (allowed, conditional) = (pick(super::Verdict::Allowed), pick(super::Verdict::Conditional));
        let mut out =
            String::from("sts:AssumeRole works only where the target role's trust policy lets this role in; ");
        match (allowed.is_empty(), conditional.is_empty()) {
            (true, true) => out.push_str("no role in this snapshot does"),
            _ => {
                if !allowed.is_empty() {
                    out.push_str(&format!("it can assume {}", allowed.join(", ")));
                }
                if !conditional.is_empty() {
                    let sep = if allowed.is_empty() { "" } else { "; " };
                    out.push_str(&format!("{sep}under conditions {}", conditional.join(", ")));
                }
            }
        }
        out.push_str("; roles of other accounts decide by their own trust policies");
        out
    }
}
