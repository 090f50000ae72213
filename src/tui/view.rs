//! Drawing: borrows the app and paints it. No I/O and no decisions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};

use super::app::{App, Mode, Screen, SortKey, Tab};
use super::rows::{Row, Tone};
use crate::text::sanitize;

/// Below this the UI says the terminal is too small instead of drawing.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

fn style(tone: Tone) -> Style {
    match tone {
        Tone::Normal => Style::default(),
        Tone::Dim => Style::default().fg(Color::DarkGray),
        Tone::Header => Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        Tone::Good => Style::default().fg(Color::Green),
        Tone::Warn => Style::default().fg(Color::Yellow),
        Tone::Bad => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        Tone::Key => Style::default().fg(Color::Magenta),
        Tone::Str => Style::default().fg(Color::Green),
        Tone::Highlight => Style::default().fg(Color::Black).bg(Color::Yellow),
    }
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text =
            format!("terminal too small: {}×{} (need {MIN_WIDTH}×{MIN_HEIGHT}); q quits", area.width, area.height);
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    let [top, body, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
    draw_top(frame, top, app);
    draw_body(frame, body, app);
    draw_bottom(frame, bottom, app);
}

fn draw_top(frame: &mut Frame, area: Rect, app: &App) {
    let st = &app.status;
    let acct = if st.account.is_empty() { "…".to_string() } else { sanitize(&st.account).into_owned() };
    let line = Line::from(vec![
        Span::styled(" lambdascope ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" acct {acct}  {}  [{}]  ", sanitize(&st.region), sanitize(&st.source))),
        Span::styled("? help  ", Style::default().fg(Color::Magenta)),
        Span::styled(format!("as {}", sanitize(&st.caller)), Style::default().fg(Color::DarkGray)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn title(app: &App) -> String {
    let Some(d) = &app.data else {
        return format!(" Functions ({} listed, {} read) ", app.status.listed, app.detailed.len());
    };
    let name = |i: usize| sanitize(&d.graph.function(i).name).into_owned();
    match &app.place().screen {
        Screen::Functions => {
            let sort = match app.sort {
                SortKey::Name => "",
                SortKey::Invokers => "  sorted by invokers",
                SortKey::Worst => "  sorted by worst finding",
            };
            let filter = if app.filter.is_empty() { String::new() } else { format!("  /{}", app.filter) };
            let read = if app.status.loading {
                format!(", {} of {} read", app.detailed.len(), app.status.listed.max(d.rows.len()))
            } else {
                String::new()
            };
            format!(" Functions ({}/{}{read}){filter}{sort} ", app.visible.len(), d.rows.len())
        }
        Screen::Function { index, .. } => format!(" Functions › {} ", name(*index)),
        Screen::Roles => " Roles ".into(),
        Screen::Principals => " Principals ".into(),
        Screen::Principal(p) => format!(" Principals › {} ", sanitize(p)),
        Screen::Findings => format!(" Findings ({}) ", d.findings.len()),
        Screen::Gaps => format!(" Gaps ({}) ", d.graph.snapshot.gaps.len()),
        Screen::Ways => {
            format!(" Web functions ({}) and layers ({}) ", d.graph.web_functions().len(), d.graph.layers().len())
        }
        Screen::Accounts => format!(" Accounts and regions ({}) ", d.graph.snapshot.parts().len()),
        Screen::Help => " Help ".into(),
        Screen::Explain { index, .. } => format!(" Explain › {} ", name(*index)),
    }
}

fn draw_body(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::default().borders(Borders::ALL).title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut list = inner;
    match &app.place().screen {
        Screen::Function { tab, index, .. } => {
            let [head, tabs, rest] =
                Layout::vertical([Constraint::Length(3), Constraint::Length(1), Constraint::Min(1)]).areas(inner);
            if let Some(d) = &app.data {
                let lines: Vec<Line> = super::rows::function_header(&d.graph, *index)
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, style(Tone::Dim))))
                    .collect();
                frame.render_widget(Paragraph::new(lines), head);
            }
            let selected = Tab::ALL.iter().position(|t| t == tab).unwrap_or(0);
            let titles: Vec<&str> = Tab::ALL.iter().map(|t| t.label()).collect();
            frame.render_widget(
                Tabs::new(titles).select(selected).highlight_style(Style::default().add_modifier(Modifier::REVERSED)),
                tabs,
            );
            list = rest;
        }
        Screen::Functions if app.data.is_some() => {
            let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
            let mut header = format!(
                "{:<30} {:<12} {:<22} {:<10} {:>8}  {:<7} {}",
                "NAME", "RUNTIME", "ROLE", "MODIFIED", "INVOKERS", "PUBLIC", "WORST"
            );
            if app.data.as_ref().is_some_and(|d| d.graph.snapshot.is_multi()) {
                header = format!("{:<13}{:<15}{header}", "ACCOUNT", "REGION");
            }
            frame.render_widget(
                Paragraph::new(Span::styled(header, Style::default().add_modifier(Modifier::BOLD))),
                head,
            );
            list = rest;
        }
        _ => {}
    }
    draw_rows(frame, list, app);
}

fn draw_rows(frame: &mut Frame, area: Rect, app: &App) {
    let height = area.height as usize;
    app.page.set(height.max(1));
    app.list_top.set(area.y);
    let count = app.row_count();
    let selected = app.place().selected.min(count.saturating_sub(1));
    // Keep the selection in view, moving the window as little as possible.
    let mut offset = app.offset.get().min(count.saturating_sub(1));
    if selected < offset {
        offset = selected;
    } else if height > 0 && selected >= offset + height {
        offset = selected + 1 - height;
    }
    app.offset.set(offset);
    let rows: Vec<Row> = app.window(offset, height);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (i + offset, row))
        .map(|(i, row)| {
            let mut line =
                Line::from(row.spans.iter().map(|(t, tone)| Span::styled(t.clone(), style(*tone))).collect::<Vec<_>>());
            if i == selected {
                line = line.style(Style::default().add_modifier(Modifier::REVERSED));
            }
            line
        })
        .collect();
    if lines.is_empty() {
        let empty = if app.data.is_none() { "waiting for the first functions…" } else { "nothing here" };
        frame.render_widget(Paragraph::new(Span::styled(empty, style(Tone::Dim))), area);
        return;
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_bottom(frame: &mut Frame, area: Rect, app: &App) {
    let st = &app.status;
    let line = match app.mode {
        Mode::Filter => Line::from(vec![
            Span::styled("/", style(Tone::Key)),
            Span::raw(app.input.clone()),
            Span::styled("▏  Enter keep · Esc clear", style(Tone::Dim)),
        ]),
        Mode::Command => Line::from(vec![
            Span::styled(":", style(Tone::Key)),
            Span::raw(app.input.clone()),
            Span::styled(
                "▏  functions · function NAME · roles · principals · findings · gaps · help · quit",
                style(Tone::Dim),
            ),
        ]),
        Mode::Prompt => Line::from(vec![
            Span::styled("principal [action]: ", style(Tone::Key)),
            Span::raw(app.input.clone()),
            Span::styled("▏  Enter ask · Esc cancel", style(Tone::Dim)),
        ]),
        Mode::Normal => {
            if let Some(e) = &st.error {
                Line::from(Span::styled(format!("error: {}", sanitize(e)), style(Tone::Bad)))
            } else if let Some(m) = &app.message {
                // While loading, the note and how far the load has come, side by side.
                let progress = if st.loading {
                    format!("  ·  {}/{} functions · {} calls", st.done, st.total.max(st.listed), st.calls)
                } else {
                    String::new()
                };
                Line::from(vec![Span::styled(m.clone(), style(Tone::Warn)), Span::styled(progress, style(Tone::Dim))])
            } else if st.loading {
                const W: usize = 20;
                let filled = (st.done * W).checked_div(st.total).unwrap_or(0).min(W);
                let mut spans = vec![
                    Span::raw(format!("{} ▕", sanitize(&st.phase))),
                    Span::styled("█".repeat(filled), style(Tone::Good)),
                    Span::raw(format!(
                        "{}▏ {}/{} functions · {} calls · {} gaps",
                        "░".repeat(W - filled),
                        st.done,
                        st.total.max(st.listed),
                        st.calls,
                        st.gaps
                    )),
                ];
                if st.waiting > 0 || st.throttled > 0 {
                    spans.push(Span::styled(
                        format!(" · {} to re-read · {} throttled", st.waiting, st.throttled),
                        style(Tone::Warn),
                    ));
                }
                Line::from(spans)
            } else {
                let hints = match &app.place().screen {
                    Screen::Function { .. } => "<Tab> next tab  <Enter> show statement  x explain  y copy  <Esc> back",
                    _ => "<Enter> open  / filter  : command  s sort  x explain  ? help  q quit",
                };
                Line::from(vec![
                    Span::styled(
                        format!("{} gaps · ", st.gaps),
                        if st.gaps > 0 { style(Tone::Warn) } else { style(Tone::Dim) },
                    ),
                    Span::styled(hints, style(Tone::Dim)),
                ])
            }
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}
