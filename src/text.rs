//! Making untrusted text (anything that came from AWS or a file) safe for a terminal, with
//! one policy for every output channel: text, JSON, stderr, progress, the UI, the clipboard.
//!
//! Control characters (C0, DEL, C1: the start of every escape sequence), the Unicode
//! bidirectional controls that can make text display differently from what it is, and the
//! line and paragraph separators are unsafe. Text output replaces them with visible
//! `\u{..}` escapes; JSON output writes them as `\uXXXX` escapes, so the document stays
//! valid JSON with the same strings. Everything else is kept.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character could steer a terminal or disguise text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}'
        )
}

/// Escapes every character that could steer a terminal.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            // Writing into a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON whose strings carry no unsafe character raw (serde_json itself escapes only C0).
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    encode(value, serde_json::ser::CompactFormatter)
}

/// Like [`json`], indented.
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    encode(value, serde_json::ser::PrettyFormatter::new())
}

fn encode<T: serde::Serialize + ?Sized, F: serde_json::ser::Formatter>(
    value: &T,
    formatter: F,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Inert(formatter)))?;
    // The serializer writes only UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// A formatter that writes unsafe characters inside strings as `\uXXXX` escapes.
struct Inert<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Inert<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| is_unsafe(*c)) {
            w.write_all(&rest.as_bytes()[..at])?;
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            write!(w, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }

    // Everything else as the wrapped formatter does it.
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::{json, json_pretty, sanitize};

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("plain ünïcode"), "plain ünïcode");
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(sanitize("line\nbreak\ttab"), "line\\u{a}break\\u{9}tab");
        assert_eq!(sanitize("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(sanitize("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(sanitize("one\u{2028}two\u{7f}"), "one\\u{2028}two\\u{7f}");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_stays_the_same_json() {
        let hostile = "a\u{1b}[31m \u{7f} \u{9b}2J \u{202e}rtl \u{2028} \u{2066} ünï \u{1F600} \"q\"";
        let value = serde_json::json!({"k\u{85}": [hostile]});
        for text in [json(&value).unwrap(), json_pretty(&value).unwrap()] {
            // Pretty output's own line breaks are the only control characters left.
            assert!(text.chars().all(|c| c == '\n' || !super::is_unsafe(c)), "{text}");
            assert!(
                text.contains("\\u007f")
                    && text.contains("\\u009b")
                    && text.contains("\\u202e")
                    && text.contains("\\u2028")
            );
            assert!(text.contains("ünï \u{1F600}"), "safe text is kept: {text}");
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, value, "the same document, only escaped");
        }
    }
}
