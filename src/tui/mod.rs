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
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::cli::Global;
use crate::cmd::Outcome;
use app::{Action, App, Effect, Loaded};

pub fn run(global: &Global) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(event_loop(global))
}

fn source_label(global: &Global) -> String {
    match (&global.snapshot, global.demo) {
        (_, true) => "demo".into(),
        (Some(p), _) => p.display().to_string(),
        (None, false) => "live".into(),
    }
}

/// Loads the account off the event loop, sending progress and the result as actions.
/// For a live account, returns where to send the names of functions to read first.
fn load(global: &Global, tx: UnboundedSender<Action>) -> Option<UnboundedSender<String>> {
    let demo = global.demo;
    let snapshot = global.snapshot.clone();
    let aws = global.aws.clone();
    let live = !demo && snapshot.is_none();
    let (ptx, prx) = unbounded_channel();
    tokio::spawn(async move {
        let loaded = if live {
            let (etx, mut erx) = unbounded_channel();
            let forward = tx.clone();
            tokio::spawn(async move {
                while let Some(e) = erx.recv().await {
                    let _ = forward.send(Action::Fetch(e));
                }
            });
            let opts = crate::cmd::fetch_options(&aws);
            let fetched = crate::fetch::fetch_with_priority(&opts, Some(etx), Some(prx)).await;
            Ok(fetched.map(|f| f.snapshot).map_err(anyhow::Error::from))
        } else {
            let g = Global { demo, snapshot, format: crate::cli::Format::Text, aws };
            tokio::task::spawn_blocking(move || crate::cmd::load_account(&g).map(|(s, _)| s)).await
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
    });
    live.then_some(ptx)
}

async fn event_loop(global: &Global) -> Result<Outcome> {
    let mut term = term::enter()?;
    let mut app = App::new(&source_label(global));
    let (tx, mut rx) = unbounded_channel();
    let mut priority = load(global, tx.clone());
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
            Some(a) = rx.recv() => Some(a),
            _ = ticks.tick() => Some(Action::Tick),
        };
        for effect in action.map(|a| app.update(a)).unwrap_or_default() {
            match effect {
                Effect::Copy(text) => term::copy(&text),
                Effect::Reload => priority = load(global, tx.clone()),
                Effect::Prioritize(name) => {
                    if let Some(p) = &priority {
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
