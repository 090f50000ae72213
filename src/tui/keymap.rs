//! Key bindings as data: one table of (keys, action, description) that both dispatches
//! keys in normal mode and writes the help screen, so the two cannot disagree. Input modes
//! (filter, command, prompt) edit text and are handled below the table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{Action, Mode, ViewKind};

/// What a key in normal mode asks for (a plain copy of the matching `Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
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
    Sort,
    Explain,
    Copy,
    StartCommand,
    Goto(ViewKind),
    Reload,
    Quit,
}

impl KeyAction {
    pub fn action(self) -> Action {
        match self {
            KeyAction::Up => Action::Up,
            KeyAction::Down => Action::Down,
            KeyAction::PageUp => Action::PageUp,
            KeyAction::PageDown => Action::PageDown,
            KeyAction::Top => Action::Top,
            KeyAction::Bottom => Action::Bottom,
            KeyAction::Open => Action::Open,
            KeyAction::Back => Action::Back,
            KeyAction::NextTab => Action::NextTab,
            KeyAction::PrevTab => Action::PrevTab,
            KeyAction::StartFilter => Action::StartFilter,
            KeyAction::Sort => Action::Sort,
            KeyAction::Explain => Action::Explain,
            KeyAction::Copy => Action::Copy,
            KeyAction::StartCommand => Action::StartCommand,
            KeyAction::Goto(v) => Action::Goto(v),
            KeyAction::Reload => Action::Reload,
            KeyAction::Quit => Action::Quit,
        }
    }
}

/// A key: its code, and whether Ctrl is held.
type Key = (KeyCode, bool);

const fn k(c: char) -> Key {
    (KeyCode::Char(c), false)
}

const fn ctrl(c: char) -> Key {
    (KeyCode::Char(c), true)
}

pub struct Binding {
    /// The keys, as the help screen shows them.
    pub keys: &'static str,
    pub description: &'static str,
    /// Each key and what it sends in normal mode (empty: not a key, e.g. the mouse).
    pub sends: &'static [(Key, KeyAction)],
}

const fn b(keys: &'static str, description: &'static str, sends: &'static [(Key, KeyAction)]) -> Binding {
    Binding { keys, description, sends }
}

/// Every binding, in the help screen's order.
pub const BINDINGS: &[Binding] = &[
    b(
        "↑ ↓  k j",
        "move the selection",
        &[
            ((KeyCode::Up, false), KeyAction::Up),
            (k('k'), KeyAction::Up),
            ((KeyCode::Down, false), KeyAction::Down),
            (k('j'), KeyAction::Down),
        ],
    ),
    b(
        "PgUp PgDn  Ctrl-u Ctrl-d",
        "move a page",
        &[
            ((KeyCode::PageUp, false), KeyAction::PageUp),
            (ctrl('u'), KeyAction::PageUp),
            ((KeyCode::PageDown, false), KeyAction::PageDown),
            (ctrl('d'), KeyAction::PageDown),
        ],
    ),
    b(
        "g  G",
        "first / last row",
        &[
            ((KeyCode::Home, false), KeyAction::Top),
            (k('g'), KeyAction::Top),
            ((KeyCode::End, false), KeyAction::Bottom),
            (k('G'), KeyAction::Bottom),
        ],
    ),
    b(
        "Enter",
        "open the selected row (function, statement, finding's function)",
        &[((KeyCode::Enter, false), KeyAction::Open)],
    ),
    b("Esc", "back to the previous screen (its selection is kept)", &[((KeyCode::Esc, false), KeyAction::Back)]),
    b(
        "Tab  Shift-Tab",
        "next / previous tab of a function",
        &[((KeyCode::Tab, false), KeyAction::NextTab), ((KeyCode::BackTab, false), KeyAction::PrevTab)],
    ),
    b("/", "filter functions (fuzzy); Enter keeps the filter, Esc clears it", &[(k('/'), KeyAction::StartFilter)]),
    b("s", "sort functions: name, invokers, worst finding", &[(k('s'), KeyAction::Sort)]),
    b(
        "x",
        "explain: can a principal do an action (default: invoke) on the selected scope?",
        &[(k('x'), KeyAction::Explain)],
    ),
    b("y", "copy the selected ARN to the clipboard (OSC 52)", &[(k('y'), KeyAction::Copy)]),
    b(
        ":",
        "command: functions, roles, principals, findings, gaps, web, accounts, help, quit",
        &[(k(':'), KeyAction::StartCommand)],
    ),
    b(
        "f R p F e w a",
        "go to functions, roles, principals, findings, gaps, web functions and layers, accounts",
        &[
            (k('f'), KeyAction::Goto(ViewKind::Functions)),
            (k('R'), KeyAction::Goto(ViewKind::Roles)),
            (k('p'), KeyAction::Goto(ViewKind::Principals)),
            (k('F'), KeyAction::Goto(ViewKind::Findings)),
            (k('e'), KeyAction::Goto(ViewKind::Gaps)),
            (k('w'), KeyAction::Goto(ViewKind::Ways)),
            (k('a'), KeyAction::Goto(ViewKind::Accounts)),
        ],
    ),
    b("r", "reload the account", &[(k('r'), KeyAction::Reload)]),
    b("?", "this help", &[(k('?'), KeyAction::Goto(ViewKind::Help))]),
    b("q  Ctrl-c", "quit", &[(k('q'), KeyAction::Quit), (ctrl('c'), KeyAction::Quit)]),
    b("mouse wheel, click", "scroll, select", &[]),
];

/// The action a key means in a mode, if any.
pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Normal => BINDINGS
            .iter()
            .flat_map(|b| b.sends)
            .find(|((code, with_ctrl), _)| *code == key.code && *with_ctrl == ctrl)
            .map(|(_, a)| a.action()),
        Mode::Filter | Mode::Command | Mode::Prompt => Some(match key.code {
            KeyCode::Esc => Action::InputCancel,
            KeyCode::Enter => Action::InputSubmit,
            KeyCode::Backspace => Action::InputBackspace,
            KeyCode::Char(c) if !ctrl => Action::InputChar(c),
            _ => return None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_and_every_key_row_sends_something() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            assert!(!b.sends.is_empty() || b.keys.starts_with("mouse"), "{}", b.keys);
            for (key, _) in b.sends {
                assert!(seen.insert(*key), "{key:?} is bound twice");
            }
        }
    }
}
