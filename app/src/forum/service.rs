//! Forum rules: what a valid proposal is, how its Markdown becomes safe HTML, how the list
//! is searched, and who may support what.

use super::categories::{self, CategoryKind};
use super::model::{
    ExportedProposal, LiveEvent, ProposalDetail, ProposalList, ProposalQuery, BODY_MAX_CHARS,
    PAGE_SIZE, TITLE_MAX_CHARS, TITLE_MIN_CHARS,
};
use super::repo::{self, NewProposalRow};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::forum::comments::repo::Reader;
use crate::moderation::model::{ItemKind, Visibility};
use crate::moderation::service::{admit, hold, Change, Posting};
use crate::server::db::DbKind;
use crate::server::state::AppState;
use crate::server::text::search_words;

/// A proposal as typed, checked field by field.
#[derive(Debug)]
pub struct ProposalForm {
    pub title: String,
    pub body: String,
    pub theme: String,
    pub neighbourhood: Option<String>,
}

impl ProposalForm {
    /// Trims the fields and reports every problem at once (`errors.*` keys per field).
    pub fn parse(
        title: &str,
        body: &str,
        theme: &str,
        neighbourhood: &str,
    ) -> Result<Self, AppError> {
        let mut errors = FieldErrors::new();
        let mut add = |field: &str, key: &str| add_field_error(&mut errors, field, key);
        let title = title.trim();
        let body = body.trim();
        let title_chars = title.chars().count();
        if title_chars == 0 {
            add("title", "errors.required");
        } else if title_chars < TITLE_MIN_CHARS {
            add("title", "errors.title_too_short");
        } else if title_chars > TITLE_MAX_CHARS {
            add("title", "errors.title_too_long");
        }
        if title.chars().any(char::is_control) {
            add("title", "errors.invalid");
        }
        if body.is_empty() {
            add("body", "errors.required");
        } else if body.chars().count() > BODY_MAX_CHARS {
            add("body", "errors.body_too_long");
        }
        if theme.trim().is_empty() {
            add("theme", "errors.required");
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let neighbourhood = Some(neighbourhood.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        Ok(ProposalForm {
            title: title.to_owned(),
            body: body.to_owned(),
            theme: theme.trim().to_owned(),
            neighbourhood,
        })
    }
}

/// Residents' Markdown as HTML: no raw HTML survives, links get `rel="nofollow noopener
/// noreferrer ugc"`, and images are dropped (they would load from other sites).
pub fn render_markdown(markdown: &str) -> String {
    crate::server::markdown::contribution(markdown)
}

/// A search as the database's full-text index expects it, `None` when nothing searchable
/// was typed. Both databases index the words [`search_words`] makes (stemmed, folded), so
/// they find the same proposals: SQLite's FTS5 gets each word quoted (no operator can be
/// injected), PostgreSQL's `plainto_tsquery('simple', …)` the words themselves. Every word
/// is required.
pub fn fts_query(kind: DbKind, search: &str) -> Option<String> {
    fts_words(kind, &search_words(search))
}

/// [`fts_query`] of words already made by [`search_words`].
pub fn fts_words(kind: DbKind, words: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    Some(match kind {
        DbKind::Sqlite => words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" "),
        DbKind::Postgres => words.join(" "),
    })
}

/// Checks a form's theme and neighbourhood and renders its text, ready to store.
async fn prepare(state: &AppState, form: &ProposalForm) -> Result<PreparedProposal, AppError> {
    let pool = state.db.pool();
    let theme_id = categories::category_id(pool, CategoryKind::Theme, &form.theme)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::field("theme", "errors.choice_unknown"))?;
    let neighbourhood_id = match &form.neighbourhood {
        Some(slug) => Some(
            categories::category_id(pool, CategoryKind::Neighbourhood, slug)
                .await
                .map_err(internal)?
                .ok_or_else(|| AppError::field("neighbourhood", "errors.choice_unknown"))?,
        ),
        None => None,
    };
    Ok(PreparedProposal {
        theme_id,
        neighbourhood_id,
        body_html: render_markdown(&form.body),
        search_text: search_words(&format!("{}\n{}", form.title, form.body)).join(" "),
    })
}

struct PreparedProposal {
    theme_id: i64,
    neighbourhood_id: Option<i64>,
    body_html: String,
    search_text: String,
}

impl PreparedProposal {
    fn row<'a>(
        &'a self,
        author_id: i64,
        form: &'a ProposalForm,
        moderation: Visibility,
    ) -> NewProposalRow<'a> {
        NewProposalRow {
            author_id,
            theme_id: self.theme_id,
            neighbourhood_id: self.neighbourhood_id,
            title: &form.title,
            body: &form.body,
            body_html: &self.body_html,
            search_text: &self.search_text,
            moderation,
        }
    }
}

/// Publishes a proposal by `author_id`, who follows it from then on, or holds it for a
/// moderator when the moderation rules say so; its id.
pub async fn create_proposal(
    state: &AppState,
    author_id: i64,
    form: &ProposalForm,
) -> Result<i64, AppError> {
    let prepared = prepare(state, form).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let posting = Posting::Proposal {
        theme_id: prepared.theme_id,
    };
    let text = format!("{}\n{}", form.title, form.body);
    let admission = admit(state, &mut tx, author_id, posting, &text, Change::New).await?;
    let row = prepared.row(author_id, form, admission.visibility);
    let id = repo::insert_proposal(&mut tx, &row, now)
        .await
        .map_err(internal)?;
    if let Some(cause) = admission.cause {
        hold(&mut tx, ItemKind::Proposal, id, id, author_id, cause, now).await?;
    }
    super::follows::follow(&mut tx, id, author_id, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// The state of proposal `id`, or `NotFound`.
pub(crate) async fn require_state(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<repo::ProposalState, AppError> {
    repo::state_of(conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// Checks that `user_id` may still change proposal `id`: theirs, not withdrawn, not yet
/// answered by the town hall (the answer refers to the text as it was).
fn check_author_may_change(proposal: &repo::ProposalState, user_id: i64) -> Result<(), AppError> {
    if proposal.author_id != Some(user_id) {
        return Err(AppError::Forbidden);
    }
    if proposal.withdrawn {
        return Err(AppError::Closed);
    }
    if proposal.moderation == Visibility::Hidden {
        return Err(AppError::field("body", "errors.hidden_by_moderation"));
    }
    if proposal.answered {
        return Err(AppError::field("body", "errors.proposal_answered"));
    }
    Ok(())
}

/// The author's new version of their proposal, within the edit window.
pub async fn edit_proposal(
    state: &AppState,
    user_id: i64,
    id: i64,
    form: &ProposalForm,
) -> Result<(), AppError> {
    let prepared = prepare(state, form).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let proposal = require_state(&mut tx, id).await?;
    check_author_may_change(&proposal, user_id)?;
    if now - proposal.created_at_ms > state.forum.proposal_edit_ms {
        return Err(AppError::field("body", "errors.edit_window_over"));
    }
    let posting = Posting::Proposal {
        theme_id: prepared.theme_id,
    };
    let text = format!("{}\n{}", form.title, form.body);
    let admission = admit(state, &mut tx, user_id, posting, &text, Change::Edit).await?;
    repo::update_proposal(
        &mut tx,
        id,
        &prepared.row(user_id, form, proposal.moderation),
        now,
    )
    .await
    .map_err(internal)?;
    if let Some(cause) = admission.cause {
        crate::moderation::service::hold_edited(&mut tx, ItemKind::Proposal, id, cause, now)
            .await?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(id));
    Ok(())
}

/// Whether `user_id` may edit the proposal now (for showing the button).
pub fn may_edit(state: &AppState, detail: &ProposalDetail, user_id: i64) -> bool {
    detail.author_id == Some(user_id)
        && !detail.summary.withdrawn
        && detail.moderation != Visibility::Hidden
        && detail.answered_at_ms.is_none()
        && state.clock.now_ms() - detail.summary.created_at_ms <= state.forum.proposal_edit_ms
}

/// The author withdraws their proposal: it stays readable, marked withdrawn, and takes
/// no more supports or comments. Withdrawing twice changes nothing.
pub async fn withdraw_proposal(state: &AppState, user_id: i64, id: i64) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let proposal = require_state(&mut tx, id).await?;
    if proposal.author_id != Some(user_id) {
        return Err(AppError::Forbidden);
    }
    if repo::withdraw(&mut tx, id, now).await.map_err(internal)? {
        super::events::record(&mut tx, id, &LiveEvent::Withdrawn, now)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(id));
    Ok(())
}

/// A page of the proposals list.
pub async fn list_proposals(
    state: &AppState,
    query: &ProposalQuery,
) -> Result<ProposalList, AppError> {
    let kind = state.db.kind();
    let search = query.search.trim();
    let fts = fts_query(kind, search);
    let page = query.page.max(1);
    let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
    let (items, total) = repo::list(
        state.db.pool(),
        kind,
        query,
        fts,
        i64::from(PAGE_SIZE),
        offset,
    )
    .await
    .map_err(internal)?;
    Ok(ProposalList {
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// A published proposal's page.
pub async fn proposal(state: &AppState, id: i64) -> Result<ProposalDetail, AppError> {
    proposal_for(state, id, Reader::default()).await
}

/// A proposal's page as `reader` may see it: a held or hidden proposal exists for its
/// author and moderators only.
pub async fn proposal_for(
    state: &AppState,
    id: i64,
    reader: Reader,
) -> Result<ProposalDetail, AppError> {
    repo::find(state.db.pool(), id)
        .await
        .map_err(internal)?
        .filter(|p| {
            crate::moderation::reads::may_see(
                p.moderation,
                p.author_id,
                reader.user_id,
                reader.moderator,
            )
        })
        .ok_or(AppError::NotFound)
}

/// The state of proposal `id` if it is published, or `NotFound`.
pub(crate) async fn require_published(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<repo::ProposalState, AppError> {
    Some(require_state(conn, id).await?)
        .filter(|p| p.moderation == Visibility::Published)
        .ok_or(AppError::NotFound)
}

/// Adds or withdraws `user_id`'s support; a withdrawn proposal takes no new support.
pub async fn set_support(
    state: &AppState,
    proposal_id: i64,
    user_id: i64,
    support: bool,
) -> Result<(), AppError> {
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(internal)?;
    let proposal = require_published(&mut conn, proposal_id).await?;
    drop(conn);
    let now = state.clock.now_ms();
    if support {
        if proposal.withdrawn {
            return Err(AppError::Closed);
        }
        repo::add_support(pool, proposal_id, user_id, now)
            .await
            .map_err(internal)?;
    } else {
        repo::remove_support(pool, proposal_id, user_id, now)
            .await
            .map_err(internal)?;
    }
    state.live_changed(Some(proposal_id));
    Ok(())
}

/// The open-data export: every proposal with its counts, French names, dates in UTC.
pub async fn export(state: &AppState) -> Result<Vec<ExportedProposal>, AppError> {
    let rows = repo::all_summaries(state.db.pool())
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let mut url = (*state.public_url).clone();
            url.set_path(&format!("/forum/propositions/{}", p.id));
            ExportedProposal {
                id: p.id,
                url: url.to_string(),
                title: p.title,
                theme: p.theme.name_fr,
                neighbourhood: p.neighbourhood.map(|n| n.name_fr).unwrap_or_default(),
                status: p.status.as_str().to_owned(),
                author: p.author_name.unwrap_or_default(),
                published_at: rfc3339(p.created_at_ms),
                supports: p.support_count,
                comments: p.comment_count,
                withdrawn: p.withdrawn,
            }
        })
        .collect())
}

/// The export as CSV (RFC 4180, header row, UTF-8), every cell spreadsheet-safe.
pub fn export_csv(rows: &[ExportedProposal]) -> Result<String, AppError> {
    let mut out = crate::server::csv::SafeCsv::new();
    out.row([
        "id",
        "url",
        "title",
        "theme",
        "neighbourhood",
        "status",
        "author",
        "published_at",
        "supports",
        "comments",
        "withdrawn",
    ])?;
    for row in rows {
        out.row([
            row.id.to_string().as_str(),
            &row.url,
            &row.title,
            &row.theme,
            &row.neighbourhood,
            &row.status,
            &row.author,
            &row.published_at,
            &row.supports.to_string(),
            &row.comments.to_string(),
            if row.withdrawn { "true" } else { "false" },
        ])?;
    }
    out.finish()
}

fn rfc3339(epoch_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_formatting_and_drops_scripts_and_images() {
        let html = render_markdown(
            "**Bancs** au [parc](https://ville.example)\n\n<script>alert(1)</script>\n\n![x](https://tracker.example/p.gif)\n\n<img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<strong>Bancs</strong>"), "{html}");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer ugc\""),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "shown as typed: {html}"
        );
    }

    #[test]
    fn a_search_cannot_inject_fts_operators() {
        assert_eq!(fts_query(DbKind::Sqlite, "  "), None);
        let hostile = "écoles\" OR proposals_fts:* NEAR(";
        let query = fts_query(DbKind::Sqlite, hostile).expect("words");
        assert!(query.starts_with("\"ecol\" "), "{query}");
        for word in query.split(' ') {
            assert!(
                word.len() > 2 && word.starts_with('"') && word.ends_with('"'),
                "{query}"
            );
            assert!(
                !word[1..word.len() - 1].contains(['"', '*', ':', '(']),
                "{query}"
            );
        }
        // PostgreSQL's plainto_tsquery reads no operator at all; the words are the same.
        let pg = fts_query(DbKind::Postgres, hostile).expect("words");
        assert_eq!(pg, query.replace('"', ""));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let Err(AppError::Validation(errors)) = ProposalForm::parse("abc", "  ", "", "") else {
            panic!("expected validation errors");
        };
        assert_eq!(errors["title"], ["errors.title_too_short"]);
        assert_eq!(errors["body"], ["errors.required"]);
        assert_eq!(errors["theme"], ["errors.required"]);
        let long = "x".repeat(BODY_MAX_CHARS + 1);
        let Err(AppError::Validation(errors)) =
            ProposalForm::parse(&"t".repeat(141), &long, "voirie", "")
        else {
            panic!("expected validation errors");
        };
        assert_eq!(errors["title"], ["errors.title_too_long"]);
        assert_eq!(errors["body"], ["errors.body_too_long"]);
    }
}
