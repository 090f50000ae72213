//! A live account arriving piece by piece. From the first listing page the app holds a
//! partial account: every listed function as the listing describes it, the details and
//! roles read so far, and a "not read yet" gap for everything still to come, so every
//! screen works (filter, sort, open, tabs, explain) and every answer says what it is still
//! waiting for. Partial accounts are rebuilt off the event loop; the final account
//! replaces them without losing the user's place.

use std::collections::HashMap;

use super::app::{App, Effect, Loaded, Place, Screen};
use crate::fetch::Event;
use crate::model::{Gap, GapReason, Snapshot};

impl App {
    pub(super) fn fetched(&mut self, event: Event) {
        let st = &mut self.status;
        match event {
            Event::Identity { account, region, caller_arn } => {
                let mut snap = Snapshot::new(&account, &region);
                snap.caller_arn = Some(caller_arn.clone());
                self.so_far = Some(snap);
                self.positions.clear();
                st.account = account;
                st.region = region;
                st.caller = caller_arn;
            }
            Event::Phase(p) => st.phase = p.to_string(),
            Event::Listed { functions, listed } => {
                st.listed = functions;
                for f in listed {
                    self.keep(f);
                }
            }
            Event::Function { function, done, total } => {
                st.done = done;
                st.total = total;
                self.detailed.insert(function.name.clone());
                self.keep(*function);
            }
            Event::Role(role) => {
                if let Some(snap) = &mut self.so_far {
                    snap.roles.push(*role);
                    self.dirty = true;
                }
            }
            Event::Gap(gap) => {
                st.gaps += 1;
                if let Some(snap) = &mut self.so_far {
                    snap.gaps.push(gap);
                }
            }
            Event::Retrying { waiting, throttled } => {
                st.waiting = waiting;
                st.throttled = throttled;
            }
            Event::Call { total, .. } => st.calls = total,
            Event::Part { account, region, .. } => st.phase = format!("reading {account} {region}"),
        }
    }

    /// Puts a listed or read function into the partial account, replacing what was there.
    fn keep(&mut self, f: crate::model::Function) {
        let Some(snap) = &mut self.so_far else { return };
        match self.positions.get(&f.name) {
            Some(&at) => snap.functions[at] = f,
            None => {
                self.positions.insert(f.name.clone(), snap.functions.len());
                snap.functions.push(f);
            }
        }
        self.dirty = true;
    }

    /// The partial account to show: what was read, and a "not read yet" gap for each thing
    /// still to come, so the answers built on it say what they are waiting for.
    pub(super) fn partial(&self) -> Option<Snapshot> {
        let mut snap = self.so_far.clone()?;
        let pending = |operation: &str, resource: &str| Gap {
            operation: operation.into(),
            resource: resource.into(),
            reason: GapReason::Pending,
            message: "the account is still loading".into(),
        };
        let waiting: Vec<Gap> = snap
            .functions
            .iter()
            .filter(|f| !self.detailed.contains(&f.name))
            .flat_map(|f| {
                ["lambda:ListAliases", "lambda:GetPolicy", "lambda:ListFunctionUrlConfigs"]
                    .map(|op| pending(op, &f.arn))
            })
            .collect();
        snap.gaps.extend(waiting);
        for op in [
            "lambda:ListEventSourceMappings",
            "lambda:ListWebFunctions",
            "lambda:ListLayers",
            "iam:ListRoles",
            "iam:ListUsers",
            "iam:ListGroups",
        ] {
            snap.gaps.push(pending(op, "*"));
        }
        Some(snap)
    }

    /// Shows a (partial or complete) account, keeping the user's place where it still exists.
    pub(super) fn install(&mut self, loaded: Loaded) {
        let snap = &loaded.graph.snapshot;
        let st = &mut self.status;
        st.account = snap.account_id.clone();
        st.region = snap.region.clone();
        st.caller = snap.caller_arn.clone().unwrap_or_default();
        if !st.loading {
            st.gaps = snap.gaps.len();
            st.total = snap.functions.len();
            st.done = snap.functions.len();
        }
        let names: Vec<String> = self.stack.iter().map(|p| self.screen_function(&p.screen)).collect();
        self.data = Some(loaded);
        *self.cache.borrow_mut() = None;
        // Function screens refer to functions by index: find each one again by name.
        let mut kept = Vec::new();
        for (mut place, name) in std::mem::take(&mut self.stack).into_iter().zip(names) {
            let index = self.data.as_ref().and_then(|d| d.graph.index_of(&name));
            match (&mut place.screen, index) {
                (Screen::Function { index: i, .. } | Screen::Explain { index: i, .. }, Some(found)) => *i = found,
                (Screen::Function { .. } | Screen::Explain { .. }, None) => continue,
                _ => {}
            }
            kept.push(place);
        }
        if kept.is_empty() {
            kept.push(Place { screen: Screen::Functions, selected: 0 });
        }
        self.stack = kept;
        self.apply_filter();
    }

    pub(super) fn screen_function(&self, screen: &Screen) -> String {
        match (screen, &self.data) {
            (Screen::Function { index, .. } | Screen::Explain { index, .. }, Some(d)) => {
                d.graph.function(*index).name.clone()
            }
            _ => String::new(),
        }
    }

    pub(super) fn tick(&mut self) -> Vec<Effect> {
        if !self.dirty || self.rebuilding || !self.status.loading || self.from_cache {
            return Vec::new();
        }
        let Some(snap) = self.partial() else { return Vec::new() };
        self.dirty = false;
        self.rebuilding = true;
        vec![Effect::Rebuild(Box::new(snap))]
    }

    /// Whether a function is listed but its details are not read yet.
    pub fn pending(&self, name: &str) -> bool {
        self.status.loading && !self.detailed.contains(name)
    }
}

/// Where each function of the partial account sits, by name.
pub(super) type Positions = HashMap<String, usize>;
