//! The terminal UI's state, changed only by [`App::update`] (Elm style). Views borrow it
//! to draw; they do no I/O. Everything here runs headless in tests.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::rows::{self, FunctionRow, Highlight, Row, Target};
use crate::fetch::Event;
use crate::graph::{CanAnswer, Finding, Graph};
use crate::model::{Scope, Snapshot};
use crate::policy::Context;

/// What the input line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    /// Asking for the principal to explain.
    Prompt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Functions,
    Roles,
    Principals,
    Findings,
    Gaps,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Invokers,
    Reach,
    Policies,
    Findings,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Invokers, Tab::Reach, Tab::Policies, Tab::Findings];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Invokers => "Invokers",
            Tab::Reach => "Reach",
            Tab::Policies => "Policies",
            Tab::Findings => "Findings",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Functions,
    Function {
        index: usize,
        tab: Tab,
        highlight: Option<Highlight>,
    },
    Roles,
    Principals,
    Principal(String),
    Findings,
    Gaps,
    Help,
    /// "Can PRINCIPAL do ACTION on this function (scope)?"
    Explain {
        index: usize,
        scope: Option<Scope>,
        principal: String,
        action: String,
        answer: Option<Box<CanAnswer>>,
    },
}

/// A screen and where the user was on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub screen: Screen,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Invokers,
    Worst,
}

#[derive(Debug)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextTab,
    PrevTab,
    StartFilter,
    StartCommand,
    InputChar(char),
    InputBackspace,
    InputSubmit,
    InputCancel,
    Sort,
    Explain,
    Copy,
    Goto(ViewKind),
    Reload,
    Quit,
    /// A click on a screen line.
    Click(u16),
    Fetch(Event),
    /// Time passed (the event loop ticks a few times a second).
    Tick,
    /// What has been read so far, while a live account is still loading.
    Partial(Box<Loaded>),
    /// The account finished loading.
    Loaded(Box<Loaded>),
    Failed(String),
}

/// What the event loop must do for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Copy(String),
    Reload,
    /// Read this function's details before the others.
    Prioritize(String),
    /// Build a partial graph from what has been read so far (off the event loop).
    Rebuild(Box<Snapshot>),
}

/// A loaded account: the graph and what the screens list from it.
#[derive(Debug)]
pub struct Loaded {
    pub graph: Graph,
    pub findings: Vec<Finding>,
    pub rows: Vec<FunctionRow>,
}

impl Loaded {
    pub fn new(snapshot: Snapshot) -> Loaded {
        let graph = Graph::build(snapshot);
        let findings = graph.findings();
        let rows = rows::function_rows(&graph, &findings);
        Loaded { graph, findings, rows }
    }
}

impl PartialEq for Loaded {
    fn eq(&self, other: &Loaded) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The status line's facts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub source: String,
    pub account: String,
    pub region: String,
    pub caller: String,
    pub phase: String,
    pub listed: usize,
    pub done: usize,
    pub total: usize,
    pub calls: u64,
    pub gaps: usize,
    pub loading: bool,
    pub error: Option<String>,
}

pub struct App {
    pub data: Option<Loaded>,
    pub status: Status,
    pub stack: Vec<Place>,
    pub mode: Mode,
    pub input: String,
    pub filter: String,
    pub sort: SortKey,
    /// Functions table rows in display order (filtered and sorted), as indexes into `rows`.
    pub visible: Vec<usize>,
    /// Function names listed while a live account is still loading, and those whose
    /// details have arrived (collected into `so_far`).
    pub listed: Vec<String>,
    pub detailed: std::collections::HashSet<String>,
    so_far: Option<Snapshot>,
    /// New details arrived since the last partial graph; a rebuild is under way.
    dirty: bool,
    rebuilding: bool,
    pub message: Option<String>,
    pub quit: bool,
    /// Rows the list showed at the last draw (for paging), its first visible row, and the
    /// screen line it starts on (for clicks).
    pub page: Cell<usize>,
    pub offset: Cell<usize>,
    pub list_top: Cell<u16>,
    /// The current screen's rows, kept until the screen, its filter or the data change
    /// (the Functions table is drawn from `visible` directly and never cached whole).
    cache: RefCell<Option<(Screen, Rc<Vec<Row>>)>>,
}

impl App {
    pub fn new(source: &str) -> App {
        App {
            data: None,
            status: Status { source: source.to_string(), loading: true, phase: "loading".into(), ..Status::default() },
            stack: vec![Place { screen: Screen::Functions, selected: 0 }],
            mode: Mode::Normal,
            input: String::new(),
            filter: String::new(),
            sort: SortKey::Name,
            visible: Vec::new(),
            listed: Vec::new(),
            detailed: Default::default(),
            so_far: None,
            dirty: false,
            rebuilding: false,
            message: None,
            quit: false,
            page: Cell::new(20),
            offset: Cell::new(0),
            list_top: Cell::new(0),
            cache: RefCell::new(None),
        }
    }

    pub fn place(&self) -> &Place {
        // The stack always holds the home screen at the bottom.
        &self.stack[self.stack.len() - 1]
    }

    fn place_mut(&mut self) -> &mut Place {
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// While a live account loads, the Functions screen lists names as they are listed.
    fn listing(&self) -> bool {
        self.status.loading
            && matches!(self.place().screen, Screen::Functions)
            && (self.data.is_none() || !self.listed.is_empty())
    }

    /// How many rows the current screen has.
    pub fn row_count(&self) -> usize {
        match (&self.data, &self.place().screen) {
            _ if self.listing() => self.listed.len(),
            (Some(_), Screen::Functions) => self.visible.len(),
            _ => self.rows().len(),
        }
    }

    /// The rows from `start`, at most `len` of them: what one frame shows.
    pub fn window(&self, start: usize, len: usize) -> Vec<Row> {
        match (&self.data, &self.place().screen) {
            _ if self.listing() => self.listed.iter().skip(start).take(len).map(|n| self.loading_row(n)).collect(),
            (Some(d), Screen::Functions) => {
                self.visible.iter().skip(start).take(len).map(|&i| function_row(&d.rows[i])).collect()
            }
            _ => self.rows().iter().skip(start).take(len).cloned().collect(),
        }
    }

    fn loading_row(&self, name: &str) -> Row {
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

    /// The selected row.
    pub fn selected_row(&self) -> Option<Row> {
        self.window(self.place().selected, 1).pop()
    }

    /// Every row of the current screen (cached until something changes).
    pub fn rows(&self) -> Rc<Vec<Row>> {
        let screen = &self.place().screen;
        if let Some((cached, rows)) = self.cache.borrow().as_ref() {
            if cached == screen && !matches!(screen, Screen::Functions) {
                return rows.clone();
            }
        }
        let rows = Rc::new(self.build_rows());
        *self.cache.borrow_mut() = Some((screen.clone(), rows.clone()));
        rows
    }

    fn build_rows(&self) -> Vec<Row> {
        if self.listing() {
            return self.listed.iter().map(|n| self.loading_row(n)).collect();
        }
        let Some(d) = &self.data else { return Vec::new() };
        match &self.place().screen {
            Screen::Functions => self.visible.iter().map(|&i| function_row(&d.rows[i])).collect(),
            Screen::Function { index, tab, highlight } => match tab {
                Tab::Invokers => rows::invoker_rows(&d.graph, *index),
                Tab::Reach => rows::reach_rows(&d.graph, *index),
                Tab::Policies => rows::policy_rows(&d.graph, *index, highlight.as_ref()),
                Tab::Findings => {
                    let name = &d.graph.function(*index).name;
                    let mine: Vec<&Finding> = d.findings.iter().filter(|f| &f.function == name).collect();
                    rows::finding_rows(&mine, &d.graph)
                }
            },
            Screen::Findings => rows::finding_rows(&d.findings.iter().collect::<Vec<_>>(), &d.graph),
            Screen::Roles => super::lists::role_rows(&d.graph),
            Screen::Principals => super::lists::principal_rows(&d.graph),
            Screen::Principal(p) => super::lists::principal_detail(&d.graph, p),
            Screen::Gaps => super::lists::gap_rows(&d.graph),
            Screen::Help => super::lists::help_rows(),
            Screen::Explain { index, scope, principal, action, answer } => {
                super::lists::explain_rows(&d.graph, *index, scope.as_ref(), principal, action, answer.as_deref())
            }
        }
    }

    /// Applies one action; returns what the event loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.message = None;
        match action {
            Action::Up => return self.moved(-1),
            Action::Down => return self.moved(1),
            Action::PageUp => return self.moved(-(self.page.get() as isize)),
            Action::PageDown => return self.moved(self.page.get() as isize),
            Action::Top => return self.moved(isize::MIN / 2),
            Action::Bottom => return self.moved(isize::MAX / 2),
            Action::Click(line) => {
                let Some(row) = line.checked_sub(self.list_top.get()) else { return Vec::new() };
                let target = self.offset.get() + row as usize;
                if target < self.row_count() {
                    self.place_mut().selected = target;
                }
            }
            Action::Open => {
                self.open();
                return self.prioritize_selected();
            }
            Action::Back => self.back(),
            Action::NextTab => self.tab(1),
            Action::PrevTab => self.tab(Tab::ALL.len() - 1),
            Action::StartFilter => {
                self.mode = Mode::Filter;
                self.input = self.filter.clone();
                self.stack.truncate(1);
            }
            Action::StartCommand => {
                self.mode = Mode::Command;
                self.input.clear();
            }
            Action::InputChar(c) => {
                self.input.push(c);
                self.after_input();
            }
            Action::InputBackspace => {
                self.input.pop();
                self.after_input();
            }
            Action::InputSubmit => return self.submit(),
            Action::InputCancel => {
                if self.mode == Mode::Filter {
                    self.input.clear();
                    self.apply_filter();
                }
                self.mode = Mode::Normal;
            }
            Action::Sort => {
                self.sort = match self.sort {
                    SortKey::Name => SortKey::Invokers,
                    SortKey::Invokers => SortKey::Worst,
                    SortKey::Worst => SortKey::Name,
                };
                self.apply_filter();
            }
            Action::Explain => self.explain(),
            Action::Copy => {
                if let Some(arn) = self.selected_row().and_then(|r| r.arn) {
                    self.message = Some(format!("copied {}", crate::text::sanitize(&arn)));
                    return vec![Effect::Copy(arn)];
                }
                self.message = Some("nothing to copy on this row".into());
            }
            Action::Goto(kind) => self.goto(kind),
            Action::Reload => {
                self.status.loading = true;
                self.status.phase = "reloading".into();
                return vec![Effect::Reload];
            }
            Action::Quit => self.quit = true,
            Action::Fetch(event) => self.fetched(event),
            Action::Tick => return self.tick(),
            Action::Partial(loaded) => {
                self.rebuilding = false;
                if self.status.loading {
                    self.install(*loaded);
                }
            }
            Action::Loaded(loaded) => {
                self.status.loading = false;
                self.listed.clear();
                self.detailed.clear();
                self.so_far = None;
                self.install(*loaded);
                self.status.phase = "loaded".into();
            }
            Action::Failed(e) => {
                self.status.loading = false;
                self.status.error = Some(e);
            }
        }
        Vec::new()
    }

    /// Moves the selection; while loading, the function now selected is read first.
    fn moved(&mut self, by: isize) -> Vec<Effect> {
        self.step(by);
        self.prioritize_selected()
    }

    fn prioritize_selected(&self) -> Vec<Effect> {
        match self.selected_row().map(|r| r.target) {
            Some(Target::Pending(name)) if !self.detailed.contains(&name) => vec![Effect::Prioritize(name)],
            _ => Vec::new(),
        }
    }

    fn tick(&mut self) -> Vec<Effect> {
        if !self.dirty || self.rebuilding || !self.status.loading {
            return Vec::new();
        }
        let Some(snap) = self.so_far.clone() else { return Vec::new() };
        self.dirty = false;
        self.rebuilding = true;
        vec![Effect::Rebuild(Box::new(snap))]
    }

    fn step(&mut self, by: isize) {
        let len = self.row_count();
        let place = self.place_mut();
        let next = (place.selected as isize).saturating_add(by).clamp(0, len.saturating_sub(1) as isize);
        place.selected = next as usize;
    }

    fn push(&mut self, screen: Screen) {
        self.stack.push(Place { screen, selected: 0 });
    }

    fn open(&mut self) {
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
            (Target::Pending(name), _) => match self.data.as_ref().and_then(|d| d.graph.index_of(&name)) {
                Some(index) => self.push(Screen::Function { index, tab: Tab::Invokers, highlight: None }),
                None => self.message = Some(format!("reading {} first…", crate::text::sanitize(&name))),
            },
            _ => {}
        }
    }

    /// Moves the selection to the first highlighted policy line.
    fn select_highlight(&mut self) {
        let rows = self.rows();
        if let Some(i) = rows.iter().position(|r| r.spans.first().is_some_and(|(t, _)| t == "▌")) {
            self.place_mut().selected = i;
        }
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        } else if !self.filter.is_empty() {
            self.filter.clear();
            self.apply_filter();
        }
    }

    fn tab(&mut self, by: usize) {
        if let Screen::Function { tab, highlight, .. } = &mut self.place_mut().screen {
            let i = Tab::ALL.iter().position(|t| t == tab).unwrap_or(0);
            *tab = Tab::ALL[(i + by) % Tab::ALL.len()];
            *highlight = None;
            self.place_mut().selected = 0;
        }
    }

    fn goto(&mut self, kind: ViewKind) {
        let screen = match kind {
            ViewKind::Functions => {
                self.stack.truncate(1);
                return;
            }
            ViewKind::Roles => Screen::Roles,
            ViewKind::Principals => Screen::Principals,
            ViewKind::Findings => Screen::Findings,
            ViewKind::Gaps => Screen::Gaps,
            ViewKind::Help => Screen::Help,
        };
        if self.place().screen != screen {
            self.push(screen);
        }
    }

    fn explain(&mut self) {
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

    fn after_input(&mut self) {
        if self.mode == Mode::Filter {
            self.apply_filter();
            self.place_mut().selected = 0;
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
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

    fn command(&mut self, command: &str) -> Vec<Effect> {
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
    fn answer(&mut self, input: &str) {
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
            d.rows
                .iter()
                .enumerate()
                .filter_map(|(i, r)| pattern.score(Utf32Str::new(&r.name, &mut buf), &mut matcher).map(|s| (i, s)))
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

    fn fetched(&mut self, event: Event) {
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
            Event::Call { total, .. } => st.calls = total,
            Event::Role(_) => {}
        }
    }

    /// Shows a (partial or complete) account, keeping the user's place where it still exists.
    fn install(&mut self, loaded: Loaded) {
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

    fn screen_function(&self, screen: &Screen) -> String {
        match (screen, &self.data) {
            (Screen::Function { index, .. } | Screen::Explain { index, .. }, Some(d)) => {
                d.graph.function(*index).name.clone()
            }
            _ => String::new(),
        }
    }
}

fn function_row(r: &FunctionRow) -> Row {
    Row {
        spans: vec![
            (format!("{:<34} ", r.name), rows::Tone::Normal),
            (format!("{:<12} ", r.runtime), rows::Tone::Dim),
            (format!("{:<24} ", r.role), rows::Tone::Dim),
            (format!("{:>8}  ", r.invokers), rows::Tone::Normal),
            (format!("{:<7} ", r.public), if r.public == "-" { rows::Tone::Dim } else { rows::Tone::Bad }),
            (rows::severity_label(r.worst), rows::severity_tone(r.worst)),
        ],
        target: Target::Function(r.index),
        arn: Some(r.arn.clone()),
    }
}
