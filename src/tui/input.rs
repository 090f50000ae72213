//! Input lines of the terminal UI: the fuzzy filter, `:` commands and the explain prompt.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::app::{Action, App, Effect, Mode, Screen, SortKey, Tab, ViewKind};
use crate::model::Scope;
use crate::policy::Context;

impl App {
    pub(super) fn submit(&mut self) -> Vec<Effect> {
        let input = std::mem::take(&mut self.input);
        let mode = std::mem::replace(&mut self.mode, Mode::Normal);
        match mode {
            Mode::Filter => {
                self.input = input;
                self.apply_filter();
                self.input.clear();
            }
            Mode::Command => return self.command(input.trim()),
            Mode::Prompt => self.answer(input.trim()),
            Mode::Normal => {}
        }
        Vec::new()
    }

    pub(super) fn command(&mut self, command: &str) -> Vec<Effect> {
        let (verb, arg) = command.split_once(' ').unwrap_or((command, ""));
        match verb {
            "f" | "fn" | "functions" if arg.is_empty() => self.goto(ViewKind::Functions),
            "f" | "fn" | "function" => match self.data.as_ref().map(|d| d.graph.lookup(arg.trim())) {
                Some(Ok(t)) => self.push(Screen::Function { index: t.function, tab: Tab::Invokers, highlight: None }),
                Some(Err(e)) => self.message = Some(e.to_string()),
                None => self.message = Some("still loading".into()),
            },
            "roles" | "role" => self.goto(ViewKind::Roles),
            "principals" | "principal" => self.goto(ViewKind::Principals),
            "findings" => self.goto(ViewKind::Findings),
            "gaps" | "errors" => self.goto(ViewKind::Gaps),
            "web" | "layers" | "ways" => self.goto(ViewKind::Ways),
            "accounts" | "regions" => self.goto(ViewKind::Accounts),
            "help" => self.goto(ViewKind::Help),
            "q" | "quit" => self.quit = true,
            "r" | "reload" => return self.update(Action::Reload),
            other => {
                self.message = Some(format!(
                    "unknown command \"{other}\": functions, function NAME, roles, principals, findings, gaps, help, quit"
                ))
            }
        }
        Vec::new()
    }

    /// Answers the explain prompt: `PRINCIPAL [ACTION]` (the action defaults to invoking).
    pub(super) fn answer(&mut self, input: &str) {
        let Some(d) = &self.data else { return };
        let mut words = input.split_whitespace();
        let principal = words.next().unwrap_or_default().to_string();
        let Some(place) = self.stack.last_mut() else { return };
        if let Screen::Explain { index, scope, principal: p, action, answer } = &mut place.screen {
            if let Some(a) = words.next() {
                *action = a.to_string();
            }
            let resource =
                crate::graph::scope_arn(d.graph.function(*index), scope.as_ref().unwrap_or(&Scope::Unqualified));
            *p = principal.clone();
            // Free condition keys: a grant that needs aws:SourceArn answers "conditional".
            *answer = match d.graph.can(&principal, action, &resource, Context::open()) {
                Ok(a) => Some(Box::new(a)),
                Err(e) => {
                    self.message = Some(e);
                    None
                }
            };
        }
    }

    /// Recomputes `visible` from the filter (fuzzy) and the sort key.
    pub fn apply_filter(&mut self) {
        let Some(d) = &self.data else { return };
        let query = if self.mode == Mode::Filter { self.input.clone() } else { self.filter.clone() };
        self.filter = query.clone();
        let mut scored: Vec<(usize, u32)> = if query.is_empty() {
            (0..d.rows.len()).map(|i| (i, 0)).collect()
        } else {
            let mut matcher = Matcher::new(Config::DEFAULT);
            let pattern = Pattern::parse(&query, CaseMatching::Ignore, Normalization::Smart);
            let mut buf = Vec::new();
            // Several accounts and regions: the filter matches those too ("eu-west", an id).
            let haystack = |r: &super::rows::FunctionRow| {
                if r.place.is_empty() { r.name.clone() } else { format!("{} {}", r.name, r.place) }
            };
            d.rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| pattern.score(Utf32Str::new(&haystack(r), &mut buf), &mut matcher).map(|s| (i, s)))
                .collect()
        };
        let rows = &d.rows;
        match self.sort {
            SortKey::Name if !query.is_empty() => {
                scored.sort_by(|a, b| b.1.cmp(&a.1).then(rows[a.0].name.cmp(&rows[b.0].name)))
            }
            SortKey::Name => scored.sort_by(|a, b| rows[a.0].name.cmp(&rows[b.0].name)),
            SortKey::Invokers => scored
                .sort_by(|a, b| rows[b.0].invokers.cmp(&rows[a.0].invokers).then(rows[a.0].name.cmp(&rows[b.0].name))),
            SortKey::Worst => {
                scored.sort_by(|a, b| rows[b.0].worst.cmp(&rows[a.0].worst).then(rows[a.0].name.cmp(&rows[b.0].name)))
            }
        }
        self.visible = scored.into_iter().map(|(i, _)| i).collect();
    }
}
