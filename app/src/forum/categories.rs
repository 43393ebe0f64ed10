//! Themes and neighbourhoods: the lists administrators keep, offered in filters and
//! forms. An archived entry stays on the proposals filed under it but is no longer
//! offered.

use super::model::{Category, ManagedCategory};
use crate::error::{add_field_error, internal, AppError, FieldErrors};
use crate::server::state::AppState;
use crate::server::text::fold_accents;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// Themes or neighbourhoods still offered, in their display order.
pub async fn categories(pool: &AnyPool, kind: CategoryKind) -> sqlx::Result<Vec<Category>> {
    let sql = format!(
        "SELECT id, slug, name_fr, name_en FROM {} WHERE archived_at IS NULL ORDER BY position, id",
        kind.table()
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter().map(category_from_row).collect()
}

/// The id of an offered theme or neighbourhood.
pub async fn category_id(
    pool: &AnyPool,
    kind: CategoryKind,
    slug: &str,
) -> sqlx::Result<Option<i64>> {
    let sql = format!(
        "SELECT id FROM {} WHERE slug = $1 AND archived_at IS NULL",
        kind.table()
    );
    sqlx::query_scalar(&sql)
        .bind(slug)
        .fetch_optional(pool)
        .await
}

/// Adds a theme or neighbourhood (demo data, administrators); false when the slug exists.
pub async fn insert_category(
    pool: &AnyPool,
    kind: CategoryKind,
    slug: &str,
    name_fr: &str,
    name_en: &str,
    position: i64,
) -> sqlx::Result<bool> {
    let sql = format!(
        "INSERT INTO {} (slug, name_fr, name_en, position) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (slug) DO NOTHING",
        kind.table()
    );
    let done = sqlx::query(&sql)
        .bind(slug)
        .bind(name_fr)
        .bind(name_en)
        .bind(position)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Which list of categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryKind {
    Theme,
    Neighbourhood,
}

impl CategoryKind {
    fn table(self) -> &'static str {
        match self {
            CategoryKind::Theme => "forum_themes",
            CategoryKind::Neighbourhood => "forum_neighbourhoods",
        }
    }
}

pub(super) fn category_from_row(row: &AnyRow) -> sqlx::Result<Category> {
    Ok(Category {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        name_fr: row.try_get("name_fr")?,
        name_en: row.try_get("name_en")?,
    })
}

/// Every entry of a list, archived ones last.
pub async fn all(pool: &AnyPool, kind: CategoryKind) -> sqlx::Result<Vec<ManagedCategory>> {
    let sql = format!(
        "SELECT id, slug, name_fr, name_en, position, archived_at FROM {} \
         ORDER BY CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END, position, id",
        kind.table()
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            Ok(ManagedCategory {
                category: category_from_row(row)?,
                position: row.try_get("position")?,
                archived: row.try_get::<Option<i64>, _>("archived_at")?.is_some(),
            })
        })
        .collect()
}

async fn update(
    pool: &AnyPool,
    kind: CategoryKind,
    id: i64,
    form: &CategoryForm,
) -> sqlx::Result<bool> {
    let sql = format!(
        "UPDATE {} SET name_fr = $1, name_en = $2, position = $3 WHERE id = $4",
        kind.table()
    );
    let done = sqlx::query(&sql)
        .bind(&form.name_fr)
        .bind(&form.name_en)
        .bind(form.position)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

async fn set_archived(
    pool: &AnyPool,
    kind: CategoryKind,
    id: i64,
    archived_at: Option<i64>,
) -> sqlx::Result<bool> {
    let sql = format!("UPDATE {} SET archived_at = $1 WHERE id = $2", kind.table());
    let done = sqlx::query(&sql)
        .bind(archived_at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

impl CategoryKind {
    /// Spelling in forms and URLs.
    pub fn parse(raw: &str) -> Option<CategoryKind> {
        match raw {
            "theme" => Some(CategoryKind::Theme),
            "quartier" => Some(CategoryKind::Neighbourhood),
            _ => None,
        }
    }
}

/// Names and position of an entry, as an administrator typed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryForm {
    pub name_fr: String,
    pub name_en: String,
    pub position: i64,
}

pub const NAME_MAX_CHARS: usize = 80;

impl CategoryForm {
    pub fn parse(name_fr: &str, name_en: &str, position: &str) -> Result<CategoryForm, AppError> {
        let mut errors = FieldErrors::new();
        let mut name = |field: &str, raw: &str| {
            let name = raw.trim();
            if name.is_empty() {
                add_field_error(&mut errors, field, "errors.required");
            } else if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
                add_field_error(&mut errors, field, "errors.name_too_long");
            }
            name.to_owned()
        };
        let name_fr = name("name_fr", name_fr);
        let name_en = name("name_en", name_en);
        let position = match position.trim() {
            "" => Some(0),
            raw => raw.parse::<i64>().ok().filter(|n| (0..=10_000).contains(n)),
        };
        if position.is_none() {
            add_field_error(&mut errors, "position", "errors.position_invalid");
        }
        if !name_fr.is_empty() && slug_of(&name_fr).is_empty() {
            add_field_error(&mut errors, "name_fr", "errors.invalid");
        }
        match position {
            Some(position) if errors.is_empty() => Ok(CategoryForm {
                name_fr,
                name_en,
                position,
            }),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

/// The URL name of an entry: its French name without accents, in lower case, words
/// joined by dashes ("Écoles et périscolaire" → "ecoles-et-periscolaire").
pub fn slug_of(name: &str) -> String {
    fold_accents(&name.to_lowercase())
        .replace('œ', "oe")
        .replace('æ', "ae")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .take(60)
        .collect()
}

/// Adds an entry; refused when another one already has its name.
pub async fn add(
    state: &AppState,
    kind: CategoryKind,
    form: &CategoryForm,
) -> Result<(), AppError> {
    let inserted = insert_category(
        state.db.pool(),
        kind,
        &slug_of(&form.name_fr),
        &form.name_fr,
        &form.name_en,
        form.position,
    )
    .await
    .map_err(internal)?;
    if inserted {
        Ok(())
    } else {
        Err(AppError::field("name_fr", "errors.category_exists"))
    }
}

/// Renames or moves an entry (its URL name stays, so links keep working).
pub async fn edit(
    state: &AppState,
    kind: CategoryKind,
    id: i64,
    form: &CategoryForm,
) -> Result<(), AppError> {
    if update(state.db.pool(), kind, id, form)
        .await
        .map_err(internal)?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Stops offering an entry, or offers it again.
pub async fn archive(
    state: &AppState,
    kind: CategoryKind,
    id: i64,
    archived: bool,
) -> Result<(), AppError> {
    let at = archived.then(|| state.clock.now_ms());
    if set_archived(state.db.pool(), kind, id, at)
        .await
        .map_err(internal)?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_names_come_from_the_french_name() {
        assert_eq!(slug_of("Écoles et périscolaire"), "ecoles-et-periscolaire");
        assert_eq!(slug_of("  Cœur de ville !"), "coeur-de-ville");
    }

    #[test]
    fn an_entry_needs_both_names_and_a_sensible_position() {
        assert!(CategoryForm::parse("Voirie", "Roads", "3").is_ok());
        let Err(AppError::Validation(errors)) = CategoryForm::parse(" ", "", "-1") else {
            panic!("expected validation errors");
        };
        assert_eq!(errors["name_fr"], ["errors.required"]);
        assert_eq!(errors["name_en"], ["errors.required"]);
        assert_eq!(errors["position"], ["errors.position_invalid"]);
    }
}
