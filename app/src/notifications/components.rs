//! A notification as every list shows it (the notification centre, the home page).

use super::model::{Notification, NotificationKind};
use crate::i18n::{t, use_i18n};
use crate::ui::time::{moment, Style};
use leptos::prelude::*;
use leptos_router::components::A;

/// One notification: what happened, a link to it, and when.
#[component]
pub fn NotificationItem(notification: Notification) -> impl IntoView {
    let i18n = use_i18n();
    let Notification {
        kind,
        subject_id,
        subject_title: title,
        count,
        updated_at_ms,
        read,
        ..
    } = notification;
    let href = match kind {
        NotificationKind::Answer => format!("/forum/propositions/{subject_id}#reponse"),
        NotificationKind::Comments => format!("/forum/propositions/{subject_id}#commentaires"),
        NotificationKind::Moderation => "/mon-espace/moderation".to_owned(),
        NotificationKind::Request => format!("/mon-espace/demandes/{subject_id}"),
    };
    let text = match kind {
        NotificationKind::Answer => {
            view! { {t!(i18n, notifications.answer, title = move || title.clone())} }.into_any()
        }
        NotificationKind::Comments => view! {
            {t!(i18n, notifications.comments, count = move || count, title = move || title.clone())}
        }
        .into_any(),
        NotificationKind::Moderation => view! {
            {t!(i18n, notifications.moderation, title = move || title.clone())}
        }
        .into_any(),
        NotificationKind::Request => view! {
            {t!(i18n, notifications.request, reference = move || title.clone())}
        }
        .into_any(),
    };
    let date = moment(updated_at_ms, Style::Stamp);
    view! {
        <article class="notification" class:notification--unread=!read>
            {(!read).then(|| view! { <span class="badge">{t!(i18n, notifications.unread_badge)}</span>" " })}
            <A href=href>{text}</A>
            <p class="meta">{date}</p>
        </article>
    }
    .into_any()
}
