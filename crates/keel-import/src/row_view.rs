//! Typed access to the cells of one row, turning bad values into [`RowError`]s.

use crate::cell::Cell;
use crate::error::{RowError, codes};
use crate::layout::Layout;
use crate::parse::{
    Money, When, excel_serial, is_email, parse_amount, parse_bool, parse_count, parse_probability,
    parse_when, person_from_text,
};
use crate::records::{PersonRef, RecordRef};
use crate::schema::{Key, Part};
use chrono::{NaiveDate, NaiveDateTime};

static EMPTY: Cell = Cell::EMPTY;

pub(crate) struct RowView<'a> {
    pub row: usize,
    cells: &'a [Cell],
    pub layout: &'a Layout,
}

impl<'a> RowView<'a> {
    pub(crate) fn new(row: usize, cells: &'a [Cell], layout: &'a Layout) -> Self {
        RowView { row, cells, layout }
    }

    /// The first non-empty cell filling `key`, with its column. Short rows read as empty.
    fn find(&self, key: Key) -> Option<(usize, &Cell)> {
        self.layout
            .columns(key)
            .iter()
            .map(|&column| (column, self.cells.get(column).unwrap_or(&EMPTY)))
            .find(|(_, cell)| !cell.is_empty())
    }

    fn error(&self, column: usize, code: &'static str, value: String) -> RowError {
        RowError {
            row: self.row,
            column: self.layout.headers[column].clone(),
            code,
            value,
        }
    }

    fn text_of(&self, key: Key) -> Option<String> {
        self.find(key).map(|(_, cell)| cell.text().into_owned())
    }

    pub(crate) fn text(&self, field: &'static str) -> Option<String> {
        self.text_of(Key::value(field))
    }

    /// Parses the field's cell; a non-empty cell that `parse` rejects is a `code` error.
    pub(crate) fn parse<T>(
        &self,
        field: &'static str,
        code: &'static str,
        parse: impl Fn(&Cell) -> Option<T>,
    ) -> Result<Option<T>, RowError> {
        self.parse_key(Key::value(field), code, parse)
    }

    fn parse_key<T>(
        &self,
        key: Key,
        code: &'static str,
        parse: impl Fn(&Cell) -> Option<T>,
    ) -> Result<Option<T>, RowError> {
        match self.find(key) {
            None => Ok(None),
            Some((column, cell)) => match parse(cell) {
                Some(value) => Ok(Some(value)),
                None => Err(self.error(column, code, cell.text().into_owned())),
            },
        }
    }

    /// An error about the cell that currently fills `field`, e.g. a currency mismatch.
    pub(crate) fn error_at(&self, field: &'static str, code: &'static str) -> Option<RowError> {
        let (column, cell) = self.find(Key::value(field))?;
        Some(self.error(column, code, cell.text().into_owned()))
    }

    /// A `required` error on the first column present among `fields`.
    pub(crate) fn missing(&self, fields: &[&'static str]) -> RowError {
        let column = fields
            .iter()
            .find_map(|f| self.layout.columns(Key::value(f)).first())
            .copied()
            .unwrap_or(0);
        self.error(column, codes::REQUIRED, String::new())
    }

    pub(crate) fn required(&self, field: &'static str) -> Result<String, RowError> {
        self.text(field).ok_or_else(|| self.missing(&[field]))
    }

    /// A full name, built from first and last name when there is no name column value.
    pub(crate) fn person_name(&self) -> Result<String, RowError> {
        if let Some(name) = self.text("name") {
            return Ok(name);
        }
        full_name(self.text("first_name"), self.text("last_name"))
            .ok_or_else(|| self.missing(&["name", "last_name", "first_name"]))
    }

    pub(crate) fn email(&self, field: &'static str) -> Result<Option<String>, RowError> {
        self.parse(field, codes::INVALID_EMAIL, email_cell)
    }

    /// A user reference from `<field>.id`, `<field>.name` (may hold `Name (email)`) and
    /// `<field>.email` columns.
    pub(crate) fn person(&self, field: &'static str) -> Result<Option<PersonRef>, RowError> {
        let from_name = self
            .text_of(Key::of(field, Part::Name))
            .map(|t| person_from_text(&t))
            .unwrap_or_default();
        let email = self.parse_key(
            Key::of(field, Part::Email),
            codes::INVALID_EMAIL,
            email_cell,
        )?;
        let person = PersonRef {
            external_id: self.text_of(Key::of(field, Part::Id)),
            email: email.or(from_name.email),
            name: from_name.name,
        };
        Ok((person != PersonRef::default()).then_some(person))
    }

    /// A record reference from `<field>.id` and `<field>.name` columns.
    pub(crate) fn record(&self, field: &'static str) -> Option<RecordRef> {
        let reference = RecordRef {
            // HubSpot lists several associated ids as `1;2`; the first is the primary.
            external_id: self
                .text_of(Key::of(field, Part::Id))
                .and_then(first_of_list),
            name: self.text_of(Key::of(field, Part::Name)),
        };
        (reference != RecordRef::default()).then_some(reference)
    }
}

fn first_of_list(ids: String) -> Option<String> {
    ids.split(';')
        .map(str::trim)
        .find(|id| !id.is_empty())
        .map(str::to_string)
}

/// Chinese names are family name + given name with no space; others "First Last".
fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    match (first, last) {
        (Some(first), Some(last)) if is_cjk(&first) || is_cjk(&last) => Some(last + &first),
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first.or(last),
    }
}

fn is_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
    })
}

pub(crate) fn email_cell(cell: &Cell) -> Option<String> {
    let text = cell.text();
    is_email(&text).then(|| text.into_owned())
}

pub(crate) fn date_cell(cell: &Cell) -> Option<NaiveDate> {
    datetime_cell(cell).map(|at| at.date())
}

pub(crate) fn datetime_cell(cell: &Cell) -> Option<NaiveDateTime> {
    when_cell(cell).map(|w| w.at)
}

/// XLSX dates arrive typed, or as bare serial numbers when the cell lost its format.
pub(crate) fn when_cell(cell: &Cell) -> Option<When> {
    let (at, has_time) = match cell {
        Cell::DateTime(at) => (*at, at.time() != chrono::NaiveTime::MIN),
        Cell::Int(days) => (excel_serial(*days as f64)?, false),
        Cell::Float(serial) => {
            let at = excel_serial(*serial)?;
            (at, at.time() != chrono::NaiveTime::MIN)
        }
        Cell::Text(text) => return parse_when(text),
        Cell::Bool(_) => return None,
    };
    Some(When { at, has_time })
}

pub(crate) fn amount_cell(cell: &Cell) -> Option<Money> {
    match cell {
        Cell::Int(units) => Some(Money {
            minor: units.checked_mul(100)?,
            currency: None,
        }),
        Cell::Float(value) => float_amount(*value),
        Cell::Text(text) => parse_amount(text),
        Cell::DateTime(_) | Cell::Bool(_) => None,
    }
}

/// An XLSX number is already binary floating point; read its shortest decimal form.
/// Formula results such as `1320.0000000000002` are accepted as the cent value they
/// differ from only by float noise; anything else with sub-cent digits is rejected.
fn float_amount(value: f64) -> Option<Money> {
    if !value.is_finite() {
        return None;
    }
    parse_amount(&value.to_string()).or_else(|| {
        let cents = format!("{value:.2}");
        let back: f64 = cents.parse().ok()?;
        let noise = value.abs().max(1.0) * 1e-9;
        ((back - value).abs() <= noise).then_some(())?;
        parse_amount(&cents)
    })
}

/// `amount_minor` columns already hold integer minor units.
pub(crate) fn minor_cell(cell: &Cell) -> Option<i64> {
    if let Cell::Int(minor) = cell {
        return Some(*minor);
    }
    let text = cell.text();
    match text.strip_prefix('-') {
        Some(rest) => parse_count(rest).map(|m| -m),
        None => parse_count(&text),
    }
}

pub(crate) fn count_cell(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Int(n) => (*n >= 0).then_some(*n),
        _ => parse_count(&cell.text()),
    }
}

pub(crate) fn bool_cell(cell: &Cell) -> Option<bool> {
    match cell {
        Cell::Bool(b) => Some(*b),
        _ => parse_bool(&cell.text()),
    }
}

pub(crate) fn probability_cell(cell: &Cell) -> Option<u8> {
    parse_probability(&cell.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_joined_by_culture() {
        let s = |t: &str| Some(t.to_string());
        assert_eq!(full_name(s("三"), s("张")).as_deref(), Some("张三"));
        assert_eq!(
            full_name(s("Ada"), s("Lovelace")).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(full_name(None, s("王")).as_deref(), Some("王"));
        assert_eq!(full_name(None, None), None);
    }

    #[test]
    fn xlsx_float_amounts() {
        assert_eq!(float_amount(1234.5).map(|m| m.minor), Some(123_450));
        assert_eq!(
            float_amount(1320.0000000000002).map(|m| m.minor),
            Some(132_000)
        );
        assert_eq!(float_amount(0.1 + 0.2).map(|m| m.minor), Some(30));
        assert_eq!(float_amount(12.345), None);
        assert_eq!(float_amount(f64::NAN), None);
        assert_eq!(float_amount(1e300), None);
    }
}
