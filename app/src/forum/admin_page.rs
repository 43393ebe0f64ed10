//! `/admin/forum`: administrators keep the lists of themes and neighbourhoods.

use super::admin_api::{
    get_managed_categories, AddCategory, ArchiveCategory, EditCategory, ManagedCategories,
};
use super::model::ManagedCategory;
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{errors_of, typed, use_form_error, use_typed_values, Field, FormAlert};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::collections::BTreeMap;

#[component]
pub fn ForumAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let lists = Resource::new(|| (), |_| get_managed_categories());
    let archive_error = use_form_error(ArchiveCategory::url());
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, forum_admin.title).to_string()) />
        <h1>{t!(i18n, forum_admin.title)}</h1>
        <p>{t!(i18n, forum_admin.intro)}</p>
        <FormAlert error=archive_error fields=&[] />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match lists.await {
                    Ok(ManagedCategories { themes, neighbourhoods }) => view! {
                        <CategoryList kind="theme" entries=themes
                            heading=Signal::derive(move || t_string!(i18n, forum_admin.themes).to_string()) />
                        <CategoryList kind="quartier" entries=neighbourhoods
                            heading=Signal::derive(move || t_string!(i18n, forum_admin.neighbourhoods).to_string()) />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The error of the last post of `fn_url` when it concerned this list (`kind`) and,
/// for edits, this entry (`id`).
fn error_for(
    error: Memo<Option<AppError>>,
    values: Resource<BTreeMap<String, String>>,
    field: &'static str,
    expected: String,
) -> Memo<Option<AppError>> {
    Memo::new(move |_| {
        let matches = values
            .get()
            .is_some_and(|v| v.get(field).is_some_and(|k| *k == expected));
        error.get().filter(|_| matches)
    })
}

#[component]
fn CategoryList(
    kind: &'static str,
    entries: Vec<ManagedCategory>,
    heading: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let add_error = use_form_error(AddCategory::url());
    let add_values = use_typed_values("add_category", add_error);
    let error = error_for(add_error, add_values, "kind", kind.to_owned());
    let edit_error = use_form_error(EditCategory::url());
    let edit_values = use_typed_values("edit_category", edit_error);
    let heading_id = format!("liste-{kind}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="admin-list" aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            <ul class="cards cards--list" role="list">
                {entries.into_iter().map(|entry| view! {
                    <li><CategoryEntry kind entry edit_error edit_values /></li>
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, forum_admin.add)}</h3>
            <FormAlert error fields=&["name_fr", "name_en", "position"] />
            <form class="form" method="post" action=AddCategory::url() novalidate>
                <crate::ui::form::OnceField />
                <input type="hidden" name="kind" value=kind />
                <Field name="name_fr" id_suffix=kind
                    label=Signal::derive(move || t_string!(i18n, forum_admin.name_fr).to_string())
                    value=typed(add_values, "name_fr") errors=errors_of(error, "name_fr") />
                <Field name="name_en" id_suffix=kind
                    label=Signal::derive(move || t_string!(i18n, forum_admin.name_en).to_string())
                    value=typed(add_values, "name_en") errors=errors_of(error, "name_en") />
                <Field name="position" id_suffix=kind input_type="number" required=false
                    label=Signal::derive(move || t_string!(i18n, forum_admin.position).to_string())
                    hint=Signal::derive(move || t_string!(i18n, forum_admin.position_hint).to_string())
                    value=typed(add_values, "position") errors=errors_of(error, "position") />
                <button type="submit" class="button">{t!(i18n, forum_admin.add_button)}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn CategoryEntry(
    kind: &'static str,
    entry: ManagedCategory,
    edit_error: Memo<Option<AppError>>,
    edit_values: Resource<BTreeMap<String, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ManagedCategory {
        category,
        position,
        archived,
    } = entry;
    let id = category.id;
    let suffix = format!("{kind}-{id}");
    let error = error_for(edit_error, edit_values, "id", id.to_string());
    let value = move |field: &'static str, saved: String| {
        let typed = typed(edit_values, field);
        Signal::derive(move || {
            if error.with(Option::is_some) {
                typed.get()
            } else {
                saved.clone()
            }
        })
    };
    let name = category.name_fr.clone();
    view! {
        <article class="card">
            <h3 class="card__title">{category.name_fr.clone()}</h3>
            <p class="meta">
                {category.name_en.clone()}" · "{t!(i18n, forum_admin.position_is, position = move || position)}
                {archived.then(|| view! { " · "<span class="badge badge--muted">{t!(i18n, forum_admin.archived)}</span> })}
            </p>
            <details class="confirm" open=move || error.with(Option::is_some)>
                <summary>{t!(i18n, forum_admin.edit, name = move || name.clone())}</summary>
                <FormAlert error fields=&["name_fr", "name_en", "position"] />
                <form class="form" method="post" action=EditCategory::url() novalidate>
                    <input type="hidden" name="kind" value=kind />
                    <input type="hidden" name="id" value=id />
                    <Field name="name_fr" id_suffix=suffix.clone()
                        label=Signal::derive(move || t_string!(i18n, forum_admin.name_fr).to_string())
                        value=value("name_fr", category.name_fr.clone()) errors=errors_of(error, "name_fr") />
                    <Field name="name_en" id_suffix=suffix.clone()
                        label=Signal::derive(move || t_string!(i18n, forum_admin.name_en).to_string())
                        value=value("name_en", category.name_en.clone()) errors=errors_of(error, "name_en") />
                    <Field name="position" id_suffix=suffix.clone() input_type="number" required=false
                        label=Signal::derive(move || t_string!(i18n, forum_admin.position).to_string())
                        value=value("position", position.to_string()) errors=errors_of(error, "position") />
                    <button type="submit" class="button button--small">{t!(i18n, forum_admin.save)}</button>
                </form>
            </details>
            <form method="post" action=ArchiveCategory::url()>
                <input type="hidden" name="kind" value=kind />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="archived" value=if archived { "0" } else { "1" } />
                <button type="submit" class="button button--small button--secondary">
                    {if archived { t_string!(i18n, forum_admin.restore) } else { t_string!(i18n, forum_admin.archive) }}
                    <span class="visually-hidden">" "{category.name_fr.clone()}</span>
                </button>
            </form>
        </article>
    }
    .into_any()
}
