use super::*;
use crate::{PersonRef, RecordRef, codes};

fn deals_csv() -> String {
    csv(&[
        &[
            "Deal owner",
            "Record ID",
            "Amount",
            "Custom Field 1",
            "Deal Name",
            "Deal Stage",
            "Pipeline",
            "Close Date",
            "Create Date",
            "Deal Type",
            "Associated Company",
            "Associated Company IDs",
            "自定义字段",
        ],
        &[
            "Li Lei (li.lei@example.com)",
            "18253009",
            "12,000.00",
            "",
            "京东物流项目",
            "Appointment scheduled",
            "Sales Pipeline",
            "2026-04-01 00:00",
            "2026-01-15 10:12",
            "newbusiness",
            "京东",
            "9001;9002",
            "",
        ],
        &[
            "Ann Lee",
            "18253010",
            "USD 99.5",
            "",
            "Initech",
            "closedwon",
            "Sales Pipeline",
            "2026-05-01",
            "2026-01-16",
            "",
            "",
            "",
            "",
        ],
        &[
            "ann@example.com",
            "18253011",
            "(1,000)",
            "",
            "Refund",
            "closedlost",
            "Sales Pipeline",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "",
            "18253012",
            "",
            "",
            "Bad close",
            "",
            "",
            "soon",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "",
            "18253013",
            "1.005",
            "",
            "Bad amount",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &["", "18253014", "5", "", "", "", "", "", "", "", "", "", ""],
    ])
}

fn check_deals(bytes: Vec<u8>) {
    let mut opts = options(Source::Hubspot, Entity::Deals);
    opts.stage_map = vec![
        ("appointmentscheduled".into(), "qualify".into()),
        ("ClosedWon".into(), "won".into()),
    ];
    let (records, errors) = read(bytes, &opts);
    assert_eq!(
        errors,
        [
            row_error(5, "Close Date", codes::INVALID_DATE, "soon"),
            row_error(6, "Amount", codes::INVALID_AMOUNT, "1.005"),
            row_error(7, "Deal Name", codes::REQUIRED, ""),
        ]
    );
    let deals = deals(records);
    assert_eq!(deals.len(), 3);
    assert_eq!(
        deals[0].owner,
        Some(PersonRef {
            external_id: None,
            email: s("li.lei@example.com"),
            name: s("Li Lei"),
        })
    );
    assert_eq!(deals[0].amount_minor, Some(1_200_000));
    assert_eq!(deals[0].currency, None);
    assert_eq!(
        deals[0].stage,
        s("Appointment scheduled"),
        "unmapped stages pass through"
    );
    assert_eq!(deals[0].close_date, Some(date(2026, 4, 1)));
    assert_eq!(deals[0].created, Some(date(2026, 1, 15)));
    assert_eq!(
        deals[0].account,
        Some(RecordRef {
            external_id: s("9001"),
            name: s("京东"),
        }),
        "the first of several associated ids is the primary one"
    );
    assert_eq!(deals[1].owner.as_ref().unwrap().name, s("Ann Lee"));
    assert_eq!(deals[1].currency, s("USD"));
    assert_eq!(deals[1].stage, s("won"));
    assert_eq!(deals[2].owner.as_ref().unwrap().email, s("ann@example.com"));
    assert_eq!(deals[2].owner.as_ref().unwrap().name, None);
    assert_eq!(deals[2].amount_minor, Some(-100_000));
}

#[test]
fn deals_utf8_bom() {
    check_deals(with_bom(&deals_csv()));
}

#[test]
fn deals_gbk() {
    check_deals(gbk(&deals_csv()));
}

#[test]
fn companies_and_contacts() {
    let companies = csv(&[
        &[
            "Company name",
            "Record ID",
            "State/Region",
            "City",
            "Number of Employees",
            "Company owner",
            "Create Date",
            "Industry",
            "Custom Field 1",
        ],
        &[
            "字节跳动",
            "501",
            "Beijing",
            "",
            "10000",
            "张伟 (zhang.wei@example.cn)",
            "2026-01-01",
            "Internet",
            "",
        ],
        &["Tiny Co", "502", "CA", "San Jose", "12.5", "", "", "", ""],
    ]);
    let opts = options(Source::Hubspot, Entity::Accounts);
    let reader = open(gbk(&companies), &opts);
    assert_eq!(reader.unmapped_columns(), ["Create Date", "Custom Field 1"]);
    let (records, errors) = read(gbk(&companies), &opts);
    assert_eq!(
        errors,
        [row_error(
            3,
            "Number of Employees",
            codes::INVALID_NUMBER,
            "12.5"
        )]
    );
    let account = &accounts(records)[0];
    assert_eq!(account.name, "字节跳动");
    assert_eq!(account.size, Some(10_000));
    assert_eq!(account.region, s("Beijing"));
    assert_eq!(
        account.owner.as_ref().unwrap().email,
        s("zhang.wei@example.cn")
    );

    let contacts_text = csv(&[
        &[
            "Record ID",
            "Email",
            "First Name",
            "Last Name",
            "Phone Number",
            "Job Title",
            "Contact owner",
            "Associated Company",
        ],
        &[
            "601",
            "liu@example.cn",
            "洋",
            "刘",
            "+86 138 0000 0000",
            "CEO",
            "Ann Lee",
            "字节跳动",
        ],
    ]);
    let (records, errors) = read(
        contacts_text.into_bytes(),
        &options(Source::Hubspot, Entity::Contacts),
    );
    assert!(errors.is_empty());
    let contact = &contacts(records)[0];
    assert_eq!(contact.name, "刘洋");
    assert_eq!(contact.phone, s("+86 138 0000 0000"));
    assert_eq!(contact.account.as_ref().unwrap().name, s("字节跳动"));
    assert_eq!(contact.owner.as_ref().unwrap().name, s("Ann Lee"));
}
