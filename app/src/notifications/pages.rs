//! `/notifications`: the notification centre.

use super::api::{get_notifications, MarkNotificationsRead};
use super::components::NotificationItem;
use super::model::NotificationPage;
use crate::accounts::pages::AccessDenied;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{query_value, use_form_error, FormAlert};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = query_value("page");
    let list = Resource::new(
        move || page.get().parse::<u32>().unwrap_or(1).max(1),
        get_notifications,
    );
    let error = use_form_error(MarkNotificationsRead::url());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, notifications.title).to_string()) />
        <div class="narrow">
            <h1>{t!(i18n, notifications.title)}</h1>
            <FormAlert error fields=&[] />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(page) => view! { <NotificationList page /> }.into_any(),
                        Err(error) => view! { <AccessDenied error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn NotificationList(page: NotificationPage) -> impl IntoView {
    let i18n = use_i18n();
    let NotificationPage {
        items,
        page,
        page_count,
        unread,
    } = page;
    let page_link = |n: u32| format!("/notifications?page={n}");
    view! {
        <p role="status">{t!(i18n, notifications.unread, count = move || unread)}</p>
        {(unread > 0).then(|| view! {
            <form method="post" action=MarkNotificationsRead::url()>
                <button type="submit" class="button button--small">{t!(i18n, notifications.mark_all_read)}</button>
            </form>
        })}
        {items.is_empty().then(|| view! { <p>{t!(i18n, notifications.none)}</p> })}
        <ul class="notifications" role="list">
            {items.into_iter().map(|n| view! { <li><NotificationItem notification=n /></li> }).collect_view()}
        </ul>
        {(page_count > 1).then(|| view! {
            <nav class="pagination" aria-label=t_string!(i18n, notifications.pages).to_string()>
                {(page > 1).then(|| view! { <A href=page_link(page - 1)>{t!(i18n, forum.previous)}</A> })}
                <span>{t!(i18n, forum.page_of, page = move || page, pages = move || page_count)}</span>
                {(page < page_count).then(|| view! { <A href=page_link(page + 1)>{t!(i18n, forum.next)}</A> })}
            </nav>
        })}
    }
    .into_any()
}
