//! Every fixed string the console shows, in Chinese (zh-CN) and English. The language follows
//! `LANG` (or `LC_ALL`, `LC_MESSAGES`) unless `--lang` says otherwise. Domain names (states,
//! categories, …) carry their own `zh`/`en`. Pure data.

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language of the environment: Chinese when the locale starts with `zh`.
    pub fn from_env() -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Parses `zh` or `en`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" | "zh-CN" | "zh_CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the Chinese or English form.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A message that arrived in both languages (a store error, say), shown in whichever the screen
/// is in when it is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Told {
    pub zh: String,
    pub en: String,
}

impl Told {
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

macro_rules! texts {
    ($( $variant:ident = ($zh:literal, $en:literal) ),+ $(,)?) => {
        /// A fixed UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $( $variant ),+ }

        impl Text {
            /// Every string, for completeness tests.
            pub const ALL: &'static [Text] = &[ $( Text::$variant ),+ ];

            /// The string in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Text::$variant, Lang::Zh) => $zh, (Text::$variant, Lang::En) => $en, )+
                }
            }
        }
    };
}

texts! {
    Queues = ("队列", "Queues"),
    Cases = ("信访件", "Cases"),
    Detail = ("详情", "Detail"),
    ColNumber = ("编号", "Number"),
    ColReceived = ("收件", "Received"),
    ColChannel = ("渠道", "Channel"),
    ColCounty = ("县区", "County"),
    ColCategory = ("类别", "Category"),
    ColTitle = ("标题", "Title"),
    ColState = ("状态", "State"),
    ColDaysLeft = ("时限", "Due"),
    Summary = ("摘要", "Summary"),
    Flags = ("标记", "Flags"),
    Petitioner = ("信访人", "Petitioner"),
    Deadlines = ("时限", "Deadlines"),
    LeaderPackage = ("领导包案", "Leader package"),
    FiveDuties = ("五包", "Five duties"),
    History = ("办理记录", "History"),
    Unit = ("责任单位", "Unit"),
    Class = ("分类", "Class"),
    Persons = ("人数", "People"),
    NotPackaged = ("未包案", "not packaged"),
    NoFlags = ("无", "none"),
    FlagSupervised = ("督办", "supervised"),
    FlagBacklog = ("积案", "backlog"),
    FlagCollective = ("集体访", "collective"),
    FlagRepeat = ("重复信访", "repeat"),
    FlagThreat = ("扬言", "threat"),
    FlagUrgent = ("重大紧急", "urgent"),
    FlagPackaged = ("包案", "packaged"),
    Overdue = ("超期", "overdue"),
    DueToday = ("今日到期", "due today"),
    DaysLeft = ("剩", "left"),
    Days = ("天", "d"),
    Window = ("信访人权利期", "petitioner's window"),
    Until = ("至", "until"),
    Done = ("已完成", "done"),
    NotDone = ("未完成", "open"),
    User = ("用户", "user"),
    Role = ("角色", "role"),
    Database = ("数据库", "db"),
    Live = ("实时", "live"),
    Loading = ("加载中", "loading"),
    StaleSince = ("数据过期于", "stale since"),
    ReconnectingSince = ("连接中断，正在重连，自", "reconnecting since"),
    ModeNormal = ("浏览", "NORMAL"),
    ModeHelp = ("帮助", "HELP"),
    ModePalette = ("命令", "COMMAND"),
    ModeSearch = ("搜索", "SEARCH"),
    ModeStep = ("办理", "STEP"),
    StepTitle = ("办理步骤", "Take a step"),
    ChooseStep = ("选择步骤（灰色为当前不可执行，回车看原因）", "choose a step (greyed: not possible now; Enter says why)"),
    SearchTitle = ("搜索", "Search"),
    HelpTitle = ("按键帮助", "Keys"),
    PaletteTitle = ("命令面板", "Command palette"),
    PaletteHint = ("输入动作名，或 queue 名称 / case 编号 / save 标题 / lang zh|en / theme 名称", "type an action, or queue NAME / case NUMBER / save TITLE / lang zh|en / theme NAME"),
    TooSmall = ("终端太小，请至少调整到 60×16", "The terminal is too small; make it at least 60×16"),
    NoCaseSelected = ("未选择信访件", "No case selected"),
    EmptyQueue = ("该队列为空", "This queue is empty"),
    Copied = ("已复制到剪贴板", "copied to the clipboard"),
    UnknownCommand = ("未知命令", "unknown command"),
    UnknownQueue = ("未知队列", "unknown queue"),
    CaseNotFound = ("找不到信访件", "no such case"),
    ReadOnlyBanner = ("未知用户：以只读访客身份打开", "unknown user: opened read-only as a viewer"),
    KeymapProblems = ("按键配置有误，已使用默认按键", "keymap problems; using the default keys"),
    LoadFailed = ("读取失败", "could not load"),
    CaseLeftQueue = ("所选信访件已离开本队列，已选中相邻信访件", "the selected case left this queue; selected its neighbour"),
    Masked = ("（已隐藏）", "(masked)"),
    Restricted = ("保密（第三十条）：内容仅限督办员查看", "confidential (Art 30): content for supervisors only"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_exists_in_both_languages() {
        for text in Text::ALL {
            assert!(!text.get(Lang::Zh).is_empty(), "{text:?}");
            assert!(!text.get(Lang::En).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn language_codes_parse() {
        assert_eq!(Lang::from_code("zh"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::Zh.other(), Lang::En);
    }
}
