//! Key bindings as data: one table of (keys, action, description) that both dispatches
//! keys in normal mode and writes the help screen, so the two cannot disagree. Input modes
//! (filter, command, prompt) edit text and are handled below the table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{Action, Mode, ViewKind};

/// A key: its code, and whether Ctrl is held.
type Key = (KeyCode, bool);

/// A key and the action it sends.
type Send = (Key, fn() -> Action);

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
    /// Each key and the action it sends in normal mode (empty: not a key, e.g. the mouse).
    pub sends: &'static [Send],
}

const fn b(keys: &'static str, description: &'static str, sends: &'static [Send]) -> Binding {
    Binding { keys, description, sends }
}

/// Every binding, in the help screen's order.
pub const BINDINGS: &[Binding] = &[
    b(
        "↑ ↓  k j",
        "move the selection",
        &[
            ((KeyCode::Up, false), || Action::Up),
            (k('k'), || Action::Up),
            ((KeyCode::Down, false), || Action::Down),
            (k('j'), || Action::Down),
        ],
    ),
    b(
        "PgUp PgDn  Ctrl-u Ctrl-d",
        "move a page",
        &[
            ((KeyCode::PageUp, false), || Action::PageUp),
            (ctrl('u'), || Action::PageUp),
            ((KeyCode::PageDown, false), || Action::PageDown),
            (ctrl('d'), || Action::PageDown),
        ],
    ),
    b(
        "g  G",
        "first / last row",
        &[
            ((KeyCode::Home, false), || Action::Top),
            (k('g'), || Action::Top),
            ((KeyCode::End, false), || Action::Bottom),
            (k('G'), || Action::Bottom),
        ],
    ),
    b(
        "Enter",
        "open the selected row (function, statement, finding's function)",
        &[((KeyCode::Enter, false), || Action::Open)],
    ),
    b("Esc", "back to the previous screen (its selection is kept)", &[((KeyCode::Esc, false), || Action::Back)]),
    b(
        "Tab  Shift-Tab",
        "next / previous tab of a function",
        &[((KeyCode::Tab, false), || Action::NextTab), ((KeyCode::BackTab, false), || Action::PrevTab)],
    ),
    b("/", "filter functions (fuzzy); Enter keeps the filter, Esc clears it", &[(k('/'), || Action::StartFilter)]),
    b("s", "sort functions: name, invokers, worst finding", &[(k('s'), || Action::Sort)]),
    b(
        "x",
        "explain: can a principal do an action (default: invoke) on the selected scope?",
        &[(k('x'), || Action::Explain)],
    ),
    b("y", "copy the selected ARN to the clipboard (OSC 52)", &[(k('y'), || Action::Copy)]),
    b(
        ":",
        "command: functions, roles, principals, findings, gaps, web, accounts, help, quit",
        &[(k(':'), || Action::StartCommand)],
    ),
    b(
        "f R p F e w a",
        "go to functions, roles, principals, findings, gaps, web functions and layers, accounts",
        &[
            (k('f'), || Action::Goto(ViewKind::Functions)),
            (k('R'), || Action::Goto(ViewKind::Roles)),
            (k('p'), || Action::Goto(ViewKind::Principals)),
            (k('F'), || Action::Goto(ViewKind::Findings)),
            (k('e'), || Action::Goto(ViewKind::Gaps)),
            (k('w'), || Action::Goto(ViewKind::Ways)),
            (k('a'), || Action::Goto(ViewKind::Accounts)),
        ],
    ),
    b("r", "reload the account", &[(k('r'), || Action::Reload)]),
    b("?", "this help", &[(k('?'), || Action::Goto(ViewKind::Help))]),
    b("q  Ctrl-c", "quit", &[(k('q'), || Action::Quit), (ctrl('c'), || Action::Quit)]),
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
            .map(|(_, send)| send()),
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
