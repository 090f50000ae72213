//! A live account arriving piece by piece: listed names, details as they are read, partial
//! accounts rebuilt off the event loop, and the final account replacing them without losing
//! the user's place.

use super::app::{App, Effect, Loaded, Place, Screen};
use super::rows::{self, Row, Target};
use crate::fetch::Event;
use crate::model::Snapshot;

impl App {
    pub(super) fn fetched(&mut self, event: Event) {
        let st = &mut self.status;
        match event {
            Event::Identity { account, region, caller_arn } => {
                let mut snap = Snapshot::new(&account, &region);
                snap.caller_arn = Some(caller_arn.clone());
                self.so_far = Some(snap);
                st.account = account;
                st.region = region;
                st.caller = caller_arn;
            }
            Event::Phase(p) => st.phase = p.to_string(),
            Event::Listed { functions, names } => {
                st.listed = functions;
                self.listed.extend(names);
            }
            Event::Function { function, done, total } => {
                st.done = done;
                st.total = total;
                self.detailed.insert(function.name.clone());
                if let Some(snap) = &mut self.so_far {
                    snap.functions.push(*function);
                    self.dirty = true;
                }
            }
            Event::Gap(_) => st.gaps += 1,
            Event::Retrying { waiting, throttled } => {
                st.waiting = waiting;
                st.throttled = throttled;
            }
            Event::Call { total, .. } => st.calls = total,
            Event::Role(_) => {}
        }
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
        if !self.dirty || self.rebuilding || !self.status.loading {
            return Vec::new();
        }
        let Some(snap) = self.so_far.clone() else { return Vec::new() };
        self.dirty = false;
        self.rebuilding = true;
        vec![Effect::Rebuild(Box::new(snap))]
    }

    pub(super) fn loading_row(&self, name: &str) -> Row {
        let (mark, tone) = if self.detailed.contains(name) {
            ("✔ read   ", rows::Tone::Good)
        } else {
            ("… waiting", rows::Tone::Dim)
        };
        Row {
            spans: vec![(format!("{:<34} ", crate::text::sanitize(name)), rows::Tone::Normal), (mark.into(), tone)],
            target: Target::Pending(name.to_string()),
            arn: None,
        }
    }

    /// While a live account loads, the Functions screen lists names as they are listed.
    pub(super) fn listing(&self) -> bool {
        self.status.loading
            && matches!(self.place().screen, Screen::Functions)
            && (self.data.is_none() || !self.listed.is_empty())
    }
}
