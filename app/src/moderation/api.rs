//! Server fns of moderation. Residents flag, read their decisions and appeal; the
//! moderator role reviews, decides, sanctions and settles appeals; the public log is
//! open to all.

#[cfg(feature = "ssr")]
use super::model::ItemKind;
use super::model::{LogPage, MyModeration, QueuePage, ReviewItem};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::request::finish;

#[cfg(feature = "ssr")]
fn kind_of(raw: &str) -> Result<ItemKind, AppError> {
    ItemKind::parse_content(raw).ok_or(AppError::NotFound)
}

#[cfg(feature = "ssr")]
async fn moderator() -> Result<crate::auth::model::CurrentUser, AppError> {
    crate::auth::require_role(crate::accounts::model::Role::Moderator).await
}

/// Sets the page's HTTP status for a failed read.
#[cfg(feature = "ssr")]
fn read<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        crate::server::request::set_error_status(err);
    }
    result
}

/// What a resident is about to flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagTarget {
    pub proposal_id: i64,
    pub excerpt: String,
}

#[server(prefix = "/api", endpoint = "flag_target")]
pub async fn get_flag_target(kind: String, id: i64) -> Result<FlagTarget, AppError> {
    crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    read(
        async {
            let (proposal_id, excerpt) =
                super::service::flaggable(&state, kind_of(&kind)?, id).await?;
            Ok(FlagTarget {
                proposal_id,
                excerpt,
            })
        }
        .await,
    )
}

/// Flags a proposal or a comment, then goes back to it.
#[server(prefix = "/api", endpoint = "flag_item")]
pub async fn flag_item(
    kind: String,
    id: i64,
    #[server(default)] reason: String,
    #[server(default)] detail: String,
) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let kind = kind_of(&kind)?;
        let form = super::service::FlagForm::parse(&reason, &detail)?;
        crate::server::db::retry_contended(|| {
            super::service::flag(&state, user.id, kind, id, &form)
        })
        .await
    }
    .await;
    let proposal = finish(
        result,
        "flag_item",
        &[("reason", &reason), ("detail", &detail)],
    )
    .await?;
    let anchor = if kind == "comment" {
        format!("#commentaire-{id}")
    } else {
        String::new()
    };
    leptos_axum::redirect(&format!(
        "/forum/propositions/{proposal}?signalement=merci{anchor}"
    ));
    Ok(())
}

/// A page of the review queue (filters as in the URL) and the appeals waiting.
#[server(prefix = "/api", endpoint = "moderation_queue")]
pub async fn get_queue(
    kind: String,
    reason: String,
    age: String,
    page: u32,
) -> Result<QueuePage, AppError> {
    use super::model::{AgeFilter, QueueFilter, Reason};
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let filter = QueueFilter {
        kind: ItemKind::parse_content(&kind),
        reason: Reason::parse(&reason),
        age: AgeFilter::parse(&age),
        page: page.max(1),
    };
    read(super::reads::queue(&state, user.id, &filter).await)
}

/// A contribution's review page.
#[server(prefix = "/api", endpoint = "moderation_review")]
pub async fn get_review(kind: String, id: i64) -> Result<ReviewItem, AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    read(async { super::reads::review(&state, user.id, kind_of(&kind)?, id).await }.await)
}

/// A moderator's decision on one contribution, then the queue.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(
    kind: String,
    id: i64,
    #[server(default)] action: String,
    #[server(default)] reason: String,
    #[server(default)] rule: String,
    #[server(default)] note: String,
    #[server(default)] passage: String,
) -> Result<(), AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let kind = kind_of(&kind)?;
        let form = super::service::DecisionForm::parse(&action, &reason, &rule, &note, &passage)?;
        crate::server::db::retry_contended(|| {
            super::service::decide(&state, user.id, kind, id, &form)
        })
        .await
    }
    .await;
    finish(
        result,
        "moderate",
        &[
            ("action", &action),
            ("reason", &reason),
            ("rule", &rule),
            ("note", &note),
            ("passage", &passage),
        ],
    )
    .await?;
    leptos_axum::redirect("/moderation?decision=ok");
    Ok(())
}

/// One decision for several contributions ticked in the queue (`items[0]=comment:12`…).
#[server(prefix = "/api", endpoint = "moderate_many")]
pub async fn moderate_many(
    #[server(default)] items: Vec<String>,
    #[server(default)] action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let form = super::service::DecisionForm::parse(&action, &reason, "", "", "")?;
        if form.action == super::model::Action::Redact {
            return Err(AppError::field("action", "errors.choose_decision"));
        }
        let targets: Vec<(ItemKind, i64)> = items
            .iter()
            .filter_map(|raw| {
                let (kind, id) = raw.split_once(':')?;
                Some((ItemKind::parse_content(kind)?, id.parse().ok()?))
            })
            .collect();
        if targets.is_empty() {
            return Err(AppError::field("items", "errors.choose_items"));
        }
        for (kind, id) in targets {
            crate::server::db::retry_contended(|| {
                super::service::decide(&state, user.id, kind, id, &form)
            })
            .await?;
        }
        Ok(())
    }
    .await;
    finish(
        result,
        "moderate_many",
        &[("action", &action), ("reason", &reason)],
    )
    .await?;
    leptos_axum::redirect("/moderation?decision=ok");
    Ok(())
}

/// Another moderator settles an appeal (`outcome`: "uphold" or "overturn").
#[server(prefix = "/api", endpoint = "settle_appeal")]
pub async fn settle_appeal(
    appeal_id: i64,
    #[server(default)] outcome: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let uphold = match outcome.as_str() {
            "uphold" => true,
            "overturn" => false,
            _ => return Err(AppError::field("outcome", "errors.choose_decision")),
        };
        crate::server::db::retry_contended(|| {
            super::service::settle_appeal(&state, user.id, appeal_id, uphold, &note)
        })
        .await
    }
    .await;
    finish(
        result,
        "settle_appeal",
        &[("outcome", &outcome), ("note", &note)],
    )
    .await?;
    leptos_axum::redirect("/moderation?decision=ok");
    Ok(())
}

/// A sanction on a contribution's author, then their contribution's review page.
#[server(prefix = "/api", endpoint = "sanction")]
pub async fn sanction(
    kind: String,
    id: i64,
    #[server(default)] sanction: String,
    #[server(default)] days: String,
    #[server(default)] sanction_reason: String,
    #[server(default)] sanction_note: String,
) -> Result<(), AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let item_kind = kind_of(&kind)?;
        let form = super::service::SanctionForm::parse(
            &sanction,
            &days,
            &sanction_reason,
            &sanction_note,
        )?;
        let mut conn = state
            .db
            .pool()
            .acquire()
            .await
            .map_err(crate::error::internal)?;
        let item = super::repo::item(&mut conn, item_kind, id)
            .await
            .map_err(crate::error::internal)?
            .ok_or(AppError::NotFound)?;
        drop(conn);
        let author = item.author_id.ok_or(AppError::NotFound)?;
        crate::server::db::retry_contended(|| {
            super::service::sanction(&state, user.id, author, item.proposal_id, &form)
        })
        .await
    }
    .await;
    finish(
        result,
        "sanction",
        &[
            ("sanction", &sanction),
            ("days", &days),
            ("sanction_reason", &sanction_reason),
            ("sanction_note", &sanction_note),
        ],
    )
    .await?;
    leptos_axum::redirect(&format!("/moderation/{kind}/{id}?sanction=ok"));
    Ok(())
}

/// The sanction stopping the signed-in resident from posting, if any (none when signed
/// out).
#[server(prefix = "/api", endpoint = "posting_restriction")]
pub async fn get_posting_restriction() -> Result<Option<super::model::SanctionView>, AppError> {
    let Some(user) = crate::auth::current_user().await? else {
        return Ok(None);
    };
    let state = crate::server::state::app_state()?;
    super::reads::restriction(&state, user.id).await
}

/// The public log of moderation decisions.
#[server(prefix = "/api", endpoint = "moderation_log")]
pub async fn get_public_log(page: u32) -> Result<LogPage, AppError> {
    let state = crate::server::state::app_state()?;
    super::reads::public_log(&state, page.max(1)).await
}

/// The signed-in resident's decisions and sanctions.
#[server(prefix = "/api", endpoint = "my_moderation")]
pub async fn get_my_moderation() -> Result<MyModeration, AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    super::reads::mine(&state, user.id).await
}

/// The resident contests a decision, once.
#[server(prefix = "/api", endpoint = "appeal")]
pub async fn appeal(decision_id: i64, #[server(default)] text: String) -> Result<(), AppError> {
    let user = crate::auth::require_user().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let text = super::service::parse_appeal(&text)?;
        crate::server::db::retry_contended(|| {
            super::service::appeal(&state, user.id, decision_id, &text)
        })
        .await
    }
    .await;
    finish(result, "appeal", &[("text", &text)]).await?;
    leptos_axum::redirect("/mon-espace/moderation?appel=envoye");
    Ok(())
}

/// Pre-moderated themes and watched words, as moderators set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationSettingsView {
    /// (slug, French name, English name, pre-moderated)
    pub themes: Vec<(String, String, String, bool)>,
    /// One per line.
    pub watched_words: String,
}

#[server(prefix = "/api", endpoint = "moderation_settings")]
pub async fn get_moderation_settings() -> Result<ModerationSettingsView, AppError> {
    use crate::error::internal;
    moderator().await?;
    let state = crate::server::state::app_state()?;
    let pool = state.db.pool();
    let themes = super::repo::themes(pool).await.map_err(internal)?;
    let mut conn = pool.acquire().await.map_err(internal)?;
    let words = super::repo::watched_words(&mut conn)
        .await
        .map_err(internal)?;
    Ok(ModerationSettingsView {
        themes,
        watched_words: words.join("\n"),
    })
}

/// Turns pre-moderation of a theme on (`on = "1"`) or off.
#[server(prefix = "/api", endpoint = "set_premoderation")]
pub async fn set_premoderation(theme: String, on: String) -> Result<(), AppError> {
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let on = on == "1";
        let pool = state.db.pool();
        if !super::repo::set_theme_premoderated(pool, &theme, on)
            .await
            .map_err(crate::error::internal)?
        {
            return Err(AppError::NotFound);
        }
        let mut conn = pool.acquire().await.map_err(crate::error::internal)?;
        crate::auth::repo::audit(
            &mut *conn,
            Some(user.id),
            if on {
                "premoderation_on"
            } else {
                "premoderation_off"
            },
            None,
            &format!("theme:{theme}"),
            state.clock.now_ms(),
        )
        .await
        .map_err(crate::error::internal)
    }
    .await;
    finish(result, "set_premoderation", &[]).await?;
    leptos_axum::redirect("/moderation/reglages");
    Ok(())
}

/// Replaces the watched words (one per line).
#[server(prefix = "/api", endpoint = "save_watched_words")]
pub async fn save_watched_words(#[server(default)] words: String) -> Result<(), AppError> {
    use crate::error::internal;
    let user = moderator().await?;
    let state = crate::server::state::app_state()?;
    let result = async {
        let list = super::service::parse_watched_words(&words);
        let now = state.clock.now_ms();
        let mut tx = state.db.begin_write().await.map_err(internal)?;
        super::repo::replace_watched_words(&mut tx, &list, now)
            .await
            .map_err(internal)?;
        crate::auth::repo::audit(
            &mut *tx,
            Some(user.id),
            "watched_words_changed",
            None,
            &format!("words:{}", list.len()),
            now,
        )
        .await
        .map_err(internal)?;
        tx.commit().await.map_err(internal)
    }
    .await;
    finish(result, "save_watched_words", &[("words", &words)]).await?;
    leptos_axum::redirect("/moderation/reglages?mots=ok");
    Ok(())
}
