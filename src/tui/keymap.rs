//! Key bindings as data: each maps a key, in a mode, to an action, with the description
//! the help screen shows. Nothing else decides what a key does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{Action, Mode, ViewKind};

pub struct Binding {
    pub keys: &'static str,
    pub description: &'static str,
}

/// The bindings the help screen lists, in order.
pub const BINDINGS: &[Binding] = &[
    Binding { keys: "↑ ↓  k j", description: "move the selection" },
    Binding { keys: "PgUp PgDn  Ctrl-u Ctrl-d", description: "move a page" },
    Binding { keys: "g  G", description: "first / last row" },
    Binding { keys: "Enter", description: "open the selected row (function, statement, finding's function)" },
    Binding { keys: "Esc", description: "back to the previous screen (its selection is kept)" },
    Binding { keys: "Tab  Shift-Tab", description: "next / previous tab of a function" },
    Binding { keys: "/", description: "filter functions (fuzzy); Enter keeps the filter, Esc clears it" },
    Binding { keys: "s", description: "sort functions: name, invokers, worst finding" },
    Binding {
        keys: "x",
        description: "explain: can a principal do an action (default: invoke) on the selected scope?",
    },
    Binding { keys: "y", description: "copy the selected ARN to the clipboard (OSC 52)" },
    Binding {
        keys: ":",
        description: "command: functions, roles, principals, findings, gaps, web, accounts, help, quit",
    },
    Binding {
        keys: "f R p F e w a",
        description: "go to functions, roles, principals, findings, gaps, web functions and layers, accounts",
    },
    Binding { keys: "r", description: "reload the account" },
    Binding { keys: "?", description: "this help" },
    Binding { keys: "q  Ctrl-c", description: "quit" },
    Binding { keys: "mouse wheel, click", description: "scroll, select" },
];

/// The action a key means in a mode, if any.
pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Normal => normal(key, ctrl),
        Mode::Filter | Mode::Command | Mode::Prompt => Some(match key.code {
            KeyCode::Esc => Action::InputCancel,
            KeyCode::Enter => Action::InputSubmit,
            KeyCode::Backspace => Action::InputBackspace,
            KeyCode::Char(c) if !ctrl => Action::InputChar(c),
            _ => return None,
        }),
    }
}

fn normal(key: KeyEvent, ctrl: bool) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::Enter => Action::Open,
        KeyCode::Esc => Action::Back,
        KeyCode::Tab => Action::NextTab,
        KeyCode::BackTab => Action::PrevTab,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('s') => Action::Sort,
        KeyCode::Char('x') => Action::Explain,
        KeyCode::Char('y') => Action::Copy,
        KeyCode::Char(':') => Action::StartCommand,
        KeyCode::Char('f') => Action::Goto(ViewKind::Functions),
        KeyCode::Char('r') => Action::Reload,
        KeyCode::Char('R') => Action::Goto(ViewKind::Roles),
        KeyCode::Char('p') => Action::Goto(ViewKind::Principals),
        KeyCode::Char('F') => Action::Goto(ViewKind::Findings),
        KeyCode::Char('e') => Action::Goto(ViewKind::Gaps),
        KeyCode::Char('w') => Action::Goto(ViewKind::Ways),
        KeyCode::Char('a') => Action::Goto(ViewKind::Accounts),
        KeyCode::Char('?') => Action::Goto(ViewKind::Help),
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}
