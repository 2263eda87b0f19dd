//! `xinfang board`: the unattended wall board. Bad arguments stop it at once with a one-line
//! error; a database that is missing, locked or unreachable never does (the board shows the last
//! numbers as stale and keeps retrying).

use super::Context;
use anyhow::Result;
use clap::Args as ClapArgs;
use clap::builder::TypedValueParser;
use std::process::ExitCode;
use std::time::Duration;
use xinfang::app::state::ThemeName;
use xinfang::app::wall::{self, WallOptions};
pub use xinfang::app::wall::{parse_board, parse_interval, parse_region};
use xinfang::domain::board::BoardKind;
use xinfang::i18n::Lang;

#[derive(Debug, ClapArgs)]
pub struct BoardArgs {
    /// Boards to rotate through, comma-separated: overview, packages, backlog, map, warnings, meeting
    #[arg(
        long,
        value_delimiter = ',',
        hide_possible_values = true,
        value_parser = super::OneOf::new("board", BoardKind::ALL.iter().map(|b| b.code()))
            .try_map(|name: String| parse_board(&name)),
        default_value = "overview,packages,backlog,map,warnings,meeting"
    )]
    pub boards: Vec<BoardKind>,
    /// Time each board stays on screen: 30s, 2m, or seconds (at least 2s)
    #[arg(long, value_parser = parse_interval, default_value = "30s")]
    pub rotate: Duration,
    /// Region to show: an admin-code prefix (64 = all of Ningxia, 6401 = Yinchuan)
    #[arg(long, default_value = "64", value_parser = parse_region)]
    pub region: String,
}

pub fn run(
    context: &Context,
    args: &BoardArgs,
    lang: Option<Lang>,
    theme: Option<ThemeName>,
    keymap: Option<&str>,
) -> Result<ExitCode> {
    let config = &context.config;
    let lang = lang
        .or_else(|| config.lang.as_deref().and_then(Lang::from_code))
        .unwrap_or_else(Lang::from_env);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = match (theme, no_color) {
        (Some(theme), _) => theme,
        (None, true) => ThemeName::Mono,
        (None, false) => config
            .theme
            .as_deref()
            .and_then(ThemeName::from_name)
            .unwrap_or(ThemeName::Dark),
    };
    // The keymap's board keys turn the boards; a keymap that does not load is an error here (an
    // unattended screen has nobody to read a notice).
    let keymap = super::keymap_or_error(keymap.or(config.keymap.as_deref()))?;
    // Each board once, in the order given.
    let mut boards: Vec<BoardKind> = Vec::new();
    for board in &args.boards {
        if !boards.contains(board) {
            boards.push(*board);
        }
    }
    wall::run(WallOptions {
        location: context.db.to_string_lossy().into_owned(),
        rules: config.rules.clone(),
        boards,
        rotate: args.rotate,
        lang,
        theme,
        region: args.region.clone(),
        today: context.fixed_day,
        repaint: None,
        keymap,
    })?;
    Ok(ExitCode::SUCCESS)
}
