//! Customer satisfaction: CSAT (1–5) and NPS (0–10) responses, tied to an account, optionally
//! a deal, and the owner responsible.

use crate::sort::{self, Cursor, Key, bind_cursor};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub kind: String,
    pub score: i32,
    pub comment: Option<String>,
    pub deal_id: Option<Uuid>,
    pub at: Option<DateTime<Utc>>,
}

/// An account's satisfaction so far: CSAT average in hundredths (425 = 4.25) and NPS
/// (% promoters − % detractors), each with its number of responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub csat_responses: i64,
    pub csat_avg_hundredths: Option<i64>,
    pub nps_responses: i64,
    pub nps: Option<i64>,
}

impl Db {
    pub async fn record_satisfaction(
        &self,
        actor: &Actor,
        account: Uuid,
        r: &Response,
    ) -> Result<Uuid> {
        let valid = match r.kind.as_str() {
            "csat" => (1..=5).contains(&r.score),
            "nps" => (0..=10).contains(&r.score),
            _ => false,
        };
        if !valid {
            return Err(DbError::Conflict("invalid_score"));
        }
        let acc = self.account(actor, account).await?;
        let owner = acc.owner_id.ok_or(DbError::Forbidden)?;
        self.check_writable(actor, Some(owner)).await?;
        if let Some(d) = r.deal_id {
            let deal = self
                .deal(actor, d)
                .await
                .map_err(|_| DbError::Conflict("unknown_deal"))?;
            if deal.account_id != Some(account) {
                return Err(DbError::Conflict("unknown_deal"));
            }
        }
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO satisfaction (id, kind, score, comment, account_id, deal_id, owner_id, at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(&r.kind)
            .bind(r.score)
            .bind(&r.comment)
            .bind(account)
            .bind(r.deal_id)
            .bind(owner)
            .bind(r.at.unwrap_or(at))
            .bind(at)
            .execute(c)
            .await?;
        });
        crate::rollups::record(&mut tx, crate::rollups::Source::Satisfaction(id)).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "satisfaction",
            entity_id: Some(id),
            summary: format!("{} {} for {}", r.kind, r.score, acc.name),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account's CSAT average and NPS, from every response (the account must be visible).
    pub async fn satisfaction_of(&self, actor: &Actor, account: Uuid) -> Result<Summary> {
        self.account(actor, account).await?;
        let all = self
            .reads_all(actor, crate::crm::Module::Satisfaction)
            .await?;
        let sql = format!(
            "SELECT s.kind, s.score FROM satisfaction s WHERE {} AND s.account_id = $3",
            crate::crm::readable("s", 1, 2)
        );
        let scores: Vec<(String, i32)> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(all).bind(account).fetch_all(p).await?
        });
        Ok(summarise(&scores))
    }
}

/// One response in the satisfaction list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ResponseLine {
    pub id: Uuid,
    pub kind: String,
    pub score: i32,
    pub comment: Option<String>,
    pub account_id: Uuid,
    pub account_name: String,
    pub deal_id: Option<Uuid>,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub at: DateTime<Utc>,
}

/// The satisfaction list's filters.
#[derive(Debug, Clone, Default)]
pub struct ResponseQuery {
    /// `csat` or `nps`.
    pub kind: Option<String>,
    pub owner: Option<Uuid>,
    pub account: Option<Uuid>,
    /// Scores from `min` to `max`, both included.
    pub min: Option<i32>,
    pub max: Option<i32>,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// The filters as SQL after `WHERE` (`$1` actor, `$2` reads-all, `$3..$7` the filters).
fn filtered(q: &ResponseQuery) -> String {
    let mut sql = crate::crm::readable("s", 1, 2);
    let optional = [
        (q.kind.is_some(), "s.kind = $3", "$3 IS NULL"),
        (q.owner.is_some(), "s.owner_id = $4", "$4 IS NULL"),
        (q.account.is_some(), "s.account_id = $5", "$5 IS NULL"),
        (q.min.is_some(), "s.score >= $6", "$6 IS NULL"),
        (q.max.is_some(), "s.score <= $7", "$7 IS NULL"),
    ];
    for (on, yes, no) in optional {
        sql.push_str(" AND ");
        sql.push_str(if on { yes } else { no });
    }
    sql
}

impl Db {
    /// A page of the responses the actor may see, newest first, and the next page's cursor.
    pub async fn responses(
        &self,
        actor: &Actor,
        q: &ResponseQuery,
    ) -> Result<(Vec<ResponseLine>, Option<Cursor>)> {
        let sort = &sort::SATISFACTION[0];
        let after = self
            .resolve_cursor("satisfaction", sort, q.after.clone())
            .await?;
        let all = self
            .reads_all(actor, crate::crm::Module::Satisfaction)
            .await?;
        let (keyset, order) = sort::keyset(sort, "s", after.as_ref(), 8);
        let sql = format!(
            "SELECT s.id, s.kind, s.score, s.comment, s.account_id, a.name AS account_name, s.deal_id, \
             s.owner_id, o.name AS owner_name, s.at FROM satisfaction s \
             JOIN accounts a ON a.id = s.account_id JOIN people o ON o.id = s.owner_id \
             WHERE {} AND {keyset} ORDER BY {order} LIMIT $10",
            filtered(q)
        );
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, ResponseLine>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(&q.kind)
                .bind(q.owner)
                .bind(q.account)
                .bind(q.min)
                .bind(q.max);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |r| (Key::Time(r.at), r.id)))
    }

    /// CSAT average and NPS over every response the list with these filters holds (all
    /// pages), by [`summarise_counted`], the counted form of [`summarise`].
    pub async fn responses_summary(&self, actor: &Actor, q: &ResponseQuery) -> Result<Summary> {
        let all = self
            .reads_all(actor, crate::crm::Module::Satisfaction)
            .await?;
        // Counted per (kind, score) in SQL; at most 17 rows come back however many answers.
        let sql = format!(
            "SELECT s.kind, s.score, COUNT(*) AS n FROM satisfaction s WHERE {} GROUP BY s.kind, s.score",
            filtered(q)
        );
        let counts: Vec<(String, i32, i64)> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(&q.kind)
                .bind(q.owner)
                .bind(q.account)
                .bind(q.min)
                .bind(q.max)
                .fetch_all(p)
                .await?
        });
        let counted: Vec<(&str, i32, i64)> = counts
            .iter()
            .map(|(k, s, n)| (k.as_str(), *s, *n))
            .collect();
        Ok(summarise_counted(&counted))
    }
}

/// CSAT average (rounded to hundredths, half up) and NPS (rounded half away from zero) from
/// raw (kind, score) pairs. Integer arithmetic only.
pub fn summarise(scores: &[(String, i32)]) -> Summary {
    let counted: Vec<(&str, i32, i64)> = scores.iter().map(|(k, s)| (k.as_str(), *s, 1)).collect();
    summarise_counted(&counted)
}

/// [`summarise`] over (kind, score, how many) triples, so that a database can count.
pub fn summarise_counted(scores: &[(&str, i32, i64)]) -> Summary {
    let sum_where = |kind: &str, f: &dyn Fn(i64) -> i64| -> i64 {
        scores
            .iter()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, s, n)| f(i64::from(*s)) * n)
            .sum()
    };
    let n = sum_where("csat", &|_| 1);
    let avg = (n > 0).then(|| (sum_where("csat", &|s| s) * 100 * 2 + n) / (2 * n));
    let m = sum_where("nps", &|_| 1);
    let net = sum_where("nps", &|s| i64::from(s >= 9)) - sum_where("nps", &|s| i64::from(s <= 6));
    let score = (m > 0).then(|| {
        let q = (net.abs() * 100 * 2 + m) / (2 * m);
        if net < 0 { -q } else { q }
    });
    Summary {
        csat_responses: n,
        csat_avg_hundredths: avg,
        nps_responses: m,
        nps: score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(kind: &str, score: i32) -> (String, i32) {
        (kind.into(), score)
    }

    #[test]
    fn csat_and_nps_follow_their_definitions() {
        let sum = summarise(&[
            s("csat", 5),
            s("csat", 4),
            s("csat", 4),
            s("nps", 10),
            s("nps", 9),
            s("nps", 7),
            s("nps", 3),
        ]);
        assert_eq!(sum.csat_avg_hundredths, Some(433)); // 13 / 3 = 4.333...
        assert_eq!(sum.nps, Some(25)); // 2 promoters, 1 detractor of 4: 50% - 25%
        assert_eq!(summarise(&[]), Summary::default());
        assert_eq!(
            summarise(&[s("nps", 0), s("nps", 6), s("nps", 10)]).nps,
            Some(-33)
        );
    }
}
