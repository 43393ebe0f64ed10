//! How many files a request may hold and how many bytes an account may store: checked
//! in the transaction that records new files, after locking the request's row and the
//! uploader's, so parallel posts are counted one after the other (never check, then
//! insert elsewhere).

use super::files::{Uploads, FILES_PER_FIELD, FILES_PER_REQUEST};
use super::quota_repo as repo;
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use sqlx::AnyConnection;

/// A file about to be recorded: the field it goes to (`None` for a message) and its size.
pub struct Incoming<'a> {
    pub field: Option<&'a str>,
    /// The form field to report a refusal on (`file.<key>` or `file`).
    pub error_field: &'a str,
    pub bytes: i64,
}

/// Which of `incoming` may be recorded on request `request_id` by `uploader`, in order;
/// the others get their refusal in `errors` (`errors.too_many_files`,
/// `errors.upload_quota`). Call it in the transaction that records them, after the
/// request's row is locked.
pub async fn admit_files(
    conn: &mut AnyConnection,
    uploads: &Uploads,
    request_id: i64,
    uploader: i64,
    incoming: &[Incoming<'_>],
    errors: &mut FieldErrors,
) -> Result<Vec<bool>, AppError> {
    repo::lock_uploader(conn, uploader)
        .await
        .map_err(internal)?;
    let mut stored = repo::bytes_of(conn, uploader).await.map_err(internal)?;
    let mut in_request = repo::files_of_request(conn, request_id)
        .await
        .map_err(internal)?;
    let mut per_field = std::collections::HashMap::<&str, i64>::new();
    let mut admitted = Vec::with_capacity(incoming.len());
    for file in incoming {
        let in_field = match file.field {
            Some(key) => match per_field.get(key) {
                Some(n) => *n,
                None => repo::files_of_field(conn, request_id, key)
                    .await
                    .map_err(internal)?,
            },
            None => 0,
        };
        let problem = if in_request >= FILES_PER_REQUEST
            || (file.field.is_some() && in_field >= FILES_PER_FIELD)
        {
            Some("errors.too_many_files")
        } else if stored + file.bytes > uploads.quota_bytes {
            Some("errors.upload_quota")
        } else {
            None
        };
        match problem {
            Some(key) => {
                add_field_error(errors, file.error_field, key);
                admitted.push(false);
            }
            None => {
                stored += file.bytes;
                in_request += 1;
                if let Some(key) = file.field {
                    per_field.insert(key, in_field + 1);
                }
                admitted.push(true);
            }
        }
    }
    Ok(admitted)
}
