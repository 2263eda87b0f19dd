//! Large digits (five rows high) for the headline numbers of a wall board, readable across a room.

/// Glyphs five rows high and three columns wide; `#` is a filled cell.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        '.' => ["   ", "   ", "   ", "   ", " # "],
        '%' => ["# #", "  #", " # ", "#  ", "# #"],
        '-' | '−' => ["   ", "   ", "###", "   ", "   "],
        '+' => ["   ", " # ", "###", " # ", "   "],
        ':' => ["   ", " # ", "   ", " # ", "   "],
        '/' => ["  #", "  #", " # ", "#  ", "#  "],
        ' ' => ["   ", "   ", "   ", "   ", "   "],
        _ => return None,
    })
}

/// `text` in large digits as five lines, or `None` if a character has no large glyph.
pub fn big(text: &str) -> Option<[String; 5]> {
    let mut rows: [String; 5] = Default::default();
    for (i, c) in text.chars().enumerate() {
        let g = glyph(c)?;
        for (row, part) in rows.iter_mut().zip(g) {
            if i > 0 {
                row.push(' ');
            }
            row.extend(part.chars().map(|p| if p == '#' { '█' } else { ' ' }));
        }
    }
    Some(rows)
}

/// How much larger the digits are drawn on a screen of `area`: twice on a wall-sized screen
/// (200×60 or more), so that a command centre's big display is filled and read across the room.
pub fn scale_for(area: ratatui::layout::Rect) -> usize {
    // `area` is the board below its tab line and above the footer: a 200×60 screen gives 58 rows
    // (57 with a stale line).
    if area.width >= 200 && area.height >= 56 {
        2
    } else {
        1
    }
}

/// `text` in large digits, each cell drawn `scale` times across and down.
pub fn big_scaled(text: &str, scale: usize) -> Option<Vec<String>> {
    let rows = big(text)?;
    let scale = scale.max(1);
    Some(
        rows.iter()
            .flat_map(|row| {
                let wide: String = row
                    .chars()
                    .flat_map(|c| std::iter::repeat_n(c, scale))
                    .collect();
                std::iter::repeat_n(wide, scale)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_five_rows_of_equal_width() {
        let rows = big("97.3%").expect("every character has a glyph");
        assert!(rows.iter().all(|r| r.chars().count() == 5 * 3 + 4));
        assert_eq!(
            rows[4].chars().filter(|c| *c == '█').count(),
            3 + 1 + 1 + 3 + 2
        );
        assert!(big("97a").is_none());
    }

    #[test]
    fn scaled_digits_are_twice_as_wide_and_tall() {
        let one = big_scaled("12", 1).expect("digits");
        let two = big_scaled("12", 2).expect("digits");
        assert_eq!((one.len(), two.len()), (5, 10));
        assert_eq!(two[0].chars().count(), 2 * one[0].chars().count());
        assert_eq!(two[0], two[1]);
    }
}
