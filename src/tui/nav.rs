//! Moving around the terminal UI: the selection, opening rows, the back stack, tabs,
//! jumping to screens, and starting an explanation.

use super::app::{App, Effect, Mode, Place, Screen, Tab, ViewKind};
use super::rows::{Highlight, Target};

impl App {
    /// Moves the selection; while loading, the function now selected is read first.
    pub(super) fn moved(&mut self, by: isize) -> Vec<Effect> {
        self.step(by);
        self.prioritize_selected()
    }

    pub(super) fn prioritize_selected(&self) -> Vec<Effect> {
        let Some(Target::Function(index)) = self.selected_row().map(|r| r.target) else { return Vec::new() };
        let Some(d) = &self.data else { return Vec::new() };
        let name = &d.graph.function(index).name;
        if self.pending(name) { vec![Effect::Prioritize(name.clone())] } else { Vec::new() }
    }

    pub(super) fn step(&mut self, by: isize) {
        let len = self.row_count();
        let place = self.place_mut();
        let next = (place.selected as isize).saturating_add(by).clamp(0, len.saturating_sub(1) as isize);
        place.selected = next as usize;
    }

    pub(super) fn push(&mut self, screen: Screen) {
        self.stack.push(Place { screen, selected: 0 });
    }

    pub(super) fn open(&mut self) {
        let Some(row) = self.selected_row() else { return };
        match (row.target, self.place().screen.clone()) {
            (Target::Function(index), _) => self.push(Screen::Function { index, tab: Tab::Invokers, highlight: None }),
            (Target::Statement { scope, statement }, Screen::Function { index, .. }) => {
                self.push(Screen::Function {
                    index,
                    tab: Tab::Policies,
                    highlight: Some(Highlight::Scope(scope, statement)),
                });
                self.select_highlight();
            }
            (Target::RoleStatement { policy, statement }, Screen::Function { index, .. }) => {
                self.push(Screen::Function {
                    index,
                    tab: Tab::Policies,
                    highlight: Some(Highlight::Role { policy, statement }),
                });
                self.select_highlight();
            }
            (Target::Principal(p), _) => self.push(Screen::Principal(p)),
            _ => {}
        }
    }

    /// Moves the selection to the first highlighted policy line.
    pub(super) fn select_highlight(&mut self) {
        let rows = self.rows();
        if let Some(i) = rows.iter().position(|r| r.spans.first().is_some_and(|(t, _)| t == "▌")) {
            self.place_mut().selected = i;
        }
    }

    pub(super) fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        } else if !self.filter.is_empty() {
            self.filter.clear();
            self.apply_filter();
        }
    }

    pub(super) fn tab(&mut self, by: usize) {
        if let Screen::Function { tab, highlight, .. } = &mut self.place_mut().screen {
            let i = Tab::ALL.iter().position(|t| t == tab).unwrap_or(0);
            *tab = Tab::ALL[(i + by) % Tab::ALL.len()];
            *highlight = None;
            self.place_mut().selected = 0;
        }
    }

    pub(super) fn goto(&mut self, kind: ViewKind) {
        let screen = match kind {
            ViewKind::Functions => {
                self.stack.truncate(1);
                return;
            }
            ViewKind::Roles => Screen::Roles,
            ViewKind::Principals => Screen::Principals,
            ViewKind::Findings => Screen::Findings,
            ViewKind::Gaps => Screen::Gaps,
            ViewKind::Ways => Screen::Ways,
            ViewKind::Accounts => Screen::Accounts,
            ViewKind::Help => Screen::Help,
        };
        if self.place().screen != screen {
            self.push(screen);
        }
    }

    pub(super) fn explain(&mut self) {
        // The scope of the selected grant, when the user is on one.
        let selected = self.selected_row().map(|r| r.target);
        let scope = match selected.clone() {
            Some(Target::Statement { scope, .. }) => scope,
            _ => None,
        };
        let index = match (&self.place().screen, selected) {
            (Screen::Function { index, .. }, _) => Some(*index),
            (Screen::Functions, Some(Target::Function(i))) => Some(i),
            _ => None,
        };
        match index {
            Some(index) => {
                let action = "lambda:InvokeFunction".to_string();
                self.push(Screen::Explain { index, scope, principal: String::new(), action, answer: None });
                self.mode = Mode::Prompt;
                self.input.clear();
            }
            None => self.message = Some("select a function first".into()),
        }
    }

    pub(super) fn after_input(&mut self) {
        if self.mode == Mode::Filter {
            self.apply_filter();
            self.place_mut().selected = 0;
        }
    }
}
