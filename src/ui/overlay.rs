//! Overlays: the `?` help generated from the active keymap (the user's own bindings), and the
//! `:` command palette with its fuzzy-matched entries.

use super::{clean, theme};
use crate::app::state::{Palette, State};
use crate::i18n::Text;
use crate::keymap::Context;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The help: the keys of the context it was opened from first, then global keys, the other
/// contexts and actions with no key, from the active keymap; typing filters it. At less than
/// 100 columns the action names are left out so descriptions fit.
pub fn help(
    frame: &mut Frame<'_>,
    state: &State,
    area: Rect,
    (scroll, filter, context): (u16, &str, Context),
) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let (rect, block) = sheet(frame, state, area, Text::HelpTitle.get(lang));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [filter_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let prompt = if filter.is_empty() {
        lang.pick(
            "输入文字查找按键或功能（拼音亦可）",
            "type to find a key or action",
        )
        .to_string()
    } else {
        format!("/{}▏", clean(filter.trim_start_matches('/')))
    };
    frame.render_widget(Paragraph::new(prompt).style(theme.muted), filter_area);
    let wide = inner.width >= 100;
    let mut lines = Vec::new();
    let mut shown: Option<Context> = None;
    let found = crate::app::hints::help_lines(&state.keymap, context, filter, lang);
    let unbound_from = found.iter().position(|l| l.keys.is_empty());
    for (i, line) in found.iter().enumerate() {
        let header = if Some(i) == unbound_from {
            Some(
                lang.pick("[无按键，可用 : 调用]", "[no key; run with :]")
                    .to_string(),
            )
        } else if line.keys.is_empty() || shown == Some(line.context) {
            None
        } else {
            Some(format!(
                "[{}]",
                lang.pick(line.context.zh(), line.context.en())
            ))
        };
        if let Some(header) = header {
            lines.push(Line::from(Span::styled(header, theme.header)));
            shown = Some(line.context);
        }
        let mut spans = vec![Span::styled(format!("  {:<12}", line.keys), theme.key)];
        if wide {
            spans.push(Span::raw(format!("{:<26} ", line.action.name())));
        }
        spans.push(Span::styled(line.description, theme.muted));
        lines.push(Line::from(spans));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            lang.pick("没有符合的按键或功能", "no key or action matches"),
            theme.muted,
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        body,
    );
}

/// How to close a sheet, with the active keymap's key (`按 esc 关闭`, `ctrl-g closes`).
fn closes(state: &State) -> String {
    let key = crate::app::hints::key_for(
        &state.keymap,
        Context::Global,
        crate::app::action::Action::CloseOverlay,
    )
    .unwrap_or_else(|| "esc".to_string());
    match state.lang {
        crate::i18n::Lang::Zh => format!("按 {key} 关闭"),
        crate::i18n::Lang::En => format!("{key} closes"),
    }
}

/// A large cleared sheet over most of `area` (help, a bulk summary): its rectangle and its titled
/// border, with the "Esc closes" footer.
fn sheet(frame: &mut Frame<'_>, state: &State, area: Rect, title: &str) -> (Rect, Block<'static>) {
    let theme = theme::theme(state.theme);
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(format!(" {} ", clean(title)), theme.title))
        .title_bottom(Span::styled(format!(" {} ", closes(state)), theme.muted));
    (rect, block)
}

/// A prompt box over `area`: a titled border, an input line (`prompt` + text + cursor), a status
/// line, and the area left for a list, which is returned.
fn prompt_box(
    frame: &mut Frame<'_>,
    state: &State,
    area: Rect,
    (title, width, height): (Text, u16, u16),
    (prompt, input): (char, &str),
    status: Line<'_>,
) -> Rect {
    let theme = theme::theme(state.theme);
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(width),
        area.height.saturating_sub(2).min(height),
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focused)
        .title(Span::styled(
            format!(" {} ", title.get(state.lang)),
            theme.title,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [input_area, status_area, list_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(format!("{prompt}{}▏", clean(input))),
        input_area,
    );
    frame.render_widget(
        Paragraph::new(super::fit_line(status, status_area.width)),
        status_area,
    );
    list_area
}

/// The palette: the input line and the matching entries.
pub fn palette(frame: &mut Frame<'_>, state: &State, area: Rect, palette: &Palette) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let hint = Line::styled(Text::PaletteHint.get(lang), theme.muted);
    let list_area = prompt_box(
        frame,
        state,
        area,
        (Text::PaletteTitle, 90, 20),
        (':', &palette.input),
        hint,
    );
    let entries = crate::app::update::palette_entries(state);
    let visible = usize::from(list_area.height);
    let first = palette.selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, entry)| {
            let style = if i == palette.selected {
                theme.selected
            } else {
                theme.text
            };
            // The description in the user's language, its key, and the name to type.
            super::fit_line(
                Line::from(vec![
                    Span::styled(super::text_pad(&entry.key, 9), style.patch(theme.key)),
                    Span::styled(
                        format!(
                            "{} {}",
                            super::text_pad(&clean(&entry.label), 40),
                            entry.description
                        ),
                        style,
                    ),
                ]),
                list_area.width,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// The search: input, status (matches, indexing progress, or what is wrong with the query) and
/// the results, with the matched characters of each title highlighted.
pub fn search(
    frame: &mut Frame<'_>,
    state: &State,
    area: Rect,
    search: &crate::app::state::Search,
) {
    use ratatui::style::Modifier;
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let status = crate::app::searching::status(state, search);
    let status_style = if search.error.is_some() {
        theme.overdue
    } else {
        theme.muted
    };
    let status = Line::styled(clean(&status).into_owned(), status_style);
    let list_area = prompt_box(
        frame,
        state,
        area,
        (Text::SearchTitle, 110, u16::MAX),
        ('/', &search.input),
        status,
    );
    let visible = usize::from(list_area.height);
    let first = search.selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = search
        .hits
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, hit)| {
            let base = if i == search.selected {
                theme.selected
            } else {
                theme.text
            };
            // Matched characters stand out in every column that matched.
            let marked = |text: &str, at: &[usize], spans: &mut Vec<Span<'static>>| {
                for (i, c) in clean(text).chars().enumerate() {
                    let style = if at.binary_search(&i).is_ok() {
                        base.patch(theme.key)
                            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                    } else {
                        base
                    };
                    spans.push(Span::styled(c.to_string(), style));
                }
            };
            let mut spans = Vec::new();
            marked(&hit.number, &hit.number_highlights, &mut spans);
            spans.push(Span::styled(
                format!(
                    " {} {} ",
                    super::text_pad(crate::domain::region::county_name_in(&hit.county, lang), 11),
                    super::text_pad(lang.pick(hit.state.zh(), hit.state.en()), 11)
                ),
                base,
            ));
            if hit.title.is_empty() {
                spans.push(Span::styled(
                    Text::Restricted.get(lang),
                    base.patch(theme.muted),
                ));
            } else {
                // Who: the petitioner's name, so that a search by name can be confirmed.
                marked(
                    &super::text_pad(&hit.petitioner, 8),
                    &hit.petitioner_highlights,
                    &mut spans,
                );
                spans.push(Span::styled(" ", base));
                marked(&hit.title, &hit.highlights, &mut spans);
            }
            super::fit_line(Line::from(spans), list_area.width)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// The step overlay: the menu of steps (refused ones greyed with their reason), then each prompt
/// with its picker options filtered by what is typed.
pub fn step(frame: &mut Frame<'_>, state: &State, area: Rect, form: &crate::app::state::StepForm) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let prompt = form.kind.and_then(|_| form.prompts.get(form.answers.len()));
    let n = form.touches();
    // Whom the step will touch, always in view: one case by number, or how many are marked.
    let whom = if form.targets.is_empty() {
        clean(&form.number).into_owned()
    } else {
        match lang {
            crate::i18n::Lang::Zh => format!("已标记 {n} 件"),
            crate::i18n::Lang::En => format!("{n} marked cases"),
        }
    };
    let status_text = match (&form.error, form.kind, prompt) {
        (Some(error), _, _) => error.clone(),
        (None, Some(kind), _) if form.confirming_bulk => match lang {
            crate::i18n::Lang::Zh => {
                format!(
                    "对以下 {n} 件执行「{}」？按 y 执行，n 返回，Esc 取消",
                    kind.zh()
                )
            }
            crate::i18n::Lang::En => format!(
                "{} on the {n} cases below? y applies, n goes back, Esc cancels",
                kind.en()
            ),
        },
        (None, None, _) => format!("{whom} · {}", Text::ChooseStep.get(lang)),
        (None, Some(kind), Some(prompt)) => format!(
            "{whom} · {} · {}",
            lang.pick(kind.zh(), kind.en()),
            prompt.label(lang)
        ),
        (None, Some(_), None) => whom,
    };
    let style = if form.error.is_some() {
        theme.overdue
    } else {
        theme.muted
    };
    let status = Line::styled(status_text, style);
    let (prompt_char, input) = if form.kind.is_none() {
        ('/', form.filter.trim_start_matches('/'))
    } else {
        ('>', form.input.as_str())
    };
    let mut list_area = prompt_box(
        frame,
        state,
        area,
        (Text::StepTitle, 100, 30),
        (prompt_char, input),
        status,
    );
    if let Some(notice) = &form.notice
        && list_area.height > 1
    {
        let [notice_area, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(list_area);
        frame.render_widget(
            Paragraph::new(clean(notice).into_owned()).style(theme.due_soon),
            notice_area,
        );
        list_area = rest;
    }
    let visible = usize::from(list_area.height);
    if form.confirming_bulk {
        let mut lines: Vec<Line> = form
            .targets
            .iter()
            .take(visible.saturating_sub(1).max(1))
            .map(|(_, label)| {
                super::fit_line(
                    Line::styled(clean(label).into_owned(), theme.text),
                    list_area.width,
                )
            })
            .collect();
        let shown = lines.len();
        if shown < form.targets.len() {
            let more = form.targets.len() - shown;
            lines.push(Line::styled(
                lang.pick(&format!("…… 另有 {more} 件"), &format!("… and {more} more"))
                    .to_string(),
                theme.muted,
            ));
        }
        frame.render_widget(Paragraph::new(lines), list_area);
        return;
    }
    let first = form.selected.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line> = match (form.kind, prompt) {
        (None, _) => crate::app::stepping::menu_entries(form, lang)
            .into_iter()
            .enumerate()
            .skip(first)
            .take(visible)
            .map(|(i, entry)| {
                let base = if i == form.selected {
                    theme.selected
                } else if entry.refusal.is_some() {
                    theme.muted
                } else {
                    theme.text
                };
                let name = lang.pick(entry.kind.zh(), entry.kind.en());
                let why = entry
                    .refusal
                    .as_deref()
                    .map(|r| format!("  — {r}"))
                    .unwrap_or_default();
                super::fit_line(Line::styled(format!("{name}{why}"), base), list_area.width)
            })
            .collect(),
        (Some(_), Some(prompt)) => crate::app::stepping::filtered(prompt, &form.input)
            .iter()
            .enumerate()
            .skip(first)
            .take(visible)
            .map(|(i, (_, label))| {
                let style = if i == form.selected {
                    theme.selected
                } else {
                    theme.text
                };
                super::fit_line(
                    Line::styled(clean(label).into_owned(), style),
                    list_area.width,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// What a bulk step did to each case.
pub fn summary(frame: &mut Frame<'_>, state: &State, area: Rect, title: &str, lines: &[String]) {
    let theme = theme::theme(state.theme);
    let (rect, block) = sheet(frame, state, area, title);
    let body: Vec<Line> = lines
        .iter()
        .map(|l| {
            Line::styled(
                clean(l).into_owned(),
                if l.starts_with('✗') {
                    theme.overdue
                } else {
                    theme.text
                },
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(body).block(block), rect);
}
