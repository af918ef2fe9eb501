use super::*;
use crate::codes;

fn opportunities_csv() -> String {
    csv(&[
        &[
            "CloseDate",
            "Custom_Field__c",
            "Amount",
            "Name",
            "Id",
            "StageName",
            "OwnerId",
            "AccountId",
            "Probability",
            "IsClosed",
            "IsWon",
            "Type",
            "LeadSource",
            "CreatedDate",
            "CurrencyIsoCode",
            "自定义字段",
        ],
        &[
            "2026-03-31",
            "x",
            "250000",
            "阿里云年度合同",
            "0065g00000XyZaBAAV",
            "Closed Won",
            "0055g00000ABCDE",
            "0015g00000QwErT",
            "100",
            "true",
            "true",
            "New Customer",
            "Partner",
            "2026-01-05T08:30:00.000+0000",
            "CNY",
            "",
        ],
        &[
            "4/30/2026",
            "",
            "99.5",
            "Globex pilot",
            "0065g00000XyZaCAAV",
            "Prospecting",
            "0055g00000ABCDF",
            "",
            "10",
            "false",
            "false",
            "",
            "",
            "2026-02-01T00:00:00Z",
            "usd",
            "",
        ],
        &[
            "2026-13-01",
            "",
            "1",
            "Bad close date",
            "0065g3",
            "Prospecting",
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
            "2026-04-01",
            "",
            "1,00",
            "Decimal comma",
            "0065g4",
            "Prospecting",
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
            "2026-04-01",
            "",
            "5",
            "",
            "0065g5",
            "Prospecting",
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
            "2026-04-01",
            "",
            "5",
            "Bad flag",
            "0065g6",
            "Prospecting",
            "",
            "",
            "",
            "maybe",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ])
}

fn check_opportunities(bytes: Vec<u8>) {
    let opts = options(Source::Salesforce, Entity::Deals);
    assert_eq!(
        open(bytes.clone(), &opts).unmapped_columns(),
        ["Custom_Field__c", "自定义字段"]
    );
    let (records, errors) = read(bytes, &opts);
    assert_eq!(
        errors,
        [
            row_error(4, "CloseDate", codes::INVALID_DATE, "2026-13-01"),
            row_error(5, "Amount", codes::INVALID_AMOUNT, "1,00"),
            row_error(6, "Name", codes::REQUIRED, ""),
            row_error(7, "IsClosed", codes::INVALID_BOOL, "maybe"),
        ]
    );
    let deals = deals(records);
    assert_eq!(deals.len(), 2);
    let won = &deals[0];
    assert_eq!(won.external_id, s("0065g00000XyZaBAAV"));
    assert_eq!(won.name, "阿里云年度合同");
    assert_eq!(won.amount_minor, Some(25_000_000));
    assert_eq!(won.currency, s("CNY"));
    assert_eq!(won.close_date, Some(date(2026, 3, 31)));
    assert_eq!(won.created, Some(date(2026, 1, 5)));
    assert_eq!(won.is_won, Some(true));
    assert_eq!(won.is_closed, Some(true));
    assert_eq!(won.probability, Some(100));
    let owner = won.owner.as_ref().unwrap();
    assert_eq!(owner.external_id, s("0055g00000ABCDE"));
    assert_eq!((owner.name.as_ref(), owner.email.as_ref()), (None, None));
    assert_eq!(
        won.account.as_ref().unwrap().external_id,
        s("0015g00000QwErT")
    );
    assert_eq!(won.kind, s("New Customer"));
    assert_eq!(won.source, s("Partner"));

    let pilot = &deals[1];
    assert_eq!(pilot.amount_minor, Some(9_950));
    assert_eq!(pilot.currency, s("USD"), "currency codes are upper-cased");
    assert_eq!(pilot.close_date, Some(date(2026, 4, 30)));
    assert_eq!(pilot.is_won, Some(false));
    assert_eq!(pilot.account, None);
}

#[test]
fn opportunities_utf8() {
    check_opportunities(opportunities_csv().into_bytes());
}

#[test]
fn opportunities_utf8_bom() {
    check_opportunities(with_bom(&opportunities_csv()));
}

#[test]
fn opportunities_gbk() {
    check_opportunities(gbk(&opportunities_csv()));
}

#[test]
fn currency_column_and_symbol_must_agree() {
    let text = csv(&[
        &["Name", "Amount", "CurrencyIsoCode"],
        &["ok", "$5", "USD"],
        &["clash", "$5", "CNY"],
        &["odd", "5", "dollars"],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Salesforce, Entity::Deals),
    );
    assert_eq!(records.len(), 1);
    assert_eq!(
        errors,
        [
            row_error(3, "Amount", codes::CURRENCY_MISMATCH, "$5"),
            row_error(4, "CurrencyIsoCode", codes::INVALID_CURRENCY, "dollars"),
        ]
    );
}

#[test]
fn contacts_and_leads_compose_names() {
    let text = csv(&[
        &[
            "Title",
            "LastName",
            "Id",
            "FirstName",
            "AccountId",
            "Email",
            "Phone",
            "OwnerId",
        ],
        &[
            "销售总监",
            "王",
            "0035g1",
            "芳",
            "0015g1",
            "wf@example.cn",
            "",
            "0055g1",
        ],
        &["", "Smith", "0035g2", "", "", "", "", ""],
        &["", "", "0035g3", "", "", "", "", ""],
    ]);
    let (records, errors) = read(
        text.clone().into_bytes(),
        &options(Source::Salesforce, Entity::Contacts),
    );
    assert_eq!(errors, [row_error(4, "LastName", codes::REQUIRED, "")]);
    let contacts = contacts(records);
    assert_eq!(contacts[0].name, "王芳");
    assert_eq!(contacts[0].title, s("销售总监"));
    assert_eq!(
        contacts[0].account.as_ref().unwrap().external_id,
        s("0015g1")
    );
    assert_eq!(contacts[1].name, "Smith");

    let leads_text = csv(&[
        &[
            "Id",
            "FirstName",
            "LastName",
            "Company",
            "Status",
            "LeadSource",
            "OwnerId",
        ],
        &[
            "00Q1",
            "Ada",
            "Lovelace",
            "Analytical",
            "Open",
            "Web",
            "0055g1",
        ],
    ]);
    let (records, _) = read(
        leads_text.into_bytes(),
        &options(Source::Salesforce, Entity::Leads),
    );
    let lead = &leads(records)[0];
    assert_eq!(lead.name, "Ada Lovelace");
    assert_eq!(lead.status, s("Open"));
    assert_eq!(lead.owner.as_ref().unwrap().external_id, s("0055g1"));
}

#[test]
fn tasks_map_subtype_and_prefer_what_id() {
    let text = csv(&[
        &[
            "WhoId",
            "Subject",
            "TaskSubtype",
            "ActivityDate",
            "Status",
            "WhatId",
            "Id",
            "OwnerId",
        ],
        &[
            "0035g1",
            "Call back",
            "Call",
            "2026-03-05",
            "Completed",
            "0065g1",
            "00T1",
            "0055g1",
        ],
        &[
            "0035g2",
            "Send deck",
            "Email",
            "3/7/2026",
            "Not Started",
            "",
            "00T2",
            "",
        ],
        &["", "Plan", "Task", "", "Open", "", "00T3", ""],
        &["", "Bad", "Task", "yesterday", "Open", "", "00T4", ""],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Salesforce, Entity::Activities),
    );
    assert_eq!(
        errors,
        [row_error(
            5,
            "ActivityDate",
            codes::INVALID_DATE,
            "yesterday"
        )]
    );
    let tasks = activities(records);
    assert_eq!(tasks[0].kind, "call");
    assert_eq!(tasks[0].due, Some(date(2026, 3, 5)));
    assert_eq!(tasks[0].done, Some(true));
    assert_eq!(tasks[0].related.as_ref().unwrap().external_id, s("0065g1"));
    assert_eq!(tasks[1].kind, "email");
    assert_eq!(tasks[1].related.as_ref().unwrap().external_id, s("0035g2"));
    assert_eq!(tasks[2].kind, "task");
    assert_eq!(tasks[2].related, None);
}

#[test]
fn users_become_people_with_managers() {
    let text = csv(&[
        &["Id", "Name", "Email", "Title", "ManagerId", "UserRole.Name"],
        &[
            "0055g1",
            "张伟",
            "zhang.wei@example.cn",
            "Sales Director",
            "0055g0",
            "华南区",
        ],
    ]);
    let (records, errors) = read(
        text.into_bytes(),
        &options(Source::Salesforce, Entity::People),
    );
    assert!(errors.is_empty());
    let person = &people(records)[0];
    assert_eq!(person.name, "张伟");
    assert_eq!(person.role, s("华南区"));
    assert_eq!(person.manager.as_ref().unwrap().external_id, s("0055g0"));
}
