//! Wildcard patterns as IAM uses them: `*` matches any run of characters, `?` one
//! character, and (in `2012-10-17` documents) `${key}` policy variables are replaced by
//! the request's value for `key`. `${*}`, `${?}` and `${$}` stand for the literal
//! characters, and `${key, 'default'}` supplies a value when the key is absent.

use super::context::{Context, Lookup};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Characters matched literally (including a literal `*` from `${*}`).
    Text(String),
    Star,
    Question,
    Var {
        key: String,
        default: Option<String>,
    },
}

/// One element of a resolved pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Ch(char),
    /// `*`: any run of characters, possibly empty.
    Any,
    /// `?`: exactly one character.
    One,
}

/// A compiled pattern, ready to be resolved against a request context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<Piece>,
    /// Tokens precomputed when the pattern holds no variable (the common case).
    fixed: Option<Vec<Tok>>,
}

/// A pattern after policy variables were substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Ready(Vec<Tok>),
    /// A variable has no value (absent or multi-valued, no default): matches nothing.
    Unresolvable,
    /// A variable names a key the question leaves free.
    Unknown,
}

/// How to read a pattern's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    pub wildcards: bool,
    pub variables: bool,
}

impl Pattern {
    pub fn compile(text: &str, syntax: Syntax) -> Pattern {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if syntax.variables
                && rest.starts_with("${")
                && let Some(end) = rest.find('}')
            {
                flush(&mut literal, &mut pieces);
                pieces.push(variable(&rest[2..end]));
                rest = &rest[end + 1..];
                continue;
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut literal, &mut pieces);
                    // A run of `*` matches what one does: keep one, so every match and
                    // expansion stays linear in the text, however long the run.
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Question);
                }
                _ => literal.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut literal, &mut pieces);
        let has_vars = pieces.iter().any(|p| matches!(p, Piece::Var { .. }));
        let fixed = if has_vars { None } else { Some(pieces.iter().flat_map(piece_tokens).collect()) };
        Pattern { pieces, fixed }
    }

    /// Substitutes policy variables from the context.
    pub fn resolve(&self, ctx: &Context) -> Resolved {
        if let Some(fixed) = &self.fixed {
            return Resolved::Ready(fixed.clone());
        }
        let mut out = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Var { key, default } => match variable_value(key, default, ctx) {
                    Ok(value) => out.extend(value.chars().map(Tok::Ch)),
                    Err(unresolved) => return unresolved,
                },
                other => out.extend(piece_tokens(other)),
            }
        }
        Resolved::Ready(out)
    }

    /// The tokens when the pattern has no variables.
    pub fn fixed(&self) -> Option<&[Tok]> {
        self.fixed.as_deref()
    }
}

fn flush(literal: &mut String, pieces: &mut Vec<Piece>) {
    if !literal.is_empty() {
        pieces.push(Piece::Text(std::mem::take(literal)));
    }
}

fn piece_tokens(piece: &Piece) -> Vec<Tok> {
    match piece {
        Piece::Text(t) => t.chars().map(Tok::Ch).collect(),
        Piece::Star => vec![Tok::Any],
        Piece::Question => vec![Tok::One],
        Piece::Var { .. } => Vec::new(),
    }
}

/// Reads the inside of `${...}`.
fn variable(inner: &str) -> Piece {
    let inner = inner.trim();
    match inner {
        "*" | "?" | "$" => return Piece::Text(inner.to_string()),
        _ => {}
    }
    match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')).unwrap_or(default);
            Piece::Var { key: key.trim().to_string(), default: Some(default.to_string()) }
        }
        None => Piece::Var { key: inner.to_string(), default: None },
    }
}

fn variable_value<'a>(key: &str, default: &'a Option<String>, ctx: &'a Context) -> Result<&'a str, Resolved> {
    match ctx.get(key) {
        Lookup::Present([one]) => Ok(one.as_str()),
        Lookup::Unknown => Err(Resolved::Unknown),
        // Absent, or multi-valued (which IAM does not substitute).
        _ => default.as_deref().ok_or(Resolved::Unresolvable),
    }
}

pub use super::glob::glob;

fn same_char(a: char, b: char, fold: bool) -> bool {
    if a == b {
        return true;
    }
    fold && (a.eq_ignore_ascii_case(&b) || a.to_lowercase().eq(b.to_lowercase()))
}

/// Exact comparison of resolved tokens (wildcards already read as literals).
pub fn equals(toks: &[Tok], text: &str, fold: bool) -> bool {
    let mut chars = text.chars();
    for tok in toks {
        match (tok, chars.next()) {
            (Tok::Ch(c), Some(t)) if same_char(*c, t, fold) => {}
            _ => return false,
        }
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOB: Syntax = Syntax { wildcards: true, variables: true };

    fn m(pattern: &str, text: &str) -> bool {
        match Pattern::compile(pattern, GLOB).resolve(&Context::closed()) {
            Resolved::Ready(t) => glob(&t, text, false),
            _ => false,
        }
    }

    #[test]
    fn a_run_of_stars_is_one_token() {
        let p = Pattern::compile(&("*".repeat(100_000) + "a"), GLOB);
        assert_eq!(p.fixed(), Some(&[Tok::Any, Tok::Ch('a')][..]));
        let q = Pattern::compile("a**b***", GLOB);
        assert_eq!(q.fixed(), Some(&[Tok::Ch('a'), Tok::Any, Tok::Ch('b'), Tok::Any][..]));
        // `${*}` is a literal star, not a wildcard: it never merges with one.
        let literal = Pattern::compile("*${*}*", GLOB);
        assert_eq!(literal.fixed(), Some(&[Tok::Any, Tok::Ch('*'), Tok::Any][..]));
    }

    #[test]
    fn wildcards() {
        assert!(m("*", ""));
        assert!(m("a*c", "abbbc"));
        assert!(m("a*c", "ac"));
        assert!(!m("a*c", "acb"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("abc", "ABC"));
        assert!(m("${*}", "*"));
        assert!(!m("${*}", "x"));
        assert!(m("a${?}", "a?"));
        assert!(m("${$}", "$"));
    }

    #[test]
    fn variables() {
        let mut ctx = Context::closed();
        ctx.set("aws:username", vec!["alice".into()]);
        let p = Pattern::compile("home/${aws:username}/*", GLOB);
        let Resolved::Ready(t) = p.resolve(&ctx) else { panic!("should resolve") };
        assert!(glob(&t, "home/alice/x", false));
        assert!(!glob(&t, "home/bob/x", false));
        let p = Pattern::compile("${aws:missing}", GLOB);
        assert_eq!(p.resolve(&ctx), Resolved::Unresolvable);
        let p = Pattern::compile("${aws:missing, 'dflt'}", GLOB);
        assert_eq!(p.resolve(&ctx), Resolved::Ready("dflt".chars().map(Tok::Ch).collect()));
        assert_eq!(Pattern::compile("${aws:x}", GLOB).resolve(&Context::open()), Resolved::Unknown);
        // A value's own `*` is literal.
        ctx.set("k", vec!["*".into()]);
        let Resolved::Ready(t) = Pattern::compile("${k}", GLOB).resolve(&ctx) else { panic!("should resolve") };
        assert!(!glob(&t, "abc", false));
    }

    #[test]
    fn no_variables_in_old_version() {
        let p = Pattern::compile("${aws:username}", Syntax { wildcards: true, variables: false });
        assert!(matches!(p.resolve(&Context::closed()), Resolved::Ready(t) if glob(&t, "${aws:username}", false)));
    }

    #[test]
    fn fold_and_equals() {
        let t: Vec<Tok> = "S3:Get*".chars().map(|c| if c == '*' { Tok::Any } else { Tok::Ch(c) }).collect();
        assert!(glob(&t, "s3:getobject", true));
        assert!(!glob(&t, "s3:getobject", false));
        let lit: Vec<Tok> = "a*".chars().map(Tok::Ch).collect();
        assert!(equals(&lit, "a*", false));
        assert!(!equals(&lit, "ab", false));
    }
}
