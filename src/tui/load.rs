//! Loading the account off the event loop: one load at a time, cancelled when replaced;
//! a live account opens on its cached copy while it is read again.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::app::{Action, Loaded};
use crate::source::Source;

/// The account being loaded, off the event loop: one load at a time. Starting another
/// aborts the first (its fetch workers with it, so two crawls never spend one quota), and
/// its channel goes with it, so nothing it already sent can overwrite the newer account.
pub(super) struct Loader {
    task: tokio::task::JoinHandle<()>,
    pub(super) actions: UnboundedReceiver<Action>,
    /// Where to send the names of functions to read first (live accounts only).
    pub(super) priority: Option<UnboundedSender<String>>,
}

impl Loader {
    pub(super) fn start(source: &Source) -> Loader {
        let live = matches!(source, Source::Live { .. });
        let source = source.clone();
        let mut loader = Loader::spawn(move |tx, prx| load(source, tx, prx));
        if !live {
            loader.priority = None;
        }
        loader
    }

    /// Runs `work` as the load task, with the channel it reports on and the channel of
    /// priority requests.
    fn spawn<F, Fut>(work: F) -> Loader
    where
        F: FnOnce(UnboundedSender<Action>, UnboundedReceiver<String>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let (tx, actions) = unbounded_channel();
        let (priority, prx) = unbounded_channel();
        Loader { task: tokio::spawn(work(tx, prx)), actions, priority: Some(priority) }
    }

    /// Cancels this load and starts `next` in its place.
    pub(super) fn replace(&mut self, next: Loader) {
        self.task.abort();
        *self = next;
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Loads the account, sending progress and the result as actions. A live account opens
/// first on its cached copy (if the cache holds one and `--refresh` was not given), which
/// stays on screen while the account is read again; then the fresh account replaces it,
/// with a summary of what changed.
async fn load(source: Source, tx: UnboundedSender<Action>, priority: UnboundedReceiver<String>) {
    let Source::Live { options, spread, .. } = &source else {
        // Demo or file: read it off the event loop (a file may be large).
        let stored = move || match source.stored() {
            Some(read) => read.map_err(anyhow::Error::from),
            None => Err(anyhow::anyhow!("the live account has no stored copy")),
        };
        let action = match tokio::task::spawn_blocking(stored).await {
            Ok(Ok(snap)) => built(snap).await,
            Ok(Err(e)) => Action::Failed(format!("{e:#}")),
            Err(e) => Action::Failed(e.to_string()),
        };
        let _ = tx.send(action);
        return;
    };
    let cached = match crate::fetch::who(options).await {
        Ok((account, region)) => source.cached(&account, &region),
        // The read below reports why the account cannot be reached.
        Err(_) => None,
    };
    if let Some(snap) = &cached {
        let age = crate::source::cache::age(snap.taken_at, chrono::Utc::now());
        if let Action::Loaded(l) = built(snap.clone()).await {
            let _ = tx.send(Action::Cached(l, age));
        }
    }
    let (etx, mut erx) = unbounded_channel();
    let forward = tx.clone();
    let forwarding = tokio::spawn(async move {
        while let Some(e) = erx.recv().await {
            let _ = forward.send(Action::Fetch(e));
        }
    });
    let fetched = match spread {
        Some(spread) => crate::fetch::fetch_spread(options, spread, Some(etx)).await,
        None => crate::fetch::fetch_with_priority(options, Some(etx), Some(priority)).await,
    };
    let _ = forwarding.await;
    let snap = match fetched {
        Ok(f) => f.snapshot,
        Err(e) => {
            let _ = tx.send(Action::Failed(e.to_string()));
            return;
        }
    };
    let kept = snap.clone();
    let remembered = tokio::task::spawn_blocking(move || source.remember(&kept)).await;
    let action = built(snap).await;
    let changes = match (&action, cached) {
        (Action::Loaded(l), Some(old)) => Some(changes(old, l)),
        _ => None,
    };
    let _ = tx.send(action);
    if let Some(text) = changes {
        let _ = tx.send(Action::Changed(text));
    }
    if let Ok(Some(Err(e))) = remembered {
        let _ = tx.send(Action::Changed(format!("could not update the local cache: {e}")));
    }
}

/// The loaded account as an action (built off the event loop: a large account takes a while).
async fn built(snap: crate::model::Snapshot) -> Action {
    match tokio::task::spawn_blocking(move || Loaded::new(snap)).await {
        Ok(l) => Action::Loaded(Box::new(l)),
        Err(e) => Action::Failed(e.to_string()),
    }
}

/// What changed between the cached copy and the fresh account, in one line.
fn changes(old: crate::model::Snapshot, new: &Loaded) -> String {
    let d = crate::graph::diff(&crate::graph::Graph::build(old), &new.graph);
    if d.is_empty() {
        return "refreshed: nothing changed since the cached copy".into();
    }
    let parts: Vec<String> = [
        (d.functions_added.len(), "functions added"),
        (d.functions_removed.len(), "functions removed"),
        (d.invokers_added.len(), "grants added"),
        (d.invokers_removed.len(), "grants removed"),
        (d.reach_gained.len(), "reach gained"),
        (d.reach_lost.len(), "reach lost"),
        (d.findings_introduced.len(), "findings new"),
        (d.findings_resolved.len(), "findings resolved"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    format!("refreshed: since the cached copy, {} (lambdascope diff shows them)", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// Sets its flag when dropped: proves a task was cancelled, not left running.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_change_summary_counts_what_differs_from_the_cached_copy() {
        let fresh = crate::model::Snapshot::from_json(crate::demo::JSON).unwrap_or_else(|e| panic!("{e}"));
        let mut old = fresh.clone();
        old.functions.retain(|f| f.name != "public-webhook");
        let summary = changes(old, &Loaded::new(fresh.clone()));
        assert!(summary.starts_with("refreshed: since the cached copy, 1 functions added"), "{summary}");
        assert!(summary.contains("findings new"), "{summary}");
        let same = changes(fresh.clone(), &Loaded::new(fresh));
        assert_eq!(same, "refreshed: nothing changed since the cached copy");
    }

    #[tokio::test]
    async fn reloading_cancels_the_running_load_and_drops_what_it_sent() {
        let first_cancelled = Arc::new(AtomicBool::new(false));
        let flag = first_cancelled.clone();
        let mut loader = Loader::spawn(move |tx, _| async move {
            let _guard = Dropped(flag);
            let _ = tx.send(Action::Failed("from the first load".into()));
            std::future::pending::<()>().await;
        });
        // The first load has sent its message, which is still queued.
        tokio::task::yield_now().await;
        loader.replace(Loader::spawn(|tx, _| async move {
            let _ = tx.send(Action::Failed("from the second load".into()));
        }));
        let got = loader.actions.recv().await;
        assert!(matches!(got, Some(Action::Failed(m)) if m == "from the second load"));
        for _ in 0..100 {
            if first_cancelled.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(first_cancelled.load(Ordering::SeqCst), "the first load still runs");
    }
}
