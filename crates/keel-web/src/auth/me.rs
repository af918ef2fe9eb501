//! [`Me`]: the signed-in person, as a handler argument. A handler that takes `Me` cannot run
//! for an anonymous request; `me.require(action)` checks the permission table.

use crate::{AppError, context::Ctx};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use keel_db::sessions::SessionUser;
use keel_db::visibility::Actor;
use keel_domain::roles::{Action, Role};
use keel_i18n::Locale;

pub struct Me {
    pub user: SessionUser,
    pub role: Role,
    pub ctx: Ctx,
}

impl Me {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.person_id,
            role: self.role,
            is_hr: self.user.is_hr,
        }
    }

    pub fn l(&self) -> Locale {
        self.ctx.l
    }

    /// The organisation's today (its zone's local date).
    pub fn today(&self) -> chrono::NaiveDate {
        self.ctx.today()
    }

    /// The organisation's zone.
    pub fn zone(&self) -> keel_domain::time::Zone {
        self.ctx.zone
    }

    /// An instant in this person's zone, with its offset.
    pub fn time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        self.ctx.time(t)
    }

    /// `Ok` when the permission table allows `action`, else 403.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.role.allows(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn can(&self, action: Action) -> bool {
        self.role.allows(action)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        let user = ctx.user.clone().ok_or(AppError::Unauthorized)?;
        let role = Role::parse(&user.role)
            .ok_or_else(|| AppError::Internal(format!("unknown role {}", user.role)))?;
        Ok(Me { user, role, ctx })
    }
}
