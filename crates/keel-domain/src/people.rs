//! Rules about people that need no database: display initials and directory order.

/// Avatar initials: the given name's last character for a Chinese name ("王芳" -> "芳"), else
/// the first letters of the first two words ("Wang Fang" -> "WF").
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

/// The directory sorts by English (pinyin) name where there is one, so Chinese names come
/// out in the order Chinese users expect; case does not matter.
pub fn sort_key(name: &str, name_en: Option<&str>) -> String {
    name_en
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(name.trim())
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_suit_chinese_and_english_names() {
        assert_eq!(initials("王芳"), "芳");
        assert_eq!(initials("欧阳娜娜"), "娜");
        assert_eq!(initials("Wang Fang"), "WF");
        assert_eq!(initials("ada"), "Ad");
        assert_eq!(initials("  "), "?");
    }

    #[test]
    fn pinyin_orders_chinese_names() {
        let mut names = [
            ("张伟", Some("Zhang Wei")),
            ("陈静", Some("Chen Jing")),
            ("Ada", None),
        ];
        names.sort_by_key(|(n, en)| sort_key(n, *en));
        assert_eq!(names.map(|(n, _)| n), ["Ada", "陈静", "张伟"]);
    }
}
