//! Accessible form building blocks (RGAA 11): every field has a visible label, its hint
//! and its errors are tied to it with `aria-describedby`, errors are announced, and what
//! was typed is shown again after a failed post.
//!
//! Forms post to server fns as plain HTML forms. After a failure Leptos sends the browser
//! back to the form's page with the error in the URL (`__err`, `__path`); the page reads
//! it here, and the values typed (never passwords) from the session.

use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

/// The error of the last post of the server fn at `fn_url`, read from the page URL.
pub fn use_form_error(fn_url: &'static str) -> Memo<Option<AppError>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            let path = q.get_str("__path")?;
            if path != fn_url {
                return None;
            }
            q.get_str("__err")
                .map(ServerFnUrlError::<AppError>::decode_err)
        })
    })
}

/// Translation keys of the problems in `field`.
pub fn field_errors(error: Option<&AppError>, field: &str) -> Vec<String> {
    match error {
        Some(AppError::Validation(map)) => map.get(field).cloned().unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The values typed before the last failed post of `form` (empty when there was none).
pub fn use_typed_values(
    form: &'static str,
    error: Memo<Option<AppError>>,
) -> Resource<BTreeMap<String, String>> {
    Resource::new(
        move || error.with(Option::is_some),
        move |failed| async move {
            if failed {
                crate::auth::api::get_typed_values(form.to_owned())
                    .await
                    .unwrap_or_default()
            } else {
                BTreeMap::new()
            }
        },
    )
}

/// The translated text of an error key (`errors.*`).
pub fn error_text(key: &str) -> String {
    let i18n = use_i18n();
    match key {
        "errors.email_invalid" => t_string!(i18n, errors.email_invalid).to_string(),
        "errors.password_too_short" => t_string!(i18n, errors.password_too_short).to_string(),
        "errors.password_too_long" => t_string!(i18n, errors.password_too_long).to_string(),
        "errors.password_weak" => t_string!(i18n, errors.password_weak).to_string(),
        "errors.name_required" => t_string!(i18n, errors.name_required).to_string(),
        "errors.name_too_long" => t_string!(i18n, errors.name_too_long).to_string(),
        "errors.sign_in_failed" => t_string!(i18n, errors.sign_in_failed).to_string(),
        "errors.email_unverified" => t_string!(i18n, errors.email_unverified).to_string(),
        "errors.link_invalid" => t_string!(i18n, errors.link_invalid).to_string(),
        "errors.required" => t_string!(i18n, errors.required).to_string(),
        "errors.password_wrong" => t_string!(i18n, errors.password_wrong).to_string(),
        "errors.email_unchanged" => t_string!(i18n, errors.email_unchanged).to_string(),
        "errors.email_taken" => t_string!(i18n, errors.email_taken).to_string(),
        "errors.own_admin_role" => t_string!(i18n, errors.own_admin_role).to_string(),
        "errors.title_too_short" => t_string!(i18n, errors.title_too_short).to_string(),
        "errors.title_too_long" => t_string!(i18n, errors.title_too_long).to_string(),
        "errors.body_too_long" => t_string!(i18n, errors.body_too_long).to_string(),
        "errors.choice_unknown" => t_string!(i18n, errors.choice_unknown).to_string(),
        "errors.comment_too_long" => t_string!(i18n, errors.comment_too_long).to_string(),
        "errors.proposal_withdrawn" => t_string!(i18n, errors.proposal_withdrawn).to_string(),
        "errors.reply_to_deleted" => t_string!(i18n, errors.reply_to_deleted).to_string(),
        "errors.reply_too_deep" => t_string!(i18n, errors.reply_too_deep).to_string(),
        "errors.edit_window_over" => t_string!(i18n, errors.edit_window_over).to_string(),
        "errors.proposal_answered" => t_string!(i18n, errors.proposal_answered).to_string(),
        "errors.category_exists" => t_string!(i18n, errors.category_exists).to_string(),
        "errors.position_invalid" => t_string!(i18n, errors.position_invalid).to_string(),
        "errors.posting_suspended" => t_string!(i18n, errors.posting_suspended).to_string(),
        "errors.posting_banned" => t_string!(i18n, errors.posting_banned).to_string(),
        "errors.new_account_limit" => t_string!(i18n, errors.new_account_limit).to_string(),
        "errors.posting_too_fast" => t_string!(i18n, errors.posting_too_fast).to_string(),
        "errors.reply_to_hidden" => t_string!(i18n, errors.reply_to_hidden).to_string(),
        "errors.hidden_by_moderation" => t_string!(i18n, errors.hidden_by_moderation).to_string(),
        "errors.choose_reason" => t_string!(i18n, errors.choose_reason).to_string(),
        "errors.flag_detail_required" => t_string!(i18n, errors.flag_detail_required).to_string(),
        "errors.text_too_long" => t_string!(i18n, errors.text_too_long).to_string(),
        "errors.flag_own" => t_string!(i18n, errors.flag_own).to_string(),
        "errors.already_flagged" => t_string!(i18n, errors.already_flagged).to_string(),
        "errors.choose_decision" => t_string!(i18n, errors.choose_decision).to_string(),
        "errors.choose_items" => t_string!(i18n, errors.choose_items).to_string(),
        "errors.decision_not_applicable" => {
            t_string!(i18n, errors.decision_not_applicable).to_string()
        }
        "errors.passage_not_found" => t_string!(i18n, errors.passage_not_found).to_string(),
        "errors.not_appealable" => t_string!(i18n, errors.not_appealable).to_string(),
        "errors.already_appealed" => t_string!(i18n, errors.already_appealed).to_string(),
        "errors.appeal_needs_other_moderator" => {
            t_string!(i18n, errors.appeal_needs_other_moderator).to_string()
        }
        "errors.choose_sanction" => t_string!(i18n, errors.choose_sanction).to_string(),
        "errors.suspension_days" => t_string!(i18n, errors.suspension_days).to_string(),
        "errors.survey_choice_twice" => t_string!(i18n, errors.survey_choice_twice).to_string(),
        "errors.survey_closes_before_opening" => {
            t_string!(i18n, errors.survey_closes_before_opening).to_string()
        }
        "errors.survey_condition_depends" => {
            t_string!(i18n, errors.survey_condition_depends).to_string()
        }
        "errors.survey_condition_one_question" => {
            t_string!(i18n, errors.survey_condition_one_question).to_string()
        }
        "errors.survey_condition_order" => {
            t_string!(i18n, errors.survey_condition_order).to_string()
        }
        "errors.survey_date_invalid" => t_string!(i18n, errors.survey_date_invalid).to_string(),
        "errors.survey_datetime_invalid" => {
            t_string!(i18n, errors.survey_datetime_invalid).to_string()
        }
        "errors.survey_hidden_question" => {
            t_string!(i18n, errors.survey_hidden_question).to_string()
        }
        "errors.survey_locked" => t_string!(i18n, errors.survey_locked).to_string(),
        "errors.survey_closed_for_good" => {
            t_string!(i18n, errors.survey_closed_for_good).to_string()
        }
        "errors.survey_no_question" => t_string!(i18n, errors.survey_no_question).to_string(),
        "errors.survey_number_invalid" => t_string!(i18n, errors.survey_number_invalid).to_string(),
        "errors.survey_other_empty" => t_string!(i18n, errors.survey_other_empty).to_string(),
        "errors.survey_out_of_range" => t_string!(i18n, errors.survey_out_of_range).to_string(),
        "errors.survey_ranking_invalid" => {
            t_string!(i18n, errors.survey_ranking_invalid).to_string()
        }
        "errors.survey_tampered" => t_string!(i18n, errors.survey_tampered).to_string(),
        "errors.survey_too_few" => t_string!(i18n, errors.survey_too_few).to_string(),
        "errors.survey_too_many" => t_string!(i18n, errors.survey_too_many).to_string(),
        "errors.survey_too_many_choices" => {
            t_string!(i18n, errors.survey_too_many_choices).to_string()
        }
        "errors.survey_two_choices" => t_string!(i18n, errors.survey_two_choices).to_string(),
        "errors.survey_already_answered" => {
            t_string!(i18n, errors.survey_already_answered).to_string()
        }
        "errors.address_invalid" => t_string!(i18n, errors.address_invalid).to_string(),
        "errors.agent_unknown" => t_string!(i18n, errors.agent_unknown).to_string(),
        "errors.condition_invalid" => t_string!(i18n, errors.condition_invalid).to_string(),
        "errors.date_invalid" => t_string!(i18n, errors.date_invalid).to_string(),
        "errors.field_condition_order" => t_string!(i18n, errors.field_condition_order).to_string(),
        "errors.file_empty" => t_string!(i18n, errors.file_empty).to_string(),
        "errors.file_too_large" => t_string!(i18n, errors.file_too_large).to_string(),
        "errors.file_type" => t_string!(i18n, errors.file_type).to_string(),
        "errors.too_many_files" => t_string!(i18n, errors.too_many_files).to_string(),
        "errors.upload_quota" => t_string!(i18n, errors.upload_quota).to_string(),
        "errors.number_invalid" => t_string!(i18n, errors.number_invalid).to_string(),
        "errors.options_needed" => t_string!(i18n, errors.options_needed).to_string(),
        "errors.phone_invalid" => t_string!(i18n, errors.phone_invalid).to_string(),
        "errors.request_closed" => t_string!(i18n, errors.request_closed).to_string(),
        "errors.request_contact_required" => {
            t_string!(i18n, errors.request_contact_required).to_string()
        }
        "errors.request_hidden_field" => t_string!(i18n, errors.request_hidden_field).to_string(),
        "errors.request_move_invalid" => t_string!(i18n, errors.request_move_invalid).to_string(),
        "errors.request_not_cancellable" => {
            t_string!(i18n, errors.request_not_cancellable).to_string()
        }
        "errors.request_not_editable" => t_string!(i18n, errors.request_not_editable).to_string(),
        "errors.request_reason_required" => {
            t_string!(i18n, errors.request_reason_required).to_string()
        }
        "errors.retention_invalid" => t_string!(i18n, errors.retention_invalid).to_string(),
        "errors.slug_invalid" => t_string!(i18n, errors.slug_invalid).to_string(),
        "errors.slug_taken" => t_string!(i18n, errors.slug_taken).to_string(),
        "errors.decision_conflict" => t_string!(i18n, errors.decision_conflict).to_string(),
        other => crate::appointments::components::error_text(other)
            .or_else(|| crate::privacy::pages::error_text(other))
            .unwrap_or_else(|| t_string!(i18n, errors.invalid).to_string()),
    }
}

/// The message shown above a form for an error that is not about one of its fields.
pub fn form_error_text(error: &AppError, fields: &[&str]) -> Option<String> {
    let i18n = use_i18n();
    Some(match error {
        AppError::Validation(map) => {
            let other: Vec<String> = map
                .iter()
                .filter(|(field, _)| !fields.contains(&field.as_str()))
                .flat_map(|(_, keys)| keys.iter().map(|k| error_text(k)))
                .collect();
            if other.is_empty() {
                t_string!(i18n, errors.invalid).to_string()
            } else {
                other.join(" ")
            }
        }
        AppError::RateLimited => t_string!(i18n, errors.rate_limited).to_string(),
        AppError::Unauthenticated => t_string!(i18n, errors.unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, errors.forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, errors.not_found).to_string(),
        AppError::Closed => t_string!(i18n, errors.closed).to_string(),
        AppError::Conflict(key) if key.starts_with("errors.") => error_text(key),
        AppError::Conflict(_) => t_string!(i18n, errors.conflict).to_string(),
        AppError::Transport => t_string!(i18n, errors.transport).to_string(),
        AppError::Busy => t_string!(i18n, errors.busy).to_string(),
        AppError::Internal => t_string!(i18n, errors.internal).to_string(),
    })
}

/// The alert above a form after a failed post: announced by screen readers.
#[component]
pub fn FormAlert(error: Memo<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        error
            .get()
            .and_then(|err| form_error_text(&err, fields))
            .map(|text| {
                view! {
                    <div class="alert alert--error" role="alert">
                        <p>{text}</p>
                    </div>
                }
            })
    }
}

/// A page title, prefixed with "Erreur" after a failed post (RGAA 11.10).
pub fn title_with_error(
    error: Memo<Option<AppError>>,
    title: impl Fn() -> String + Send + Sync + 'static,
) -> Signal<String> {
    title_failed_when(move || error.with(Option::is_some), title)
}

/// A page title, prefixed with "Erreur" while `failed` says so (an error not from a form).
pub fn title_failed_when(
    failed: impl Fn() -> bool + Send + Sync + 'static,
    title: impl Fn() -> String + Send + Sync + 'static,
) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || {
        if failed() {
            format!("{} : {}", t_string!(i18n, errors.title_prefix), title())
        } else {
            title()
        }
    })
}

pub fn errors_of(error: Memo<Option<AppError>>, field: &'static str) -> Signal<Vec<String>> {
    Signal::derive(move || error.with(|e| field_errors(e.as_ref(), field)))
}

pub fn typed(values: Resource<BTreeMap<String, String>>, field: &'static str) -> Signal<String> {
    Signal::derive(move || {
        values
            .get()
            .and_then(|v| v.get(field).cloned())
            .unwrap_or_default()
    })
}

pub fn query_value(name: &'static str) -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.with(|q| q.get(name).unwrap_or_default()))
}

/// A form posting to a server fn, with the alert for errors not tied to a field.
#[component]
pub fn PostForm(
    action: &'static str,
    error: Memo<Option<AppError>>,
    fields: &'static [&'static str],
    #[prop(into)] submit: Signal<String>,
    /// The form creates something: posted twice, it creates it once ([`OnceField`]).
    #[prop(optional)]
    once: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <FormAlert error fields />
        <form class="form" method="post" action=action novalidate>
            {once.then(|| view! { <OnceField /> })}
            {children()}
            <button type="submit" class="button">{submit}</button>
        </form>
    }
}

/// The key of a form that creates something (a comment, a proposal, a request…), drawn
/// as the form is rendered: the same form posted again (a retry after a lost answer, a
/// second click) gets the first post's answer and creates nothing more
/// (`crate::server::idempotency`).
#[component]
pub fn OnceField() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let key = crate::server::idempotency::new_key();
    #[cfg(not(feature = "ssr"))]
    let key = String::new();
    view! { <input type="hidden" name="__once" value=key /> }
}

/// The address a form with files (multipart, posted to a route of its own rather than a
/// server fn) posts to, carrying the form's key drawn as it is rendered (see
/// [`OnceField`]): the server reads it there without holding the files in memory.
pub fn once_action(path: &str) -> String {
    #[cfg(feature = "ssr")]
    let key = crate::server::idempotency::new_key();
    #[cfg(not(feature = "ssr"))]
    let key = String::new();
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}__once={key}")
}

/// Ids and ARIA of one form control: its hint and errors are announced with it.
#[derive(Clone)]
pub struct ControlIds {
    pub id: String,
    pub hint_id: String,
    pub error_id: String,
}

impl ControlIds {
    pub fn new(name: &str, id_suffix: Option<&str>) -> Self {
        let id = match id_suffix {
            Some(suffix) => format!("champ-{name}-{suffix}"),
            None => format!("champ-{name}"),
        };
        ControlIds {
            hint_id: format!("{id}-aide"),
            error_id: format!("{id}-erreur"),
            id,
        }
    }

    /// `aria-describedby`: the hint, then the errors when there are some.
    pub fn described_by(
        &self,
        has_hint: bool,
        errors: Signal<Vec<String>>,
    ) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
        let (hint_id, error_id) = (self.hint_id.clone(), self.error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if !errors.with(Vec::is_empty) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }
}

/// Label, hint and error messages around one control (the children).
#[component]
fn FieldFrame(
    ids: ControlIds,
    label: Signal<String>,
    hint: Option<Signal<String>>,
    errors: Signal<Vec<String>>,
    children: Children,
) -> impl IntoView {
    let ControlIds {
        id,
        hint_id,
        error_id,
    } = ids;
    view! {
        <div class="field" class:field--error=move || !errors.with(Vec::is_empty)>
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id>{hint}</p> })}
            {move || {
                let errs = errors.get();
                (!errs.is_empty()).then(|| {
                    view! {
                        <p class="field__error" id=error_id.clone()>
                            {errs.iter().map(|k| error_text(k)).collect::<Vec<_>>().join(" ")}
                        </p>
                    }
                })
            }}
            {children()}
        </div>
    }
}

/// A labelled input with its hint and errors.
#[component]
pub fn Field(
    /// Form field name (the server fn argument).
    name: &'static str,
    /// Visible label.
    #[prop(into)]
    label: Signal<String>,
    /// `type` of the input.
    #[prop(default = "text")]
    input_type: &'static str,
    /// `autocomplete` token (WCAG 1.3.5).
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Help shown under the label.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
    /// Initial value (what was typed before a failed post).
    #[prop(optional, into)]
    value: Signal<String>,
    /// Error keys for this field.
    #[prop(into)]
    errors: Signal<Vec<String>>,
    #[prop(default = true)] required: bool,
    /// Distinguishes two fields of the same name on one page (their ids must differ).
    #[prop(optional, into)]
    id_suffix: Option<String>,
) -> impl IntoView {
    let ids = ControlIds::new(name, id_suffix.as_deref());
    let described_by = ids.described_by(hint.is_some(), errors);
    let id = ids.id.clone();
    view! {
        <FieldFrame ids label hint errors>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                required=required
                aria-invalid=move || (!errors.with(Vec::is_empty)).then_some("true")
                aria-describedby=described_by
                value=value
            />
        </FieldFrame>
    }
}

/// A labelled multi-line text box with its hint and errors.
#[component]
pub fn TextAreaField(
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(default = 8)] rows: u32,
    #[prop(default = true)] required: bool,
    /// Distinguishes two fields of the same name on one page (their ids must differ).
    #[prop(optional, into)]
    id_suffix: Option<String>,
) -> impl IntoView {
    let ids = ControlIds::new(name, id_suffix.as_deref());
    let described_by = ids.described_by(hint.is_some(), errors);
    let id = ids.id.clone();
    view! {
        <FieldFrame ids label hint errors>
            <textarea
                id=id
                name=name
                rows=rows
                required=required
                aria-invalid=move || (!errors.with(Vec::is_empty)).then_some("true")
                aria-describedby=described_by
            >{move || value.get()}</textarea>
        </FieldFrame>
    }
}

/// A labelled drop-down list; `options` are (value, text) pairs, `placeholder` an empty
/// first choice.
#[component]
pub fn SelectField(
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    options: Vec<(String, String)>,
    #[prop(into)] placeholder: Signal<String>,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(default = true)] required: bool,
    /// Distinguishes two fields of the same name on one page (their ids must differ).
    #[prop(optional, into)]
    id_suffix: Option<String>,
) -> impl IntoView {
    let ids = ControlIds::new(name, id_suffix.as_deref());
    let described_by = ids.described_by(hint.is_some(), errors);
    let id = ids.id.clone();
    view! {
        <FieldFrame ids label hint errors>
            <select
                id=id
                name=name
                required=required
                aria-invalid=move || (!errors.with(Vec::is_empty)).then_some("true")
                aria-describedby=described_by
            >
                <option value="">{placeholder}</option>
                {options.into_iter().map(|(v, text)| {
                    let chosen = v.clone();
                    view! { <option value=v selected=move || value.with(|c| *c == chosen)>{text}</option> }
                }).collect_view()}
            </select>
        </FieldFrame>
    }
}

#[cfg(test)]
mod tests {
    // A test reading the sources fails by panicking.
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// Every `"errors.…"` key written in the code.
    fn keys_in(text: &str) -> Vec<String> {
        text.match_indices("\"errors.")
            .filter_map(|(at, _)| {
                let rest = &text[at + 1..];
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    .collect();
                (rest[key.len()..].starts_with('"') && key.len() > "errors.".len()).then_some(key)
            })
            .collect()
    }

    #[test]
    fn every_error_key_in_the_code_is_shown_translated() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        let mapped: String = [
            "src/ui/form.rs",
            "src/appointments/components.rs",
            "src/privacy/pages.rs",
        ]
        .iter()
        .map(|f| std::fs::read_to_string(root.join(f)).unwrap())
        .collect();
        let fr = std::fs::read_to_string(root.join("locales/fr.json")).unwrap();
        let mut keys: Vec<String> = files.iter().flat_map(|f| keys_in(f)).collect();
        keys.sort();
        keys.dedup();
        // The generic text itself, shown when nothing better is known.
        keys.retain(|k| k != "errors.invalid");
        assert!(keys.len() > 50, "found the keys: {keys:?}");
        for key in keys {
            assert!(
                mapped.contains(&format!("\"{key}\" =>")),
                "{key} has no arm in an error_text: it would show as a generic error"
            );
            let leaf = key.trim_start_matches("errors.");
            assert!(
                fr.contains(&format!("\"{leaf}\":")),
                "{key} is not in locales/fr.json"
            );
        }
    }
}
