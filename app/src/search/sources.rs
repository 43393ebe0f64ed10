//! The kinds of content the site search reads: the one place where a kind declares how
//! it is found (which rows, only those anyone may see; which words weigh most) and how a
//! hit is shown. A new kind of content joins the search here: a [`Kind`] variant, its
//! documents in [`small_kinds`] (tens or hundreds of rows, matched in memory) or its own
//! indexed query in [`large_kind`] (rows that grow without bound, like proposals), and
//! its list page in [`list_href`].

use super::model::{Hit, Kind, When, HITS_PER_KIND};
use super::service::{words_of, Query};
use crate::error::{internal, AppError};
use crate::forum::model::{ProposalQuery, ProposalSort};
use crate::i18n::{td_string, Locale};
use crate::server::state::AppState;
use crate::site::model::Lang;
use crate::surveys::model::SurveyState;
use std::sync::Arc;

/// Weights of the fields a word is found in.
const TITLE: u32 = 4;
const KEYWORDS: u32 = 3;
const TEXT: u32 = 1;

/// Most consultations read (the latest closing first).
const MAX_CONSULTATIONS: i64 = 1_000;

/// A row of a small kind, ready to be matched and shown.
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: Kind,
    pub hit: Hit,
    /// The stemmed words of each field, with the field's weight.
    pub fields: Vec<(Arc<[String]>, u32)>,
    /// The fields as written, to show a corrected word as the commune wrote it.
    pub texts: Vec<String>,
}

impl Doc {
    fn new(kind: Kind, hit: Hit, fields: &[(&str, u32)]) -> Doc {
        Doc {
            kind,
            hit,
            fields: fields.iter().map(|(t, w)| (words_of(t), *w)).collect(),
            texts: fields.iter().map(|(t, _)| (*t).to_owned()).collect(),
        }
    }
}

/// What a kind found: its first hits and how many in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searched {
    pub total: i64,
    pub hits: Vec<Hit>,
}

/// Every published row of the small kinds: services, facilities, consultations and the
/// site's own pages. Four queries, whatever their number.
pub async fn small_kinds(state: &AppState) -> Result<Vec<Doc>, AppError> {
    let pool = state.db.pool();
    let mut docs = Vec::new();
    // Services: unpublished ones are nobody's result.
    for (service, keywords) in crate::services::catalogue_repo::searchable(pool)
        .await
        .map_err(internal)?
    {
        let hit = Hit {
            title: service.title.clone(),
            href: format!("/demarches/{}", service.slug),
            text: service.summary.clone(),
            when: None,
        };
        docs.push(Doc::new(
            Kind::Service,
            hit,
            &[
                (&service.title, TITLE),
                (&keywords, KEYWORDS),
                (&service.summary, TEXT),
            ],
        ));
    }
    // Facilities: published ones.
    for facility in crate::appointments::repo::facilities(pool, true)
        .await
        .map_err(internal)?
    {
        let hit = Hit {
            title: facility.name.clone(),
            href: format!("/equipements/{}", facility.slug),
            text: facility.address.clone(),
            when: None,
        };
        docs.push(Doc::new(
            Kind::Facility,
            hit,
            &[
                (&facility.name, TITLE),
                (&facility.description, TEXT),
                (&facility.address, TEXT),
            ],
        ));
    }
    // Consultations: published ones, upcoming, open or closed; drafts never.
    let now = state.clock.now_ms();
    for survey in crate::surveys::repo::published(pool, now, MAX_CONSULTATIONS)
        .await
        .map_err(internal)?
    {
        let when = match survey.state {
            SurveyState::Upcoming => Some(When::Opens(survey.opens_at_ms)),
            SurveyState::Open => Some(When::Closes(survey.closes_at_ms)),
            SurveyState::Closed => Some(When::Closed(survey.closes_at_ms)),
            SurveyState::Draft => continue,
        };
        let hit = Hit {
            title: survey.title.clone(),
            href: format!("/consultations/{}", survey.id),
            text: first_line(&survey.intro),
            when,
        };
        docs.push(Doc::new(
            Kind::Consultation,
            hit,
            &[(&survey.title, TITLE), (&survey.intro, TEXT)],
        ));
    }
    docs.extend(site_pages(crate::server::request::lang()));
    Ok(docs)
}

/// The kinds too large to read whole, searched with their own index; `None` for the
/// small kinds.
pub async fn large_kind(
    state: &AppState,
    kind: Kind,
    query: &Query,
) -> Result<Option<Searched>, AppError> {
    match kind {
        Kind::Proposal => {
            // Held and hidden proposals are found by nobody (the list's own filter).
            let db_kind = state.db.kind();
            let fts = crate::forum::service::fts_words(db_kind, &query.words);
            let list_query = ProposalQuery {
                sort: ProposalSort::Newest,
                page: 1,
                ..ProposalQuery::default()
            };
            let (items, total) = crate::forum::repo::list(
                state.db.pool(),
                db_kind,
                &list_query,
                fts,
                HITS_PER_KIND as i64,
                0,
            )
            .await
            .map_err(internal)?;
            let lang = crate::server::request::lang();
            let hits = items
                .into_iter()
                .map(|p| Hit {
                    href: format!("/forum/propositions/{}", p.id),
                    text: match lang {
                        Lang::Fr => p.theme.name_fr.clone(),
                        Lang::En => p.theme.name_en.clone(),
                    },
                    title: p.title,
                    when: Some(When::Published(p.created_at_ms)),
                })
                .collect();
            Ok(Some(Searched { total, hits }))
        }
        Kind::Service | Kind::Facility | Kind::Consultation | Kind::Page => Ok(None),
    }
}

/// Where a kind's own page lists what the search found, when it has one.
pub fn list_href(kind: Kind, typed: &str) -> Option<String> {
    let q = crate::ui::encode_query(typed);
    match kind {
        Kind::Service => Some(format!("/demarches?q={q}")),
        Kind::Proposal => Some(format!("/forum?q={q}")),
        Kind::Consultation => Some("/consultations".to_owned()),
        Kind::Facility => Some("/equipements".to_owned()),
        Kind::Page => None,
    }
}

/// The first paragraph of a text, at most 200 characters.
fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut short: String = line.trim().chars().take(200).collect();
    if line.trim().chars().count() > 200 {
        short.push('…');
    }
    short
}

/// The site's own pages: where to do what, and the pages every public site publishes.
/// Found by their title and their words in both languages, shown in the reader's.
fn site_pages(lang: Lang) -> Vec<Doc> {
    let shown = match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    };
    type Words = fn(Locale) -> [&'static str; 3];
    let pages: [(&str, Words); 11] = [
        ("/demarches", |l| {
            [
                td_string!(l, nav.services),
                td_string!(l, services.intro),
                td_string!(l, search.words_services),
            ]
        }),
        ("/rendez-vous", |l| {
            [
                td_string!(l, appointments.title),
                td_string!(l, appointments.intro),
                td_string!(l, search.words_appointments),
            ]
        }),
        ("/equipements", |l| {
            [
                td_string!(l, facilities.title),
                td_string!(l, facilities.intro),
                td_string!(l, search.words_facilities),
            ]
        }),
        ("/forum", |l| {
            [
                td_string!(l, forum.title),
                td_string!(l, forum.intro),
                td_string!(l, search.words_forum),
            ]
        }),
        ("/consultations", |l| {
            [
                td_string!(l, nav.surveys),
                td_string!(l, search.about_surveys),
                td_string!(l, search.words_surveys),
            ]
        }),
        ("/mon-espace/donnees", |l| {
            [
                td_string!(l, my_data.title),
                td_string!(l, my_data.intro),
                td_string!(l, search.words_my_data),
            ]
        }),
        ("/mentions-legales", |l| {
            [
                td_string!(l, legal.title),
                td_string!(l, search.about_legal),
                td_string!(l, search.words_legal),
            ]
        }),
        ("/accessibilite", |l| {
            [
                td_string!(l, a11y.title),
                td_string!(l, search.about_a11y),
                td_string!(l, search.words_a11y),
            ]
        }),
        ("/donnees-personnelles", |l| {
            [
                td_string!(l, privacy.title),
                td_string!(l, search.about_privacy),
                td_string!(l, search.words_privacy),
            ]
        }),
        ("/contact-dpo", |l| {
            [
                td_string!(l, dpo.title),
                td_string!(l, dpo.intro),
                td_string!(l, search.words_dpo),
            ]
        }),
        ("/conditions-utilisation", |l| {
            [
                td_string!(l, terms.title),
                td_string!(l, search.about_terms),
                td_string!(l, search.words_terms),
            ]
        }),
    ];
    pages
        .into_iter()
        .map(|(href, words)| {
            let [title, text, _] = words(shown);
            let [fr_title, fr_text, fr_keywords] = words(Locale::fr);
            let [en_title, en_text, en_keywords] = words(Locale::en);
            let hit = Hit {
                title: title.to_owned(),
                href: href.to_owned(),
                text: text.to_owned(),
                when: None,
            };
            Doc::new(
                Kind::Page,
                hit,
                &[
                    (fr_title, TITLE),
                    (en_title, TITLE),
                    (fr_keywords, KEYWORDS),
                    (en_keywords, KEYWORDS),
                    (fr_text, TEXT),
                    (en_text, TEXT),
                ],
            )
        })
        .collect()
}
