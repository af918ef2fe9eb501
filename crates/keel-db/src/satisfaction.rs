//! Customer satisfaction: CSAT (1–5) and NPS (0–10) responses, tied to an account, optionally
//! a deal, and the owner responsible.

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

/// CSAT average (rounded to hundredths, half up) and NPS (rounded half away from zero) from
/// raw (kind, score) pairs. Integer arithmetic only.
pub fn summarise(scores: &[(String, i32)]) -> Summary {
    let csat: Vec<i64> = scores
        .iter()
        .filter(|(k, _)| k == "csat")
        .map(|(_, s)| i64::from(*s))
        .collect();
    let nps: Vec<i64> = scores
        .iter()
        .filter(|(k, _)| k == "nps")
        .map(|(_, s)| i64::from(*s))
        .collect();
    let n = csat.len() as i64;
    let avg = (n > 0).then(|| (csat.iter().sum::<i64>() * 100 * 2 + n) / (2 * n));
    let m = nps.len() as i64;
    let net = nps.iter().filter(|s| **s >= 9).count() as i64
        - nps.iter().filter(|s| **s <= 6).count() as i64;
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
