//! The satisfaction list: CSAT and NPS answers the person may see, with filters and the CSAT
//! average and NPS over everything the filters select.

use super::list::Filters;
use crate::auth::me::Me;
use crate::shared::Query;
use crate::shared::params::opt_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use keel_db::accounts::AccountQuery;
use keel_db::satisfaction::{ResponseQuery, Summary};
use keel_db::sort::Cursor;
use keel_i18n::Locale;
use keel_views::{Choice, ResponseRow, SatisfactionPage};
use serde::Deserialize;

pub const KINDS: [&str; 2] = ["csat", "nps"];

/// "CSAT 4.33 (3) · NPS 25 (4)", or that there are no answers.
pub fn describe(l: Locale, s: &Summary) -> String {
    let mut parts = Vec::new();
    if let Some(avg) = s.csat_avg_hundredths {
        parts.push(l.t_args(
            "satisfaction-csat-summary",
            &[
                ("average", &format!("{}.{:02}", avg / 100, avg % 100)),
                ("count", &s.csat_responses.to_string()),
            ],
        ));
    }
    if let Some(nps) = s.nps {
        parts.push(l.t_args(
            "satisfaction-nps-summary",
            &[
                ("nps", &nps.to_string()),
                ("count", &s.nps_responses.to_string()),
            ],
        ));
    }
    if parts.is_empty() {
        l.t("satisfaction-no-summary")
    } else {
        parts.join(" · ")
    }
}

/// A score bound: empty is none; anything but 0 to 10 is refused.
pub fn score(s: &str) -> Result<Option<i32>, ()> {
    match s.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .ok()
            .filter(|n| (0..=10).contains(n))
            .map(Some)
            .ok_or(()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    owner: String,
    account: String,
    min: String,
    max: String,
    after: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let (min, max) = (score(&f.min), score(&f.max));
    let error = (min.is_err() || max.is_err()).then(|| l.t("satisfaction-score-invalid"));
    let kind = KINDS.iter().find(|k| **k == f.kind).map(|k| k.to_string());
    let q = ResponseQuery {
        kind: kind.clone(),
        owner: opt_id(&f.owner),
        account: opt_id(&f.account),
        min: min.unwrap_or(None),
        max: max.unwrap_or(None),
        after: Cursor::parse(&f.after),
        limit: 50,
    };
    let (rows, next) = state.db.responses(&actor, &q).await?;
    let summary = state.db.responses_summary(&actor, &q).await?;
    let (accounts, _) = state
        .db
        .accounts(
            &actor,
            &AccountQuery {
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    let people = crate::shared::present::assignable(&state, &me).await?;
    let text = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let filters = Filters::new(&[
        ("kind", kind.as_deref().unwrap_or("")),
        ("owner", &q.owner.map(|o| o.to_string()).unwrap_or_default()),
        (
            "account",
            &q.account.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("min", &text(q.min)),
        ("max", &text(q.max)),
    ]);
    let page = SatisfactionPage {
        kinds: Choice::list(
            &l.t("satisfaction-all-kinds"),
            KINDS
                .iter()
                .map(|k| (k.to_string(), l.t(&format!("csat-kind-{k}")))),
            kind.as_deref().unwrap_or(""),
        ),
        owners: Choice::list(
            &l.t("activities-all-owners"),
            people.into_iter().map(|(id, n)| (id.to_string(), n)),
            &q.owner.map(|o| o.to_string()).unwrap_or_default(),
        ),
        accounts: Choice::list(
            &l.t("satisfaction-all-accounts"),
            accounts.into_iter().map(|a| (a.id.to_string(), a.name)),
            &q.account.map(|a| a.to_string()).unwrap_or_default(),
        ),
        min: text(q.min),
        max: text(q.max),
        summary: describe(l, &summary),
        error,
        rows: rows
            .into_iter()
            .map(|r| ResponseRow {
                kind: r.kind.to_uppercase(),
                score: r.score,
                account: (format!("/accounts/{}", r.account_id), r.account_name),
                owner: r.owner_name,
                comment: r.comment.unwrap_or_default(),
                when: me.time(r.at),
            })
            .collect(),
        next: next.map(|c| filters.link("/satisfaction", &[("after", &c.to_string())])),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}
