//! Exact decimal text → scaled integer, shared by amounts and probabilities.

/// Reads `digits[.digits]` (ASCII, `,` allowed as a thousands separator in groups of
/// three) and returns its value × 10^`scale` exactly. `None` when the text is not such a
/// number, has more than `scale` decimals, or does not fit in an i128.
pub(crate) fn scaled(text: &str, scale: u32) -> Option<i128> {
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if frac_part.len() > scale as usize || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i128 = 0;
    for digit in integer_digits(int_part)?.chain(frac_part.bytes()) {
        value = value
            .checked_mul(10)?
            .checked_add(i128::from(digit - b'0'))?;
    }
    let missing = scale - frac_part.len() as u32;
    value.checked_mul(10i128.checked_pow(missing)?)
}

/// The digits of an integer part, checking `1,234,567` style grouping. Groups of three
/// are required so that a decimal comma (`1,50` in European exports) is rejected
/// rather than read as 150.
fn integer_digits(int_part: &str) -> Option<impl Iterator<Item = u8> + '_> {
    let mut groups = int_part.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = int_part.contains(',');
    let first_ok = if grouped {
        (1..=3).contains(&first.len())
    } else {
        true
    };
    let rest_ok = groups.all(|g| g.len() == 3);
    let digits_ok = int_part.bytes().all(|b| b.is_ascii_digit() || b == b',');
    (first_ok && rest_ok && digits_ok).then(|| int_part.bytes().filter(|b| *b != b','))
}

#[cfg(test)]
mod tests {
    use super::scaled;

    #[test]
    fn scales_exactly() {
        assert_eq!(scaled("1,234,567.89", 2), Some(123_456_789));
        assert_eq!(scaled("0.5", 2), Some(50));
        assert_eq!(scaled(".5", 2), Some(50));
        assert_eq!(scaled("7.", 2), Some(700));
        assert_eq!(scaled("1.234", 2), None);
        assert_eq!(scaled("1,50", 2), None);
        assert_eq!(scaled("12,34,567", 2), None);
        assert_eq!(scaled("", 2), None);
        assert_eq!(scaled(".", 2), None);
        assert_eq!(scaled("1e5", 2), None);
        assert_eq!(scaled(&"9".repeat(40), 2), None);
    }
}
