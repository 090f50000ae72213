//! The terminal UI: `lambdascope` with no subcommand. It asks `graph` every question and
//! computes no permission logic of its own. Loading (a file, or a live fetch streaming
//! progress) runs off the event loop, which never blocks.

pub mod app;
mod input;
pub mod keymap;
mod lists;
mod live;
mod nav;
pub mod rows;
mod term;
pub mod view;

use anyhow::Result;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::outcome::Outcome;
use crate::source::Source;
use app::{Action, App, Effect, Loaded};

pub fn run(source: Source) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(event_loop(&source))
}

/// The account being loaded, off the event loop: one load at a time. Starting another
/// aborts the first (its fetch workers with it, so two crawls never spend one quota), and
/// its channel goes with it, so nothing it already sent can overwrite the newer account.
struct Loader {
    task: tokio::task::JoinHandle<()>,
    actions: UnboundedReceiver<Action>,
    /// Where to send the names of functions to read first (live accounts only).
    priority: Option<UnboundedSender<String>>,
}

impl Loader {
    fn start(source: &Source) -> Loader {
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
    fn replace(&mut self, next: Loader) {
        self.task.abort();
        *self = next;
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Loads the account, sending progress and the result as actions.
async fn load(source: Source, tx: UnboundedSender<Action>, priority: UnboundedReceiver<String>) {
    let loaded = if let Source::Live { options, .. } = &source {
        let (etx, mut erx) = unbounded_channel();
        let forward = tx.clone();
        let forwarding = tokio::spawn(async move {
            while let Some(e) = erx.recv().await {
                let _ = forward.send(Action::Fetch(e));
            }
        });
        let fetched = crate::fetch::fetch_with_priority(options, Some(etx), Some(priority)).await;
        let _ = forwarding.await;
        Ok(fetched.map(|f| f.snapshot).map_err(anyhow::Error::from))
    } else {
        // Demo or file: `stored` reads it (off the event loop: a file may be large).
        let stored = move || match source.stored() {
            Some(read) => read.map_err(anyhow::Error::from),
            None => Err(anyhow::anyhow!("the live account has no stored copy")),
        };
        tokio::task::spawn_blocking(stored).await
    };
    let action = match loaded {
        Ok(Ok(snap)) => match tokio::task::spawn_blocking(move || Loaded::new(snap)).await {
            Ok(l) => Action::Loaded(Box::new(l)),
            Err(e) => Action::Failed(e.to_string()),
        },
        Ok(Err(e)) => Action::Failed(format!("{e:#}")),
        Err(e) => Action::Failed(e.to_string()),
    };
    let _ = tx.send(action);
}

async fn event_loop(source: &Source) -> Result<Outcome> {
    let mut term = term::enter()?;
    let mut app = App::new(&source.label());
    let (tx, mut rx) = unbounded_channel();
    let mut loader = Loader::start(source);
    let mut keys = EventStream::new();
    let mut ticks = tokio::time::interval(std::time::Duration::from_millis(300));
    loop {
        term.terminal.draw(|f| view::draw(f, &app))?;
        if app.quit {
            break;
        }
        let action = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(e)) => translate(&app, e),
                Some(Err(e)) => return Err(e.into()),
                None => Some(Action::Quit),
            },
            Some(a) = loader.actions.recv() => Some(a),
            Some(a) = rx.recv() => Some(a),
            _ = ticks.tick() => Some(Action::Tick),
        };
        for effect in action.map(|a| app.update(a)).unwrap_or_default() {
            match effect {
                Effect::Copy(text) => term::copy(&text),
                Effect::Reload => loader.replace(Loader::start(source)),
                Effect::Prioritize(name) => {
                    if let Some(p) = &loader.priority {
                        let _ = p.send(name);
                    }
                }
                Effect::Rebuild(snapshot) => {
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.send(Action::Partial(Box::new(Loaded::new(*snapshot))));
                    });
                }
            }
        }
    }
    drop(term);
    Ok(Outcome::Success)
}

fn translate(app: &App, event: TermEvent) -> Option<Action> {
    match event {
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => keymap::action(app.mode, k),
        TermEvent::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::Down(_) => Some(Action::Click(m.row)),
            _ => None,
        },
        _ => None,
    }
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
