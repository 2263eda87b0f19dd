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
}
