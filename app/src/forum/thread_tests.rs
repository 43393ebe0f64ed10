//! Editing, withdrawing, comments, official answers, follows, notifications, the digest
//! and live events, on SQLite and PostgreSQL.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::answers::{self, AnswerForm};
use super::comments::repo::Reader;
use super::comments::service::{self as comments, CommentBody};
use super::model::{LiveEvent, ProposalStatus, THREADS_PER_PAGE};
use super::service::{self, ProposalForm};
use super::tests::{categories, propose, resident, state};
use super::{digest, events};
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::state::AppState;

const MINUTE: i64 = 60_000;

fn body(text: &str) -> CommentBody {
    CommentBody::parse(text).unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

async fn comment_count(state: &AppState, id: i64) -> i64 {
    service::proposal(state, id)
        .await
        .unwrap()
        .summary
        .comment_count
}

crate::db_test!(only_the_author_edits_and_only_within_the_window, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let form = ProposalForm::parse(
        "Des bancs et des arbres au parc",
        "Plus d’ombre.",
        "education",
        "centre",
    )
    .unwrap();

    assert_eq!(
        service::edit_proposal(&state, tom, id, &form).await,
        Err(AppError::Forbidden)
    );
    service::edit_proposal(&state, lea, id, &form)
        .await
        .unwrap();
    let page = service::proposal(&state, id).await.unwrap();
    assert_eq!(page.summary.title, "Des bancs et des arbres au parc");
    assert_eq!(page.summary.theme.slug, "education");
    assert!(page.edited_at_ms.is_some());
    assert!(page.body_html.contains("ombre"));

    state
        .clock
        .advance_ms(state.forum.proposal_edit_ms + MINUTE);
    assert_eq!(
        service::edit_proposal(&state, lea, id, &form).await,
        Err(AppError::field("body", "errors.edit_window_over"))
    );
    assert!(!service::may_edit(&state, &page, lea));
});

crate::db_test!(an_answered_proposal_can_no_longer_be_edited, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let agent = resident(&state, "agent@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let answer = AnswerForm::parse("under_study", "Nous étudions la demande.").unwrap();
    answers::answer_proposal(&state, agent, id, &answer)
        .await
        .unwrap();
    let form = ProposalForm::parse("Autre chose entièrement", "Texte", "voirie", "").unwrap();
    assert_eq!(
        service::edit_proposal(&state, lea, id, &form).await,
        Err(AppError::field("body", "errors.proposal_answered"))
    );
});

crate::db_test!(a_withdrawn_proposal_stays_readable_and_closed, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let first = comments::add_comment(&state, tom, id, None, &body("Bonne idée"))
        .await
        .unwrap()
        .0;

    assert_eq!(
        service::withdraw_proposal(&state, tom, id).await,
        Err(AppError::Forbidden)
    );
    service::withdraw_proposal(&state, lea, id).await.unwrap();
    service::withdraw_proposal(&state, lea, id).await.unwrap();
    let page = service::proposal(&state, id).await.unwrap();
    assert!(page.summary.withdrawn);

    assert_eq!(
        comments::add_comment(&state, tom, id, None, &body("Encore")).await,
        Err(AppError::field("body", "errors.proposal_withdrawn"))
    );
    assert_eq!(
        comments::add_comment(&state, tom, id, Some(first), &body("Encore")).await,
        Err(AppError::field("body", "errors.proposal_withdrawn"))
    );
    assert_eq!(
        service::set_support(&state, id, tom, true).await,
        Err(AppError::Closed)
    );
    let answer = AnswerForm::parse("accepted", "").unwrap();
    assert_eq!(
        answers::answer_proposal(&state, tom, id, &answer).await,
        Err(AppError::Closed)
    );
    let thread = comments::page(&state, id, Reader::default(), 1)
        .await
        .unwrap();
    assert_eq!(thread.comments.len(), 1, "the thread stays readable");
});

crate::db_test!(replies_nest_and_a_deleted_comment_keeps_its_replies, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;

    let root = comments::add_comment(&state, tom, id, None, &body("Oui !"))
        .await
        .unwrap()
        .0;
    let reply = comments::add_comment(&state, lea, id, Some(root), &body("Merci"))
        .await
        .unwrap()
        .0;
    let deeper = comments::add_comment(&state, tom, id, Some(reply), &body("De rien"))
        .await
        .unwrap()
        .0;
    let deepest = comments::add_comment(&state, lea, id, Some(deeper), &body("**Bien**"))
        .await
        .unwrap()
        .0;
    assert_eq!(
        comments::add_comment(&state, tom, id, Some(deepest), &body("Trop loin")).await,
        Err(AppError::field("body", "errors.reply_too_deep"))
    );
    let other = propose(&state, lea, "Une autre idée", "voirie", "").await;
    assert_eq!(
        comments::add_comment(&state, tom, other, Some(root), &body("Ailleurs")).await,
        Err(AppError::NotFound),
        "a reply stays on its parent's proposal"
    );
    assert_eq!(comment_count(&state, id).await, 4);

    let thread = comments::page(&state, id, Reader::resident(tom), 1)
        .await
        .unwrap();
    let order: Vec<(i64, u32)> = thread.comments.iter().map(|c| (c.id, c.depth)).collect();
    assert_eq!(order, [(root, 0), (reply, 1), (deeper, 2), (deepest, 3)]);
    assert!(thread.comments[0].editable && thread.comments[0].deletable);
    assert!(
        !thread.comments[1].deletable,
        "Tom cannot delete Léa's reply"
    );
    assert!(thread.comments[3]
        .body_html
        .contains("<strong>Bien</strong>"));

    assert_eq!(
        comments::delete_comment(&state, lea, root).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        comments::edit_comment(&state, lea, root, &body("Piraté")).await,
        Err(AppError::Forbidden)
    );
    comments::delete_comment(&state, tom, root).await.unwrap();
    assert_eq!(
        comments::delete_comment(&state, tom, root).await,
        Err(AppError::NotFound)
    );
    assert_eq!(comment_count(&state, id).await, 3);
    let thread = comments::page(&state, id, Reader::default(), 1)
        .await
        .unwrap();
    assert_eq!(thread.comments.len(), 4, "replies stay");
    assert!(thread.comments[0].deleted && thread.comments[0].body_html.is_empty());
    assert!(thread.comments[0].author_name.is_none());
    assert_eq!(
        comments::add_comment(&state, lea, id, Some(root), &body("Réponse")).await,
        Err(AppError::field("body", "errors.reply_to_deleted"))
    );
    let stored: i64 = count(
        &db,
        "SELECT COUNT(*) FROM proposal_comments WHERE body = 'Oui !'",
    )
    .await;
    assert_eq!(stored, 0, "the deleted text is gone from the database");
});

crate::db_test!(a_comment_is_edited_by_its_author_within_the_window, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let c = comments::add_comment(&state, lea, id, None, &body("Premier jet"))
        .await
        .unwrap()
        .0;
    comments::edit_comment(&state, lea, c, &body("Version corrigée"))
        .await
        .unwrap();
    let thread = comments::page(&state, id, Reader::resident(lea), 1)
        .await
        .unwrap();
    assert!(thread.comments[0].edited);
    assert_eq!(
        thread.comments[0].source.as_deref(),
        Some("Version corrigée")
    );
    state.clock.advance_ms(state.forum.comment_edit_ms + MINUTE);
    assert_eq!(
        comments::edit_comment(&state, lea, c, &body("Trop tard")).await,
        Err(AppError::field("body", "errors.edit_window_over"))
    );
    let thread = comments::page(&state, id, Reader::resident(lea), 1)
        .await
        .unwrap();
    assert!(!thread.comments[0].editable && thread.comments[0].deletable);
    assert!(thread.comments[0].source.is_none());
});

crate::db_test!(long_threads_come_in_pages_of_threads, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let mut last = (0, 0);
    for n in 0..=THREADS_PER_PAGE {
        last = comments::add_comment(&state, lea, id, None, &body(&format!("Avis {n}")))
            .await
            .unwrap();
    }
    assert_eq!(last.1, 2, "the 21st thread is on page 2");
    let reply = comments::add_comment(&state, lea, id, Some(last.0), &body("Réponse"))
        .await
        .unwrap();
    assert_eq!(reply.1, 2, "a reply is on its thread's page");
    let first = comments::page(&state, id, Reader::default(), 1)
        .await
        .unwrap();
    assert_eq!((first.comments.len(), first.page_count), (20, 2));
    let second = comments::page(&state, id, Reader::default(), 2)
        .await
        .unwrap();
    assert_eq!(second.comments.len(), 2);
    assert_eq!(second.comments[1].parent_id, Some(last.0));
    let beyond = comments::page(&state, id, Reader::default(), 99)
        .await
        .unwrap();
    assert_eq!(beyond.page, 2);
});

crate::db_test!(followers_hear_of_answers_and_comments, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let zoe = resident(&state, "zoe@example.org").await;
    let agent = resident(&state, "agent@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    {
        let mut conn = db.pool().acquire().await.unwrap();
        crate::forum::follows::follow(&mut conn, id, zoe, 0)
            .await
            .unwrap();
    }
    crate::accounts::repo::set_lang(db.pool(), zoe, "en")
        .await
        .unwrap();

    comments::add_comment(&state, tom, id, None, &body("Oui"))
        .await
        .unwrap();
    comments::add_comment(&state, tom, id, None, &body("Et des tables"))
        .await
        .unwrap();
    let unread = |user| crate::notifications::repo::unread_count(db.pool(), user);
    assert_eq!(
        unread(lea).await.unwrap(),
        1,
        "the author follows her proposal"
    );
    assert_eq!(
        unread(tom).await.unwrap(),
        0,
        "nobody hears of their own comments"
    );
    let zoe_page = crate::notifications::repo::page(db.pool(), zoe, 20, 0)
        .await
        .unwrap();
    assert_eq!(zoe_page.len(), 1);
    assert_eq!(
        zoe_page[0].count, 2,
        "new comments gather in one notification"
    );

    let answer = AnswerForm::parse("accepted", "Les bancs seront posés en mars.").unwrap();
    answers::answer_proposal(&state, agent, id, &answer)
        .await
        .unwrap();
    let page = service::proposal(&state, id).await.unwrap();
    assert_eq!(page.summary.status, ProposalStatus::Accepted);
    assert!(page.answered_at_ms.is_some());
    let history = answers::history(db.pool(), id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].answer_html.contains("mars"));
    // Léa (author), Tom (commenter) and Zoé follow: three notifications, three mails.
    assert_eq!(unread(tom).await.unwrap(), 1);
    assert_eq!(unread(zoe).await.unwrap(), 2);
    let mails: Vec<(String, String)> =
        sqlx::query_as("SELECT to_address, subject FROM mail_outbox ORDER BY to_address")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let to: Vec<&str> = mails.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(
        to,
        ["lea@example.org", "tom@example.org", "zoe@example.org"]
    );
    assert!(
        mails[2].1.starts_with("The town hall answered"),
        "{}",
        mails[2].1
    );
    assert!(
        mails[0].1.starts_with("La mairie a répondu"),
        "{}",
        mails[0].1
    );

    crate::notifications::repo::mark_proposal_read(db.pool(), zoe, id, 1)
        .await
        .unwrap();
    assert_eq!(unread(zoe).await.unwrap(), 0);
    crate::forum::follows::unfollow(db.pool(), id, zoe)
        .await
        .unwrap();
    comments::add_comment(&state, tom, id, None, &body("Merci"))
        .await
        .unwrap();
    assert_eq!(unread(zoe).await.unwrap(), 0, "no news after unfollowing");
});

crate::db_test!(the_daily_digest_mails_each_comment_once, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let other = propose(&state, lea, "Une piste cyclable", "voirie", "").await;
    comments::add_comment(&state, tom, id, None, &body("Oui"))
        .await
        .unwrap();
    comments::add_comment(&state, tom, other, None, &body("Oui aussi"))
        .await
        .unwrap();
    comments::add_comment(&state, lea, id, None, &body("Merci Tom"))
        .await
        .unwrap();

    assert_eq!(
        digest::run(&state).await.unwrap(),
        2,
        "one mail each for Léa and Tom"
    );
    let lea_mail: String = sqlx::query_scalar(
        "SELECT text_body FROM mail_outbox WHERE to_address = 'lea@example.org'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(
        lea_mail.contains("Des bancs au parc") && lea_mail.contains("Une piste cyclable"),
        "{lea_mail}"
    );
    assert_eq!(
        digest::run(&state).await.unwrap(),
        0,
        "nothing new, nothing sent"
    );
    comments::add_comment(&state, tom, id, None, &body("Encore moi"))
        .await
        .unwrap();
    assert_eq!(
        digest::run(&state).await.unwrap(),
        1,
        "only Léa hears of Tom's new comment"
    );
});

crate::db_test!(live_events_are_numbered_in_commit_order, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    service::set_support(&state, id, lea, true).await.unwrap();
    let c = comments::add_comment(&state, lea, id, None, &body("Premier"))
        .await
        .unwrap()
        .0;
    comments::delete_comment(&state, lea, c).await.unwrap();
    let all = events::since(db.pool(), id, 0, 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let decoded: Vec<LiveEvent> = all
        .iter()
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert_eq!(decoded[0], LiveEvent::Supports { count: 1 });
    assert!(decoded[1] == LiveEvent::Comment { id: c });
    assert_eq!(decoded[2], LiveEvent::CommentDeleted { id: c });
    assert_eq!(
        events::since(db.pool(), id, 2, 100).await.unwrap().len(),
        1,
        "a reconnecting page gets what it missed"
    );
    assert_eq!(service::proposal(&state, id).await.unwrap().event_seq, 3);

    // Fifty concurrent supports: every number used once, none skipped.
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let state = state.clone();
            tokio::spawn(async move {
                let user = resident(&state, &format!("r{n}@example.org")).await;
                service::set_support(&state, id, user, true).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let all = events::since(db.pool(), id, 0, 1000).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=53).collect::<Vec<_>>()
    );
    assert_eq!(events::prune(db.pool(), i64::MAX / 2, 0).await.unwrap(), 53);
});

crate::db_test!(administrators_keep_the_lists_of_themes, |db| {
    use crate::forum::categories::{self as cats, CategoryForm, CategoryKind};
    let state = state(&db);
    let form = CategoryForm::parse("Écoles", "Schools", "2").unwrap();
    cats::add(&state, CategoryKind::Theme, &form).await.unwrap();
    assert_eq!(
        cats::add(&state, CategoryKind::Theme, &form).await,
        Err(AppError::field("name_fr", "errors.category_exists"))
    );
    let all = cats::all(db.pool(), CategoryKind::Theme).await.unwrap();
    assert_eq!(all[0].category.slug, "ecoles");
    let id = all[0].category.id;
    let renamed = CategoryForm::parse("Écoles et crèches", "Schools and nurseries", "1").unwrap();
    cats::edit(&state, CategoryKind::Theme, id, &renamed)
        .await
        .unwrap();
    cats::archive(&state, CategoryKind::Theme, id, true)
        .await
        .unwrap();
    assert!(cats::categories(db.pool(), CategoryKind::Theme)
        .await
        .unwrap()
        .is_empty());
    let all = cats::all(db.pool(), CategoryKind::Theme).await.unwrap();
    assert!(
        all[0].archived
            && all[0].category.slug == "ecoles"
            && all[0].category.name_fr == "Écoles et crèches"
    );
    assert_eq!(
        cats::archive(&state, CategoryKind::Theme, id + 99, true).await,
        Err(AppError::NotFound)
    );
});

crate::db_test!(a_periodic_job_runs_once_per_period, |db| {
    use crate::server::jobs::{claim, finish};
    const DAY: i64 = 86_400_000;
    let now = 10 * DAY;
    assert!(claim(&db, "digest", DAY, 60_000, now).await.unwrap());
    assert!(
        !claim(&db, "digest", DAY, 60_000, now).await.unwrap(),
        "held by the first process"
    );
    finish(&db, "digest", now).await.unwrap();
    assert!(
        !claim(&db, "digest", DAY, 60_000, now + 1000).await.unwrap(),
        "ran today"
    );
    assert!(claim(&db, "digest", DAY, 60_000, now + DAY).await.unwrap());
    assert!(
        claim(&db, "digest", DAY, 60_000, now + DAY + 120_000)
            .await
            .unwrap(),
        "a dead process's lease expires"
    );
});

crate::db_test!(
    the_public_stream_never_replays_an_edited_or_deleted_text,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comments::add_comment(&state, lea, id, None, &body("Mon numéro : 06 12 34 56 78"))
            .await
            .unwrap()
            .0;
        comments::edit_comment(&state, lea, c, &body("Numéro retiré, pardon"))
            .await
            .unwrap();
        comments::delete_comment(&state, lea, c).await.unwrap();
        let replayed: String = events::since(db.pool(), id, 0, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.payload)
            .collect();
        for secret in ["06 12 34 56 78", "Numéro retiré", "lea@example.org"] {
            assert!(
                !replayed.contains(secret),
                "{secret:?} replayed in {replayed}"
            );
        }
        let stored: i64 = count(
            &db,
            "SELECT COUNT(*) FROM forum_events WHERE payload LIKE '%06 12%' OR payload LIKE '%retiré%'",
        )
        .await;
        assert_eq!(stored, 0, "nor kept in the events table");
    }
);

crate::db_test!(
    contributions_stored_by_an_older_renderer_are_rendered_again_once,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comments::add_comment(&state, lea, id, None, &body("Bonjour"))
            .await
            .unwrap()
            .0;
        // What the renderer of before December 2026 stored for typed HTML.
        let typed = "<h1>Gros titre</h1><table><tr><td>x</td></tr></table>";
        sqlx::query("UPDATE proposal_comments SET body = $1, body_html = $1 WHERE id = $2")
            .bind(typed)
            .bind(c)
            .execute(db.pool())
            .await
            .unwrap();
        let rewritten = crate::server::markdown::rerender_stored(&db, state.clock.now_ms())
            .await
            .unwrap();
        assert!(rewritten >= 1);
        let html: String =
            sqlx::query_scalar("SELECT body_html FROM proposal_comments WHERE id = $1")
                .bind(c)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert!(!html.contains("<h1") && !html.contains("<table"), "{html}");
        assert_eq!(
            crate::server::markdown::rerender_stored(&db, state.clock.now_ms() + 1)
                .await
                .unwrap(),
            0,
            "once per database"
        );
    }
);
