//! The wall board's screen: the board on show with the clock, "updated HH:MM:SS", a "stale since"
//! line when the database cannot be reached, and a footer saying it is read-only and rotating.

use crate::app::wall::Wall;
use crate::i18n::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn draw(frame: &mut Frame<'_>, wall: &Wall) {
    draw_wall(frame, wall);
    super::neutralise(frame.buffer_mut());
}

fn draw_wall(frame: &mut Frame<'_>, wall: &Wall) {
    let area = frame.area();
    let theme = super::theme::theme(wall.theme);
    let Some(view) = wall.views.get(wall.current) else {
        return;
    };
    let footer_height = u16::from(area.height >= 12);
    let body = Rect {
        height: area.height.saturating_sub(footer_height),
        ..area
    };
    let screen = super::board::Screen {
        lang: wall.lang,
        theme,
        view,
        rules: &wall.rules,
        as_of: wall.today,
        wall: true,
        clock: Some(wall.clock.clone()),
        stale: wall.stale.clone(),
        tabs: &wall.boards,
    };
    super::board::draw(frame, body, &screen);
    if footer_height > 0 {
        let seconds = wall.rotate.as_secs();
        let (n, total) = (wall.current + 1, wall.boards.len());
        // Keys only for someone at the keyboard: an unattended screen shows none.
        // One board does not rotate: its place and period are left out.
        let turning = total > 1;
        let text = match (wall.lang, wall.touched, turning) {
            (Lang::Zh, false, true) => {
                format!(" 只读看板 · {n}/{total} · 每{seconds}秒轮换 · 不含个人信息")
            }
            (Lang::Zh, true, true) => format!(
                " 只读看板 · {n}/{total} · 每{seconds}秒轮换 · 不含个人信息 · ←/→ 翻看 · q 退出"
            ),
            (Lang::Zh, false, false) => " 只读看板 · 不含个人信息".to_string(),
            (Lang::Zh, true, false) => " 只读看板 · 不含个人信息 · q 退出".to_string(),
            (Lang::En, false, true) => format!(
                " Read-only wall board · {n}/{total} · rotates every {seconds}s · no personal data"
            ),
            (Lang::En, true, true) => format!(
                " Read-only wall board · {n}/{total} · rotates every {seconds}s · no personal data · ←/→ turn · q quit"
            ),
            (Lang::En, false, false) => " Read-only wall board · no personal data".to_string(),
            (Lang::En, true, false) => {
                " Read-only wall board · no personal data · q quit".to_string()
            }
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                super::fit(&text, usize::from(area.width)),
                theme.status,
            )),
            Rect {
                y: area.bottom() - 1,
                height: 1,
                ..area
            },
        );
    }
}
