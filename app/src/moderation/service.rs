//! Moderation rules: who may post (sanctions, new-account limits), what waits for
//! approval (pre-moderated themes, watched words, first contributions), flags and the
//! threshold that hides pending review, moderators' decisions with their reasons,
//! appeals settled by another moderator, and sanctions. Every decision resolves the
//! contribution's flags and writes the public log and the audit log in one transaction.

use super::model::{
    Action, Cause, ItemKind, Reason, SanctionKind, SanctionView, Visibility, FLAG_DETAIL_MAX_CHARS,
    NOTE_MAX_CHARS, RULE_MAX_CHARS,
};
use super::repo::{self, Item, NewDecision};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::forum::model::LiveEvent;
use crate::forum::{events, follows};
use crate::server::state::AppState;
use crate::server::text::fold_accents;
use sqlx::AnyConnection;

/// Where a new contribution goes: published at once, or held for a moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    pub visibility: Visibility,
    pub cause: Option<Cause>,
}

/// What is being posted, for the posting rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posting {
    /// A proposal in this theme.
    Proposal { theme_id: i64 },
    /// A comment on this proposal.
    Comment { proposal_id: i64 },
}

/// Whether a contribution is new or a new text of an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Edit,
}

/// Checks that `author_id` may post now and says whether the contribution waits for a
/// moderator. The one rule for creating and editing alike: a ban or a suspension refuses
/// both, and a pre-moderated theme, a watched word or a new account's first steps hold
/// both; only the counts of a new account's first day apply to new contributions alone
/// (an edit adds none). Call it in the transaction that stores the contribution.
/// Refusals are field errors on `body`, shown next to the text typed.
pub async fn admit(
    state: &AppState,
    conn: &mut AnyConnection,
    author_id: i64,
    posting: Posting,
    text: &str,
    change: Change,
) -> Result<Admission, AppError> {
    let now = state.clock.now_ms();
    let rules = state.moderation;
    if let Some(block) = repo::posting_block(conn, author_id, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::field(
            "body",
            if block.kind == SanctionKind::Ban {
                "errors.posting_banned"
            } else {
                "errors.posting_suspended"
            },
        ));
    }
    let activity = repo::activity(conn, author_id).await.map_err(internal)?;
    let new_account = now - activity.created_at_ms < rules.new_account_ms;
    if new_account && change == Change::New {
        let over = match posting {
            Posting::Proposal { .. } => activity.proposals >= rules.new_account_proposals,
            Posting::Comment { .. } => activity.comments >= rules.new_account_comments,
        };
        if over {
            return Err(AppError::field("body", "errors.new_account_limit"));
        }
        if activity
            .last_post_ms
            .is_some_and(|last| now - last < rules.new_account_interval_ms)
        {
            return Err(AppError::field("body", "errors.posting_too_fast"));
        }
    }
    let (theme_id, proposal_id) = match posting {
        Posting::Proposal { theme_id } => (Some(theme_id), None),
        Posting::Comment { proposal_id } => (None, Some(proposal_id)),
    };
    let held = |cause| Admission {
        visibility: Visibility::Held,
        cause: Some(cause),
    };
    if repo::premoderated(conn, theme_id, proposal_id)
        .await
        .map_err(internal)?
    {
        return Ok(held(Cause::Premoderation));
    }
    let words = repo::watched_words(conn).await.map_err(internal)?;
    if contains_watched_word(text, &words) {
        return Ok(held(Cause::WatchedWord));
    }
    if activity.proposals + activity.comments < rules.premoderate_first {
        return Ok(held(Cause::NewAccount));
    }
    // A new account publishing something harmless and editing it into something else
    // right away: its edits wait for a moderator during its first day.
    if new_account && change == Change::Edit {
        return Ok(held(Cause::NewAccount));
    }
    Ok(Admission {
        visibility: Visibility::Published,
        cause: None,
    })
}

/// `text` folded for matching: lower case, no accents, words separated by one space,
/// with a space at each end.
fn folded_words(text: &str) -> String {
    let folded = fold_accents(&text.to_lowercase());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", words.join(" "))
}

/// Whether `text` holds one of `words` (each a word or phrase, folded) as whole words.
pub fn contains_watched_word(text: &str, words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    let haystack = folded_words(text);
    words.iter().any(|w| {
        let needle = folded_words(w);
        !needle.trim().is_empty() && haystack.contains(&needle)
    })
}

/// The watched words typed by a moderator (one per line), folded and deduplicated.
pub fn parse_watched_words(raw: &str) -> Vec<String> {
    let mut words: Vec<String> = raw
        .lines()
        .map(|l| folded_words(l).trim().to_owned())
        .filter(|w| !w.is_empty() && w.chars().count() <= 100)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(1_000);
    words
}

/// Queues a held contribution just stored.
pub async fn hold(
    conn: &mut AnyConnection,
    kind: ItemKind,
    id: i64,
    proposal_id: i64,
    author_id: i64,
    cause: Cause,
    now_ms: i64,
) -> Result<(), AppError> {
    let item = Item {
        kind,
        id,
        proposal_id,
        author_id: Some(author_id),
        visibility: Visibility::Held,
        title: None,
        body: String::new(),
        deleted: false,
    };
    repo::enqueue(conn, &item, cause, None, now_ms)
        .await
        .map_err(internal)
}

/// A flag as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagForm {
    pub reason: Reason,
    pub detail: String,
}

impl FlagForm {
    /// A reason is required; "other" needs a few words.
    pub fn parse(reason: &str, detail: &str) -> Result<FlagForm, AppError> {
        let detail = detail.trim();
        let mut errors = FieldErrors::new();
        let reason = Reason::parse(reason);
        match reason {
            None => add_field_error(&mut errors, "reason", "errors.choose_reason"),
            Some(Reason::Other) if detail.is_empty() => {
                add_field_error(&mut errors, "detail", "errors.flag_detail_required");
            }
            Some(_) => {}
        }
        if detail.chars().count() > FLAG_DETAIL_MAX_CHARS {
            add_field_error(&mut errors, "detail", "errors.text_too_long");
        }
        match reason {
            Some(reason) if errors.is_empty() => Ok(FlagForm {
                reason,
                detail: detail.to_owned(),
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// A published contribution someone may flag or read: comments of hidden proposals
/// count as hidden.
async fn public_item(conn: &mut AnyConnection, kind: ItemKind, id: i64) -> Result<Item, AppError> {
    let item = repo::item(conn, kind, id)
        .await
        .map_err(internal)?
        .filter(|i| i.visibility == Visibility::Published && !i.deleted)
        .ok_or(AppError::NotFound)?;
    if kind == ItemKind::Comment {
        repo::item(conn, ItemKind::Proposal, item.proposal_id)
            .await
            .map_err(internal)?
            .filter(|p| p.visibility == Visibility::Published)
            .ok_or(AppError::NotFound)?;
    }
    Ok(item)
}

/// The proposal a flag of `kind`/`id` leads back to, and the text flagged (for the flag
/// form). Only published contributions can be flagged.
pub async fn flaggable(
    state: &AppState,
    kind: ItemKind,
    id: i64,
) -> Result<(i64, String), AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    let item = public_item(&mut conn, kind, id).await?;
    Ok((item.proposal_id, repo::excerpt(&item.snapshot(), 500)))
}

/// Records `user_id`'s flag; once flags from enough distinct residents are open, the
/// contribution is hidden pending review. Returns its proposal.
pub async fn flag(
    state: &AppState,
    user_id: i64,
    kind: ItemKind,
    id: i64,
    form: &FlagForm,
) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let item = public_item(&mut tx, kind, id).await?;
    if item.author_id == Some(user_id) {
        return Err(AppError::field("reason", "errors.flag_own"));
    }
    if !repo::insert_flag(&mut tx, &item, user_id, form.reason, &form.detail, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::field("reason", "errors.already_flagged"));
    }
    repo::enqueue(&mut tx, &item, Cause::Flags, Some(form.reason), now)
        .await
        .map_err(internal)?;
    let open = repo::open_flags(&mut tx, kind, id)
        .await
        .map_err(internal)?;
    if open >= state.moderation.auto_hide_flags {
        change_visibility(&mut tx, &item, Visibility::Hidden, now).await?;
        let decision = NewDecision {
            kind,
            item_id: id,
            proposal_id: Some(item.proposal_id),
            author_id: item.author_id,
            moderator_id: None,
            action: Action::AutoHide,
            reason: Some(form.reason),
            rule: "",
            note: "",
            previous_text: None,
            appeal_id: None,
        };
        let decision_id = repo::insert_decision(&mut tx, &decision, now)
            .await
            .map_err(internal)?;
        crate::auth::repo::audit(
            &mut *tx,
            None,
            "moderation_auto_hide",
            item.author_id,
            &format!("{}:{id} decision:{decision_id} flags:{open}", kind.as_str()),
            now,
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(item.proposal_id));
    Ok(item.proposal_id)
}

/// A contribution whose new text the admission rule holds: it leaves the public view
/// (counts and open pages follow) and waits in the queue for a moderator.
pub async fn hold_edited(
    conn: &mut AnyConnection,
    kind: ItemKind,
    id: i64,
    cause: Cause,
    now_ms: i64,
) -> Result<(), AppError> {
    let item = repo::item(conn, kind, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    change_visibility(conn, &item, Visibility::Held, now_ms).await?;
    let held = Item {
        visibility: Visibility::Held,
        ..item
    };
    repo::enqueue(conn, &held, cause, None, now_ms)
        .await
        .map_err(internal)
}

/// Moves a contribution to `to` with what follows: comment counts, live events, and
/// for a held comment published at last, its followers' notifications.
async fn change_visibility(
    conn: &mut AnyConnection,
    item: &Item,
    to: Visibility,
    now_ms: i64,
) -> Result<(), AppError> {
    let from = item.visibility;
    if from == to {
        return Ok(());
    }
    if !repo::set_visibility(conn, item.kind, item.id, from, to)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.decision_conflict".into()));
    }
    let published = to == Visibility::Published;
    match item.kind {
        ItemKind::Comment if !item.deleted => {
            if from == Visibility::Published || published {
                repo::count_comment(conn, item.proposal_id, if published { 1 } else { -1 })
                    .await
                    .map_err(internal)?;
            }
            let event = if published {
                if from == Visibility::Held {
                    if let Some(author) = item.author_id {
                        crate::notifications::repo::notify_comment(
                            conn,
                            item.proposal_id,
                            author,
                            now_ms,
                        )
                        .await
                        .map_err(internal)?;
                        follows::follow(conn, item.proposal_id, author, now_ms)
                            .await
                            .map_err(internal)?;
                    }
                    Some(LiveEvent::Comment { id: item.id })
                } else {
                    Some(LiveEvent::CommentRestored { id: item.id })
                }
            } else if from == Visibility::Published {
                events::forget_comment(conn, item.proposal_id, item.id)
                    .await
                    .map_err(internal)?;
                Some(LiveEvent::CommentHidden { id: item.id })
            } else {
                None
            };
            if let Some(event) = event {
                events::record(conn, item.proposal_id, &event, now_ms)
                    .await
                    .map_err(internal)?;
            }
        }
        ItemKind::Proposal if from == Visibility::Published => {
            events::record(conn, item.proposal_id, &LiveEvent::Hidden, now_ms)
                .await
                .map_err(internal)?;
        }
        _ => {}
    }
    Ok(())
}

/// A moderator's decision on a contribution, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionForm {
    pub action: Action,
    pub reason: Option<Reason>,
    pub rule: String,
    pub note: String,
    /// For a redaction: the passage to remove.
    pub passage: String,
}

impl DecisionForm {
    /// Hiding and redacting need a reason; a redaction needs its passage.
    pub fn parse(
        action: &str,
        reason: &str,
        rule: &str,
        note: &str,
        passage: &str,
    ) -> Result<DecisionForm, AppError> {
        let mut errors = FieldErrors::new();
        let action = Action::parse(action)
            .filter(|a| Action::ON_CONTENT.contains(a) || *a == Action::Redact);
        let reason = Reason::parse(reason);
        let (rule, note, passage) = (rule.trim(), note.trim(), passage.trim());
        match action {
            None => add_field_error(&mut errors, "action", "errors.choose_decision"),
            Some(Action::Hide | Action::Redact) if reason.is_none() => {
                add_field_error(&mut errors, "reason", "errors.choose_reason");
            }
            _ => {}
        }
        if action == Some(Action::Redact) && passage.is_empty() {
            add_field_error(&mut errors, "passage", "errors.required");
        }
        if rule.chars().count() > RULE_MAX_CHARS {
            add_field_error(&mut errors, "rule", "errors.text_too_long");
        }
        if note.chars().count() > NOTE_MAX_CHARS {
            add_field_error(&mut errors, "note", "errors.text_too_long");
        }
        match action {
            Some(action) if errors.is_empty() => Ok(DecisionForm {
                action,
                reason,
                rule: rule.to_owned(),
                note: note.to_owned(),
                passage: passage.to_owned(),
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// A moderator may not judge their own contributions. An administrator's are judged by
/// another administrator, except that any moderator may bring back what is hidden or
/// held (`restores`): so an automatic hiding is always reviewable by someone.
async fn check_may_act_on(
    conn: &mut AnyConnection,
    moderator_id: i64,
    author_id: Option<i64>,
    restores: bool,
) -> Result<(), AppError> {
    let Some(author) = author_id else {
        return Ok(());
    };
    if author == moderator_id {
        return Err(AppError::Forbidden);
    }
    if !restores
        && repo::is_admin(conn, author).await.map_err(internal)?
        && !repo::is_admin(conn, moderator_id).await.map_err(internal)?
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The visibility a decision leads to, or why it does not apply to the contribution.
fn outcome(action: Action, from: Visibility) -> Result<Visibility, AppError> {
    let not_applicable = || AppError::field("action", "errors.decision_not_applicable");
    match (action, from) {
        (Action::Hide, _) => Ok(Visibility::Hidden),
        (Action::Keep, _) => Ok(Visibility::Published),
        (Action::Approve, Visibility::Held) | (Action::Restore, Visibility::Hidden) => {
            Ok(Visibility::Published)
        }
        (Action::Redact, v) if v != Visibility::Held => Ok(v),
        _ => Err(not_applicable()),
    }
}

/// Applies `moderator_id`'s decision on a contribution: its new state, the flags
/// resolved, the public log, the audit log and the author's notification, together.
/// Returns the proposal it belongs to.
pub async fn decide(
    state: &AppState,
    moderator_id: i64,
    kind: ItemKind,
    id: i64,
    form: &DecisionForm,
) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let item = repo::item(&mut tx, kind, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let to = outcome(form.action, item.visibility)?;
    let restores = to == Visibility::Published && form.action != Action::Redact;
    check_may_act_on(&mut tx, moderator_id, item.author_id, restores).await?;
    let mut previous_text = None;
    if form.action == Action::Redact {
        previous_text = Some(redact(&mut tx, &item, &form.passage).await?);
        show_new_text(&mut tx, &item, now).await?;
    }
    change_visibility(&mut tx, &item, to, now).await?;
    let decision = NewDecision {
        kind,
        item_id: id,
        proposal_id: Some(item.proposal_id),
        author_id: item.author_id,
        moderator_id: Some(moderator_id),
        action: form.action,
        reason: form
            .reason
            .filter(|_| form.action != Action::Keep && form.action != Action::Approve),
        rule: &form.rule,
        note: &form.note,
        previous_text: previous_text.as_deref(),
        appeal_id: None,
    };
    let decision_id = repo::insert_decision(&mut tx, &decision, now)
        .await
        .map_err(internal)?;
    crate::auth::repo::audit(
        &mut *tx,
        Some(moderator_id),
        &format!("moderation_{}", form.action.as_str()),
        item.author_id,
        &format!("{}:{id} decision:{decision_id}", kind.as_str()),
        now,
    )
    .await
    .map_err(internal)?;
    let tells_author = matches!(
        form.action,
        Action::Hide | Action::Redact | Action::Restore | Action::Approve
    );
    if let (true, Some(author)) = (tells_author, item.author_id) {
        repo::notify_author(&mut tx, author, item.proposal_id, decision_id, now)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(Some(item.proposal_id));
    Ok(item.proposal_id)
}

/// Removes `passage` from a contribution's text (every occurrence); the text before.
async fn redact(conn: &mut AnyConnection, item: &Item, passage: &str) -> Result<String, AppError> {
    if !item.body.contains(passage) {
        return Err(AppError::field("passage", "errors.passage_not_found"));
    }
    let body = item.body.replace(passage, "[…]");
    let html = crate::forum::service::render_markdown(&body);
    let search = item
        .title
        .as_ref()
        .map(|title| crate::server::text::search_words(&format!("{title}\n{body}")).join(" "));
    repo::replace_text(conn, item.kind, item.id, &body, &html, search.as_deref())
        .await
        .map_err(internal)?;
    Ok(item.body.clone())
}

/// Tells open pages a published comment's new text after a redaction (or its undoing),
/// forgetting the events that carried the text before.
async fn show_new_text(conn: &mut AnyConnection, item: &Item, now_ms: i64) -> Result<(), AppError> {
    if item.kind != ItemKind::Comment || item.visibility != Visibility::Published || item.deleted {
        return Ok(());
    }
    events::forget_comment(conn, item.proposal_id, item.id)
        .await
        .map_err(internal)?;
    events::record(
        conn,
        item.proposal_id,
        &LiveEvent::CommentEdited { id: item.id },
        now_ms,
    )
    .await
    .map_err(internal)?;
    Ok(())
}

/// Decisions an author may contest, an automatic hiding by flags included.
pub fn appealable(action: Action) -> bool {
    matches!(
        action,
        Action::Hide
            | Action::AutoHide
            | Action::Redact
            | Action::Warn
            | Action::Suspend
            | Action::Ban
    )
}

/// An appeal's text.
pub fn parse_appeal(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        Err(AppError::field("text", "errors.required"))
    } else if text.chars().count() > NOTE_MAX_CHARS {
        Err(AppError::field("text", "errors.text_too_long"))
    } else {
        Ok(text.to_owned())
    }
}

/// `user_id` contests a decision about their contribution or account, once.
pub async fn appeal(
    state: &AppState,
    user_id: i64,
    decision_id: i64,
    text: &str,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let decision = repo::decision(&mut tx, decision_id)
        .await
        .map_err(internal)?
        .filter(|d| d.author_id == Some(user_id))
        .ok_or(AppError::NotFound)?;
    if !appealable(decision.action) {
        return Err(AppError::field("text", "errors.not_appealable"));
    }
    if !repo::insert_appeal(&mut tx, decision_id, user_id, text, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::field("text", "errors.already_appealed"));
    }
    crate::auth::repo::audit(
        &mut *tx,
        Some(user_id),
        "moderation_appeal",
        Some(user_id),
        &format!("decision:{decision_id}"),
        now,
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// Another moderator settles an appeal: upheld, or overturned (the contribution comes
/// back, the passage returns, the sanction is lifted). The author is told either way.
pub async fn settle_appeal(
    state: &AppState,
    moderator_id: i64,
    appeal_id: i64,
    uphold: bool,
    note: &str,
) -> Result<(ItemKind, i64), AppError> {
    let now = state.clock.now_ms();
    let note = note.trim();
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::field("note", "errors.text_too_long"));
    }
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let (decision_id, _) = repo::open_appeal(&mut tx, appeal_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let decision = repo::decision(&mut tx, decision_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if decision.moderator_id == Some(moderator_id) {
        return Err(AppError::field(
            "outcome",
            "errors.appeal_needs_other_moderator",
        ));
    }
    check_may_act_on(&mut tx, moderator_id, decision.author_id, !uphold).await?;
    if !repo::settle_appeal(&mut tx, appeal_id, moderator_id, uphold, now)
        .await
        .map_err(internal)?
    {
        return Err(AppError::Conflict("errors.decision_conflict".into()));
    }
    let mut told = decision_id;
    if !uphold {
        let action = if decision.kind == ItemKind::Account {
            repo::lift_sanction(&mut tx, decision_id, now)
                .await
                .map_err(internal)?;
            Action::Lift
        } else {
            let item = repo::item(&mut tx, decision.kind, decision.item_id)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            if let (Action::Redact, Some(text)) = (decision.action, &decision.previous_text) {
                let html = crate::forum::service::render_markdown(text);
                let search = item.title.as_ref().map(|title| {
                    crate::server::text::search_words(&format!("{title}\n{text}")).join(" ")
                });
                repo::replace_text(&mut tx, item.kind, item.id, text, &html, search.as_deref())
                    .await
                    .map_err(internal)?;
                show_new_text(&mut tx, &item, now).await?;
            }
            change_visibility(&mut tx, &item, Visibility::Published, now).await?;
            Action::Restore
        };
        let restored = NewDecision {
            kind: decision.kind,
            item_id: decision.item_id,
            proposal_id: decision.proposal_id,
            author_id: decision.author_id,
            moderator_id: Some(moderator_id),
            action,
            reason: None,
            rule: "",
            note,
            previous_text: None,
            appeal_id: Some(appeal_id),
        };
        told = repo::insert_decision(&mut tx, &restored, now)
            .await
            .map_err(internal)?;
    }
    crate::auth::repo::audit(
        &mut *tx,
        Some(moderator_id),
        if uphold {
            "moderation_appeal_upheld"
        } else {
            "moderation_appeal_overturned"
        },
        decision.author_id,
        &format!("appeal:{appeal_id} decision:{decision_id}"),
        now,
    )
    .await
    .map_err(internal)?;
    if let (Some(author), Some(proposal)) = (decision.author_id, decision.proposal_id) {
        repo::notify_author(&mut tx, author, proposal, told, now)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    state.live_changed(decision.proposal_id);
    Ok((decision.kind, decision.item_id))
}

/// A sanction as typed by a moderator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanctionForm {
    pub kind: SanctionKind,
    pub days: Option<i64>,
    pub reason: Reason,
    pub note: String,
}

impl SanctionForm {
    /// A suspension lasts 1 to 365 days; every sanction has a reason.
    pub fn parse(
        kind: &str,
        days: &str,
        reason: &str,
        note: &str,
    ) -> Result<SanctionForm, AppError> {
        let mut errors = FieldErrors::new();
        let kind = SanctionKind::parse(kind);
        let reason = Reason::parse(reason);
        let note = note.trim();
        if kind.is_none() {
            add_field_error(&mut errors, "kind", "errors.choose_sanction");
        }
        if reason.is_none() {
            add_field_error(&mut errors, "sanction_reason", "errors.choose_reason");
        }
        let days = if kind == Some(SanctionKind::Suspension) {
            match days.trim().parse::<i64>() {
                Ok(d) if (1..=365).contains(&d) => Some(d),
                _ => {
                    add_field_error(&mut errors, "days", "errors.suspension_days");
                    None
                }
            }
        } else {
            None
        };
        if note.chars().count() > NOTE_MAX_CHARS {
            add_field_error(&mut errors, "sanction_note", "errors.text_too_long");
        }
        match (kind, reason) {
            (Some(kind), Some(reason)) if errors.is_empty() => Ok(SanctionForm {
                kind,
                days,
                reason,
                note: note.to_owned(),
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// `moderator_id` sanctions the author of a contribution (`proposal_id`: where they are
/// told about it). Never an administrator, never oneself.
pub async fn sanction(
    state: &AppState,
    moderator_id: i64,
    user_id: i64,
    proposal_id: i64,
    form: &SanctionForm,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    check_may_act_on(&mut tx, moderator_id, Some(user_id), false).await?;
    let action = match form.kind {
        SanctionKind::Warning => Action::Warn,
        SanctionKind::Suspension => Action::Suspend,
        SanctionKind::Ban => Action::Ban,
    };
    let decision = NewDecision {
        kind: ItemKind::Account,
        item_id: user_id,
        proposal_id: Some(proposal_id),
        author_id: Some(user_id),
        moderator_id: Some(moderator_id),
        action,
        reason: Some(form.reason),
        rule: "",
        note: &form.note,
        previous_text: None,
        appeal_id: None,
    };
    let decision_id = repo::insert_decision(&mut tx, &decision, now)
        .await
        .map_err(internal)?;
    let view = SanctionView {
        kind: form.kind,
        reason: form.reason,
        note: form.note.clone(),
        created_at_ms: now,
        ends_at_ms: form.days.map(|d| now + d * 24 * 3_600_000),
    };
    repo::insert_sanction(&mut tx, user_id, &view, decision_id)
        .await
        .map_err(internal)?;
    crate::auth::repo::audit(
        &mut *tx,
        Some(moderator_id),
        &format!("moderation_{}", action.as_str()),
        Some(user_id),
        &format!("decision:{decision_id} days:{}", form.days.unwrap_or(0)),
        now,
    )
    .await
    .map_err(internal)?;
    repo::notify_author(&mut tx, user_id, proposal_id, decision_id, now)
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_words_match_whole_words_whatever_the_case_and_accents() {
        let words = parse_watched_words("Arnaque\n  \nvendre pas cher\nÉCRASÉ");
        assert_eq!(words, ["arnaque", "ecrase", "vendre pas cher"]);
        assert!(contains_watched_word("Une ARNAQUE évidente", &words));
        assert!(contains_watched_word("à vendre, pas cher !", &words));
        assert!(contains_watched_word("le chat écrasé", &words));
        assert!(!contains_watched_word("les arnaqueurs", &words));
        assert!(!contains_watched_word("Des bancs au parc", &words));
        assert!(!contains_watched_word("arnaque", &[]));
    }

    #[test]
    fn hiding_needs_a_reason_and_other_flags_need_words() {
        assert_eq!(
            DecisionForm::parse("hide", "", "", "", ""),
            Err(AppError::field("reason", "errors.choose_reason"))
        );
        assert!(DecisionForm::parse("keep", "", "", "", "").is_ok());
        assert_eq!(
            DecisionForm::parse("delete_everything", "spam", "", "", ""),
            Err(AppError::field("action", "errors.choose_decision"))
        );
        assert_eq!(
            FlagForm::parse("other", " "),
            Err(AppError::field("detail", "errors.flag_detail_required"))
        );
        assert_eq!(
            FlagForm::parse("", ""),
            Err(AppError::field("reason", "errors.choose_reason"))
        );
        assert!(FlagForm::parse("spam", "").is_ok());
    }

    #[test]
    fn a_decision_applies_only_where_it_makes_sense() {
        assert_eq!(
            outcome(Action::Approve, Visibility::Held),
            Ok(Visibility::Published)
        );
        assert!(outcome(Action::Approve, Visibility::Published).is_err());
        assert!(outcome(Action::Restore, Visibility::Published).is_err());
        assert_eq!(
            outcome(Action::Hide, Visibility::Held),
            Ok(Visibility::Hidden)
        );
        assert!(outcome(Action::Redact, Visibility::Held).is_err());
    }

    #[test]
    fn suspensions_last_one_to_365_days() {
        assert!(SanctionForm::parse("suspension", "0", "spam", "").is_err());
        assert!(SanctionForm::parse("suspension", "366", "spam", "").is_err());
        assert_eq!(
            SanctionForm::parse("suspension", "7", "abuse", "").map(|f| f.days),
            Ok(Some(7))
        );
        assert_eq!(
            SanctionForm::parse("ban", "", "abuse", "").map(|f| f.days),
            Ok(None)
        );
    }
}
