//! Server-side rules of the public site: override pages and the language cookie.

use super::locale::LANG_COOKIE;
use super::model::{Lang, LegalPage};
use crate::error::{internal, AppError};
use std::path::Path;

/// One year: the language choice outlives sessions.
const LANG_COOKIE_MAX_AGE: u32 = 365 * 24 * 3600;

/// `Set-Cookie` value remembering the language. Only a preference, so no consent is
/// needed; HttpOnly since no script reads it.
pub fn language_cookie(lang: Lang, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    )
}

/// Reads `<dir>/<slug>.<lang>.md`, renders the Markdown and strips anything unsafe.
pub async fn page_override(
    dir: Option<&Path>,
    page: LegalPage,
    lang: Lang,
) -> Result<Option<String>, AppError> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let path = dir.join(format!("{}.{}.md", page.slug(), lang.code()));
    match tokio::fs::read_to_string(&path).await {
        Ok(markdown) => Ok(Some(render_markdown(&markdown))),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(internal(
            anyhow::Error::new(err).context(format!("reading {}", path.display())),
        )),
    }
}

/// Markdown → HTML, then sanitised so a page file can never inject scripts.
pub fn render_markdown(markdown: &str) -> String {
    crate::server::markdown::page(markdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_pages_cannot_inject_scripts() {
        let html =
            render_markdown("# Titre\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1))");
        assert!(html.contains("<h1>Titre</h1>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn the_language_cookie_is_secure_on_https_only() {
        assert!(language_cookie(Lang::En, true).contains("; Secure"));
        let plain = language_cookie(Lang::Fr, false);
        assert!(plain.starts_with("parvis_lang=fr;"));
        assert!(!plain.contains("Secure"));
        assert!(plain.contains("HttpOnly"));
    }

    #[tokio::test]
    async fn an_override_file_replaces_the_default_text_for_its_language_only() {
        let dir = std::env::temp_dir().join(format!("parvis-pages-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        std::fs::write(
            dir.join("contact-dpo.fr.md"),
            "Écrivez à **dpo@ville.example**",
        )
        .unwrap_or_default();
        let fr = page_override(Some(&dir), LegalPage::Dpo, Lang::Fr).await;
        let en = page_override(Some(&dir), LegalPage::Dpo, Lang::En).await;
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            fr,
            Ok(Some(
                "<p>Écrivez à <strong>dpo@ville.example</strong></p>\n".to_owned()
            ))
        );
        assert_eq!(en, Ok(None));
    }
}
