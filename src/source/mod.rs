//! Where the account comes from: the embedded demo, a snapshot file, or the live account
//! (read whole, or only what one answer needs). `main` chooses the source; the commands and
//! the terminal UI both load through it, and neither names the other.
//!
//! Stored accounts load here; live reads go through `fetch`, which this module configures.

pub mod cache;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::cli::AwsArgs;
use crate::demo;
use crate::fetch::FetchOptions;
use crate::model::{LoadError, Snapshot, SnapshotSource};

/// Where to read the account.
#[derive(Debug, Clone)]
pub enum Source {
    Demo,
    File(PathBuf),
    /// The live account: how to reach it, whether to read it whole even for one answer,
    /// whether to show progress, whether to use the local cache (`cache`), and whether the
    /// UI waits for a fresh read instead of opening on the cached copy (`refresh`).
    Live {
        options: FetchOptions,
        /// Several accounts and regions (`--regions`, `--accounts`); `None`: the one configured.
        spread: Option<Box<crate::fetch::Spread>>,
        full: bool,
        quiet: bool,
        cache: bool,
        refresh: bool,
    },
}

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("the embedded demo account is invalid: {0}")]
    Demo(LoadError),
    #[error("cannot read snapshot {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("cannot load snapshot {path}: {error}")]
    Load { path: String, error: LoadError },
}

impl Source {
    /// The source the command line names: `--demo`, `--snapshot FILE`, or the live account.
    pub fn from_args(demo: bool, snapshot: Option<&Path>, aws: &AwsArgs) -> Source {
        match (demo, snapshot) {
            (true, _) => Source::Demo,
            (false, Some(path)) => Source::File(path.to_path_buf()),
            (false, None) => Source::Live {
                options: fetch_options(aws),
                spread: aws.spans_several().then(|| {
                    Box::new(crate::fetch::Spread {
                        regions: aws.regions.clone(),
                        accounts: aws.accounts.clone(),
                        org: aws.org,
                        assume_role: aws.assume_role.clone(),
                    })
                }),
                full: aws.full,
                quiet: aws.quiet,
                cache: !aws.no_cache,
                refresh: aws.refresh,
            },
        }
    }

    /// How the status bar and messages name it.
    pub fn label(&self) -> String {
        match self {
            Source::Demo => "demo".into(),
            Source::File(p) => p.display().to_string(),
            Source::Live { .. } => "live".into(),
        }
    }

    pub fn origin(&self) -> SnapshotSource {
        match self {
            Source::Demo => SnapshotSource::Demo,
            Source::File(p) => SnapshotSource::File(p.display().to_string()),
            Source::Live { .. } => SnapshotSource::Live,
        }
    }

    /// The account of a stored source (demo or file); `None` for the live account.
    pub fn stored(&self) -> Option<Result<Snapshot, SourceError>> {
        match self {
            Source::Demo => Some(Snapshot::from_json(demo::JSON).map_err(SourceError::Demo)),
            Source::File(path) => Some(load_file(path)),
            Source::Live { .. } => None,
        }
    }
}

impl Source {
    /// Keeps a full live read in the local cache; `None` when the source is not live, the
    /// cache is off or there is nowhere to put it.
    pub fn remember(&self, snap: &Snapshot) -> Option<std::io::Result<PathBuf>> {
        let Source::Live { options, cache: true, spread: None, .. } = self else { return None };
        Some(cache::write(&cache::dir()?, snap, options.endpoint_url.as_deref()))
    }

    /// Folds a targeted read into the local cache (see [`cache::merge`]).
    pub fn remember_part(&self, part: &Snapshot) -> Option<std::io::Result<PathBuf>> {
        let Source::Live { options, cache: true, .. } = self else { return None };
        Some(cache::keep_part(&cache::dir()?, part, options.endpoint_url.as_deref()))
    }

    /// The cached copy of `account` in the live source's region, when the UI may open on it.
    pub fn cached(&self, account: &str, region: &str) -> Option<Snapshot> {
        let Source::Live { options, cache: true, refresh: false, spread: None, .. } = self else { return None };
        cache::read(&cache::dir()?, account, region, options.endpoint_url.as_deref())
    }
}

/// A snapshot file, loaded and checked.
pub fn load_file(path: &Path) -> Result<Snapshot, SourceError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| SourceError::Read { path: shown.clone(), error })?;
    Snapshot::from_json(&text).map_err(|error| SourceError::Load { path: shown, error })
}

/// Fetch options from the command line's AWS flags.
pub fn fetch_options(aws: &AwsArgs) -> FetchOptions {
    FetchOptions {
        profile: aws.profile.clone(),
        region: aws.region.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        lambda_policy_rate: aws.policy_rate,
        lambda_rate: aws.lambda_rate,
        iam_rate: aws.iam_rate,
        concurrency: usize::from(aws.concurrency),
        max_time: aws.max_time,
        ..FetchOptions::default()
    }
}
