//! Triage an operator can trust, through the console's real event loop over a demo database:
//! marks never reach cases off screen, a form never dies silently or loses typing, forms forgive
//! (filter, j/k, Backspace back, paste), messages say what changed, nothing destructive is a
//! default, and `y` copies the case on screen.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod common;

use common::console::{Session, open_demo, session_screen, store_case, take};
use xinfang::app::state::Overlay;
use xinfang::app::triage::StepKind;
use xinfang::domain::Step;
use xinfang::i18n::Lang;

/// Asserts the status bar says `phrase`.
fn assert_said(state: &xinfang::app::state::State, phrase: &str) {
    assert!(
        state.status.as_deref().is_some_and(|s| s.contains(phrase)),
        "`{phrase}` not in {:?}",
        state.status
    );
}

fn form(state: &xinfang::app::state::State) -> &xinfang::app::state::StepForm {
    match &state.overlay {
        Overlay::Step(form) => form,
        other => panic!("no step form: {other:?}"),
    }
}

#[test]
fn marks_stay_in_the_view_they_were_made_in() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // Two cases marked in `to-forward`.
    let state = session.keys(&["1", "j", "2", "space", "space"]);
    assert_eq!(state.marks.len(), 2);
    // Another queue: the marks are cleared, and the status bar says so.
    let state = session.keys(&["1", "j"]).clone();
    assert_eq!(state.queues[state.queue_index].name, "awaiting-acceptance");
    assert!(
        state.marks.is_empty(),
        "marks do not follow to another queue"
    );
    assert_said(&state, "2 marks cleared");
    // The step goes to the one case on screen, and the menu says so.
    let number = state.table.rows[0].number.clone();
    let state = session.keys(&["2", "s"]).clone();
    assert_eq!(form(&state).touches(), 1);
    assert!(form(&state).targets.is_empty());
    let screen = session_screen(&mut session);
    assert!(screen.contains(&number), "the menu names its case");
    session.keys(&["esc"]);

    // Marks made on search results stay while a result is open, and go with the search.
    let state = session.keys(&["/", "text:工资", "ctrl-a"]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(!search.hits.is_empty());
    assert_eq!(state.marks.len(), search.hits.len());
    let state = session.keys(&["enter"]).clone();
    assert_eq!(state.marks.len(), search.hits.len(), "kept on a result");
    let state = session.keys(&["esc", "2"]).clone();
    assert!(state.marks.is_empty(), "cleared back in the queue");

    // A drill-down from a board is a view of its own too.
    session.keys(&["space"]);
    let state = session.keys(&["b", "enter"]).clone();
    assert!(state.marks.is_empty(), "cleared by a drill-down");
}

#[test]
fn a_form_survives_a_change_underneath_and_never_loses_what_was_typed() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let number = session.first_registered_case();
    let state = take(&mut session, StepKind::Note, &["text:已电话联系信访人"]);
    assert_eq!(form(&state).input, "已电话联系信访人");
    // Another console changes the case while the form is open.
    let case = store_case(&store, &number);
    store
        .apply(
            case.id,
            case.version,
            &Step::Note {
                text: "另一控制台".into(),
            },
            "admin",
            common::now(),
        )
        .expect("note elsewhere");
    let state = session.keys(&["poll"]).clone();
    let open = form(&state);
    assert_eq!(open.input, "已电话联系信访人", "typing kept");
    assert!(
        open.notice
            .as_deref()
            .is_some_and(|n| n.contains("admin just changed this case")),
        "{:?}",
        open.notice
    );
    // Submitting reports the conflict and reopens the form with the answer.
    let state = session.keys(&["enter"]).clone();
    assert_said(&state, "nothing was overwritten");
    let open = form(&state);
    assert_eq!(
        open.input, "已电话联系信访人",
        "the answer is back for another try"
    );
    assert_eq!(store_case(&store, &number).version, case.version + 1);
    // The form took the case as it is now: Enter applies the same answer.
    assert!(
        open.notice
            .as_deref()
            .is_some_and(|n| n.contains("as it is now")),
        "{:?}",
        open.notice
    );
    let state = session.keys(&["enter"]).clone();
    assert_said(&state, "✓");
    assert_eq!(store_case(&store, &number).version, case.version + 2);

    // The case leaves the list under an open form: the form stays and says so.
    let state = session.keys(&["esc", "2", "j"]).clone();
    assert_eq!(state.queues[state.queue_index].name, "to-forward");
    let leaving = state.table.rows[state.table.selected].number.clone();
    let state = take(&mut session, StepKind::Note, &["text:待核实"]);
    assert_eq!(form(&state).number, leaving);
    let case = store_case(&store, &leaving);
    store
        .apply(
            case.id,
            case.version,
            &Step::Forward {
                unit: 1,
                assign: false,
            },
            "admin",
            common::now(),
        )
        .expect("forward elsewhere");
    let state = session.keys(&["poll"]).clone();
    assert_eq!(form(&state).input, "待核实");
    assert!(
        form(&state).notice.is_some(),
        "the form says the case changed"
    );
    let state = session.keys(&["enter"]).clone();
    // A conflict, never a silent prompt.
    assert_said(&state, "nothing was overwritten");
    assert_eq!(form(&state).input, "待核实");
}

#[test]
fn the_step_menu_filters_j_k_move_backspace_goes_back_and_a_paste_never_submits() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    session.first_registered_case();
    let state = session.keys(&["s", "j", "j", "k"]).clone();
    assert_eq!(form(&state).selected, 1, "j and k move in the menu");
    // Pinyin, Chinese and English all find 备注 (a note).
    for typed in ["beizhu", "备注", "note"] {
        let keys = ["esc", "s", &format!("text:{typed}")];
        let state = session.keys(&keys).clone();
        let entries = xinfang::app::stepping::menu_entries(form(&state), Lang::En);
        assert_eq!(
            entries.first().map(|e| e.kind),
            Some(StepKind::Note),
            "{typed}"
        );
    }
    // Backspace on the first empty answer goes back to the menu.
    let state = session.keys(&["enter"]).clone();
    assert_eq!(form(&state).kind, Some(StepKind::Note));
    let state = session.keys(&["backspace"]).clone();
    assert_eq!(form(&state).kind, None, "back to the menu");
    // A pasted paragraph stays whole in a multi-line answer and does not submit.
    let state = session.keys(&["enter", "paste:第一行\n第二行\n"]).clone();
    let open = form(&state);
    assert_eq!(open.kind, Some(StepKind::Note));
    assert_eq!(open.input, "第一行\n第二行");
    assert!(open.answers.is_empty(), "a pasted newline is not Enter");
    session.keys(&["esc"]);

    // Two questions: Backspace on the empty second one reopens the first with its answer.
    let state = session
        .keys(&[":", "text:queue in-handling", "enter"])
        .clone();
    assert_eq!(state.queues[state.queue_index].name, "in-handling");
    let state = take(&mut session, StepKind::Extend, &["text:15", "enter"]);
    assert_eq!(form(&state).answers, ["15"]);
    let state = session.keys(&["backspace"]).clone();
    let open = form(&state);
    assert!(open.answers.is_empty());
    assert_eq!(open.input, "15", "the first answer is back to edit");
    // A paste into a one-line answer is joined into one line.
    let state = session.keys(&["enter", "paste:材料\n待补充"]).clone();
    assert_eq!(
        form(&state).input,
        "材料\n待补充",
        "the reason is multi-line"
    );
}

#[test]
fn step_and_undo_messages_say_what_changed_and_fit_80_columns() {
    let (_dir, store) = open_demo(3000);
    for (lang, said, undone) in [
        (Lang::Zh, "延期15天，新期限 ", "已撤销「延期」"),
        (Lang::En, "extended 15 days, new deadline ", "undid extend"),
    ] {
        let mut session = Session::in_lang(&store, lang, 80, 24);
        let state = session.keys(&["1", "j", "j", "j", "2"]).clone();
        assert_eq!(state.queues[state.queue_index].name, "in-handling");
        let number = state.table.rows[0].number.clone();
        let before = store_case(&store, &number);
        let reason = match lang {
            Lang::Zh => "text:需要现场核查",
            Lang::En => "text:site visit needed",
        };
        let state = take(
            &mut session,
            StepKind::Extend,
            &["text:15", "enter", reason, "enter"],
        );
        let status = state.status.clone().unwrap_or_default();
        assert!(status.contains(said), "{status}");
        assert!(status.starts_with(&number), "{status}");
        let screen = session_screen(&mut session);
        let bar = screen.lines().last().unwrap_or_default();
        assert!(bar.contains(said), "the change fits 80 columns: {bar}");
        // Undo says what it took back, and the deadline is the earlier one again.
        let state = session.keys(&["u"]).clone();
        let status = state.status.clone().unwrap_or_default();
        assert!(status.contains(undone), "{status}");
        let after = store_case(&store, &number);
        assert_eq!(after.extension_days, before.extension_days);
        assert_eq!(after.state, before.state);
    }
}

#[test]
fn nothing_destructive_is_a_default() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // `:` then Enter with nothing typed runs nothing.
    let state = session.keys(&[":", "enter"]).clone();
    assert!(matches!(state.overlay, Overlay::Palette(_)), "still open");
    assert!(!state.quit && !state.board_shown);
    assert_eq!(state.queue_index, 0);
    // Choosing an entry with the arrows and Enter runs it.
    let state = session.keys(&["down", "enter"]).clone();
    assert!(!matches!(state.overlay, Overlay::Palette(_)));
    session.keys(&["esc"]);
    // Quitting with marks asks first; any other key stays; quit twice leaves.
    let state = session.keys(&["2", "space", "q"]).clone();
    assert!(!state.quit, "asked first");
    assert_said(&state, "1 case is marked: press q again");
    let state = session.keys(&["j", "q"]).clone();
    assert!(!state.quit, "another key disarmed it");
    let state = session.keys(&["q"]).clone();
    assert!(state.quit);
}

#[test]
fn quitting_with_an_open_form_asks_first() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    session.first_registered_case();
    let state = take(&mut session, StepKind::Note, &["text:未写完", "ctrl-c"]);
    assert!(!state.quit);
    assert_eq!(
        form(&state).input,
        "未写完",
        "the form and its text are still there"
    );
    let state = session.keys(&["ctrl-c"]).clone();
    assert!(state.quit);
}

#[test]
fn y_copies_the_case_the_detail_shows() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["2"]).clone();
    let selected = state.table.rows[0].number.clone();
    let other = state.table.rows[5].number.clone();
    // Another case opened by number fills the detail; `y` there copies it, not the row.
    let open = format!("text:case {other}");
    let state = session.keys(&[":", &open, "enter"]).clone();
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.number.clone()),
        Some(other.clone())
    );
    let state = session.keys(&["y"]).clone();
    assert_eq!(
        state.copied.as_deref(),
        Some(other.as_str()),
        "{:?} {:?} {:?}",
        state.focus,
        state.compact_detail,
        state.detail.as_ref().map(|d| d.case.number.clone())
    );
    // Back in the table, `y` copies the selected row.
    let state = session.keys(&["esc", "2", "y"]).clone();
    assert_eq!(state.copied.as_deref(), Some(selected.as_str()));
}

/// Whether an overlay titled `title` keeps its left border on every row, as a terminal shows it:
/// no double-width character just left of the border may spill over it.
fn left_border_intact(buffer: &ratatui::buffer::Buffer, title: &str) -> Result<(), String> {
    let area = buffer.area;
    let symbol = |x: u16, y: u16| buffer[(x, y)].symbol().to_string();
    let first = title.chars().next().unwrap_or(' ').to_string();
    // The top-left corner: `┌`, a space, then the title.
    let corner = |y: u16| {
        (0..area.width.saturating_sub(2))
            .find(|x| symbol(*x, y) == "┌" && symbol(x + 2, y) == first)
    };
    let top = (0..area.height)
        .find(|y| corner(*y).is_some())
        .ok_or(format!("no overlay titled {title}"))?;
    let left = corner(top).ok_or("no top-left corner")?;
    for y in top..area.height {
        let border = symbol(left, y);
        if left > 0 && unicode_width::UnicodeWidthStr::width(symbol(left - 1, y).as_str()) > 1 {
            return Err(format!("row {y}: a wide character covers the border"));
        }
        if border == "└" {
            return Ok(());
        }
        if y > top && border != "│" {
            return Err(format!("row {y}: `{border}` instead of the border"));
        }
    }
    Err("no bottom-left corner".into())
}

#[test]
fn overlays_keep_their_borders_beside_chinese_text_and_cut_text_ends_with_an_ellipsis() {
    let (_dir, store) = open_demo(3000);
    for lang in [Lang::Zh, Lang::En] {
        for (width, height) in [(80, 24), (200, 60)] {
            let mut session = Session::in_lang(&store, lang, width, height);
            session.keys(&["1", "j", "2"]);
            for (keys, zh, en) in [
                (vec!["s"], "办理步骤", "Take a step"),
                (vec![":"], "命令面板", "Command palette"),
                (vec!["/"], "搜索", "Search"),
            ] {
                session.keys(&keys);
                let state = session.state.as_ref().expect("state");
                let mut fresh =
                    ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                        .expect("terminal");
                fresh
                    .draw(|frame| xinfang::ui::draw(frame, state))
                    .expect("draw");
                let title = lang.pick(zh, en);
                if let Err(e) = left_border_intact(fresh.backend().buffer(), title) {
                    panic!(
                        "{lang:?} {width}x{height} {title}: {e}\n{}",
                        common::buffer_text(fresh.backend().buffer())
                    );
                }
                session.keys(&["esc"]);
            }
            // A title too long for its column ends with `…`.
            if width == 80 {
                let screen = session_screen(&mut session);
                assert!(screen.contains('…'), "{screen}");
            }
        }
    }
}

#[test]
fn a_query_mistake_is_told_in_the_chinese_console_in_chinese() {
    let (_dir, store) = open_demo(600);
    let mut session = Session::in_lang(&store, Lang::Zh, 120, 40);
    let state = session.keys(&["/", "text:status:flying"]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let error = search.error.clone().unwrap_or_default();
    assert!(error.contains("没有状态「flying」"), "{error}");
    assert!(!error.contains("unknown"), "{error}");
}

/// The key-hint footer line of a screen (the line above the status bar).
fn footer(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(2)].to_string()
}

#[test]
fn the_footer_follows_the_context_and_the_preset() {
    let (_dir, store) = open_demo(600);
    let mut session = Session::new(&store, 80, 24);
    session.keys(&["2"]);
    let table = footer(&session_screen(&mut session));
    assert!(
        table.contains("s step") && table.contains("? help"),
        "{table}"
    );
    session.first_registered_case();
    session.keys(&["s"]);
    let form = footer(&session_screen(&mut session));
    assert!(
        form.contains("enter choose") && form.contains("esc close"),
        "{form}"
    );
    assert!(!form.contains("s step"), "{form}");
    // The vim preset's own keys.
    let mut setup = common::console::setup(
        std::sync::Arc::clone(&store),
        Lang::En,
        xinfang::keymap::Keymap::preset("vim").expect("vim"),
        Vec::new(),
    );
    setup.user = "zhao.lei".into();
    let driven = common::console::drive_with(setup, 80, 24, &["ctrl-l"]);
    let detail = footer(&driven.screen);
    assert!(detail.contains("y y copy"), "{detail}");
    assert!(detail.contains("[ back"), "{detail}");
}

#[test]
fn help_starts_with_the_context_and_finds_keys_by_typing() {
    let (_dir, store) = open_demo(600);
    let mut session = Session::in_lang(&store, Lang::Zh, 80, 24);
    session.keys(&["3", "?"]);
    let screen = session_screen(&mut session);
    let first_section = screen
        .lines()
        .find(|l| l.contains("[详情]") || l.contains("[全局]"))
        .unwrap_or_default()
        .to_string();
    assert!(first_section.contains("[详情]"), "{screen}");
    // Typing finds by pinyin; j is text once typing has started; Esc clears, then closes.
    let state = session.keys(&["text:chexiao"]).clone();
    let Overlay::Help { filter, .. } = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(filter, "chexiao");
    let screen = session_screen(&mut session);
    assert!(screen.contains("撤销您的上一步"), "{screen}");
    assert!(!screen.contains("下移一行"), "filtered: {screen}");
    let state = session.keys(&["esc"]).clone();
    assert!(matches!(state.overlay, Overlay::Help { .. }));
    let state = session.keys(&["esc"]).clone();
    assert!(matches!(state.overlay, Overlay::None));
}

#[test]
fn the_palette_offers_every_action_with_its_key_and_the_cases_steps() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::in_lang(&store, Lang::Zh, 120, 40);
    let number = session.first_registered_case();
    session.keys(&[":", "text:chexiao"]);
    let screen = session_screen(&mut session);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("│u ") && l.contains("撤销您的上一步") && l.contains("undo")),
        "the action in Chinese, its key and its name: {screen}"
    );
    // A step of the case on screen, found by pinyin, opens its form on that case.
    let state = session.keys(&["esc", ":", "text:beizhu", "enter"]).clone();
    let open = form(&state);
    assert_eq!(open.kind, Some(StepKind::Note));
    assert_eq!(open.number, number);
}

#[test]
fn back_and_forward_through_queues_cases_and_searches_and_slash_reopens_the_last_search() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["1", "j", "j"]).clone();
    assert_eq!(state.queues[state.queue_index].name, "awaiting-acceptance");
    let state = session.keys(&["/", "text:工资", "enter"]).clone();
    let opened = state.detail.as_ref().map(|d| d.case.id).expect("a case");
    // Back: the search with its query, then the queue before, then the one before that.
    let state = session.keys(&["["]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(search.input, "工资");
    let state = session.keys(&["esc", "2", "["]).clone();
    assert_eq!(state.queues[state.queue_index].name, "awaiting-acceptance");
    // Walking down the queue list (to-forward on the way) was one visit.
    let state = session.keys(&["["]).clone();
    assert_eq!(state.queues[state.queue_index].name, "to-register");
    let state = session.keys(&["]"]).clone();
    assert_eq!(state.queues[state.queue_index].name, "awaiting-acceptance");
    let state = session.keys(&["]"]).clone();
    assert!(
        matches!(state.overlay, Overlay::Search(_)),
        "forward to the search"
    );
    let state = session.keys(&["esc", "2", "]"]).clone();
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.id),
        Some(opened),
        "forward again to the case opened from the search"
    );
    // `/` reopens the last search with its results.
    let state = session.keys(&["/"]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(search.input, "工资");
    assert!(!search.hits.is_empty());
}

#[test]
fn every_list_moves_with_the_same_keys() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // The step menu: end, home, and ctrl-d as in the table.
    session.first_registered_case();
    let state = session.keys(&["s", "end"]).clone();
    let last = form(&state).menu.len() - 1;
    assert_eq!(form(&state).selected, last);
    let state = session.keys(&["home", "ctrl-d"]).clone();
    assert_eq!(form(&state).selected, 10);
    // The palette and the search results.
    let state = session.keys(&["esc", ":", "end"]).clone();
    let Overlay::Palette(palette) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert!(palette.selected > 10);
    let state = session.keys(&["esc", "/", "text:工资", "ctrl-d"]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(search.selected, 10.min(search.hits.len() - 1));
    // The queue list: G goes to the last queue, g g back to the first.
    let state = session.keys(&["esc", "1", "G"]).clone();
    assert_eq!(state.queue_index, state.queues.len() - 1);
    let state = session.keys(&["g", "g"]).clone();
    assert_eq!(state.queue_index, 0);
}

#[test]
fn the_mouse_selects_opens_and_scrolls() {
    let (_dir, store) = open_demo(3000);
    // 120x40: queues at x 0..24, the table from x 24, rows from y 2 (border, header).
    let mut session = Session::new(&store, 120, 40);
    // A click on the third queue line selects that queue.
    let state = session.keys(&["click@5,3"]).clone();
    assert_eq!(state.queues[state.queue_index].name, "awaiting-acceptance");
    assert_eq!(state.focus, xinfang::app::state::Focus::Queues);
    // A click on the table's fourth row selects that case; a second click opens it.
    let state = session.keys(&["click@40,5"]).clone();
    assert_eq!(state.table.selected, 3);
    assert_eq!(state.focus, xinfang::app::state::Focus::Table);
    let number = state.table.rows[3].number.clone();
    let state = session.keys(&["click@40,5"]).clone();
    assert_eq!(state.focus, xinfang::app::state::Focus::Detail);
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.number.clone()),
        Some(number)
    );
    // The wheel over the table moves three lines a notch.
    let state = session.keys(&["wheel-down@40,10"]).clone();
    assert_eq!(state.table.selected, 6, "{:?}", state.focus);
    // The queue holds nine cases: the wheel stops at the last.
    let state = session.keys(&["wheel-down@40,10"]).clone();
    assert_eq!(state.table.selected, 8);
    let state = session.keys(&["wheel-up@40,10"]).clone();
    assert_eq!(state.table.selected, 5);
    // In an open menu the wheel moves the menu.
    let state = session.keys(&["s", "wheel-down@60,20"]).clone();
    assert_eq!(form(&state).selected, 1);
    // On the boards, a click on a tab shows that board (tabs: ` Overview  Leader packages  …`).
    let state = session.keys(&["esc", "b", "click@14,0"]).clone();
    assert_eq!(
        state.board.as_ref().map(|b| b.kind),
        Some(xinfang::domain::board::BoardKind::Packages)
    );
}

#[test]
fn leaving_a_case_opened_from_a_search_brings_back_the_selected_row() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["2", "j"]).clone();
    let selected = state.table.rows[1].number.clone();
    let state = session.keys(&["/", "text:工资", "enter"]).clone();
    let opened = state.detail.as_ref().map(|d| d.case.number.clone());
    assert_ne!(opened.as_deref(), Some(selected.as_str()), "a case apart");
    // Esc: back to the table, and the detail, `s` and `y` agree with the highlighted row.
    let state = session.keys(&["esc"]).clone();
    assert_eq!(state.focus, xinfang::app::state::Focus::Table);
    assert_eq!(
        state.detail.as_ref().map(|d| d.case.number.clone()),
        Some(selected.clone())
    );
    let state = session.keys(&["s"]).clone();
    assert_eq!(form(&state).number, selected);
    let state = session.keys(&["esc", "y"]).clone();
    assert_eq!(state.copied.as_deref(), Some(selected.as_str()));
}

#[test]
fn with_marks_the_menu_is_not_the_cursor_rows_and_the_marks_stay_in_sight() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // Two marked cases; the cursor ends on a third, unmarked one.
    let state = session.keys(&["1", "j", "2", "space", "space"]).clone();
    assert_eq!(state.marks.len(), 2);
    let bar = session_screen(&mut session);
    assert!(bar.contains("● 2 marked"), "{bar}");
    let state = session.keys(&["s"]).clone();
    let refused: Vec<_> = form(&state)
        .menu
        .iter()
        .filter(|e| e.refusal.is_some())
        .map(|e| e.kind)
        .collect();
    assert!(
        refused.is_empty(),
        "a supervisor's bulk menu is checked per case when applied: {refused:?}"
    );
}

#[test]
fn search_results_show_who_with_the_matched_characters_marked() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let number = session.first_registered_case();
    let name = store_case(&store, &number).intake.petitioner.name;
    let typed = format!("text:{name}");
    let state = session.keys(&["esc", "/", &typed]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let hit = search
        .hits
        .iter()
        .find(|h| h.number == number)
        .expect("the case is found by its petitioner");
    assert_eq!(hit.petitioner, name);
    assert_eq!(
        hit.petitioner_highlights.len(),
        name.chars().count(),
        "every character of the name is marked"
    );
    let screen = session_screen(&mut session);
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&number) && l.contains(&name)),
        "{screen}"
    );
    // By number (typing replaces the reopened query): the number's characters are marked.
    let tail = format!("text:{}", &number[number.len() - 6..]);
    let state = session.keys(&["esc", "/", &tail]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let hit = search
        .hits
        .first()
        .unwrap_or_else(|| panic!("no hit for {:?}: {:?}", search.input, search.error));
    assert!(!hit.number_highlights.is_empty(), "{hit:?}");
}

#[test]
fn the_table_sorts_by_any_column_the_same_key_reverses_and_the_header_shows_it() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&[":", "text:queue all", "enter", "O"]).clone();
    let counties: Vec<String> = state.table.rows.iter().map(|r| r.county.clone()).collect();
    let mut sorted = counties.clone();
    sorted.sort();
    assert_eq!(counties, sorted, "by county, ascending");
    let header = session_screen(&mut session);
    assert!(header.contains("County▲"), "{header}");
    let state = session.keys(&["O"]).clone();
    let reversed: Vec<String> = state.table.rows.iter().map(|r| r.county.clone()).collect();
    assert!(reversed.windows(2).all(|w| w[0] >= w[1]), "descending");
    assert!(reversed.first() >= sorted.last(), "reversed");
    assert!(session_screen(&mut session).contains("County▼"));
    // By deadline: earliest first; reversed, the cases without one (last) come first, so none
    // is left out of the queue.
    let state = session.keys(&["D"]).clone();
    assert!(state.table.rows.first().is_some_and(|r| r.due_on.is_some()));
    let state = session.keys(&["D"]).clone();
    assert!(state.table.rows.first().is_some_and(|r| r.due_on.is_none()));
}

#[test]
fn a_second_trial_sort_big_queues_detail_scroll_help_slash_and_pinyin_marks() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    // Sorting a big queue: the case is further down the new order; no false "left the queue".
    let state = session
        .keys(&[":", "text:queue all", "enter", "g", "g", "j", "j", "N"])
        .clone();
    assert_eq!(state.table.selected, 0);
    assert!(
        !state.status.clone().unwrap_or_default().contains("left"),
        "{:?}",
        state.status
    );
    // The detail stops at its last line.
    let state = session.keys(&["3", "G", "G", "ctrl-d"]).clone();
    let stopped = state.detail_scroll;
    let screen = session_screen(&mut session);
    let detail_text: usize = screen
        .lines()
        .filter(|l| l.contains('┃'))
        .filter(|l| l.rsplit('┃').nth(1).is_some_and(|t| !t.trim().is_empty()))
        .count();
    assert!(
        detail_text > 3,
        "the detail still shows text at its end:\n{screen}"
    );
    assert!(
        stopped > 0,
        "the detail is longer than its pane and scrolled"
    );
    let again = session.keys(&["ctrl-d"]).clone();
    assert_eq!(
        again.detail_scroll, stopped,
        "no further than the last line"
    );
    let state = session.keys(&["ctrl-u"]).clone();
    assert!(state.detail_scroll < stopped, "ctrl-u scrolls back at once");
    // Help: `/` starts a filter that may begin with j.
    let state = session.keys(&["2", "?", "/", "text:jiaoban"]).clone();
    let Overlay::Help { filter, .. } = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    assert_eq!(filter.trim_start_matches('/'), "jiaoban");
    // Pinyin finds the petitioner and marks the name.
    let number = state.table.rows[0].number.clone();
    let name = store_case(&store, &number).intake.petitioner.name;
    let (full, _) = xinfang::search::pinyin_of(&name);
    let typed = format!("text:{full}");
    let state = session.keys(&["esc", "esc", "/", &typed]).clone();
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let hit = search
        .hits
        .iter()
        .find(|h| h.petitioner == name)
        .expect("found by pinyin");
    assert_eq!(hit.petitioner_highlights.len(), name.chars().count());
}

#[test]
fn g_and_capital_g_move_in_the_step_menu_and_the_table_says_where_it_is() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    session.first_registered_case();
    let state = session.keys(&["s", "G"]).clone();
    assert_eq!(form(&state).selected, form(&state).menu.len() - 1);
    assert!(form(&state).filter.is_empty(), "G moved, it was not typed");
    let state = session.keys(&["g"]).clone();
    assert_eq!(form(&state).selected, 0);
    let state = session.keys(&["esc", "2", "j", "j"]).clone();
    let total = state.counts[state.queue_index].expect("count");
    let screen = session_screen(&mut session);
    assert!(screen.contains(&format!("· 3/{total}")), "{screen}");
}

#[test]
fn the_leader_package_table_sorts_and_the_drill_down_follows_the_order_on_screen() {
    use xinfang::store::board::BoardData;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["b", "tab"]).clone();
    let view = state.board.clone().expect("boards");
    assert_eq!(view.kind, xinfang::domain::board::BoardKind::Packages);
    // o: level up, level down, leader up, leader down, cases up, cases down.
    let state = session.keys(&["o", "o", "o", "o", "o", "o"]).clone();
    let view = state.board.clone().expect("boards");
    assert_eq!(view.sort, Some((2, true)));
    let Some(BoardData::Packages(rows)) = &view.data else {
        panic!("{:?}", view.data)
    };
    let shown = xinfang::app::boards::package_rows(&view, rows);
    let most = shown.first().expect("a leader");
    assert!(shown.windows(2).all(|w| w[0].cases >= w[1].cases));
    assert!(session_screen(&mut session).contains("Cases▼"));
    // Enter drills into the leader on the first line, as sorted.
    let state = session.keys(&["enter"]).clone();
    let queue = &state.queues[state.queue_index];
    assert!(
        queue.label_en.contains(&most.leader.name),
        "{} vs {}",
        queue.label_en,
        most.leader.name
    );
    // Oldest ▲: the fewest days open first (no open case, then the newest date); level ▲ by rank.
    let state = session
        .keys(&["b", "o", "o", "o", "o", "o", "o", "o"])
        .clone();
    let view = state.board.clone().expect("boards");
    assert_eq!(view.sort, Some((6, false)));
    let Some(BoardData::Packages(rows)) = &view.data else {
        panic!("{:?}", view.data)
    };
    let shown = xinfang::app::boards::package_rows(&view, rows);
    let days = |r: &&xinfang::store::board::PackageRow| {
        r.oldest_open
            .map_or(-1, |d| (common::today() - d).num_days())
    };
    assert!(shown.windows(2).all(|w| days(&w[0]) <= days(&w[1])));
    let mut level = view.clone();
    level.sort = Some((0, false));
    let shown = xinfang::app::boards::package_rows(&level, rows);
    let rank = |r: &&xinfang::store::board::PackageRow| {
        xinfang::domain::LeaderLevel::ALL
            .iter()
            .position(|l| *l == r.leader.level)
    };
    assert!(shown.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])));
}

#[test]
fn the_backlog_and_warnings_tables_sort_and_drill_downs_follow_the_order_on_screen() {
    use xinfang::domain::board::BoardKind;
    use xinfang::store::board::BoardData;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&["b", "tab", "tab"]).clone();
    assert_eq!(
        state.board.as_ref().map(|v| v.kind),
        Some(BoardKind::Backlog)
    );
    // Region up and down, backlog, cleared, then the rate: counties alone, best rate first.
    let keys = ["o"; 8];
    let state = session.keys(&keys).clone();
    let view = state.board.clone().expect("boards");
    assert_eq!(view.sort, Some((3, true)));
    let Some(BoardData::Backlog(board)) = &view.data else {
        panic!("{:?}", view.data)
    };
    let lines = xinfang::app::boards::backlog_lines(&view, &board.counties);
    assert_eq!(lines.len(), board.counties.len(), "counties alone");
    let rate = |code: &str| {
        let county = board
            .counties
            .iter()
            .find(|c| c.county == code)
            .expect("county");
        county.rate().unwrap_or(-1.0)
    };
    assert!(lines.windows(2).all(|w| rate(&w[0]) >= rate(&w[1])));
    let screen = session_screen(&mut session);
    assert!(screen.contains("Rate▼"), "{screen}");
    let first = xinfang::domain::region::name_in(&lines[0], Lang::En).expect("a county");
    let state = session.keys(&["enter"]).clone();
    let queue = &state.queues[state.queue_index];
    assert!(
        queue.label_en.contains(&first),
        "{} vs {first}",
        queue.label_en
    );

    // The warnings: by county, A to Z; the drill-down opens the first line's cases.
    let state = session.keys(&["b", "tab", "tab", "o", "o", "o"]).clone();
    let view = state.board.clone().expect("boards");
    assert_eq!(view.kind, BoardKind::Warnings);
    assert_eq!(view.sort, Some((1, false)));
    let Some(BoardData::Warnings(list)) = &view.data else {
        panic!("{:?}", view.data)
    };
    assert!(list.len() > 1, "the demo has warnings");
    let shown = xinfang::app::boards::warning_rows(&view, list);
    assert!(shown.windows(2).all(|w| w[0].county <= w[1].county));
    let screen = session_screen(&mut session);
    assert!(screen.contains("County▲"), "{screen}");
    let filter = shown[0].filter.clone();
    let state = session.keys(&["enter"]).clone();
    assert_eq!(state.queues[state.queue_index].filter, filter);
    // The overview keeps its own order and says which tables sort.
    let state = session.keys(&["b", "tab", "tab", "o"]).clone();
    assert_eq!(
        state.board.as_ref().map(|v| v.kind),
        Some(BoardKind::Overview)
    );
    assert!(
        state
            .status
            .as_deref()
            .is_some_and(|s| s.contains("backlog and warnings tables sort")),
        "{:?}",
        state.status
    );
}

#[test]
fn a_third_trial_end_of_a_long_queue_chosen_queues_in_history_chinese_queue_names_and_notes() {
    let (_dir, store) = open_demo(3000);
    let mut session = Session::in_lang(&store, Lang::Zh, 120, 40);
    // G reaches the last case of a queue longer than what is loaded.
    let state = session
        .keys(&[":", "text:queue 全部", "enter", "G"])
        .clone();
    assert_eq!(
        state.queues[state.queue_index].name, "all",
        "a queue by its Chinese name"
    );
    let total = state.counts[state.queue_index].expect("count") as usize;
    assert_eq!(state.table.selected + 1, total);
    // Queues chosen in the queue list (Enter) are each a place to go back to.
    session.keys(&["1", "k", "enter", "1", "k", "enter"]);
    let state = session.keys(&["["]).clone();
    assert_eq!(state.queues[state.queue_index].name, "mine");
    // A note's words are in the history.
    let number = session.first_registered_case();
    let state = take(
        &mut session,
        StepKind::Note,
        &["text:已电话联系信访人", "enter"],
    );
    assert!(
        state.status.as_deref().is_some_and(|s| s.contains('✓')),
        "{:?}",
        state.status
    );
    let screen = session_screen(&mut session);
    assert!(
        screen.contains("备注：已电话联系信访人"),
        "{number}:\n{screen}"
    );
}

#[test]
fn a_click_on_a_county_tile_selects_it_and_a_second_click_drills_down() {
    use xinfang::store::board::BoardData;
    let (_dir, store) = open_demo(3000);
    let mut session = Session::new(&store, 120, 40);
    let state = session.keys(&[":", "text:board map", "enter"]).clone();
    let view = state.board.clone().expect("boards");
    let Some(BoardData::Map(tiles)) = &view.data else {
        panic!("{:?}", view.data)
    };
    let body = xinfang::ui::panes(&state, ratatui::layout::Rect::new(0, 0, 120, 40)).body;
    let map = ratatui::layout::Rect {
        y: body.y + 1,
        height: body.height - 1,
        ..body
    };
    let (index, rect) = xinfang::ui::board::map::tile_rects(tiles, map)
        .into_iter()
        .find(|(i, _)| *i != view.selected)
        .expect("another tile");
    let click = format!(
        "click@{},{}",
        rect.x + rect.width / 2,
        rect.y + rect.height / 2
    );
    let state = session.keys(&[&click]).clone();
    assert_eq!(state.board.as_ref().map(|b| b.selected), Some(index));
    let state = session.keys(&[&click]).clone();
    assert!(!state.board_shown, "drilled down to the county's cases");
    let county = xinfang::ui::board::place(&tiles[index].county, Lang::En);
    assert!(
        state.queues[state.queue_index].label_en.contains(&county),
        "{} vs {county}",
        state.queues[state.queue_index].label_en
    );
}

thread_local! {
    /// The search index `deliver` builds and searches, as the loop's shared one.
    static INDEX: std::cell::RefCell<Option<xinfang::search::Index>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `effects` and everything they lead to against the store, as the loop would, but only
/// when asked: the keys before it were typed while the loads were still on their way.
fn deliver(
    state: &mut xinfang::app::state::State,
    store: &std::sync::Arc<dyn xinfang::store::Store>,
    clock: xinfang::app::clock::SessionClock,
    effects: Vec<xinfang::app::state::Effect>,
) {
    use xinfang::app::state::{Effect, Msg};
    let mut queue: std::collections::VecDeque<_> = effects.into();
    while let Some(effect) = queue.pop_front() {
        let msg = match effect {
            Effect::BuildIndex { role, region } => {
                let (index, head) =
                    xinfang::search::build(store.as_ref(), role, &region, &mut |_| {}).unwrap();
                INDEX.with(|i| *i.borrow_mut() = Some(index));
                Some(Msg::IndexReady { head })
            }
            Effect::Search {
                request,
                query,
                today,
                ..
            } => INDEX.with(|i| {
                let index = i.borrow();
                let parsed = xinfang::search::parse(&query).unwrap();
                let results = index.as_ref().unwrap().search(&parsed, today, 200, None);
                Some(Msg::SearchDone {
                    request,
                    query,
                    results: Box::new(results),
                })
            }),
            Effect::RefreshIndex { .. } => None,
            other => xinfang::app::run::perform(other, store.as_ref(), clock),
        };
        if let Some(msg) = msg {
            queue.extend(xinfang::app::update::update(state, msg));
        }
    }
}

#[test]
fn keys_typed_before_a_queue_arrives_act_on_its_rows() {
    use xinfang::app::update::{start, update};
    let (_dir, store) = open_demo(3000);
    let setup = common::console::setup(
        std::sync::Arc::clone(&store),
        Lang::En,
        xinfang::keymap::Keymap::default_preset(),
        Vec::new(),
    );
    let clock = setup.clock;
    let mut state = xinfang::app::console::initial_state(&setup, 120, 40).unwrap();
    let effects = start(&mut state);
    deliver(&mut state, &store, clock, effects);
    // On a slow link: another queue, the table, and the step key, all before its rows arrive.
    let mut held = Vec::new();
    for msg in common::console::script(&["1", "j", "2", "s"]) {
        held.extend(update(&mut state, msg));
    }
    assert!(state.table.rows.is_empty() && state.table.loading);
    assert_eq!(
        state.overlay,
        Overlay::None,
        "the step key waits for the rows"
    );
    deliver(&mut state, &store, clock, held);
    assert_eq!(state.queues[state.queue_index].name, "to-forward");
    let first = state.table.rows[0].id;
    assert_eq!(
        form(&state).case,
        first,
        "the form is on the new queue's first case"
    );
    // The keys typed after it go to the form, in order.
    for msg in common::console::script(&["text:note"]) {
        let effects = update(&mut state, msg);
        deliver(&mut state, &store, clock, effects);
    }
    assert_eq!(form(&state).filter, "note");

    // Down one row and the step key before that case's detail arrives: the form is on the row
    // below, not refused for want of a case.
    for msg in common::console::script(&["esc", "esc"]) {
        let effects = update(&mut state, msg);
        deliver(&mut state, &store, clock, effects);
    }
    assert_eq!(state.overlay, Overlay::None);
    let mut held = Vec::new();
    for msg in common::console::script(&["j", "s"]) {
        held.extend(update(&mut state, msg));
    }
    assert!(state.requests.detail_pending());
    assert_eq!(state.overlay, Overlay::None);
    deliver(&mut state, &store, clock, held);
    assert_eq!(form(&state).case, state.table.rows[1].id);
    // A detail that fails to load ends the wait: the key is not held for ever.
    for msg in common::console::script(&["esc", "esc", "j", "s"]) {
        update(&mut state, msg);
    }
    assert!(!state.typeahead.is_empty());
    let request = state.requests.detail;
    update(
        &mut state,
        xinfang::app::state::Msg::LoadFailed {
            request,
            error: xinfang::store::StoreError::Unreachable {
                path: "test".into(),
                detail: "test".into(),
            }
            .told(),
            clock: "00:00".into(),
            reconnecting: false,
        },
    );
    assert!(state.typeahead.is_empty(), "the held key was played");
    assert_eq!(state.overlay, Overlay::None);
    assert_said(&state, "No case selected");
}

#[test]
fn a_step_typed_right_after_opening_a_search_result_is_on_that_case() {
    use xinfang::app::update::{start, update};
    let (_dir, store) = open_demo(3000);
    let setup = common::console::setup(
        std::sync::Arc::clone(&store),
        Lang::En,
        xinfang::keymap::Keymap::default_preset(),
        Vec::new(),
    );
    let clock = setup.clock;
    let mut state = xinfang::app::console::initial_state(&setup, 120, 40).unwrap();
    let effects = start(&mut state);
    deliver(&mut state, &store, clock, effects);
    // Results back, then Enter and `s` at once: the step waits for the opened case.
    for msg in common::console::script(&["1", "j", "2", "/", "text:工资"]) {
        let effects = update(&mut state, msg);
        deliver(&mut state, &store, clock, effects);
    }
    let Overlay::Search(search) = &state.overlay else {
        panic!("{:?}", state.overlay)
    };
    let hit = search.hits[0].id;
    assert_ne!(Some(hit), state.table.selected_row().map(|r| r.id));
    let mut held = Vec::new();
    for msg in common::console::script(&["enter", "s"]) {
        held.extend(update(&mut state, msg));
    }
    assert_eq!(state.overlay, Overlay::None, "the step waits");
    deliver(&mut state, &store, clock, held);
    assert_eq!(form(&state).case, hit, "the step is on the case opened");

    // Enter before the results: the keys after it wait for the case it opens, not the query.
    let mut held = Vec::new();
    for msg in common::console::script(&["esc", "esc", "esc", "/", "text:拆迁", "enter", "s"]) {
        held.extend(update(&mut state, msg));
    }
    deliver(&mut state, &store, clock, held);
    let opened = state
        .detail
        .as_ref()
        .map(|d| d.case.id)
        .expect("a case opened");
    assert_eq!(form(&state).case, opened);
    assert_eq!(
        state.last_search.as_ref().map(|s| s.input.as_str()),
        Some("拆迁")
    );
}
