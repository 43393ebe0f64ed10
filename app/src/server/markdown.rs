//! The Markdown renderers: every text a person types in Markdown becomes HTML here, and
//! nowhere else.
//!
//! Contributions (proposals, comments, official answers) get the small set of elements
//! Markdown needs for a comment — paragraphs, emphasis, links, lists, quotes, code — and
//! no HTML at all: raw HTML typed in the text is shown as text, headings become plain
//! paragraphs, images are dropped. Pages the commune writes (legal pages) also keep
//! headings and tables.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// The elements a contribution may hold once rendered.
pub const CONTRIBUTION_TAGS: [&str; 13] = [
    "p",
    "br",
    "em",
    "strong",
    "del",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
];

/// Renders a resident's or an agent's Markdown for the forum: see the module's doc.
pub fn contribution(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| {
        Some(match event {
            // Typed HTML is text, shown as typed.
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
            // An image's alternative text stays, as text; the image itself goes.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
            other => other,
        })
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    let tags: HashSet<&str> = CONTRIBUTION_TAGS.into_iter().collect();
    ammonia::Builder::empty()
        .tags(tags)
        // A link's address and its Markdown title (`[a](https://… "title")`).
        .add_tag_attributes("a", ["href", "title"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .clean(&html)
        .to_string()
}

/// Renders a page the commune wrote (legal pages): headings and tables too, no scripts.
pub fn page(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

/// Renders again, with [`contribution`], every stored contribution whose HTML an older
/// renderer made (it let headings, tables and raw HTML structure through). Runs once per
/// database; returns how many rows it rewrote.
pub async fn rerender_stored(db: &super::db::Db, now_ms: i64) -> anyhow::Result<u64> {
    use anyhow::Context;
    const JOB: &str = "markdown-contribution-v2";
    if !super::jobs::claim_once(db, JOB, 10 * 60_000, now_ms).await? {
        return Ok(0);
    }
    let mut rewritten = 0;
    for (table, source, target) in [
        ("proposals", "body", "body_html"),
        ("proposal_comments", "body", "body_html"),
        ("proposal_answers", "answer", "answer_html"),
    ] {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as(&format!("SELECT id, {source}, {target} FROM {table}"))
                .fetch_all(db.pool())
                .await
                .with_context(|| format!("reading {table}"))?;
        for (id, markdown, old) in rows {
            // Deleted comments keep an empty text.
            let html = if markdown.is_empty() {
                String::new()
            } else {
                contribution(&markdown)
            };
            if html != old {
                sqlx::query(&format!("UPDATE {table} SET {target} = $1 WHERE id = $2"))
                    .bind(&html)
                    .bind(id)
                    .execute(db.pool())
                    .await
                    .with_context(|| format!("rewriting {table}"))?;
                rewritten += 1;
            }
        }
    }
    super::jobs::finish(db, JOB, now_ms).await?;
    Ok(rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contributions_keep_what_markdown_makes_for_a_comment() {
        let html = contribution(
            "**Bancs** au [parc](https://ville.example), *vite*\n\n- un\n- deux\n\n> cité\n\n`code`",
        );
        for kept in [
            "<strong>Bancs</strong>",
            "<em>vite</em>",
            "<li>un</li>",
            "<blockquote>",
            "<code>code</code>",
        ] {
            assert!(html.contains(kept), "{kept} missing from {html}");
        }
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer ugc\""),
            "{html}"
        );
    }

    #[test]
    fn contributions_let_no_html_structure_through() {
        let html = contribution(
            "# Titre\n\n<h1>Gros</h1>\n\n<table><tr><td>x</td></tr></table>\n\n<details><summary>s</summary>d</details>\n\n<div style=\"position:fixed\">div</div>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![pixel](https://tracker.example/p.gif)\n\n<img src=x onerror=alert(1)>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        );
        // Typed HTML comes back escaped (`&lt;h1&gt;`): no element, no attribute.
        for refused in [
            "<h1",
            "<table",
            "<details",
            "<div",
            "<img",
            "<script",
            "<td",
            "href=\"javascript",
        ] {
            assert!(!html.contains(refused), "{refused} let through: {html}");
        }
        assert!(
            html.contains("<p>Titre</p>"),
            "a heading becomes a paragraph: {html}"
        );
        assert!(
            html.contains("&lt;h1&gt;Gros&lt;/h1&gt;"),
            "typed HTML shown as text: {html}"
        );
        assert!(html.contains("pixel"), "an image keeps its text: {html}");
    }

    #[test]
    fn pages_of_the_commune_keep_headings_but_never_scripts() {
        let html = page("# Titre\n\n<script>alert(1)</script>\n\n[lien](javascript:alert(1))");
        assert!(html.contains("<h1>Titre</h1>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }
}
