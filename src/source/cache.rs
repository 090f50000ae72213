//! The local cache: the last full read of each account and region, so the terminal UI opens
//! at once on a large account and refreshes behind it. One snapshot file per account and
//! region (and endpoint, when one is set, so a test server's account never sits beside a
//! real one), in the same format as `fetch` writes: environment variable values are never in
//! it. The directory is the owner's only (0700), each file too (0600), written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::model::Snapshot;

/// The cache directory: `LAMBDASCOPE_CACHE_DIR`, else `$XDG_CACHE_HOME/lambdascope`, else
/// `~/.cache/lambdascope`; `None` when there is no home to put it in.
pub fn dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("LAMBDASCOPE_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("lambdascope")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("lambdascope")))
}

/// The file name for an account and region read through `endpoint` (if any).
pub fn file_name(account: &str, region: &str, endpoint: Option<&str>) -> String {
    let tidy = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect()
    };
    match endpoint {
        Some(e) => format!("{}-{}@{}.json", tidy(account), tidy(region), tidy(e.split("://").nth(1).unwrap_or(e))),
        None => format!("{}-{}.json", tidy(account), tidy(region)),
    }
}

/// The cached account, if there is one that loads.
pub fn read(dir: &Path, account: &str, region: &str, endpoint: Option<&str>) -> Option<Snapshot> {
    let text = std::fs::read_to_string(dir.join(file_name(account, region, endpoint))).ok()?;
    Snapshot::from_json(&text).ok()
}

/// Keeps `snap` as the cached copy of its account and region.
pub fn write(dir: &Path, snap: &Snapshot, endpoint: Option<&str>) -> std::io::Result<PathBuf> {
    create_private_dir(dir)?;
    let path = dir.join(file_name(&snap.account_id, &snap.region, endpoint));
    write_private(&path, &snap.to_json())?;
    Ok(path)
}

/// Folds a targeted read (one function, its roles, the account's principals) into the
/// cached account: that function, its event source mappings, its roles and their managed
/// policies replace the cached ones, and the principals too when the read listed them.
/// What the cached read could not see about them is replaced by what this read could not.
pub fn merge(cached: &mut Snapshot, part: &Snapshot) {
    fn about(resource: &str, arns: &[&str]) -> bool {
        arns.iter()
            .any(|a| resource == *a || resource.starts_with(&format!("{a}:")) || resource.starts_with(&format!("{a}/")))
    }
    let mut arns: Vec<&str> = part.functions.iter().map(|f| f.arn.as_str()).collect();
    arns.extend(part.roles.iter().map(|r| r.arn.as_str()));
    cached.gaps.retain(|g| !about(&g.resource, &arns));
    cached.gaps.extend(part.gaps.iter().filter(|g| g.resource != "*").cloned());
    let functions: Vec<&str> = part.functions.iter().map(|f| f.arn.as_str()).collect();
    cached.event_source_mappings.retain(|m| !about(&m.function_arn, &functions));
    cached.event_source_mappings.extend(part.event_source_mappings.iter().cloned());
    for f in &part.functions {
        cached.functions.retain(|c| c.name != f.name);
        cached.functions.push(f.clone());
    }
    for r in &part.roles {
        cached.roles.retain(|c| c.arn != r.arn);
        cached.roles.push(r.clone());
    }
    for p in &part.managed_policies {
        cached.managed_policies.retain(|c| c.arn != p.arn);
        cached.managed_policies.push(p.clone());
    }
    // The principals replace the cached ones only when this read could list them.
    if !part.gaps.iter().any(|g| g.resource == "*") {
        cached.users = part.users.clone();
        cached.groups = part.groups.clone();
    }
    cached.absent.extend(part.absent.iter().cloned());
    // The organisation as this read found it, when it found anything.
    if !part.organization.is_not_read() {
        cached.organization = part.organization.clone();
    }
    cached.normalize();
}

/// Keeps a targeted read: folded into the cached account, or as the first copy of it.
pub fn keep_part(dir: &Path, part: &Snapshot, endpoint: Option<&str>) -> std::io::Result<PathBuf> {
    match read(dir, &part.account_id, &part.region, endpoint) {
        Some(mut cached) => {
            merge(&mut cached, part);
            write(dir, &cached, endpoint)
        }
        None => write(dir, part, endpoint),
    }
}

/// One cached account, for `cache list`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub file: PathBuf,
    pub account: String,
    pub region: String,
    pub taken_at: Option<DateTime<Utc>>,
    pub functions: usize,
    pub bytes: u64,
}

/// Every cached account, oldest first; files that do not load are listed with no date.
pub fn list(dir: &Path) -> Vec<Entry> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<Entry> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|file| {
            let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
            let snap = std::fs::read_to_string(&file).ok().and_then(|t| Snapshot::from_json(&t).ok());
            let name = file.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Entry {
                account: snap.as_ref().map_or_else(|| name.clone(), |s| s.account_id.clone()),
                region: snap.as_ref().map_or_else(String::new, |s| s.region.clone()),
                taken_at: snap.as_ref().map(|s| s.taken_at),
                functions: snap.as_ref().map_or(0, |s| s.functions.len()),
                bytes,
                file,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.taken_at, &a.file).cmp(&(b.taken_at, &b.file)));
    out
}

/// Removes every cached account (or those of one account); how many files went.
pub fn clear(dir: &Path, account: Option<&str>) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in list(dir) {
        if account.is_none_or(|a| a == entry.account) {
            std::fs::remove_file(&entry.file)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// "3 min", "2 h", "5 days": how old a snapshot is.
pub fn age(taken: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - taken).num_seconds().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..172_800 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a file readable by its owner only, replacing `path` atomically so an interrupted
/// write never leaves half a file behind.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_targeted_read_replaces_its_function_and_keeps_the_rest() {
        let full = Snapshot::from_json(crate::demo::JSON).unwrap_or_else(|e| panic!("{e}"));
        let mut part = full.clone();
        part.functions.retain(|f| f.name == "payments-refund");
        part.functions[0].description = "read again".into();
        part.event_source_mappings.retain(|m| m.function_arn.starts_with(&part.functions[0].arn));
        part.gaps = vec![crate::model::Gap {
            operation: "iam:ListUsers".into(),
            resource: "*".into(),
            reason: crate::model::GapReason::AccessDenied,
            message: "not read for a targeted answer".into(),
        }];
        part.users.clear();
        let mut cached = full.clone();
        merge(&mut cached, &part);
        assert_eq!(cached.functions.len(), full.functions.len());
        let refund = cached.functions.iter().find(|f| f.name == "payments-refund").unwrap_or_else(|| panic!("kept"));
        assert_eq!(refund.description, "read again");
        assert_eq!(cached.event_source_mappings.len(), full.event_source_mappings.len(), "no mapping lost or doubled");
        assert_eq!(cached.gaps, full.gaps, "a listing the targeted read skipped does not become a gap of the cache");
        Snapshot::from_json(&cached.to_json()).unwrap_or_else(|e| panic!("the merged cache loads: {e}"));
    }

    #[test]
    fn names_keep_accounts_regions_and_endpoints_apart() {
        assert_eq!(file_name("123456789012", "us-east-1", None), "123456789012-us-east-1.json");
        assert_eq!(
            file_name("123456789012", "us-east-1", Some("http://127.0.0.1:5000")),
            "123456789012-us-east-1@127.0.0.1_5000.json"
        );
        assert_eq!(file_name("../x", "a/b", None), ".._x-a_b.json", "no path can escape the directory");
    }

    #[test]
    fn ages_read_naturally() {
        let now = Utc::now();
        assert_eq!(age(now - chrono::Duration::seconds(20), now), "20 s");
        assert_eq!(age(now - chrono::Duration::minutes(3), now), "3 min");
        assert_eq!(age(now - chrono::Duration::hours(5), now), "5 h");
        assert_eq!(age(now - chrono::Duration::days(4), now), "4 days");
    }
}
