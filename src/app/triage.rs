//! Taking a workflow step on the selected case from the keyboard (domain.md §3): the step menu
//! (every step, with why a refused one is refused and until when), the prompts for its
//! parameters (pickers and text), a confirmation for irreversible steps, and who may take which
//! step. Pure: builds a `Step`; the loop applies it through the store.

use crate::domain::lifecycle::check;
use crate::domain::{Case, Class, DivertRoute, Duty, Outcome, Role, Rules, Satisfaction, Step};
use crate::i18n::Lang;
use crate::store::{Leader, Unit};
use chrono::NaiveDateTime;

code_enum! {
    /// The steps the menu offers, in workflow order.
    StepKind {
        Forward = ("forward", "转送/交办", "forward or assign"),
        Object = ("object", "单位异议", "object (not our remit)"),
        DecideObjection = ("decide-objection", "异议审核", "decide the unit's objection"),
        Accept = ("accept", "受理", "accept"),
        StartHandling = ("start-handling", "开始办理", "start handling"),
        Decline = ("decline", "不予受理", "decline"),
        Divert = ("divert", "导出", "divert"),
        Classify = ("classify", "分类", "classify"),
        Extend = ("extend", "延期", "extend"),
        Reply = ("reply", "答复", "reply"),
        RecordDelivery = ("record-delivery", "登记送达", "record delivery of the reply"),
        Evaluate = ("evaluate", "满意度评价", "record satisfaction"),
        RequestReview = ("request-review", "申请复查", "request review"),
        ReplyReview = ("reply-review", "复查意见", "review opinion"),
        RequestReReview = ("request-re-review", "申请复核", "request re-review"),
        RecordHearing = ("record-hearing", "听证", "record a hearing"),
        Finalise = ("finalise", "复核终结", "finalise"),
        Conclude = ("conclude", "办结", "conclude"),
        Supervise = ("supervise", "督办/取消督办", "supervise on/off"),
        FlagBacklog = ("flag-backlog", "积案标记", "backlog flag on/off"),
        FlagCollective = ("flag-collective", "集体访标记", "collective flag on/off"),
        Package = ("package", "领导包案", "package to a leader"),
        TickDuty = ("tick-duty", "五包落实", "tick a duty"),
        SignAgreement = ("sign-agreement", "息诉罢访协议", "record an agreement"),
        LinkRepeat = ("link-repeat", "关联为重复信访", "link as a repeat of an earlier case"),
        Edit = ("edit", "更正登记信息", "correct the registration"),
        RecordAccused = ("record-accused", "被反映人/单位", "record the accused person or unit"),
        Note = ("note", "备注", "add a note"),
        Register = ("register", "登记新信访件", "register a new case"),
    }
}

/// One thing a step asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Choose one of these (value, label).
    Pick {
        label_zh: &'static str,
        label_en: &'static str,
        options: Vec<(String, String)>,
    },
    /// Type text (`required`: not empty; `multiline`: a paste keeps its line breaks).
    Text {
        label_zh: &'static str,
        label_en: &'static str,
        required: bool,
        multiline: bool,
    },
    /// Type a whole number in a range.
    Number {
        label_zh: &'static str,
        label_en: &'static str,
        min: u32,
        max: u32,
    },
    /// Say yes to an irreversible step.
    Confirm,
}

impl Prompt {
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Prompt::Pick {
                label_zh, label_en, ..
            }
            | Prompt::Text {
                label_zh, label_en, ..
            }
            | Prompt::Number {
                label_zh, label_en, ..
            } => lang.pick(label_zh, label_en).to_string(),
            Prompt::Confirm => lang
                .pick(
                    "此操作不可撤销，确认执行？输入 y 确认",
                    "This cannot be undone. Type y to confirm",
                )
                .to_string(),
        }
    }
}

/// Irreversible steps, which ask for confirmation.
pub fn irreversible(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::Finalise | StepKind::Decline | StepKind::Divert
    )
}

/// Why `role` with `scope` may not take `kind` on a case in `county`, if it may not: the store's
/// own access rule (`domain::access`), asked before the menu offers the step.
pub fn role_refusal(
    kind: StepKind,
    role: Role,
    scope: &str,
    county: &str,
    lang: Lang,
) -> Option<String> {
    use crate::domain::access::{self, Action, Actor, Refusal};
    let actor = Actor {
        name: "",
        role,
        scope,
    };
    let action = match kind {
        StepKind::Register => Action::Register { county },
        _ => Action::Step {
            step: kind.code(),
            county,
        },
    };
    access::may(&actor, action).err().map(|refusal| {
        match refusal {
            Refusal::Viewer => lang.pick("只读用户不能修改信访件", "a viewer cannot change cases"),
            Refusal::OutOfScope(_) => {
                lang.pick("该信访件不在您的辖区", "the case is outside your region")
            }
            Refusal::NeedsSupervisor => lang.pick("此步骤需督办员", "this step needs a supervisor"),
            Refusal::NeedsAdmin | Refusal::NotAUser(_) => {
                lang.pick("您无权执行此步骤", "you may not take this step")
            }
        }
        .to_string()
    })
}

fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// What a step asks for, in order.
pub fn prompts(
    kind: StepKind,
    case: &Case,
    (units, leaders, related): (&[Unit], &[Leader], &[(String, String)]),
    lang: Lang,
) -> Vec<Prompt> {
    let pick = |label_zh, label_en, options| Prompt::Pick {
        label_zh,
        label_en,
        options,
    };
    // Reasons, opinions and notes: free text, several lines when pasted.
    let text = |label_zh, label_en, required| Prompt::Text {
        label_zh,
        label_en,
        required,
        multiline: true,
    };
    let line = |label_zh, label_en, required| Prompt::Text {
        label_zh,
        label_en,
        required,
        multiline: false,
    };
    let outcome = || {
        pick(
            "答复结果",
            "outcome",
            options(Outcome::ALL, Outcome::code, |o| lang.pick(o.zh(), o.en())),
        )
    };
    let mut out = match kind {
        StepKind::Forward => vec![
            pick(
                "责任单位",
                "unit",
                units
                    .iter()
                    .filter(|u| case.intake.county.starts_with(&u.region) || u.region.len() <= 4)
                    .map(|u| (u.id.to_string(), u.name.clone()))
                    .collect(),
            ),
            pick(
                "方式",
                "how",
                vec![
                    ("forward".into(), lang.pick("转送", "forward").into()),
                    (
                        "assign".into(),
                        lang.pick("交办（须报告结果）", "assign (report required)")
                            .into(),
                    ),
                ],
            ),
        ],
        StepKind::Object | StepKind::Decline => vec![text("理由", "reason", true)],
        StepKind::DecideObjection => vec![
            pick(
                "审核意见",
                "decision",
                vec![
                    (
                        "agree".into(),
                        lang.pick("同意：退回信访部门", "agree: back to the bureau")
                            .into(),
                    ),
                    (
                        "reject".into(),
                        lang.pick("不同意：单位应当受理", "reject: the unit must accept")
                            .into(),
                    ),
                ],
            ),
            text("理由", "reason", true),
        ],
        StepKind::RecordDelivery => {
            vec![line("送达日期 YYYY-MM-DD", "delivered on YYYY-MM-DD", true)]
        }
        StepKind::RecordAccused => {
            let mut choices = vec![(
                "-".to_string(),
                lang.pick("（非本系统单位）", "(not a unit here)")
                    .to_string(),
            )];
            choices.extend(units.iter().map(|u| (u.id.to_string(), u.name.clone())));
            vec![
                line("被反映人/单位", "accused person or unit", true),
                pick("被反映单位", "accused unit", choices),
            ]
        }
        StepKind::Accept => vec![pick(
            "分类",
            "class",
            options(Class::ALL, Class::code, |c| lang.pick(c.zh(), c.en())),
        )],
        StepKind::Divert => vec![
            pick(
                "导出途径",
                "route",
                options(DivertRoute::ALL, DivertRoute::code, |r| {
                    lang.pick(r.zh(), r.en())
                }),
            ),
            text("理由", "reason", true),
        ],
        StepKind::Classify => vec![
            pick(
                "分类",
                "class",
                options(Class::ALL, Class::code, |c| lang.pick(c.zh(), c.en())),
            ),
            pick(
                "内容类别",
                "category",
                options(
                    crate::domain::Category::ALL,
                    crate::domain::Category::code,
                    |c| lang.pick(c.zh(), c.en()),
                ),
            ),
        ],
        StepKind::Extend => vec![
            Prompt::Number {
                label_zh: "延期天数（累计不超过30天）",
                label_en: "days (30 in total at most)",
                min: 1,
                // What is left of Art 34's 30 days, so a longer answer is refused as it is typed.
                max: crate::domain::rules::MAX_EXTENSION_DAYS
                    .saturating_sub(case.extension_days)
                    .max(1),
            },
            text("理由", "reason", true),
        ],
        StepKind::Reply | StepKind::ReplyReview | StepKind::Finalise => {
            vec![outcome(), text("答复意见", "opinion", true)]
        }
        StepKind::Evaluate => vec![pick(
            "评价",
            "rating",
            options(Satisfaction::ALL, Satisfaction::code, |s| {
                lang.pick(s.zh(), s.en())
            }),
        )],
        StepKind::RecordHearing => vec![Prompt::Number {
            label_zh: "听证天数",
            label_en: "hearing days",
            min: 1,
            max: 60,
        }],
        StepKind::Package => vec![pick(
            "包案领导",
            "leader",
            leaders
                .iter()
                .map(|l| (l.id.to_string(), format!("{} {}", l.name, l.title)))
                .collect(),
        )],
        StepKind::TickDuty => vec![
            pick(
                "五包",
                "duty",
                options(Duty::ALL, Duty::code, |d| lang.pick(d.zh(), d.en())),
            ),
            text("落实情况", "note", false),
        ],
        StepKind::Note => vec![text("备注", "note", true)],
        StepKind::Edit => vec![
            pick(
                "字段",
                "field",
                options(
                    crate::domain::IntakeField::ALL,
                    crate::domain::IntakeField::code,
                    |f| lang.pick(f.zh(), f.en()),
                ),
            ),
            line("新内容", "new value", false),
        ],
        StepKind::LinkRepeat => vec![pick(
            "此前的信访件（同一信访人）",
            "earlier case (same petitioner)",
            related.to_vec(),
        )],
        StepKind::Register => register_prompts(lang),
        StepKind::StartHandling
        | StepKind::RequestReview
        | StepKind::RequestReReview
        | StepKind::Conclude
        | StepKind::Supervise
        | StepKind::FlagBacklog
        | StepKind::FlagCollective
        | StepKind::SignAgreement => Vec::new(),
    };
    if irreversible(kind) {
        out.push(Prompt::Confirm);
    }
    out
}

/// The step built from the answers (in prompt order); `None` if an answer does not fit.
pub fn build(kind: StepKind, case: &Case, answers: &[String]) -> Option<Step> {
    let a = |i: usize| answers.get(i).map(String::as_str).unwrap_or("");
    Some(match kind {
        StepKind::Forward => Step::Forward {
            unit: a(0).parse().ok()?,
            assign: a(1) == "assign",
        },
        StepKind::Object => Step::Object {
            reason: a(0).into(),
        },
        StepKind::DecideObjection => Step::DecideObjection {
            agree: match a(0) {
                "agree" => true,
                "reject" => false,
                _ => return None,
            },
            reason: a(1).into(),
            restart: None,
        },
        StepKind::RecordDelivery => Step::RecordDelivery {
            on: chrono::NaiveDate::parse_from_str(a(0).trim(), "%Y-%m-%d").ok()?,
        },
        StepKind::RecordAccused => Step::RecordAccused {
            name: a(0).into(),
            unit: a(1).parse().ok(),
        },
        StepKind::Accept => Step::Accept {
            class: Class::from_code(a(0))?,
        },
        StepKind::StartHandling => Step::StartHandling,
        StepKind::Decline => Step::Decline {
            reason: a(0).into(),
        },
        StepKind::Divert => Step::Divert {
            route: DivertRoute::from_code(a(0))?,
            reason: a(1).into(),
        },
        StepKind::Classify => Step::Classify {
            class: Class::from_code(a(0)),
            category: crate::domain::Category::from_code(a(1))?,
        },
        StepKind::Extend => Step::Extend {
            days: a(0).parse().ok()?,
            reason: a(1).into(),
        },
        StepKind::Reply => Step::Reply {
            outcome: Outcome::from_code(a(0))?,
            text: a(1).into(),
            delivered_on: None,
        },
        StepKind::Evaluate => Step::Evaluate {
            rating: Satisfaction::from_code(a(0))?,
        },
        StepKind::RequestReview => Step::RequestReview {
            body: String::new(),
        },
        StepKind::ReplyReview => Step::ReplyReview {
            outcome: Outcome::from_code(a(0))?,
            text: a(1).into(),
            delivered_on: None,
        },
        StepKind::RequestReReview => Step::RequestReReview {
            body: String::new(),
        },
        StepKind::RecordHearing => Step::RecordHearing {
            days: a(0).parse().ok()?,
        },
        StepKind::Finalise => Step::Finalise {
            outcome: Outcome::from_code(a(0))?,
            text: a(1).into(),
        },
        StepKind::Conclude => Step::Conclude,
        StepKind::Supervise => Step::Supervise {
            on: !case.supervised,
        },
        StepKind::FlagBacklog => Step::FlagBacklog { on: !case.backlog },
        StepKind::FlagCollective => Step::FlagCollective {
            on: !case.collective,
        },
        StepKind::Package => Step::PackageToLeader {
            leader: a(0).parse().ok()?,
        },
        StepKind::TickDuty => Step::TickDuty {
            duty: Duty::from_code(a(0))?,
            note: a(1).into(),
        },
        StepKind::SignAgreement => Step::SignAgreement,
        StepKind::Note => Step::Note { text: a(0).into() },
        StepKind::Edit => {
            let field = crate::domain::IntakeField::from_code(a(0))?;
            Step::Edit {
                field,
                from: field.get(&case.intake).to_string(),
                to: a(1).into(),
            }
        }
        StepKind::LinkRepeat => Step::LinkRepeat {
            of: a(0).parse().ok()?,
            of_final: false,
        },
        StepKind::Register => return None,
    })
}

/// The prompts of a new registration (登记): title, summary, channel, category, place,
/// petitioner, ID number and phone (checked), address, people.
pub fn register_prompts(lang: Lang) -> Vec<Prompt> {
    let places: Vec<(String, String)> = crate::domain::region::COUNTIES
        .iter()
        .flat_map(|county| {
            crate::domain::region::townships(county)
                .into_iter()
                .map(move |t| (t.code.clone(), format!("{}{}", county.name, t.name)))
        })
        .collect();
    vec![
        Prompt::Text {
            label_zh: "标题",
            label_en: "title",
            required: true,
            multiline: false,
        },
        Prompt::Text {
            label_zh: "摘要",
            label_en: "summary",
            required: true,
            multiline: true,
        },
        Prompt::Pick {
            label_zh: "渠道",
            label_en: "channel",
            options: options(
                crate::domain::Channel::ALL,
                crate::domain::Channel::code,
                |c| lang.pick(c.zh(), c.en()),
            ),
        },
        Prompt::Pick {
            label_zh: "内容类别",
            label_en: "category",
            options: options(
                crate::domain::Category::ALL,
                crate::domain::Category::code,
                |c| lang.pick(c.zh(), c.en()),
            ),
        },
        Prompt::Pick {
            label_zh: "乡镇/街道",
            label_en: "township",
            options: places,
        },
        Prompt::Text {
            label_zh: "信访人姓名",
            label_en: "petitioner's name",
            required: true,
            multiline: false,
        },
        Prompt::Text {
            label_zh: "身份证号（可空）",
            label_en: "ID number (may be empty)",
            required: false,
            multiline: false,
        },
        Prompt::Text {
            label_zh: "电话（可空）",
            label_en: "phone (may be empty)",
            required: false,
            multiline: false,
        },
        Prompt::Text {
            label_zh: "地址（可空）",
            label_en: "address (may be empty)",
            required: false,
            multiline: false,
        },
        Prompt::Number {
            label_zh: "信访人数",
            label_en: "people",
            min: 1,
            max: 10_000,
        },
    ]
}

/// The registration field an answer of the registration form is, for checking it as typed.
pub fn register_field(answer_index: usize) -> Option<crate::domain::IntakeField> {
    match answer_index {
        6 => Some(crate::domain::IntakeField::IdNumber),
        7 => Some(crate::domain::IntakeField::Phone),
        _ => None,
    }
}

/// The intake built from the registration form's answers, received on `today`.
pub fn build_intake(answers: &[String], today: chrono::NaiveDate) -> Option<crate::domain::Intake> {
    let a = |i: usize| answers.get(i).cloned().unwrap_or_default();
    let township = a(4);
    let persons: u32 = a(9).parse().ok()?;
    Some(crate::domain::Intake {
        title: a(0),
        summary: a(1),
        channel: crate::domain::Channel::from_code(&a(2))?,
        category: crate::domain::Category::from_code(&a(3)),
        county: township.get(..6)?.to_string(),
        township,
        petitioner: crate::domain::Petitioner {
            name: a(5),
            id_number: a(6),
            phone: a(7),
            address: a(8),
        },
        persons,
        involved: persons,
        accused: String::new(),
        accused_unit: None,
        threat: false,
        urgent: false,
        received_on: today,
    })
}

/// A stand-in step of the kind, with placeholder answers, to ask the rules whether the kind is
/// possible now.
fn probe(kind: StepKind, case: &Case) -> Option<Step> {
    let answers: Vec<String> = match kind {
        StepKind::Forward => vec!["1".into(), "forward".into()],
        StepKind::DecideObjection => vec!["agree".into(), "—".into()],
        StepKind::RecordDelivery => {
            let replied = match case.state {
                crate::domain::State::ReviewReplied => case.dates.review_replied_on,
                _ => case.dates.replied_on,
            };
            // Any date lets the rules answer for a case with no reply yet (they refuse it).
            vec![replied.map_or_else(|| "2000-01-01".to_string(), |d| d.to_string())]
        }
        StepKind::RecordAccused => vec!["—".into(), "-".into()],
        StepKind::Accept => vec!["demand".into()],
        StepKind::Divert => vec!["litigation".into(), "—".into()],
        StepKind::Classify => vec!["demand".into(), "other".into()],
        StepKind::Extend => vec!["1".into(), "—".into()],
        StepKind::Reply | StepKind::ReplyReview | StepKind::Finalise => {
            vec!["explained".into(), "—".into()]
        }
        StepKind::Evaluate => vec!["satisfied".into()],
        StepKind::RecordHearing => vec!["1".into()],
        StepKind::Package => vec!["1".into()],
        StepKind::TickDuty => vec!["know-situation".into(), "—".into()],
        StepKind::Edit => vec!["title".into(), "—".into()],
        StepKind::LinkRepeat => vec![(case.id - 1).max(1).to_string()],
        _ => vec!["—".into()],
    };
    build(kind, case, &answers)
}

/// One line of the step menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub kind: StepKind,
    /// Why it cannot be taken now (the rules or the user's role), if it cannot.
    pub refusal: Option<String>,
}

/// The step menu for `case` seen at `now`: every step, allowed ones first.
pub fn menu(
    case: &Case,
    now: NaiveDateTime,
    rules: &Rules,
    role: Role,
    scope: &str,
    lang: Lang,
) -> Vec<MenuEntry> {
    let mut entries: Vec<MenuEntry> = StepKind::ALL
        .iter()
        .filter(|kind| **kind != StepKind::Register)
        .map(|kind| {
            let refusal =
                role_refusal(*kind, role, scope, &case.intake.county, lang).or_else(|| {
                    let step = probe(*kind, case)?;
                    check(case, &step, now, rules)
                        .err()
                        .map(|e| e.describe(lang))
                });
            MenuEntry {
                kind: *kind,
                refusal,
            }
        })
        .collect();
    entries.sort_by_key(|e| e.refusal.is_some());
    entries
}

/// The step menu for marked cases: every step the user's role allows. The rules are checked on
/// each case when the step is applied, and the summary says which cases refused it and why.
pub fn bulk_menu(role: Role, scope: &str, lang: Lang) -> Vec<MenuEntry> {
    let mut entries: Vec<MenuEntry> = StepKind::ALL
        .iter()
        .filter(|kind| **kind != StepKind::Register)
        .map(|kind| MenuEntry {
            kind: *kind,
            refusal: role_refusal(*kind, role, scope, scope, lang),
        })
        .collect();
    entries.sort_by_key(|e| e.refusal.is_some());
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Channel, Intake, Petitioner};
    use chrono::NaiveDate;

    fn case() -> Case {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        Case::registered(
            1,
            "NX-2026-000001".into(),
            Intake {
                title: "t".into(),
                summary: "s".into(),
                channel: Channel::Visit,
                category: Some(Category::UnpaidWages),
                county: "640106".into(),
                township: "640106001".into(),
                petitioner: Petitioner::default(),
                persons: 1,
                involved: 1,
                threat: false,
                urgent: false,
                received_on: day,
                accused: String::new(),
                accused_unit: None,
            },
        )
    }

    fn at(day: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn every_step_a_registered_case_cannot_take_is_refused_with_a_reason() {
        let c = case();
        let entries = menu(
            &c,
            at(2),
            &Rules::default(),
            Role::Supervisor,
            "64",
            Lang::En,
        );
        for kind in [
            StepKind::RecordDelivery,
            StepKind::DecideObjection,
            StepKind::Object,
            StepKind::Reply,
        ] {
            let entry = entries.iter().find(|e| e.kind == kind).expect("listed");
            assert!(entry.refusal.is_some(), "{kind:?} must be refused");
        }
    }

    #[test]
    fn the_menu_offers_what_the_rules_allow_and_explains_the_rest() {
        let menu = menu(
            &case(),
            at(2),
            &Rules::default(),
            Role::Supervisor,
            "64",
            Lang::En,
        );
        let allowed: Vec<StepKind> = menu
            .iter()
            .filter(|e| e.refusal.is_none())
            .map(|e| e.kind)
            .collect();
        assert!(
            allowed.contains(&StepKind::Forward)
                && allowed.contains(&StepKind::Decline)
                && allowed.contains(&StepKind::Note)
        );
        assert!(!allowed.contains(&StepKind::Accept));
        let accept = menu
            .iter()
            .find(|e| e.kind == StepKind::Accept)
            .and_then(|e| e.refusal.clone());
        assert_eq!(
            accept.as_deref(),
            Some("cannot accept a case that is registered")
        );
    }

    #[test]
    fn refusals_are_told_in_the_users_language() {
        let menu = menu(
            &case(),
            at(2),
            &Rules::default(),
            Role::Supervisor,
            "64",
            Lang::Zh,
        );
        let accept = menu
            .iter()
            .find(|e| e.kind == StepKind::Accept)
            .and_then(|e| e.refusal.clone());
        assert_eq!(
            accept.as_deref(),
            Some("信访件当前为「已登记」，不能执行「受理」")
        );
        let failure = crate::store::StoreError::Conflict {
            number: "NX-2026-000001".into(),
            by: "li.na".into(),
            at: "2026-11-24 18:00:00".into(),
        };
        assert_eq!(
            failure.told().get(Lang::Zh),
            "NX-2026-000001 已被 li.na 于 2026-11-24 18:00:00 修改；已重新加载，未覆盖任何内容"
        );
    }

    #[test]
    fn roles_limit_the_steps() {
        let c = case();
        assert!(role_refusal(StepKind::Note, Role::Viewer, "64", "640106", Lang::En).is_some());
        assert!(
            role_refusal(
                StepKind::Forward,
                Role::Operator,
                "6401",
                "640106",
                Lang::En
            )
            .is_none()
        );
        assert!(
            role_refusal(
                StepKind::Forward,
                Role::Operator,
                "6402",
                "640106",
                Lang::En
            )
            .is_some()
        );
        assert!(
            role_refusal(
                StepKind::Supervise,
                Role::Operator,
                "64",
                "640106",
                Lang::En
            )
            .is_some()
        );
        assert!(
            role_refusal(
                StepKind::Supervise,
                Role::Supervisor,
                "64",
                "640106",
                Lang::En
            )
            .is_none()
        );
        let viewer = menu(&c, at(2), &Rules::default(), Role::Viewer, "64", Lang::En);
        assert!(viewer.iter().all(|e| e.refusal.is_some()));
    }

    #[test]
    fn answers_build_steps_and_irreversible_steps_confirm() {
        let c = case();
        assert_eq!(
            build(StepKind::Forward, &c, &["7".into(), "assign".into()]),
            Some(Step::Forward {
                unit: 7,
                assign: true
            })
        );
        assert_eq!(
            build(StepKind::Extend, &c, &["40x".into(), "r".into()]),
            None
        );
        assert_eq!(
            build(StepKind::Supervise, &c, &[]),
            Some(Step::Supervise { on: true })
        );
        assert_eq!(
            prompts(StepKind::Decline, &c, (&[], &[], &[]), Lang::En).last(),
            Some(&Prompt::Confirm)
        );
        assert!(
            !prompts(StepKind::Reply, &c, (&[], &[], &[]), Lang::En).contains(&Prompt::Confirm)
        );
    }
}
