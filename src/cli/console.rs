//! Opening the console from the command line: user, language, theme, keymap and user queues
//! from the arguments and settings. Problems with the keymap, settings or user queues are shown
//! as notices on screen and the console continues with the defaults.

use super::Context;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use xinfang::app::console::{self, Setup};
use xinfang::app::state::ThemeName;
use xinfang::i18n::{Lang, Text};
use xinfang::keymap::{Keymap, PRESETS};
use xinfang::store::{OpenMode, StoreError};

/// What the command line says about the console.
pub struct ConsoleArgs<'a> {
    pub user: Option<&'a str>,
    pub keymap: Option<&'a str>,
    pub lang: Option<Lang>,
    pub theme: Option<ThemeName>,
}

pub fn run(context: &Context, args: &ConsoleArgs<'_>) -> Result<ExitCode> {
    let config = &context.config;
    let mut notices: Vec<String> = context.config_problem.iter().cloned().collect();
    let lang = args
        .lang
        .or_else(|| config.lang.as_deref().and_then(Lang::from_code))
        .unwrap_or_else(Lang::from_env);
    if let Some(bad) = config
        .lang
        .as_deref()
        .filter(|l| Lang::from_code(l).is_none())
    {
        notices.push(format!(
            "{}: lang `{}` is not zh or en",
            context.config_name(),
            xinfang::text::sanitise(bad)
        ));
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = match (args.theme, no_color, config.theme.as_deref()) {
        (Some(theme), _, _) => theme,
        (None, true, _) => ThemeName::Mono,
        (None, false, Some(name)) => ThemeName::from_name(name).unwrap_or_else(|| {
            notices.push(format!(
                "{}: theme `{}` is not dark, light or mono",
                context.config_name(),
                xinfang::text::sanitise(name)
            ));
            ThemeName::Dark
        }),
        (None, false, None) => ThemeName::Dark,
    };
    let keymap = match args.keymap.or(config.keymap.as_deref()) {
        None => Keymap::default_preset(),
        Some(name) if PRESETS.iter().any(|(preset, _)| *preset == name) => Keymap::preset(name)
            .unwrap_or_else(|errors| {
                notices.extend(errors.iter().map(ToString::to_string));
                Keymap::default_preset()
            }),
        Some(path) => match std::fs::read_to_string(Path::new(path)) {
            Ok(text) => {
                let (keymap, errors) = Keymap::with_user_file(&text, path);
                if !errors.is_empty() {
                    notices.push(Text::KeymapProblems.get(lang).to_string());
                    notices.extend(errors.iter().map(ToString::to_string));
                }
                keymap
            }
            Err(e) => {
                notices.push(format!("{path}: cannot read the keymap: {e}"));
                Keymap::default_preset()
            }
        },
    };
    let opened = match context.open(OpenMode::ReadWrite) {
        // Read-only media (a backup): browse it; every write says why it cannot be made.
        Err(e)
            if matches!(
                e.downcast_ref::<StoreError>(),
                Some(StoreError::ReadOnly { .. } | StoreError::Io { .. })
            ) && context.db.is_file()
                && xinfang::store::sqlite::read_only_media(&context.db) =>
        {
            notices.push(
                lang.pick(
                    "数据库位于只读介质上：只能浏览，不能修改",
                    "the database is on read-only media: browse only, nothing can be changed",
                )
                .to_string(),
            );
            context.open(OpenMode::ReadOnly)?
        }
        other => other?,
    };
    let store: Arc<dyn xinfang::store::Store> = Arc::from(opened);
    let user = super::identity::resolve(store.as_ref(), args.user)?;
    let today = context.now.date();
    let mut user_queues = Vec::new();
    for queue in &config.queues {
        match queue.build(today, config.rules.due_soon_days, &user) {
            Ok(queue) => user_queues.push(queue),
            Err(problem) => notices.push(format!("{}: {problem}", context.config_name())),
        }
    }
    console::open(Setup {
        store,
        user,
        lang,
        theme,
        keymap,
        notices,
        today,
        rules: config.rules.clone(),
        user_queues,
        clock: xinfang::app::clock::SessionClock::from_option(context.fixed_day),
        mouse: config.mouse.unwrap_or(true),
        config_path: context
            .config_path
            .clone()
            .or_else(xinfang::config::default_path),
        export_dir: config.export_dir.clone(),
    })?;
    Ok(ExitCode::SUCCESS)
}
