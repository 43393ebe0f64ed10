//! Moderation on SQLite and PostgreSQL: flags and the threshold, what hidden and held
//! contributions look like to each reader, decisions, appeals, sanctions, pre-moderation,
//! watched words and the limits of new accounts.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::service::{self, DecisionForm, FlagForm, SanctionForm};
use super::{reads, repo};
use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::create_user;
use crate::error::AppError;
use crate::forum::comments::repo::Reader;
use crate::forum::comments::service::{self as comments, CommentBody};
use crate::forum::model::{LiveEvent, ProposalQuery};
use crate::forum::service::{self as forum, ProposalForm};
use crate::forum::tests::{categories, propose, resident, state};
use crate::moderation::model::{Action, ItemKind, Reason, SanctionKind, Visibility};
use crate::server::db::Db;
use crate::server::state::AppState;

const DAY: i64 = 24 * 3_600_000;

pub(super) async fn staff(state: &AppState, email: &str, role: Role) -> i64 {
    create_user(
        &state.db,
        &state.clock,
        &Email::parse(email).unwrap(),
        "Équipe",
        role,
        NewPassword::parse("Le héron pêche au bord du canal").unwrap(),
    )
    .await
    .unwrap()
}

pub(super) fn spam() -> FlagForm {
    FlagForm::parse("spam", "").unwrap()
}

pub(super) fn decision(action: &str, reason: &str) -> DecisionForm {
    DecisionForm::parse(action, reason, "Article 3", "Merci de rester courtois.", "").unwrap()
}

pub(super) async fn comment(
    state: &AppState,
    author: i64,
    proposal: i64,
    text: &str,
) -> Result<i64, AppError> {
    comments::add_comment(
        state,
        author,
        proposal,
        None,
        &CommentBody::parse(text).unwrap(),
    )
    .await
    .map(|(id, _)| id)
}

fn reader(user: i64, moderator: bool) -> Reader {
    Reader {
        user_id: Some(user),
        moderator,
    }
}

pub(super) async fn shown_text(
    state: &AppState,
    proposal: i64,
    reader: Reader,
    comment: i64,
) -> Option<String> {
    comments::page(state, proposal, reader, 1)
        .await
        .unwrap()
        .comments
        .into_iter()
        .find(|c| c.id == comment)
        .map(|c| c.body_html)
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

crate::db_test!(
    three_flags_hide_a_comment_pending_review_for_everyone_but_its_author,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let troll = resident(&state, "troll@example.org").await;
        let flaggers = [
            resident(&state, "a@example.org").await,
            resident(&state, "b@example.org").await,
            resident(&state, "c@example.org").await,
        ];
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comment(&state, troll, p, "Achetez mes montres pas chères")
            .await
            .unwrap();
        assert_eq!(
            forum::proposal(&state, p)
                .await
                .unwrap()
                .summary
                .comment_count,
            1
        );

        assert_eq!(
            service::flag(&state, troll, ItemKind::Comment, c, &spam()).await,
            Err(AppError::field("reason", "errors.flag_own"))
        );
        service::flag(&state, flaggers[0], ItemKind::Comment, c, &spam())
            .await
            .unwrap();
        assert_eq!(
            service::flag(&state, flaggers[0], ItemKind::Comment, c, &spam()).await,
            Err(AppError::field("reason", "errors.already_flagged"))
        );
        service::flag(&state, flaggers[1], ItemKind::Comment, c, &spam())
            .await
            .unwrap();
        assert!(shown_text(&state, p, reader(lea, false), c)
            .await
            .unwrap()
            .contains("montres"));
        service::flag(&state, flaggers[2], ItemKind::Comment, c, &spam())
            .await
            .unwrap();

        // Hidden: its place stays for others without text; author and moderators read it.
        assert_eq!(
            shown_text(&state, p, reader(lea, false), c).await.unwrap(),
            ""
        );
        assert_eq!(
            shown_text(&state, p, Reader::default(), c).await.unwrap(),
            ""
        );
        assert!(shown_text(&state, p, reader(troll, false), c)
            .await
            .unwrap()
            .contains("montres"));
        assert!(shown_text(&state, p, reader(moderator, true), c)
            .await
            .unwrap()
            .contains("montres"));
        assert_eq!(
            forum::proposal(&state, p)
                .await
                .unwrap()
                .summary
                .comment_count,
            0
        );
        // Open pages are told, without the text.
        let events = crate::forum::events::since(db.pool(), p, 0, 100)
            .await
            .unwrap();
        let last: LiveEvent = serde_json::from_str(&events.last().unwrap().payload).unwrap();
        assert_eq!(last, LiveEvent::CommentHidden { id: c });
        assert!(
            !events.iter().any(|e| e.payload.contains("montres")),
            "a replayed event would show the hidden text"
        );
        // A fourth resident cannot flag what they cannot read any more.
        let late = resident(&state, "d@example.org").await;
        assert_eq!(
            service::flag(&state, late, ItemKind::Comment, c, &spam()).await,
            Err(AppError::NotFound)
        );
        // The queue shows it, hidden, with its flags; the public log the automatic hiding.
        let queue = reads::queue(&state, moderator, &Default::default())
            .await
            .unwrap();
        assert_eq!(queue.total, 1);
        assert_eq!(queue.items[0].flag_count, 3);
        assert_eq!(queue.items[0].visibility, Visibility::Hidden);
        let log = reads::public_log(&state, 1).await.unwrap();
        assert_eq!(log.entries[0].action, Action::AutoHide);
        assert_eq!(log.entries[0].moderator, None);
    }
);

crate::db_test!(
    a_hidden_proposal_is_gone_from_lists_search_exports_and_notifications,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Arnaque aux parcmètres", "voirie", "").await;
        comment(&state, tom, p, "Je suis cette affaire")
            .await
            .unwrap();
        comment(&state, lea, p, "Réponse de l’autrice")
            .await
            .unwrap();
        assert_eq!(
            crate::notifications::repo::unread_count(db.pool(), tom)
                .await
                .unwrap(),
            1
        );

        service::decide(
            &state,
            moderator,
            ItemKind::Proposal,
            p,
            &decision("hide", "spam"),
        )
        .await
        .unwrap();

        let search = ProposalQuery {
            search: "parcmètres".into(),
            ..Default::default()
        };
        assert_eq!(
            forum::list_proposals(&state, &search).await.unwrap().total,
            0
        );
        assert_eq!(
            forum::list_proposals(&state, &Default::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert!(forum::export(&state).await.unwrap().is_empty());
        assert_eq!(forum::proposal(&state, p).await, Err(AppError::NotFound));
        assert_eq!(
            forum::proposal_for(&state, p, reader(tom, false)).await,
            Err(AppError::NotFound)
        );
        let own = forum::proposal_for(&state, p, reader(lea, false))
            .await
            .unwrap();
        assert_eq!(own.moderation, Visibility::Hidden);
        assert!(forum::proposal_for(&state, p, reader(moderator, true))
            .await
            .is_ok());
        // The follower's notification about it is gone; the author is told why.
        assert_eq!(
            crate::notifications::repo::unread_count(db.pool(), tom)
                .await
                .unwrap(),
            0
        );
        let lea_news = crate::notifications::repo::page(db.pool(), lea, 20, 0)
            .await
            .unwrap();
        assert!(lea_news
            .iter()
            .any(|n| n.kind == crate::notifications::model::NotificationKind::Moderation));
        // Nobody supports, comments on or follows it any more.
        assert_eq!(
            forum::set_support(&state, p, tom, true).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            comment(&state, tom, p, "Encore moi").await,
            Err(AppError::NotFound)
        );
    }
);

crate::db_test!(
    an_author_appeals_once_and_another_moderator_restores,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let first = staff(&state, "mod1@example.org", Role::Moderator).await;
        let second = staff(&state, "mod2@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comment(&state, tom, p, "Un avis tranché mais correct")
            .await
            .unwrap();

        assert_eq!(
            service::decide(
                &state,
                first,
                ItemKind::Comment,
                c,
                &decision("restore", "")
            )
            .await,
            Err(AppError::field("action", "errors.decision_not_applicable"))
        );
        service::decide(
            &state,
            first,
            ItemKind::Comment,
            c,
            &decision("hide", "abuse"),
        )
        .await
        .unwrap();
        let mine = reads::mine(&state, tom).await.unwrap();
        let hidden = &mine.decisions[0];
        assert_eq!(hidden.decision.action, Action::Hide);
        assert_eq!(hidden.decision.reason, Some(Reason::Abuse));
        assert_eq!(hidden.decision.rule, "Article 3");
        assert!(hidden.appealable);
        let id = hidden.decision.id;

        // Only the author appeals, once.
        assert_eq!(
            service::appeal(&state, lea, id, "Pas moi").await,
            Err(AppError::NotFound)
        );
        service::appeal(&state, tom, id, "Mon avis était poli.")
            .await
            .unwrap();
        assert_eq!(
            service::appeal(&state, tom, id, "Encore").await,
            Err(AppError::field("text", "errors.already_appealed"))
        );
        let appeal = reads::queue(&state, first, &Default::default())
            .await
            .unwrap()
            .appeals[0]
            .appeal
            .clone();
        assert!(appeal.own_decision);
        assert_eq!(
            service::settle_appeal(&state, first, appeal.id, false, "").await,
            Err(AppError::field(
                "outcome",
                "errors.appeal_needs_other_moderator"
            ))
        );
        service::settle_appeal(
            &state,
            second,
            appeal.id,
            false,
            "Après relecture, rien à redire.",
        )
        .await
        .unwrap();
        assert!(shown_text(&state, p, reader(lea, false), c)
            .await
            .unwrap()
            .contains("tranché"));
        assert_eq!(
            forum::proposal(&state, p)
                .await
                .unwrap()
                .summary
                .comment_count,
            1
        );
        let mine = reads::mine(&state, tom).await.unwrap();
        assert_eq!(mine.decisions[0].decision.action, Action::Restore);
        assert!(mine.decisions[0].decision.on_appeal);
        assert_eq!(mine.decisions[1].appeal, Some(Some(false)));
        assert!(!mine.decisions[1].appealable);
        // Everything is in the audit log with the moderators, nothing of it in the public log.
        assert_eq!(
        count(&db, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'moderation_%' AND actor_user_id IS NOT NULL").await,
        3
    );
        let log = reads::public_log(&state, 1).await.unwrap();
        assert!(log
            .entries
            .iter()
            .all(|e| e.moderator.is_none() && e.note.is_empty()));
        assert_eq!(log.entries.len(), 2);
    }
);

crate::db_test!(
    moderators_cannot_act_on_administrators_or_themselves,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let admin = staff(&state, "admin@example.org", Role::Admin).await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, admin, "Un mot de la mairie", "voirie", "").await;
        let own = propose(&state, moderator, "Une idée de modérateur", "voirie", "").await;
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
        assert_eq!(
            service::decide(
                &state,
                moderator,
                ItemKind::Proposal,
                own,
                &decision("hide", "spam")
            )
            .await,
            Err(AppError::Forbidden)
        );
        let ban = SanctionForm::parse("ban", "", "abuse", "").unwrap();
        assert_eq!(
            service::sanction(&state, moderator, admin, p, &ban).await,
            Err(AppError::Forbidden)
        );
        // Another administrator may judge an administrator's contribution.
        let other_admin = staff(&state, "admin2@example.org", Role::Admin).await;
        service::decide(
            &state,
            other_admin,
            ItemKind::Proposal,
            p,
            &decision("hide", "spam"),
        )
        .await
        .unwrap();
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM moderation_decisions").await,
            1
        );
    }
);

crate::db_test!(
    a_suspended_resident_cannot_post_until_the_suspension_ends,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let week =
            SanctionForm::parse("suspension", "7", "abuse", "Propos injurieux répétés.").unwrap();
        service::sanction(&state, moderator, tom, p, &week)
            .await
            .unwrap();

        assert_eq!(
            comment(&state, tom, p, "Me revoilà").await,
            Err(AppError::field("body", "errors.posting_suspended"))
        );
        let form = ProposalForm::parse("Une nouvelle idée", "Texte", "voirie", "").unwrap();
        assert_eq!(
            forum::create_proposal(&state, tom, &form).await,
            Err(AppError::field("body", "errors.posting_suspended"))
        );
        let block = reads::restriction(&state, tom).await.unwrap().unwrap();
        assert_eq!(block.kind, SanctionKind::Suspension);
        assert_eq!(block.ends_at_ms, Some(state.clock.now_ms() + 7 * DAY));
        assert!(reads::mine(&state, tom).await.unwrap().sanctions[0].in_force);

        state.clock.advance_ms(7 * DAY + 1);
        assert_eq!(reads::restriction(&state, tom).await.unwrap(), None);
        comment(&state, tom, p, "Me revoilà, poliment")
            .await
            .unwrap();
    }
);

crate::db_test!(
    a_premoderated_theme_holds_contributions_until_approval,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let open = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        assert!(repo::set_theme_premoderated(db.pool(), "education", true)
            .await
            .unwrap());
        let held = propose(&state, lea, "Une cantine bio", "education", "").await;

        assert_eq!(
            forum::list_proposals(&state, &Default::default())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(forum::proposal(&state, held).await, Err(AppError::NotFound));
        assert_eq!(
            forum::proposal_for(&state, held, reader(lea, false))
                .await
                .unwrap()
                .moderation,
            Visibility::Held
        );
        let queue = reads::queue(&state, moderator, &Default::default())
            .await
            .unwrap();
        assert_eq!(queue.items.len(), 1);
        assert_eq!(
            queue.items[0].cause,
            crate::moderation::model::Cause::Premoderation
        );

        service::decide(
            &state,
            moderator,
            ItemKind::Proposal,
            held,
            &decision("approve", ""),
        )
        .await
        .unwrap();
        assert_eq!(
            forum::list_proposals(&state, &Default::default())
                .await
                .unwrap()
                .total,
            2
        );

        // Comments in the theme wait too: their author sees them, nobody else, nothing is
        // counted or notified until approval.
        let c = comment(&state, tom, held, "Bonne idée").await.unwrap();
        assert_eq!(shown_text(&state, held, Reader::default(), c).await, None);
        assert!(shown_text(&state, held, reader(tom, false), c)
            .await
            .is_some());
        assert_eq!(
            forum::proposal(&state, held)
                .await
                .unwrap()
                .summary
                .comment_count,
            0
        );
        // Lea was told her proposal was approved; not yet about the comment.
        assert_eq!(
            crate::notifications::repo::unread_count(db.pool(), lea)
                .await
                .unwrap(),
            1
        );
        service::decide(
            &state,
            moderator,
            ItemKind::Comment,
            c,
            &decision("approve", ""),
        )
        .await
        .unwrap();
        assert!(shown_text(&state, held, Reader::default(), c)
            .await
            .is_some());
        assert_eq!(
            forum::proposal(&state, held)
                .await
                .unwrap()
                .summary
                .comment_count,
            1
        );
        assert_eq!(
            crate::notifications::repo::unread_count(db.pool(), lea)
                .await
                .unwrap(),
            2
        );
        // A comment elsewhere is published at once.
        let free = comment(&state, tom, open, "Merci").await.unwrap();
        assert!(shown_text(&state, open, Reader::default(), free)
            .await
            .is_some());
    }
);

crate::db_test!(watched_words_send_a_contribution_to_the_queue, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let tom = resident(&state, "tom@example.org").await;
    let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
    let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let mut tx = db.begin_write().await.unwrap();
    repo::replace_watched_words(&mut tx, &service::parse_watched_words("casino"), 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let c = comment(&state, tom, p, "Venez au CASINO en ligne")
        .await
        .unwrap();
    let ok = comment(&state, tom, p, "Des bancs en bois").await.unwrap();
    assert_eq!(shown_text(&state, p, Reader::default(), c).await, None);
    assert!(shown_text(&state, p, Reader::default(), ok).await.is_some());
    let queue = reads::queue(&state, moderator, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        queue.items[0].cause,
        crate::moderation::model::Cause::WatchedWord
    );
});

crate::db_test!(
    new_accounts_post_a_little_and_not_too_fast_on_their_first_day,
    |db| {
        let mut state = state(&db);
        state.moderation = Default::default();
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let form = |n: i64| {
            ProposalForm::parse(&format!("Idée numéro {n}"), "Texte", "voirie", "").unwrap()
        };
        let first = forum::create_proposal(&state, lea, &form(1)).await.unwrap();
        assert_eq!(
            comment(&state, lea, first, "Trop vite").await,
            Err(AppError::field("body", "errors.posting_too_fast"))
        );
        for n in 2..=3 {
            state.clock.advance_ms(30_000);
            forum::create_proposal(&state, lea, &form(n)).await.unwrap();
        }
        state.clock.advance_ms(30_000);
        assert_eq!(
            forum::create_proposal(&state, lea, &form(4)).await,
            Err(AppError::field("body", "errors.new_account_limit"))
        );
        state.clock.advance_ms(DAY);
        forum::create_proposal(&state, lea, &form(4)).await.unwrap();
        // The first contributions of an account can also wait for approval.
        state.moderation.premoderate_first = 1;
        let tom = resident(&state, "tom@example.org").await;
        state.clock.advance_ms(DAY);
        let c = comment(&state, tom, first, "Ma première fois")
            .await
            .unwrap();
        assert_eq!(shown_text(&state, first, Reader::default(), c).await, None);
    }
);

crate::db_test!(
    a_redaction_removes_a_passage_keeps_a_record_and_can_be_undone,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let first = staff(&state, "mod1@example.org", Role::Moderator).await;
        let second = staff(&state, "mod2@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        let c = comment(
            &state,
            tom,
            p,
            "Appelez M. Durand au 06 12 34 56 78 pour en parler",
        )
        .await
        .unwrap();
        service::flag(
            &state,
            lea,
            ItemKind::Comment,
            c,
            &FlagForm::parse("personal_data", "").unwrap(),
        )
        .await
        .unwrap();
        let redact =
            DecisionForm::parse("redact", "personal_data", "", "", "06 12 34 56 78").unwrap();
        service::decide(&state, first, ItemKind::Comment, c, &redact)
            .await
            .unwrap();
        let text = shown_text(&state, p, Reader::default(), c).await.unwrap();
        assert!(!text.contains("06 12") && text.contains("[…]"), "{text}");
        let events = crate::forum::events::since(db.pool(), p, 0, 100)
            .await
            .unwrap();
        assert!(!events.iter().any(|e| e.payload.contains("06 12")));
        let last: LiveEvent = serde_json::from_str(&events.last().unwrap().payload).unwrap();
        assert_eq!(
            last,
            LiveEvent::CommentEdited { id: c },
            "open pages fetch the new text"
        );
        // The flag kept the text as it was; the queue is empty.
        let flags = repo::flags_of(db.pool(), ItemKind::Comment, c)
            .await
            .unwrap();
        assert!(flags[0].snapshot.contains("06 12") && !flags[0].open);
        assert_eq!(
            reads::queue(&state, first, &Default::default())
                .await
                .unwrap()
                .total,
            0
        );
        let bad =
            DecisionForm::parse("redact", "personal_data", "", "", "pas dans le texte").unwrap();
        assert_eq!(
            service::decide(&state, first, ItemKind::Comment, c, &bad).await,
            Err(AppError::field("passage", "errors.passage_not_found"))
        );
        let id = reads::mine(&state, tom).await.unwrap().decisions[0]
            .decision
            .id;
        service::appeal(&state, tom, id, "C’est le numéro de la mairie annexe.")
            .await
            .unwrap();
        let appeal = reads::queue(&state, second, &Default::default())
            .await
            .unwrap()
            .appeals[0]
            .appeal
            .id;
        service::settle_appeal(&state, second, appeal, false, "")
            .await
            .unwrap();
        assert!(shown_text(&state, p, Reader::default(), c)
            .await
            .unwrap()
            .contains("06 12"));
    }
);

crate::db_test!(
    keeping_a_flagged_contribution_puts_it_back_and_resolves_its_flags,
    |db| {
        let mut state = state(&db);
        state.moderation.auto_hide_flags = 1;
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let moderator = staff(&state, "mod@example.org", Role::Moderator).await;
        let p = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
        service::flag(&state, tom, ItemKind::Proposal, p, &spam())
            .await
            .unwrap();
        assert_eq!(forum::proposal(&state, p).await, Err(AppError::NotFound));
        service::decide(
            &state,
            moderator,
            ItemKind::Proposal,
            p,
            &decision("keep", ""),
        )
        .await
        .unwrap();
        assert!(forum::proposal(&state, p).await.is_ok());
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM moderation_flags WHERE resolved_at IS NULL"
            )
            .await,
            0
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM moderation_queue").await, 0);
        // Bulk decisions go through the same rules, one by one.
        let filter = crate::moderation::model::QueueFilter {
            kind: Some(ItemKind::Comment),
            ..Default::default()
        };
        assert_eq!(
            reads::queue(&state, moderator, &filter)
                .await
                .unwrap()
                .total,
            0
        );
    }
);
