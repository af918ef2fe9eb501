//! The organisation's time zone (its calendar) and the zone each person sees times in.

use crate::{Db, Result, with_pool};
use keel_domain::time::Zone;
use uuid::Uuid;

impl Db {
    /// The organisation's zone: its days, weeks, months, quarters and "today".
    pub async fn org_zone(&self) -> Result<Zone> {
        let name: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT time_zone FROM organisation WHERE id = 1")
                .fetch_optional(p)
                .await?
        });
        Ok(name.as_deref().and_then(Zone::parse).unwrap_or_default())
    }

    /// The zone `person` sees times in: their own choice, else the organisation's.
    pub async fn viewer_zone(&self, person: Uuid) -> Result<Zone> {
        let (own, org): (Option<String>, Option<String>) = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT p.time_zone, o.time_zone FROM organisation o \
                 LEFT JOIN people p ON p.id = $1 WHERE o.id = 1",
            )
            .bind(person)
            .fetch_optional(p)
            .await?
            .unwrap_or((None, None))
        });
        Ok(own
            .as_deref()
            .and_then(Zone::parse)
            .or_else(|| org.as_deref().and_then(Zone::parse))
            .unwrap_or_default())
    }
}
