//! The terminal UI's state, changed only by [`App::update`] (Elm style). Views borrow it
//! to draw; they do no I/O. Everything here runs headless in tests.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::rows::{self, FunctionRow, Highlight, Row};
use crate::fetch::Event;
use crate::graph::{CanAnswer, Finding, Graph};
use crate::model::{Scope, Snapshot};

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
    Ways,
    Accounts,
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
    /// Web functions and layers: the other ways into Lambda code.
    Ways,
    /// The accounts and regions the snapshot holds, and those it could not read.
    Accounts,
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
    /// The cached copy of a live account, and how old it is: shown while it is read again.
    Cached(Box<Loaded>, String),
    /// What changed since the cached copy (or another note about the load), in one line.
    Changed(String),
    Failed(String),
}

impl Action {
    /// Whether the user did this (a key, the mouse), rather than the loader or the clock.
    pub fn from_user(&self) -> bool {
        !matches!(
            self,
            Action::Fetch(_)
                | Action::Tick
                | Action::Partial(_)
                | Action::Loaded(_)
                | Action::Cached(..)
                | Action::Changed(_)
                | Action::Failed(_)
        )
    }
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
    /// What the account-wide answers could not see (computed once).
    pub unread: Vec<String>,
    pub rows: Vec<FunctionRow>,
}

impl Loaded {
    pub fn new(snapshot: Snapshot) -> Loaded {
        let graph = Graph::build(snapshot);
        let findings = graph.findings();
        let rows = rows::function_rows(&graph, &findings);
        let unread = graph.account_unread();
        Loaded { graph, findings, unread, rows }
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
    /// Items waiting to be read again, and throttling answers so far.
    pub waiting: usize,
    pub throttled: u64,
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
    /// While a live account loads: the functions whose details have arrived, the partial
    /// account so far, and where each function sits in it.
    pub detailed: std::collections::HashSet<String>,
    pub(super) so_far: Option<Snapshot>,
    pub(super) positions: super::live::Positions,
    /// The account on screen is the cached copy, kept until the fresh one arrives.
    pub from_cache: bool,
    /// New details arrived since the last partial graph; a rebuild is under way.
    pub(super) dirty: bool,
    pub(super) rebuilding: bool,
    pub message: Option<String>,
    pub quit: bool,
    /// Rows the list showed at the last draw (for paging), its first visible row, and the
    /// screen line it starts on (for clicks).
    pub page: Cell<usize>,
    pub offset: Cell<usize>,
    pub list_top: Cell<u16>,
    /// The current screen's rows, kept until the screen, its filter or the data change
    /// (the Functions table is drawn from `visible` directly and never cached whole).
    pub(super) cache: RefCell<Option<(Screen, Rc<Vec<Row>>)>>,
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
            detailed: Default::default(),
            so_far: None,
            positions: Default::default(),
            from_cache: false,
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

    pub(super) fn place_mut(&mut self) -> &mut Place {
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    /// Applies one action; returns what the event loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        // A note stays until the user does something; the loader's events do not clear it.
        if action.from_user() {
            self.message = None;
        }
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
                // Asked for before the screen changes: the row selected now is the function.
                let effects = self.prioritize_selected();
                self.open();
                return effects;
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
                // What the cancelled load had read so far is no longer coming.
                self.from_cache = false;
                self.detailed.clear();
                self.so_far = None;
                self.positions.clear();
                self.status = Status { source: self.status.source.clone(), ..Status::default() };
                self.status.loading = true;
                self.status.phase = "reloading".into();
                return vec![Effect::Reload];
            }
            Action::Quit => self.quit = true,
            Action::Fetch(event) => self.fetched(event),
            Action::Tick => return self.tick(),
            Action::Partial(loaded) => {
                self.rebuilding = false;
                // A partial account would hide the complete cached one: keep that instead.
                if self.status.loading && !self.from_cache {
                    self.install(*loaded);
                }
            }
            Action::Cached(loaded, age) => {
                self.from_cache = true;
                self.install(*loaded);
                self.message = Some(format!("showing the cached copy read {age} ago; reading the account again…"));
            }
            Action::Changed(text) => self.message = Some(text),
            Action::Loaded(loaded) => {
                self.status.loading = false;
                self.from_cache = false;
                self.detailed.clear();
                self.so_far = None;
                self.positions.clear();
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
}
