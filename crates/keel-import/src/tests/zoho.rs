use super::*;
use crate::{PersonRef, RecordRef, codes};

/// A Zoho deals export, columns shuffled, with custom columns and broken rows.
fn deals_csv() -> String {
    csv(&[
        &[
            "Stage",
            "Custom Field 1",
            "Deal Name",
            "Amount",
            "Deal Owner.id",
            "Record Id",
            "Closing Date",
            "Account Name",
            "Deal Owner",
            "Account Name.id",
            "Probability (%)",
            "Currency",
            "自定义字段",
            "Contact Name",
            "Contact Name.id",
            "Pipeline",
            "Type",
            "Lead Source",
            "Reason For Loss",
            "Created Time",
            "Owner Email",
        ],
        &[
            "Qualification",
            "x",
            "华为云扩容",
            "1,234,567.89 元",
            "4876876000000012001",
            "zcrm_4876876000000123456",
            "2026-03-05",
            "华为技术",
            "张伟",
            "zcrm_4876876000000200001",
            "30",
            "CNY",
            "随便",
            "李娜",
            "zcrm_4876876000000300001",
            "Standard",
            "New Business",
            "Web",
            "",
            "2026-01-10 09:30:00",
            "zhang.wei@example.cn",
        ],
        &[
            "Closed Lost",
            "",
            "Acme renewal",
            "$2,000.50",
            "4876876000000012002",
            "zcrm_4876876000000123457",
            "3/15/2026",
            "Acme",
            "Ann Lee",
            "",
            "0.1",
            "",
            "",
            "",
            "",
            "Standard",
            "Existing Business",
            "",
            "Price",
            "1/2/2026 10:00 AM",
            "",
        ],
        &[
            "Negotiation",
            "",
            "Bad date deal",
            "100",
            "",
            "zcrm_3",
            "2026-02-30",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "Negotiation",
            "",
            "Bad amount deal",
            "12.345",
            "",
            "zcrm_4",
            "2026-03-01",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "Negotiation",
            "",
            "  ",
            "100",
            "",
            "zcrm_5",
            "2026-03-01",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
        ],
        &["Prospecting", "", "短行交易", "¥0"],
    ])
}

fn check_deals(bytes: Vec<u8>) {
    let mut opts = options(Source::Zoho, Entity::Deals);
    opts.stage_map = vec![("qualification".into(), "qualify".into())];
    let reader = open(bytes.clone(), &opts);
    assert_eq!(reader.unmapped_columns(), ["Custom Field 1", "自定义字段"]);
    assert_eq!(reader.headers()[2], "Deal Name");
    let (records, errors) = read(bytes, &opts);
    let deals = deals(records);
    assert_eq!(deals.len(), 3, "{deals:#?}");

    let first = &deals[0];
    assert_eq!(first.row, 2);
    assert_eq!(first.external_id, s("zcrm_4876876000000123456"));
    assert_eq!(first.name, "华为云扩容");
    assert_eq!(first.amount_minor, Some(123_456_789));
    assert_eq!(first.currency, s("CNY"));
    assert_eq!(
        first.stage,
        s("qualify"),
        "stage_map applies case-insensitively"
    );
    assert_eq!(first.probability, Some(30));
    assert_eq!(first.close_date, Some(date(2026, 3, 5)));
    assert_eq!(first.created, Some(date(2026, 1, 10)));
    assert_eq!(
        first.owner,
        Some(PersonRef {
            external_id: s("4876876000000012001"),
            email: s("zhang.wei@example.cn"),
            name: s("张伟"),
        })
    );
    assert_eq!(
        first.account,
        Some(RecordRef {
            external_id: s("zcrm_4876876000000200001"),
            name: s("华为技术"),
        })
    );
    assert_eq!(
        first.contact,
        Some(RecordRef {
            external_id: s("zcrm_4876876000000300001"),
            name: s("李娜"),
        })
    );
    assert_eq!(first.pipeline, s("Standard"));
    assert_eq!(first.kind, s("New Business"));
    assert_eq!(first.source, s("Web"));
    assert_eq!(first.loss_reason, None);

    let second = &deals[1];
    assert_eq!(second.row, 3);
    assert_eq!(second.amount_minor, Some(200_050));
    assert_eq!(second.currency, s("USD"), "taken from the $ symbol");
    assert_eq!(second.stage, s("Closed Lost"));
    assert_eq!(second.probability, Some(10));
    assert_eq!(second.close_date, Some(date(2026, 3, 15)));
    assert_eq!(second.created, Some(date(2026, 1, 2)));
    assert_eq!(second.loss_reason, s("Price"));
    assert_eq!(second.account.as_ref().unwrap().external_id, None);

    let short = &deals[2];
    assert_eq!(short.row, 8, "the blank row 7 is skipped but still counted");
    assert_eq!(short.name, "短行交易");
    assert_eq!(short.amount_minor, Some(0));
    assert_eq!(
        short.close_date, None,
        "missing trailing cells read as empty"
    );
    assert_eq!(short.owner, None);

    assert_eq!(
        errors,
        [
            row_error(4, "Closing Date", codes::INVALID_DATE, "2026-02-30"),
            row_error(5, "Amount", codes::INVALID_AMOUNT, "12.345"),
            row_error(6, "Deal Name", codes::REQUIRED, ""),
        ]
    );
}

#[test]
fn deals_utf8_with_bom() {
    check_deals(with_bom(&deals_csv()));
}

#[test]
fn deals_utf8_without_bom() {
    check_deals(deals_csv().into_bytes());
}

#[test]
fn deals_gbk_from_chinese_excel() {
    let text = deals_csv().replace("¥0", "0 元");
    let gbk_bytes = gbk(&text);
    assert!(std::str::from_utf8(&gbk_bytes).is_err());
    check_deals(gbk_bytes);
}

#[test]
fn gbk_errors_carry_decoded_headers_and_values() {
    let text = csv(&[
        &["Deal Name", "金额备注", "Amount", "Closing Date"],
        &["好", "", "一百", "下周"],
    ]);
    let (_, errors) = read(gbk(&text), &options(Source::Zoho, Entity::Deals));
    assert_eq!(
        errors,
        [row_error(2, "Amount", codes::INVALID_AMOUNT, "一百")]
    );
}

#[test]
fn explicit_mapping_overrides_the_dialect() {
    let text = csv(&[
        &["Deal Name", "Type", "Region Owner"],
        &["Big deal", "Channel", "Wang Fang (wang.fang@example.cn)"],
    ]);
    let mut opts = options(Source::Zoho, Entity::Deals);
    opts.map = vec![
        ("type".into(), "pipeline".into()),
        ("Region Owner".into(), "owner".into()),
    ];
    let (records, errors) = read(text.into_bytes(), &opts);
    assert!(errors.is_empty(), "{errors:?}");
    let deal = &deals(records)[0];
    assert_eq!(deal.pipeline, s("Channel"));
    assert_eq!(deal.kind, None, "Type no longer fills the deal type");
    let owner = deal.owner.as_ref().unwrap();
    assert_eq!(owner.name, s("Wang Fang"));
    assert_eq!(owner.email, s("wang.fang@example.cn"));
}

#[test]
fn accounts_with_owner_parent_region_and_tags() {
    let text = csv(&[
        &[
            "Tag",
            "Billing State",
            "Account Name",
            "Employees",
            "Record Id",
            "Account Owner",
            "Account Owner.id",
            "Parent Account",
            "Parent Account.id",
            "Industry",
            "Billing City",
            "Description",
            "Custom Field 1",
        ],
        &[
            "VIP, 华南",
            "广东",
            "腾讯科技",
            "1,200",
            "zcrm_1",
            "张伟",
            "u1",
            "腾讯控股",
            "zcrm_0",
            "Internet",
            "深圳",
            "重点客户",
            "c",
        ],
        &[
            "",
            "",
            "Lonely Ltd",
            "lots",
            "zcrm_2",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]);
    let (records, errors) = read(with_bom(&text), &options(Source::Zoho, Entity::Accounts));
    assert_eq!(
        errors,
        [row_error(3, "Employees", codes::INVALID_NUMBER, "lots")]
    );
    let account = &accounts(records)[0];
    assert_eq!(account.name, "腾讯科技");
    assert_eq!(account.size, Some(1200));
    assert_eq!(account.region, s("深圳, 广东"));
    assert_eq!(account.tags, ["VIP", "华南"]);
    assert_eq!(account.industry, s("Internet"));
    assert_eq!(account.notes, s("重点客户"));
    assert_eq!(account.owner.as_ref().unwrap().external_id, s("u1"));
    assert_eq!(
        account.parent,
        Some(RecordRef {
            external_id: s("zcrm_0"),
            name: s("腾讯控股"),
        })
    );
}

#[test]
fn contacts_build_chinese_and_western_names() {
    let text = csv(&[
        &[
            "Email",
            "Last Name",
            "First Name",
            "Account Name",
            "Account Name.id",
            "Mobile",
            "Phone",
            "Contact Owner",
            "Contact Owner.id",
            "Title",
            "Record Id",
        ],
        &[
            "li.na@example.cn",
            "李",
            "娜",
            "华为技术",
            "zcrm_a",
            "13800138000",
            "",
            "张伟",
            "u1",
            "采购经理",
            "zcrm_c1",
        ],
        &[
            "ann@example.com",
            "Lee",
            "Ann",
            "",
            "",
            "555-0101",
            "555-0100",
            "",
            "",
            "CTO",
            "zcrm_c2",
        ],
        &[
            "not-an-email",
            "Bad",
            "Mail",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "zcrm_c3",
        ],
        &["", "", "", "", "", "", "", "", "", "Intern", "zcrm_c4"],
    ]);
    let (records, errors) = read(gbk(&text), &options(Source::Zoho, Entity::Contacts));
    assert_eq!(
        errors,
        [
            row_error(4, "Email", codes::INVALID_EMAIL, "not-an-email"),
            row_error(5, "Last Name", codes::REQUIRED, ""),
        ]
    );
    let contacts = contacts(records);
    assert_eq!(contacts[0].name, "李娜");
    assert_eq!(
        contacts[0].phone,
        s("13800138000"),
        "Mobile used when Phone is empty"
    );
    assert_eq!(
        contacts[0].account.as_ref().unwrap().external_id,
        s("zcrm_a")
    );
    assert_eq!(contacts[1].name, "Ann Lee");
    assert_eq!(
        contacts[1].phone,
        s("555-0100"),
        "Phone preferred over Mobile"
    );
}

#[test]
fn leads_export() {
    let text = csv(&[
        &[
            "Lead Status",
            "Company",
            "Last Name",
            "First Name",
            "Lead Source",
            "Email",
            "Phone",
            "Lead Owner",
            "Lead Owner.id",
            "Industry",
            "Description",
            "Record Id",
        ],
        &[
            "Contacted",
            "小米",
            "王",
            "芳",
            "展会",
            "wf@example.cn",
            "010-1234",
            "张伟",
            "u1",
            "Hardware",
            "来自展会",
            "zcrm_l1",
        ],
    ]);
    let (records, errors) = read(text.into_bytes(), &options(Source::Zoho, Entity::Leads));
    assert!(errors.is_empty(), "{errors:?}");
    let lead = &leads(records)[0];
    assert_eq!(lead.name, "王芳");
    assert_eq!(lead.company, s("小米"));
    assert_eq!(lead.status, s("Contacted"));
    assert_eq!(lead.source, s("展会"));
    assert_eq!(lead.owner.as_ref().unwrap().name, s("张伟"));
}

#[test]
fn calls_export_defaults_to_call_and_reads_start_time() {
    let text = csv(&[
        &[
            "Call Type",
            "Subject",
            "Call Start Time",
            "Call Owner",
            "Call Owner.id",
            "What Id",
            "Call Duration",
            "Description",
        ],
        &[
            "Outbound",
            "跟进报价",
            "2026-03-05 14:30:00",
            "张伟",
            "u1",
            "zcrm_d1",
            "05:00",
            "",
        ],
        &["", "回访", "3/6/2026 9:00 AM", "", "", "", "", ""],
        &["Outbound", "坏时间", "明天下午", "", "", "", "", ""],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Zoho, Entity::Activities),
    );
    assert_eq!(
        errors,
        [row_error(
            4,
            "Call Start Time",
            codes::INVALID_DATE,
            "明天下午"
        )]
    );
    let calls = activities(records);
    assert_eq!(calls[0].kind, "call");
    assert_eq!(calls[0].at, Some(datetime(2026, 3, 5, 14, 30)));
    assert_eq!(calls[0].related.as_ref().unwrap().external_id, s("zcrm_d1"));
    assert_eq!(
        calls[1].kind, "call",
        "a calls export without a type is still calls"
    );
    assert_eq!(calls[1].at, Some(datetime(2026, 3, 6, 9, 0)));
}

#[test]
fn tasks_export_reads_due_date_and_status() {
    let text = csv(&[
        &[
            "Subject",
            "Due Date",
            "Status",
            "Task Owner",
            "Task Owner.id",
            "What Id",
        ],
        &[
            "寄合同",
            "2026年3月9日",
            "Completed",
            "张伟",
            "u1",
            "zcrm_d1",
        ],
        &["准备方案", "2026/03/10", "Not Started", "", "", ""],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Zoho, Entity::Activities),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let tasks = activities(records);
    assert_eq!(tasks[0].kind, "task");
    assert_eq!(tasks[0].due, Some(date(2026, 3, 9)));
    assert_eq!(tasks[0].done, Some(true));
    assert_eq!(tasks[1].done, Some(false));
}
