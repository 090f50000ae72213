//! The terminal UI, headless: the App driven by actions (navigation, filtering, the back
//! stack, tabs, explain, progressive loading), every view rendered at many sizes without
//! panicking, screen snapshots at 120x40, and no escape sequence from AWS on screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lambdascope::demo;
use lambdascope::fetch::Event;
use lambdascope::model::Snapshot;
use lambdascope::tui::app::{Action, App, Effect, Loaded, Mode, Screen, Tab, ViewKind};
use lambdascope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_app() -> App {
    let mut app = App::new("demo");
    app.update(Action::Loaded(Box::new(Loaded::new(Snapshot::from_json(demo::JSON).unwrap()))));
    app
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::InputChar(c));
    }
}

fn screen_text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn selected_line(app: &App) -> String {
    app.rows()[app.place().selected].line()
}

#[test]
fn navigation_and_the_back_stack_keep_the_users_place() {
    let mut app = demo_app();
    assert_eq!(app.rows().len(), 45);
    for _ in 0..5 {
        app.update(Action::Down);
    }
    let chosen = selected_line(&app);
    app.update(Action::Open);
    assert!(matches!(app.place().screen, Screen::Function { tab: Tab::Invokers, .. }));
    app.update(Action::NextTab);
    app.update(Action::NextTab);
    assert!(matches!(app.place().screen, Screen::Function { tab: Tab::Policies, .. }));
    app.update(Action::Back);
    assert!(matches!(app.place().screen, Screen::Functions));
    assert_eq!(selected_line(&app), chosen, "the selection survives drilling in and out");
    app.update(Action::Bottom);
    assert_eq!(app.place().selected, 44);
    app.update(Action::Down);
    assert_eq!(app.place().selected, 44, "stops at the end");
    app.update(Action::Top);
    assert_eq!(app.place().selected, 0);
}

#[test]
fn fuzzy_filter_narrows_and_esc_clears() {
    let mut app = demo_app();
    app.update(Action::StartFilter);
    assert_eq!(app.mode, Mode::Filter);
    typed(&mut app, "payref");
    assert_eq!(app.rows().len(), 1);
    assert!(selected_line(&app).starts_with("payments-refund"));
    app.update(Action::InputSubmit);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.filter, "payref", "Enter keeps the filter");
    assert_eq!(app.rows().len(), 1);
    app.update(Action::Back);
    assert_eq!(app.rows().len(), 45, "Esc at the top clears the filter");
    app.update(Action::StartFilter);
    typed(&mut app, "pay");
    // Fuzzy: subsequences match too (partner-sync), but the closest matches come first.
    let lines: Vec<String> = app.rows().iter().map(|r| r.line()).collect();
    assert!(lines.len() >= 4 && lines[..3].iter().all(|l| l.starts_with("payments-")), "{lines:#?}");
    app.update(Action::InputCancel);
    assert_eq!(app.rows().len(), 45);
}

#[test]
fn sorting_by_worst_finding_puts_critical_first() {
    let mut app = demo_app();
    app.update(Action::Sort);
    app.update(Action::Sort);
    let first = selected_line(&app);
    assert!(first.contains("critical"), "{first}");
}

#[test]
fn a_grant_opens_its_statement_highlighted() {
    let mut app = demo_app();
    app.update(Action::StartCommand);
    typed(&mut app, "function payments-refund");
    app.update(Action::InputSubmit);
    let rows = app.rows();
    let partner = rows.iter().position(|r| r.line().contains("partner-caller")).unwrap();
    app.place();
    for _ in 0..partner {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    assert!(matches!(app.place().screen, Screen::Function { tab: Tab::Policies, .. }));
    let line = selected_line(&app);
    assert!(line.starts_with('▌'), "the selection lands on the highlighted statement: {line}");
    let highlighted: String = app.rows().iter().filter(|r| r.line().starts_with('▌')).map(|r| r.line()).collect();
    assert!(highlighted.contains("\"Sid\": \"Partner\"") && !highlighted.contains("AllowRefundTopic"), "{highlighted}");
}

#[test]
fn a_reach_line_opens_the_role_statement_that_grants_it() {
    let mut app = demo_app();
    app.update(Action::StartCommand);
    typed(&mut app, "function payments-refund");
    app.update(Action::InputSubmit);
    app.update(Action::NextTab);
    let dynamodb = app.rows().iter().position(|r| r.line().starts_with("▾ dynamodb")).unwrap();
    for _ in 0..dynamodb {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    assert!(matches!(app.place().screen, Screen::Function { tab: Tab::Policies, .. }));
    assert!(selected_line(&app).starts_with('▌'));
    let highlighted: String = app.rows().iter().filter(|r| r.line().starts_with('▌')).map(|r| r.line()).collect();
    assert!(highlighted.contains("\"Sid\": \"PaymentsTables\"") && !highlighted.contains("CardKey"), "{highlighted}");
}

#[test]
fn explain_asks_for_a_principal_and_answers_for_the_selected_scope() {
    let mut app = demo_app();
    app.update(Action::StartCommand);
    typed(&mut app, "function payments-refund");
    app.update(Action::InputSubmit);
    let partner = app.rows().iter().position(|r| r.line().contains("partner-caller")).unwrap();
    for _ in 0..partner {
        app.update(Action::Down);
    }
    app.update(Action::Explain);
    assert_eq!(app.mode, Mode::Prompt);
    typed(&mut app, "arn:aws:iam::111122223333:role/partner-caller");
    app.update(Action::InputSubmit);
    let text: Vec<String> = app.rows().iter().map(|r| r.line()).collect();
    assert!(text.iter().any(|l| l.contains("function:payments-refund:live")), "{text:#?}");
    assert!(text.iter().any(|l| l.contains("? unknown")), "the partner's identity side is not visible: {text:#?}");
    // Another action on the same scope.
    app.update(Action::Back);
    app.update(Action::Explain);
    typed(&mut app, "arn:aws:iam::123456789012:role/ops-admin-role lambda:DeleteFunction");
    app.update(Action::InputSubmit);
    let text: Vec<String> = app.rows().iter().map(|r| r.line()).collect();
    assert!(text.iter().any(|l| l.contains("action     lambda:DeleteFunction")), "{text:#?}");
    assert!(text.iter().any(|l| l.contains("✔ allowed")), "the admin role may: {text:#?}");
}

#[test]
fn views_are_reachable_and_findings_lead_to_functions() {
    let mut app = demo_app();
    for (kind, expect) in [
        (ViewKind::Roles, "app-shared-role"),
        (ViewKind::Principals, "sns.amazonaws.com"),
        (ViewKind::Gaps, "iam:ListUsers"),
        (ViewKind::Help, "filter functions"),
    ] {
        app.update(Action::Goto(kind));
        let text: String = app.rows().iter().map(|r| r.line() + "\n").collect();
        assert!(text.contains(expect), "{kind:?}: {text}");
    }
    app.update(Action::Goto(ViewKind::Findings));
    assert!(selected_line(&app).contains("critical"));
    app.update(Action::Open);
    assert!(matches!(app.place().screen, Screen::Function { .. }));
    app.update(Action::StartCommand);
    typed(&mut app, "nonsense");
    app.update(Action::InputSubmit);
    assert!(app.message.as_deref().unwrap_or_default().contains("unknown command"));
    app.update(Action::Goto(ViewKind::Functions));
    assert_eq!(app.stack.len(), 1);
}

#[test]
fn a_click_selects_the_row_under_the_pointer() {
    let mut app = demo_app();
    let _ = screen_text(&app, 120, 40);
    // Line 0 status, 1 border, 2 column header: the first function is on line 3.
    app.update(Action::Click(5));
    assert!(selected_line(&app).starts_with("app-feature-flags"), "{}", selected_line(&app));
    app.update(Action::Click(1));
    assert!(selected_line(&app).starts_with("app-feature-flags"), "a click above the list changes nothing");
    app.update(Action::Goto(ViewKind::Gaps));
    let _ = screen_text(&app, 120, 40);
    app.update(Action::Click(3));
    assert_eq!(app.place().selected, 1, "no header on this screen: line 2 is the first row");
}

#[test]
fn copy_gives_the_selected_arn() {
    let mut app = demo_app();
    let effects = app.update(Action::Copy);
    assert_eq!(effects, vec![Effect::Copy("arn:aws:lambda:us-east-1:123456789012:function:app-cart-get".into())]);
}

/// What the listing says of a function: no versions, aliases, policies or URLs yet.
fn as_listed(f: &lambdascope::model::Function) -> lambdascope::model::Function {
    lambdascope::model::Function {
        versions: Vec::new(),
        aliases: Vec::new(),
        urls: Vec::new(),
        policy: None,
        ..f.clone()
    }
}

/// Installs the partial account a tick asks for, as the event loop does.
fn rebuild(app: &mut App) -> Snapshot {
    let effects = app.update(Action::Tick);
    let [Effect::Rebuild(partial)] = effects.as_slice() else { panic!("{effects:?}") };
    let partial = (**partial).clone();
    assert!(app.update(Action::Tick).is_empty(), "one rebuild at a time");
    app.update(Action::Partial(Box::new(Loaded::new(partial.clone()))));
    partial
}

#[test]
fn a_live_account_works_while_it_loads() {
    let mut app = App::new("live");
    assert!(app.status.loading);
    assert!(screen_text(&app, 120, 20).contains("waiting for the first functions"));
    app.update(Action::Fetch(Event::Identity {
        account: "123456789012".into(),
        region: "us-east-1".into(),
        caller_arn: "arn:aws:iam::123456789012:user/me".into(),
    }));
    app.update(Action::Fetch(Event::Phase("reading function details")));
    let snap = Snapshot::from_json(demo::JSON).unwrap();
    let listed: Vec<_> = snap.functions.iter().map(as_listed).collect();
    app.update(Action::Fetch(Event::Listed { functions: 45, listed }));
    // From the first page, the table is a real one: every function, what the listing said.
    let partial = rebuild(&mut app);
    assert_eq!(partial.functions.len(), 45);
    assert_eq!(app.row_count(), 45);
    let screen = screen_text(&app, 120, 20);
    assert!(screen.contains("Functions (45/45, 0 of 45 read)"), "{screen}");
    assert!(screen.contains("app-cart-get") && screen.contains("nodejs") && screen.contains("… reading"), "{screen}");
    // Moving onto a function not read yet asks for it first.
    let second = app.data.as_ref().unwrap().graph.function(1).name.clone();
    assert_eq!(app.update(Action::Down), vec![Effect::Prioritize(second)]);
    // The filter works on what is known.
    app.update(Action::StartFilter);
    typed(&mut app, "payments-refund");
    app.update(Action::InputSubmit);
    assert_eq!(app.row_count(), 1);
    // Opening it reads it first, and its screen says what it is waiting for.
    let effects = app.update(Action::Open);
    assert_eq!(effects, vec![Effect::Prioritize("payments-refund".into())]);
    assert!(matches!(app.place().screen, Screen::Function { .. }));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("no grants in what could be read"), "{screen}");
    assert!(screen.contains("not read yet"), "{screen}");
    // Its details arrive; the next partial account fills the open screen in.
    let refund = snap.functions.iter().find(|f| f.name == "payments-refund").unwrap();
    app.update(Action::Fetch(Event::Function { function: Box::new(refund.clone()), done: 1, total: 45 }));
    app.update(Action::Fetch(Event::Call { operation: "lambda:GetPolicy".into(), total: 17 }));
    rebuild(&mut app);
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("sns.amazonaws.com"), "the invokers read so far appear: {screen}");
    assert!(screen.contains("1/45 functions · 17 calls"), "{screen}");
    assert!(screen.contains("as arn:aws:iam::123456789012:user/me"), "{screen}");
    // The complete account replaces the partial one; the user's place is kept.
    app.update(Action::Loaded(Box::new(Loaded::new(snap))));
    assert!(!app.status.loading);
    match &app.place().screen {
        Screen::Function { index, .. } => {
            assert_eq!(app.data.as_ref().unwrap().graph.function(*index).name, "payments-refund")
        }
        other => panic!("{other:?}"),
    }
    assert!(!screen_text(&app, 120, 40).contains("not read yet"));
    app.update(Action::Back);
    app.update(Action::StartFilter);
    app.update(Action::InputCancel);
    assert_eq!(app.row_count(), 45);
}

/// Every screen the app can show, for the sweeps.
fn every_screen() -> Vec<(String, App)> {
    let mut out = Vec::new();
    let mut at = |name: &str, setup: &dyn Fn(&mut App)| {
        let mut app = demo_app();
        setup(&mut app);
        out.push((name.to_string(), app));
    };
    at("functions", &|_| {});
    for (n, tab) in [(0, "invokers"), (1, "reach"), (2, "policies"), (3, "findings")] {
        at(&format!("function-{tab}"), &|app| {
            app.update(Action::StartCommand);
            typed(app, "function payments-refund");
            app.update(Action::InputSubmit);
            for _ in 0..n {
                app.update(Action::NextTab);
            }
        });
    }
    for (name, kind) in [
        ("roles", ViewKind::Roles),
        ("principals", ViewKind::Principals),
        ("findings", ViewKind::Findings),
        ("gaps", ViewKind::Gaps),
        ("help", ViewKind::Help),
        ("ways", ViewKind::Ways),
    ] {
        at(name, &|app| {
            app.update(Action::Goto(kind));
        });
    }
    at("explain", &|app| {
        app.update(Action::Explain);
        typed(app, "s3.amazonaws.com");
        app.update(Action::InputSubmit);
    });
    at("filter", &|app| {
        app.update(Action::StartFilter);
        typed(app, "pay");
    });
    out
}

#[test]
fn every_view_renders_at_every_size() {
    for (name, app) in every_screen() {
        for width in [20, 25, 39, 40, 41, 60, 80, 100, 120, 200] {
            for height in [5, 6, 7, 8, 9, 12, 24, 40, 60] {
                let text = screen_text(&app, width, height);
                if width < view::MIN_WIDTH || height < view::MIN_HEIGHT {
                    assert!(text.contains("too small"), "{name} at {width}x{height}: {text}");
                }
            }
        }
    }
}

#[test]
fn screens_at_120x40() {
    for (name, app) in every_screen() {
        insta::assert_snapshot!(name.clone(), screen_text(&app, 120, 40));
    }
}

#[test]
fn escape_sequences_from_aws_never_reach_the_screen() {
    let mut snap = Snapshot::from_json(demo::JSON).unwrap();
    let f = snap.functions.iter_mut().find(|f| f.name == "public-webhook").unwrap();
    let raw = f.policy.as_ref().unwrap().raw.replace("PublicInvoke", "Evil\u{1b}]52;c;AAAA\u{7}\u{1b}[2J");
    f.policy = Some(lambdascope::model::PolicyText::new(raw));
    f.runtime = Some("python\u{1b}[31m".into());
    let mut app = App::new("test");
    app.update(Action::Loaded(Box::new(Loaded::new(snap))));
    app.update(Action::StartCommand);
    typed(&mut app, "function public-webhook");
    app.update(Action::InputSubmit);
    for _ in 0..4 {
        let text = screen_text(&app, 160, 40);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
        app.update(Action::NextTab);
    }
    app.update(Action::Back);
    assert!(!screen_text(&app, 160, 40).contains('\u{1b}'));
}

#[test]
fn the_findings_screen_says_what_it_could_not_see() {
    let mut snap = Snapshot::new("123456789012", "us-east-1");
    snap.gaps.push(lambdascope::model::Gap {
        operation: "lambda:ListFunctions".into(),
        resource: "*".into(),
        reason: lambdascope::model::GapReason::AccessDenied,
        message: String::new(),
    });
    let mut app = App::new("test");
    app.update(Action::Loaded(Box::new(Loaded::new(snap))));
    app.update(Action::Goto(ViewKind::Findings));
    let screen = screen_text(&app, 120, 20);
    assert!(screen.contains("no findings in what could be read: 1 input unread"), "{screen}");
    assert!(screen.contains("the function listing stopped early (access denied)"), "{screen}");
    // A complete, empty account has simply no findings.
    let mut app = App::new("test");
    app.update(Action::Loaded(Box::new(Loaded::new(Snapshot::new("123456789012", "us-east-1")))));
    app.update(Action::Goto(ViewKind::Findings));
    let screen = screen_text(&app, 120, 20);
    assert!(screen.contains("no findings") && !screen.contains("in what could be read"), "{screen}");
}

#[test]
fn a_cached_copy_stays_on_screen_until_the_fresh_account_arrives() {
    let mut app = App::new("live");
    let snap = Snapshot::from_json(demo::JSON).unwrap();
    app.update(Action::Cached(Box::new(Loaded::new(snap.clone())), "3 h".into()));
    assert!(app.status.loading && app.from_cache);
    assert_eq!(app.row_count(), 45);
    // The note survives the loader's events and the clock; a key clears it.
    app.update(Action::Tick);
    app.update(Action::Fetch(Event::Call { operation: "lambda:GetPolicy".into(), total: 1 }));
    assert!(screen_text(&app, 120, 20).contains("showing the cached copy read 3 h ago"));
    // While the account is read again, partial accounts do not replace the complete cached one.
    app.update(Action::Fetch(Event::Identity {
        account: "123456789012".into(),
        region: "us-east-1".into(),
        caller_arn: "arn:aws:iam::123456789012:user/me".into(),
    }));
    app.update(Action::Fetch(Event::Listed { functions: 1, listed: vec![as_listed(&snap.functions[0])] }));
    assert!(app.update(Action::Tick).is_empty(), "no partial rebuild over the cached copy");
    app.update(Action::Partial(Box::new(Loaded::new(Snapshot::new("123456789012", "us-east-1")))));
    assert_eq!(app.row_count(), 45);
    // The fresh account replaces it, and the app says what changed.
    let mut fresh = snap;
    fresh.functions.truncate(40);
    app.update(Action::Loaded(Box::new(Loaded::new(fresh))));
    app.update(Action::Changed("refreshed: since the cached copy, 4 functions removed".into()));
    assert!(!app.status.loading && !app.from_cache);
    assert_eq!(app.row_count(), 40);
    assert!(screen_text(&app, 120, 20).contains("4 functions removed"));
}

#[test]
fn several_accounts_show_their_account_and_region_and_can_be_filtered_by_them() {
    let partner = Snapshot::from_json(&demo::JSON.replace("123456789012", "111122223333")).unwrap();
    let own = Snapshot::from_json(demo::JSON).unwrap();
    let merged = lambdascope::model::merge(vec![own, partner]).unwrap();
    let mut app = App::new("test");
    app.update(Action::Loaded(Box::new(Loaded::new(merged))));
    assert_eq!(app.row_count(), 90);
    let screen = screen_text(&app, 160, 20);
    assert!(screen.contains("ACCOUNT      REGION         NAME"), "{screen}");
    assert!(screen.contains("111122223333 us-east-1      app-cart-get"), "{screen}");
    // The filter matches the account too.
    app.update(Action::StartFilter);
    typed(&mut app, "11112222");
    assert_eq!(app.row_count(), 45);
    app.update(Action::InputCancel);
    // The accounts screen lists each account and region read, and who read it.
    app.update(Action::Goto(ViewKind::Accounts));
    let screen = screen_text(&app, 160, 20);
    assert!(screen.contains("Accounts and regions (2)"), "{screen}");
    assert!(
        screen.contains("123456789012  us-east-1       read") && screen.contains("111122223333  us-east-1       read"),
        "{screen}"
    );
    assert!(screen.contains("arn:aws:sts::111122223333:assumed-role/SecurityAudit/alice"), "{screen}");
    // Then the organisation's tree with the SCPs and RCPs at each place.
    let screen = screen_text(&app, 160, 30);
    assert!(screen.contains("ORGANISATION o-demo4k2x9p"), "{screen}");
    assert!(screen.contains("OU Prod (ou-demo-prod)  [SCP FullAWSAccess, SCP InvokeOnlyTaggedTeams"), "{screen}");
}

#[test]
fn the_web_screen_of_an_account_whose_listings_failed_says_none_only_of_what_was_read() {
    let mut snap = Snapshot::new("123456789012", "us-east-1");
    snap.gaps.push(lambdascope::model::Gap {
        operation: "lambda:ListWebFunctions".into(),
        resource: "*".into(),
        reason: lambdascope::model::GapReason::AccessDenied,
        message: String::new(),
    });
    let mut app = App::new("test");
    app.update(Action::Loaded(Box::new(Loaded::new(snap))));
    app.update(Action::Goto(ViewKind::Ways));
    let screen = screen_text(&app, 120, 12);
    assert!(screen.contains("no web functions and no layers in what could be read: 1 input unread"), "{screen}");
    assert!(screen.contains("web functions could not be listed (access denied)"), "{screen}");
}
