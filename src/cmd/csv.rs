//! Comma-separated output for spreadsheets (RFC 4180 quoting). Strings from AWS are
//! untrusted: a field a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
//! carriage return first) is prefixed with `'`, and control characters are made visible.

/// One CSV line, with its line break.
pub fn row<S: AsRef<str>>(fields: &[S]) -> String {
    let cells: Vec<String> = fields.iter().map(|f| cell(f.as_ref())).collect();
    cells.join(",") + "\r\n"
}

fn cell(text: &str) -> String {
    let clean = crate::text::sanitize(text);
    let guarded =
        if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{clean}") } else { clean.into_owned() };
    if guarded.contains([',', '"', '\n', '\r']) { format!("\"{}\"", guarded.replace('"', "\"\"")) } else { guarded }
}

#[cfg(test)]
mod tests {
    use super::row;

    #[test]
    fn quotes_and_guards() {
        assert_eq!(row(&["a", "b,c", "say \"hi\""]), "a,\"b,c\",\"say \"\"hi\"\"\"\r\n");
        assert_eq!(row(&["=HYPERLINK(\"x\")", "-1", "@SUM"]), "\"'=HYPERLINK(\"\"x\"\")\",'-1,'@SUM\r\n");
    }
}
