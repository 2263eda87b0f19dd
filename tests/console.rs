//! The console through its real event loop: keys typed from a script into `run` over a demo
//! SQLite database, drawn on ratatui's TestBackend (whole-screen snapshots) or on the real
//! backend writing to memory (what reaches the terminal).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::console::*;
use common::today;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::collections::VecDeque;
use std::sync::Arc;
use xinfang::app::console::initial_state;
use xinfang::app::run::{Inputs, Shared, run};
use xinfang::app::state::{Focus, Msg, Overlay, State, ThemeName};
use xinfang::domain::Rules;
use xinfang::i18n::Lang;
use xinfang::keymap::Keymap;
use xinfang::store::{self, OpenMode};

#[test]
fn snapshots_of_the_main_screen_in_both_languages_and_sizes() {
    let (_dir, store) = open_demo(3000);
    for (lang, name) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        for (width, height) in [(80u16, 24u16), (160, 48)] {
            // Open the in-handling queue and the first case in it.
            let driven = drive(&store, lang, width, height, &["1", "j", "j", "j", "2"]);
            assert_eq!(
                driven.state.queues[driven.state.queue_index].name,
                "in-handling"
            );
            insta::assert_snapshot!(format!("main_{name}_{width}x{height}"), stable(&driven));
        }
    }
}

#[test]
fn snapshots_of_detail_help_and_palette() {
    let (_dir, store) = open_demo(3000);
    let detail = drive(
        &store,
        Lang::Zh,
        80,
        24,
        &["1", "j", "j", "j", "2", "enter"],
    );
    assert_eq!(detail.state.focus, Focus::Detail);
    assert!(
        detail.state.compact_detail,
        "at 80 columns the detail replaces the table"
    );
    insta::assert_snapshot!("detail_zh_80x24", stable(&detail));
    let help = drive(&store, Lang::En, 160, 48, &["?"]);
    assert!(matches!(help.state.overlay, Overlay::Help { .. }));
    insta::assert_snapshot!("help_en_160x48", stable(&help));
    let palette = drive(&store, Lang::En, 80, 24, &[":", "text:queue ovd"]);
    insta::assert_snapshot!("palette_en_80x24", stable(&palette));
}

#[test]
fn arrows_and_vim_keys_move_and_pages_load_as_the_selection_nears_the_end() {
    let (_dir, store) = open_demo(3000);
    let driven = drive(
        &store,
        Lang::En,
        120,
        40,
        &["1", "end", "2", "j", "j", "down", "k"],
    );
    assert_eq!(driven.state.queues[driven.state.queue_index].name, "all");
    assert_eq!(driven.state.table.selected, 2);
    let detail = driven
        .state
        .detail
        .as_ref()
        .expect("detail of the selection");
    assert_eq!(
        Some(detail.case.id),
        driven.state.table.selected_row().map(|r| r.id)
    );
    let end = drive(&store, Lang::En, 120, 40, &["1", "end", "2", "G", "G"]);
    assert!(
        end.state.table.rows.len() > 200,
        "a second page was loaded: {}",
        end.state.table.rows.len()
    );
    let vim = drive_with(
        setup(
            Arc::clone(&store),
            Lang::En,
            Keymap::preset("vim").expect("vim"),
            Vec::new(),
        ),
        120,
        40,
        &["1", "end", "2", "j", "j", "g", "g"],
    );
    assert_eq!(vim.state.table.selected, 0, "g g goes to the top");
}

#[test]
fn queue_counts_are_shown_for_every_queue() {
    let (_dir, store) = open_demo(3000);
    let driven = drive(&store, Lang::En, 160, 48, &[]);
    assert!(driven.state.counts.iter().all(Option::is_some));
    assert_eq!(driven.state.counts.last().copied().flatten(), Some(3000));
    assert!(
        driven.screen.contains("All") && driven.screen.contains("3000"),
        "{}",
        driven.screen
    );
}

#[test]
fn the_palette_runs_commands_with_arguments_and_keeps_history() {
    let (_dir, store) = open_demo(3000);
    let driven = drive(
        &store,
        Lang::En,
        120,
        40,
        &[":", "text:queue backlog", "enter"],
    );
    assert_eq!(
        driven.state.queues[driven.state.queue_index].name,
        "backlog"
    );
    assert_eq!(
        driven.state.palette_history,
        vec!["queue backlog".to_string()]
    );
    assert!(driven.state.table.rows.iter().all(|r| r.backlog));
    let number = driven
        .state
        .table
        .rows
        .first()
        .map(|r| r.number.clone())
        .expect("a backlog case");
    let command = format!("text:case {number}");
    let found = drive(&store, Lang::En, 120, 40, &[":", &command, "enter"]);
    assert_eq!(
        found.state.detail.as_ref().map(|d| d.case.number.clone()),
        Some(number)
    );
    let recalled = drive(
        &store,
        Lang::En,
        120,
        40,
        &[":", "text:lang zh", "enter", ":", "alt-p"],
    );
    assert_eq!(recalled.state.lang, Lang::Zh);
    match &recalled.state.overlay {
        Overlay::Palette(p) => assert_eq!(p.input, "lang zh"),
        other => panic!("{other:?}"),
    }
    let unknown = drive(
        &store,
        Lang::En,
        120,
        40,
        &[":", "text:queue nowhere", "enter"],
    );
    assert!(
        unknown
            .state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("unknown queue: nowhere")),
        "{:?}",
        unknown.state.status
    );
}

#[test]
fn language_theme_help_and_copy_keys() {
    let (_dir, store) = open_demo(1000);
    let driven = drive(&store, Lang::Zh, 120, 40, &["L", "T", "T", "?", "esc", "y"]);
    assert_eq!(driven.state.lang, Lang::En);
    assert_eq!(driven.state.theme, ThemeName::Mono);
    assert_eq!(driven.state.overlay, Overlay::None);
    let number = driven
        .state
        .table
        .selected_row()
        .map(|r| r.number.clone())
        .expect("a row");
    assert_eq!(driven.copied, vec![number]);
    assert!(driven.screen.contains("copied to the clipboard"));
    let quit = drive(&store, Lang::En, 120, 40, &["q", "j"]);
    assert!(quit.state.quit);
    assert_eq!(
        quit.state.table.selected, 0,
        "nothing after quit is handled"
    );
}

#[test]
fn a_refresh_keeps_the_selection_on_the_same_case() {
    let (_dir, store) = open_demo(2000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "end", "2", "j", "j", "j"]);
    let id = state.table.selected_row().map(|r| r.id).expect("selected");
    assert_eq!(state.table.selected, 3);
    // A new case arrives at the top of `all` from another console.
    let mut intake = state.detail.as_ref().expect("detail").case.intake.clone();
    intake.received_on = today();
    store
        .register(&intake, "admin", common::now())
        .expect("register");
    let state = session.keys(&["r"]);
    assert_eq!(state.table.selected_row().map(|r| r.id), Some(id));
    assert_eq!(
        state.table.selected, 4,
        "the case moved down one row and the selection followed"
    );
    assert_eq!(state.status, None, "the case is still in the queue");
}

#[test]
fn a_small_terminal_says_so_and_resizing_redraws() {
    let (_dir, store) = open_demo(300);
    let small = drive(&store, Lang::En, 50, 12, &[]);
    assert!(small.screen.contains("too small"), "{}", small.screen);
    let setup = setup(
        Arc::clone(&store),
        Lang::En,
        Keymap::default_preset(),
        Vec::new(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let state = initial_state(&setup, 50, 12).expect("state");
    let mut terminal = Terminal::with_options(
        TestBackend::new(100, 30),
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 100, 30)),
        },
    )
    .expect("terminal");
    let inputs = Inputs::Script(VecDeque::from([Msg::Resize(100, 30)]));
    let state = runtime
        .block_on(run(
            &mut terminal,
            Arc::clone(&store),
            state,
            inputs,
            &mut Recorded::default(),
            &Shared::default(),
        ))
        .expect("run");
    assert_eq!((state.width, state.height), (100, 30));
    let buffer = terminal.backend().buffer();
    let top: String = (0..100)
        .map(|x| buffer[(x, 0)].symbol().to_string())
        .collect();
    assert!(top.contains("Queues"), "{top}");
}

#[test]
fn notices_and_the_read_only_banner_are_on_screen() {
    let (_dir, store) = open_demo(300);
    let (_, errors) = Keymap::with_user_file("[table]\n\"j\" = \"fly\"\n", "mine.toml");
    let notices = errors.iter().map(ToString::to_string).collect();
    let mut s = setup(
        Arc::clone(&store),
        Lang::En,
        Keymap::default_preset(),
        notices,
    );
    s.user = "stranger".into();
    let driven = drive_with(s, 120, 40, &[]);
    assert!(
        driven
            .screen
            .contains("unknown user: opened read-only as a viewer (stranger)"),
        "{}",
        driven.screen
    );
    assert!(
        driven.screen.contains("mine.toml:2: unknown action `fly`"),
        "{}",
        driven.screen
    );
    assert_eq!(driven.state.role, xinfang::domain::Role::Viewer);
    // Viewers see personal data masked.
    let detail = drive_with(
        {
            let mut s = setup(
                Arc::clone(&store),
                Lang::En,
                Keymap::default_preset(),
                Vec::new(),
            );
            s.user = "zhou.min".into();
            s
        },
        160,
        48,
        &[],
    );
    let case = &detail.state.detail.as_ref().expect("detail").case;
    if case.class != Some(xinfang::domain::Class::Accusation) {
        assert!(
            !detail.screen.contains(&case.intake.petitioner.phone),
            "phone masked for a viewer"
        );
        assert!(
            detail
                .screen
                .contains(&xinfang::ui::mask::phone(&case.intake.petitioner.phone))
        );
    }
}

#[test]
fn hostile_petition_text_never_reaches_the_terminal() {
    use xinfang::app::terminal::{Counting, LeanBackend};
    let (_dir, store) = open_demo(300);
    // Case 7 carries `ESC[2J…` in its summary; plant an OSC 52 in a title as well.
    let title = "标题\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J";
    let id = store.find("NX-2025-000007").expect("find").expect("case 7");
    let detail = store.case(id).expect("read").expect("exists");
    let mut intake = detail.case.intake.clone();
    intake.title = title.into();
    let planted = store
        .register(&intake, "admin", common::now())
        .expect("register");
    let setup = setup(
        Arc::clone(&store),
        Lang::Zh,
        Keymap::default_preset(),
        Vec::new(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let state = initial_state(&setup, 160, 48).expect("state");
    let backend = LeanBackend::new(Counting {
        inner: Vec::<u8>::new(),
        bytes: 0,
    });
    let mut terminal = Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, 160, 48)),
        },
    )
    .expect("terminal");
    let command = format!("text:case {}", planted.number);
    let keys = script(&["1", "end", "2", ":", &command, "enter"]);
    let state = runtime
        .block_on(run(
            &mut terminal,
            Arc::clone(&store),
            state,
            Inputs::Script(keys),
            &mut Recorded::default(),
            &Shared::default(),
        ))
        .expect("run");
    assert_eq!(state.detail.as_ref().map(|d| d.case.id), Some(planted.id));
    let written = String::from_utf8_lossy(&terminal.backend().writer().inner).into_owned();
    assert!(written.contains("标题"), "the title was drawn");
    assert!(
        !written.contains("\u{1b}]52"),
        "no OSC 52 from petition text"
    );
    assert!(
        !written.contains("\u{1b}[2J"),
        "no screen clear from petition text"
    );
    assert!(
        written.contains("标题␛]52;c;cm0gLXJmIH4=␇␛[2J"),
        "the text is shown with visible stand-ins"
    );
}

#[test]
fn a_queue_from_the_settings_is_listed_with_its_columns() {
    let (_dir, store) = open_demo(2000);
    let config: xinfang::config::Config = toml::from_str(
        "[[queue]]\nname = \"yinchuan-open\"\ntitle = \"银川在办\"\ntitle_en = \"Yinchuan open\"\nregion = \"6401\"\nflags = [\"open\"]\nsort = \"received\"\ncolumns = [\"number\", \"county\", \"due\"]\n",
    )
    .expect("settings");
    let queue = config.queues[0]
        .build(today(), 3, "zhao.lei")
        .expect("queue");
    let mut s = setup(
        Arc::clone(&store),
        Lang::En,
        Keymap::default_preset(),
        Vec::new(),
    );
    s.user_queues = vec![queue];
    let driven = drive_with(s, 120, 40, &["1", "end", "2"]);
    let shown = &driven.state.queues[driven.state.queue_index];
    assert_eq!(shown.name, "yinchuan-open");
    assert!(!driven.state.table.rows.is_empty());
    assert!(
        driven
            .state
            .table
            .rows
            .iter()
            .all(|r| r.county.starts_with("6401") && r.state.is_open())
    );
    assert!(driven.screen.contains("Yinchuan open"), "{}", driven.screen);
    assert!(
        driven.screen.contains("Number")
            && driven.screen.contains("County")
            && !driven.screen.contains("Title")
    );
    assert_eq!(
        driven.state.counts.last().copied().flatten(),
        Some(driven.state.table.rows.len() as u64)
    );
}

#[test]
fn search_opens_a_case_keeps_good_results_on_bad_syntax_and_esc_returns() {
    let (_dir, store) = open_demo(3000);
    let found = drive(
        &store,
        Lang::En,
        120,
        40,
        &["/", "text:NX-2026-000123", "enter"],
    );
    assert_eq!(
        found.state.detail.as_ref().map(|d| d.case.number.as_str()),
        Some("NX-2026-000123")
    );
    assert_eq!(found.state.focus, Focus::Detail);
    let typing = drive(&store, Lang::En, 120, 40, &["/", "text:工资 !"]);
    match &typing.state.overlay {
        Overlay::Search(search) => {
            assert!(
                search
                    .error
                    .as_deref()
                    .is_some_and(|e| e.contains("`!` needs something to negate")),
                "{:?}",
                search.error
            );
            assert!(!search.hits.is_empty(), "the last good results stay");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        typing.screen.contains("needs something to negate"),
        "{}",
        typing.screen
    );
    let back = drive(
        &store,
        Lang::En,
        120,
        40,
        &["1", "j", "2", "/", "text:交房", "esc"],
    );
    assert_eq!(back.state.overlay, Overlay::None);
    assert_eq!(back.state.focus, Focus::Table);
    assert_eq!(back.state.queue_index, 1, "where the user was");
    let snapshot = drive(&store, Lang::En, 80, 24, &["/", "text:zw 金凤 !工资"]);
    insta::assert_snapshot!("search_en_80x24", stable(&snapshot));
}

#[test]
fn a_change_in_another_console_reaches_the_queues_and_the_index() {
    let (_dir, store) = open_demo(2000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "end", "2", "j", "j"]);
    let selected = state.table.selected_row().map(|r| r.id);
    let all_before = state.counts.last().copied().flatten();
    // Another console registers a case.
    let other = store::open(&state.db_label, Rules::default(), OpenMode::ReadWrite).expect("open");
    let mut intake = state.detail.as_ref().expect("detail").case.intake.clone();
    intake.title = "另一控制台新登记的信访件".into();
    intake.received_on = today();
    other
        .register(&intake, "admin", common::now())
        .expect("register");
    // The once-a-second check sees it.
    let state = session.keys(&["poll", "/", "text:另一控制台"]);
    assert_eq!(
        state.counts.last().copied().flatten(),
        all_before.map(|n| n + 1)
    );
    match &state.overlay {
        Overlay::Search(search) => assert_eq!(
            search.hits.first().map(|h| h.title.as_str()),
            Some("另一控制台新登记的信访件")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        state.table.selected_row().map(|r| r.id),
        selected,
        "the selection stayed on its case"
    );
}

#[test]
fn typing_a_field_filter_letter_by_letter_gives_the_same_result_as_searching_it_whole() {
    let (_dir, store) = open_demo(4000);
    let query = "status:forwarded region:6401";
    let typed = drive(&store, Lang::En, 120, 40, &["/", &format!("text:{query}")]);
    let Overlay::Search(search) = &typed.state.overlay else {
        panic!("{:?}", typed.state.overlay)
    };
    let (index, _) =
        xinfang::search::build(store.as_ref(), typed.state.role, "64", &mut |_| {}).expect("build");
    let whole = index.search(
        &xinfang::search::parse(query).expect("query"),
        today(),
        10,
        None,
    );
    assert!(whole.total > 0);
    assert_eq!(
        search.total, whole.total,
        "intermediate text terms must not narrow a field filter"
    );
}

#[test]
fn enter_pressed_before_the_results_arrive_opens_the_first_match_when_they_do() {
    use xinfang::app::state::Effect;
    use xinfang::app::update::update;
    let (_dir, store) = open_demo(2000);
    let setup = setup(
        Arc::clone(&store),
        Lang::En,
        Keymap::default_preset(),
        Vec::new(),
    );
    let mut state = initial_state(&setup, 120, 40).expect("state");
    let head = store.head().expect("head");
    update(&mut state, Msg::IndexReady { head });
    // A slow link delivers `/`, the query and Enter in one burst: no search has answered yet.
    let mut effects = Vec::new();
    for msg in script(&["/", "text:工资", "enter"]) {
        effects.extend(update(&mut state, msg));
    }
    let searches: Vec<(u64, String)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Search { request, query, .. } => Some((*request, query.clone())),
            _ => None,
        })
        .collect();
    let (request, query) = searches.last().cloned().expect("a search was asked for");
    assert_eq!(query, "工资");
    assert!(
        matches!(&state.overlay, Overlay::Search(s) if s.open_when_done),
        "{:?}",
        state.overlay
    );
    // The real index answers the newest request.
    let (index, _) =
        xinfang::search::build(store.as_ref(), state.role, "64", &mut |_| {}).expect("build");
    let results = index.search(
        &xinfang::search::parse(&query).expect("query"),
        today(),
        200,
        None,
    );
    let first = results.hits.first().map(|h| h.id).expect("matches");
    let effects = update(
        &mut state,
        Msg::SearchDone {
            request,
            query,
            results: Box::new(results),
        },
    );
    assert_eq!(state.overlay, Overlay::None, "the search closed");
    assert_eq!(state.focus, Focus::Detail);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadDetail { id, .. } if *id == first)),
        "{effects:?}"
    );
    // Keys typed after Enter wait for the case it opens (`enter s` steps on that case); they do
    // not go into the query. Esc still closes the search at once.
    let mut state = initial_state(&setup, 120, 40).expect("state");
    update(&mut state, Msg::IndexReady { head });
    for msg in script(&["/", "text:工", "enter", "text:资"]) {
        update(&mut state, msg);
    }
    assert!(
        matches!(&state.overlay, Overlay::Search(s) if s.open_when_done && s.input == "工"),
        "{:?}",
        state.overlay
    );
    assert_eq!(state.typeahead.len(), 1);
    update(&mut state, script(&["esc"]).pop_front().expect("esc"));
    assert_eq!(state.overlay, Overlay::None, "esc is not held");
}

#[test]
fn a_step_is_taken_from_the_keyboard_with_pickers_and_recorded() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "j", "2"]);
    assert_eq!(state.queues[state.queue_index].name, "to-forward");
    let number = state
        .table
        .selected_row()
        .map(|r| r.number.clone())
        .expect("a case to forward");
    // s: step menu; the first allowed step of a registered case is forward; pick a unit by typing.
    let state = session.keys(&["s", "enter", "text:人社", "enter", "down", "enter"]);
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains(&number) && s.contains('✓')),
        "{:?}",
        state.status
    );
    let case = store_case(&store, &number);
    assert_eq!(case.state, xinfang::domain::State::Forwarded);
    assert!(case.assigned, "the second choice was assign (交办)");
    let unit = store
        .units()
        .expect("units")
        .into_iter()
        .find(|u| Some(u.id) == case.unit)
        .expect("unit");
    assert!(unit.name.contains("人社"), "{}", unit.name);
    let detail = store.case(case.id).expect("read").expect("exists");
    let last = detail.events.last().expect("event");
    assert_eq!(
        (last.step.name(), last.actor.as_str()),
        ("forward", "zhao.lei")
    );
}

#[test]
fn refused_steps_say_why_and_viewers_cannot_change_anything() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    session.keys(&["1", "j", "2", "s"]);
    // Walk down to `accept`, which a registered case cannot take yet.
    let state = session.keys(&[
        "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down",
        "down",
    ]);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let accept = form
        .menu
        .iter()
        .position(|e| e.kind == xinfang::app::triage::StepKind::Accept)
        .expect("accept listed");
    let moves: Vec<&str> = std::iter::repeat_n("up", 30)
        .chain(std::iter::repeat_n("down", accept))
        .chain(["enter"])
        .collect();
    let state = session.keys(&moves);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(
        form.error.as_deref(),
        Some("cannot accept a case that is registered")
    );
    let mut viewer = Session::new(&store, 120, 40);
    viewer.state.as_mut().expect("state").role = xinfang::domain::Role::Viewer;
    let state = viewer.keys(&["1", "j", "2", "s", "enter"]);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(form.menu.iter().all(|e| e.refusal.is_some()));
    assert_eq!(form.error.as_deref(), Some("a viewer cannot change cases"));
}

#[test]
fn an_irreversible_step_asks_for_confirmation_and_a_race_is_a_conflict() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "j", "2", "s"]);
    let number = state
        .table
        .selected_row()
        .map(|r| r.number.clone())
        .expect("case");
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let decline = form
        .menu
        .iter()
        .position(|e| e.kind == xinfang::app::triage::StepKind::Decline)
        .expect("decline");
    let mut keys: Vec<&str> = std::iter::repeat_n("down", decline).collect();
    keys.extend([
        "enter",
        "text:同一事项已在下级机关办理",
        "enter",
        "text:n",
        "enter",
    ]);
    let state = session.keys(&keys);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("not confirmed")),
        "{:?}",
        form.error
    );
    assert_eq!(
        store_case(&store, &number).state,
        xinfang::domain::State::Registered,
        "nothing changed"
    );
    // Another console changes the case before this one confirms.
    let case = store_case(&store, &number);
    store
        .apply(
            case.id,
            case.version,
            &xinfang::domain::Step::Note {
                text: "另一控制台".into(),
            },
            "admin",
            common::now(),
        )
        .expect("note");
    let state = session.keys(&["backspace", "text:y", "enter"]);
    assert!(
        state.status.as_deref().is_some_and(
            |s| s.contains("changed by admin") && s.contains("nothing was overwritten")
        ),
        "{:?}",
        state.status
    );
    assert_eq!(
        store_case(&store, &number).state,
        xinfang::domain::State::Registered,
        "the stale step was refused"
    );
}

#[test]
fn a_bulk_step_lists_its_cases_applies_to_each_or_says_why_not_and_undoes_as_a_whole() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // Three registered cases marked in `to-forward`.
    let state = session.keys(&["1", "j", "2", "space", "space", "space"]);
    assert_eq!(state.marks.len(), 3);
    let numbers: Vec<String> = state.table.rows[..3]
        .iter()
        .map(|r| r.number.clone())
        .collect();
    let (registered, forwarded) = (&numbers[..2], numbers[2].clone());
    // Another console forwards the third before this one submits.
    let case = store_case(&store, &forwarded);
    store
        .apply(
            case.id,
            case.version,
            &xinfang::domain::Step::Forward {
                unit: 1,
                assign: false,
            },
            "admin",
            common::now(),
        )
        .expect("forward elsewhere");
    // Forward all marked cases to a unit chosen by typing: the menu says how many it touches,
    // and the cases are listed before the confirming key.
    let state = session.keys(&["k", "k", "k", "s"]).clone();
    assert!(
        session_screen(&mut session).contains("3 marked cases"),
        "the menu says how many cases the step touches"
    );
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(form.touches(), 3);
    let state = session
        .keys(&["enter", "text:人社", "enter", "enter"])
        .clone();
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(form.confirming_bulk, "waits for y");
    let screen = session_screen(&mut session);
    for number in &numbers {
        assert!(
            screen.contains(number.as_str()),
            "{number} listed:\n{screen}"
        );
    }
    assert_eq!(
        store_case(&store, &registered[0]).state,
        xinfang::domain::State::Registered,
        "nothing applied before y"
    );
    let state = session.keys(&["y"]);
    let Overlay::Summary { title, lines } = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(title.contains("2 of 3 applied"), "{title}");
    assert_eq!(lines.len(), 3);
    for number in registered {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with('✓') && l.contains(number.as_str())),
            "{lines:?}"
        );
        assert_eq!(
            store_case(&store, number).state,
            xinfang::domain::State::Forwarded
        );
    }
    let refused = lines
        .iter()
        .find(|l| l.contains(forwarded.as_str()))
        .expect("the forwarded case is listed");
    assert!(
        refused.starts_with('✗') && refused.contains("cannot forward a case that is forwarded"),
        "{refused}"
    );
    assert!(
        state.marks.is_empty(),
        "marks are cleared after a bulk step"
    );
    let detail = store
        .case(store.find(&forwarded).expect("find").expect("exists"))
        .expect("read")
        .expect("exists");
    assert_ne!(
        detail.events.last().map(|e| e.actor.as_str()),
        Some("zhao.lei"),
        "the refused case was not touched"
    );
    // Undo takes the whole bulk step back, each case by its own compensating event.
    let state = session.keys(&["esc", "u"]);
    let Overlay::Summary { title, .. } = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(title.contains("undone: 2 of 2"), "{title}");
    for number in registered {
        assert_eq!(
            store_case(&store, number).state,
            xinfang::domain::State::Registered,
            "{number} back to registered"
        );
    }
    assert_eq!(
        store_case(&store, &forwarded).state,
        xinfang::domain::State::Forwarded,
        "the case forwarded elsewhere is not touched"
    );
}

#[test]
fn a_refused_undo_is_explained_in_chinese_in_the_chinese_console() {
    use xinfang::app::triage::StepKind as K;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::in_lang(&store, Lang::Zh, 120, 40);
    let number = session.first_registered_case();
    let open = format!("text:case {number}");
    session.keys(&[":", &open, "enter"]);
    let forwarded = take(&mut session, K::Forward, &["enter", "enter"]);
    assert!(
        forwarded.status.as_deref().is_some_and(|s| s.contains('✓')),
        "{:?}",
        forwarded.status
    );
    // The session's fixed day (`--today`) dates the step too, not the machine's clock.
    let forward = store
        .case(store_case(&store, &number).id)
        .expect("read")
        .expect("exists")
        .events
        .last()
        .map(|e| e.at)
        .expect("an event");
    assert_eq!(
        forward.date(),
        today(),
        "dated on the session's day: {forward}"
    );
    // Someone else adds a note after the forward: the forward is no longer the last step.
    let case = store_case(&store, &number);
    store
        .apply(
            case.id,
            case.version,
            &xinfang::domain::Step::Note {
                text: "已电话联系信访人".into(),
            },
            "admin",
            xinfang::domain::china_now(),
        )
        .expect("note");
    let state = session.keys(&["u"]);
    let status = state.status.clone().unwrap_or_default();
    assert!(
        status.contains("最后一步「备注」由 admin 执行，不是 zhao.lei；只能撤销自己的最后一步"),
        "{status}"
    );
    assert!(!status.contains("was taken by"), "{status}");
    assert_eq!(store_case(&store, &number).version, case.version + 1);
}

#[test]
fn a_case_goes_through_its_life_cycle_by_keys_and_undo_takes_a_step_back() {
    use xinfang::app::triage::StepKind as K;
    use xinfang::domain::State as S;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let number = session.first_registered_case();
    let expect = |state: &State, wanted: S| {
        assert!(
            state.status.as_deref().is_some_and(|s| s.contains('✓')),
            "{:?}",
            state.status
        );
        assert_eq!(store_case(&store, &number).state, wanted);
    };
    // Open the case itself: `case NUMBER` keeps it selected whatever queue it moves to.
    let open = format!("text:case {number}");
    session.keys(&[":", &open, "enter"]);
    expect(
        &take(&mut session, K::Forward, &["enter", "enter"]),
        S::Forwarded,
    );
    session.keys(&[":", &open, "enter"]);
    expect(
        &take(&mut session, K::Accept, &["text:demand", "enter"]),
        S::Accepted,
    );
    session.keys(&[":", &open, "enter"]);
    expect(
        &take(
            &mut session,
            K::Extend,
            &["text:20", "enter", "text:需现场核查", "enter"],
        ),
        S::Accepted,
    );
    session.keys(&[":", &open, "enter"]);
    expect(
        &take(
            &mut session,
            K::Reply,
            &["text:supported", "enter", "text:已协调解决", "enter"],
        ),
        S::Replied,
    );
    session.keys(&[":", &open, "enter"]);
    expect(
        &take(&mut session, K::Evaluate, &["text:satisfied", "enter"]),
        S::Replied,
    );
    session.keys(&[":", &open, "enter"]);
    expect(&take(&mut session, K::Conclude, &[]), S::Concluded);
    let case = store_case(&store, &number);
    assert_eq!(case.extension_days, 20);
    assert_eq!(
        case.satisfaction,
        Some(xinfang::domain::Satisfaction::Satisfied)
    );
    // u takes back the conclusion; the history keeps both.
    let state = session.keys(&["u"]);
    assert!(
        state.status.as_deref().is_some_and(|s| s.contains(&number)),
        "{:?}",
        state.status
    );
    assert_eq!(store_case(&store, &number).state, S::Replied);
    let detail = store
        .case(store_case(&store, &number).id)
        .expect("read")
        .expect("exists");
    let kinds: Vec<&str> = detail.events.iter().map(|e| e.step.name()).collect();
    assert_eq!(&kinds[kinds.len() - 2..], ["conclude", "undo"]);
    assert!(store.audit().expect("audit").broken.is_none());
}

/// A well-formed ID number for `first17` (its check character computed by trying each).
fn valid_id(first17: &str) -> String {
    "0123456789X"
        .chars()
        .map(|c| format!("{first17}{c}"))
        .find(|id| xinfang::domain::step::id_number_problem(id).is_none())
        .expect("one check character fits")
}

#[test]
fn a_new_case_is_registered_through_a_checked_form() {
    let (_dir, store) = open_demo(1000);
    let mut session = Session::new(&store, 120, 40);
    let id = valid_id("64010619900101123");
    let id_text = format!("text:{id}");
    let state = session.keys(&[
        "n",
        "text:工地拖欠工资",
        "enter",
        "text:十名农民工反映工地拖欠工资三个月",
        "enter",
        "text:visit",
        "enter",
        "text:wages",
        "enter",
        "text:金凤",
        "enter",
        "text:张伟",
        "enter",
        "text:123",
        "enter",
    ]);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("17 digits")),
        "{:?}",
        form.error
    );
    let state = session.keys(&[
        "backspace",
        "backspace",
        "backspace",
        &id_text,
        "enter",
        "text:13812345678",
        "enter",
        "enter",
        "text:10",
        "enter",
    ]);
    let status = state.status.clone().unwrap_or_default();
    assert!(status.contains('✓'), "{status}");
    let number = status
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let case = store_case(&store, &number);
    assert_eq!(case.intake.title, "工地拖欠工资");
    assert_eq!(
        case.intake.category,
        Some(xinfang::domain::Category::UnpaidWages)
    );
    assert_eq!(case.intake.channel, xinfang::domain::Channel::Visit);
    assert!(case.intake.county == "640106" && case.intake.township.starts_with("640106"));
    assert_eq!(
        (
            case.intake.petitioner.id_number.as_str(),
            case.intake.persons
        ),
        (id.as_str(), 10)
    );
}

#[test]
fn a_registration_field_is_corrected_with_before_and_after_recorded() {
    use xinfang::app::triage::StepKind as K;
    let (_dir, store) = open_demo(2000);
    let mut session = Session::new(&store, 120, 40);
    let number = session.first_registered_case();
    let old = store_case(&store, &number).intake.petitioner.phone;
    let state = take(
        &mut session,
        K::Edit,
        &["text:phone", "enter", "text:12345", "enter"],
    );
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("11-digit mobile")),
        "{:?}",
        form.error
    );
    let clear: Vec<&str> = std::iter::repeat_n("backspace", 5)
        .chain(["text:13912345678", "enter"])
        .collect();
    let state = session.keys(&clear);
    assert!(
        state.status.as_deref().is_some_and(|s| s.contains('✓')),
        "{:?}",
        state.status
    );
    let case = store_case(&store, &number);
    assert_eq!(case.intake.petitioner.phone, "13912345678");
    let detail = store.case(case.id).expect("read").expect("exists");
    assert_eq!(
        detail.events.last().map(|e| e.step.clone()),
        Some(xinfang::domain::Step::Edit {
            field: xinfang::domain::IntakeField::Phone,
            from: old,
            to: "13912345678".into()
        })
    );
}

#[test]
fn a_repeat_is_linked_to_an_earlier_case_chosen_from_a_picker() {
    use xinfang::app::triage::StepKind as K;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // The `repeat` queue (the 12th) holds repeats; their petitioners have earlier cases.
    let keys: Vec<&str> = ["1"]
        .into_iter()
        .chain(std::iter::repeat_n("j", 11))
        .chain(["2", "enter"])
        .collect();
    let state = session.keys(&keys);
    assert_eq!(state.queues[state.queue_index].name, "repeat");
    let case = state
        .detail
        .as_ref()
        .map(|d| d.case.clone())
        .expect("a repeat");
    let earlier = store.related(case.id).expect("related");
    assert!(!earlier.is_empty());
    let state = take(&mut session, K::LinkRepeat, &["enter"]);
    assert!(
        state.status.as_deref().is_some_and(|s| s.contains('✓')),
        "{:?}",
        state.status
    );
    assert_eq!(
        store_case(&store, &case.number).repeat_of,
        Some(earlier[0].0)
    );
}

#[test]
fn every_other_step_is_taken_by_keys_through_the_review_chain() {
    use xinfang::app::triage::StepKind as K;
    use xinfang::domain::State as S;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let number = session.first_registered_case();
    let open = format!("text:case {number}");
    let steps: Vec<(K, Vec<&str>, S)> = vec![
        (K::Forward, vec!["enter", "enter"], S::Forwarded),
        (K::Accept, vec!["text:demand", "enter"], S::Accepted),
        (K::StartHandling, vec![], S::InHandling),
        (K::Supervise, vec![], S::InHandling),
        (K::Package, vec!["enter"], S::InHandling),
        (
            K::TickDuty,
            vec!["enter", "text:已走访信访人", "enter"],
            S::InHandling,
        ),
        (
            K::Classify,
            vec!["text:demand", "enter", "text:environment", "enter"],
            S::InHandling,
        ),
        (K::FlagBacklog, vec![], S::InHandling),
        (K::FlagCollective, vec![], S::InHandling),
        (K::Note, vec!["text:来电补充材料", "enter"], S::InHandling),
        (
            K::Reply,
            vec!["text:not", "enter", "text:不予支持", "enter"],
            S::Replied,
        ),
        (K::RequestReview, vec![], S::InReview),
        (
            K::ReplyReview,
            vec!["text:explained", "enter", "text:维持原意见", "enter"],
            S::ReviewReplied,
        ),
        (K::RequestReReview, vec![], S::InReReview),
        (K::RecordHearing, vec!["text:3", "enter"], S::InReReview),
        (
            K::Finalise,
            vec![
                "text:not",
                "enter",
                "text:复核维持，依法终结",
                "enter",
                "text:y",
                "enter",
            ],
            S::Final,
        ),
        (K::SignAgreement, vec![], S::Final),
    ];
    for (kind, prompts, expected) in steps {
        session.keys(&[":", &open, "enter"]);
        let state = take(&mut session, kind, &prompts);
        assert!(
            state.status.as_deref().is_some_and(|s| s.contains('✓')),
            "{kind:?}: {:?}",
            state.status
        );
        assert_eq!(store_case(&store, &number).state, expected, "{kind:?}");
    }
    let case = store_case(&store, &number);
    assert!(case.supervised && case.backlog && case.collective);
    assert_eq!(
        (case.class, case.intake.category),
        (
            Some(xinfang::domain::Class::Demand),
            Some(xinfang::domain::Category::Environment)
        )
    );
    assert_eq!(case.hearing_days, 3);
    assert_eq!(case.package.as_ref().map(|p| p.duties_done()), Some(1));
    assert!(case.agreement_on.is_some());
    assert!(store.audit().expect("audit").broken.is_none());
}

#[test]
fn object_divert_and_decline_by_keys() {
    use xinfang::app::triage::StepKind as K;
    use xinfang::domain::State as S;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "j", "2"]);
    let first = state.table.rows[0].number.clone();
    let second = state.table.rows[1].number.clone();
    let open = format!("text:case {first}");
    for (kind, prompts, expected) in [
        (K::Forward, vec!["enter", "enter"], S::Forwarded),
        // Art 23 ¶3: the unit objects, the bureau agrees, the case is back with the bureau.
        (
            K::Object,
            vec!["text:不属于本单位职责", "enter"],
            S::Forwarded,
        ),
        (
            K::DecideObjection,
            vec!["text:agree", "enter", "text:确非该单位职责", "enter"],
            S::Registered,
        ),
        (
            K::Divert,
            vec![
                "text:courts",
                "enter",
                "text:诉访分离",
                "enter",
                "text:y",
                "enter",
            ],
            S::Diverted,
        ),
    ] {
        session.keys(&[":", &open, "enter"]);
        let state = take(&mut session, kind, &prompts);
        assert!(
            state.status.as_deref().is_some_and(|s| s.contains('✓')),
            "{kind:?}: {:?}",
            state.status
        );
        assert_eq!(store_case(&store, &first).state, expected, "{kind:?}");
    }
    assert_eq!(
        store_case(&store, &first).route,
        Some(xinfang::domain::DivertRoute::Litigation)
    );
    session.keys(&[":", &format!("text:case {second}"), "enter"]);
    take(
        &mut session,
        K::Decline,
        &[
            "text:同一事项已在下级机关办理期限内",
            "enter",
            "text:y",
            "enter",
        ],
    );
    assert_eq!(store_case(&store, &second).state, S::Declined);
}

#[test]
fn an_operator_works_only_in_their_region_and_not_on_supervisor_steps() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    {
        let state = session.state.as_mut().expect("state");
        state.role = xinfang::domain::Role::Operator;
        state.scope.region = "6401".into();
    }
    // The `all` queue, scoped to Yinchuan: its cases are the operator's.
    let state = session.keys(&["1", "end", "2", "s"]);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let supervise = form
        .menu
        .iter()
        .find(|e| e.kind == xinfang::app::triage::StepKind::Supervise)
        .expect("listed");
    assert_eq!(
        supervise.refusal.as_deref(),
        Some("this step needs a supervisor")
    );
    assert!(
        form.menu.iter().any(|e| e.refusal.is_none()),
        "some steps are the operator's"
    );
    // A case outside Yinchuan, opened by number: nothing may be done to it.
    let conn = rusqlite::Connection::open(&state.db_label).expect("open");
    let outside: String = conn
        .query_row(
            "SELECT number FROM cases WHERE county NOT LIKE '6401%' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a case elsewhere");
    let state = session.keys(&["esc", ":", &format!("text:case {outside}"), "enter", "s"]);
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(
        form.menu
            .iter()
            .all(|e| e.refusal.as_deref() == Some("the case is outside your region"))
    );
}

#[test]
fn snapshot_of_the_detail_a_viewer_sees_has_personal_data_masked() {
    let (_dir, store) = open_demo(3000);
    let mut s = setup(
        Arc::clone(&store),
        Lang::Zh,
        Keymap::default_preset(),
        Vec::new(),
    );
    s.user = "zhou.min".into();
    // The in-handling queue's first case, opened in the detail pane.
    let driven = drive_with(s, 80, 24, &["1", "j", "j", "j", "2", "enter"]);
    let case = &driven.state.detail.as_ref().expect("detail").case;
    assert_ne!(case.class, Some(xinfang::domain::Class::Accusation));
    let phone = &case.intake.petitioner.phone;
    assert!(
        !driven.screen.contains(phone.as_str()),
        "the phone is masked"
    );
    assert!(driven.screen.contains(&xinfang::ui::mask::phone(phone)));
    assert!(
        !driven
            .screen
            .contains(case.intake.petitioner.id_number.as_str()),
        "the ID number is masked"
    );
    insta::assert_snapshot!("detail_viewer_zh_80x24", stable(&driven));
}

#[test]
fn boards_open_switch_and_drill_down_to_their_cases() {
    use xinfang::domain::board::BoardKind;
    use xinfang::store::board::BoardData;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // `b` opens the overview; Tab turns to the leader packages.
    let state = session.keys(&["b"]);
    assert!(state.board_shown);
    let view = state.board.as_ref().expect("a board");
    assert_eq!(view.kind, BoardKind::Overview);
    let Some(BoardData::Overview(overview)) = &view.data else {
        panic!("overview data");
    };
    let month = overview.periods[2].clone();
    // On the overview, `j` picks a period and Enter opens the cases received in it.
    let state = session.keys(&["j", "j", "enter"]);
    let queue = state.queue().expect("queue");
    assert_eq!(queue.label_en, "⤷ received this month");
    assert_eq!(state.counts[state.queue_index], Some(month.current.cases));
    let state = session.keys(&["b", "tab", "j"]);
    let view = state.board.as_ref().expect("a board");
    assert_eq!(view.kind, BoardKind::Packages);
    let Some(BoardData::Packages(rows)) = &view.data else {
        panic!("package rows");
    };
    let second = rows[1].clone();
    assert_eq!(view.selected, 1);
    // Enter opens the selected leader's cases as a queue of their own, counted like the others.
    let state = session.keys(&["enter"]);
    assert!(!state.board_shown);
    let queue = state.queue().expect("queue");
    assert_eq!(queue.name, "board-drill");
    assert!(
        queue.label_en.contains(&second.leader.name),
        "{}",
        queue.label_en
    );
    assert_eq!(state.counts[state.queue_index], Some(second.cases));
    assert_eq!(state.table.rows.len() as u64, second.cases.min(200));
    assert!(state.table.rows.iter().all(|r| r.packaged));
    // `:board backlog` goes straight to a board; `f` steps to the next campaign; Esc leaves.
    let state = session.keys(&[":", "text:board backlog", "enter"]);
    let view = state.board.as_ref().expect("a board");
    assert_eq!(view.kind, BoardKind::Backlog);
    let chosen = view.campaign;
    assert!(chosen.is_some(), "the running campaign is chosen first");
    let state = session.keys(&["f"]);
    let view = state.board.as_ref().expect("a board");
    assert_ne!(view.campaign, chosen);
    let Some(BoardData::Backlog(board)) = &view.data else {
        panic!("backlog data");
    };
    assert_eq!(board.campaign.as_ref().map(|c| c.id), view.campaign);
    // Drill into the first city: its backlog cases only.
    let state = session.keys(&["home", "enter"]);
    let queue = state.queue().expect("queue");
    assert_eq!(queue.name, "board-drill");
    assert!(
        state
            .table
            .rows
            .iter()
            .all(|r| r.backlog && r.county.starts_with("6401"))
    );
    let state = session.keys(&["b", "esc"]);
    assert!(!state.board_shown);
}

#[test]
fn every_board_draws_in_the_console_in_both_languages_and_sizes() {
    let (_dir, store) = open_demo(3000);
    for lang in [Lang::Zh, Lang::En] {
        for (width, height) in [(80, 24), (200, 60)] {
            let mut session = Session::in_lang(&store, lang, width, height);
            for (i, name) in ["overview", "packages", "backlog", "map", "warnings"]
                .iter()
                .enumerate()
            {
                let keys: Vec<&str> = if i == 0 { vec!["b"] } else { vec!["tab"] };
                let state = session.keys(&keys);
                let view = state.board.as_ref().expect("board");
                assert_eq!(view.kind.code(), *name);
                let screen = common::buffer_text(session.terminal.backend().buffer());
                // Nothing personal: no run of 11 digits (phone, ID number) on any board.
                let mut run = 0;
                for c in screen.chars() {
                    run = if c.is_ascii_digit() { run + 1 } else { 0 };
                    assert!(run < 11, "{name} {width}x{height}:\n{screen}");
                }
                let heading = match (lang, *name) {
                    (Lang::Zh, "overview") => "按期办结率",
                    (Lang::En, "overview") => "On-time completion",
                    (Lang::Zh, "packages") => "五包完成",
                    (Lang::En, "packages") => "Five duties",
                    (Lang::Zh, "backlog") => "化解率",
                    (Lang::En, "backlog") => "Rate",
                    (Lang::Zh, "map") => "指标",
                    (Lang::En, "map") => "Indicator",
                    (Lang::Zh, _) => "预警",
                    (Lang::En, _) => "warnings",
                };
                assert!(
                    screen.contains(heading),
                    "{name} {width}x{height}:\n{screen}"
                );
            }
        }
    }
}

#[test]
fn a_recompute_elsewhere_makes_the_console_and_its_boards_reload() {
    let (_dir, store) = open_demo(1000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["b"]);
    let head = state.head;
    assert!(head > 0);
    let board_request = state.requests.board;
    let other = store::open(&state.db_label, Rules::default(), OpenMode::ReadWrite).expect("open");
    let report = other.recompute("admin", common::now()).expect("recompute");
    assert_eq!(report.cases, 1000);
    let state = session.keys(&["poll"]);
    assert!(state.head > head, "the recompute moved the change position");
    assert!(
        state.requests.board > board_request,
        "the board on screen was loaded again"
    );
    assert!(other.audit().expect("audit").broken.is_none());
}

#[test]
fn the_configured_rules_drive_the_timeline_and_the_step_menu() {
    use xinfang::domain::{Class, State as S};
    let (_dir, store) = open_demo(3000);
    // A suggestion in handling: its clock is the internal target, here set to 10 days.
    let page = store
        .page(
            &xinfang::store::Filter::StateIn(vec![S::InHandling, S::Accepted]),
            xinfang::store::Sort {
                key: xinfang::store::SortKey::Received,
                descending: true,
            },
            &xinfang::store::Scope {
                region: "64".into(),
                user: String::new(),
                today: today(),
            },
            None,
            500,
        )
        .expect("page");
    let case = page
        .rows
        .iter()
        .map(|r| store_case(&store, &r.number))
        .find(|c| c.class == Some(Class::Suggestion))
        .expect("a suggestion in handling");
    let rules = Rules {
        internal_target_days: 10,
        ..Rules::default()
    };
    let accepted = case.dates.accepted_on.expect("accepted");
    let due = accepted + chrono::Days::new(10);
    let mut session = Session::with_rules(&store, Lang::En, 200, 60, rules);
    let open = format!("text:case {}", case.number);
    session.keys(&[":", &open, "enter", "3"]);
    let screen = common::buffer_text(session.terminal.backend().buffer());
    assert!(
        screen.contains(&format!("{accepted} → {due}")) && screen.contains("internal target"),
        "the timeline follows internal_target_days:\n{screen}"
    );
    // The step menu asks the same rules: no Art 34 extension for a suggestion.
    let state = session.keys(&["s"]).clone();
    let Overlay::Step(form) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let extend = form
        .menu
        .iter()
        .find(|e| e.kind == xinfang::app::triage::StepKind::Extend)
        .expect("listed");
    assert!(
        extend
            .refusal
            .as_deref()
            .is_some_and(|r| r.contains("internal target")),
        "{:?}",
        extend.refusal
    );
}

#[test]
fn copying_a_confidential_case_keeps_its_title_from_those_who_may_not_see_it() {
    let (dir, store) = open_demo(1000);
    let path = dir.path().join("demo.db");
    let marker = "机密标题COPY";
    let conn = rusqlite::Connection::open(&path).expect("open");
    let changed = conn
        .execute(
            &format!(
                "UPDATE cases SET title = '{marker}', class = 'accusation' WHERE id = (\
                 SELECT id FROM cases WHERE state = 'registered' AND category IS NULL \
                 ORDER BY received_on DESC, id DESC LIMIT 1)"
            ),
            [],
        )
        .expect("plant");
    assert_eq!(changed, 1);
    drop(conn);
    let mut viewer = setup(
        Arc::clone(&store),
        Lang::En,
        Keymap::default_preset(),
        Vec::new(),
    );
    viewer.user = "nobody".into();
    let driven = drive_with(viewer, 120, 40, &["Y"]);
    assert_eq!(driven.copied.len(), 1, "one summary copied");
    assert!(!driven.copied[0].contains(marker), "{:?}", driven.copied);
    assert!(
        driven.copied[0].contains("confidential"),
        "{:?}",
        driven.copied
    );
    let supervisor = drive(&store, Lang::En, 120, 40, &["Y"]);
    assert!(
        supervisor.copied[0].contains(marker),
        "{:?}",
        supervisor.copied
    );
}

#[test]
fn a_case_opened_by_number_stays_in_the_detail_after_a_step_and_a_change() {
    let (_dir, store) = open_demo(2000);
    let scope = xinfang::store::Scope {
        region: String::new(),
        user: "zhao.lei".into(),
        today: today(),
    };
    let (filter, sort) = xinfang::store::Builtin::InHandling.query(today(), 3, "zhao.lei");
    let page = store
        .page(&filter, sort, &scope, None, 5)
        .expect("in handling");
    let number = page.rows.last().expect("a case in handling").number.clone();
    let mut session = Session::new(&store, 120, 40);
    // The first queue is on screen; the case is opened alone, by number, and a step taken on it.
    let state = session.keys(&[":", &format!("text:case {number}"), "enter"]);
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.number.as_str()),
        Some(number.as_str())
    );
    assert_ne!(
        state.table.selected_row().map(|r| r.number.as_str()),
        Some(number.as_str()),
        "a case from another queue"
    );
    let state = session.keys(&["s", "text:supervise", "enter"]);
    let shown = state.detail.as_ref().expect("detail");
    assert_eq!(
        shown.case.number, number,
        "the detail still shows the case acted on"
    );
    assert!(shown.case.supervised, "with the step's result");
    // A change made elsewhere reloads the queue around it, not over it.
    let state = session.keys(&["poll"]);
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.number.as_str()),
        Some(number.as_str())
    );
}
