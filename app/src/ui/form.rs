//! Accessible form building blocks (RGAA 11): every field has a visible label, its hint
//! and its errors are tied to it with `aria-describedby`, errors are announced, and what
//! was typed is shown again after a failed post.
//!
//! Forms post to server fns as plain HTML forms. After a failure Leptos sends the browser
//! back to the form's page with the error in the URL (`__err`, `__path`); the page reads
//! it here, and the values typed (never passwords) from the session.

pub use super::messages::{error_text, form_error_text};
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

/// The fields a page rendered with errors (name, id, label), in page order: the alert
/// above their form names each one with a link to it (RGAA 11.10). Provided per render
/// by the app shell; a field registers itself only when it has errors.
#[derive(Clone, Debug, Default)]
pub struct FieldsInError(std::sync::Arc<std::sync::Mutex<Vec<(String, String, String)>>>);

impl FieldsInError {
    fn add(&self, name: &str, id: &str, label: String) {
        let mut fields = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !fields.iter().any(|(_, known, _)| known == id) {
            fields.push((name.to_owned(), id.to_owned(), label));
        }
    }

    /// (`#id`, "Label : message") of each field of `fields` that `errors` names.
    fn links(&self, errors: &crate::error::FieldErrors, fields: &[&str]) -> Vec<(String, String)> {
        let i18n = use_i18n();
        let known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        known
            .iter()
            .filter(|(name, _, _)| fields.contains(&name.as_str()))
            .filter_map(|(name, id, label)| {
                let keys = errors.get(name)?;
                let message = keys
                    .iter()
                    .map(|k| error_text(k))
                    .collect::<Vec<_>>()
                    .join(" ");
                let text = t_string!(
                    i18n,
                    errors.field_link,
                    label = label.clone(),
                    message = message
                );
                Some((format!("#{id}"), text.to_string()))
            })
            .collect()
    }
}

/// The alert above a form after a failed post: announced by screen readers; it names
/// each field to correct with a link to it (the fields are rendered with
/// [`Field`], [`TextAreaField`] or [`SelectField`]).
#[component]
pub fn FormAlert(error: Memo<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    let in_error = use_context::<FieldsInError>();
    move || {
        let err = error.get()?;
        let text = form_error_text(&err, fields)?;
        let links = match (&err, &in_error) {
            (AppError::Validation(map), Some(in_error)) => in_error.links(map, fields),
            _ => Vec::new(),
        };
        Some(view! {
            <div class="alert alert--error" role="alert">
                <p>{text}</p>
                {(!links.is_empty()).then(|| view! {
                    <ul>
                        {links.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
                    </ul>
                })}
            </div>
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
    /// The form field's name.
    pub name: String,
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
            name: name.to_owned(),
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
        name,
        id,
        hint_id,
        error_id,
    } = ids;
    if !errors.with_untracked(Vec::is_empty) {
        if let Some(in_error) = use_context::<FieldsInError>() {
            in_error.add(&name, &id, label.get_untracked());
        }
    }
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
            "src/ui/messages.rs",
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
