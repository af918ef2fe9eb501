use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::params::{opt_id, urlencode};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use keel_db::people::{PeopleQuery, Person};
use keel_domain::roles::Action;
use keel_views::{Choice, DirectoryPage, OrgEvent, OrgNode, OrgPage, ProfilePage};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

const PAGE: u32 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DirectoryQuery {
    q: String,
    team: String,
    inactive: Option<String>,
    after: String,
}

pub async fn directory(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<DirectoryQuery>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ViewDirectory)?;
    let can_manage = me.can(Action::ManagePeople);
    let team = opt_id(&f.team);
    let include_inactive = f.inactive.is_some();
    let q = PeopleQuery {
        search: Some(f.q.clone()),
        team_id: team,
        include_inactive,
        after: opt_id(&f.after),
        limit: PAGE,
    };
    let (people, more) = state.db.people(&me.actor(), &q).await?;
    let next = if more {
        people.last().map(|last| {
            let mut url = format!("/people?after={}", last.id);
            if !f.q.is_empty() {
                url.push_str(&format!("&q={}", urlencode(&f.q)));
            }
            if let Some(t) = team {
                url.push_str(&format!("&team={t}"));
            }
            if include_inactive {
                url.push_str("&inactive=1");
            }
            url
        })
    } else {
        None
    };
    let teams = state
        .db
        .teams()
        .await?
        .into_iter()
        .map(|t| Choice {
            selected: Some(t.id) == team,
            value: t.id.to_string(),
            label: t.name,
        })
        .collect();
    let l = me.l();
    let page = DirectoryPage {
        q: f.q,
        teams,
        include_inactive,
        can_manage,
        rows: people.iter().map(|p| super::row(l, p)).collect(),
        next,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileQuery {
    saved: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<ProfileQuery>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ViewDirectory)?;
    let actor = me.actor();
    let person = state.db.person(&actor, id).await?;
    let can_manage = me.can(Action::ManagePeople);
    let everyone = state.db.everyone(&actor).await?;
    let l = me.l();
    let reports = everyone
        .iter()
        .filter(|p| p.manager_id == Some(id))
        .map(|p| super::row(l, p))
        .collect();
    let page = ProfilePage {
        p: super::row(l, &person),
        reports,
        can_manage,
        notice: q.saved.map(|_| l.t("notice-saved")),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

pub async fn org_chart(State(state): State<AppState>, me: Me) -> Result<Html<String>, AppError> {
    me.require(Action::ViewDirectory)?;
    let everyone = state.db.everyone(&me.actor()).await?;
    let l = me.l();
    let page = OrgPage {
        summary: l.t_args("org-summary", &[("count", &everyone.len().to_string())]),
        events: org_events(&everyone),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

/// Walks the reporting tree depth-first. Roots are people whose manager is not among the
/// active people shown (the top of the organisation, or someone whose manager left).
pub fn org_events(people: &[Person]) -> Vec<OrgEvent> {
    let ids: std::collections::HashSet<Uuid> = people.iter().map(|p| p.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<&Person>> = HashMap::new();
    for p in people {
        let parent = p.manager_id.filter(|m| ids.contains(m));
        children.entry(parent).or_default().push(p);
    }
    fn below(id: Uuid, children: &HashMap<Option<Uuid>, Vec<&Person>>) -> usize {
        children
            .get(&Some(id))
            .map_or(0, |c| c.iter().map(|p| 1 + below(p.id, children)).sum())
    }
    fn walk(p: &Person, children: &HashMap<Option<Uuid>, Vec<&Person>>, out: &mut Vec<OrgEvent>) {
        let node = OrgNode {
            id: p.id.to_string(),
            name: p.name.clone(),
            initials: keel_domain::people::initials(&p.name),
            title: p.title.clone().unwrap_or_default(),
            reports: below(p.id, children),
        };
        match children.get(&Some(p.id)) {
            Some(kids) => {
                out.push(OrgEvent::Open(node));
                for k in kids {
                    walk(k, children, out);
                }
                out.push(OrgEvent::Close);
            }
            None => out.push(OrgEvent::Leaf(node)),
        }
    }
    let mut out = Vec::new();
    for root in children.get(&None).into_iter().flatten() {
        walk(root, &children, &mut out);
    }
    out
}
