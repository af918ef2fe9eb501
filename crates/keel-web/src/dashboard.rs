//! The director's dashboard: `/dashboard` (scope, period, comparison; drill from the
//! organisation to a team to a person), `/dashboard/panels` (the part that refreshes itself
//! every 10 s), `/dashboard.csv?panel=` (any panel's numbers) and `/api/v1/dashboard`.
//!
//! Refreshing is cheap when nothing changed: every write leaves an audit entry in its own
//! transaction, so the newest audit id is a version of the data. Responses carry it in an
//! ETag and a matching `If-None-Match` gets 304 without computing anything; other requests
//! for the same view of the same data are served from an in-process cache under that key.

use crate::auth::me::Me;
use crate::shared::Query;
use crate::shared::invalid_t;
use crate::shared::params::{default_scope, parse_scope, scope_text};
use crate::shared::present::{format_value, metric_name, scope_choices};
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use keel_db::dashboard::{Compare, Dashboard};
use keel_db::rollups::Scope;
use keel_domain::metrics::{Metric, Unit};
use keel_domain::periods::{Period, PeriodKind};
use keel_i18n::Locale;
use keel_views::charts::{Bar, Point, bars, heat, line, paired_bars, target_bars};
use keel_views::{Cell, Choice, DashPanels, DashTile, DashboardPage, Panel};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> Routes {
    Routes::new()
        .route("/dashboard", get(page))
        .route("/dashboard/panels", get(panels_fragment))
        .route("/dashboard.csv", get(csv))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(api))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DashParams {
    /// `org`, `team:<id>` or `person:<id>`; default: the organisation for directors, admins
    /// and HR, else yourself.
    scope: Option<String>,
    /// `this_month`, `last_month`, `this_quarter` (default), `last_quarter`, `this_year`,
    /// `last_year`, a label such as `2026-Q4`, or `custom` with `from` and `to`.
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `previous` (default) or `last_year`.
    compare: Option<String>,
    /// CSV only: which panel.
    #[param(ignore)]
    panel: Option<String>,
}

const PRESETS: [&str; 6] = [
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
];

/// The period asked for and its canonical text for links.
fn period(l: Locale, today: NaiveDate, p: &DashParams) -> Result<(Period, String), AppError> {
    let within = |kind| Period::containing(kind, today).expect("calendar periods exist");
    let text = p.period.as_deref().map(str::trim).unwrap_or("");
    let period = match text {
        "" | "this_quarter" => within(PeriodKind::Quarter),
        "this_month" => within(PeriodKind::Month),
        "last_month" => within(PeriodKind::Month).previous(),
        "last_quarter" => within(PeriodKind::Quarter).previous(),
        "this_year" => within(PeriodKind::Year),
        "last_year" => within(PeriodKind::Year).previous(),
        "custom" => {
            // The answer names the date at fault.
            let date = |field: &str, s: &Option<String>| {
                s.as_deref()
                    .and_then(crate::shared::params::date)
                    .ok_or_else(|| {
                        crate::shared::invalid(field, crate::shared::params::date_message(l))
                    })
            };
            let (from, to) = (date("from", &p.from)?, date("to", &p.to)?);
            Period::custom(from, to).map_err(|_| invalid_t(l, "to", "kpi-invalid-range"))?
        }
        label => crate::shared::params::period(label)
            .map_err(|_| invalid_t(l, "period", "target-bad-period"))?,
    };
    if period.days() > 3660 {
        return Err(invalid_t(l, "to", "kpi-invalid-range"));
    }
    let text = if text.is_empty() {
        "this_quarter"
    } else {
        text
    };
    let text = if text == "custom" {
        format!("custom&from={}&to={}", period.start, period.end)
    } else {
        text.to_owned()
    };
    Ok((period, text))
}

struct Asked {
    scope: Scope,
    period: Period,
    compare: Compare,
    /// The organisation's today.
    today: NaiveDate,
    /// The query string that reproduces this view.
    query: String,
}

fn asked(me: &Me, p: &DashParams) -> Result<Asked, AppError> {
    let l = me.l();
    let scope = match p.scope.as_deref().map(str::trim) {
        None | Some("") => default_scope(me),
        Some(s) => parse_scope(s).ok_or_else(|| invalid_t(l, "scope", "kpi-unknown-scope"))?,
    };
    let (period, period_text) = period(l, me.today(), p)?;
    let compare = match p.compare.as_deref() {
        None | Some("") | Some("previous") => Compare::Previous,
        Some("last_year") => Compare::LastYear,
        Some(_) => return Err(invalid_t(l, "compare", "dash-bad-compare")),
    };
    let query = format!(
        "scope={}&period={period_text}&compare={}",
        scope_text(scope),
        compare_text(compare)
    );
    Ok(Asked {
        scope,
        period,
        compare,
        today: me.today(),
        query,
    })
}

fn compare_text(c: Compare) -> &'static str {
    match c {
        Compare::Previous => "previous",
        Compare::LastYear => "last_year",
    }
}

/// The data version, which every committed write raises. It is read before any panel, so an
/// answer cached under it can only be newer than the version, never older.
async fn version(state: &AppState) -> Result<String, AppError> {
    Ok(state.db.data_version().await?.to_string())
}

/// An ETag for this view of this data version, in this language for this person, on the
/// organisation's today ("this quarter" moves at its midnight).
fn etag(me: &Me, a: &Asked, version: &str, kind: &str) -> String {
    format!(
        "\"{kind}-{version}-{}-{}-{}-{}\"",
        me.user.person_id.simple(),
        me.l().code(),
        me.today().format("%Y%m%d"),
        digest(&a.query)
    )
}

/// A short stable digest of the query (FNV-1a; not a security boundary, only a cache key).
fn digest(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
}

fn with_etag(mut res: Response, tag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    res
}

fn money(l: Locale, d: &Dashboard, v: i64) -> String {
    l.money(v, &d.currency)
}

fn cell(text: String, raw: impl ToString) -> Cell {
    Cell {
        text,
        raw: raw.to_string(),
        href: None,
    }
}

fn link(text: String, raw: impl ToString, href: String) -> Cell {
    Cell {
        text,
        raw: raw.to_string(),
        href: Some(href),
    }
}

fn opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn tiles(l: Locale, d: &Dashboard, compare: Compare) -> Vec<DashTile> {
    d.tiles
        .iter()
        .filter_map(|t| {
            let m = Metric::parse(t.metric)?;
            let (delta, trend) = match (t.value, t.compare) {
                (Some(v), Some(c)) if c != 0 && m.unit() != Unit::Score => {
                    let change = keel_domain::metrics::ratio(v - c, c.abs(), 1000).unwrap_or(0);
                    let good = (change > 0) == m.higher_is_better();
                    let text = l.t_args(
                        &format!("dash-delta-{}", compare_text(compare)),
                        &[(
                            "change",
                            &format!(
                                "{}{}%",
                                if change > 0 { "+" } else { "" },
                                l.fixed(change, 1)
                            ),
                        )],
                    );
                    (
                        text,
                        if change == 0 {
                            ""
                        } else if good {
                            "up"
                        } else {
                            "down"
                        },
                    )
                }
                (Some(v), Some(c)) if m.unit() == Unit::Score => {
                    let text = l.t_args(
                        &format!("dash-delta-{}", compare_text(compare)),
                        &[(
                            "change",
                            &format!("{}{}", if v > c { "+" } else { "" }, v - c),
                        )],
                    );
                    (
                        text,
                        if v == c {
                            ""
                        } else if v > c {
                            "up"
                        } else {
                            "down"
                        },
                    )
                }
                _ => (String::new(), ""),
            };
            Some(DashTile {
                label: metric_name(l, m),
                value: format_value(l, m.unit(), t.value, &d.currency),
                delta,
                trend,
            })
        })
        .collect()
}

/// Where a row of the attainment panel drills to: the team a manager leads, else the person.
fn drill(teams: &[keel_db::teams::Team], person: uuid::Uuid) -> String {
    match teams.iter().find(|t| t.lead_id == Some(person)) {
        Some(t) => format!("team:{}", t.id),
        None => format!("person:{person}"),
    }
}

/// Every panel: a chart, its numbers as a table, the same numbers for CSV.
/// What every panel is made from: the viewer's language, the numbers, the query (for drill-down
/// links) and the teams.
struct PanelCtx<'a> {
    l: Locale,
    d: &'a Dashboard,
    a: &'a Asked,
    teams: &'a [keel_db::teams::Team],
}

impl PanelCtx<'_> {
    /// This dashboard's address for another scope, keeping the period and comparison.
    fn drill(&self, scope: String) -> String {
        let rest = self.a.query.split_once('&').map(|x| x.1).unwrap_or("");
        format!("/dashboard?scope={scope}&{rest}")
    }
}

/// Every panel of the page, in order; each is one function below.
fn panels(l: Locale, d: &Dashboard, a: &Asked, teams: &[keel_db::teams::Team]) -> Vec<Panel> {
    let c = PanelCtx { l, d, a, teams };
    let mut out = Vec::new();
    for panel in [
        attainment,
        forecast,
        pipeline,
        won_by_month,
        trends,
        heatmap,
        coverage,
        satisfaction,
        checkins,
        goals,
    ] {
        panel(&c, &mut out);
    }
    out
}

/// Target attainment by person.
fn attainment(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d, teams) = (c.l, c.d, c.teams);
    let q = |scope: String| c.drill(scope);
    let title = l.t("dash-attainment");
    let rows: Vec<(String, i64, Option<i64>, String)> = d
        .attainment
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.achieved,
                r.target,
                money(l, d, r.achieved),
            )
        })
        .collect();
    out.push(Panel {
        key: "attainment",
        chart: target_bars(&title, &rows),
        head: [
            "dash-person",
            "forecast-target",
            "forecast-achieved",
            "forecast-achieved-pct",
        ]
        .map(|k| l.t(k))
        .to_vec(),
        rows: d
            .attainment
            .iter()
            .map(|r| {
                vec![
                    link(r.name.clone(), &r.name, q(drill(teams, r.person_id))),
                    cell(
                        r.target
                            .map(|t| money(l, d, t))
                            .unwrap_or_else(|| l.t("target-none")),
                        opt(r.target),
                    ),
                    cell(money(l, d, r.achieved), r.achieved),
                    cell(
                        format_value(l, Unit::Permille, r.achieved_permille, ""),
                        opt(r.achieved_permille),
                    ),
                ]
            })
            .collect(),
        empty: d.attainment.is_empty().then(|| l.t("dash-empty")),
        wide: false,
        title,
    });
}

/// Forecast summary.
fn forecast(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    if let Some(f) = &d.forecast {
        let title = l.t("dash-forecast");
        let items = [
            ("forecast-target", f.target),
            ("forecast-achieved", Some(f.achieved)),
            ("forecast-pipeline", Some(f.pipeline)),
            ("forecast-weighted", Some(f.weighted)),
        ];
        let chart: Vec<Bar> = items
            .iter()
            .map(|(k, v)| Bar {
                label: l.t(k),
                value: *v,
                shown: v.map(|v| money(l, d, v)).unwrap_or_default(),
            })
            .collect();
        let mut rows: Vec<Vec<Cell>> = items
            .iter()
            .map(|(k, v)| {
                vec![
                    cell(l.t(k), k),
                    cell(
                        v.map(|v| money(l, d, v))
                            .unwrap_or_else(|| l.t("target-none")),
                        opt(*v),
                    ),
                ]
            })
            .collect();
        rows.push(vec![
            cell(l.t("forecast-achieved-pct"), "achieved_permille"),
            cell(
                format_value(l, Unit::Permille, f.achieved_permille, ""),
                opt(f.achieved_permille),
            ),
        ]);
        out.push(Panel {
            key: "forecast",
            chart: bars(&title, &chart),
            head: vec![l.t("kpi-metric"), l.t("kpi-value")],
            rows,
            empty: None,
            wide: false,
            title,
        });
    }
}

/// Pipeline by stage.
fn pipeline(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let title = l.t("dash-pipeline");
    let stage = |s: &keel_db::dashboard::StageRow| {
        if l == Locale::En {
            s.name_en.clone()
        } else {
            s.name.clone()
        }
    };
    out.push(Panel {
        key: "pipeline",
        chart: bars(
            &title,
            &d.pipeline
                .iter()
                .map(|s| Bar {
                    label: stage(s),
                    value: Some(s.amount),
                    shown: money(l, d, s.amount),
                })
                .collect::<Vec<_>>(),
        ),
        head: [
            "dash-stage",
            "dash-deals",
            "dash-amount",
            "forecast-weighted",
        ]
        .map(|k| l.t(k))
        .to_vec(),
        rows: d
            .pipeline
            .iter()
            .map(|s| {
                vec![
                    cell(stage(s), stage(s)),
                    cell(l.number(s.count), s.count),
                    cell(money(l, d, s.amount), s.amount),
                    cell(money(l, d, s.weighted), s.weighted),
                ]
            })
            .collect(),
        empty: d.pipeline.is_empty().then(|| l.t("dash-empty")),
        wide: false,
        title,
    });
}

/// Won revenue by month, this year against last.
fn won_by_month(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let title = l.t("dash-won-by-month");
    let labels: Vec<String> = d.won_by_month.iter().map(|m| m.month.to_string()).collect();
    let this: Vec<i64> = d.won_by_month.iter().map(|m| m.this_year).collect();
    let last: Vec<i64> = d.won_by_month.iter().map(|m| m.last_year).collect();
    let year = d.to.format("%Y").to_string();
    let prev = (d.to.format("%Y").to_string().parse::<i32>().unwrap_or(0) - 1).to_string();
    out.push(Panel {
        key: "won_by_month",
        chart: paired_bars(&title, &labels, &this, &last, [&year, &prev]),
        head: vec![l.t("dash-month"), year.clone(), prev.clone()],
        rows: d
            .won_by_month
            .iter()
            .map(|m| {
                vec![
                    cell(m.month.to_string(), m.month),
                    cell(money(l, d, m.this_year), m.this_year),
                    cell(money(l, d, m.last_year), m.last_year),
                ]
            })
            .collect(),
        empty: None,
        wide: false,
        title,
    });
}

/// A twelve-month line of one metric, with its table.
fn trend(
    c: &PanelCtx,
    key: &'static str,
    metric: Metric,
    points: &[keel_db::dashboard::TrendPoint],
    y_max: i64,
) -> Panel {
    let (l, d) = (c.l, c.d);
    let title = l.t(&format!("dash-{}", key.replace('_', "-")));
    let chart: Vec<Point> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            Some(Point {
                x: i as i64,
                label: p.label.clone(),
                value: p.value?,
                shown: format_value(l, metric.unit(), p.value, &d.currency),
            })
        })
        .collect();
    Panel {
        key,
        chart: line(&title, &chart, y_max),
        head: vec![l.t("dash-month"), metric_name(l, metric)],
        rows: points
            .iter()
            .map(|p| {
                vec![
                    cell(p.label.clone(), &p.label),
                    cell(
                        format_value(l, metric.unit(), p.value, &d.currency),
                        opt(p.value),
                    ),
                ]
            })
            .collect(),
        empty: chart.is_empty().then(|| l.t("dash-empty")),
        wide: false,
        title,
    }
}

/// Trends over twelve months.
fn trends(c: &PanelCtx, out: &mut Vec<Panel>) {
    let d = c.d;
    out.push(trend(c, "win_rate", Metric::WinRate, &d.win_rate, 1000));
    out.push(trend(c, "cycle", Metric::AvgCycleDays, &d.cycle, 0));
}

/// Activity heatmap.
fn heatmap(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let q = |scope: String| c.drill(scope);
    let title = l.t("dash-activity");
    let weeks: Vec<String> = d
        .weeks
        .iter()
        .map(|w| keel_domain::periods::Bucket::Week.label(*w))
        .collect();
    let names: Vec<String> = d.heatmap.iter().map(|r| r.name.clone()).collect();
    let values: Vec<Vec<i64>> = d
        .heatmap
        .iter()
        .map(|r| r.weeks.iter().map(|c| c.iter().sum()).collect())
        .collect();
    let mut head = vec![l.t("dash-person"), l.t("dash-week")];
    head.extend(
        [
            "metric-calls",
            "metric-meetings",
            "metric-visits",
            "metric-emails",
        ]
        .map(|k| l.t(k)),
    );
    let mut rows = Vec::new();
    for r in &d.heatmap {
        for (w, c) in weeks.iter().zip(&r.weeks) {
            let mut row = vec![
                link(
                    r.name.clone(),
                    &r.name,
                    q(format!("person:{}", r.person_id)),
                ),
                cell(w.clone(), w),
            ];
            row.extend(c.iter().map(|v| cell(l.number(*v), v)));
            rows.push(row);
        }
    }
    out.push(Panel {
        key: "activity",
        chart: heat(&title, &names, &weeks, &values),
        head,
        rows,
        empty: d.heatmap.is_empty().then(|| l.t("dash-empty")),
        wide: true,
        title,
    });
}

/// Key-account visit coverage.
fn coverage(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let title = l.t("dash-coverage");
    let c = &d.coverage;
    let pct = keel_domain::metrics::ratio(c.visited, c.key_accounts, 1000);
    let mut rows = vec![
        vec![
            cell(l.t("dash-key-accounts"), "key_accounts"),
            cell(l.number(c.key_accounts), c.key_accounts),
        ],
        vec![
            cell(l.t("dash-visited"), "visited"),
            cell(
                format!(
                    "{} ({})",
                    l.number(c.visited),
                    format_value(l, Unit::Permille, pct, "")
                ),
                c.visited,
            ),
        ],
    ];
    rows.extend(c.unvisited.iter().map(|(id, name)| {
        vec![
            cell(l.t("dash-not-visited"), "not_visited"),
            link(name.clone(), name, format!("/accounts/{id}")),
        ]
    }));
    out.push(Panel {
        key: "coverage",
        chart: bars(
            &title,
            &[
                Bar {
                    label: l.t("dash-key-accounts"),
                    value: Some(c.key_accounts),
                    shown: l.number(c.key_accounts),
                },
                Bar {
                    label: l.t("dash-visited"),
                    value: Some(c.visited),
                    shown: l.number(c.visited),
                },
            ],
        ),
        head: vec![l.t("kpi-metric"), l.t("kpi-value")],
        rows,
        empty: (c.key_accounts == 0).then(|| l.t("dash-no-key-accounts")),
        wide: false,
        title,
    });
}

/// Satisfaction: CSAT trend, NPS beside it, and the lowest accounts.
fn satisfaction(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let mut p = trend(c, "csat", Metric::CsatAverage, &d.csat, 500);
    p.head.push(metric_name(l, Metric::Nps));
    for (row, nps) in p.rows.iter_mut().zip(&d.nps) {
        row.push(cell(
            format_value(l, Unit::Score, nps.value, ""),
            opt(nps.value),
        ));
    }
    for low in &d.lowest_csat {
        p.rows.push(vec![
            link(
                low.name.clone(),
                &low.name,
                format!("/accounts/{}", low.account_id),
            ),
            cell(
                l.t_args(
                    "dash-lowest",
                    &[
                        ("csat", &l.fixed(low.csat, 2)),
                        ("count", &low.answers.to_string()),
                    ],
                ),
                low.csat,
            ),
            cell(String::new(), ""),
        ]);
    }
    out.push(p);
}

/// Check-in completion, and mood (the viewer is up everyone's reporting chain here).
fn checkins(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let title = l.t("dash-checkins");
    let points: Vec<Point> = d
        .checkins
        .iter()
        .enumerate()
        .filter(|(_, w)| w.week <= c.a.today)
        .filter_map(|(i, w)| {
            let pct = keel_domain::metrics::ratio(w.submitted, w.expected, 1000)?;
            Some(Point {
                x: i as i64,
                label: keel_domain::periods::Bucket::Week.label(w.week),
                value: pct,
                shown: format_value(l, Unit::Permille, Some(pct), ""),
            })
        })
        .collect();
    out.push(Panel {
        key: "checkins",
        chart: line(&title, &points, 1000),
        head: [
            "dash-week",
            "dash-checked-in",
            "dash-completion",
            "dash-mood",
        ]
        .map(|k| l.t(k))
        .to_vec(),
        rows: d
            .checkins
            .iter()
            .map(|w| {
                let pct = keel_domain::metrics::ratio(w.submitted, w.expected, 1000);
                let label = keel_domain::periods::Bucket::Week.label(w.week);
                vec![
                    cell(label.clone(), label),
                    cell(format!("{} / {}", w.submitted, w.expected), w.submitted),
                    cell(format_value(l, Unit::Permille, pct, ""), opt(pct)),
                    cell(format_value(l, Unit::Hundredths, w.mood, ""), opt(w.mood)),
                ]
            })
            .collect(),
        empty: points.is_empty().then(|| l.t("dash-empty")),
        wide: false,
        title,
    });
}

/// Goals by status.
fn goals(c: &PanelCtx, out: &mut Vec<Panel>) {
    let (l, d) = (c.l, c.d);
    let title = l.t("dash-goals");
    let statuses = ["on_track", "at_risk", "off_track", "done", "none"];
    let counts: Vec<Bar> = statuses
        .iter()
        .map(|s| {
            let n = d.goals.iter().filter(|g| g.status == *s).count() as i64;
            Bar {
                label: l.t(&format!("dash-goal-{s}")),
                value: Some(n),
                shown: n.to_string(),
            }
        })
        .collect();
    out.push(Panel {
        key: "goals",
        chart: bars(&title, &counts),
        head: vec![l.t("dash-goal"), l.t("dash-status")],
        rows: d
            .goals
            .iter()
            .map(|g| {
                vec![
                    link(g.title.clone(), &g.title, format!("/goals/{}", g.goal_id)),
                    cell(l.t(&format!("dash-goal-{}", g.status)), g.status),
                ]
            })
            .collect(),
        empty: d.goals.is_empty().then(|| l.t("dash-no-goals")),
        wide: false,
        title,
    });
}

/// A turn to compute a dashboard from scratch. Each one queries its panels side by side, so
/// a few at a time keep every connection busy; under 64 concurrent requests without turns they
/// waited for connections past the pool's timeout (24 failed in 20 s at a million deals) and
/// starved every other page. The rest now wait here, and may find the answer cached.
async fn turn(state: &AppState) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
    state
        .dashboard_turns
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn compute(
    state: &AppState,
    me: &Me,
    a: &Asked,
) -> Result<(Dashboard, Vec<Panel>), AppError> {
    let d = state
        .db
        .dashboard(&me.actor(), a.scope, &a.period, a.compare, a.today)
        .await?;
    let teams = state.db.teams().await?;
    let panels = panels(me.l(), &d, a, &teams);
    Ok((d, panels))
}

async fn render_panels(state: &AppState, me: &Me, a: &Asked) -> Result<String, AppError> {
    let l = me.l();
    let (d, panels) = compute(state, me, a).await?;
    Ok(DashPanels {
        chrome: me.ctx.chrome(),
        query: a.query.clone(),
        tiles: tiles(l, &d, a.compare),
        panels,
        updated: l.t_args(
            "dash-updated",
            &[("time", &me.time(keel_domain::time::now()))],
        ),
    }
    .render()?)
}

/// The panels for this view and data version, from the cache when another request has
/// already rendered them.
async fn cached_panels(
    state: &AppState,
    me: &Me,
    a: &Asked,
    tag: &str,
) -> Result<axum::body::Bytes, AppError> {
    if let Some(html) = state.dashboards.get(tag) {
        return Ok(html);
    }
    let _turn = turn(state).await?;
    // Another request for the same view may have rendered it while this one waited.
    if let Some(html) = state.dashboards.get(tag) {
        return Ok(html);
    }
    let html = axum::body::Bytes::from(render_panels(state, me, a).await?);
    state.dashboards.put(tag.to_owned(), html.clone());
    Ok(html)
}

async fn page(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<DashParams>,
) -> Result<Response, AppError> {
    let l = me.l();
    let a = asked(&me, &p)?;
    if !state.db.may_measure(&me.actor(), a.scope).await? {
        return Err(AppError::NotFound);
    }
    let tag = etag(&me, &a, &version(&state).await?, "panels");
    let panels = String::from_utf8_lossy(&cached_panels(&state, &me, &a, &tag).await?).into_owned();
    // Breadcrumbs: the organisation (for those who see it), the team, the person.
    let rest = a
        .query
        .split_once('&')
        .map(|x| x.1.to_owned())
        .unwrap_or_default();
    let mut crumbs = Vec::new();
    let actor = me.actor();
    if actor.sees_everything() || actor.is_hr {
        crumbs.push((l.t("kpi-scope-org"), format!("/dashboard?scope=org&{rest}")));
    }
    let teams = state.db.teams().await?;
    match a.scope {
        Scope::Team(t) => {
            if let Some(t) = teams.iter().find(|x| x.id == t) {
                crumbs.push((
                    t.name.clone(),
                    format!("/dashboard?scope=team:{}&{rest}", t.id),
                ));
            }
        }
        Scope::Person(p) => {
            let person = state.db.person(&actor, p).await?;
            if let Some(t) = person
                .team_id
                .and_then(|id| teams.iter().find(|x| x.id == id))
                && state.db.may_measure(&actor, Scope::Team(t.id)).await?
            {
                crumbs.push((
                    t.name.clone(),
                    format!("/dashboard?scope=team:{}&{rest}", t.id),
                ));
            }
            crumbs.push((person.name, format!("/dashboard?scope=person:{p}&{rest}")));
        }
        Scope::Org => {}
    }
    let preset = p.period.clone().unwrap_or_else(|| "this_quarter".into());
    let mut period_options: Vec<(String, String)> = PRESETS
        .iter()
        .map(|k| (k.to_string(), l.t(&format!("dash-period-{k}"))))
        .collect();
    period_options.push(("custom".into(), l.t("dash-period-custom")));
    if !PRESETS.contains(&preset.as_str()) && preset != "custom" {
        period_options.push((preset.clone(), preset.clone()));
    }
    let page = DashboardPage {
        chrome: me.ctx.chrome(),
        scope: scope_text(a.scope),
        scope_options: scope_choices(&state, &me, a.scope).await?,
        period_options: Choice::pick(period_options, &preset),
        compare_options: Choice::pick(
            ["previous", "last_year"].map(|c| (c.to_owned(), l.t(&format!("dash-compare-{c}")))),
            compare_text(a.compare),
        ),
        from: a.period.start.to_string(),
        to: a.period.end.to_string(),
        crumbs,
        period_label: format!("{} – {}", l.date(a.period.start), l.date(a.period.end)),
        panels,
        query: a.query.clone(),
    };
    Ok(axum::response::Html(page.render()?).into_response())
}

async fn panels_fragment(
    State(state): State<AppState>,
    me: Me,
    headers: HeaderMap,
    Query(p): Query<DashParams>,
) -> Result<Response, AppError> {
    let a = asked(&me, &p)?;
    let tag = etag(&me, &a, &version(&state).await?, "panels");
    if not_modified(&headers, &tag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }
    let html = cached_panels(&state, &me, &a, &tag).await?;
    let res = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    Ok(with_etag(res, &tag))
}

async fn csv(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<DashParams>,
) -> Result<Response, AppError> {
    let l = me.l();
    let a = asked(&me, &p)?;
    let key = p.panel.clone().unwrap_or_default();
    let _turn = turn(&state).await?;
    let (_, panels) = compute(&state, &me, &a).await?;
    let panel = panels
        .into_iter()
        .find(|x| x.key == key)
        .ok_or_else(|| invalid_t(l, "panel", "dash-bad-panel"))?;
    let mut w = ::csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: ::csv::Error| AppError::Internal(e.to_string());
    w.write_record(&panel.head).map_err(fail)?;
    for row in &panel.rows {
        w.write_record(row.iter().map(|c| c.raw.as_str()))
            .map_err(fail)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{key}-{}.csv\"", a.period.label()),
            ),
        ],
        body,
    )
        .into_response())
}

/// Every dashboard number for a scope and period, with the comparison period's tiles. Sends
/// an ETag; `If-None-Match` with it answers 304 while nothing has been written since.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "metrics", params(DashParams),
    responses((status = 200, description = "the dashboard's numbers (money in minor units of `currency`; rates in permille; see /api/v1/metrics for units)"),
        (status = 304, description = "unchanged since the ETag"), (status = 404, description = "a scope you may not see"),
        (status = 422, description = "a malformed scope, period or comparison")))]
async fn api(
    State(state): State<AppState>,
    me: Me,
    headers: HeaderMap,
    Query(p): Query<DashParams>,
) -> Result<Response, AppError> {
    let a = asked(&me, &p)?;
    let tag = etag(&me, &a, &version(&state).await?, "api");
    if not_modified(&headers, &tag) {
        return Ok(with_etag(StatusCode::NOT_MODIFIED.into_response(), &tag));
    }
    let body = match state.dashboards.get(&tag) {
        Some(body) => body,
        None => {
            let _turn = turn(&state).await?;
            match state.dashboards.get(&tag) {
                // Rendered by another request while this one waited.
                Some(body) => body,
                None => {
                    let d = state
                        .db
                        .dashboard(&me.actor(), a.scope, &a.period, a.compare, a.today)
                        .await?;
                    let json =
                        serde_json::to_vec(&d).map_err(|e| AppError::Internal(e.to_string()))?;
                    let body = axum::body::Bytes::from(json);
                    state.dashboards.put(tag.clone(), body.clone());
                    body
                }
            }
        }
    };
    let res = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    Ok(with_etag(res, &tag))
}
