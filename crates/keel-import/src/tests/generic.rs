use super::*;
use crate::{FileError, codes};

/// A deals sheet as a Chinese sales team keeps it in Excel, saved as GBK CSV.
fn chinese_deals_csv() -> String {
    csv(&[
        &[
            "客户名称",
            "金额",
            "自定义字段",
            "名称",
            "阶段",
            "预计成交日期",
            "负责人",
        ],
        &[
            "华为",
            "￥12万",
            "a",
            "华为云扩容",
            "谈判",
            "2026年3月5日",
            "张伟",
        ],
        &[
            "小米",
            "3,500.00 元",
            "",
            "小米手环",
            "初步接洽",
            "2026/04/01",
            "li@example.cn",
        ],
        &[
            "腾讯",
            "RMB 1,000",
            "",
            "腾讯会议",
            "赢单",
            "2026.05.06",
            "王芳 (wf@example.cn)",
        ],
        &["京东", "一千", "", "京东云", "", "", ""],
        &["阿里", "100", "", "阿里云", "", "三月", ""],
        &["百度", "100", "", "", "", "", ""],
    ])
}

#[test]
fn chinese_headers_in_gbk() {
    let mut opts = options(Source::Generic, Entity::Deals);
    opts.stage_map = vec![("赢单".into(), "won".into())];
    let bytes = gbk(&chinese_deals_csv());
    assert_eq!(
        open(bytes.clone(), &opts).unmapped_columns(),
        ["自定义字段"]
    );
    let (records, errors) = read(bytes, &opts);
    assert_eq!(
        errors,
        [
            row_error(5, "金额", codes::INVALID_AMOUNT, "一千"),
            row_error(6, "预计成交日期", codes::INVALID_DATE, "三月"),
            row_error(7, "名称", codes::REQUIRED, ""),
        ]
    );
    let deals = deals(records);
    assert_eq!(deals.len(), 3);
    assert_eq!(deals[0].name, "华为云扩容");
    assert_eq!(
        deals[0].amount_minor,
        Some(12_000_000),
        "￥12万 = 120,000 yuan"
    );
    assert_eq!(deals[0].currency, s("CNY"));
    assert_eq!(deals[0].close_date, Some(date(2026, 3, 5)));
    assert_eq!(deals[0].account.as_ref().unwrap().name, s("华为"));
    assert_eq!(deals[0].owner.as_ref().unwrap().name, s("张伟"));
    assert_eq!(deals[1].amount_minor, Some(350_000));
    assert_eq!(deals[1].close_date, Some(date(2026, 4, 1)));
    assert_eq!(deals[1].owner.as_ref().unwrap().email, s("li@example.cn"));
    assert_eq!(deals[2].stage, s("won"));
    assert_eq!(deals[2].close_date, Some(date(2026, 5, 6)));
    assert_eq!(deals[2].owner.as_ref().unwrap().name, s("王芳"));
    assert_eq!(deals[2].owner.as_ref().unwrap().email, s("wf@example.cn"));
}

#[test]
fn chinese_headers_with_bom() {
    let (records, errors) = read(
        with_bom(&chinese_deals_csv()),
        &options(Source::Generic, Entity::Deals),
    );
    assert_eq!((records.len(), errors.len()), (3, 3));
}

#[test]
fn english_field_names_in_any_spelling() {
    let text = csv(&[
        &[
            "Close Date",
            "NAME",
            "amount_minor",
            "owner_email",
            "account_id",
            "is_won",
            "Extra",
        ],
        &[
            "2026-03-05",
            "Deal A",
            "123456",
            "a@example.com",
            "acc-1",
            "是",
            "x",
        ],
        &["", "Deal B", "-5", "", "", "否", ""],
    ]);
    let opts = options(Source::Generic, Entity::Deals);
    assert_eq!(
        open(text.clone().into_bytes(), &opts).unmapped_columns(),
        ["Extra"]
    );
    let (records, errors) = read(text.into_bytes(), &opts);
    assert!(errors.is_empty(), "{errors:?}");
    let deals = deals(records);
    assert_eq!(
        deals[0].amount_minor,
        Some(123_456),
        "amount_minor is already minor units"
    );
    assert_eq!(deals[0].owner.as_ref().unwrap().email, s("a@example.com"));
    assert_eq!(deals[0].account.as_ref().unwrap().external_id, s("acc-1"));
    assert_eq!(deals[0].is_won, Some(true));
    assert_eq!(deals[1].amount_minor, Some(-5));
    assert_eq!(deals[1].is_won, Some(false));
}

#[test]
fn mapping_list_renames_and_ignores_columns() {
    let text = csv(&[
        &["Opportunity", "Value", "Salesperson", "名称"],
        &["Deal A", "¥1,200", "张伟", "ignored"],
    ]);
    let mut opts = options(Source::Generic, Entity::Deals);
    opts.map = vec![
        ("Opportunity".into(), "name".into()),
        ("Value".into(), "amount".into()),
        ("Salesperson".into(), "owner".into()),
        ("名称".into(), "-".into()),
    ];
    let reader = open(text.clone().into_bytes(), &opts);
    assert_eq!(reader.unmapped_columns(), ["名称"]);
    let (records, _) = read(text.into_bytes(), &opts);
    let deal = &deals(records)[0];
    assert_eq!(deal.name, "Deal A");
    assert_eq!(deal.amount_minor, Some(120_000));
    assert_eq!(deal.owner.as_ref().unwrap().name, s("张伟"));
}

#[test]
fn unknown_mapping_target_is_a_file_error() {
    let mut opts = options(Source::Generic, Entity::Deals);
    opts.map = vec![("Value".into(), "revenue".into())];
    let error = crate::Reader::open(std::io::Cursor::new(b"name\nx\n".to_vec()), &opts)
        .err()
        .unwrap();
    assert_eq!(error, FileError::UnknownField("revenue".into()));
}

#[test]
fn chinese_activity_dates_go_to_at_or_due() {
    let text = csv(&[
        &["主题", "日期", "状态", "负责人", "类型"],
        &["拜访客户", "2026-03-05 14:00", "已完成", "张伟", "拜访"],
        &["发报价", "2026-03-06", "进行中", "", "邮件"],
        &["", "2026-03-06", "", "", ""],
    ]);
    let mut opts = options(Source::Generic, Entity::Activities);
    opts.map = vec![("类型".into(), "kind".into())];
    let (records, errors) = read(gbk(&text), &opts);
    assert_eq!(errors, [row_error(4, "主题", codes::REQUIRED, "")]);
    let items = activities(records);
    assert_eq!(items[0].kind, "visit");
    assert_eq!(items[0].at, Some(datetime(2026, 3, 5, 14, 0)));
    assert_eq!(items[0].due, None);
    assert_eq!(items[0].done, Some(true));
    assert_eq!(items[1].kind, "email");
    assert_eq!(items[1].due, Some(date(2026, 3, 6)));
    assert_eq!(items[1].at, None);
    assert_eq!(items[1].done, Some(false));
}

#[test]
fn chinese_contacts_accounts_and_leads() {
    let contacts_text = csv(&[
        &["姓名", "电话", "邮箱", "职位", "公司", "备注"],
        &[
            "赵敏",
            "13900000000",
            "zm@example.cn",
            "经理",
            "华为",
            "老客户",
        ],
    ]);
    let (records, _) = read(
        gbk(&contacts_text),
        &options(Source::Generic, Entity::Contacts),
    );
    let contact = &contacts(records)[0];
    assert_eq!(contact.name, "赵敏");
    assert_eq!(contact.email, s("zm@example.cn"));
    assert_eq!(contact.account.as_ref().unwrap().name, s("华为"));
    assert_eq!(contact.notes, s("老客户"));

    let accounts_text = csv(&[&["客户名称", "行业", "所有者"], &["格力", "制造", "张伟"]]);
    let (records, _) = read(
        gbk(&accounts_text),
        &options(Source::Generic, Entity::Accounts),
    );
    let account = &accounts(records)[0];
    assert_eq!(account.name, "格力");
    assert_eq!(account.industry, s("制造"));

    let leads_text = csv(&[
        &["姓名", "公司", "来源", "状态", "行业"],
        &["周杰", "美团", "官网", "新线索", "本地生活"],
    ]);
    let (records, _) = read(gbk(&leads_text), &options(Source::Generic, Entity::Leads));
    let lead = &leads(records)[0];
    assert_eq!(
        (
            lead.company.as_deref(),
            lead.source.as_deref(),
            lead.status.as_deref()
        ),
        (Some("美团"), Some("官网"), Some("新线索"))
    );
}

#[test]
fn semicolon_and_tab_separated_files() {
    let (records, _) = read(
        b"name;amount\nDeal A;1.20\n".to_vec(),
        &options(Source::Generic, Entity::Deals),
    );
    assert_eq!(deals(records)[0].amount_minor, Some(120));
    let (records, _) = read(
        "名称\t金额\n甲\t5\n".as_bytes().to_vec(),
        &options(Source::Generic, Entity::Deals),
    );
    assert_eq!(deals(records)[0].amount_minor, Some(500));
}

#[test]
fn quoted_line_breaks_do_not_shift_row_numbers() {
    let text = csv(&[
        &["name", "notes", "size"],
        &["A", "line one\nline two\nline three", "1"],
        &["B", "", "many"],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Generic, Entity::Accounts),
    );
    assert_eq!(
        accounts(records)[0].notes,
        s("line one\nline two\nline three")
    );
    assert_eq!(
        errors,
        [row_error(3, "size", codes::INVALID_NUMBER, "many")]
    );
}

#[test]
fn excel_unicode_text_export_is_utf16_with_tabs() {
    let text = "名称\t金额\t负责人\r\n华为云\t\"1,200.00\"\t张伟\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (records, errors) = read(bytes, &options(Source::Generic, Entity::Deals));
    assert!(errors.is_empty(), "{errors:?}");
    let deal = &deals(records)[0];
    assert_eq!(deal.name, "华为云");
    assert_eq!(deal.amount_minor, Some(120_000));
}
