//! SQL of the upload limits ([`super::quota`]).

use sqlx::AnyConnection;

/// Takes the uploader's row lock for the rest of the transaction (PostgreSQL; SQLite's
/// write transaction already runs alone): their parallel posts are counted in turn.
pub async fn lock_uploader(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Bytes of every file an account uploaded that is still stored.
pub async fn bytes_of(conn: &mut AnyConnection, user_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM request_attachments \
         WHERE uploaded_by = $1",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await
}

/// Files a request holds, its form's and its messages'.
pub async fn files_of_request(conn: &mut AnyConnection, request_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM request_attachments WHERE request_id = $1")
        .bind(request_id)
        .fetch_one(conn)
        .await
}

/// Files one field of a request's form holds.
pub async fn files_of_field(
    conn: &mut AnyConnection,
    request_id: i64,
    field_key: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_attachments \
         WHERE request_id = $1 AND field_key = $2 AND event_id IS NULL",
    )
    .bind(request_id)
    .bind(field_key)
    .fetch_one(conn)
    .await
}
