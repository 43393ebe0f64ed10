//! The rules added after the security review (issue 22), on SQLite and PostgreSQL: an
//! edit goes through the same admission rule as a new post, and what flags hid is always
//! reviewable and appealable, an administrator's contribution included.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::service::{self, SanctionForm};
use super::tests::{comment, decision, shown_text, spam, staff};
use super::{reads, repo};
use crate::accounts::model::Role;
use crate::error::AppError;
use crate::forum::comments::repo::Reader;
use crate::forum::comments::service::{self as comments, CommentBody};
use crate::forum::service::{self as forum, ProposalForm};
use crate::forum::tests::{categories, propose, resident, state};
use crate::moderation::model::{ItemKind, Visibility};
use crate::server::state::AppState;

/// Where proposal `id` stands with moderation (held and hidden ones are not public).
async fn visibility(state: &AppState, id: i64) -> Visibility {
    let mut conn = state.db.pool().acquire().await.unwrap();
    crate::forum::repo::state_of(&mut conn, id)
        .await
        .unwrap()
        .unwrap()
        .moderation
}

crate::db_test!(
    an_administrator_contribution_hidden_by_flags_is_reviewable_and_appealable,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let admin = staff(&state, "admin@example.org", Role::Admin).await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, admin, "Travaux rue des Écoles", "voirie", "").await;
        for who in ["a@example.org", "b@example.org", "c@example.org"] {
            let flagger = resident(&state, who).await;
            service::flag(&state, flagger, ItemKind::Proposal, p, &spam())
                .await
                .unwrap();
        }
        let queue = reads::queue(&state, moderator, &Default::default())
            .await
            .unwrap();
        assert_eq!(queue.items[0].visibility, Visibility::Hidden);
        // The author may contest the automatic hiding…
        let hidden: i64 = sqlx::query_scalar(
            "SELECT id FROM moderation_decisions WHERE action = 'auto_hide' AND item_id = $1",
        )
        .bind(p)
        .fetch_one(state.db.pool())
        .await
        .unwrap();
        service::appeal(&state, admin, hidden, "Ce n’est pas du spam.")
            .await
            .unwrap();
        // …and a moderator who is not an administrator may not hide it for good, but may
        // bring it back.
        let review = reads::review(&state, moderator, ItemKind::Proposal, p)
            .await
            .unwrap();
        assert!(review.author_is_admin && !review.viewer_is_admin);
        assert_eq!(
            service::decide(
                &state,
                moderator,
                ItemKind::Proposal,
                p,
                &decision("hide", "spam")
            )
            .await,
            Err(AppError::Forbidden)
        );
        service::decide(
            &state,
            moderator,
            ItemKind::Proposal,
            p,
            &decision("restore", ""),
        )
        .await
        .unwrap();
        assert_eq!(visibility(&state, p).await, Visibility::Published);
    }
);

crate::db_test!(
    edits_go_through_the_same_admission_rule_as_new_posts,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comment(&state, tom, p, "Des bancs en bois").await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        repo::replace_watched_words(&mut tx, &service::parse_watched_words("casino"), 0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A published comment edited into a watched word leaves the page for the queue.
        comments::edit_comment(
            &state,
            tom,
            c,
            &CommentBody::parse("Venez au CASINO en ligne").unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(shown_text(&state, p, Reader::default(), c).await, None);
        assert_eq!(
            forum::proposal(&state, p)
                .await
                .unwrap()
                .summary
                .comment_count,
            0
        );
        let queue = reads::queue(&state, moderator, &Default::default())
            .await
            .unwrap();
        assert_eq!(
            queue.items[0].cause,
            crate::moderation::model::Cause::WatchedWord
        );
        // So does a proposal edited into one.
        let form = ProposalForm::parse("Des bancs au casino", "Texte", "voirie", "").unwrap();
        forum::edit_proposal(&state, lea, p, &form).await.unwrap();
        assert_eq!(visibility(&state, p).await, Visibility::Held);
        // A suspended author cannot edit either.
        let other = propose(&state, tom, "Un composteur", "voirie", "").await;
        let suspension =
            SanctionForm::parse("suspension", "7", "abuse", "Propos injurieux répétés.").unwrap();
        service::sanction(&state, moderator, tom, other, &suspension)
            .await
            .unwrap();
        let form = ProposalForm::parse("Un composteur partagé", "Texte", "voirie", "").unwrap();
        assert_eq!(
            forum::edit_proposal(&state, tom, other, &form).await,
            Err(AppError::field("body", "errors.posting_suspended"))
        );
    }
);

crate::db_test!(
    a_new_account_edits_wait_for_a_moderator_on_its_first_day,
    |db| {
        let mut state = state(&db);
        state.moderation = Default::default();
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let form = ProposalForm::parse("Des bancs au parc", "Texte", "voirie", "").unwrap();
        let p = forum::create_proposal(&state, lea, &form).await.unwrap();
        let edited = ProposalForm::parse("Des bancs au parc, vite", "Texte", "voirie", "").unwrap();
        forum::edit_proposal(&state, lea, p, &edited).await.unwrap();
        assert_eq!(visibility(&state, p).await, Visibility::Held);
    }
);
