//! Posts that carry files (`multipart/form-data`): the request form and messages. They
//! are plain HTTP handlers (server fns would put a multipart codec into the browser
//! bundle for forms that never need it). Like server fns posted by an HTML form, they
//! answer with a redirection: the next page, or the form's page with the error in its
//! address (`__path`, `__err`), which the page reads with `use_form_error`.

use super::files::Upload;
use super::model::RawForm;
use super::service::{self, Actor, Go, Saved};
use crate::error::AppError;
use crate::server::state::AppState;
use leptos::server_fn::error::ServerFnUrlError;

use super::views::{FORM_PATH, MESSAGE_FORM, MESSAGE_PATH};

/// Longest text field accepted in a multipart post.
const TEXT_MAX: usize = 64 * 1024;

/// Reads a multipart body: its text fields and its files. A file larger than
/// `max_bytes` is read through but not kept (`too_large`).
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
    max_bytes: usize,
) -> Result<(RawForm, Vec<Upload>), AppError> {
    let bad = |_| AppError::field("form", "errors.invalid");
    let mut raw = RawForm::new();
    let mut uploads = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if uploads.len() >= super::files::FILES_PER_POST {
                return Err(AppError::field(&name, "errors.too_many_files"));
            }
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if too_large || bytes.len() + chunk.len() > max_bytes {
                    too_large = true;
                    bytes.clear();
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            // A file input left empty posts a part with no name and no content.
            if file_name.is_empty() && bytes.is_empty() && !too_large {
                continue;
            }
            uploads.push(Upload {
                field: name,
                file_name,
                bytes,
                too_large,
            });
        } else {
            let text = field.text().await.map_err(bad)?;
            if text.len() > TEXT_MAX {
                return Err(AppError::field(&name, "errors.text_too_long"));
            }
            raw.entry(name).or_default().push(text);
        }
    }
    Ok((raw, uploads))
}

/// `path` with `err` in its query, as Leptos does for a failed form post.
pub fn error_location(state: &AppState, path: &str, key: &str, err: AppError) -> String {
    let Ok(base) = state.public_url.join(path) else {
        return path.to_owned();
    };
    match ServerFnUrlError::new(key, err).to_url(base.as_str()) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => path.to_owned(),
    }
}

fn first(raw: &RawForm, name: &str) -> String {
    raw.get(name)
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default()
}

/// Handles a post of the request form: where to send the browser next.
pub async fn form_post(
    state: &AppState,
    user_id: Option<i64>,
    id: i64,
    multipart: axum::extract::Multipart,
) -> String {
    let Some(actor) = actor_of(state, user_id).await else {
        return format!("/connexion?suite=/mon-espace/demandes/{id}/formulaire");
    };
    // Which page the form belongs to (the agents' for a request filed at the counter);
    // `save_form` checks the actor's right to change it.
    let side = match service::load(state, id).await {
        Ok(row) => service::side_of(state, actor, &row).await.ok(),
        Err(_) => None,
    };
    let page = if side == Some(service::Side::Agent) {
        format!("/guichet/demandes/{id}")
    } else {
        format!("/mon-espace/demandes/{id}")
    };
    let result = async {
        let (raw, uploads) = read_multipart(multipart, state.uploads.max_bytes).await?;
        let go = if first(&raw, "go") == "submit" {
            Go::Submit
        } else {
            Go::Save
        };
        service::save_form(state, actor, id, &raw, uploads, go).await
    }
    .await;
    match result {
        Ok(Saved::Submitted) => format!("{page}?deposee=1"),
        Ok(Saved::Draft) => format!("{page}/formulaire?enregistre=1"),
        Err(err) => error_location(state, &format!("{page}/formulaire"), FORM_PATH, err),
    }
}

/// Handles a message post (text and an optional file): where to send the browser next.
pub async fn message_post(
    state: &AppState,
    session: &tower_sessions::Session,
    id: i64,
    multipart: axum::extract::Multipart,
) -> String {
    let user_id = crate::server::sessions::signed_in_user(session).await;
    let Some(actor) = actor_of(state, user_id).await else {
        return format!("/connexion?suite=/mon-espace/demandes/{id}");
    };
    let mut page = format!("/mon-espace/demandes/{id}");
    let mut body = String::new();
    let result = async {
        let row = service::load(state, id).await?;
        if service::side_of(state, actor, &row).await? == service::Side::Agent {
            page = format!("/guichet/demandes/{id}");
        }
        let (raw, mut uploads) = read_multipart(multipart, state.uploads.max_bytes).await?;
        body = first(&raw, "body");
        let upload = uploads.pop();
        crate::server::db::retry_contended(|| {
            service::post_message(state, actor, id, &body, upload.clone())
        })
        .await
    }
    .await;
    match result {
        Ok(()) => format!("{page}?message=1#messages"),
        Err(err) => {
            // The message typed stays on the page (a file is chosen again).
            crate::server::request::keep_typed(session, MESSAGE_FORM, &[("body", &body)]).await;
            error_location(state, &page, MESSAGE_PATH, err)
        }
    }
}

async fn actor_of(state: &AppState, user_id: Option<i64>) -> Option<Actor> {
    let user = crate::accounts::repo::find_by_id(state.db.pool(), user_id?)
        .await
        .ok()??;
    Some(Actor {
        id: user.id,
        agent: user.roles.contains(&crate::accounts::model::Role::Agent),
        admin: user.roles.contains(&crate::accounts::model::Role::Admin),
    })
}

/// A file of a request, for its resident or an agent of its service:
/// (name, content type, bytes).
pub async fn download(
    state: &AppState,
    user_id: Option<i64>,
    attachment_id: i64,
) -> Result<(String, String, Vec<u8>), AppError> {
    let actor = actor_of(state, user_id)
        .await
        .ok_or(AppError::Unauthenticated)?;
    let (request_id, name, content_type, key) =
        super::requests_repo::attachment_file(state.db.pool(), attachment_id)
            .await
            .map_err(crate::error::internal)?
            .ok_or(AppError::NotFound)?;
    let row = service::load(state, request_id).await?;
    service::side_of(state, actor, &row).await?;
    let bytes = state.uploads.read(&key).await?;
    // Names stored before the extension followed the checked type are mended here.
    Ok((
        super::files::stored_name(&name, &content_type),
        content_type,
        bytes,
    ))
}

/// The queue of a service as CSV, for an agent of its team.
pub async fn queue_csv(
    state: &AppState,
    user_id: Option<i64>,
    service_id: i64,
    filter: &super::views::QueueFilter,
) -> Result<String, AppError> {
    let actor = actor_of(state, user_id)
        .await
        .ok_or(AppError::Unauthenticated)?;
    super::processing::queue_csv(state, actor, service_id, filter).await
}
