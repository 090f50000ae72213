//! The terminal UI: `lambdascope` with no subcommand. It asks `graph` every question and
//! computes no permission logic of its own. Loading (a file, or a live fetch streaming
//! progress) runs off the event loop, which never blocks.

mod accounts;
pub mod app;
mod input;
pub mod keymap;
mod lists;
mod live;
mod load;
mod nav;
mod policies;
pub mod rows;
mod screen;
mod term;
pub mod view;
mod ways;

use anyhow::Result;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind, MouseEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc::unbounded_channel;

use crate::outcome::Outcome;
use crate::source::Source;
use app::{Action, App, Effect, Loaded};
use load::Loader;

pub fn run(source: Source) -> Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(event_loop(&source))
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
