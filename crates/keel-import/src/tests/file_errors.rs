use super::*;
use crate::{FileError, codes};
use std::io::{Cursor, Read};

fn open_error(bytes: &[u8], opts: &Options) -> FileError {
    match Reader::open(Cursor::new(bytes.to_vec()), opts) {
        Ok(_) => panic!("expected a file error"),
        Err(e) => e,
    }
}

#[test]
fn empty_and_blank_files() {
    let opts = options(Source::Zoho, Entity::Deals);
    assert_eq!(open_error(b"", &opts), FileError::Empty);
    assert_eq!(open_error(b"\xEF\xBB\xBF", &opts), FileError::Empty);
    assert_eq!(open_error(b"\r\n  \n,,\n", &opts), FileError::Empty);
}

#[test]
fn header_only_yields_no_rows() {
    let reader = open(
        b"Deal Name,Amount\n".to_vec(),
        &options(Source::Zoho, Entity::Deals),
    );
    assert_eq!(reader.count(), 0);
}

#[test]
fn missing_required_column_lists_accepted_headers() {
    let deals = open_error(
        b"Amount,Stage\n5,New\n",
        &options(Source::Zoho, Entity::Deals),
    );
    assert_eq!(deals, FileError::MissingColumns(vec!["Deal Name".into()]));
    let contacts = open_error(b"Email\na@b.cn\n", &options(Source::Zoho, Entity::Contacts));
    assert_eq!(
        contacts,
        FileError::MissingColumns(vec![
            "Full Name".into(),
            "First Name".into(),
            "Last Name".into()
        ])
    );
    let generic = open_error(b"x\n", &options(Source::Generic, Entity::Activities));
    assert_eq!(
        generic,
        FileError::MissingColumns(vec!["主题".into(), "subject".into()])
    );
    assert!(generic.to_string().contains("主题, subject"));
}

#[test]
fn headers_match_trimmed_and_case_insensitively() {
    let (records, _) = read(
        b"  deal   NAME ,AMOUNT\nx,1\n".to_vec(),
        &options(Source::Zoho, Entity::Deals),
    );
    assert_eq!(deals(records)[0].amount_minor, Some(100));
}

#[test]
fn non_tabular_inputs() {
    let opts = options(Source::Generic, Entity::Deals);
    assert!(matches!(
        open_error(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", &opts),
        FileError::NotTabular(_)
    ));
    assert!(matches!(
        open_error(b"name\0\x01\x02,amount\n", &opts),
        FileError::NotTabular(_)
    ));
    assert!(matches!(
        open_error(b"PK\x03\x04 definitely not a zip", &opts),
        FileError::Xlsx(_)
    ));
}

#[test]
fn read_failure_mid_file_is_reported_once() {
    struct FailsAfter(Cursor<Vec<u8>>);
    impl Read for FailsAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("connection reset")),
                n => Ok(n),
            }
        }
    }
    let input = FailsAfter(Cursor::new(b"Deal Name\nA\nB\n".to_vec()));
    let items: Vec<_> = Reader::open(input, &options(Source::Zoho, Entity::Deals))
        .unwrap()
        .collect();
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    let error = items[2].as_ref().unwrap_err();
    assert_eq!((error.row, error.code), (4, codes::READ_ERROR));
    assert!(error.value.contains("connection reset"));
}

#[test]
fn row_errors_read_well() {
    let error = row_error(4, "Closing Date", codes::INVALID_DATE, "2026-02-30");
    assert_eq!(
        error.to_string(),
        "row 4, column \"Closing Date\": not a valid date (\"2026-02-30\")"
    );
    let required = row_error(6, "Deal Name", codes::REQUIRED, "");
    assert_eq!(
        required.to_string(),
        "row 6, column \"Deal Name\": a value is required"
    );
}
