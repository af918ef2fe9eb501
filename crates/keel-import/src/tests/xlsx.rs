use super::*;
use crate::codes;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A Zoho deals export saved as XLSX, with typed cells.
fn deals_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let datetime_format = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let percent = Format::new().set_num_format("0%");
    let headers = [
        "Amount",
        "Deal Name",
        "Closing Date",
        "Custom Field 1",
        "Probability (%)",
        "Created Time",
        "Deal Owner",
        "Record Id",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    // Row 2: typed number, typed date, percent-formatted fraction, date-time.
    sheet.write_number(1, 0, 1234.5).unwrap();
    sheet.write_string(1, 1, "华为项目").unwrap();
    let close = ExcelDateTime::from_ymd(2026, 3, 5).unwrap();
    sheet
        .write_datetime_with_format(1, 2, &close, &date_format)
        .unwrap();
    sheet.write_string(1, 3, "custom").unwrap();
    sheet.write_number_with_format(1, 4, 0.3, &percent).unwrap();
    let created = ExcelDateTime::from_ymd(2026, 1, 10)
        .unwrap()
        .and_hms(9, 30, 0)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 5, &created, &datetime_format)
        .unwrap();
    sheet.write_string(1, 6, "张伟").unwrap();
    sheet
        .write_string(1, 7, "zcrm_4876876000000123456")
        .unwrap();
    // Row 3: whole-number amount, date as a bare serial number without a date format.
    sheet.write_number(2, 0, 5000).unwrap();
    sheet.write_string(2, 1, "Plain serial").unwrap();
    sheet.write_number(2, 2, 46086).unwrap();
    sheet.write_number(2, 4, 30).unwrap();
    sheet.write_string(2, 5, "2026-01-11").unwrap();
    // Row 4 left empty. Rows 5-7 are broken.
    sheet.write_string(4, 0, "abc").unwrap();
    sheet.write_string(4, 1, "Text amount").unwrap();
    sheet.write_number(5, 0, 1).unwrap();
    sheet.write_number(6, 0, 1).unwrap();
    sheet.write_string(6, 1, "Text date").unwrap();
    sheet.write_string(6, 2, "not a date").unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn deals_from_xlsx_with_typed_cells() {
    let bytes = deals_workbook();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    let opts = options(Source::Zoho, Entity::Deals);
    let reader = open(bytes.clone(), &opts);
    assert_eq!(reader.headers().len(), 8);
    assert_eq!(reader.unmapped_columns(), ["Custom Field 1"]);
    let (records, errors) = read(bytes, &opts);
    assert_eq!(
        errors,
        [
            row_error(5, "Amount", codes::INVALID_AMOUNT, "abc"),
            row_error(6, "Deal Name", codes::REQUIRED, ""),
            row_error(7, "Closing Date", codes::INVALID_DATE, "not a date"),
        ]
    );
    let deals = deals(records);
    assert_eq!(deals.len(), 2);
    assert_eq!(deals[0].row, 2);
    assert_eq!(deals[0].amount_minor, Some(123_450));
    assert_eq!(deals[0].close_date, Some(date(2026, 3, 5)));
    assert_eq!(deals[0].probability, Some(30));
    assert_eq!(deals[0].created, Some(date(2026, 1, 10)));
    assert_eq!(deals[0].external_id, s("zcrm_4876876000000123456"));
    assert_eq!(deals[0].owner.as_ref().unwrap().name, s("张伟"));
    assert_eq!(deals[1].row, 3);
    assert_eq!(deals[1].amount_minor, Some(500_000));
    assert_eq!(deals[1].close_date, Some(date(2026, 3, 5)), "serial 46086");
    assert_eq!(deals[1].probability, Some(30));
}

#[test]
fn xlsx_numbers_in_text_fields_and_datetimes() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let datetime_format = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (col, header) in ["subject", "at", "owner", "external_id"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "电话回访").unwrap();
    let at = ExcelDateTime::from_ymd(2026, 3, 5)
        .unwrap()
        .and_hms(14, 30, 0)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 1, &at, &datetime_format)
        .unwrap();
    sheet.write_string(1, 2, "张伟 (zw@example.cn)").unwrap();
    sheet.write_number(1, 3, 13800138000.0).unwrap();
    let (records, errors) = read(
        workbook.save_to_buffer().unwrap(),
        &options(Source::Generic, Entity::Activities),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let activity = &activities(records)[0];
    assert_eq!(activity.at, Some(datetime(2026, 3, 5, 14, 30)));
    assert_eq!(
        activity.external_id,
        s("13800138000"),
        "no `.0` or exponent"
    );
    assert_eq!(activity.owner.as_ref().unwrap().email, s("zw@example.cn"));
}

/// Found with the fuzz target (fuzz/README.md): calamine stores the rectangle spanning a
/// sheet's used cells densely, so one value at XFD1048576 beside A1 asked for 512 GiB
/// and aborted the process instead of failing the file.
#[test]
fn far_away_cell_is_refused_not_allocated() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Deal Name").unwrap();
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let opts = options(Source::Zoho, Entity::Deals);
    match Reader::open(std::io::Cursor::new(bytes), &opts) {
        Err(crate::FileError::Xlsx(message)) => {
            assert!(
                message.contains("1048576 rows × 16384 columns"),
                "{message}"
            )
        }
        Err(other) => panic!("unexpected error: {other}"),
        Ok(reader) => panic!("opened a sheet of {} columns", reader.headers().len()),
    }

    // A tall but narrow sheet is still read: its rectangle has only 2^20 cells.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Deal Name").unwrap();
    sheet.write_string(1_048_575, 0, "last row").unwrap();
    let (records, errors) = read(workbook.save_to_buffer().unwrap(), &opts);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(deals(records)[0].row, 1_048_576);
}
