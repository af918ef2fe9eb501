//! The director's insights feed: for the people of a scope the viewer may measure, the
//! situations worth a look (rules in `keel_domain::insights`), each with the numbers behind it
//! and a link to the page that shows the evidence. Detectors live in [`detect`]; the
//! thresholds and each viewer's dismissals in [`store`].
//!
//! Visibility is decided here like everywhere else: the scope must be measurable by the
//! viewer (their line, or everything for directors, admins and HR), deals and accounts must be
//! readable by them, and goals visible to them.

mod detect;
mod store;

use crate::crm::Module;
use crate::people::Person;
use crate::rollups::Scope;
use crate::visibility::Actor;
use crate::{Db, DbError, Result};
use chrono::NaiveDate;
use keel_domain::insights::{Kind, Settings, Severity};
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

/// What an insight is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `person`, `deal`, `account` or `goal`.
    pub kind: &'static str,
    pub id: Uuid,
    pub name: String,
}

/// The numbers behind an insight, per kind; rates and ratios are integers in the unit named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    WinRateDrop {
        /// Win rate over the two previous quarters and this quarter to date, permille.
        before_permille: i64,
        now_permille: i64,
        /// Closed (won + lost) deals in each window.
        before_closed: i64,
        now_closed: i64,
    },
    StalledDeal {
        stage: String,
        stage_en: String,
        owner: String,
        /// Whole days in the stage, and the organisation's median for the stage in tenths.
        days: i64,
        median_tenths: i64,
        multiple: i64,
    },
    GoalOffTrack {
        progress_permille: Option<i64>,
        days_left: u32,
        total_days: u32,
    },
    CsatDrop {
        /// Averages in hundredths of a point (1–5 scale), and the answers behind them.
        before_hundredths: i64,
        now_hundredths: i64,
        before_answers: i64,
        now_answers: i64,
    },
    NpsDetractor {
        /// The latest detractor answer, its day, and how many there were in the window.
        score: i64,
        on: NaiveDate,
        detractors: i64,
        days: i64,
    },
    LowMood {
        /// The two latest check-ins' moods (1–5), older first, and the latest cycle's start.
        moods: [i64; 2],
        cycle: NaiveDate,
    },
    Inactive {
        working_days: u32,
        /// The last day with an activity; `None`: none ever (counted from joining keel).
        last_activity: Option<NaiveDate>,
    },
    NoTarget {
        period: String,
    },
    LowCoverage {
        /// Money in minor units of `currency`; coverage in hundredths (150 = 1.5×).
        target: i64,
        achieved: i64,
        weighted: i64,
        coverage_hundredths: i64,
        min_hundredths: i64,
        currency: String,
    },
}

/// One item of the feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Insight {
    /// `kind:subject:period`; see `keel_domain::insights::key`.
    pub key: String,
    pub kind: Kind,
    pub severity: Severity,
    pub subject: Subject,
    /// What makes the situation new when it changes (quarter, goal period, start day).
    pub period: String,
    pub detail: Detail,
    /// A page showing the evidence.
    pub evidence: String,
}

/// What every detector needs: who asks, about whom, on which day, with which thresholds.
pub(crate) struct Ctx {
    pub actor: Actor,
    pub scope: Scope,
    pub today: NaiveDate,
    /// The organisation's zone, whose local days `today` and every period count in.
    pub zone: keel_domain::time::Zone,
    pub quarter: Period,
    pub settings: Settings,
    /// Active people of the scope.
    pub people: Vec<Person>,
    /// Every active person (reports, names).
    pub everyone: Vec<Person>,
    deals_all: bool,
    accounts_all: bool,
    /// The viewer's reporting line, for CRM rows they do not read wholesale.
    line: HashSet<Uuid>,
}

impl Ctx {
    pub fn in_scope(&self, person: Uuid) -> bool {
        self.people.iter().any(|p| p.id == person)
    }

    pub fn person(&self, id: Uuid) -> Option<&Person> {
        self.everyone.iter().find(|p| p.id == id)
    }

    /// Deals the viewer may open.
    pub fn reads_deal_of(&self, owner: Uuid) -> bool {
        self.deals_all || self.line.contains(&owner)
    }

    /// Accounts the viewer may open (unowned ones sit in the shared pool, open to all).
    pub fn reads_account_of(&self, owner: Option<Uuid>) -> bool {
        self.accounts_all || owner.is_none_or(|o| self.line.contains(&o))
    }
}

/// Reads numbers as the organisation does: the viewer's right to them is checked on the
/// scope before any detector runs.
pub(crate) fn measurer() -> Actor {
    Actor {
        id: Uuid::nil(),
        role: Role::Director,
        is_hr: false,
    }
}

impl Db {
    /// The insights about `scope` for `actor` on `today`, most urgent first, without those the
    /// actor dismissed. [`DbError::NotFound`] for a scope the actor may not measure.
    pub async fn insights(
        &self,
        actor: &Actor,
        scope: Scope,
        today: NaiveDate,
    ) -> Result<Vec<Insight>> {
        if !self.may_measure(actor, scope).await? {
            return Err(DbError::NotFound);
        }
        let everyone = self.everyone(&measurer()).await?;
        let people = match self.scope_people(scope).await? {
            None => everyone.clone(),
            Some(ids) => everyone
                .iter()
                .filter(|p| ids.contains(&p.id))
                .cloned()
                .collect(),
        };
        let ctx = Ctx {
            actor: *actor,
            scope,
            today,
            zone: self.org_zone().await?,
            quarter: Period::containing(PeriodKind::Quarter, today).expect("quarters exist"),
            settings: self.insight_settings().await?,
            people,
            everyone,
            deals_all: self.reads_all(actor, Module::Deals).await?,
            accounts_all: self.reads_all(actor, Module::Accounts).await?,
            line: self.reporting_line(actor.id).await?.into_iter().collect(),
        };
        let mut items = Vec::new();
        for kind in Kind::ALL {
            items.extend(self.detect(kind, &ctx).await?);
        }
        let dismissed = self.dismissed_keys(actor.id).await?;
        items.retain(|i| !dismissed.contains(&i.key));
        // Only the worst few stalled deals (detectors list them worst first).
        let listed = usize::try_from(ctx.settings.stalled_listed).unwrap_or(0);
        let mut stalled = 0;
        items.retain(|i| {
            if i.kind != Kind::StalledDeal {
                return true;
            }
            stalled += 1;
            stalled <= listed
        });
        // Stable: within a severity and kind, the detector's order stands.
        items.sort_by_key(|i| (i.severity, i.kind));
        Ok(items)
    }

    async fn detect(&self, kind: Kind, ctx: &Ctx) -> Result<Vec<Insight>> {
        match kind {
            Kind::WinRateDrop => detect::win_rate_drops(self, ctx).await,
            Kind::StalledDeal => detect::stalled_deals(self, ctx).await,
            Kind::GoalOffTrack => detect::goals_off_track(self, ctx).await,
            Kind::CsatDrop => detect::csat_drops(self, ctx).await,
            Kind::NpsDetractor => detect::nps_detractors(self, ctx).await,
            Kind::Inactive => detect::inactive_reps(self, ctx).await,
            Kind::NoTarget => detect::missing_targets(self, ctx).await,
            Kind::LowCoverage => detect::low_coverage(self, ctx).await,
            Kind::LowMood => detect::low_moods(self, ctx).await,
        }
    }
}
