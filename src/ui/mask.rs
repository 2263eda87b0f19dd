//! Personal data on screen (domain.md §11): ID numbers, phones and addresses are masked unless the
//! user is an operator or above whose region scope covers the case; accusation content and the
//! accuser are shown only to supervisors and admins in scope (Art 30).

pub use crate::domain::access::{may_see_content, may_see_personal};

/// `6401**********1234`: the first four and last four characters.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// `138****5678`: the first three and last four digits.
pub fn phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// An address cut to its first three characters (the county).
pub fn address(address: &str) -> String {
    let head: String = address.chars().take(3).collect();
    format!("{head}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_follow_the_domain_examples() {
        assert_eq!(id_number("640106199001011234"), "6401**********1234");
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(address("金凤区良田镇1号"), "金凤区****");
    }
}
