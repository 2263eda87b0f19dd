//! Pure UI state of the console, the messages that change it and the effects it asks for.
//!
//! No I/O, no ratatui: `update` changes a `State` from a `Msg` and returns `Effect`s; the loop
//! runs the effects elsewhere and feeds their results back as messages tagged with request ids.

use crate::domain::{CaseId, Role, State as CaseState};
use crate::i18n::Lang;
use crate::keymap::{Key, Keymap};
use crate::store::{CaseDetail, CaseRow, Cursor, Filter, Page, Scope, Sort};
use chrono::NaiveDate;

pub use crate::queues::{Column, QueueDef};

/// A mouse event the console acts on, as the terminal reported it (0-based cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pointer {
    pub kind: PointerKind,
    pub column: u16,
    pub row: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointerKind {
    /// The left button pressed.
    Click,
    WheelUp,
    WheelDown,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Queues,
    Table,
    Detail,
}

/// The command palette's input and selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    pub input: String,
    pub selected: usize,
    /// Position while recalling history (`None` = editing a new line).
    pub recall: Option<usize>,
    /// The selection was moved by a key: Enter runs it even with nothing typed.
    pub moved: bool,
    /// Opened by the save key: what `save TITLE` saves (the search the palette covers).
    pub saving: Option<Box<super::queues::QueueConfig>>,
}

/// The `/` search: input, results and selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    pub input: String,
    pub hits: Vec<crate::search::Hit>,
    pub total: usize,
    pub selected: usize,
    /// What is wrong with the input (the last good results stay).
    pub error: Option<String>,
    /// The query text the matches below belong to, and every matching index position (a longer
    /// query only searches these).
    pub narrowing: Option<(String, Vec<u32>)>,
    pub searching: bool,
    /// Enter was pressed before the results came: open the first match when they do.
    pub open_when_done: bool,
    /// Reopened with the last query: the first letter typed replaces it (Backspace edits it).
    pub reopened: bool,
}

/// Taking a step on one case: first the menu, then the step's prompts one by one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepForm {
    pub case: crate::domain::CaseId,
    pub number: String,
    pub menu: Vec<super::triage::MenuEntry>,
    /// The step chosen from the menu, once chosen.
    pub kind: Option<super::triage::StepKind>,
    pub prompts: Vec<super::triage::Prompt>,
    pub answers: Vec<String>,
    /// What is typed for the current prompt (for a picker, a filter).
    pub input: String,
    /// Highlighted menu entry or picker option.
    pub selected: usize,
    pub error: Option<String>,
    /// The case as it was when the form opened (`None` while registering): the step is built
    /// from it and applied against its version, so a change underneath is a conflict, never a
    /// silently dead form.
    pub snapshot: Option<Box<crate::domain::Case>>,
    /// Why the form's case is no longer the one on screen, or changed since the form opened.
    pub notice: Option<String>,
    /// The menu's filter, typed while choosing a step.
    pub filter: String,
    /// The cases a bulk step will touch (number and title), listed before the confirming key.
    pub targets: Vec<(crate::domain::CaseId, String)>,
    /// Every answer is in and the bulk list is shown: `y` applies it.
    pub confirming_bulk: bool,
    /// A submit was refused for a conflict: take the case as it is when it next loads.
    pub refresh: bool,
}

impl StepForm {
    /// A form for a step on `case` (the menu first).
    pub fn for_case(case: &crate::domain::Case, menu: Vec<super::triage::MenuEntry>) -> StepForm {
        StepForm {
            case: case.id,
            number: case.number.clone(),
            menu,
            kind: None,
            prompts: Vec::new(),
            answers: Vec::new(),
            input: String::new(),
            selected: 0,
            error: None,
            snapshot: Some(Box::new(case.clone())),
            notice: None,
            filter: String::new(),
            targets: Vec::new(),
            confirming_bulk: false,
            refresh: false,
        }
    }

    /// How many cases submitting will touch.
    pub fn touches(&self) -> usize {
        if self.targets.is_empty() {
            1
        } else {
            self.targets.len()
        }
    }
}

/// What the user is looking at. Marks belong to the view they were made in: when the view
/// changes, they are cleared (and the status bar says so), so no step reaches unseen cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// A queue's table, by load generation: another queue or a drill-down is a new view.
    Queue(u64),
    /// The results of this search (the search box, or a case opened from it).
    Search(String),
}

/// A place the user went to, for back and forward.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A queue (a drill-down's own definition included).
    Queue(QueueDef),
    /// A case opened on its own (from a search or by number).
    Case(crate::domain::CaseId),
    /// A search and its query.
    Search(String),
}

/// The user's last single step, which `undo` takes back: the case as the step left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastStep {
    pub id: crate::domain::CaseId,
    pub number: String,
    pub step_zh: &'static str,
    pub step_en: &'static str,
    pub after: Box<crate::domain::Case>,
}

/// The search index being built in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    Building(usize),
    Ready,
    Failed(crate::i18n::Told),
}

/// What covers the main screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
        /// What is typed to find a key or action.
        filter: String,
        /// The context the help was opened from: its keys come first.
        context: crate::keymap::Context,
    },
    Palette(Palette),
    Search(Search),
    Step(Box<StepForm>),
    /// What a bulk step did to each marked case.
    Summary {
        title: String,
        lines: Vec<String>,
    },
}

/// Whether the numbers on screen are current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Loading,
    Live,
    /// The last load failed; the numbers are from `since` (HH:MM).
    Stale {
        since: String,
    },
    /// The database server cannot be reached since `since` (HH:MM); the store reconnects by
    /// itself and the console reloads when it is back.
    Reconnecting {
        since: String,
    },
}

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
    Mono,
}

impl ThemeName {
    pub const ALL: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Mono];

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    pub fn from_name(name: &str) -> Option<ThemeName> {
        ThemeName::ALL
            .into_iter()
            .find(|t| t.name() == name || (name == "monochrome" && *t == ThemeName::Mono))
    }

    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Mono,
            ThemeName::Mono => ThemeName::Dark,
        }
    }
}

/// The loaded rows of the current queue and the selection in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<CaseRow>,
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
    /// Where the next page starts (`None` = everything is loaded).
    pub next: Option<Cursor>,
    pub loading: bool,
    /// The queue was just sorted anew: if the selected case is not on the first page, the
    /// selection starts at the top (it did not leave the queue).
    pub resorted: bool,
    /// `G` asked for the rest of the queue: select the last row when it arrives.
    pub to_end: bool,
}

impl Table {
    pub fn selected_row(&self) -> Option<&CaseRow> {
        self.rows.get(self.selected)
    }
}

/// The boards view: which board, its data, selection and filters.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardView {
    pub kind: crate::domain::board::BoardKind,
    pub data: Option<crate::store::board::BoardData>,
    /// Selected line (packages, backlog, warnings) or tile (map).
    pub selected: usize,
    /// Leader packages: only this level (`None` = all).
    pub level: Option<crate::domain::LeaderLevel>,
    /// Backlog: this campaign (`None` = every backlog case); chosen on the first load.
    pub campaign: Option<i64>,
    pub campaign_chosen: bool,
    pub indicator: crate::domain::board::Indicator,
    /// HH:MM:SS of the data shown.
    pub updated: String,
    /// The leader-package table's order: a column (level, leader, cases, resolved, duties,
    /// overdue, oldest) and whether descending; `None` keeps the board's own order.
    pub sort: Option<(usize, bool)>,
    /// The Meeting board's lines, made once when its data arrives (a report is built to make
    /// them: milliseconds, too slow for every frame), in the language they were made in.
    pub meeting: Option<(Lang, std::sync::Arc<Vec<crate::report::meeting::Item>>)>,
}

impl BoardView {
    pub fn new(kind: crate::domain::board::BoardKind) -> BoardView {
        BoardView {
            kind,
            data: None,
            selected: 0,
            level: None,
            campaign: None,
            campaign_chosen: false,
            indicator: crate::domain::board::Indicator::Overdue,
            updated: String::new(),
            sort: None,
            meeting: None,
        }
    }

    /// On the backlog board's first load, chooses the newest campaign running `today`. True when
    /// that changed the campaign, so that the board must be loaded again for it.
    /// Shows `data`; the Meeting board's lines are made here, once.
    pub fn set_data(
        &mut self,
        data: crate::store::board::BoardData,
        rules: &crate::domain::board::BoardRules,
        lang: Lang,
    ) {
        self.meeting = match &data {
            crate::store::board::BoardData::Meeting(brief) => Some((
                lang,
                std::sync::Arc::new(crate::report::meeting::board_items(brief, rules, lang)),
            )),
            _ => None,
        };
        self.data = Some(data);
    }

    /// The Meeting board's lines in `lang` (made afresh only when the language changed).
    pub fn meeting_items(
        &self,
        rules: &crate::domain::board::BoardRules,
        lang: Lang,
    ) -> std::sync::Arc<Vec<crate::report::meeting::Item>> {
        match (&self.meeting, &self.data) {
            (Some((made_in, items)), _) if *made_in == lang => std::sync::Arc::clone(items),
            (_, Some(crate::store::board::BoardData::Meeting(brief))) => {
                std::sync::Arc::new(crate::report::meeting::board_items(brief, rules, lang))
            }
            _ => std::sync::Arc::new(Vec::new()),
        }
    }

    pub fn choose_campaign(
        &mut self,
        data: &crate::store::board::BoardData,
        today: NaiveDate,
    ) -> bool {
        let crate::store::board::BoardData::Backlog(board) = data else {
            return false;
        };
        if self.campaign_chosen {
            return false;
        }
        self.campaign_chosen = true;
        let running = crate::domain::org::Campaign::running(&board.campaigns, today).map(|c| c.id);
        if running.is_some() && running != self.campaign {
            self.campaign = running;
            return true;
        }
        false
    }
}

/// Latest request id per kind; results with an older id are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    pub last: u64,
    pub counts: u64,
    pub page: u64,
    pub detail: u64,
    /// The newest detail request answered (loaded or failed): below `detail`, one is on its way.
    pub detail_answered: u64,
    pub find: u64,
    pub search: u64,
    pub board: u64,
}

impl Requests {
    pub fn issue(&mut self) -> u64 {
        self.last += 1;
        self.last
    }

    /// A detail load is on its way.
    pub fn detail_pending(&self) -> bool {
        self.detail > self.detail_answered
    }
}

/// Everything the screen shows.
#[derive(Debug, Clone)]
pub struct State {
    pub lang: Lang,
    pub theme: ThemeName,
    pub user: String,
    pub role: Role,
    pub scope: Scope,
    pub due_soon_days: u32,
    /// The rules in force (config `[rules]`): the step menu and the timeline use them.
    pub rules: crate::domain::Rules,
    /// The moment as of the last message that told it (the start, then each minute's tick): the
    /// model reads no clock.
    pub now: chrono::NaiveDateTime,
    /// The day fixed with `--today` for the whole session, if any (the status bar says so).
    pub fixed_day: Option<NaiveDate>,
    /// Where the data lives (a path or host, never a password).
    pub db_label: String,
    pub link: Link,
    pub keymap: Keymap,
    pub queues: Vec<QueueDef>,
    pub counts: Vec<Option<u64>>,
    pub queue_index: usize,
    pub table: Table,
    pub detail: Option<CaseDetail>,
    pub detail_scroll: u16,
    pub focus: Focus,
    pub overlay: Overlay,
    /// On narrow terminals: the detail replaces the table.
    pub compact_detail: bool,
    pub status: Option<String>,
    /// Lasting notices (keymap or config problems, read-only banner).
    pub notices: Vec<String>,
    pub pending_keys: Vec<Key>,
    /// Keys typed while a queue's first rows are on their way, played in order when they land
    /// (`1 j 2 s` typed ahead on a slow link opens the step form on the new queue's first case).
    pub typeahead: Vec<Key>,
    pub palette_history: Vec<String>,
    pub width: u16,
    pub height: u16,
    pub requests: Requests,
    /// The last text sent to the clipboard (shown in tests and the status bar).
    pub copied: Option<String>,
    /// Wall-clock HH:MM of the last successful load.
    pub loaded_at: String,
    pub index: IndexStatus,
    /// The user's last single step, which `undo` takes back.
    pub last_step: Option<LastStep>,
    /// The cases of the user's last bulk step (id, number), which `undo` takes back together.
    pub last_bulk: Vec<(crate::domain::CaseId, String)>,
    /// Earlier cases of the selected case's petitioner (value, label), for linking a repeat.
    pub related: Vec<(String, String)>,
    /// Marked cases, for bulk steps, with their number and title as listed.
    pub marks: std::collections::BTreeMap<crate::domain::CaseId, String>,
    /// The view the marks were made in.
    pub mark_view: Option<View>,
    /// Counts queue loads that start a new view (another queue, a drill-down).
    pub view_gen: u64,
    /// The query of the search the shown case was opened from, while it is shown.
    pub search_view: Option<String>,
    /// The settings file `:save` writes queues to (the one read, else the default place).
    pub config_path: Option<std::path::PathBuf>,
    /// Where exports are written (`None`: the current directory).
    pub export_dir: Option<std::path::PathBuf>,
    /// A submitted step form, kept until the store answers: a refusal or conflict reopens it
    /// with every answer.
    pub pending_form: Option<Box<StepForm>>,
    /// Quit was asked with marks or an open form: the next quit key leaves.
    pub quit_armed: bool,
    /// Where the user has been (queues, cases, searches) and where they are in that list.
    pub history: Vec<Place>,
    pub history_at: usize,
    /// Going back or forward: the places visited on the way are not recorded again.
    pub navigating: bool,
    /// Moving through the queue list: each queue passed replaces the last one recorded.
    pub browsing_queues: bool,
    /// The last place recorded was passed while moving through the queue list.
    pub last_browsed: bool,
    /// The last search, which `/` reopens with its results.
    pub last_search: Option<Search>,
    /// Units and leaders, for the step prompts' pickers.
    pub units: Vec<crate::store::Unit>,
    pub leaders: Vec<crate::store::Leader>,
    /// The store's change position the screen and index are current to (0 until known).
    pub head: i64,
    /// The boards, when shown (`board_shown`) or last shown.
    pub board: Option<BoardView>,
    pub board_shown: bool,
    pub board_rules: crate::domain::board::BoardRules,
    pub quit: bool,
}

/// Anything that can change the state.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(Key),
    /// Text pasted in one piece (bracketed paste): never a key, never Enter.
    Paste(String),
    /// A click or the wheel.
    Mouse(Pointer),
    Resize(u16, u16),
    /// The once-a-minute tick (deadline countdowns) with the current day and HH:MM.
    /// A minute passed: the moment now.
    Tick {
        now: chrono::NaiveDateTime,
    },
    CountsLoaded {
        request: u64,
        counts: Vec<u64>,
        clock: String,
    },
    PageLoaded {
        request: u64,
        page: Page,
        append: bool,
        keep: Option<CaseId>,
        clock: String,
    },
    DetailLoaded {
        request: u64,
        detail: Option<Box<CaseDetail>>,
    },
    CaseFound {
        request: u64,
        id: Option<CaseId>,
        number: String,
    },
    LoadFailed {
        request: u64,
        error: crate::i18n::Told,
        clock: String,
        /// The server is unreachable and the store is reconnecting by itself.
        reconnecting: bool,
    },
    /// SIGTERM or SIGHUP: leave now.
    Shutdown,
    /// The search index has this many cases so far.
    IndexProgress {
        indexed: usize,
    },
    IndexReady {
        head: i64,
    },
    IndexFailed {
        error: crate::i18n::Told,
    },
    IndexRefreshed {
        head: i64,
    },
    SearchDone {
        request: u64,
        query: String,
        results: Box<crate::search::Results>,
    },
    /// Time to look for changes made by other consoles.
    Poll,
    /// The store's newest change position.
    ChangesSeen {
        head: i64,
    },
    ReferenceLoaded {
        units: Vec<crate::store::Unit>,
        leaders: Vec<crate::store::Leader>,
    },
    /// A bulk step's result per case: its id and number, and its new state or why it was
    /// refused. `undo`: it was the undo of a bulk step.
    BulkDone {
        step: crate::i18n::Told,
        undo: bool,
        results: Vec<(
            crate::domain::CaseId,
            String,
            Result<crate::domain::State, crate::i18n::Told>,
        )>,
    },
    RelatedLoaded {
        id: crate::domain::CaseId,
        cases: Vec<(String, String)>,
    },
    /// A report was written (where), or could not be.
    ReportWritten {
        outcome: Result<String, String>,
    },
    /// An export was written (how many cases, where), or could not be.
    Exported {
        outcome: Result<(u64, String), String>,
    },
    /// The settings file was given a new queue, or could not be.
    QueueSaved {
        entry: Box<super::queues::QueueConfig>,
        outcome: Result<(), String>,
    },
    /// Every case in the queue, to mark them all.
    QueueIds {
        rows: Vec<CaseRow>,
        capped: bool,
    },
    BoardLoaded {
        request: u64,
        data: Box<crate::store::board::BoardData>,
        clock: String,
    },
    /// A step was applied (the case as it is now) or refused (why). `undo`: it was an undo.
    StepDone {
        number: String,
        undo: bool,
        result: Result<Box<crate::domain::Case>, crate::i18n::Told>,
    },
}

impl Msg {
    /// True for messages that answer an effect (progress reports do not).
    pub fn answers_effect(&self) -> bool {
        !matches!(
            self,
            Msg::IndexProgress { .. }
                | Msg::Key(_)
                | Msg::Paste(_)
                | Msg::Mouse(_)
                | Msg::Resize(..)
                | Msg::Tick { .. }
                | Msg::Shutdown
                | Msg::Poll
        )
    }
}

/// Work the loop must do outside `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadCounts {
        request: u64,
        filters: Vec<Filter>,
        scope: Scope,
    },
    LoadPage {
        request: u64,
        filter: Filter,
        sort: Sort,
        scope: Scope,
        cursor: Option<Cursor>,
        limit: usize,
        append: bool,
        keep: Option<CaseId>,
    },
    LoadDetail {
        request: u64,
        id: CaseId,
    },
    FindCase {
        request: u64,
        number: String,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    BuildIndex {
        role: crate::domain::Role,
        region: String,
    },
    Search {
        request: u64,
        query: String,
        today: NaiveDate,
        within: Option<Vec<u32>>,
    },
    RefreshIndex {
        since: i64,
        role: crate::domain::Role,
        region: String,
    },
    CheckChanges,
    LoadReference,
    LoadRelated {
        id: crate::domain::CaseId,
    },
    Register {
        intake: Box<crate::domain::Intake>,
        actor: String,
    },
    /// Take back the user's last step on each of these cases (id, number), each by its own
    /// compensating event.
    UndoBulk {
        cases: Vec<(crate::domain::CaseId, String)>,
        actor: String,
    },
    /// Take back the user's last step on this case.
    Undo {
        id: crate::domain::CaseId,
        number: String,
        actor: String,
    },
    ApplyBulk {
        ids: Vec<crate::domain::CaseId>,
        kind: super::triage::StepKind,
        answers: Vec<String>,
        actor: String,
    },
    /// Write cases to a CSV file named after `name` in the current directory.
    Export {
        source: crate::transfer::export::Source,
        name: String,
        /// Who exports (named in the file name).
        user: String,
        role: crate::domain::Role,
        scope: String,
        lang: crate::i18n::Lang,
        rules: Box<crate::domain::Rules>,
        dir: Option<std::path::PathBuf>,
    },
    /// Write the brief of `query` as an HTML page in `dir` (the current directory when unset).
    WriteReport {
        query: crate::store::brief::BriefQuery,
        lang: crate::i18n::Lang,
        boards: crate::domain::board::BoardRules,
        dir: Option<std::path::PathBuf>,
    },
    /// Add a queue to the settings file.
    SaveQueue {
        path: std::path::PathBuf,
        entry: super::queues::QueueConfig,
    },
    /// Fetch every case id of a queue (at most `cap`).
    LoadQueueIds {
        filter: Filter,
        sort: Sort,
        scope: Scope,
        cap: usize,
    },
    LoadBoard {
        request: u64,
        kind: crate::domain::board::BoardKind,
        query: crate::store::board::BoardQuery,
    },
    ApplyStep {
        id: crate::domain::CaseId,
        number: String,
        version: i64,
        step: crate::domain::Step,
        actor: String,
    },
}

/// Rows fetched per page load.
pub const PAGE_ROWS: usize = 200;

impl State {
    /// The queue shown in the table.
    pub fn queue(&self) -> Option<&QueueDef> {
        self.queues.get(self.queue_index)
    }

    /// True when the panes sit side by side.
    pub fn wide(&self) -> bool {
        self.width >= 120
    }

    /// Rows of the case table that fit on screen (header and borders excluded).
    pub fn visible_rows(&self) -> usize {
        usize::from(self.height.saturating_sub(6)).max(1)
    }

    /// True when the detail is what the user works on: it has the keyboard, or fills a narrow
    /// screen. Then `y` and `s` take the detail's case rather than the selected row's.
    pub fn detail_in_view(&self) -> bool {
        self.focus == Focus::Detail || (self.compact_detail && !self.wide())
    }

    /// What the user is looking at (an overlay over it does not change it).
    pub fn view(&self) -> View {
        if let Overlay::Search(search) = &self.overlay
            && !search.input.trim().is_empty()
        {
            return View::Search(search.input.trim().to_string());
        }
        match &self.search_view {
            Some(query) => View::Search(query.clone()),
            None => View::Queue(self.view_gen),
        }
    }

    /// The selected case's state, if any.
    pub fn selected_state(&self) -> Option<CaseState> {
        self.table.selected_row().map(|r| r.state)
    }
}
