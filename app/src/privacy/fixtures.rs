//! Fixtures of the privacy-centre tests: a person with a row in every table the register
//! lists, and readers of the schema (every column; every column naming a person) that
//! work on SQLite and PostgreSQL alike.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::consents;
use super::model::COOLING_OFF_DAYS;
use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::create_user;
use crate::forum::tests::{categories, propose, resident};
use crate::server::db::DbKind;
use crate::server::state::AppState;
use crate::services::tests::{canteen, file, PDF};
use sqlx::Row;

pub(super) const EMAIL: &str = "zoe.scan@example.org";
pub(super) const NAME: &str = "Zoé Quenouille";
pub(super) const PHONE: &str = "06 12 34 56 78";
pub(super) const DAY: i64 = 24 * 3_600_000;

pub(super) async fn person(state: &AppState, email: &str, name: &str) -> i64 {
    create_user(
        &state.db,
        &state.clock,
        &Email::parse(email).unwrap(),
        name,
        Role::Citizen,
        NewPassword::parse("Le héron pêche au bord du canal").unwrap(),
    )
    .await
    .unwrap()
}

pub(super) async fn exec(state: &AppState, sql: &str, binds: &[i64]) {
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.execute(state.db.pool()).await.unwrap();
}

pub(super) async fn id_of(state: &AppState, sql: &str, binds: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_one(state.db.pool()).await.unwrap()
}

/// What [`fill`] made, for the assertions.
pub(super) struct Filled {
    pub(super) person: i64,
    pub(super) other: i64,
    pub(super) request: i64,
    pub(super) draft_file: String,
    pub(super) kept_file: String,
    pub(super) export_file: String,
    pub(super) own_proposal: i64,
    pub(super) others_proposal: i64,
    pub(super) own_comment: i64,
    pub(super) future_slot: (i64, i64),
}

/// A row in every table the register lists for `person` (and for `other`, who must
/// come through an erasure of `person` untouched).
pub(super) async fn fill(state: &AppState) -> Filled {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    categories(&state.db).await;
    let person = person(state, EMAIL, NAME).await;
    let other = resident(state, "autre@example.org").await;
    let agent = resident(state, "agent@example.org").await;
    crate::accounts::repo::grant_role(pool, person, Role::Agent, now)
        .await
        .unwrap();
    // Account.
    sqlx::query(
        "INSERT INTO user_identities (issuer, subject, user_id, created_at, last_used_at) \
         VALUES ('https://idp.example', 'sujet-zoe', $1, $2, $2)",
    )
    .bind(person)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sessions (id, data, expires_at, user_id, signed_in_at, user_agent) \
         VALUES ('session-zoe', '{}', $1, $2, $3, 'Firefox')",
    )
    .bind(now + DAY)
    .bind(person)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, purpose, user_id, email, created_at, expires_at) \
         VALUES ('hash-zoe', 'magic_link', $1, $2, $3, $4)",
    )
    .bind(person)
    .bind(EMAIL)
    .bind(now)
    .bind(now + DAY)
    .execute(pool)
    .await
    .unwrap();
    let export_file = state.uploads.store(b"PK old export").await.unwrap();
    sqlx::query(
        "INSERT INTO data_exports (user_id, status, progress, storage_key, size, created_at, finished_at) \
         VALUES ($1, 'ready', 100, $2, 13, $3, $3)",
    )
    .bind(person)
    .bind(&export_file)
    .bind(now - DAY)
    .execute(pool)
    .await
    .unwrap();
    // Requests: one filed (kept after an erasure), one draft (not kept); the person is
    // also in the canteen's team.
    canteen(state, "cantine", &[person, agent]).await;
    let request = file(state, person, "cantine").await;
    exec(
        state,
        "INSERT INTO service_requests (service_id, form_version_id, user_id, channel, status, \
         answers, created_at, updated_at) SELECT id, form_version_id, $1, 'web', 'draft', '{}', $2, $2 \
         FROM services WHERE slug = 'cantine'",
        &[person, now],
    )
    .await;
    let draft = id_of(
        state,
        "SELECT id FROM service_requests WHERE status = 'draft' AND user_id = $1",
        &[person],
    )
    .await;
    sqlx::query("UPDATE service_requests SET contact_phone = $1 WHERE id = $2")
        .bind(PHONE)
        .bind(request)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, kind, author_id, body, created_at) \
         VALUES ($1, 'message', $2, 'Merci de me rappeler.', $3)",
    )
    .bind(request)
    .bind(person)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    let mut files = Vec::new();
    for (request_id, name) in [(request, "avis.pdf"), (draft, "brouillon.pdf")] {
        let key = state.uploads.store(PDF).await.unwrap();
        sqlx::query(
            "INSERT INTO request_attachments (request_id, field_key, file_name, content_type, size, \
             storage_key, uploaded_by, created_at) VALUES ($1, 'c4', $2, 'application/pdf', 10, $3, $4, $5)",
        )
        .bind(request_id)
        .bind(name)
        .bind(&key)
        .bind(person)
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
        files.push(key);
    }
    exec(
        state,
        "INSERT INTO request_accesses (request_id, agent_id, accessed_at) VALUES ($1, $2, $3)",
        &[request, agent, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO notifications (user_id, kind, request_id, created_at, updated_at) \
         VALUES ($1, 'request', $2, $3, $3)",
        &[person, request, now],
    )
    .await;
    // Appointments: one past, one to come (its place is taken), a waiting list.
    let agenda = crate::appointments::tests::agenda(state, "etat-civil", "2", &[agent]).await;
    // Still to come when the erasure runs, after its cooling-off period.
    let future = now + (COOLING_OFF_DAYS + 3) * DAY;
    for (starts, status) in [(now - 2 * DAY, "attended"), (future, "booked")] {
        sqlx::query(
            "INSERT INTO appointments (agenda_id, starts_at, ends_at, user_id, channel, contact_phone, \
             status, manage_key, created_at, updated_at) VALUES ($1, $2, $3, $4, 'web', $5, $6, 'cle', $7, $7)",
        )
        .bind(agenda)
        .bind(starts)
        .bind(starts + 1_800_000)
        .bind(person)
        .bind(PHONE)
        .bind(status)
        .bind(now - 5 * DAY)
        .execute(pool)
        .await
        .unwrap();
    }
    exec(
        state,
        "INSERT INTO agenda_slots (agenda_id, starts_at, taken) VALUES ($1, $2, 2)",
        &[agenda, future],
    )
    .await;
    exec(
        state,
        "INSERT INTO appointment_waits (agenda_id, day, user_id, created_at) VALUES ($1, '2027-01-20', $2, $3)",
        &[agenda, person, now],
    )
    .await;
    // Forum: a proposal of theirs with someone else's comment; their comment, support,
    // follow and answer on someone else's; flags, a decision, a sanction, an appeal.
    let own_proposal = propose(state, person, "Un banc place de l’église", "voirie", "").await;
    let others_proposal = propose(state, other, "Des arceaux à vélos", "voirie", "").await;
    let comment = |author: i64, proposal: i64, body: &'static str| async move {
        let id = id_of(
            state,
            &format!(
                "INSERT INTO proposal_comments (proposal_id, author_id, body, body_html, created_at) \
                 VALUES ($1, $2, '{body}', '<p>{body}</p>', $3) RETURNING id"
            ),
            &[proposal, author, now],
        )
        .await;
        exec(
            state,
            "UPDATE proposals SET comment_count = comment_count + 1 WHERE id = $1",
            &[proposal],
        )
        .await;
        id
    };
    let own_comment = comment(person, others_proposal, "Bonne idée, près de la gare.").await;
    let others_comment = comment(other, own_proposal, "Et un abri ?").await;
    crate::forum::repo::add_support(pool, others_proposal, person, now)
        .await
        .unwrap();
    exec(
        state,
        "INSERT INTO proposal_follows (proposal_id, user_id, created_at) VALUES ($1, $2, $3)",
        &[others_proposal, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO proposal_answers (proposal_id, agent_id, status, answer, answer_html, created_at) \
         VALUES ($1, $2, 'under_study', 'À l’étude.', '<p>À l’étude.</p>', $3)",
        &[others_proposal, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO moderation_flags (item_kind, item_id, user_id, reason, snapshot, created_at) \
         VALUES ('comment', $1, $2, 'spam', 'Et un abri ?', $3)",
        &[others_comment, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO moderation_flags (item_kind, item_id, user_id, reason, snapshot, created_at) \
         VALUES ('comment', $1, $2, 'off_topic', 'Bonne idée, près de la gare.', $3)",
        &[own_comment, other, now],
    )
    .await;
    let decision = id_of(
        state,
        "INSERT INTO moderation_decisions (item_kind, item_id, proposal_id, author_id, action, reason, \
         previous_text, created_at) VALUES ('comment', $1, $2, $3, 'warn', 'off_topic', \
         'Bonne idée, près de la gare.', $4) RETURNING id",
        &[own_comment, others_proposal, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO moderation_queue (item_kind, item_id, proposal_id, author_id, cause, flag_count, \
         entered_at) VALUES ('comment', $1, $2, $3, 'flags', 1, $4)",
        &[own_comment, others_proposal, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO moderation_sanctions (user_id, kind, reason, decision_id, created_at) \
         VALUES ($1, 'warning', 'off_topic', $2, $3)",
        &[person, decision, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO moderation_appeals (decision_id, author_id, text, created_at) \
         VALUES ($1, $2, 'Ce n’était pas hors sujet.', $3)",
        &[decision, person, now],
    )
    .await;
    // A named survey answer, its participation and a draft.
    let survey = id_of(
        state,
        "INSERT INTO surveys (title, intro, opens_at, closes_at, audience, results, anonymous, \
         created_at, updated_at) VALUES ('Le marché', '', $1, $2, 'residents', 'live', 0, $1, $1) \
         RETURNING id",
        &[now - DAY, now + DAY],
    )
    .await;
    let page = id_of(
        state,
        "INSERT INTO survey_pages (survey_id, position) VALUES ($1, 1) RETURNING id",
        &[survey],
    )
    .await;
    let question = id_of(
        state,
        "INSERT INTO survey_questions (survey_id, page_id, position, kind, label) \
         VALUES ($1, $2, 1, 'short_text', 'Quel jour ?') RETURNING id",
        &[survey, page],
    )
    .await;
    let response = id_of(
        state,
        "INSERT INTO survey_responses (id, survey_id, user_id, submitted_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
        &[987_654_321, survey, person, now],
    )
    .await;
    exec(
        state,
        "INSERT INTO survey_answers (response_id, question_id, item, survey_id, text_value) \
         VALUES ($1, $2, 0, $3, 'Le samedi')",
        &[response, question, survey],
    )
    .await;
    exec(
        state,
        "INSERT INTO survey_participations (survey_id, user_id, taken_on) VALUES ($1, $2, '2027-01-15')",
        &[survey, person],
    )
    .await;
    exec(
        state,
        "INSERT INTO survey_drafts (survey_id, respondent, user_id, answers, page, updated_at) \
         VALUES ($1, 'u-zoe', $2, '{}', 1, $3)",
        &[survey, person, now],
    )
    .await;
    // Consents (the terms were accepted with the account), the security log, a mail and
    // a rate-limit counter naming the address.
    consents::set_optional(state, person, "digest_mail", false)
        .await
        .unwrap();
    exec(
        state,
        "INSERT INTO audit_log (actor_user_id, action, target_user_id, detail, created_at) \
         VALUES ($1, 'sign_in', $1, '', $2)",
        &[person, now],
    )
    .await;
    let mail = crate::mail::templates::link_mail(
        crate::mail::templates::LinkMail::MagicLink,
        crate::site::Lang::Fr,
        EMAIL,
        "Ville",
        "https://portail.example/lien",
    );
    crate::mail::outbox::enqueue(&state.db, &mail, now)
        .await
        .unwrap();
    sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, 0, 1)")
        .bind(format!("signin-fail:{EMAIL}"))
        .execute(pool)
        .await
        .unwrap();
    crate::privacy::dpo::file(
        state,
        Some(person),
        &crate::privacy::dpo::DpoForm {
            kind: "access",
            name: NAME,
            email: EMAIL,
            message: "Quelles données avez-vous sur moi ?",
        },
        "127.0.0.1",
    )
    .await
    .unwrap();
    Filled {
        person,
        other,
        request,
        draft_file: files[1].clone(),
        kept_file: files[0].clone(),
        export_file,
        own_proposal,
        others_proposal,
        own_comment,
        future_slot: (agenda, future),
    }
}

/// Every table and column of the database (but migrations' bookkeeping and SQLite's
/// full-text index internals, which hold no text of their own).
async fn columns(state: &AppState) -> Vec<(String, String)> {
    let pool = state.db.pool();
    match state.db.kind() {
        DbKind::Sqlite => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'proposals_fts%'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            let mut out = Vec::new();
            for table in tables {
                let names: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                        .bind(&table)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                out.extend(names.into_iter().map(|c| (table.clone(), c)));
            }
            out
        }
        DbKind::Postgres => sqlx::query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("t"), r.get("c")))
        .collect(),
    }
}

/// The (table, column) pairs holding `needle` somewhere, with how many rows.
pub(super) async fn scan(state: &AppState, needles: &[&str]) -> Vec<(String, String, String, i64)> {
    let mut hits = Vec::new();
    for (table, column) in columns(state).await {
        for needle in needles {
            let sql = format!(
                "SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE $1"
            );
            let count: i64 = sqlx::query_scalar(&sql)
                .bind(format!("%{needle}%"))
                .fetch_one(state.db.pool())
                .await
                .unwrap_or_else(|e| panic!("scanning {table}.{column}: {e}"));
            if count > 0 {
                hits.push((table.clone(), column.clone(), (*needle).to_owned(), count));
            }
        }
    }
    hits
}

/// The (table, column) pairs with a foreign key to `users`.
pub(super) async fn person_columns(state: &AppState) -> Vec<(String, String)> {
    let pool = state.db.pool();
    match state.db.kind() {
        DbKind::Sqlite => {
            let mut out = Vec::new();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for table in tables {
                let rows = sqlx::query(
                    "SELECT \"from\" AS c FROM pragma_foreign_key_list($1) WHERE \"table\" = 'users'",
                )
                .bind(&table)
                .fetch_all(pool)
                .await
                .unwrap();
                out.extend(rows.iter().map(|r| (table.clone(), r.get::<String, _>("c"))));
            }
            out
        }
        DbKind::Postgres => sqlx::query(
            "SELECT kcu.table_name::text AS t, kcu.column_name::text AS c \
             FROM information_schema.referential_constraints rc \
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name \
               AND kcu.constraint_schema = rc.constraint_schema \
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name \
               AND ccu.constraint_schema = rc.unique_constraint_schema \
             WHERE ccu.table_name = 'users' AND rc.constraint_schema = current_schema()",
        )
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("t"), r.get("c")))
        .collect(),
    }
}
