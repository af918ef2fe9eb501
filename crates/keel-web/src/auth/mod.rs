//! Signing in and out: the first-run form, login with throttling, and database sessions.

pub mod login;
pub mod passwords;
pub mod session;
pub mod setup;

/// Avatar initials: the first character of a Chinese name's given name, else the first
/// letters of the first two words ("王芳" -> "芳", "Wang Fang" -> "WF").
pub fn initials(name: &str) -> String {
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 {
        return words
            .iter()
            .take(2)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
    }
    let chars: Vec<char> = name.chars().collect();
    match chars.as_slice() {
        [] => "?".into(),
        [c] => c.to_uppercase().collect(),
        [first, .., last] if !first.is_ascii() => last.to_string(),
        [first, second, ..] => format!("{}{}", first.to_uppercase(), second),
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_suit_chinese_and_english_names() {
        assert_eq!(initials("王芳"), "芳");
        assert_eq!(initials("欧阳娜娜"), "娜");
        assert_eq!(initials("Wang Fang"), "WF");
        assert_eq!(initials("ada"), "Ad");
        assert_eq!(initials("  "), "?");
    }
}
