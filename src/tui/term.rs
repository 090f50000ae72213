//! Entering and leaving the terminal's UI mode. The terminal is restored when the guard is
//! dropped (quit, error) and from the panic hook (panic), so no exit path leaves it raw.

use std::io::{Stdout, Write, stdout};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub struct Term {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

/// Puts the terminal back: cooked mode, main screen, no mouse capture, cursor shown.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
}

pub fn enter() -> std::io::Result<Term> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
    enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
        restore();
        return Err(e);
    }
    let terminal = Terminal::new(CrosstermBackend::new(stdout())).inspect_err(|_| restore())?;
    Ok(Term { terminal })
}

impl Drop for Term {
    fn drop(&mut self) {
        restore();
    }
}

/// Asks the terminal to put `text` on the clipboard (OSC 52).
pub fn copy(text: &str) {
    let mut out = stdout();
    let _ = write!(out, "{}", osc52(text));
    let _ = out.flush();
}

/// The OSC 52 sequence that puts `text` on the clipboard, after the same escaping as every
/// other output: a pasted ARN must not carry a newline or an escape into a shell.
fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(crate::text::sanitize(text).as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{base64, osc52};

    #[test]
    fn the_clipboard_gets_escaped_text() {
        let seq = osc52("arn:aws:lambda:us-east-1:1:function:f\n\u{1b}]0;x\u{7}");
        let payload = seq.strip_prefix("\x1b]52;c;").and_then(|s| s.strip_suffix('\x07')).unwrap_or_default();
        assert_eq!(payload, base64(b"arn:aws:lambda:us-east-1:1:function:f\\u{a}\\u{1b}]0;x\\u{7}"));
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"arn:aws:lambda"), "YXJuOmF3czpsYW1iZGE=");
    }
}
