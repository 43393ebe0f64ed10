//! Data for the forum benchmark (`parvis bench-data`, used by `.ci/bench`): thousands of
//! proposals, a proposal with a long discussion and one with a typical one, on top of
//! the demo commune. Never load it on a real instance.

use crate::error::AppError;
use crate::forum::categories::{categories, CategoryKind};
use crate::forum::comments::service::{add_comment, CommentBody};
use crate::forum::repo::{insert_proposal, NewProposalRow};
use crate::forum::service::render_markdown;
use crate::server::state::AppState;
use crate::server::text::search_words;
use anyhow::Context;

/// What the benchmark loaded: the pages worth measuring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchData {
    pub proposals: usize,
    /// A proposal with `typical_comments` comments (one page of threads).
    pub typical_proposal: i64,
    /// A proposal with `long_comments` comments (several pages of threads).
    pub long_proposal: i64,
}

const WORDS: &[&str] = &[
    "école",
    "parc",
    "piste",
    "cyclable",
    "bancs",
    "éclairage",
    "marché",
    "médiathèque",
    "piscine",
    "arbres",
    "composteur",
    "trottoir",
    "stationnement",
    "crèche",
    "jardin",
    "navette",
    "fontaine",
    "terrain",
    "jeux",
    "concert",
];

fn sentence(n: usize, words: usize) -> String {
    (0..words)
        .map(|i| WORDS[(n * 7 + i * 3) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn fail(err: AppError) -> anyhow::Error {
    anyhow::anyhow!("bench data: {err:?}")
}

/// Adds `proposals` proposals (by the demo residents, across every theme and
/// neighbourhood), then two discussions of `typical_comments` and `long_comments`
/// comments, each top-level comment followed by three nested replies.
pub async fn load(
    state: &AppState,
    proposals: usize,
    typical_comments: usize,
    long_comments: usize,
) -> anyhow::Result<BenchData> {
    anyhow::ensure!(proposals >= 2, "at least two proposals are needed");
    crate::demo::load(&state.db, &state.clock).await?;
    let pool = state.db.pool();
    let themes = categories(pool, CategoryKind::Theme).await?;
    let neighbourhoods = categories(pool, CategoryKind::Neighbourhood).await?;
    let authors: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id")
        .fetch_all(pool)
        .await?;
    anyhow::ensure!(
        !themes.is_empty() && !authors.is_empty(),
        "demo data missing"
    );
    let now = state.clock.now_ms();
    let mut last = 0;
    for batch in (0..proposals).collect::<Vec<_>>().chunks(500) {
        let mut tx = state.db.begin_write().await?;
        for &n in batch {
            let title = format!("Proposition {n} : {}", sentence(n, 4));
            let body = format!(
                "{}.\n\n**{}** pour la commune.",
                sentence(n + 1, 30),
                sentence(n, 3)
            );
            let row = NewProposalRow {
                author_id: authors[n % authors.len()],
                theme_id: themes[n % themes.len()].id,
                neighbourhood_id: neighbourhoods
                    .get(n % (neighbourhoods.len() + 1))
                    .map(|c| c.id),
                title: &title,
                body: &body,
                body_html: &render_markdown(&body),
                search_text: &search_words(&format!("{title}\n{body}")).join(" "),
                moderation: crate::moderation::model::Visibility::Published,
            };
            let created = i64::try_from(n).unwrap_or(0) * 1000;
            last = insert_proposal(&mut tx, &row, now - 86_400_000 + created.min(86_000_000))
                .await
                .context("inserting a proposal")?;
        }
        tx.commit().await?;
    }
    let typical = last;
    let long = last - 1;
    for (proposal, comments) in [(typical, typical_comments), (long, long_comments)] {
        let mut parent = None;
        for n in 0..comments {
            let author = authors[n % authors.len()];
            let body =
                CommentBody::parse(&format!("Avis {n} : {}.", sentence(n, 12))).map_err(fail)?;
            // A top-level comment, then three replies, each answering the previous one.
            let reply_to = if n % 4 == 0 { None } else { parent };
            let (id, _) = add_comment(state, author, proposal, reply_to, &body)
                .await
                .map_err(fail)?;
            parent = Some(id);
        }
    }
    Ok(BenchData {
        proposals,
        typical_proposal: typical,
        long_proposal: long,
    })
}
