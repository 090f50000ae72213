//! Condition operators and their evaluation against a request context, in three-valued
//! logic (a key the question leaves free gives `Unknown`).

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use super::arn;
use super::context::{Context, Lookup};
use super::document::Condition;
use super::pattern::{Pattern, Resolved, Syntax, Tok, equals, glob};
use super::tri::Tri;

/// What an operator compares, before negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    BinaryEquals,
    IpAddress,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// A condition operator such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub name: String,
    pub test: Test,
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// The base operators IAM defines, with what they test and whether they negate.
const OPERATORS: &[(&str, Test, bool)] = &[
    ("StringEquals", Test::StringEquals, false),
    ("StringNotEquals", Test::StringEquals, true),
    ("StringEqualsIgnoreCase", Test::StringEqualsIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Test::StringEqualsIgnoreCase, true),
    ("StringLike", Test::StringLike, false),
    ("StringNotLike", Test::StringLike, true),
    ("NumericEquals", Test::Numeric(Cmp::Eq), false),
    ("NumericNotEquals", Test::Numeric(Cmp::Eq), true),
    ("NumericLessThan", Test::Numeric(Cmp::Lt), false),
    ("NumericLessThanEquals", Test::Numeric(Cmp::Le), false),
    ("NumericGreaterThan", Test::Numeric(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Test::Numeric(Cmp::Ge), false),
    ("DateEquals", Test::Date(Cmp::Eq), false),
    ("DateNotEquals", Test::Date(Cmp::Eq), true),
    ("DateLessThan", Test::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Test::Date(Cmp::Le), false),
    ("DateGreaterThan", Test::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Test::Date(Cmp::Ge), false),
    ("Bool", Test::Bool, false),
    ("BinaryEquals", Test::BinaryEquals, false),
    ("IpAddress", Test::IpAddress, false),
    ("NotIpAddress", Test::IpAddress, true),
    ("ArnEquals", Test::Arn, false),
    ("ArnLike", Test::Arn, false),
    ("ArnNotEquals", Test::Arn, true),
    ("ArnNotLike", Test::Arn, true),
    ("Null", Test::Null, false),
];

impl Operator {
    /// Parses an operator name; `None` when IAM has no such operator.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let (_, test, negated) = OPERATORS.iter().find(|(n, _, _)| *n == base)?;
        if *test == Test::Null && (if_exists || set.is_some()) {
            return None;
        }
        Some(Operator { name: name.to_string(), test: *test, negated: *negated, if_exists, set })
    }

    /// How a policy value of this operator is compiled.
    pub fn syntax(&self, variables: bool) -> Syntax {
        let wildcards = matches!(self.test, Test::StringLike | Test::Arn);
        let variables = variables
            && matches!(self.test, Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike | Test::Arn);
        Syntax { wildcards, variables }
    }
}

/// Evaluates one condition (one operator, one key, its values).
pub fn evaluate(cond: &Condition, ctx: &Context) -> Tri {
    let op = &cond.operator;
    let values = match ctx.get(&cond.key) {
        Lookup::Unknown => return Tri::Unknown,
        Lookup::Absent => return Tri::from_bool(absent_result(op, cond)),
        Lookup::Present(values) => values,
    };
    if op.test == Test::Null {
        return Tri::from_bool(cond.values.iter().any(|v| v.eq_ignore_ascii_case("false")));
    }
    let single = |v: &String| -> Tri {
        let hit = any_policy_value(cond, ctx, v);
        if op.negated { !hit } else { hit }
    };
    match op.set {
        Some(SetQualifier::ForAllValues) => Tri::all(values.iter().map(single)),
        // Without a set qualifier a multi-valued key matches when any value does, and the
        // negated operators are the negation of that.
        Some(SetQualifier::ForAnyValue) => Tri::any(values.iter().map(single)),
        None => {
            let hit = Tri::any(values.iter().map(|v| any_policy_value(cond, ctx, v)));
            if op.negated { !hit } else { hit }
        }
    }
}

/// The result when the request does not carry the key at all.
fn absent_result(op: &Operator, cond: &Condition) -> bool {
    match (op.test, op.set) {
        (Test::Null, _) => cond.values.iter().any(|v| v.eq_ignore_ascii_case("true")),
        (_, Some(SetQualifier::ForAllValues)) => true,
        (_, Some(SetQualifier::ForAnyValue)) => false,
        _ => op.if_exists || op.negated,
    }
}

/// Does the request value match any of the condition's policy values (positive sense)?
fn any_policy_value(cond: &Condition, ctx: &Context, request: &str) -> Tri {
    Tri::any(
        cond.values
            .iter()
            .zip(&cond.patterns)
            .map(|(raw, pattern)| one_value(cond.operator.test, raw, pattern, ctx, request)),
    )
}

fn one_value(test: Test, raw: &str, pattern: &Pattern, ctx: &Context, request: &str) -> Tri {
    let toks = match pattern.resolve(ctx) {
        Resolved::Ready(t) => t,
        Resolved::Unresolvable => return Tri::False,
        Resolved::Unknown => return Tri::Unknown,
    };
    Tri::from_bool(match test {
        Test::StringEquals => equals(&toks, request, false),
        Test::StringEqualsIgnoreCase => equals(&toks, request, true),
        Test::StringLike => glob(&toks, request, false),
        Test::Arn => arn::matches(&toks, request),
        Test::Numeric(cmp) => compare(number(request), number(raw), cmp),
        Test::Date(cmp) => compare(date(request), date(raw), cmp),
        Test::Bool => bool_value(request).is_some() && bool_value(request) == bool_value(raw),
        Test::BinaryEquals => tokens_text(&toks) == request,
        Test::IpAddress => ip_in(request, raw),
        Test::Null => false,
    })
}

fn tokens_text(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Ch(c) => *c,
            Tok::Any => '*',
            Tok::One => '?',
        })
        .collect()
}

fn compare<T: PartialOrd>(request: Option<T>, policy: Option<T>, cmp: Cmp) -> bool {
    let (Some(r), Some(p)) = (request, policy) else {
        return false;
    };
    match cmp {
        Cmp::Eq => r == p,
        Cmp::Lt => r < p,
        Cmp::Le => r <= p,
        Cmp::Gt => r > p,
        Cmp::Ge => r >= p,
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn bool_value(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A date as milliseconds since the epoch: ISO 8601 (with or without zone, or date only)
/// or a count of epoch seconds.
pub fn date(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok()?.checked_mul(1000);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.timestamp_millis());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%MZ", "%Y-%m-%dT%H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(text, fmt) {
            return Some(d.and_utc().timestamp_millis());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp_millis())
}

/// Is the request's address inside the policy's CIDR block (or equal to its address)?
fn ip_in(request: &str, policy: &str) -> bool {
    let request = request.trim();
    let request = request.split('/').next().unwrap_or(request);
    let Ok(addr) = request.parse::<IpAddr>() else {
        return false;
    };
    let (net, len) = match policy.trim().split_once('/') {
        Some((n, l)) => (n, l.parse::<u32>().ok()),
        None => (policy.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else {
        return false;
    };
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(u32::from(a).into(), u32::from(n).into(), len.unwrap_or(32), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix_eq(u128::from(a), u128::from(n), len.unwrap_or(128), 128),
        _ => false,
    }
}

fn prefix_eq(a: u128, n: u128, len: u32, bits: u32) -> bool {
    if len > bits {
        return false;
    }
    if len == 0 {
        return true;
    }
    let shift = bits - len;
    (a >> shift) == (n >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        let op = Operator::parse("ForAnyValue:StringNotLikeIfExists").expect("valid");
        assert_eq!(op.test, Test::StringLike);
        assert!(op.negated && op.if_exists);
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert!(Operator::parse("StringEqual").is_none());
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("stringequals").is_none());
    }

    #[test]
    fn dates_and_ips() {
        assert_eq!(date("1970-01-01T00:00:10Z"), Some(10_000));
        assert_eq!(date("10"), Some(10_000));
        assert_eq!(date("1970-01-02"), Some(86_400_000));
        assert_eq!(date("1970-01-01T01:00:00+01:00"), Some(0));
        assert!(date("yesterday").is_none());
        assert!(ip_in("10.1.2.3", "10.0.0.0/8"));
        assert!(!ip_in("11.1.2.3", "10.0.0.0/8"));
        assert!(ip_in("10.1.2.3", "10.1.2.3"));
        assert!(ip_in("2001:db8::1", "2001:db8::/32"));
        assert!(!ip_in("10.1.2.3", "2001:db8::/32"));
        assert!(ip_in("1.2.3.4", "0.0.0.0/0"));
    }
}
