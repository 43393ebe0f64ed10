//! The privacy centre on SQLite and PostgreSQL: consents and terms versions, who opened
//! my file, the export against the register, and the erasure scan (every column of every
//! table searched for the erased person's e-mail, name and phone).
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::fixtures::{
    exec, fill, id_of, person, person_columns, scan, Filled, DAY, EMAIL, NAME, PHONE,
};
use super::model::{ConsentPurpose, ErasureMode, Purpose, COOLING_OFF_DAYS};
use super::register::{REGISTER, STAFF_COLUMNS};
use super::{consents, erasure, export, retention};
use crate::error::AppError;
use crate::forum::tests::{categories, propose, resident, state};
use crate::server::state::AppState;
use crate::services::tests::{canteen, file, with_uploads, PDF};
use sqlx::Row;

crate::db_test!(every_column_naming_a_person_is_in_the_register, |db| {
    let state = state(&db);
    let pairs = person_columns(&state).await;
    assert!(pairs.len() > 30, "found the foreign keys: {pairs:?}");
    for (table, column) in pairs {
        let registered = REGISTER.iter().any(|t| t.tables.contains(&table.as_str()));
        let staff = STAFF_COLUMNS.contains(&(table.as_str(), column.as_str()));
        assert!(
            registered || staff,
            "{table}.{column} names a person: enter it in the register (privacy/register.rs)"
        );
    }
});

crate::db_test!(the_export_holds_everything_the_register_lists, |db| {
    let state = with_uploads(state(&db));
    let filled = fill(&state).await;
    exec(
        &state,
        "INSERT INTO erasure_requests (user_id, mode, requested_at, due_at) VALUES ($1, 'delete', 0, $2)",
        &[filled.person, i64::MAX],
    )
    .await;
    let id = export::request(&state, filled.person).await.unwrap();
    assert_eq!(
        export::request(&state, filled.person).await.unwrap(),
        id,
        "one at a time"
    );
    assert_eq!(export::run_pending(&state).await.unwrap(), 1);
    let latest = export::latest(state.db.pool(), filled.person)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((latest.status.as_str(), latest.progress), ("ready", 100));
    // Nobody else can download it; its owner gets a ZIP.
    assert_eq!(
        export::download(&state, filled.other, id)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let (name, path) = export::download(&state, filled.person, id).await.unwrap();
    assert!(name.ends_with(".zip"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    for treatment in REGISTER {
        let file = treatment.purpose.export_file();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&file).unwrap(), &mut text).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        for table in treatment.tables {
            let rows = doc[*table]
                .as_array()
                .unwrap_or_else(|| panic!("{file} has {table}"));
            assert!(!rows.is_empty(), "{file} holds the person's {table}");
        }
    }
    let account: serde_json::Value = {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("compte.json").unwrap(), &mut text).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    assert_eq!(account["users"][0]["email"], EMAIL);
    assert!(
        account["users"][0].get("password_hash").is_none(),
        "no secret leaves"
    );
    let requests = {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("demandes.json").unwrap(), &mut text)
            .unwrap();
        text
    };
    assert!(requests.contains(PHONE));
    let attachment: String = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.starts_with("fichiers/") && n.ends_with("avis.pdf"))
        .map(|n| n.into_owned())
        .expect("the attachment is in the ZIP");
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&attachment).unwrap(), &mut pdf).unwrap();
    assert_eq!(pdf, PDF);
    // The owner is told by mail.
    let mailed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE to_address = $1 AND text_body LIKE '%/mon-espace/donnees%'",
    )
    .bind(EMAIL)
    .fetch_one(state.db.pool())
    .await
    .unwrap();
    assert_eq!(mailed, 1);
    // A week later the export is gone, file and all.
    let purged = retention::purge(&state, state.clock.now_ms() + 8 * DAY)
        .await
        .unwrap();
    assert_eq!(purged.exports, 2);
    assert!(export::latest(state.db.pool(), filled.person)
        .await
        .unwrap()
        .is_none());
});

async fn erase_and_scan(state: &AppState, filled: &Filled, mode: ErasureMode) {
    let now = state.clock.now_ms();
    let needles = [EMAIL, "Quenouille", PHONE];
    assert!(
        !scan(state, &needles).await.is_empty(),
        "the scan finds the person before"
    );
    // Asked for, mailed, not carried out before its cooling-off period.
    let plan = erasure::schedule(state, filled.person, mode.key(), true)
        .await
        .unwrap();
    assert_eq!(plan.due_at_ms, now + COOLING_OFF_DAYS * DAY);
    assert_eq!(erasure::run_due(state, now + DAY).await.unwrap(), 0);
    assert_eq!(erasure::run_due(state, plan.due_at_ms).await.unwrap(), 1);

    let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
        .bind(filled.person)
        .fetch_optional(state.db.pool())
        .await
        .unwrap();
    assert_eq!(user, None);
    // Only the records the commune must keep still name the person.
    let hits = scan(state, &needles).await;
    for (table, column, needle, _) in &hits {
        assert!(
            ["service_requests", "appointments", "data_requests"].contains(&table.as_str()),
            "{table}.{column} still holds {needle:?} after the erasure"
        );
    }
    assert!(!hits.is_empty(), "the filed request keeps its contact");
    assert!(
        state.uploads.read(&filled.draft_file).await.is_err(),
        "the draft's file is gone"
    );
    assert!(
        state.uploads.read(&filled.export_file).await.is_err(),
        "the export is gone"
    );
    assert!(
        state.uploads.read(&filled.kept_file).await.is_ok(),
        "the filed request's file stays"
    );
    // The request stays, filed by a former account; the upcoming appointment's place
    // went back to the agenda.
    let kept: (Option<i64>, String) = {
        let row = sqlx::query("SELECT user_id, contact_email FROM service_requests WHERE id = $1")
            .bind(filled.request)
            .fetch_one(state.db.pool())
            .await
            .unwrap();
        (row.get("user_id"), row.get("contact_email"))
    };
    assert_eq!(kept, (None, EMAIL.to_owned()));
    let taken = id_of(
        state,
        "SELECT taken FROM agenda_slots WHERE agenda_id = $1 AND starts_at = $2",
        &[filled.future_slot.0, filled.future_slot.1],
    )
    .await;
    assert_eq!(taken, 1);
    // The other resident lost nothing of their own.
    let others = id_of(
        state,
        "SELECT COUNT(*) FROM proposals WHERE author_id = $1",
        &[filled.other],
    )
    .await;
    assert_eq!(others, 1);
    // Once the kept records' periods are over, nothing is left at all (the request to
    // the DPO goes once answered and past its own period).
    let dpo_request = id_of(state, "SELECT MAX(id) FROM data_requests", &[]).await;
    crate::privacy::dpo::answer(state, filled.other, dpo_request, "Voici vos données.")
        .await
        .unwrap();
    // The mail worker delivers the answer; the service decides the request.
    exec(state, "UPDATE mail_outbox SET sent_at = $1", &[now]).await;
    exec(
        state,
        "UPDATE service_requests SET status = 'closed', updated_at = $1 WHERE id = $2",
        &[now + DAY, filled.request],
    )
    .await;
    retention::purge(state, now + 1300 * 31 * DAY)
        .await
        .unwrap();
    let left = scan(state, &needles).await;
    assert!(left.is_empty(), "after retention: {left:?}");
}

crate::db_test!(
    an_erasure_keeping_contributions_leaves_no_personal_data,
    |db| {
        let state = with_uploads(state(&db));
        let filled = fill(&state).await;
        erase_and_scan(&state, &filled, ErasureMode::Pseudonymise).await;
        // Their proposal and comment stay, signed by nobody.
        let author: Option<i64> =
            sqlx::query_scalar("SELECT author_id FROM proposals WHERE id = $1")
                .bind(filled.own_proposal)
                .fetch_one(state.db.pool())
                .await
                .unwrap();
        assert_eq!(author, None);
        let body: String = sqlx::query_scalar("SELECT body FROM proposal_comments WHERE id = $1")
            .bind(filled.own_comment)
            .fetch_one(state.db.pool())
            .await
            .unwrap();
        assert_eq!(body, "Bonne idée, près de la gare.");
        let supports = id_of(
            &state,
            "SELECT support_count FROM proposals WHERE id = $1",
            &[filled.others_proposal],
        )
        .await;
        assert_eq!(supports, 0, "their support is withdrawn with them");
    }
);

crate::db_test!(an_erasure_deleting_contributions_removes_them, |db| {
    let state = with_uploads(state(&db));
    let filled = fill(&state).await;
    erase_and_scan(&state, &filled, ErasureMode::Delete).await;
    let proposal = id_of(
        &state,
        "SELECT COUNT(*) FROM proposals WHERE id = $1",
        &[filled.own_proposal],
    )
    .await;
    assert_eq!(proposal, 0);
    let row = sqlx::query("SELECT body, deleted_at FROM proposal_comments WHERE id = $1")
        .bind(filled.own_comment)
        .fetch_one(state.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("body"), "");
    assert!(row.get::<Option<i64>, _>("deleted_at").is_some());
    let count = id_of(
        &state,
        "SELECT comment_count FROM proposals WHERE id = $1",
        &[filled.others_proposal],
    )
    .await;
    assert_eq!(count, 0, "the thread's count follows");
    let snapshots = id_of(
        &state,
        "SELECT COUNT(*) FROM moderation_flags WHERE snapshot LIKE '%gare%'",
        &[],
    )
    .await;
    assert_eq!(snapshots, 0, "moderation keeps no copy of the removed text");
});

crate::db_test!(an_erasure_can_be_cancelled_and_must_be_confirmed, |db| {
    let state = state(&db);
    let zoe = person(&state, EMAIL, NAME).await;
    let refused = erasure::schedule(&state, zoe, "", false).await.unwrap_err();
    match refused {
        AppError::Validation(fields) => {
            assert!(fields.contains_key("mode") && fields.contains_key("confirm"));
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    let plan = erasure::schedule(&state, zoe, "delete", true)
        .await
        .unwrap();
    assert_eq!(plan.mode, ErasureMode::Delete);
    assert!(erasure::plan(state.db.pool(), zoe).await.unwrap().is_some());
    assert!(erasure::cancel(&state, zoe).await.unwrap());
    assert_eq!(
        erasure::run_due(&state, plan.due_at_ms + DAY)
            .await
            .unwrap(),
        0
    );
    let still: i64 = id_of(&state, "SELECT COUNT(*) FROM users WHERE id = $1", &[zoe]).await;
    assert_eq!(still, 1);
});

crate::db_test!(new_terms_are_asked_for_and_consents_are_a_ledger, |db| {
    let state = state(&db);
    let zoe = person(&state, EMAIL, NAME).await;
    let pool = state.db.pool();
    assert_eq!(
        consents::terms_pending(pool, zoe).await.unwrap(),
        None,
        "accepted at sign-up"
    );
    assert_eq!(
        consents::after_sign_in(&state, zoe, "/forum").await,
        "/forum"
    );
    assert_eq!(
        consents::publish_terms(&state, " ").await.unwrap_err(),
        AppError::field("summary", "errors.terms_summary")
    );
    let v2 = consents::publish_terms(&state, "Le forum a une charte.")
        .await
        .unwrap();
    assert_eq!(v2, 2);
    assert_eq!(
        consents::terms_pending(pool, zoe)
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
    assert_eq!(
        consents::after_sign_in(&state, zoe, "/forum").await,
        "/conditions-utilisation/accepter?suite=/forum"
    );
    assert_eq!(
        consents::accept_terms(&state, zoe, 1).await.unwrap_err(),
        AppError::Conflict("errors.terms_changed".into())
    );
    consents::accept_terms(&state, zoe, 2).await.unwrap();
    assert_eq!(consents::terms_pending(pool, zoe).await.unwrap(), None);
    // Optional ones: given by default, withdrawn and given back at will; the terms are
    // not withdrawable this way.
    assert_eq!(
        consents::set_optional(&state, zoe, "terms", false)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    consents::set_optional(&state, zoe, "reminder_mail", false)
        .await
        .unwrap();
    let states = consents::states(pool, zoe).await.unwrap();
    let given = |p: ConsentPurpose| states.iter().find(|s| s.purpose == p).unwrap().given;
    assert!(given(ConsentPurpose::DigestMail));
    assert!(!given(ConsentPurpose::ReminderMail));
    assert!(given(ConsentPurpose::Terms));
    let ledger = consents::ledger(pool, zoe, 10).await.unwrap();
    let lines: Vec<(ConsentPurpose, bool, Option<i64>)> = ledger
        .iter()
        .map(|e| (e.purpose, e.given, e.version))
        .collect();
    assert_eq!(
        lines,
        vec![
            (ConsentPurpose::ReminderMail, false, None),
            (ConsentPurpose::Terms, true, Some(2)),
            (ConsentPurpose::Terms, true, Some(1)),
        ]
    );
});

crate::db_test!(a_withdrawn_digest_consent_stops_the_digest_mails, |db| {
    let state = state(&db);
    categories(&db).await;
    let zoe = person(&state, EMAIL, NAME).await;
    let other = resident(&state, "autre@example.org").await;
    let proposal = propose(&state, other, "Des arceaux à vélos", "voirie", "").await;
    exec(
        &state,
        "INSERT INTO proposal_follows (proposal_id, user_id, created_at) VALUES ($1, $2, 0)",
        &[proposal, zoe],
    )
    .await;
    exec(
        &state,
        "INSERT INTO proposal_comments (proposal_id, author_id, body, body_html, created_at) \
         VALUES ($1, $2, 'Oui !', '<p>Oui !</p>', 1)",
        &[proposal, other],
    )
    .await;
    consents::set_optional(&state, zoe, "digest_mail", false)
        .await
        .unwrap();
    assert_eq!(crate::forum::digest::run(&state).await.unwrap(), 0);
    consents::set_optional(&state, zoe, "digest_mail", true)
        .await
        .unwrap();
    assert_eq!(crate::forum::digest::run(&state).await.unwrap(), 1);
});

crate::db_test!(
    residents_see_who_opened_their_files_and_nobody_elses,
    |db| {
        let state = state(&db);
        let agent = resident(&state, "agent@example.org").await;
        let zoe = person(&state, EMAIL, NAME).await;
        let other = resident(&state, "autre@example.org").await;
        canteen(&state, "cantine", &[agent]).await;
        let mine = file(&state, zoe, "cantine").await;
        let theirs = file(&state, other, "cantine").await;
        let now = state.clock.now_ms();
        for (request, at) in [(mine, now - 10), (theirs, now - 5), (mine, now)] {
            exec(
            &state,
            "INSERT INTO request_accesses (request_id, agent_id, accessed_at) VALUES ($1, $2, $3)",
            &[request, agent, at],
        )
        .await;
        }
        let (list, page, pages) = crate::privacy::centre::accesses(state.db.pool(), zoe, 1)
            .await
            .unwrap();
        assert_eq!((page, pages), (1, 1));
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|a| a.request_id == mine));
        assert_eq!(list[0].at_ms, now, "newest first");
        assert_eq!(list[0].agent.as_deref(), Some("Résident"));
        assert_eq!(list[0].service, "Cantine cantine");
        let data = crate::privacy::centre::my_data(&state, zoe, 1, crate::site::Lang::Fr)
            .await
            .unwrap();
        let security = data
            .holdings
            .iter()
            .find(|h| h.purpose == Purpose::Security)
            .unwrap();
        assert!(security.counts.iter().any(|(_, n)| *n == 2));
    }
);

crate::db_test!(
    a_request_to_the_dpo_is_acknowledged_with_its_deadline_and_answered,
    |db| {
        let state = state(&db);
        let admin = resident(&state, "dpo.agent@example.org").await;
        let blank = crate::privacy::dpo::DpoForm {
            kind: "",
            name: " ",
            email: "pas une adresse",
            message: "",
        };
        match crate::privacy::dpo::file(&state, None, &blank, "10.0.0.1")
            .await
            .unwrap_err()
        {
            AppError::Validation(fields) => {
                let keys: Vec<&str> = fields.keys().map(String::as_str).collect();
                assert_eq!(keys, ["email", "kind", "message", "name"]);
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        let form = crate::privacy::dpo::DpoForm {
            kind: "rectification",
            name: "Jean Visiteur",
            email: "jean@example.org",
            message: "Mon nom est mal écrit sur ma demande de cantine.",
        };
        let id = crate::privacy::dpo::file(&state, None, &form, "10.0.0.1")
            .await
            .unwrap();
        let now = state.clock.now_ms();
        let due = id_of(
            &state,
            "SELECT due_at FROM data_requests WHERE id = $1",
            &[id],
        )
        .await;
        assert_eq!(due, crate::server::paris::one_month_later(now));
        // Acknowledged to the person with the deadline, and announced to the DPO.
        let to: Vec<String> = sqlx::query_scalar("SELECT to_address FROM mail_outbox ORDER BY id")
            .fetch_all(state.db.pool())
            .await
            .unwrap();
        assert_eq!(
            to,
            vec!["jean@example.org".to_owned(), state.site.dpo_email.clone()]
        );
        let queue = crate::privacy::dpo::queue(state.db.pool(), now)
            .await
            .unwrap();
        assert_eq!(queue.len(), 1);
        assert!(!queue[0].answered && !queue[0].overdue);
        let late = crate::privacy::dpo::queue(state.db.pool(), due + 1)
            .await
            .unwrap();
        assert!(late[0].overdue, "past its month, it shows as late");
        assert_eq!(
            crate::privacy::dpo::answer(&state, admin, id, "  ")
                .await
                .unwrap_err(),
            AppError::field("answer", "errors.dpo_answer")
        );
        crate::privacy::dpo::answer(&state, admin, id, "C’est corrigé.")
            .await
            .unwrap();
        assert_eq!(
            crate::privacy::dpo::answer(&state, admin, id, "Encore ?")
                .await
                .unwrap_err(),
            AppError::Conflict("errors.dpo_answered".into())
        );
        let answered = crate::privacy::dpo::queue(state.db.pool(), due + 1)
            .await
            .unwrap();
        assert!(answered[0].answered && !answered[0].overdue);
        assert_eq!(answered[0].answer, "C’est corrigé.");
        let mailed: i64 = id_of(
        &state,
        "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'jean@example.org' AND text_body LIKE '%corrigé%'",
        &[],
    )
    .await;
        assert_eq!(mailed, 1);
        // Five a day from one network.
        for _ in 0..4 {
            crate::privacy::dpo::file(&state, None, &form, "10.0.0.1")
                .await
                .unwrap();
        }
        assert_eq!(
            crate::privacy::dpo::file(&state, None, &form, "10.0.0.1")
                .await
                .unwrap_err(),
            AppError::RateLimited
        );
    }
);

crate::db_test!(parallel_export_requests_cannot_pass_the_daily_limit, |db| {
    let state = state(&db);
    let lea = person(&state, "lea@example.org", "Léa").await;
    // Thirty at once: one export under way, counted once.
    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move { export::request(&state, lea).await })
        })
        .collect();
    for task in tasks {
        let answer = task.await.unwrap();
        assert!(matches!(answer, Ok(_) | Err(AppError::Busy)), "{answer:?}");
    }
    let under_way = |state: AppState| async move {
        id_of(
            &state,
            "SELECT COUNT(*) FROM data_exports WHERE user_id = $1",
            &[lea],
        )
        .await
    };
    assert_eq!(under_way(state.clone()).await, 1);
    // Each finished export lets another be asked for, up to five a day, whatever
    // the concurrency.
    for _ in 0..10 {
        exec(
            &state,
            "UPDATE data_exports SET status = 'ready' WHERE user_id = $1",
            &[lea],
        )
        .await;
        let tasks: Vec<_> = (0..5)
            .map(|_| {
                let state = state.clone();
                tokio::spawn(async move { export::request(&state, lea).await })
            })
            .collect();
        for task in tasks {
            let _ = task.await.unwrap();
        }
    }
    assert_eq!(
        under_way(state.clone()).await,
        i64::from(export::EXPORTS_PER_DAY)
    );
});
