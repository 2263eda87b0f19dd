//! The console part of `xinfang bench`: first frame, key-press-to-frame latency, draw time, and
//! bytes written to the terminal for a one-row selection move and a one-row scroll at 120×40
//! with Chinese text, for this project's backend and for ratatui's stock crossterm backend.
//! Uses the same `update` and `draw` as the event loop; effects are run inline.

use anyhow::Result;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xinfang::app::console::{Setup, initial_state};
use xinfang::app::run::perform;
use xinfang::app::state::{Effect, Msg, State, ThemeName};
use xinfang::app::terminal::LeanBackend;
use xinfang::app::update::{start, update};
use xinfang::demo::DEMO_USER;
use xinfang::domain::Rules;
use xinfang::i18n::Lang;
use xinfang::keymap::Keymap;
use xinfang::keymap::{Key, KeyCodeName};
use xinfang::store::Store;
use xinfang::ui;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// Runs effects inline (as the loop's blocking tasks do) and feeds their results back until none
/// are left.
fn settle(state: &mut State, store: &dyn Store, mut effects: Vec<Effect>) -> Result<()> {
    while let Some(effect) = effects.pop() {
        match perform(effect, store, Default::default()) {
            Some(Msg::LoadFailed { error, .. }) => anyhow::bail!("{}", error.en),
            Some(msg) => effects.extend(update(state, msg)),
            None => {}
        }
    }
    Ok(())
}

fn setup(store: &Arc<dyn Store>, today: chrono::NaiveDate) -> Setup {
    Setup {
        store: Arc::clone(store),
        user: DEMO_USER.into(),
        lang: Lang::Zh,
        theme: ThemeName::Dark,
        keymap: Keymap::default_preset(),
        notices: Vec::new(),
        today,
        rules: Rules::default(),
        user_queues: Vec::new(),
        clock: Default::default(),
        mouse: false,
        config_path: None,
        export_dir: None,
    }
}

fn key(c: char) -> Msg {
    Msg::Key(Key {
        code: KeyCodeName::Char(c),
        ctrl: false,
        alt: false,
    })
}

fn terminal<B: Backend>(backend: B) -> Result<Terminal<B>>
where
    B::Error: std::fmt::Display,
{
    Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
        },
    )
    .map_err(|e| anyhow::anyhow!("terminal: {e}"))
}

/// Bytes written by the frame that follows `msg` (the screen is drawn once before, so only the
/// change is counted; the new case's detail arrives in a later frame).
fn bytes_for<B: Backend>(
    term: &mut Terminal<B>,
    counted: impl Fn() -> u64,
    state: &mut State,
    msg: Msg,
) -> Result<u64>
where
    B::Error: std::fmt::Display,
{
    term.draw(|f| ui::draw(f, state))
        .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
    let before = counted();
    let _ = update(state, msg);
    term.draw(|f| ui::draw(f, state))
        .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
    Ok(counted() - before)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times
        .get(((times.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

/// A state on the `all` queue with its first page and the selected case's detail loaded.
fn loaded(store: &Arc<dyn Store>, today: chrono::NaiveDate) -> Result<State> {
    let mut state = initial_state(&setup(store, today), WIDTH, HEIGHT)?;
    let effects = start(&mut state);
    settle(&mut state, store.as_ref(), effects)?;
    // Switch to the `all` queue: focus queues, jump to the end, back to the table.
    for msg in [
        key('1'),
        Msg::Key(Key {
            code: KeyCodeName::End,
            ctrl: false,
            alt: false,
        }),
        key('2'),
    ] {
        let effects = update(&mut state, msg);
        settle(&mut state, store.as_ref(), effects)?;
    }
    Ok(state)
}

pub fn run(store: Arc<dyn Store>, today: chrono::NaiveDate) -> Result<()> {
    // First frame: state built and drawn before any query returns (what the user sees first).
    let started = Instant::now();
    let mut state = initial_state(&setup(&store, today), WIDTH, HEIGHT)?;
    let effects = start(&mut state);
    let mut term = terminal(LeanBackend::new(std::io::sink()))?;
    term.draw(|f| ui::draw(f, &state))
        .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
    let first_frame = started.elapsed();
    settle(&mut state, store.as_ref(), effects)?;
    term.draw(|f| ui::draw(f, &state))
        .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
    let with_data = started.elapsed();

    // Key press to frame, moving through the `all` queue: update + draw, as the loop does before
    // any result arrives; then the frame that shows the new case's detail.
    let mut state = loaded(&store, today)?;
    let mut key_to_frame = Vec::new();
    let mut draw_only = Vec::new();
    let mut to_detail = Vec::new();
    for i in 0..1000 {
        let t = Instant::now();
        let effects = update(&mut state, key(if (i / 100) % 2 == 0 { 'j' } else { 'k' }));
        term.draw(|f| ui::draw(f, &state))
            .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
        key_to_frame.push(t.elapsed());
        settle(&mut state, store.as_ref(), effects)?;
        let d = Instant::now();
        term.draw(|f| ui::draw(f, &state))
            .map_err(|e| anyhow::anyhow!("draw: {e}"))?;
        draw_only.push(d.elapsed());
        to_detail.push(t.elapsed());
    }

    // Bytes: a selection move inside the window, and a one-row scroll at its bottom edge.
    let lean_count = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let stock_count = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let mut lean = terminal(LeanBackend::new(Tally(lean_count.clone())))?;
    let mut stock = terminal(CrosstermBackend::new(Tally(stock_count.clone())))?;
    let mut results = Vec::new();
    for (label, prepare) in [
        ("selection moves one row", 5usize),
        ("table scrolls one row", usize::MAX),
    ] {
        let mut lean_state = loaded(&store, today)?;
        let visible = lean_state.visible_rows();
        let steps = if prepare == usize::MAX {
            visible - 1
        } else {
            prepare
        };
        for _ in 0..steps {
            let effects = update(&mut lean_state, key('j'));
            settle(&mut lean_state, store.as_ref(), effects)?;
        }
        let mut stock_state = lean_state.clone();
        let lean_bytes = bytes_for(&mut lean, || lean_count.get(), &mut lean_state, key('j'))?;
        let stock_bytes = bytes_for(&mut stock, || stock_count.get(), &mut stock_state, key('j'))?;
        results.push((label, lean_bytes, stock_bytes));
    }

    println!();
    println!("Console at {WIDTH}×{HEIGHT}, zh, the `all` queue:");
    println!();
    println!("| what | median | p99 | budget |");
    println!("|---|---|---|---|");
    println!(
        "| first frame (state built, drawn before any query returns) | {:.2} ms | | ≤ 300 ms |",
        ms(first_frame)
    );
    println!(
        "| first frame with counts, page and detail | {:.2} ms | | |",
        ms(with_data)
    );
    let (m, p) = (
        ms(percentile(&mut key_to_frame, 0.5)),
        ms(percentile(&mut key_to_frame, 0.99)),
    );
    println!("| key press to frame (update + draw) | {m:.2} ms | {p:.2} ms | ≤ 16 ms p99 |");
    let (m, p) = (
        ms(percentile(&mut draw_only, 0.5)),
        ms(percentile(&mut draw_only, 0.99)),
    );
    println!("| draw | {m:.2} ms | {p:.2} ms | ≤ 2 ms |");
    let (m, p) = (
        ms(percentile(&mut to_detail, 0.5)),
        ms(percentile(&mut to_detail, 0.99)),
    );
    println!("| key press to frame with the new case's detail | {m:.2} ms | {p:.2} ms | |");
    println!();
    println!("| bytes written | this backend | ratatui's crossterm backend | budget |");
    println!("|---|---|---|---|");
    for (label, lean_bytes, stock_bytes) in results {
        let budget = if label.starts_with("selection") {
            "≤ 1 KB"
        } else {
            "≤ 8 KB"
        };
        println!("| {label} | {lean_bytes} B | {stock_bytes} B | {budget} |");
    }
    Ok(())
}

/// A writer that discards its output and counts it in a shared cell, so the count can be read
/// while a backend owns the writer.
struct Tally(std::rc::Rc<std::cell::Cell<u64>>);

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
