//! What the current screen lists: its rows (cached until something changes), the window a
//! frame draws, and the selected row. Rows come from `rows`, `lists` and `policies`.

use std::rc::Rc;

use super::app::{App, Screen, Tab};
use super::rows::{self, FunctionRow, Row, Target};
use crate::graph::Finding;

impl App {
    /// How many rows the current screen has.
    pub fn row_count(&self) -> usize {
        match (&self.data, &self.place().screen) {
            (Some(_), Screen::Functions) => self.visible.len(),
            _ => self.rows().len(),
        }
    }

    /// The rows from `start`, at most `len` of them: what one frame shows.
    pub fn window(&self, start: usize, len: usize) -> Vec<Row> {
        match (&self.data, &self.place().screen) {
            (Some(d), Screen::Functions) => {
                self.visible.iter().skip(start).take(len).map(|&i| function_row(&d.rows[i])).collect()
            }
            _ => self.rows().iter().skip(start).take(len).cloned().collect(),
        }
    }

    /// The selected row.
    pub fn selected_row(&self) -> Option<Row> {
        self.window(self.place().selected, 1).pop()
    }

    /// Every row of the current screen (cached until something changes).
    pub fn rows(&self) -> Rc<Vec<Row>> {
        let screen = &self.place().screen;
        if let Some((cached, rows)) = self.cache.borrow().as_ref()
            && cached == screen
            && !matches!(screen, Screen::Functions)
        {
            return rows.clone();
        }
        let rows = Rc::new(self.build_rows());
        *self.cache.borrow_mut() = Some((screen.clone(), rows.clone()));
        rows
    }

    pub(super) fn build_rows(&self) -> Vec<Row> {
        let Some(d) = &self.data else { return Vec::new() };
        match &self.place().screen {
            Screen::Functions => self.visible.iter().map(|&i| function_row(&d.rows[i])).collect(),
            Screen::Function { index, tab, highlight } => match tab {
                Tab::Invokers => rows::invoker_rows(&d.graph, *index),
                Tab::Reach => rows::reach_rows(&d.graph, *index),
                Tab::Policies => super::policies::policy_rows(&d.graph, *index, highlight.as_ref()),
                Tab::Findings => {
                    let arn = &d.graph.function(*index).arn;
                    let mine: Vec<&Finding> = d
                        .findings
                        .iter()
                        .filter(|f| f.subject == crate::graph::Subject::Function && &f.arn == arn)
                        .collect();
                    let unread = d.graph.function_unread(d.graph.function(*index), None);
                    rows::finding_rows(&mine, &d.graph, &unread)
                }
            },
            Screen::Findings => rows::finding_rows(&d.findings.iter().collect::<Vec<_>>(), &d.graph, &d.unread),
            Screen::Roles => super::lists::role_rows(&d.graph),
            Screen::Principals => super::lists::principal_rows(&d.graph),
            Screen::Principal(p) => super::lists::principal_detail(&d.graph, p),
            Screen::Gaps => super::lists::gap_rows(&d.graph),
            Screen::Ways => super::ways::ways_rows(&d.graph),
            Screen::Accounts => super::accounts::account_rows(&d.graph),
            Screen::Help => super::lists::help_rows(),
            Screen::Explain { index, scope, principal, action, answer } => {
                super::lists::explain_rows(&d.graph, *index, scope.as_ref(), principal, action, answer.as_deref())
            }
        }
    }
}

fn function_row(r: &FunctionRow) -> Row {
    let mut row = function_columns(r);
    if !r.place.is_empty() {
        let (account, region) = r.place.split_once(' ').unwrap_or((&r.place, ""));
        row.spans.insert(0, (format!("{account:<13}{region:<15}"), rows::Tone::Dim));
    }
    row
}

fn function_columns(r: &FunctionRow) -> Row {
    if r.pending {
        // Listed but not read yet: what the listing said, and that the rest is coming.
        return Row {
            spans: vec![
                (format!("{:<30} ", r.name), rows::Tone::Normal),
                (format!("{:<12} ", r.runtime), rows::Tone::Dim),
                (format!("{:<22} ", r.role), rows::Tone::Dim),
                (format!("{:<10} ", r.modified), rows::Tone::Dim),
                (format!("{:>8}  ", "…"), rows::Tone::Dim),
                (format!("{:<7} ", "…"), rows::Tone::Dim),
                ("… reading".into(), rows::Tone::Dim),
            ],
            target: Target::Function(r.index),
            arn: Some(r.arn.clone()),
        };
    }
    Row {
        spans: vec![
            (format!("{:<30} ", r.name), rows::Tone::Normal),
            (format!("{:<12} ", r.runtime), rows::Tone::Dim),
            (format!("{:<22} ", r.role), rows::Tone::Dim),
            (format!("{:<10} ", r.modified), rows::Tone::Dim),
            (format!("{:>8}  ", r.invokers), rows::Tone::Normal),
            (format!("{:<7} ", r.public), if r.public == "-" { rows::Tone::Dim } else { rows::Tone::Bad }),
            (rows::severity_label(r.worst), rows::severity_tone(r.worst)),
            (r.worst_id.map(|id| format!(" {id}")).unwrap_or_default(), rows::Tone::Dim),
        ],
        target: Target::Function(r.index),
        arn: Some(r.arn.clone()),
    }
}
