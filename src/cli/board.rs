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

fn parse_board(text: &str) -> Result<BoardKind, String> {
    BoardKind::from_code(text.trim()).ok_or_else(|| {
        let known: Vec<&str> = BoardKind::ALL.iter().map(|b| b.code()).collect();
        format!("unknown board `{text}` (known: {})", known.join(", "))
    })
}

/// `30s`, `2m`, `1h` or plain seconds.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an interval like 30s or 2m"))?;
    let seconds = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("`{text}`: the unit must be s, m or h")),
    };
    if seconds < 2 {
        return Err(format!("`{text}` is too short; rotate every 2s or more"));
    }
    Ok(Duration::from_secs(seconds))
}

/// A region code that exists: the province, a city or a county.
pub fn parse_region(text: &str) -> Result<String, String> {
    let known = text == xinfang::domain::region::PROVINCE_CODE
        || xinfang::domain::region::name_of(text).is_some();
    if known && text.len() <= 6 {
        Ok(text.to_string())
    } else {
        Err(format!(
            "unknown region `{text}`: use 64, a city code such as 6401 or a county code such as 640106"
        ))
    }
}

pub fn run(
    context: &Context,
    args: &BoardArgs,
    lang: Option<Lang>,
    theme: Option<ThemeName>,
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
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_parse_with_units_and_refuse_nonsense() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_interval("45"), Ok(Duration::from_secs(45)));
        assert!(parse_interval("1s").is_err());
        assert!(parse_interval("10x").is_err());
        assert!(parse_interval("s").is_err());
        assert!(parse_board("packages").is_ok());
        assert!(parse_board("pie").unwrap_err().contains("known: overview"));
        assert!(parse_region("640106").is_ok());
        assert!(parse_region("9999").is_err());
    }
}
