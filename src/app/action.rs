//! Every user action of the console: one variant each, with a kebab-case name (used in keymap
//! files and the command palette) and a one-line description in English and Chinese. The help
//! screen, the palette and keymap validation all come from this one list. Pure data.

macro_rules! actions {
    ($( $(#[$m:meta])* $variant:ident = ($name:literal, $en:literal, $zh:literal) ),+ $(,)?) => {
        /// A user action.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $( $(#[$m])* $variant ),+ }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[ $( Action::$variant ),+ ];

            /// Kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name ),+ }
            }

            /// One-line description in English.
            pub fn describe_en(self) -> &'static str {
                match self { $( Action::$variant => $en ),+ }
            }

            /// One-line description in Chinese.
            pub fn describe_zh(self) -> &'static str {
                match self { $( Action::$variant => $zh ),+ }
            }

            /// Parses a kebab-case name.
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $( $name => Some(Action::$variant), )+ _ => None }
            }
        }
    };
}

actions! {
    Quit = ("quit", "Quit xinfang", "退出"),
    ToggleHelp = ("toggle-help", "Show or hide the key help", "显示或隐藏按键帮助"),
    OpenPalette = ("open-palette", "Open the command palette", "打开命令面板"),
    CloseOverlay = ("close-overlay", "Close help or the palette", "关闭帮助或命令面板"),
    FocusNext = ("focus-next", "Move focus to the next pane", "焦点移到下一窗格"),
    FocusPrevious = ("focus-previous", "Move focus to the previous pane", "焦点移到上一窗格"),
    FocusQueues = ("focus-queues", "Focus the queue list", "聚焦队列列表"),
    FocusTable = ("focus-table", "Focus the case table", "聚焦信访件列表"),
    FocusDetail = ("focus-detail", "Focus the case detail", "聚焦详情"),
    SelectNext = ("select-next", "Move down one line", "下移一行"),
    SelectPrevious = ("select-previous", "Move up one line", "上移一行"),
    SelectFirst = ("select-first", "Go to the first line", "跳到第一行"),
    SelectLast = ("select-last", "Go to the last line", "跳到最后一行"),
    PageDown = ("page-down", "Move down one page", "下翻一页"),
    PageUp = ("page-up", "Move up one page", "上翻一页"),
    OpenSelected = ("open-selected", "Open the selected queue or case", "打开所选队列或信访件"),
    ToggleDetail = ("toggle-detail", "Show the detail instead of the table (narrow terminals)", "窄屏时在列表与详情间切换"),
    Refresh = ("refresh", "Reload counts, the queue and the detail", "刷新计数、队列和详情"),
    CopyCaseNumber = ("copy-case-number", "Copy the case number to the clipboard", "复制信访件编号"),
    CopyCaseSummary = ("copy-case-summary", "Copy a one-line summary of the case", "复制信访件一行摘要"),
    SwitchLanguage = ("switch-language", "Switch between Chinese and English", "切换中文/英文"),
    CycleTheme = ("cycle-theme", "Switch to the next colour theme", "切换配色主题"),
    ToggleMark = ("toggle-mark", "Mark or unmark the selected case and move down", "标记/取消标记所选信访件并下移"),
    MarkRange = ("mark-range", "Mark every case from the last marked one to the selected one", "标记从上一个标记到所选的全部信访件"),
    MarkAll = ("mark-all", "Mark every case in the queue (or the search results)", "标记本队列（或搜索结果）全部信访件"),
    ClearMarks = ("clear-marks", "Remove all marks", "清除全部标记"),
    RegisterCase = ("register-case", "Register a new petition (a form with checks)", "登记新信访件（带校验的表单）"),
    Undo = ("undo", "Take back your last step (a compensating event; history is kept)", "撤销您的上一步（记录补偿事件，不删除历史）"),
    TakeStep = ("take-step", "Take a workflow step on the selected case", "对所选信访件执行办理步骤"),
    PickNext = ("pick-next", "Select the next entry of the step menu or picker", "步骤菜单或选择器下一项"),
    PickPrevious = ("pick-previous", "Select the previous entry of the step menu or picker", "步骤菜单或选择器上一项"),
    PickChoose = ("pick-choose", "Choose the entry or submit the answer", "选定或提交"),
    OpenSearch = ("open-search", "Search cases (pinyin, fields, operators)", "搜索信访件（拼音、字段、运算符）"),
    SearchNext = ("search-next", "Select the next search result", "下一条搜索结果"),
    SearchPrevious = ("search-previous", "Select the previous search result", "上一条搜索结果"),
    SearchOpen = ("search-open", "Open the selected search result", "打开所选搜索结果"),
    PaletteNext = ("palette-next", "Select the next palette entry", "命令面板下一项"),
    PalettePrevious = ("palette-previous", "Select the previous palette entry", "命令面板上一项"),
    PaletteRun = ("palette-run", "Run the selected palette entry", "执行所选命令"),
    PaletteHistoryPrevious = ("palette-history-previous", "Recall the previous command", "上一条历史命令"),
    PaletteHistoryNext = ("palette-history-next", "Recall the next command", "下一条历史命令"),
    OpenBoards = ("open-boards", "Show the boards: overview, leader packages, backlog, county map, warnings", "打开看板：总览、领导包案、积案化解、县区图、预警"),
    CloseBoards = ("close-boards", "Leave the boards for the queues", "离开看板回到队列"),
    NextBoard = ("next-board", "Show the next board", "下一个看板"),
    PreviousBoard = ("previous-board", "Show the previous board", "上一个看板"),
    BoardOption = ("board-option", "Change the board's choice: leader level, campaign or map indicator", "切换看板选项：领导层级、专项行动或地图指标"),
    HistoryBack = ("history-back", "Go back to the previous queue, case or search", "后退到上一个队列、信访件或搜索"),
    SaveView = ("save-view", "Save the search or board drill-down on screen as a queue of your own (in config.toml)", "将当前搜索或看板下钻保存为自定义队列（写入 config.toml）"),
    ExportView = ("export-view", "Export marked cases, else the search or queue on screen, to a CSV file", "导出已标记的信访件（无标记时为搜索结果或当前队列）为 CSV 文件"),
    HistoryForward = ("history-forward", "Go forward again after going back", "后退后再前进"),
    WriteReport = ("write-report", "Write today's brief (the daily report) as an HTML page in export_dir", "将今日简报（日报）写为 HTML 页面（存入 export_dir）"),
    BoardSort = ("board-sort", "Sort the board's table (leader packages, backlog, warnings) by its next column (each column up, then down)", "看板表格（领导包案、积案化解、预警）按下一列排序（每列先升后降）"),
    SortByNumber = ("sort-by-number", "Sort the table by case number (again: reverse)", "按编号排序（再按一次反向）"),
    SortByReceived = ("sort-by-received", "Sort the table by day received (again: reverse)", "按收件日期排序（再按一次反向）"),
    SortByChannel = ("sort-by-channel", "Sort the table by channel (again: reverse)", "按渠道排序（再按一次反向）"),
    SortByCounty = ("sort-by-county", "Sort the table by county (again: reverse)", "按县区排序（再按一次反向）"),
    SortByCategory = ("sort-by-category", "Sort the table by category (again: reverse)", "按类别排序（再按一次反向）"),
    SortByTitle = ("sort-by-title", "Sort the table by title (again: reverse)", "按标题排序（再按一次反向）"),
    SortByState = ("sort-by-state", "Sort the table by state (again: reverse)", "按状态排序（再按一次反向）"),
    SortByDue = ("sort-by-due", "Sort the table by deadline, none last (again: reverse)", "按时限排序，无时限在后（再按一次反向）"),
}

impl Action {
    /// Keys of an open list (the palette's, a picker's, the search results'): not commands.
    pub fn inside_a_list(self) -> bool {
        matches!(
            self,
            Action::PaletteNext
                | Action::PalettePrevious
                | Action::PaletteRun
                | Action::PaletteHistoryPrevious
                | Action::PaletteHistoryNext
                | Action::PickNext
                | Action::PickPrevious
                | Action::PickChoose
                | Action::SearchNext
                | Action::SearchPrevious
                | Action::SearchOpen
                | Action::CloseOverlay
        )
    }

    /// The movement actions: one line or page up or down, first or last line.
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Action::SelectNext
                | Action::SelectPrevious
                | Action::SelectFirst
                | Action::SelectLast
                | Action::PageDown
                | Action::PageUp
        )
    }

    /// The table column a sort action orders by.
    pub fn sort_column(self) -> Option<super::state::Column> {
        use super::state::Column as C;
        Some(match self {
            Action::SortByNumber => C::Number,
            Action::SortByReceived => C::Received,
            Action::SortByChannel => C::Channel,
            Action::SortByCounty => C::County,
            Action::SortByCategory => C::Category,
            Action::SortByTitle => C::Title,
            Action::SortByState => C::State,
            Action::SortByDue => C::Due,
            _ => return None,
        })
    }

    /// Description in the given language.
    pub fn describe(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::Zh => self.describe_zh(),
            crate::i18n::Lang::En => self.describe_en(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for action in Action::ALL {
            let name = action.name();
            assert!(seen.insert(name), "duplicate {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
            assert_eq!(Action::from_name(name), Some(*action));
            assert!(!action.describe_en().is_empty() && !action.describe_zh().is_empty());
        }
    }
}
