//! The detail pane: summary, flags, petitioner (masked by role), the deadline timeline, the
//! responsible unit, the packaged leader with the five duties, and the full event history.

use super::{clean, labels, mask, pane, theme};
use crate::app::state::{Focus, State};
use crate::domain::deadline::{self, classify};
use crate::domain::{Duty, region};
use crate::i18n::{Lang, Text};
use crate::store::CaseDetail;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// How far the detail can scroll on a screen `width` columns wide: its wrapped lines less one
/// screenful, so scrolling stops at the last line instead of running into blank space.
pub fn max_scroll(state: &State, width: u16, height: u16) -> u16 {
    let Some(detail) = &state.detail else {
        return 0;
    };
    let width = usize::from(width.max(1));
    let rows: usize = lines(detail, state)
        .iter()
        .map(|l| l.width().div_ceil(width).max(1))
        .sum();
    rows.saturating_sub(usize::from(height))
        .min(usize::from(u16::MAX)) as u16
}

pub fn draw(frame: &mut Frame<'_>, state: &State, area: Rect) {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let block = pane(
        Text::Detail.get(lang).to_string(),
        state.focus == Focus::Detail,
        state,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(detail) = &state.detail else {
        frame.render_widget(
            Paragraph::new(Text::NoCaseSelected.get(lang)).style(theme.muted),
            inner,
        );
        return;
    };
    let lines = lines(detail, state);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll, 0)),
        inner,
    );
}

fn heading(text: Text, lang: Lang, style: Style) -> Line<'static> {
    Line::from(Span::styled(format!("▌{}", text.get(lang)), style))
}

fn lines(detail: &CaseDetail, state: &State) -> Vec<Line<'static>> {
    let lang = state.lang;
    let theme = theme::theme(state.theme);
    let case = &detail.case;
    let intake = &case.intake;
    let content = mask::may_see_content(
        case.is_confidential(),
        state.role,
        &state.scope.region,
        &intake.county,
    );
    let personal =
        content && mask::may_see_personal(state.role, &state.scope.region, &intake.county);
    let mut out = Vec::new();
    let place = match lang {
        crate::i18n::Lang::Zh => format!(
            "{}{}",
            region::name_of(&intake.county).unwrap_or_default(),
            region::name_of(&intake.township).unwrap_or_default()
        ),
        // The township's English name starts with its county's.
        crate::i18n::Lang::En => region::name_in(&intake.township, lang)
            .or_else(|| region::name_in(&intake.county, lang))
            .unwrap_or_default(),
    };
    out.push(Line::from(vec![
        Span::styled(clean(&case.number).into_owned(), theme.title),
        Span::raw(format!(
            "  {}  {}",
            lang.pick(case.state.zh(), case.state.en()),
            intake.received_on
        )),
    ]));
    let title = if content {
        clean(&intake.title).into_owned()
    } else {
        Text::Restricted.get(lang).to_string()
    };
    out.push(Line::from(Span::styled(title, theme.header)));
    out.push(Line::from(format!(
        "{} · {} · {}",
        place,
        lang.pick(intake.channel.zh(), intake.channel.en()),
        intake.category.map_or("—", |c| lang.pick(c.zh(), c.en()))
    )));
    out.push(heading(Text::Summary, lang, theme.header));
    if content {
        out.push(Line::from(clean(&intake.summary).into_owned()));
    } else {
        out.push(Line::from(Span::styled(
            Text::Restricted.get(lang),
            theme.muted,
        )));
    }
    out.push(heading(Text::Flags, lang, theme.header));
    let mut flags = Vec::new();
    for (on, text) in [
        (case.supervised, Text::FlagSupervised),
        (case.backlog, Text::FlagBacklog),
        (case.collective, Text::FlagCollective),
        (case.repeat_of.is_some(), Text::FlagRepeat),
        (intake.threat, Text::FlagThreat),
        (intake.urgent, Text::FlagUrgent),
        (case.package.is_some(), Text::FlagPackaged),
    ] {
        if on {
            flags.push(text.get(lang));
        }
    }
    out.push(Line::from(if flags.is_empty() {
        Text::NoFlags.get(lang).to_string()
    } else {
        flags.join("  ")
    }));
    let class = case.class.map_or("—", |c| lang.pick(c.zh(), c.en()));
    let unit = detail
        .unit
        .as_ref()
        .map_or("—".to_string(), |u| clean(&u.name).into_owned());
    out.push(Line::from(format!(
        "{}: {unit}   {}: {class}",
        Text::Unit.get(lang),
        Text::Class.get(lang)
    )));
    if case.extension_days > 0 {
        out.push(Line::from(format!(
            "{} {}/{}",
            lang.pick("已延期（天，累计/上限）", "extended (days used/limit)"),
            case.extension_days,
            crate::domain::rules::MAX_EXTENSION_DAYS
        )));
    }
    if let Some(on) = case.dates.objection_on {
        out.push(Line::from(Span::styled(
            format!(
                "{} {on}",
                lang.pick(
                    "单位异议待信访部门审核，提出于",
                    "unit's objection awaiting the bureau, lodged"
                )
            ),
            theme.due_soon,
        )));
    } else if case.objection_rejected && case.state == crate::domain::State::Forwarded {
        out.push(Line::from(Span::styled(
            lang.pick(
                "异议未获同意：单位应当受理（第二十三条）",
                "objection rejected: the unit must accept (Art 23)",
            )
            .to_string(),
            theme.due_soon,
        )));
    }
    if let Some(body) = &case.review_body {
        let name = region::name_in(body, lang).unwrap_or_else(|| body.clone());
        out.push(Line::from(format!(
            "{}: {}",
            lang.pick("复查/复核机关所在", "review body at"),
            clean(&name)
        )));
    }
    if content && !intake.accused.is_empty() {
        out.push(Line::from(Span::styled(
            format!(
                "{}: {}",
                lang.pick("被反映人/单位（保密）", "Accused (confidential)"),
                clean(&intake.accused)
            ),
            theme.due_soon,
        )));
    }
    out.push(heading(Text::Petitioner, lang, theme.header));
    if content {
        let p = &intake.petitioner;
        let (id, phone, address) = if personal {
            (p.id_number.clone(), p.phone.clone(), p.address.clone())
        } else {
            (
                mask::id_number(&p.id_number),
                mask::phone(&p.phone),
                mask::address(&p.address),
            )
        };
        out.push(Line::from(
            clean(&format!("{}  {id}  {phone}", p.name)).into_owned(),
        ));
        out.push(Line::from(
            clean(&format!(
                "{address}  {}: {}/{}",
                Text::Persons.get(lang),
                intake.persons,
                intake.involved
            ))
            .into_owned(),
        ));
    } else {
        out.push(Line::from(Span::styled(
            Text::Masked.get(lang),
            theme.muted,
        )));
    }
    out.push(heading(Text::Deadlines, lang, theme.header));
    let rules = &state.rules;
    let current = deadline::current_clock(case, rules);
    for clock in deadline::timeline(case, rules) {
        let running =
            current.is_some_and(|c| c.kind == clock.kind && c.started_on == clock.started_on);
        let mut text = format!(
            "{} {} → {} ({})",
            labels::clock(clock.kind, lang),
            clock.started_on,
            clock.due_on,
            if clock.kind.is_statutory() {
                clock.kind.article()
            } else {
                lang.pick("非法定", "not statutory")
            }
        );
        let mut style = theme.muted;
        if running {
            if clock.kind.is_duty() {
                let urgency = classify(clock.due_on, state.scope.today, state.due_soon_days);
                text.push_str(&format!("  {}", labels::urgency(urgency, lang)));
                style = match urgency {
                    deadline::Urgency::Overdue { .. } => theme.overdue,
                    deadline::Urgency::DueSoon { .. } => theme.due_soon,
                    _ => theme.on_time,
                };
            } else {
                let left = crate::domain::calendar::days_between(state.scope.today, clock.due_on);
                let open = match (left >= 0, lang) {
                    (true, crate::i18n::Lang::Zh) => format!("尚余{left}天"),
                    (true, crate::i18n::Lang::En) => format!("open, {left}d left"),
                    (false, _) => lang.pick("已届满", "closed").to_string(),
                };
                text.push_str(&format!("  {} {open}", Text::Window.get(lang)));
                style = theme.text;
            }
        }
        out.push(Line::from(Span::styled(text, style)));
    }
    out.push(heading(Text::LeaderPackage, lang, theme.header));
    match (&case.package, &detail.leader) {
        (Some(package), leader) => {
            let who = leader.as_ref().map_or("—".to_string(), |l| {
                format!("{} {}", clean(&l.name), clean(&l.title))
            });
            out.push(Line::from(format!("{who}  {}", package.packaged_on)));
            for duty in Duty::ALL {
                let (mark, when) = match package.duty(*duty) {
                    Some(record) => ("[x]", record.done_on.to_string()),
                    None => ("[ ]", String::new()),
                };
                out.push(Line::from(format!(
                    "{mark} {} {when}",
                    lang.pick(duty.zh(), duty.en())
                )));
            }
        }
        (None, _) => out.push(Line::from(Span::styled(
            Text::NotPackaged.get(lang),
            theme.muted,
        ))),
    }
    out.push(heading(Text::History, lang, theme.header));
    // One step: when, who, what, and a note's words where the content may be read (Art 30).
    let step_line = |at: chrono::NaiveDateTime, actor: &str, step: &crate::domain::Step| {
        let words = match step {
            crate::domain::Step::Note { text } if content => format!("：{}", clean(text)),
            _ => String::new(),
        };
        format!(
            "{} {} {}{words}",
            at.format("%Y-%m-%d %H:%M"),
            labels::actor(actor, lang),
            labels::step(step, lang)
        )
    };
    for event in &detail.events {
        let to = event.to_state.map_or("", |s| lang.pick(s.zh(), s.en()));
        let line = step_line(event.at, &event.actor, &event.step);
        // An imported case: who imported it from where, then the steps it came with.
        if let crate::domain::Step::Import { source, history } = &event.step {
            out.push(Line::from(format!("{line} {} → {to}", clean(source))));
            for step in history {
                let inner = step_line(step.at, &step.actor, &step.step);
                out.push(Line::from(format!("  {inner}")));
            }
        } else {
            out.push(Line::from(format!("{line} → {to}")));
        }
    }
    out
}
