//! What each screen lists, as rows of styled text with what Enter does on them. Every row
//! is built from `graph` answers; every string from AWS is sanitised here, once.

use crate::graph::{Finding, Grant, Graph, Path, Severity, Verdict, invoke_scopes};
use crate::model::Scope;
use crate::text::sanitize;

/// How a piece of text should look; the view maps tones to colours, and every tone that
/// carries meaning also has a symbol, so colour never stands alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Dim,
    Header,
    Good,
    Warn,
    Bad,
    Key,
    Str,
    Highlight,
}

/// What opening a row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    None,
    Function(usize),
    /// Show this statement of a scope's resource policy (or a role policy) in the Policies tab.
    Statement {
        scope: Option<Scope>,
        statement: Option<String>,
    },
    Principal(String),
    /// Show this statement of one of the execution role's policies.
    RoleStatement {
        policy: String,
        statement: String,
    },
}

/// Which statement the Policies tab highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Highlight {
    /// A statement of a scope's resource policy.
    Scope(Option<Scope>, Option<String>),
    /// A statement of one of the role's policies (`inline policy x`, `managed policy ARN`).
    Role { policy: String, statement: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub spans: Vec<(String, Tone)>,
    pub target: Target,
    /// What `y` copies.
    pub arn: Option<String>,
}

impl Row {
    pub fn text(spans: Vec<(String, Tone)>) -> Row {
        Row { spans, target: Target::None, arn: None }
    }

    pub fn plain(text: impl Into<String>, tone: Tone) -> Row {
        Row::text(vec![(text.into(), tone)])
    }

    /// The row as one string (for tests and searching).
    pub fn line(&self) -> String {
        self.spans.iter().map(|(t, _)| t.as_str()).collect()
    }
}

pub(super) fn s(text: &str) -> String {
    sanitize(text).into_owned()
}

/// One function in the Functions table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRow {
    pub index: usize,
    pub name: String,
    pub arn: String,
    pub runtime: String,
    /// The day it was last modified (`YYYY-MM-DD`), from the listing.
    pub modified: String,
    pub role: String,
    pub invokers: usize,
    pub public: &'static str,
    pub worst: Option<Severity>,
    /// The id of the worst finding (`public-invoke`, ...).
    pub worst_id: Option<&'static str>,
    /// Listed, but its details are not read yet (a live account still loading).
    pub pending: bool,
    /// `ACCOUNT REGION` when the snapshot holds several; empty otherwise.
    pub place: String,
}

pub fn function_rows(graph: &Graph, findings: &[Finding]) -> Vec<FunctionRow> {
    let mut by_function: std::collections::HashMap<&str, Vec<&Finding>> = std::collections::HashMap::new();
    for x in findings {
        if x.subject == crate::graph::Subject::Function {
            by_function.entry(x.arn.as_str()).or_default().push(x);
        }
    }
    let pending: std::collections::HashSet<&str> = graph
        .snapshot
        .gaps
        .iter()
        .filter(|g| g.reason == crate::model::GapReason::Pending && g.operation == "lambda:ListAliases")
        .map(|g| g.resource.as_str())
        .collect();
    graph
        .functions()
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let mine = by_function.get(f.arn.as_str()).map(Vec::as_slice).unwrap_or_default();
            let worst_finding = mine.iter().max_by_key(|x| x.severity);
            let worst = worst_finding.map(|x| x.severity);
            let public = if mine.iter().any(|x| x.id == "public-invoke") {
                "INVOKE"
            } else if mine.iter().any(|x| x.id == "public-url") {
                "URL"
            } else {
                "-"
            };
            let mut principals: Vec<&str> = graph
                .direct_grants(index)
                .iter()
                .filter(|g| g.decision != Verdict::Denied)
                .map(|g| g.principal.as_str())
                .collect();
            principals.sort_unstable();
            principals.dedup();
            let place = match crate::model::arn_place(&f.arn) {
                Some((region, account)) if graph.snapshot.is_multi() => format!("{account} {region}"),
                _ => String::new(),
            };
            FunctionRow {
                index,
                place,
                name: s(&f.name),
                arn: f.arn.clone(),
                runtime: s(f.runtime.as_deref().unwrap_or("-")),
                modified: s(f.last_modified.as_deref().map_or("-", |m| m.get(..10).unwrap_or(m))),
                role: s(f.role_arn.rsplit('/').next().unwrap_or_default()),
                invokers: principals.len(),
                public,
                worst,
                worst_id: worst_finding.map(|x| x.id),
                pending: pending.contains(f.arn.as_str()),
            }
        })
        .collect()
}

pub fn severity_tone(s: Option<Severity>) -> Tone {
    match s {
        Some(Severity::Critical | Severity::High) => Tone::Bad,
        Some(Severity::Medium) => Tone::Warn,
        Some(_) => Tone::Dim,
        None => Tone::Good,
    }
}

/// `■ critical` etc.; the square's fill says how bad as well as the colour.
pub fn severity_label(s: Option<Severity>) -> String {
    match s {
        Some(sev @ (Severity::Critical | Severity::High)) => format!("■ {}", sev.label()),
        Some(sev) => format!("□ {}", sev.label()),
        None => "· none".into(),
    }
}

/// One grant as a row's spans: verdict, principal, path, where it lives, its first condition.
pub fn grant_spans(g: &Grant, indent: &str) -> Vec<(String, Tone)> {
    let (mark, tone) = verdict_mark(g.decision);
    let detail = match g.path {
        Path::EventSource | Path::FunctionUrl => g.source.clone(),
        _ => g.statement_id.clone().map(|st| format!("statement {st}")).unwrap_or_default(),
    };
    let mut spans = vec![
        (format!("{indent}{mark} "), tone),
        (format!("{:<12}", g.decision.label()), tone),
        (format!("{:<44} ", s(&g.principal)), Tone::Normal),
        (format!("{:<16}", g.path.label()), Tone::Dim),
        (s(&detail), Tone::Dim),
    ];
    if let Some(c) = g.conditions.first() {
        spans.push((format!("  {}", s(c)), Tone::Warn));
    }
    spans
}

pub fn verdict_mark(v: Verdict) -> (&'static str, Tone) {
    match v {
        Verdict::Allowed => ("✔", Tone::Good),
        Verdict::Conditional => ("?", Tone::Warn),
        Verdict::Denied => ("✖", Tone::Bad),
    }
}

/// The lines above a function's tabs: what it is, and which scopes and URLs it has.
pub fn function_header(graph: &Graph, function: usize) -> Vec<String> {
    let f = graph.function(function);
    let first = s(&f.arn);
    let middle = format!(
        "{} · role {} · modified {}",
        s(f.runtime.as_deref().unwrap_or("no runtime")),
        s(&f.role_arn),
        s(f.last_modified.as_deref().unwrap_or("unknown"))
    );
    let versions: Vec<&str> = f.versions.iter().map(|v| v.version.as_str()).collect();
    let aliases: Vec<String> = f.aliases.iter().map(|a| format!("{}→{}", a.name, a.function_version)).collect();
    let urls: Vec<String> = f
        .urls
        .iter()
        .map(|u| {
            let auth = if u.auth_type == crate::model::UrlAuthType::None { "NONE" } else { "AWS_IAM" };
            format!("{} ({auth})", u.qualifier.as_deref().unwrap_or("unqualified"))
        })
        .collect();
    let list = |items: Vec<String>| if items.is_empty() { "none".to_string() } else { items.join(", ") };
    let second = format!(
        "versions {} · aliases {} · URLs {}",
        list(versions.iter().map(|v| v.to_string()).collect()),
        list(aliases),
        list(urls)
    );
    vec![first, middle, s(&second)]
}

/// The Invokers tab: grants grouped by scope, then path.
pub fn invoker_rows(graph: &Graph, function: usize) -> Vec<Row> {
    let f = graph.function(function);
    let answer = graph.who_can_invoke(&crate::graph::Target { function, scope: None });
    let mut out = Vec::new();
    for (scope, label) in invoke_scopes(f) {
        out.push(Row::plain(s(&label), Tone::Header));
        let mut grants: Vec<_> = answer.grants.iter().filter(|g| g.scope == scope).collect();
        grants.sort_by_key(|g| g.path);
        if grants.is_empty() {
            let none = crate::graph::none_phrase("no grants", answer.unread.len());
            out.push(Row::plain(format!("    {none}"), if answer.unread.is_empty() { Tone::Dim } else { Tone::Warn }));
        }
        for g in grants {
            let spans = grant_spans(g, "  ");
            let statement = (g.path == Path::ResourcePolicy || g.path == Path::FunctionUrl)
                .then(|| g.statement_id.clone())
                .flatten();
            out.push(Row {
                spans,
                target: Target::Statement { scope: Some(scope.clone()), statement },
                arn: Some(g.principal.clone()),
            });
        }
    }
    out.extend(unknown_rows(&answer.unread, &answer.unknown));
    out
}

/// What an answer could not see: its unread inputs (counted), then other unknowns.
pub fn unknown_rows(unread: &[String], unknown: &[String]) -> Vec<Row> {
    if unread.is_empty() && unknown.is_empty() {
        return Vec::new();
    }
    let header = match unread.len() {
        0 => "unknown".to_string(),
        1 => "unknown: 1 input unread".to_string(),
        n => format!("unknown: {n} inputs unread"),
    };
    let mut out = vec![Row::plain(header, Tone::Header)];
    out.extend(unread.iter().chain(unknown).map(|u| Row::plain(format!("  ? {}", s(u)), Tone::Warn)));
    out
}

/// The Reach tab: service, then access level, then actions and the resources they apply to.
pub fn reach_rows(graph: &Graph, function: usize) -> Vec<Row> {
    let r = graph.reach(&crate::graph::Target { function, scope: None });
    let mut out = vec![
        Row::text(vec![("role      ".into(), Tone::Dim), (s(&r.role_arn), Tone::Normal)]),
        Row::text(vec![
            ("boundary  ".into(), Tone::Dim),
            (s(r.boundary_arn.as_deref().unwrap_or("none")), Tone::Normal),
        ]),
    ];
    if r.everything {
        out.push(Row::plain("! EVERY action of every service, on every resource (administrator)", Tone::Bad));
    } else if r.services.is_empty() {
        let nothing = crate::graph::none_phrase("nothing: no statement allows any action", r.unread.len());
        out.push(Row::plain(nothing, if r.unread.is_empty() { Tone::Dim } else { Tone::Warn }));
    } else {
        for sr in &r.services {
            let levels: Vec<String> =
                sr.levels.iter().map(|l| format!("{} {}/{}", l.level.label(), l.allowed, l.total)).collect();
            let target = match sr.statements.first() {
                Some((policy, statement)) => {
                    Target::RoleStatement { policy: policy.clone(), statement: statement.clone() }
                }
                None => Target::None,
            };
            out.push(Row {
                target,
                arn: None,
                ..Row::text(vec![
                    (format!("▾ {:<18}", sr.service), Tone::Header),
                    (format!("{:<40}", levels.join(" · ")), Tone::Normal),
                    (format!(" on {}", s(&sr.resources.join(", "))), Tone::Dim),
                ])
            });
            if let Some(needs) = &sr.requires {
                out.push(Row::text(vec![("    needs ".into(), Tone::Dim), (s(needs), Tone::Warn)]));
            }
            for l in sr.levels.iter().filter(|l| !l.actions.is_empty()) {
                let names: Vec<String> = l
                    .actions
                    .iter()
                    .map(|a| {
                        let name = a.action.split(':').nth(1).unwrap_or_default();
                        if a.conditional { format!("{name} (conditional)") } else { name.to_string() }
                    })
                    .collect();
                out.push(Row::text(vec![
                    (format!("    {:<24}", l.level.label()), Tone::Dim),
                    (names.join(", "), Tone::Normal),
                ]));
            }
        }
    }
    if !r.denied.is_empty() {
        out.push(Row::plain(format!("✖ denied everywhere: {}", r.denied.join(", ")), Tone::Bad));
    }
    out.extend(unknown_rows(&r.unread, &r.unknown));
    out
}

/// Findings, then what the answer could not see: "no findings" only when nothing is unread.
pub fn finding_rows(findings: &[&Finding], graph: &Graph, unread: &[String]) -> Vec<Row> {
    let mut out: Vec<Row> = findings
        .iter()
        .map(|f| {
            let at = match &f.qualifier {
                Some(q) => format!("{}:{q}", f.function),
                None => f.function.clone(),
            };
            let index = (f.subject == crate::graph::Subject::Function).then(|| graph.index_of_arn(&f.arn)).flatten();
            Row {
                spans: vec![
                    (format!("{:<12}", severity_label(Some(f.severity))), severity_tone(Some(f.severity))),
                    (format!("{:<22}", f.id), Tone::Dim),
                    (format!("{:<28} ", s(&at)), Tone::Normal),
                    (s(&f.title), Tone::Normal),
                ],
                target: index.map_or(Target::None, Target::Function),
                arn: index.map(|i| graph.function(i).arn.clone()),
            }
        })
        .collect();
    if findings.is_empty() {
        let none = crate::graph::none_phrase("no findings", unread.len());
        out.push(Row::plain(none, if unread.is_empty() { Tone::Good } else { Tone::Warn }));
    }
    out.extend(unknown_rows(unread, &[]));
    out
}
