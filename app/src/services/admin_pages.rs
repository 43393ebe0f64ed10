//! The catalogue's administration (admin role): the list of services and a new one
//! (`/admin/demarches`), a service's description, team, templates and form
//! (`/admin/demarches/:id`), and one field of its form (`…/champs/:key`).

use super::admin_api::{
    admin_services, get_service_admin, AddServiceAgent, AddServiceTemplate, ChangeServiceField,
    DeleteServiceTemplate, RemoveServiceAgent, SaveService, SaveServiceField,
};
use super::model::{Category, FieldDef, FieldKind, CHECKED};
use super::pages::category_text;
use super::views::{ServiceAdmin, ServiceInfo};
use crate::accounts::pages::AccessDenied;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{
    errors_of, query_value, title_with_error, typed, use_form_error, use_typed_values, Field,
    FormAlert, SelectField, TextAreaField,
};
use crate::ui::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeMap;

fn kind_text(kind: FieldKind) -> String {
    let i18n = use_i18n();
    match kind {
        FieldKind::Section => t_string!(i18n, services.kind_section),
        FieldKind::ShortText => t_string!(i18n, services.kind_short_text),
        FieldKind::LongText => t_string!(i18n, services.kind_long_text),
        FieldKind::Email => t_string!(i18n, services.kind_email),
        FieldKind::Phone => t_string!(i18n, services.kind_phone),
        FieldKind::Date => t_string!(i18n, services.kind_date),
        FieldKind::Number => t_string!(i18n, services.kind_number),
        FieldKind::Choice => t_string!(i18n, services.kind_choice),
        FieldKind::Choices => t_string!(i18n, services.kind_choices),
        FieldKind::Checkbox => t_string!(i18n, services.kind_checkbox),
        FieldKind::Address => t_string!(i18n, services.kind_address),
        FieldKind::File => t_string!(i18n, services.kind_file),
    }
    .to_string()
}

/// `/admin/demarches`.
#[component]
pub fn AdminCataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let services = Resource::new(|| (), |()| admin_services());
    let error = use_form_error(SaveService::url());
    let title = title_with_error(error, move || {
        t_string!(i18n, services.admin_title).to_string()
    });
    view! {
        <PageTitle text=title />
        <h1>{t!(i18n, services.admin_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(list) => view! {
                        <ul class="cards" role="list">
                            {list.into_iter().map(|s| view! {
                                <li class="card">
                                    <h2><A href=format!("/admin/demarches/{}", s.id)>{s.title}</A></h2>
                                    <p class="meta">{category_text(s.category)}" · "
                                        {if s.published { t_string!(i18n, services.published) } else { t_string!(i18n, services.unpublished) }}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                        <h2>{t!(i18n, services.new_service)}</h2>
                        <ServiceForm info=None error />
                    }
                    .into_any(),
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A service's description (a new one when `info` is `None`).
#[component]
fn ServiceForm(info: Option<ServiceInfo>, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let values = use_typed_values("save_service", error);
    let value = move |field: &'static str, saved: String| {
        Signal::derive(move || {
            if error.with(Option::is_some) {
                typed(values, field).get()
            } else {
                saved.clone()
            }
        })
    };
    let id = info.as_ref().map(|i| i.id).unwrap_or(0);
    let get = |f: fn(&ServiceInfo) -> String| info.as_ref().map(f).unwrap_or_default();
    let categories: Vec<(String, String)> = Category::ALL
        .into_iter()
        .map(|c| (c.as_str().to_owned(), category_text(c)))
        .collect();
    let published = info.as_ref().is_some_and(|i| i.published);
    let retention = info
        .as_ref()
        .map(|i| i.retention_months.to_string())
        .unwrap_or_else(|| "60".into());
    let text_fields: [(&'static str, String, String); 6] = [
        (
            "summary",
            t_string!(i18n, services.summary).to_string(),
            get(|i| i.summary.clone()),
        ),
        (
            "eligibility",
            t_string!(i18n, services.eligibility).to_string(),
            get(|i| i.eligibility.clone()),
        ),
        (
            "documents",
            t_string!(i18n, services.documents).to_string(),
            get(|i| i.documents.clone()),
        ),
        (
            "processing_time",
            t_string!(i18n, services.processing_time).to_string(),
            get(|i| i.processing_time.clone()),
        ),
        (
            "cost",
            t_string!(i18n, services.cost).to_string(),
            get(|i| i.cost.clone()),
        ),
        (
            "contact",
            t_string!(i18n, services.contact).to_string(),
            get(|i| i.contact.clone()),
        ),
    ];
    view! {
        <FormAlert error fields=&["slug", "category", "title", "keywords", "summary", "eligibility", "documents", "processing_time", "cost", "contact", "retention_months"] />
        <form class="form" method="post" action=SaveService::url() novalidate>
            <input type="hidden" name="id" value=id />
            {(id == 0).then(|| view! {
                <Field name="slug" label=Signal::derive(move || t_string!(i18n, services.slug).to_string())
                    hint=Signal::derive(move || t_string!(i18n, services.slug_hint).to_string())
                    value=value("slug", String::new()) errors=errors_of(error, "slug") />
            })}
            <SelectField name="category" label=Signal::derive(move || t_string!(i18n, services.category).to_string())
                options=categories placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                value=value("category", get(|i| i.category.as_str().to_owned())) errors=errors_of(error, "category") />
            <Field name="title" label=Signal::derive(move || t_string!(i18n, services.title).to_string())
                value=value("title", get(|i| i.title.clone())) errors=errors_of(error, "title") />
            <Field name="keywords" required=false
                label=Signal::derive(move || t_string!(i18n, services.keywords).to_string())
                hint=Signal::derive(move || t_string!(i18n, services.keywords_hint).to_string())
                value=value("keywords", get(|i| i.keywords.clone())) errors=errors_of(error, "keywords") />
            {text_fields.into_iter().map(|(name, label, saved)| view! {
                <TextAreaField name label=Signal::derive(move || label.clone()) rows=3 required=false
                    value=value(name, saved) errors=errors_of(error, name) />
            }).collect_view()}
            <Field name="retention_months" input_type="number"
                label=Signal::derive(move || t_string!(i18n, services.retention).to_string())
                hint=Signal::derive(move || t_string!(i18n, services.retention_hint).to_string())
                value=value("retention_months", retention) errors=errors_of(error, "retention_months") />
            <div class="choice">
                <input type="checkbox" id="champ-published" name="published" checked=published />
                <label for="champ-published">{t!(i18n, services.publish)}</label>
            </div>
            <button type="submit" class="button">{t!(i18n, services.save)}</button>
        </form>
    }
}

fn param(name: &'static str) -> Signal<String> {
    let params = use_params_map();
    Signal::derive(move || params.with(|p| p.get(name).unwrap_or_default()))
}

/// `/admin/demarches/:id`.
#[component]
pub fn ServiceAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param("id");
    let data = Resource::new(
        move || id.get().parse::<i64>().unwrap_or(0),
        get_service_admin,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <ServiceAdminView data /> }.into_any(),
                    Err(error) => view! {
                        <PageTitle text=Signal::derive(move || t_string!(i18n, services.admin_title).to_string()) />
                        <h1>{t!(i18n, services.admin_title)}</h1>
                        <AccessDenied error />
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ServiceAdminView(data: ServiceAdmin) -> impl IntoView {
    let i18n = use_i18n();
    let ServiceAdmin {
        info,
        fields,
        form_version,
        version_in_use,
        team,
        templates,
    } = data;
    let id = info.id;
    let error = use_form_error(SaveService::url());
    let team_error = use_form_error(AddServiceAgent::url());
    let team_values = use_typed_values("add_service_agent", team_error);
    let template_error = use_form_error(AddServiceTemplate::url());
    let template_values = use_typed_values("add_service_template", template_error);
    let field_error = use_form_error(ChangeServiceField::url());
    let saved = query_value("enregistre");
    let title = info.title.clone();
    let page_title = title_with_error(error, move || title.clone());
    let slug = info.slug.clone();
    let count = fields.len();
    let parts = [
        view! {
        <PageTitle text=page_title />
        <nav class="breadcrumb" aria-label=t_string!(i18n, services.breadcrumb).to_string()>
            <A href="/admin/demarches">{t!(i18n, services.admin_title)}</A>
        </nav>
        <h1>{info.title.clone()}</h1>
        {move || (!saved.get().is_empty()).then(|| view! {
            <div class="alert alert--success" role="status"><p>{t!(i18n, services.saved)}</p></div>
        })}
        <p><A href=format!("/demarches/{slug}")>{t!(i18n, services.see_public)}</A></p>
        <h2>{t!(i18n, services.description)}</h2>
        <ServiceForm info=Some(info) error />
        }
        .into_any(),
        view! {
        <h2 id="formulaire">{t!(i18n, services.form)}</h2>
        <p class="field__hint">
            {t!(i18n, services.form_version, number = move || form_version)}" "
            {version_in_use.then(|| view! { {t!(i18n, services.form_version_in_use)} })}
        </p>
        <FormAlert error=field_error fields=&[] />
        {(count == 0).then(|| view! { <p>{t!(i18n, services.no_field)}</p> })}
        <ol class="field-list">
            {fields.iter().enumerate().map(|(i, f)| {
                let key = f.key.clone();
                let button = |action: &'static str, text: String, disabled: bool| {
                    let key = key.clone();
                    view! {
                        <form method="post" action=ChangeServiceField::url() class="inline">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="key" value=key />
                            <input type="hidden" name="action" value=action />
                            <button type="submit" class="button button--small button--secondary" disabled=disabled>{text}</button>
                        </form>
                    }
                };
                let label = f.label.clone();
                view! {
                    <li>
                        <strong>{f.label.clone()}</strong>" "
                        <span class="meta">{kind_text(f.kind)}{f.required.then(|| format!(" · {}", t_string!(i18n, services.required)))}
                            {f.condition.as_ref().map(|c| format!(" · {} {}", t_string!(i18n, services.conditional), c.value))}</span>
                        <div class="actions">
                            <A href=format!("/admin/demarches/{id}/champs/{}", f.key)>{t!(i18n, services.edit_field, label = move || label.clone())}</A>
                            {button("up", t_string!(i18n, services.move_up).to_string(), i == 0)}
                            {button("down", t_string!(i18n, services.move_down).to_string(), i + 1 == count)}
                            {button("delete", t_string!(i18n, services.delete).to_string(), false)}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
        }
        .into_any(),
        view! {
        <h3>{t!(i18n, services.add_field)}</h3>
        <FieldForm service_id=id field=None before=fields.clone() />
        }
        .into_any(),
        view! {
        <h2 id="equipe">{t!(i18n, services.team)}</h2>
        <ul>
            {team.into_iter().map(|p| view! {
                <li>
                    {p.name.clone()}" "
                    <form method="post" action=RemoveServiceAgent::url() class="inline">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="user_id" value=p.id />
                        <button type="submit" class="button button--small button--secondary">{t!(i18n, services.remove_agent, name = move || p.name.clone())}</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
        <FormAlert error=team_error fields=&["email"] />
        <form class="form form--inline" method="post" action=AddServiceAgent::url() novalidate>
            <input type="hidden" name="id" value=id />
            <Field name="email" input_type="email" autocomplete="off"
                label=Signal::derive(move || t_string!(i18n, services.agent_email).to_string())
                value=typed(team_values, "email") errors=errors_of(team_error, "email") />
            <button type="submit" class="button">{t!(i18n, services.add_agent)}</button>
        </form>
        }
        .into_any(),
        view! {
        <h2 id="modeles">{t!(i18n, services.templates)}</h2>
        <ul>
            {templates.into_iter().map(|tpl| view! {
                <li>
                    <strong>{tpl.title.clone()}</strong>" – "{tpl.body.clone()}" "
                    <form method="post" action=DeleteServiceTemplate::url() class="inline">
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="template_id" value=tpl.id />
                        <button type="submit" class="button button--small button--secondary">{t!(i18n, services.delete_template, title = move || tpl.title.clone())}</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
        <FormAlert error=template_error fields=&["template_title", "template_body"] />
        <form class="form" method="post" action=AddServiceTemplate::url() novalidate>
            <crate::ui::form::OnceField />
            <input type="hidden" name="id" value=id />
            <Field name="template_title" label=Signal::derive(move || t_string!(i18n, services.template_title).to_string())
                value=typed(template_values, "template_title") errors=errors_of(template_error, "template_title") />
            <TextAreaField name="template_body" rows=4 label=Signal::derive(move || t_string!(i18n, services.template_body).to_string())
                value=typed(template_values, "template_body") errors=errors_of(template_error, "template_body") />
            <button type="submit" class="button">{t!(i18n, services.add_template)}</button>
        </form>
        }
        .into_any(),
    ];
    parts.into_iter().collect_view()
}

/// The form of one field: a new one (`field` `None`) or an existing one. `before`: the
/// fields its condition may read.
#[component]
fn FieldForm(service_id: i64, field: Option<FieldDef>, before: Vec<FieldDef>) -> impl IntoView {
    let i18n = use_i18n();
    let error = use_form_error(SaveServiceField::url());
    let values = use_typed_values("save_service_field", error);
    let failed = move || error.with(Option::is_some);
    let saved: BTreeMap<&'static str, String> = match &field {
        Some(f) => BTreeMap::from([
            ("kind", f.kind.as_str().to_owned()),
            ("label", f.label.clone()),
            ("help", f.help.clone()),
            ("options", f.options.join("\n")),
            (
                "condition",
                f.condition
                    .as_ref()
                    .map(|c| format!("{}={}", c.field, c.value))
                    .unwrap_or_default(),
            ),
        ]),
        None => BTreeMap::new(),
    };
    let value = move |name: &'static str| {
        let saved = saved.get(name).cloned().unwrap_or_default();
        Signal::derive(move || {
            if failed() {
                typed(values, name).get()
            } else {
                saved.clone()
            }
        })
    };
    let kinds: Vec<(String, String)> = FieldKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_owned(), kind_text(k)))
        .collect();
    let conditions: Vec<(String, String)> = before
        .iter()
        .filter(|f| f.kind.can_be_condition() && field.as_ref().is_none_or(|me| me.key != f.key))
        .flat_map(|f| {
            let options = if f.kind == FieldKind::Checkbox {
                vec![CHECKED.to_owned()]
            } else {
                f.options.clone()
            };
            options.into_iter().map(move |o| {
                (
                    format!("{}={o}", f.key),
                    format!("« {} » = « {o} »", f.label),
                )
            })
        })
        .collect();
    let key = field.as_ref().map(|f| f.key.clone()).unwrap_or_default();
    let required = field.as_ref().is_some_and(|f| f.required);
    let suffix = if key.is_empty() {
        "new".to_owned()
    } else {
        key.clone()
    };
    view! {
        <FormAlert error fields=&["kind", "label", "help", "options", "condition"] />
        <form class="form" method="post" action=SaveServiceField::url() novalidate>
            <input type="hidden" name="id" value=service_id />
            <input type="hidden" name="key" value=key />
            <SelectField name="kind" label=Signal::derive(move || t_string!(i18n, services.kind).to_string())
                options=kinds placeholder=Signal::derive(move || t_string!(i18n, backoffice.choose).to_string())
                value=value("kind") errors=errors_of(error, "kind") />
            <Field name="label" label=Signal::derive(move || t_string!(i18n, services.label).to_string())
                value=value("label") errors=errors_of(error, "label") />
            <TextAreaField name="help" rows=2 required=false label=Signal::derive(move || t_string!(i18n, services.help).to_string())
                value=value("help") errors=errors_of(error, "help") />
            <TextAreaField name="options" rows=4 required=false label=Signal::derive(move || t_string!(i18n, services.options).to_string())
                hint=Signal::derive(move || t_string!(i18n, services.options_hint).to_string())
                value=value("options") errors=errors_of(error, "options") />
            <SelectField name="condition" required=false label=Signal::derive(move || t_string!(i18n, services.condition).to_string())
                hint=Signal::derive(move || t_string!(i18n, services.condition_hint).to_string())
                options=conditions placeholder=Signal::derive(move || t_string!(i18n, services.always_shown).to_string())
                value=value("condition") errors=errors_of(error, "condition") id_suffix=suffix />
            <div class="choice">
                <input type="checkbox" id="champ-required" name="required" checked=required />
                <label for="champ-required">{t!(i18n, services.required)}</label>
            </div>
            <button type="submit" class="button">{t!(i18n, services.save_field)}</button>
        </form>
    }
}

/// `/admin/demarches/:id/champs/:key`.
#[component]
pub fn FieldEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param("id");
    let key = param("key");
    let data = Resource::new(
        move || id.get().parse::<i64>().unwrap_or(0),
        get_service_admin,
    );
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, services.field_title).to_string()) />
        <h1>{t!(i18n, services.field_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => {
                        let key = key.get_untracked();
                        let at = data.fields.iter().position(|f| f.key == key);
                        match at {
                            Some(at) => view! {
                                <p><A href=format!("/admin/demarches/{}#formulaire", data.info.id)>{data.info.title.clone()}</A></p>
                                <FieldForm service_id=data.info.id field=Some(data.fields[at].clone()) before=data.fields[..at].to_vec() />
                            }
                            .into_any(),
                            None => view! { <AccessDenied error=AppError::NotFound /> }.into_any(),
                        }
                    }
                    Err(error) => view! { <AccessDenied error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
