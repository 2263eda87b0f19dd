//! The step overlay's rules: open the menu for the selected case, pick a step (a refused one
//! says why instead), answer its prompts (pickers filter as you type; values are checked as they
//! are entered), confirm an irreversible one, then apply it through the store — to the selected
//! case, or to every marked one. Registering a new case uses the same form. The result (applied,
//! refused, or a conflict with another console) goes to the status bar and the screen reloads
//! with the selection kept. Pure.

use super::action::Action;
use super::state::{Effect, Msg, Overlay, State, StepForm};
use super::triage::{self, Prompt, StepKind};
use crate::i18n::Text;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
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
        Msg::StepDone { number, result } => {
            if let Ok(case) = result {
                state.last_step = Some((case.id, number.clone()));
            }
            state.status = Some(match result {
                Ok(case) => format!(
                    "{number}: {} ✓",
                    state.lang.pick(case.state.zh(), case.state.en())
                ),
                Err(failure) => failure.get(state.lang).to_string(),
            });
            super::update::reload_keeping_selection(state)
        }
        _ => return None,
    })
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

/// The step actions.
pub fn apply(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::TakeStep => open(state),
        Action::RegisterCase => open_registration(state),
        Action::PickNext | Action::PickPrevious => {
            if let Overlay::Step(form) = &mut state.overlay {
                let count = match (&form.kind, form.prompts.get(form.answers.len())) {
                    (None, _) => form.menu.len(),
                    (Some(_), Some(prompt)) => filtered(prompt, &form.input).len(),
                    _ => 0,
                };
                if count > 0 {
                    form.selected = if action == Action::PickNext {
                        (form.selected + 1).min(count - 1)
                    } else {
                        form.selected.saturating_sub(1)
                    };
                }
            }
            Vec::new()
        }
        Action::PickChoose => choose(state),
        Action::Undo => match state.last_step.take() {
            Some((id, number)) => vec![Effect::Undo {
                id,
                number,
                actor: state.user.clone(),
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
        },
        _ => Vec::new(),
    }
}

fn open(state: &mut State) -> Vec<Effect> {
    let selected = state.table.selected_row().map(|r| r.id);
    let Some(detail) = state
        .detail
        .as_ref()
        .filter(|d| Some(d.case.id) == selected || state.compact_detail)
    else {
        state.status = Some(Text::NoCaseSelected.get(state.lang).to_string());
        return Vec::new();
    };
    let case = &detail.case;
    let menu = triage::menu(
        case,
        state.clock.now(),
        &state.rules,
        state.role,
        &state.scope.region,
        state.lang,
    );
    let id = case.id;
    state.overlay = Overlay::Step(Box::new(StepForm {
        case: id,
        number: case.number.clone(),
        version: case.version,
        menu,
        kind: None,
        prompts: Vec::new(),
        answers: Vec::new(),
        input: String::new(),
        selected: 0,
        error: None,
    }));
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
        version: 0,
        menu: Vec::new(),
        kind: Some(StepKind::Register),
        prompts: triage::register_prompts(state.lang),
        answers: Vec::new(),
        input: String::new(),
        selected: 0,
        error: None,
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

fn choose(state: &mut State) -> Vec<Effect> {
    let lang = state.lang;
    let case = state.detail.as_ref().map(|d| d.case.clone());
    let (units, leaders, related) = (
        state.units.clone(),
        state.leaders.clone(),
        state.related.clone(),
    );
    let (user, scope) = (state.user.clone(), state.scope.region.clone());
    let marks = state.marks.clone();
    let Overlay::Step(form) = &mut state.overlay else {
        return Vec::new();
    };
    match form.kind {
        None => {
            let Some(case) = case.as_ref().filter(|c| c.id == form.case) else {
                return Vec::new();
            };
            let Some(entry) = form.menu.get(form.selected).cloned() else {
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
            form.kind = Some(entry.kind);
            form.prompts = triage::prompts(entry.kind, case, (&units, &leaders, &related), lang);
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
        let Some(intake) = triage::build_intake(&form.answers, state.clock.today()) else {
            form.error = Some(
                lang.pick("答案不符合要求", "an answer does not fit")
                    .to_string(),
            );
            return Vec::new();
        };
        state.overlay = Overlay::None;
        state.status = Some(format!("{} …", lang.pick(kind.zh(), kind.en())));
        return vec![Effect::Register {
            intake: Box::new(intake),
            actor: user,
        }];
    }
    let Some(case) = case.filter(|c| c.id == form.case) else {
        return Vec::new();
    };
    let Some(step) = triage::build(kind, &case, &form.answers) else {
        form.error = Some(
            lang.pick("答案不符合要求", "an answer does not fit")
                .to_string(),
        );
        return Vec::new();
    };
    let marked: Vec<_> = marks.iter().copied().collect();
    let effect = if marked.is_empty() {
        Effect::ApplyStep {
            id: form.case,
            number: form.number.clone(),
            version: form.version,
            step,
            actor: user,
        }
    } else {
        // Every marked case, each checked and applied on its own with its current version.
        Effect::ApplyBulk {
            ids: marked,
            kind,
            answers: form.answers.clone(),
            actor: user,
        }
    };
    state.overlay = Overlay::None;
    state.status = Some(format!("{} …", lang.pick(kind.zh(), kind.en())));
    vec![effect]
}

/// Typing in the step overlay: filters a picker, or fills a text or number answer.
pub fn edit(state: &mut State, event: &KeyEvent) -> Vec<Effect> {
    let Overlay::Step(form) = &mut state.overlay else {
        return Vec::new();
    };
    if form.kind.is_none() {
        return Vec::new();
    }
    let plain = !event
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match event.code {
        KeyCode::Char(c) if plain && !c.is_control() => form.input.push(c),
        KeyCode::Backspace => {
            form.input.pop();
        }
        _ => return Vec::new(),
    }
    form.selected = 0;
    Vec::new()
}
