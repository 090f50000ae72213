//! ARN matching, as IAM does it for `Resource` and the `Arn*` condition operators:
//! `arn:partition:service:region:account:` segment by segment (a wildcard cannot cross a
//! `:` there), then the remainder as one string, where `*` may cross `:` and `/`.

use super::pattern::{Tok, glob};

/// The six parts of an ARN: the five fixed segments and the resource remainder.
pub fn split(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let out = [parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?];
    (out[0] == "arn").then_some(out)
}

/// The account segment of an ARN, when it names one.
pub fn account(arn: &str) -> Option<&str> {
    split(arn).map(|p| p[4]).filter(|a| !a.is_empty())
}

/// Matches an ARN against resolved pattern tokens, case-sensitively.
pub fn matches(pattern: &[Tok], arn: &str) -> bool {
    if pattern == [Tok::Any] {
        return true;
    }
    let pattern_parts = split_tokens(pattern);
    match (pattern_parts.len(), split(arn)) {
        (6, Some(text_parts)) => pattern_parts.iter().zip(text_parts.iter()).all(|(p, t)| glob(p, t, false)),
        // Each of the six components is checked on its own, so a pattern with fewer
        // components (`arn:aws:lambda:*`) matches no full ARN.
        (_, Some(_)) => false,
        // A resource that is not an ARN (`*` for actions without resource types).
        (_, None) => glob(pattern, arn, false),
    }
}

/// Splits tokens on the first five literal colons.
fn split_tokens(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (i, tok) in toks.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if *tok == Tok::Ch(':') {
            parts.push(&toks[start..i]);
            start = i + 1;
        }
    }
    parts.push(&toks[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::context::Context;
    use crate::policy::pattern::{Pattern, Resolved, Syntax};

    fn m(pattern: &str, arn: &str) -> bool {
        let syntax = Syntax { wildcards: true, variables: true };
        match Pattern::compile(pattern, syntax).resolve(&Context::closed()) {
            Resolved::Ready(t) => matches(&t, arn),
            _ => false,
        }
    }

    #[test]
    fn segment_wise() {
        let f = "arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD";
        assert!(m("arn:aws:lambda:*:123456789012:function:my-fn*", f));
        assert!(m("arn:aws:lambda:us-east-1:123456789012:function:my-fn:*", f));
        assert!(!m("arn:aws:lambda:us-east-1:123456789012:function:my-fn", f));
        assert!(m("*", f));
        assert!(!m("arn:aws:lambda:*", f));
        assert!(m("arn:aws:lambda:*:*:*:*", f));
        // A wildcard in the region segment cannot swallow the account.
        assert!(!m("arn:aws:lambda:*:function:my-fn:PROD", f));
        assert!(!m("arn:aws:lambda:us-east-?:123456789012:function:MY-FN:PROD", f));
        assert!(m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.csv"));
        assert!(!m("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
        assert_eq!(account(f), Some("123456789012"));
        assert_eq!(account("arn:aws:s3:::bucket"), None);
    }
}
