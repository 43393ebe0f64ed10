//! A resident's export: one ZIP with a JSON file per purpose of the register (a section
//! per table, whole rows) and the files attached to their requests. Built in the
//! background, tracked in `data_exports` (progress per purpose), mailed when ready, kept
//! [`EXPORT_KEPT_DAYS`] days.

use super::model::{ExportState, Purpose, EXPORT_KEPT_DAYS};
use super::register::treatment;
use crate::error::{internal, AppError};
use crate::server::state::AppState;
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::{AnyPool, Column, Row};
use std::io::Write;

const DAY_MS: i64 = 24 * 3_600_000;
/// How long a process may take to build one export before another takes it over.
const LEASE_MS: i64 = 10 * 60_000;

/// The query of one table's section, `$1` being the person's id. Each returns whole rows
/// but for secrets (password hashes, session contents, token hashes, mail-link keys) and
/// agents' internal notes.
fn section_sql(table: &str) -> Option<&'static str> {
    Some(match table {
        "users" => "SELECT id, email, display_name, lang, email_verified_at, created_at, updated_at, \
                    password_hash IS NOT NULL AS has_password FROM users WHERE id = $1",
        "user_roles" => "SELECT role, granted_at FROM user_roles WHERE user_id = $1",
        "user_identities" => "SELECT issuer, subject, created_at, last_used_at FROM user_identities WHERE user_id = $1",
        "sessions" => "SELECT signed_in_at, user_agent, expires_at FROM sessions WHERE user_id = $1",
        "auth_tokens" => "SELECT purpose, email, created_at, expires_at, used_at FROM auth_tokens WHERE user_id = $1",
        "service_agents" => "SELECT s.slug AS service, s.title FROM service_agents a JOIN services s ON s.id = a.service_id WHERE a.user_id = $1",
        "data_exports" => "SELECT id, status, size, created_at, finished_at FROM data_exports WHERE user_id = $1",
        "erasure_requests" => "SELECT mode, requested_at, due_at FROM erasure_requests WHERE user_id = $1",
        "service_requests" => "SELECT r.id, r.reference, s.title AS service, r.status, r.channel, r.answers, \
                    r.contact_name, r.contact_email, r.contact_phone, r.created_at, r.submitted_at, \
                    r.decided_at, r.updated_at FROM service_requests r JOIN services s ON s.id = r.service_id \
                    WHERE r.user_id = $1 ORDER BY r.id",
        "request_events" => "SELECT e.request_id, e.kind, e.status, e.from_agent, e.body, e.created_at \
                    FROM request_events e JOIN service_requests r ON r.id = e.request_id \
                    WHERE r.user_id = $1 AND e.kind <> 'note' ORDER BY e.id",
        "request_attachments" => "SELECT a.id, a.request_id, a.field_key, a.file_name, a.content_type, a.size, \
                    a.created_at FROM request_attachments a JOIN service_requests r ON r.id = a.request_id \
                    WHERE r.user_id = $1 ORDER BY a.id",
        "appointments" => "SELECT p.id, g.name AS agenda, g.place, p.starts_at, p.ends_at, p.channel, p.status, \
                    p.contact_name, p.contact_email, p.contact_phone, p.created_at, p.cancelled_at \
                    FROM appointments p JOIN agendas g ON g.id = p.agenda_id WHERE p.user_id = $1 ORDER BY p.starts_at",
        "appointment_waits" => "SELECT g.name AS agenda, w.day, w.created_at, w.notified_at FROM appointment_waits w \
                    JOIN agendas g ON g.id = w.agenda_id WHERE w.user_id = $1",
        "proposals" => "SELECT id, title, body, status, moderation, support_count, comment_count, created_at, \
                    edited_at, withdrawn_at FROM proposals WHERE author_id = $1 ORDER BY id",
        "proposal_comments" => "SELECT id, proposal_id, parent_id, body, moderation, created_at, edited_at, deleted_at \
                    FROM proposal_comments WHERE author_id = $1 ORDER BY id",
        "proposal_supports" => "SELECT proposal_id, created_at FROM proposal_supports WHERE user_id = $1",
        "proposal_follows" => "SELECT proposal_id, created_at FROM proposal_follows WHERE user_id = $1",
        "proposal_answers" => "SELECT proposal_id, status, answer, created_at FROM proposal_answers WHERE agent_id = $1",
        "moderation_flags" => "SELECT item_kind, item_id, reason, detail, created_at, resolved_at FROM moderation_flags WHERE user_id = $1",
        "moderation_decisions" => "SELECT item_kind, item_id, action, reason, rule, note, created_at \
                    FROM moderation_decisions WHERE author_id = $1 ORDER BY id",
        "moderation_queue" => "SELECT item_kind, item_id, cause, reason, entered_at FROM moderation_queue WHERE author_id = $1",
        "moderation_sanctions" => "SELECT kind, reason, note, created_at, ends_at, lifted_at FROM moderation_sanctions WHERE user_id = $1",
        "moderation_appeals" => "SELECT decision_id, text, created_at, decided_at, upheld FROM moderation_appeals WHERE author_id = $1",
        "survey_participations" => "SELECT s.title AS survey, p.taken_on FROM survey_participations p \
                    JOIN surveys s ON s.id = p.survey_id WHERE p.user_id = $1",
        "survey_responses" => "SELECT r.id AS response_id, s.title AS survey, q.label AS question, c.label AS choice, \
                    a.rank, a.number_value, a.text_value, r.submitted_at FROM survey_responses r \
                    JOIN surveys s ON s.id = r.survey_id JOIN survey_answers a ON a.response_id = r.id \
                    JOIN survey_questions q ON q.id = a.question_id LEFT JOIN survey_choices c ON c.id = a.choice_id \
                    WHERE r.user_id = $1 ORDER BY r.id, q.position, a.item",
        "survey_drafts" => "SELECT d.survey_id, s.title AS survey, d.answers, d.page, d.updated_at FROM survey_drafts d \
                    JOIN surveys s ON s.id = d.survey_id WHERE d.user_id = $1",
        "notifications" => "SELECT kind, proposal_id, request_id, item_count, created_at, updated_at, read_at \
                    FROM notifications WHERE user_id = $1 ORDER BY id",
        "consents" => "SELECT purpose, given, version, updated_at FROM consents WHERE user_id = $1",
        "consent_events" => "SELECT purpose, given, version, created_at FROM consent_events WHERE user_id = $1 ORDER BY id",
        "audit_log" => "SELECT action, detail, created_at, actor_user_id = $1 AS by_you FROM audit_log \
                    WHERE actor_user_id = $1 OR target_user_id = $1 ORDER BY id",
        "request_accesses" => "SELECT r.reference, u.display_name AS agent, a.accessed_at FROM request_accesses a \
                    JOIN service_requests r ON r.id = a.request_id LEFT JOIN users u ON u.id = a.agent_id \
                    WHERE r.user_id = $1 ORDER BY a.id",
        "data_requests" => "SELECT id, kind, name, email, message, answer, created_at, due_at, answered_at \
                    FROM data_requests WHERE user_id = $1 ORDER BY id",
        _ => return None,
    })
}

/// A draft of an anonymous survey is sealed in the database; its author reads it.
fn unseal_draft(sealer: &crate::server::seal::Sealer, object: &mut Map<String, Value>) {
    let survey = object.get("survey_id").and_then(Value::as_i64);
    let stored = object.get("answers").and_then(Value::as_str);
    if let (Some(survey), Some(stored)) = (survey, stored) {
        if let Some(json) = crate::surveys::repo::DraftSeal::open_stored(sealer, survey, stored) {
            object.insert("answers".to_owned(), Value::from(json));
        }
    }
}

/// One value of a row, whatever its SQL type.
fn value_of(row: &sqlx::any::AnyRow, index: usize) -> Value {
    if let Ok(v) = row.try_get::<Option<i64>, _>(index) {
        return v.map_or(Value::Null, Value::from);
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(index) {
        return v.map_or(Value::Null, Value::from);
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(index) {
        return v.map_or(Value::Null, Value::from);
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(index) {
        return v.map_or(Value::Null, Value::from);
    }
    Value::Null
}

/// The JSON document of `purpose` for `user_id`: `{ table: [rows…], … }`.
pub async fn purpose_json(
    pool: &AnyPool,
    sealer: &crate::server::seal::Sealer,
    purpose: Purpose,
    user_id: i64,
) -> anyhow::Result<Value> {
    let mut doc = Map::new();
    for table in treatment(purpose).tables {
        let sql = section_sql(table).with_context(|| format!("no export query for {table}"))?;
        let rows = sqlx::query(sql)
            .bind(user_id)
            .fetch_all(pool)
            .await
            .with_context(|| format!("exporting {table}"))?;
        let rows: Vec<Value> = rows
            .iter()
            .map(|row| {
                let mut object: Map<String, Value> = row
                    .columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.name().to_owned(), value_of(row, i)))
                    .collect();
                if *table == "survey_drafts" {
                    unseal_draft(sealer, &mut object);
                }
                Value::Object(object)
            })
            .collect();
        doc.insert((*table).to_owned(), Value::Array(rows));
    }
    Ok(Value::Object(doc))
}

/// Asks for a new export; an export already under way is reused.
pub async fn request(state: &AppState, user_id: i64) -> Result<i64, AppError> {
    let pool = state.db.pool();
    let now = state.clock.now_ms();
    let running: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM data_exports WHERE user_id = $1 AND status IN ('pending', 'running')",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await
    .map_err(internal)?;
    if let Some(id) = running {
        return Ok(id);
    }
    // One export under way per person (a partial unique index): a request racing
    // another gets the export the other created. A day's limit, since building one reads
    // everything the person ever did: the database's counter is raised in the transaction
    // that creates the export, so parallel requests cannot slip past it.
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO data_exports (user_id, status, created_at) VALUES ($1, 'pending', $2) \
         ON CONFLICT (user_id) WHERE status IN ('pending', 'running') DO NOTHING RETURNING id",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?;
    if created.is_some() {
        let today = crate::server::ratelimit::hit_in(
            &mut *tx,
            &format!("export-user:{user_id}"),
            crate::server::ratelimit::Limit::DAY,
            now,
        )
        .await
        .map_err(internal)?;
        if today > i64::from(EXPORTS_PER_DAY) {
            return Err(AppError::RateLimited);
        }
    }
    tx.commit().await.map_err(internal)?;
    match created {
        Some(id) => Ok(id),
        None => sqlx::query_scalar(
            "SELECT id FROM data_exports WHERE user_id = $1 AND status IN ('pending', 'running')",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await
        .map_err(internal)?
        // The other export finished in between: ask again.
        .ok_or(AppError::Busy),
    }
}

/// Exports one person may ask for per day.
pub const EXPORTS_PER_DAY: u32 = 5;

/// The person's latest export.
pub async fn latest(pool: &AnyPool, user_id: i64) -> sqlx::Result<Option<ExportState>> {
    let row = sqlx::query(
        "SELECT id, status, progress, size, created_at, finished_at FROM data_exports \
         WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        let finished: Option<i64> = row.try_get("finished_at")?;
        let status: String = row.try_get("status")?;
        let expires_at_ms = finished
            .filter(|_| status == "ready")
            .map(|at| at + EXPORT_KEPT_DAYS * DAY_MS);
        Ok(ExportState {
            id: row.try_get("id")?,
            expires_at_ms,
            status,
            progress: row.try_get("progress")?,
            size: row.try_get("size")?,
            created_at_ms: row.try_get("created_at")?,
        })
    })
    .transpose()
}

/// Builds every export waiting (or abandoned by a process that died); how many.
pub async fn run_pending(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM data_exports WHERE status = 'pending' \
         OR (status = 'running' AND lease_until < $1) ORDER BY id LIMIT 20",
    )
    .bind(now)
    .fetch_all(state.db.pool())
    .await
    .context("listing exports")?;
    let mut built = 0;
    for id in ids {
        let claimed = sqlx::query(
            "UPDATE data_exports SET status = 'running', lease_until = $1, progress = 0 \
             WHERE id = $2 AND (status = 'pending' OR (status = 'running' AND lease_until < $3))",
        )
        .bind(now + LEASE_MS)
        .bind(id)
        .bind(now)
        .execute(state.db.pool())
        .await
        .context("claiming an export")?
        .rows_affected()
            == 1;
        if !claimed {
            continue;
        }
        if let Err(err) = build(state, id).await {
            tracing::warn!(error = ?err, export = id, "building an export");
            sqlx::query(
                "UPDATE data_exports SET status = 'failed', finished_at = $1 WHERE id = $2",
            )
            .bind(state.clock.now_ms())
            .bind(id)
            .execute(state.db.pool())
            .await
            .context("recording a failed export")?;
        } else {
            built += 1;
        }
    }
    Ok(built)
}

async fn set_progress(pool: &AnyPool, id: i64, progress: usize) -> anyhow::Result<()> {
    sqlx::query("UPDATE data_exports SET progress = $1 WHERE id = $2")
        .bind(i64::try_from(progress).unwrap_or(100))
        .bind(id)
        .execute(pool)
        .await
        .context("recording an export's progress")?;
    Ok(())
}

/// Builds export `id`, stores it, mails its owner.
async fn build(state: &AppState, id: i64) -> anyhow::Result<()> {
    let pool = state.db.pool();
    let user_id: i64 = sqlx::query_scalar("SELECT user_id FROM data_exports WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .context("reading an export")?;
    // Written to disk entry by entry: the JSON of one purpose at a time, attachments
    // copied from their files in pieces. Memory stays bounded whatever the account holds.
    let (key, path) = state
        .uploads
        .reserve()
        .await
        .map_err(|e| anyhow::anyhow!("reserving an export file: {e:?}"))?;
    let written = write_export(state, id, user_id, path.clone()).await;
    let size = match written {
        Ok(size) => size,
        Err(err) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(err);
        }
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await?;
    sqlx::query(
        "UPDATE data_exports SET status = 'ready', progress = 100, storage_key = $1, size = $2, \
         finished_at = $3 WHERE id = $4",
    )
    .bind(&key)
    .bind(size)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await
    .context("recording an export")?;
    let user = sqlx::query("SELECT email, lang FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await
        .context("reading the export's owner")?;
    let email: String = user.try_get("email")?;
    let lang: String = user.try_get("lang")?;
    let link = state
        .public_url
        .join("/mon-espace/donnees#export")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let mail = crate::mail::templates::privacy_mail(
        crate::mail::templates::PrivacyMail::ExportReady,
        crate::site::Lang::parse(&lang).unwrap_or(crate::site::Lang::Fr),
        &email,
        &state.site.commune_name,
        &link,
        "",
    );
    crate::mail::outbox::enqueue_in(&mut tx, &mail, now).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

fn readme(state: &AppState) -> String {
    format!(
        "Vos données personnelles détenues par {commune} (Parvis)\n\
         Your personal data held by {commune} (Parvis)\n\n\
         Un fichier JSON par finalité du registre des traitements, une section par table ;\n\
         les dates sont en millisecondes depuis le 1er janvier 1970 (UTC).\n\
         One JSON file per purpose of the processing register, one section per table;\n\
         dates are milliseconds since 1 January 1970 (UTC).\n\n\
         fichiers/ : les pièces jointes de vos demandes / your requests' attachments.\n\n\
         Délégué à la protection des données / Data protection officer : {dpo} <{dpo_email}>\n",
        commune = state.site.commune_name,
        dpo = state.site.dpo_name,
        dpo_email = state.site.dpo_email,
    )
}

/// Writes export `id` of `user_id` to `path`; its size in bytes.
async fn write_export(
    state: &AppState,
    id: i64,
    user_id: i64,
    path: std::path::PathBuf,
) -> anyhow::Result<i64> {
    let pool = state.db.pool();
    let file = std::fs::File::create(&path).context("creating the export file")?;
    let mut zip = Some(zip::ZipWriter::new(std::io::BufWriter::new(file)));
    let steps = Purpose::ALL.len() + 1;
    for (done, purpose) in Purpose::ALL.into_iter().enumerate() {
        let doc = purpose_json(pool, &state.sealer, purpose, user_id).await?;
        let bytes = serde_json::to_vec_pretty(&doc)?;
        drop(doc);
        let name = purpose.export_file();
        let mut out = zip.take().context("zip writer")?;
        out = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            out.start_file(name.as_str(), options())?;
            out.write_all(&bytes)?;
            Ok(out)
        })
        .await
        .context("zip task")??;
        zip = Some(out);
        set_progress(pool, id, (done + 1) * 100 / steps).await?;
    }
    let attachments = sqlx::query(
        "SELECT a.id, a.file_name, a.content_type, a.storage_key, r.reference \
         FROM request_attachments a \
         JOIN service_requests r ON r.id = a.request_id WHERE r.user_id = $1 ORDER BY a.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
    .context("listing attachments")?;
    let mut entries = Vec::with_capacity(attachments.len());
    for row in &attachments {
        let key: String = row.try_get("storage_key")?;
        let name: String = row.try_get("file_name")?;
        let content_type: String = row.try_get("content_type")?;
        let attachment: i64 = row.try_get("id")?;
        let reference: Option<String> = row.try_get("reference")?;
        let folder = reference.unwrap_or_else(|| "brouillon".into());
        let name = crate::services::files::stored_name(&name, &content_type);
        let source = state
            .uploads
            .stored_path(&key)
            .map_err(|e| anyhow::anyhow!("attachment {attachment}: {e:?}"))?;
        entries.push((format!("fichiers/{folder}/{attachment}-{name}"), source));
    }
    let readme = readme(state);
    let out = zip.take().context("zip writer")?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut out = out;
        for (name, source) in entries {
            let mut file = std::fs::File::open(&source)
                .with_context(|| format!("opening {}", source.display()))?;
            out.start_file(name.as_str(), options())?;
            std::io::copy(&mut file, &mut out)?;
        }
        out.start_file("LISEZMOI.txt", options())?;
        out.write_all(readme.as_bytes())?;
        let mut file = out.finish()?;
        file.flush()?;
        file.get_ref().sync_all()?;
        Ok(())
    })
    .await
    .context("zip task")??;
    let size = tokio::fs::metadata(&path).await?.len();
    Ok(i64::try_from(size).unwrap_or(i64::MAX))
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

/// A ready export's file, for its owner only: (file name, where it is on disk; it is
/// sent in pieces).
pub async fn download(
    state: &AppState,
    user_id: i64,
    id: i64,
) -> Result<(String, std::path::PathBuf), AppError> {
    let row = sqlx::query(
        "SELECT storage_key, finished_at FROM data_exports \
         WHERE id = $1 AND user_id = $2 AND status = 'ready'",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await
    .map_err(internal)?
    .ok_or(AppError::NotFound)?;
    let key: Option<String> = row.try_get("storage_key").map_err(internal)?;
    let finished: Option<i64> = row.try_get("finished_at").map_err(internal)?;
    let key = key.ok_or(AppError::NotFound)?;
    if finished.unwrap_or(0) + EXPORT_KEPT_DAYS * DAY_MS < state.clock.now_ms() {
        return Err(AppError::NotFound);
    }
    let path = state.uploads.stored_path(&key)?;
    Ok((format!("mes-donnees-{id}.zip"), path))
}

/// Removes exports past their days (rows and files); how many.
pub async fn purge_expired(state: &AppState, now_ms: i64) -> anyhow::Result<u64> {
    let cutoff = now_ms - EXPORT_KEPT_DAYS * DAY_MS;
    let keys: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT storage_key FROM data_exports WHERE created_at < $1 AND status <> 'running'",
    )
    .bind(cutoff)
    .fetch_all(state.db.pool())
    .await
    .context("listing old exports")?;
    let removed =
        sqlx::query("DELETE FROM data_exports WHERE created_at < $1 AND status <> 'running'")
            .bind(cutoff)
            .execute(state.db.pool())
            .await
            .context("deleting old exports")?
            .rows_affected();
    let keys: Vec<String> = keys.into_iter().flatten().collect();
    state.uploads.remove(&keys).await;
    Ok(removed)
}
