//! `lambdascope cache list|clear`: the local cache of live accounts.

use anyhow::{Context as _, Result};

use super::{Outcome, emit, emit_json};
use crate::cli::{CacheAction, Format, Global};
use crate::source::cache;
use crate::text::sanitize;

pub fn run(global: &Global, action: &CacheAction) -> Result<Outcome> {
    let dir = cache::dir().context("no cache directory: set LAMBDASCOPE_CACHE_DIR, XDG_CACHE_HOME or HOME")?;
    match action {
        CacheAction::List => {
            let entries = cache::list(&dir);
            match global.format {
                Format::Json => {
                    let rows: Vec<serde_json::Value> = entries
                        .iter()
                        .map(|e| {
                            serde_json::json!({"file": e.file.display().to_string(), "account": e.account, "region": e.region,
                                "taken_at": e.taken_at, "functions": e.functions, "bytes": e.bytes})
                        })
                        .collect();
                    emit_json(&serde_json::json!({"dir": dir.display().to_string(), "accounts": rows}))?;
                }
                _ => emit(&list_text(&dir, &entries))?,
            }
        }
        CacheAction::Clear { account } => {
            let removed =
                cache::clear(&dir, account.as_deref()).with_context(|| format!("cannot clear {}", dir.display()))?;
            emit(&format!(
                "removed {removed} cached account{} from {}\n",
                if removed == 1 { "" } else { "s" },
                sanitize(&dir.display().to_string())
            ))?;
        }
    }
    Ok(Outcome::Success)
}

fn list_text(dir: &std::path::Path, entries: &[cache::Entry]) -> String {
    let mut out = format!("cache {}\n", sanitize(&dir.display().to_string()));
    if entries.is_empty() {
        out.push_str("  empty: a full live read (any command but a targeted question, or the UI) fills it\n");
    }
    let now = chrono::Utc::now();
    for e in entries {
        let when = e.taken_at.map_or("unreadable".into(), |t| format!("read {} ago", cache::age(t, now)));
        out.push_str(&format!(
            "  {:<12} {:<16} {:<18} {:>6} functions {:>9} KiB  {}\n",
            sanitize(&e.account),
            sanitize(&e.region),
            when,
            e.functions,
            e.bytes / 1024,
            sanitize(&e.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        ));
    }
    out
}
