//! Forum rules on SQLite and PostgreSQL.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::categories::CategoryKind;
use super::model::{ProposalQuery, ProposalSort, ProposalStatus};
use super::repo;
use super::service::{self, ProposalForm};
use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::create_user;
use crate::error::AppError;
use crate::server::clock::Clock;
use crate::server::db::Db;
use crate::server::state::AppState;

/// State of the forum tests: accounts post as soon as they are created, so the limits
/// of new accounts (tested with moderation) are off.
pub(crate) fn state(db: &Db) -> AppState {
    let mut state = AppState::detached(
        db.clone(),
        url::Url::parse("https://portail.example").expect("url"),
        Clock::fixed(1_800_000_000_000),
    );
    state.moderation.new_account_ms = 0;
    state
}

pub(crate) async fn resident(state: &AppState, email: &str) -> i64 {
    create_user(
        &state.db,
        &state.clock,
        &Email::parse(email).unwrap(),
        "Résident",
        Role::Citizen,
        NewPassword::parse("Le héron pêche au bord du canal").unwrap(),
    )
    .await
    .unwrap()
}

/// Two themes and a neighbourhood.
pub(crate) async fn categories(db: &Db) {
    let pool = db.pool();
    super::categories::insert_category(
        pool,
        CategoryKind::Theme,
        "education",
        "Éducation",
        "Education",
        1,
    )
    .await
    .unwrap();
    super::categories::insert_category(pool, CategoryKind::Theme, "voirie", "Voirie", "Roads", 2)
        .await
        .unwrap();
    super::categories::insert_category(
        pool,
        CategoryKind::Neighbourhood,
        "centre",
        "Centre-bourg",
        "Town centre",
        1,
    )
    .await
    .unwrap();
}

pub(crate) async fn propose(
    state: &AppState,
    author: i64,
    title: &str,
    theme: &str,
    neighbourhood: &str,
) -> i64 {
    let form = ProposalForm::parse(title, "Une proposition détaillée.", theme, neighbourhood)
        .expect("valid form");
    service::create_proposal(state, author, &form)
        .await
        .expect("created")
}

async fn supports(db: &Db, proposal: i64, user: i64) -> bool {
    super::follows::relation(db.pool(), proposal, user)
        .await
        .unwrap()
        .1
}

fn query() -> ProposalQuery {
    ProposalQuery {
        page: 1,
        ..ProposalQuery::default()
    }
}

crate::db_test!(proposals_are_filtered_sorted_and_paged, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let school = propose(
        &state,
        lea,
        "Rénover la cour de l’école",
        "education",
        "centre",
    )
    .await;
    let road = propose(&state, lea, "Limiter la vitesse rue Haute", "voirie", "").await;
    repo::add_support(db.pool(), road, lea, 1).await.unwrap();

    let all = service::list_proposals(&state, &query()).await.unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].id, road, "newest first (ids break the tie)");
    assert_eq!(all.items[1].theme.slug, "education");
    assert_eq!(
        all.items[1].neighbourhood.as_ref().map(|n| n.slug.as_str()),
        Some("centre")
    );
    assert_eq!(all.items[1].author_name.as_deref(), Some("Résident"));

    let education = ProposalQuery {
        theme: Some("education".into()),
        ..query()
    };
    let found = service::list_proposals(&state, &education).await.unwrap();
    assert_eq!(
        found.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        [school]
    );

    let centre = ProposalQuery {
        neighbourhood: Some("centre".into()),
        ..query()
    };
    assert_eq!(
        service::list_proposals(&state, &centre)
            .await
            .unwrap()
            .total,
        1
    );

    let done = ProposalQuery {
        status: Some(ProposalStatus::Done),
        ..query()
    };
    assert_eq!(
        service::list_proposals(&state, &done).await.unwrap().total,
        0
    );

    let supported = ProposalQuery {
        sort: ProposalSort::MostSupported,
        ..query()
    };
    let list = service::list_proposals(&state, &supported).await.unwrap();
    assert_eq!(list.items[0].id, road);
    assert_eq!(list.items[0].support_count, 1);

    let second_page = ProposalQuery { page: 2, ..query() };
    let page = service::list_proposals(&state, &second_page).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.total, 2);
});

crate::db_test!(french_search_finds_plurals_and_ignores_operators, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let school = propose(&state, lea, "Rénover la cour de l’école", "education", "").await;
    propose(&state, lea, "Limiter la vitesse rue Haute", "voirie", "").await;
    for search in ["écoles", "école", "cour école"] {
        let q = ProposalQuery {
            search: search.into(),
            ..query()
        };
        let found = service::list_proposals(&state, &q).await.unwrap();
        assert_eq!(
            found.items.iter().map(|p| p.id).collect::<Vec<_>>(),
            [school],
            "{search}"
        );
    }
    for search in ["piscine", "\" OR *", "NEAR(école"] {
        let q = ProposalQuery {
            search: search.into(),
            ..query()
        };
        let found = service::list_proposals(&state, &q).await;
        assert!(found.is_ok(), "{search}: {found:?}");
    }
});

crate::db_test!(two_hundred_concurrent_supports_count_once, |db| {
    let state = state(&db);
    categories(&db).await;
    let lea = resident(&state, "lea@example.org").await;
    let id = propose(&state, lea, "Des bancs au parc", "voirie", "").await;
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move { service::set_support(&state, id, lea, true).await })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("each support answers without error");
    }
    let rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM proposal_supports WHERE proposal_id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(rows, 1);
    assert_eq!(
        service::proposal(&state, id)
            .await
            .unwrap()
            .summary
            .support_count,
        1
    );
    assert!(supports(&db, id, lea).await);

    service::set_support(&state, id, lea, false).await.unwrap();
    service::set_support(&state, id, lea, false).await.unwrap();
    assert_eq!(
        service::proposal(&state, id)
            .await
            .unwrap()
            .summary
            .support_count,
        0
    );
    assert!(!supports(&db, id, lea).await);
});

crate::db_test!(
    a_proposal_needs_an_offered_theme_and_keeps_no_script,
    |db| {
        let state = state(&db);
        categories(&db).await;
        let lea = resident(&state, "lea@example.org").await;
        let form = ProposalForm::parse("Un titre correct", "Texte", "inconnu", "").unwrap();
        assert_eq!(
            service::create_proposal(&state, lea, &form).await.err(),
            Some(AppError::field("theme", "errors.choice_unknown"))
        );
        let form =
            ProposalForm::parse("Un titre correct", "Texte", "voirie", "nulle-part").unwrap();
        assert_eq!(
            service::create_proposal(&state, lea, &form).await.err(),
            Some(AppError::field("neighbourhood", "errors.choice_unknown"))
        );
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposals")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(count, 0, "nothing stored half-way");

        let form = ProposalForm::parse(
            "Un titre correct",
            "Bonjour <script>alert(1)</script>",
            "voirie",
            "",
        )
        .unwrap();
        let id = service::create_proposal(&state, lea, &form).await.unwrap();
        let page = service::proposal(&state, id).await.unwrap();
        assert!(!page.body_html.contains("<script"), "{}", page.body_html);
        assert_eq!(
            service::proposal(&state, id + 1000).await.err(),
            Some(AppError::NotFound)
        );
    }
);
