//! Display names for things the domain names in code: steps of the history, clocks, urgency.

use crate::domain::Step;
use crate::domain::deadline::{ClockKind, Urgency};
use crate::i18n::{Lang, Text};

/// The name of a step in the history.
pub fn step(step: &Step, lang: Lang) -> &'static str {
    let (zh, en) = match step {
        Step::Register { .. } => ("登记", "registered"),
        Step::Forward { assign: true, .. } => ("交办", "assigned"),
        Step::Forward { .. } => ("转送", "forwarded"),
        Step::Object { .. } => ("单位异议", "objected"),
        Step::Accept { .. } => ("受理", "accepted"),
        Step::StartHandling => ("开始办理", "handling started"),
        Step::Decline { .. } => ("不予受理", "declined"),
        Step::Divert { .. } => ("导出", "diverted"),
        Step::Extend { .. } => ("延期", "extended"),
        Step::Reply { .. } => ("答复", "replied"),
        Step::Evaluate { .. } => ("满意度评价", "evaluated"),
        Step::RequestReview { .. } => ("申请复查", "review requested"),
        Step::DecideObjection { agree: true, .. } => ("同意异议", "objection agreed"),
        Step::DecideObjection { agree: false, .. } => ("不同意异议", "objection rejected"),
        Step::RecordDelivery { .. } => ("登记送达", "delivery recorded"),
        Step::RecordAccused { .. } => ("登记被反映人/单位", "accused party recorded"),
        Step::ReplyReview { .. } => ("复查意见", "review opinion"),
        Step::RequestReReview { .. } => ("申请复核", "re-review requested"),
        Step::RecordHearing { .. } => ("听证", "hearing"),
        Step::Finalise { .. } => ("复核终结", "finalised"),
        Step::Conclude => ("办结", "concluded"),
        Step::Supervise { on: true } => ("督办", "supervised"),
        Step::Supervise { on: false } => ("取消督办", "supervision off"),
        Step::FlagBacklog { on: true } => ("列为积案", "flagged backlog"),
        Step::FlagBacklog { on: false } => ("取消积案", "backlog flag off"),
        Step::FlagCollective { .. } => ("集体访标记", "collective flag"),
        Step::LinkRepeat { .. } => ("关联重复信访", "linked as repeat"),
        Step::Classify { .. } => ("分类", "classified"),
        Step::PackageToLeader { .. } => ("领导包案", "packaged"),
        Step::TickDuty { .. } => ("五包落实", "duty ticked"),
        Step::SignAgreement => ("签订息诉罢访协议", "agreement signed"),
        Step::AssignOwner { .. } => ("指定经办人", "owner set"),
        Step::Note { .. } => ("备注", "note"),
        Step::Undo { .. } => ("撤销上一步", "undone"),
        Step::Edit { .. } => ("更正登记信息", "registration corrected"),
        Step::Import { .. } => ("导入", "imported"),
    };
    lang.pick(zh, en)
}

/// The name of a clock in the deadline timeline.
/// An event's actor as shown: a person's login as it is; the two actors that stand for a system
/// or a unit rather than a person (`网上信访平台`, `责任单位`) in the user's language.
pub fn actor(actor: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    match (actor, lang) {
        ("网上信访平台", Lang::En) => "online platform".into(),
        ("责任单位", Lang::En) => "responsible unit".into(),
        _ => super::clean(actor),
    }
}

pub fn clock(kind: ClockKind, lang: Lang) -> &'static str {
    let (zh, en) = match kind {
        ClockKind::Dispose => ("登记后处理", "dispose"),
        ClockKind::Acceptance => ("受理告知", "acceptance"),
        ClockKind::Objection => ("异议期", "objection window"),
        ClockKind::Handling => ("办理", "handling"),
        ClockKind::InternalTarget => ("办理（内部时限）", "handling (internal target)"),
        ClockKind::ReviewWindow => ("复查申请期", "review window"),
        ClockKind::Review => ("复查", "review"),
        ClockKind::ReReviewWindow => ("复核申请期", "re-review window"),
        ClockKind::ReReview => ("复核", "re-review"),
    };
    lang.pick(zh, en)
}

/// Urgency as a symbol plus words (never colour alone): `!! 超期3天`, `! 剩2天`, `剩15天`.
pub fn urgency(urgency: Urgency, lang: Lang) -> String {
    match (urgency, lang) {
        (Urgency::Overdue { days }, Lang::Zh) => format!(
            "!! {}{days}{}",
            Text::Overdue.get(lang),
            Text::Days.get(lang)
        ),
        (Urgency::Overdue { days }, Lang::En) => format!("!! {days}d over"),
        (Urgency::DueSoon { left: 0 }, _) => format!("! {}", Text::DueToday.get(lang)),
        (Urgency::DueSoon { left }, Lang::Zh) => format!("! 剩{left}天"),
        (Urgency::DueSoon { left }, Lang::En) => format!("! {left}d left"),
        (Urgency::OnTime { left }, Lang::Zh) => format!("剩{left}天"),
        (Urgency::OnTime { left }, Lang::En) => format!("{left}d left"),
        (Urgency::NoClock, _) => "—".to_string(),
    }
}
