//! The catalogue as admins build it: a service's description, team, templates, and its
//! form, field by field. A form version a request was filed with is never changed: the
//! first edit after that writes the next version.

use super::catalogue_repo as catalogue;
use super::model::{Category, Condition, FieldDef, FieldKind, CHECKED};
use super::service::Actor;
use super::views::{ServiceAdmin, ServiceInfo};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;

fn check_admin(actor: Actor) -> Result<(), AppError> {
    if actor.admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A service's description as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceForm {
    pub slug: String,
    pub category: String,
    pub title: String,
    pub summary: String,
    pub keywords: String,
    pub eligibility: String,
    pub documents: String,
    pub processing_time: String,
    pub cost: String,
    pub contact: String,
    pub retention_months: String,
    pub published: bool,
}

impl ServiceForm {
    fn parse(&self, id: i64) -> Result<ServiceInfo, AppError> {
        let mut errors = FieldErrors::new();
        let slug = self.slug.trim().to_lowercase();
        let slug_ok = (2..=60).contains(&slug.len())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            add_field_error(&mut errors, "slug", "errors.slug_invalid");
        }
        let category = Category::parse(&self.category);
        if category.is_none() {
            add_field_error(&mut errors, "category", "errors.required");
        }
        let title = self.title.trim();
        if title.chars().count() < 3 {
            add_field_error(&mut errors, "title", "errors.title_too_short");
        } else if title.chars().count() > 150 {
            add_field_error(&mut errors, "title", "errors.title_too_long");
        }
        for (name, text) in [
            ("summary", &self.summary),
            ("eligibility", &self.eligibility),
            ("documents", &self.documents),
            ("processing_time", &self.processing_time),
            ("cost", &self.cost),
            ("contact", &self.contact),
        ] {
            if text.chars().count() > 5_000 {
                add_field_error(&mut errors, name, "errors.text_too_long");
            }
        }
        if self.keywords.chars().count() > 500 {
            add_field_error(&mut errors, "keywords", "errors.text_too_long");
        }
        let retention = self.retention_months.trim().parse::<i64>().ok();
        if !retention.is_some_and(|m| (1..=1200).contains(&m)) {
            add_field_error(&mut errors, "retention_months", "errors.retention_invalid");
        }
        let (Some(category), Some(retention_months)) = (category, retention) else {
            return Err(AppError::Validation(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(ServiceInfo {
            id,
            slug,
            category,
            title: title.to_owned(),
            summary: self.summary.trim().to_owned(),
            keywords: self.keywords.trim().to_owned(),
            eligibility: self.eligibility.trim().to_owned(),
            documents: self.documents.trim().to_owned(),
            processing_time: self.processing_time.trim().to_owned(),
            cost: self.cost.trim().to_owned(),
            contact: self.contact.trim().to_owned(),
            retention_months,
            published: self.published,
        })
    }
}

/// Creates a service (unpublished, empty form); its id.
pub async fn create_service(
    state: &AppState,
    actor: Actor,
    form: &ServiceForm,
) -> Result<i64, AppError> {
    check_admin(actor)?;
    let info = form.parse(0)?;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let id = catalogue::insert(&mut tx, &info, state.clock.now_ms())
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::field("slug", "errors.slug_taken"))?;
    tx.commit().await.map_err(internal)?;
    Ok(id)
}

/// Saves a service's description (its address stays).
pub async fn update_service(
    state: &AppState,
    actor: Actor,
    id: i64,
    form: &ServiceForm,
) -> Result<(), AppError> {
    check_admin(actor)?;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    let current = catalogue::by_id(&mut tx, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let info = ServiceForm {
        slug: current.slug,
        ..form.clone()
    }
    .parse(id)?;
    catalogue::update(&mut tx, &info, state.clock.now_ms())
        .await
        .map_err(internal)?;
    tx.commit().await.map_err(internal)
}

/// What the admin page of a service shows.
pub async fn service_admin(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<ServiceAdmin, AppError> {
    check_admin(actor)?;
    let pool = state.db.pool();
    let mut conn = pool.acquire().await.map_err(internal)?;
    let info = catalogue::by_id(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let (version_id, number, fields) = catalogue::current_form(&mut conn, id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let in_use = catalogue::version_in_use(&mut conn, version_id)
        .await
        .map_err(internal)?;
    drop(conn);
    Ok(ServiceAdmin {
        info,
        fields,
        form_version: number,
        version_in_use: in_use,
        team: catalogue::team(pool, id).await.map_err(internal)?,
        templates: catalogue::templates(pool, id).await.map_err(internal)?,
    })
}

/// Adds the agent with this e-mail to a service's team.
pub async fn add_member(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    email: &str,
) -> Result<(), AppError> {
    check_admin(actor)?;
    let unknown = || AppError::field("email", "errors.agent_unknown");
    let email = crate::accounts::model::Email::parse(email).map_err(|_| unknown())?;
    let user = crate::accounts::repo::find_by_email(state.db.pool(), &email)
        .await
        .map_err(internal)?
        .filter(|u| u.roles.contains(&crate::accounts::model::Role::Agent))
        .ok_or_else(unknown)?;
    service_exists(state, service_id).await?;
    catalogue::add_member(state.db.pool(), service_id, user.id)
        .await
        .map_err(internal)
}

async fn service_exists(state: &AppState, id: i64) -> Result<(), AppError> {
    let mut conn = state.db.pool().acquire().await.map_err(internal)?;
    catalogue::by_id(&mut conn, id)
        .await
        .map_err(internal)?
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

pub async fn remove_member(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    check_admin(actor)?;
    catalogue::remove_member(state.db.pool(), service_id, user_id)
        .await
        .map_err(internal)
}

pub async fn add_template(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    check_admin(actor)?;
    let (title, body) = (title.trim(), body.trim());
    let mut errors = FieldErrors::new();
    if title.is_empty() {
        add_field_error(&mut errors, "template_title", "errors.required");
    } else if title.chars().count() > 100 {
        add_field_error(&mut errors, "template_title", "errors.title_too_long");
    }
    if body.is_empty() {
        add_field_error(&mut errors, "template_body", "errors.required");
    } else if body.chars().count() > 5_000 {
        add_field_error(&mut errors, "template_body", "errors.text_too_long");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    service_exists(state, service_id).await?;
    catalogue::insert_template(state.db.pool(), service_id, title, body)
        .await
        .map_err(internal)
}

pub async fn delete_template(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    id: i64,
) -> Result<(), AppError> {
    check_admin(actor)?;
    catalogue::delete_template(state.db.pool(), service_id, id)
        .await
        .map_err(internal)
}

/// A field as typed in the form builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldForm {
    pub kind: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// One option per line.
    pub options: String,
    /// `<field key>=<value>`, or empty.
    pub condition: String,
}

/// Checks a field against the fields before it; the field, keyed `key`.
pub fn parse_field(
    form: &FieldForm,
    key: &str,
    before: &[FieldDef],
) -> Result<FieldDef, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = FieldKind::parse(&form.kind);
    if kind.is_none() {
        add_field_error(&mut errors, "kind", "errors.required");
    }
    let label = form.label.trim();
    if label.is_empty() {
        add_field_error(&mut errors, "label", "errors.required");
    } else if label.chars().count() > 200 {
        add_field_error(&mut errors, "label", "errors.title_too_long");
    }
    if form.help.trim().chars().count() > 1_000 {
        add_field_error(&mut errors, "help", "errors.text_too_long");
    }
    let mut options: Vec<String> = Vec::new();
    for line in form
        .options
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if line.chars().count() > 100 {
            add_field_error(&mut errors, "options", "errors.text_too_long");
        } else if !options.iter().any(|o| o == line) {
            options.push(line.to_owned());
        }
    }
    if kind.is_some_and(FieldKind::has_options) && options.len() < 2 {
        add_field_error(&mut errors, "options", "errors.options_needed");
    }
    if !kind.is_some_and(FieldKind::has_options) {
        options.clear();
    }
    let condition = match form.condition.split_once('=') {
        None if form.condition.trim().is_empty() => None,
        None => {
            add_field_error(&mut errors, "condition", "errors.condition_invalid");
            None
        }
        Some((field, value)) => {
            let valid = before.iter().any(|f| {
                f.key == field
                    && f.kind.can_be_condition()
                    && (f.options.iter().any(|o| o == value)
                        || (f.kind == FieldKind::Checkbox && value == CHECKED))
            });
            if !valid {
                add_field_error(&mut errors, "condition", "errors.condition_invalid");
            }
            Some(Condition {
                field: field.to_owned(),
                value: value.to_owned(),
            })
        }
    };
    match kind {
        Some(kind) if errors.is_empty() => Ok(FieldDef {
            key: key.to_owned(),
            kind,
            label: label.to_owned(),
            help: form.help.trim().to_owned(),
            required: form.required && kind != FieldKind::Section,
            options,
            condition,
        }),
        _ => Err(errors),
    }
}

/// A change to a form's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    /// Adds a field at the end (`None`) or replaces the field with this key.
    Save(Option<String>, FieldForm),
    Delete(String),
    /// Moves a field one place up (`true`) or down.
    Move(String, bool),
}

/// Applies `change` to `fields`, keeping every condition after the field it reads.
pub fn apply(fields: &[FieldDef], change: &FieldChange) -> Result<Vec<FieldDef>, AppError> {
    let mut fields = fields.to_vec();
    let position = |fields: &[FieldDef], key: &str| {
        fields
            .iter()
            .position(|f| f.key == key)
            .ok_or(AppError::NotFound)
    };
    match change {
        FieldChange::Save(None, form) => {
            let next = fields
                .iter()
                .filter_map(|f| f.key.strip_prefix('c')?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            let field =
                parse_field(form, &format!("c{next}"), &fields).map_err(AppError::Validation)?;
            fields.push(field);
        }
        FieldChange::Save(Some(key), form) => {
            let at = position(&fields, key)?;
            let field = parse_field(form, key, &fields[..at]).map_err(AppError::Validation)?;
            fields[at] = field;
        }
        FieldChange::Delete(key) => {
            let at = position(&fields, key)?;
            fields.remove(at);
        }
        FieldChange::Move(key, up) => {
            let at = position(&fields, key)?;
            let other = if *up { at.checked_sub(1) } else { Some(at + 1) };
            match other.filter(|o| *o < fields.len()) {
                Some(other) => fields.swap(at, other),
                None => return Ok(fields),
            }
        }
    }
    let order_ok = fields.iter().enumerate().all(|(i, f)| {
        f.condition.as_ref().is_none_or(|c| {
            fields[..i]
                .iter()
                .any(|earlier| earlier.key == c.field && earlier.kind.can_be_condition())
        })
    });
    if order_ok {
        Ok(fields)
    } else {
        Err(AppError::Conflict("errors.field_condition_order".into()))
    }
}

/// Changes a service's form: in place while no request uses the current version, else
/// as a new version (requests keep the version they were filed with).
pub async fn change_form(
    state: &AppState,
    actor: Actor,
    service_id: i64,
    change: &FieldChange,
) -> Result<(), AppError> {
    check_admin(actor)?;
    let mut tx = state.db.begin_write().await.map_err(internal)?;
    catalogue::lock_service(&mut tx, service_id)
        .await
        .map_err(internal)?;
    let (version_id, number, fields) = catalogue::current_form(&mut tx, service_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let changed = apply(&fields, change)?;
    if catalogue::version_in_use(&mut tx, version_id)
        .await
        .map_err(internal)?
    {
        let new = catalogue::insert_version(
            &mut tx,
            service_id,
            number + 1,
            &changed,
            state.clock.now_ms(),
        )
        .await
        .map_err(internal)?;
        catalogue::set_current_version(&mut tx, service_id, new)
            .await
            .map_err(internal)?;
    } else {
        catalogue::update_version(&mut tx, version_id, &changed)
            .await
            .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn form(kind: &str, label: &str, options: &str, condition: &str) -> FieldForm {
        FieldForm {
            kind: kind.into(),
            label: label.into(),
            help: String::new(),
            required: true,
            options: options.into(),
            condition: condition.into(),
        }
    }

    #[test]
    fn fields_get_new_keys_and_conditions_must_read_an_earlier_choice() {
        let one = apply(
            &[],
            &FieldChange::Save(None, form("choice", "Allergie ?", "Oui\nNon", "")),
        )
        .unwrap();
        assert_eq!(one[0].key, "c1");
        let two = apply(
            &one,
            &FieldChange::Save(None, form("short_text", "Laquelle ?", "", "c1=Oui")),
        )
        .unwrap();
        assert_eq!(two[1].condition.as_ref().unwrap().field, "c1");
        // The condition names an option that does not exist.
        let bad = apply(
            &one,
            &FieldChange::Save(None, form("short_text", "X", "", "c1=Peut-être")),
        );
        assert!(matches!(bad, Err(AppError::Validation(_))));
        // Moving the dependent field above the one it reads is refused.
        let moved = apply(&two, &FieldChange::Move("c2".into(), true));
        assert_eq!(
            moved,
            Err(AppError::Conflict("errors.field_condition_order".into()))
        );
        // Deleting the field another depends on is refused too.
        let deleted = apply(&two, &FieldChange::Delete("c1".into()));
        assert!(deleted.is_err());
    }

    #[test]
    fn a_choice_needs_two_options() {
        let err = parse_field(&form("choice", "Q", "Seule", ""), "c1", &[]).unwrap_err();
        assert_eq!(err["options"], vec!["errors.options_needed".to_owned()]);
    }
}
