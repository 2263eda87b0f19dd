//! The step overlay's rules: open the menu for the case on screen (typing filters it: Chinese,
//! pinyin or English; `j`/`k` move while nothing is typed), pick a step (a refused one says why
//! instead), answer its prompts (pickers filter as you type; values are checked as they are
//! entered; Backspace on an empty answer goes back one question), confirm an irreversible one,
//! list the cases of a bulk step before its confirming key, then apply it through the store.
//!
//! A form never dies silently: it holds the case as it was opened, says when the case changes
//! underneath, and a refused or conflicting submit reopens it with every answer kept. Each
//! result says what changed (`延期15天，新期限 2026-12-30`); undo says what it took back. Pure.

use super::action::Action;
use super::state::{Effect, LastStep, Msg, Overlay, State, StepForm};
use super::triage::{self, MenuEntry, Prompt, StepKind};
use crate::domain::Case;
use crate::i18n::{Lang, Text};
use crate::keymap::{Key, KeyCodeName};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Handles the step messages; `None` for any other message.
pub fn on_msg(state: &mut State, msg: &Msg) -> Option<Vec<Effect>> {
    Some(match msg {
        Msg::ReferenceLoaded { units, leaders } => {
            state.units = units.clone();
            state.leaders = leaders.clone();
            Vec::new()
        }
        Msg::RelatedLoaded { id, cases } => {
            if state.detail.as_ref().is_some_and(|d| d.case.id == *id) {
                state.related = cases.clone();
            }
            Vec::new()
        }
        Msg::StepDone {
            number,
            undo,
            result,
        } => {
            done(state, number, *undo, result);
            super::update::reload_keeping_selection(state)
        }
        _ => return None,
    })
}

/// A step's (or an undo's) answer from the store.
fn done(
    state: &mut State,
    number: &str,
    undo: bool,
    result: &Result<Box<Case>, crate::i18n::Told>,
) {
    let lang = state.lang;
    let pending = state.pending_form.take();
    match (result, undo) {
        (Ok(case), false) => {
            let kind = pending.as_ref().and_then(|f| f.kind);
            let before = pending.as_ref().and_then(|f| f.snapshot.as_deref());
            let name = kind.map_or("", |k| lang.pick(k.zh(), k.en()));
            let change = match before {
                Some(before) => change_text(before, case, state, false),
                // A new case: its state.
                None => lang.pick(case.state.zh(), case.state.en()).to_string(),
            };
            state.status = Some(
                format!("{} {name} ✓ {change}", case.number)
                    .trim_end()
                    .to_string(),
            );
            state.last_step = kind.filter(|k| *k != StepKind::Register).map(|k| LastStep {
                id: case.id,
                number: case.number.clone(),
                step_zh: k.zh(),
                step_en: k.en(),
                after: case.clone(),
            });
            state.last_bulk.clear();
        }
        (Ok(case), true) => {
            let took = state.last_step.take();
            let (name, change) = match &took {
                Some(last) => (
                    lang.pick(last.step_zh, last.step_en),
                    change_text(&last.after, case, state, true),
                ),
                None => ("", String::new()),
            };
            let said = match (lang, change.is_empty()) {
                (Lang::Zh, _) => format!("{number} 已撤销「{name}」 {change}"),
                (Lang::En, true) => format!("{number}: undid {name}"),
                (Lang::En, false) => format!("{number}: undid {name}; {change}"),
            };
            state.status = Some(said.trim_end().to_string());
        }
        (Err(why), true) => {
            state.last_step = None;
            state.status = Some(why.get(lang).to_string());
        }
        (Err(why), false) => {
            let why = why.get(lang).to_string();
            state.status = Some(why.clone());
            if let Some(mut form) = pending {
                // Nothing is lost: the form comes back with its answers, ready for another try.
                reopen(&mut form, why);
                state.overlay = Overlay::Step(form);
            }
        }
    }
}

/// A refused form, back on screen: the last answer is open again (an irreversible step's
/// confirmation must be typed again), and after a conflict the form takes the case as it is
/// now when it arrives.
fn reopen(form: &mut StepForm, why: String) {
    form.confirming_bulk = false;
    back(form);
    form.error = Some(why);
    form.refresh = true;
}

/// What a step changed on a case, in a few words: the new state, deadline, extension, unit or
/// flags (`延期15天，新期限 2026-12-30`); for an undo (`undo`), what came back (`期限回到 …`).
pub fn change_text(before: &Case, after: &Case, state: &State, undo: bool) -> String {
    let lang = state.lang;
    let mut parts: Vec<String> = Vec::new();
    if after.extension_days != before.extension_days && !undo {
        let days = i64::from(after.extension_days) - i64::from(before.extension_days);
        parts.push(match (lang, days > 0) {
            (Lang::Zh, true) => format!("延期{days}天"),
            (Lang::En, true) => format!("extended {days} days"),
            (Lang::Zh, false) => format!("延期减少{}天", -days),
            (Lang::En, false) => format!("extension reduced by {} days", -days),
        });
    }
    if before.state != after.state {
        parts.push(format!(
            "{} → {}",
            lang.pick(before.state.zh(), before.state.en()),
            lang.pick(after.state.zh(), after.state.en())
        ));
    }
    if after.unit != before.unit
        && let Some(unit) = after.unit
    {
        let name = state
            .units
            .iter()
            .find(|u| u.id == unit)
            .map_or_else(|| unit.to_string(), |u| u.name.clone());
        parts.push(format!("{} {name}", lang.pick("责任单位", "unit")));
    }
    let due = |case: &Case| {
        crate::domain::deadline::current_clock(case, &state.rules).map(|clock| clock.due_on)
    };
    let (was, now) = (due(before), due(after));
    if was != now {
        parts.push(match (now, lang, undo) {
            (Some(day), Lang::Zh, false) => format!("新期限 {day}"),
            (Some(day), Lang::En, false) => format!("new deadline {day}"),
            (Some(day), Lang::Zh, true) => format!("期限回到 {day}"),
            (Some(day), Lang::En, true) => format!("deadline back to {day}"),
            (None, Lang::Zh, _) => "不再计时".to_string(),
            (None, Lang::En, _) => "no clock now".to_string(),
        });
    }
    let flags = [
        (before.supervised, after.supervised, "督办", "supervised"),
        (before.backlog, after.backlog, "积案", "backlog"),
        (before.collective, after.collective, "集体访", "collective"),
        (
            before.package.is_some(),
            after.package.is_some(),
            "领导包案",
            "leader package",
        ),
    ];
    for (was, now, zh, en) in flags {
        if was != now {
            let on = lang.pick("已标记", "now");
            let off = lang.pick("已取消", "no longer");
            parts.push(format!(
                "{} {}",
                if now { on } else { off },
                lang.pick(zh, en)
            ));
        }
    }
    if before.intake != after.intake {
        parts.push(
            lang.pick("登记内容已更正", "registration corrected")
                .to_string(),
        );
    }
    parts.join(lang.pick("，", ", "))
}

/// The menu entries matching the form's filter (Chinese or English name, code, pinyin), best
/// first.
pub fn menu_entries(form: &StepForm, lang: Lang) -> Vec<&MenuEntry> {
    let filter = form.filter.trim_start_matches('/').trim();
    if filter.is_empty() {
        return form.menu.iter().collect();
    }
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(i64, &MenuEntry)> = form
        .menu
        .iter()
        .filter_map(|entry| {
            let (full, initials) = crate::search::pinyin_of(entry.kind.zh());
            let haystack = format!(
                "{} {} {} {full} {initials}",
                lang.pick(entry.kind.zh(), entry.kind.en()),
                entry.kind.zh(),
                entry.kind.en(),
            );
            // The code and each name on their own as well, so a whole word ranks first.
            let best = [
                matcher.fuzzy_match(&haystack, filter),
                matcher.fuzzy_match(entry.kind.code(), filter),
                matcher.fuzzy_match(&full, filter),
            ]
            .into_iter()
            .flatten()
            .max()?;
            Some((best, entry))
        })
        .collect();
    // Best first; equal scores keep the menu's order (allowed steps first).
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    scored.into_iter().map(|(_, entry)| entry).collect()
}

/// The options of a picker prompt that match what is typed (text or pinyin), best first.
pub fn filtered(prompt: &Prompt, input: &str) -> Vec<(String, String)> {
    let Prompt::Pick { options, .. } = prompt else {
        return Vec::new();
    };
    if input.is_empty() {
        return options.clone();
    }
    let matcher = SkimMatcherV2::default();
    let mut scored: Vec<(i64, &(String, String))> = options
        .iter()
        .filter_map(|o| {
            let (full, initials) = crate::search::pinyin_of(&o.1);
            let haystack = format!("{} {} {full} {initials}", o.1, o.0);
            matcher.fuzzy_match(&haystack, input).map(|s| (s, o))
        })
        .collect();
    scored.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    scored.into_iter().map(|(_, o)| o.clone()).collect()
}

/// How many lines the current list of the form has (menu entries or picker options).
pub fn list_len(form: &StepForm, lang: Lang) -> usize {
    match (&form.kind, form.prompts.get(form.answers.len())) {
        (None, _) => menu_entries(form, lang).len(),
        (Some(_), Some(prompt)) => filtered(prompt, &form.input).len(),
        _ => 0,
    }
}

fn move_pick(form: &mut StepForm, lang: Lang, down: bool) {
    let count = list_len(form, lang);
    if count > 0 {
        form.selected = if down {
            (form.selected + 1).min(count - 1)
        } else {
            form.selected.saturating_sub(1)
        };
    }
}

/// The step actions.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    let lang = state.lang;
    match action {
        Action::TakeStep => open(state),
        Action::RegisterCase => open_registration(state),
        Action::PickNext | Action::PickPrevious => {
            if let Overlay::Step(form) = &mut state.overlay {
                move_pick(form, lang, action == Action::PickNext);
            }
            Vec::new()
        }
        Action::PickChoose => choose(state),
        Action::Undo => undo(state),
        _ => Vec::new(),
    }
}

fn undo(state: &mut State) -> Vec<Effect> {
    let actor = state.user.clone();
    if !state.last_bulk.is_empty() {
        let cases = std::mem::take(&mut state.last_bulk);
        state.status = Some(format!(
            "{} {} …",
            state.lang.pick("撤销批量步骤", "undoing the bulk step on"),
            cases.len()
        ));
        return vec![Effect::UndoBulk { cases, actor }];
    }
    match &state.last_step {
        Some(last) => vec![Effect::Undo {
            id: last.id,
            number: last.number.clone(),
            actor,
        }],
        None => {
            state.status = Some(
                state
                    .lang
                    .pick("没有可撤销的步骤", "nothing to undo")
                    .to_string(),
            );
            Vec::new()
        }
    }
}

/// The case a step would be taken on now: the detail's when it matches the selected row or is
/// what the user works on.
fn case_on_screen(state: &State) -> Option<&Case> {
    let selected = state.table.selected_row().map(|r| r.id);
    state
        .detail
        .as_ref()
        .filter(|d| Some(d.case.id) == selected || state.detail_in_view())
        .map(|d| &d.case)
}

/// The step menu for `case` now, for this user under the rules in force.
fn menu_for(state: &State, case: &Case) -> Vec<MenuEntry> {
    triage::menu(
        case,
        state.now,
        &state.rules,
        state.role,
        &state.scope.region,
        state.lang,
    )
}

/// The steps of the case on screen, each allowed (`None`) or refused with why (for the palette).
pub fn palette_steps(state: &State) -> Vec<(StepKind, Option<String>)> {
    case_on_screen(state).map_or_else(Vec::new, |case| {
        menu_for(state, case)
            .into_iter()
            .map(|e| (e.kind, e.refusal))
            .collect()
    })
}

/// Opens the step form with `kind` already chosen (from the palette).
pub fn open_with(state: &mut State, kind: StepKind) -> Vec<Effect> {
    let effects = open(state);
    if let Overlay::Step(form) = &mut state.overlay
        && let Some(at) = form.menu.iter().position(|e| e.kind == kind)
    {
        form.selected = at;
        let mut more = choose(state);
        more.extend(effects);
        return more;
    }
    effects
}

fn open(state: &mut State) -> Vec<Effect> {
    let Some(case) = case_on_screen(state) else {
        state.status = Some(Text::NoCaseSelected.get(state.lang).to_string());
        return Vec::new();
    };
    // With marks, the menu is not the cursor row's: each marked case is checked when applied.
    let menu = if state.marks.is_empty() {
        menu_for(state, case)
    } else {
        triage::bulk_menu(state.role, &state.scope.region, state.lang)
    };
    let id = case.id;
    let mut form = StepForm::for_case(case, menu);
    form.targets = state
        .marks
        .iter()
        .map(|(id, label)| (*id, label.clone()))
        .collect();
    state.overlay = Overlay::Step(Box::new(form));
    state.related.clear();
    vec![Effect::LoadRelated { id }]
}

fn open_registration(state: &mut State) -> Vec<Effect> {
    // Registration in the user's own region: refused here exactly when the store would refuse it.
    let refused = super::triage::role_refusal(
        super::triage::StepKind::Register,
        state.role,
        &state.scope.region,
        &state.scope.region,
        state.lang,
    );
    if refused.is_some() {
        state.status = Some(
            state
                .lang
                .pick("只读用户不能登记信访件", "a viewer cannot register cases")
                .to_string(),
        );
        return Vec::new();
    }
    state.overlay = Overlay::Step(Box::new(StepForm {
        case: 0,
        number: String::new(),
        menu: Vec::new(),
        kind: Some(StepKind::Register),
        prompts: triage::register_prompts(state.lang),
        answers: Vec::new(),
        input: String::new(),
        selected: 0,
        error: None,
        snapshot: None,
        notice: None,
        filter: String::new(),
        targets: Vec::new(),
        confirming_bulk: false,
        refresh: false,
    }));
    Vec::new()
}

/// Why the answer being entered is not acceptable, beyond its prompt's own rules.
fn answer_problem(
    kind: StepKind,
    answers: &[String],
    answer: &str,
    scope: &str,
    lang: crate::i18n::Lang,
) -> Option<String> {
    match kind {
        StepKind::Edit if answers.len() == 1 => {
            crate::domain::IntakeField::from_code(&answers[0])?.problem(answer)
        }
        StepKind::Register => match (answers.len(), triage::register_field(answers.len())) {
            (_, Some(field)) => field.problem(answer),
            (4, None) if !answer.starts_with(scope) => Some(
                lang.pick("该地点不在您的辖区", "that place is outside your region")
                    .to_string(),
            ),
            _ => None,
        },
        _ => None,
    }
}

/// The form's own case when the form opened (a registration has none).
fn snapshot(form: &StepForm) -> Option<&Case> {
    form.snapshot.as_deref()
}

fn choose(state: &mut State) -> Vec<Effect> {
    let lang = state.lang;
    let (units, leaders, related) = (
        state.units.clone(),
        state.leaders.clone(),
        state.related.clone(),
    );
    let (user, scope) = (state.user.clone(), state.scope.region.clone());
    let Overlay::Step(form) = &mut state.overlay else {
        return Vec::new();
    };
    if form.confirming_bulk {
        form.error = Some(
            lang.pick(
                "按 y 对以上信访件执行，Esc 取消",
                "press y to apply to the cases listed, Esc cancels",
            )
            .to_string(),
        );
        return Vec::new();
    }
    match form.kind {
        None => {
            let Some(entry) = menu_entries(form, lang)
                .get(form.selected)
                .copied()
                .cloned()
            else {
                form.error = Some(lang.pick("没有符合的步骤", "no step matches").to_string());
                return Vec::new();
            };
            if let Some(why) = entry.refusal {
                form.error = Some(why);
                return Vec::new();
            }
            if entry.kind == StepKind::LinkRepeat && related.is_empty() {
                form.error = Some(
                    lang.pick(
                        "没有同一信访人此前的信访件",
                        "no earlier case of this petitioner",
                    )
                    .to_string(),
                );
                return Vec::new();
            }
            let Some(case) = snapshot(form) else {
                return Vec::new();
            };
            let prompts = triage::prompts(entry.kind, case, (&units, &leaders, &related), lang);
            form.kind = Some(entry.kind);
            form.prompts = prompts;
            form.selected = 0;
            form.error = None;
        }
        Some(kind) => {
            let Some(prompt) = form.prompts.get(form.answers.len()) else {
                return Vec::new();
            };
            let input = form.input.trim().to_string();
            let answer = match prompt {
                Prompt::Pick { .. } => filtered(prompt, &input)
                    .get(form.selected)
                    .map(|o| o.0.clone()),
                Prompt::Text { required, .. } => (!*required || !input.is_empty()).then_some(input),
                Prompt::Number { min, max, .. } => input
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (*min..=*max).contains(n))
                    .map(|n| n.to_string()),
                Prompt::Confirm => (input == "y" || input == "Y").then_some(input),
            };
            let Some(answer) = answer else {
                form.error = Some(match prompt {
                    Prompt::Number { min, max, .. } => format!(
                        "{} {min}–{max}",
                        lang.pick("请输入整数", "type a whole number")
                    ),
                    Prompt::Confirm => lang
                        .pick("未确认，按 Esc 取消", "not confirmed; Esc cancels")
                        .to_string(),
                    _ => lang
                        .pick("请填写或选择一项", "type or choose something")
                        .to_string(),
                });
                return Vec::new();
            };
            if let Some(problem) = answer_problem(kind, &form.answers, &answer, &scope, lang) {
                form.error = Some(problem);
                return Vec::new();
            }
            form.answers.push(answer);
            form.input.clear();
            form.selected = 0;
            form.error = None;
        }
    }
    let (Some(kind), true) = (form.kind, form.answers.len() == form.prompts.len()) else {
        return Vec::new();
    };
    if kind == StepKind::Register {
        let Some(intake) = triage::build_intake(&form.answers, state.now.date()) else {
            form.error = Some(
                lang.pick("答案不符合要求", "an answer does not fit")
                    .to_string(),
            );
            return Vec::new();
        };
        return submit(
            state,
            Effect::Register {
                intake: Box::new(intake),
                actor: user,
            },
        );
    }
    if !form.targets.is_empty() {
        // A bulk step lists its cases and waits for `y`.
        form.confirming_bulk = true;
        form.error = None;
        return Vec::new();
    }
    let Some(case) = snapshot(form) else {
        return Vec::new();
    };
    let Some(step) = triage::build(kind, case, &form.answers) else {
        form.error = Some(
            lang.pick("答案不符合要求", "an answer does not fit")
                .to_string(),
        );
        return Vec::new();
    };
    let effect = Effect::ApplyStep {
        id: case.id,
        number: case.number.clone(),
        // Against the case as the user saw it: a change since is a conflict, never overwritten.
        version: case.version,
        step,
        actor: user,
    };
    submit(state, effect)
}

/// Sends the form's step and keeps the form until the store answers.
fn submit(state: &mut State, effect: Effect) -> Vec<Effect> {
    let lang = state.lang;
    let Overlay::Step(form) = std::mem::replace(&mut state.overlay, Overlay::None) else {
        return Vec::new();
    };
    if let Some(kind) = form.kind {
        state.status = Some(format!("{} …", lang.pick(kind.zh(), kind.en())));
    }
    state.pending_form = Some(form);
    vec![effect]
}

/// `y` on the bulk list: every listed case, each checked and applied on its own with its
/// current version.
fn submit_bulk(state: &mut State) -> Vec<Effect> {
    let Overlay::Step(form) = &state.overlay else {
        return Vec::new();
    };
    let Some(kind) = form.kind else {
        return Vec::new();
    };
    let effect = Effect::ApplyBulk {
        ids: form.targets.iter().map(|t| t.0).collect(),
        kind,
        answers: form.answers.clone(),
        actor: state.user.clone(),
    };
    let effects = submit(state, effect);
    // A bulk result is its own summary; the form is not reopened.
    state.pending_form = None;
    effects
}

/// Typing in the step overlay: filters the menu or a picker, or fills a text or number answer.
/// Backspace on an empty answer goes back one question (from the first, back to the menu).
pub fn edit(state: &mut State, key: &Key) -> Vec<Effect> {
    let lang = state.lang;
    let Overlay::Step(form) = &mut state.overlay else {
        return Vec::new();
    };
    let backspace = key.code == KeyCodeName::Backspace;
    if form.confirming_bulk {
        match key.text() {
            Some('y' | 'Y') => return submit_bulk(state),
            Some('n' | 'N') => back(form),
            _ if backspace => back(form),
            _ => {}
        }
        return Vec::new();
    }
    if form.kind.is_none() {
        match key.text() {
            Some(c @ ('j' | 'k')) if form.filter.is_empty() => {
                move_pick(form, lang, c == 'j');
            }
            // First and last, as in every list, while nothing is typed.
            Some('g') if form.filter.is_empty() => form.selected = 0,
            Some('G') if form.filter.is_empty() => {
                form.selected = list_len(form, lang).saturating_sub(1);
            }
            Some(c) => {
                form.filter.push(c);
                form.selected = 0;
                form.error = None;
            }
            None if backspace => {
                form.filter.pop();
                form.selected = 0;
            }
            None => {}
        }
        return Vec::new();
    }
    match key.text() {
        Some(c) => form.input.push(c),
        None if backspace && form.input.is_empty() => {
            back(form);
            return Vec::new();
        }
        None if backspace => {
            form.input.pop();
        }
        None => return Vec::new(),
    }
    form.selected = 0;
    Vec::new()
}

/// One question back: the last answer is open for editing again; before the first question of
/// a step, the menu.
fn back(form: &mut StepForm) {
    form.error = None;
    if form.confirming_bulk {
        form.confirming_bulk = false;
    }
    match form.answers.pop() {
        Some(last) => {
            let prompt = form.prompts.get(form.answers.len());
            form.selected = 0;
            form.input = match prompt {
                Some(Prompt::Text { .. } | Prompt::Number { .. }) => last,
                Some(prompt @ Prompt::Pick { .. }) => {
                    form.selected = filtered(prompt, "")
                        .iter()
                        .position(|o| o.0 == last)
                        .unwrap_or(0);
                    String::new()
                }
                _ => String::new(),
            };
        }
        None if !form.menu.is_empty() => {
            form.kind = None;
            form.prompts.clear();
            form.input.clear();
            form.selected = 0;
        }
        None => {}
    }
}

/// Pasted text in the step overlay: kept whole (newlines too) in a multi-line answer, joined
/// into one line elsewhere; a paste never submits.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    let Overlay::Step(form) = &mut state.overlay else {
        return Vec::new();
    };
    if form.confirming_bulk {
        return Vec::new();
    }
    let multiline = matches!(
        form.prompts.get(form.answers.len()),
        Some(Prompt::Text {
            multiline: true,
            ..
        })
    );
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = if multiline && form.kind.is_some() {
        text.trim_end_matches('\n').to_string()
    } else {
        text.split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Other control characters (a pasted ESC) are not kept.
    let text: String = text
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    if form.kind.is_none() {
        form.filter.push_str(&text);
    } else {
        form.input.push_str(&text);
    }
    form.selected = 0;
    Vec::new()
}

/// The case under an open form was loaded again: the form stays and says what happened. After
/// a conflict, the form takes the case as it is now, so that Enter tries again against it.
pub fn on_detail(state: &mut State) {
    let lang = state.lang;
    let detail = state.detail.as_ref();
    let Overlay::Step(form) = &mut state.overlay else {
        return;
    };
    let Some(snapshot) = form.snapshot.as_deref() else {
        return;
    };
    match detail {
        Some(detail) if detail.case.id == snapshot.id => {
            if detail.case.version == snapshot.version {
                return;
            }
            if form.refresh {
                form.refresh = false;
                form.snapshot = Some(Box::new(detail.case.clone()));
                form.notice = Some(
                    lang.pick(
                        "已载入此信访件的最新状态；您的答案保留，按 Enter 再次提交",
                        "the case as it is now is loaded; your answers are kept, Enter tries again",
                    )
                    .to_string(),
                );
                return;
            }
            let by = detail
                .events
                .last()
                .map(|e| crate::text::sanitise(&e.actor).into_owned())
                .unwrap_or_default();
            form.notice = Some(match lang {
                Lang::Zh => {
                    format!("此信访件刚被 {by} 修改：提交时将报告冲突，不会覆盖；您的答案会保留")
                }
                Lang::En => format!(
                    "{by} just changed this case: submitting will report the conflict, never \
                     overwrite it; your answers are kept"
                ),
            });
        }
        _ => {
            form.notice = Some(
                lang.pick(
                    "此信访件已不在当前列表：表单保留，按打开时的状态提交",
                    "the case left the list on screen: the form stays and submits against the \
                     case as you opened it",
                )
                .to_string(),
            );
        }
    }
}
