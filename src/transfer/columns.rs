//! The columns of import and export files: an English snake_case name, the Chinese header
//! accepted as an alias (and written by `--lang zh`), and how coded values are spelled.
//!
//! Every coded field accepts its code (`unpaid-wages`), its Chinese label (`劳动保障·拖欠农民工工资`,
//! or either half of a label with `·`) and its English label.

code_enum! {
    /// One column of an import or export file, in the order an export writes them.
    Column {
        Number = ("number", "编号", "case number"),
        ReceivedOn = ("received_on", "登记日期", "received on"),
        Channel = ("channel", "信访形式", "channel"),
        County = ("county", "县区", "county"),
        Township = ("township", "乡镇", "township"),
        Category = ("category", "内容分类", "category"),
        Title = ("title", "标题", "title"),
        Summary = ("summary", "摘要", "summary"),
        Petitioner = ("petitioner", "信访人", "petitioner"),
        IdNumber = ("id_number", "身份证号", "ID number"),
        Phone = ("phone", "联系电话", "phone"),
        Address = ("address", "地址", "address"),
        Persons = ("persons", "信访人数", "persons"),
        Involved = ("involved", "涉及人数", "people involved"),
        Threat = ("threat", "扬言", "threat"),
        Urgent = ("urgent", "重大紧急", "urgent"),
        Accused = ("accused", "被反映人", "accused"),
        AccusedUnit = ("accused_unit", "被反映单位", "accused unit"),
        State = ("state", "状态", "state"),
        Class = ("class", "信访类别", "class"),
        Unit = ("unit", "责任单位", "responsible unit"),
        Assigned = ("assigned", "交办", "assigned"),
        ForwardedOn = ("forwarded_on", "转送日期", "forwarded on"),
        AcceptedOn = ("accepted_on", "受理日期", "accepted on"),
        HandlingOn = ("handling_on", "开始办理日期", "handling started on"),
        DeclinedOn = ("declined_on", "不予受理日期", "declined on"),
        DeclineReason = ("decline_reason", "不予受理理由", "decline reason"),
        DivertedOn = ("diverted_on", "导出日期", "diverted on"),
        DivertRoute = ("divert_route", "导出途径", "divert route"),
        DivertReason = ("divert_reason", "导出理由", "divert reason"),
        ExtendedOn = ("extended_on", "延期日期", "extended on"),
        ExtensionDays = ("extension_days", "延期天数", "extension days"),
        ExtensionReason = ("extension_reason", "延期理由", "extension reason"),
        RepliedOn = ("replied_on", "答复日期", "replied on"),
        Outcome = ("outcome", "答复结果", "outcome"),
        Reply = ("reply", "答复内容", "reply"),
        DeliveredOn = ("delivered_on", "送达日期", "delivered on"),
        EvaluatedOn = ("evaluated_on", "评价日期", "evaluated on"),
        Satisfaction = ("satisfaction", "满意度", "satisfaction"),
        ReviewRequestedOn = ("review_requested_on", "申请复查日期", "review requested on"),
        ReviewRepliedOn = ("review_replied_on", "复查意见日期", "review replied on"),
        ReviewOutcome = ("review_outcome", "复查结果", "review outcome"),
        ReviewReply = ("review_reply", "复查意见", "review opinion"),
        ReviewDeliveredOn = ("review_delivered_on", "复查送达日期", "review delivered on"),
        ReviewEvaluatedOn = ("review_evaluated_on", "复查评价日期", "review evaluated on"),
        ReviewSatisfaction = ("review_satisfaction", "复查满意度", "review satisfaction"),
        ReReviewRequestedOn = ("re_review_requested_on", "申请复核日期", "re-review requested on"),
        HearingDays = ("hearing_days", "听证天数", "hearing days"),
        FinalisedOn = ("finalised_on", "复核终结日期", "finalised on"),
        FinalOutcome = ("final_outcome", "复核结果", "re-review outcome"),
        FinalReply = ("final_reply", "复核意见", "re-review opinion"),
        ConcludedOn = ("concluded_on", "办结日期", "concluded on"),
        Supervised = ("supervised", "督办", "supervised"),
        Backlog = ("backlog", "积案", "backlog"),
        Collective = ("collective", "集体访", "collective"),
        Leader = ("leader", "包案领导", "packaging leader"),
        PackagedOn = ("packaged_on", "包案日期", "packaged on"),
        RepeatOf = ("repeat_of", "重复信访原件编号", "repeat of"),
        Owner = ("owner", "经办人", "owner"),
        DueOn = ("due_on", "办理期限", "due on"),
        History = ("history", "办理记录", "history"),
    }
}

/// Further Chinese headers other systems use for a column.
fn aliases(column: Column) -> &'static [&'static str] {
    match column {
        Column::Number => &["信访件编号", "件号"],
        Column::ReceivedOn => &["信访日期", "登记时间"],
        Column::County => &["县（市、区）", "县(市、区)", "区县"],
        Column::Township => &["乡镇（街道）", "乡镇(街道)", "街道"],
        Column::Title => &["事项标题"],
        Column::Summary => &["主要内容", "诉求内容"],
        Column::Petitioner => &["信访人姓名", "姓名"],
        Column::IdNumber => &["证件号码", "身份证号码"],
        Column::Phone => &["电话", "手机号"],
        Column::Address => &["住址", "联系地址"],
        Column::State => &["办理状态"],
        Column::Unit => &["承办单位"],
        _ => &[],
    }
}

/// The column a header names: the English name (any case, `-` for `_`), the Chinese header or
/// one of its aliases; surrounding spaces and a byte-order mark are ignored.
pub fn from_header(header: &str) -> Option<Column> {
    let header = header.trim_start_matches('\u{feff}').trim();
    let english = header.to_ascii_lowercase().replace(['-', ' '], "_");
    Column::ALL
        .iter()
        .copied()
        .find(|c| c.code() == english || c.zh() == header || aliases(*c).contains(&header))
}

/// The columns an import cannot do without.
pub const REQUIRED: [Column; 4] = [
    Column::ReceivedOn,
    Column::Channel,
    Column::County,
    Column::Title,
];

/// The header of `column` in `lang`: the English name or the Chinese header.
pub fn header(column: Column, lang: crate::i18n::Lang) -> &'static str {
    lang.pick(column.zh(), column.code())
}

/// Parses a coded value: its code, Chinese or English label, or either half of a Chinese label
/// written `A·B`.
pub fn coded<T: Copy>(
    text: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    zh: impl Fn(T) -> &'static str,
    en: impl Fn(T) -> &'static str,
) -> Option<T> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    all.iter().copied().find(|v| {
        code(*v) == lower
            || code(*v).replace('-', "_") == lower
            || zh(*v) == text
            || en(*v).eq_ignore_ascii_case(text)
            || zh(*v).split(['·', '/']).any(|part| part == text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_in_either_language() {
        assert_eq!(from_header("received_on"), Some(Column::ReceivedOn));
        assert_eq!(from_header("\u{feff}编号"), Some(Column::Number));
        assert_eq!(from_header(" Received-On "), Some(Column::ReceivedOn));
        assert_eq!(from_header("信访人姓名"), Some(Column::Petitioner));
        assert_eq!(from_header("colour"), None);
        // No two columns answer to the same header.
        for a in Column::ALL {
            for b in Column::ALL {
                if a != b {
                    assert_ne!(a.zh(), b.zh());
                    assert!(!aliases(*b).contains(&a.zh()), "{a} and {b}");
                }
            }
        }
    }

    #[test]
    fn coded_values_accept_codes_and_labels() {
        use crate::domain::Category;
        let parse = |t: &str| coded(t, Category::ALL, Category::code, Category::zh, Category::en);
        assert_eq!(parse("unpaid-wages"), Some(Category::UnpaidWages));
        assert_eq!(parse("unpaid_wages"), Some(Category::UnpaidWages));
        assert_eq!(
            parse("劳动保障·拖欠农民工工资"),
            Some(Category::UnpaidWages)
        );
        assert_eq!(parse("拖欠农民工工资"), Some(Category::UnpaidWages));
        assert_eq!(parse("Unpaid migrant wages"), Some(Category::UnpaidWages));
        assert_eq!(parse("wages"), None);
    }
}
