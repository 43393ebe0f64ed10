//! Demo data of the fictional commune of Saint-Aubin-du-Parvis, loaded by
//! `parvis demo-data`. Idempotent: running it again changes nothing. Later features add
//! their own demo content here (services, proposals, surveys…).

use crate::accounts::model::{Email, NewPassword, Role};
use crate::accounts::service::{create_user, CreateUserError};
use crate::server::clock::Clock;
use crate::server::db::Db;
use anyhow::Context;

/// Password of every demo account (never use the demo data on a real instance).
pub const DEMO_PASSWORD: &str = "demo-parvis-2026";

/// A demo account: e-mail, display name, role.
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    (
        "admin@saint-aubin-du-parvis.example",
        "Administratrice du portail",
        Role::Admin,
    ),
    (
        "agent.etat-civil@saint-aubin-du-parvis.example",
        "Agnès Roussel (état civil)",
        Role::Agent,
    ),
    (
        "moderation@saint-aubin-du-parvis.example",
        "Malik Perrin (modération)",
        Role::Moderator,
    ),
    (
        "moderation2@saint-aubin-du-parvis.example",
        "Inès Faure (modération)",
        Role::Moderator,
    ),
    (
        "camille.martin@example.org",
        "Camille Martin",
        Role::Citizen,
    ),
    ("yanis.benali@example.org", "Yanis Benali", Role::Citizen),
    (
        "agent.enfance@saint-aubin-du-parvis.example",
        "Julien Mercier (enfance)",
        Role::Agent,
    ),
];

/// What a demo-data run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub created_accounts: usize,
    pub existing_accounts: usize,
    pub created_proposals: usize,
    pub created_surveys: usize,
    pub created_services: usize,
    /// Agendas and facilities.
    pub created_places: usize,
}

/// Forum themes: slug, French and English names.
const THEMES: &[(&str, &str, &str)] = &[
    ("education", "Éducation et jeunesse", "Education and youth"),
    ("mobilites", "Voirie et mobilités", "Roads and transport"),
    (
        "environnement",
        "Environnement et espaces verts",
        "Environment and green spaces",
    ),
    ("culture-sport", "Culture et sport", "Culture and sport"),
    (
        "solidarites",
        "Solidarités et seniors",
        "Solidarity and seniors",
    ),
    (
        "tranquillite",
        "Sécurité et tranquillité",
        "Safety and quiet",
    ),
    ("urbanisme", "Urbanisme et logement", "Planning and housing"),
];

/// Neighbourhoods of the fictional commune.
const NEIGHBOURHOODS: &[(&str, &str, &str)] = &[
    ("centre-bourg", "Centre-bourg", "Town centre"),
    ("les-tilleuls", "Les Tilleuls", "Les Tilleuls"),
    ("la-gare", "Quartier de la Gare", "Station district"),
    ("le-moulin", "Le Moulin", "Le Moulin"),
    ("la-croix", "Hameau de la Croix", "La Croix hamlet"),
];

/// Demo proposals: author's e-mail, theme, neighbourhood, title, Markdown body.
const PROPOSALS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "camille.martin@example.org",
        "education",
        "les-tilleuls",
        "Végétaliser la cour de l’école des Tilleuls",
        "La cour de l’école est entièrement goudronnée : elle devient **brûlante** en juin.\n\nJe propose :\n\n- de planter des arbres le long du préau ;\n- de remplacer une partie du bitume par un sol perméable ;\n- d’associer les enfants au choix des plantations.",
    ),
    (
        "yanis.benali@example.org",
        "mobilites",
        "centre-bourg",
        "Une zone 30 rue de la République",
        "Les voitures roulent vite devant la boulangerie et la pharmacie. Une **zone 30** avec deux plateaux rendrait la traversée plus sûre, surtout pour les enfants et les personnes âgées.",
    ),
    (
        "camille.martin@example.org",
        "environnement",
        "le-moulin",
        "Des composteurs partagés près du Moulin",
        "Beaucoup d’habitants de l’habitat collectif n’ont pas de jardin. Deux composteurs partagés, entretenus avec une association, réduiraient les déchets de 30 %.",
    ),
    (
        "yanis.benali@example.org",
        "culture-sport",
        "",
        "Ouvrir la médiathèque le dimanche matin",
        "Beaucoup de familles ne peuvent venir qu’en fin de semaine. Une ouverture le dimanche de 10 h à 13 h, au moins l’hiver, serait très utile.",
    ),
    (
        "camille.martin@example.org",
        "solidarites",
        "la-croix",
        "Un minibus pour le marché depuis le hameau de la Croix",
        "Les personnes âgées du hameau n’ont plus de bus le samedi. Un minibus municipal une fois par semaine vers le marché leur rendrait de l’autonomie.",
    ),
    (
        "yanis.benali@example.org",
        "mobilites",
        "la-gare",
        "Un abri à vélos sécurisé à la gare",
        "Se garer à vélo à la gare est risqué : plusieurs vols cette année. Un abri fermé, accessible avec la carte de transport, encouragerait les trajets à vélo.",
    ),
];

/// Loads the demo commune's data into `db`.
pub async fn load(db: &Db, clock: &Clock) -> anyhow::Result<DemoReport> {
    let mut report = DemoReport::default();
    for (email, name, role) in DEMO_ACCOUNTS {
        let email =
            Email::parse(email).map_err(|key| anyhow::anyhow!("demo e-mail {email}: {key}"))?;
        let password = NewPassword::parse(DEMO_PASSWORD)
            .map_err(|key| anyhow::anyhow!("demo password: {key}"))?;
        match create_user(db, clock, &email, name, *role, password).await {
            Ok(_) => {
                // Residents of the commune for a month already: the limits on new
                // accounts' first day do not apply to them.
                sqlx::query("UPDATE users SET created_at = created_at - $1 WHERE email = $2")
                    .bind(30 * 24 * 3_600_000_i64)
                    .bind(email.as_str())
                    .execute(db.pool())
                    .await
                    .context("dating a demo account")?;
                report.created_accounts += 1;
            }
            Err(CreateUserError::EmailTaken) => report.existing_accounts += 1,
            Err(CreateUserError::Internal(err)) => {
                return Err(err).context(format!("creating demo account {}", email.as_str()))
            }
        }
    }
    load_forum(db, clock, &mut report).await?;
    let agent = crate::accounts::repo::find_by_email(
        db.pool(),
        &Email::parse(DEMO_ACCOUNTS[1].0).map_err(|key| anyhow::anyhow!("demo e-mail: {key}"))?,
    )
    .await?
    .context("demo agent")?;
    let state = crate::server::state::AppState::detached(
        db.clone(),
        url::Url::parse("http://localhost/")?,
        clock.clone(),
    );
    if crate::surveys::demo_data::load(&state, agent.id).await? {
        report.created_surveys += 1;
    }
    let account = |email: &'static str| async move {
        let email = Email::parse(email).map_err(|key| anyhow::anyhow!("demo e-mail: {key}"))?;
        crate::accounts::repo::find_by_email(db.pool(), &email)
            .await?
            .map(|u| u.id)
            .context("demo account")
    };
    let admin = account(DEMO_ACCOUNTS[0].0).await?;
    let childhood = account("agent.enfance@saint-aubin-du-parvis.example").await?;
    let resident = account("yanis.benali@example.org").await?;
    report.created_services =
        crate::services::demo_data::load(&state, admin, &[agent.id, childhood], resident).await?;
    let camille = account("camille.martin@example.org").await?;
    report.created_places = crate::appointments::demo_data::load(
        &state,
        admin,
        &[agent.id, childhood],
        &[camille, resident],
    )
    .await?;
    Ok(report)
}

/// Themes, neighbourhoods and a few proposals with supports (only into an empty forum).
async fn load_forum(db: &Db, clock: &Clock, report: &mut DemoReport) -> anyhow::Result<()> {
    use crate::forum::categories::{insert_category, CategoryKind};
    use crate::forum::repo::add_support;
    use crate::forum::service::{create_proposal, ProposalForm};
    let pool = db.pool();
    for (kind, list) in [
        (CategoryKind::Theme, THEMES),
        (CategoryKind::Neighbourhood, NEIGHBOURHOODS),
    ] {
        for (position, (slug, fr, en)) in (1_i64..).zip(list.iter()) {
            insert_category(pool, kind, slug, fr, en, position).await?;
        }
    }
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proposals")
        .fetch_one(pool)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let state = crate::server::state::AppState::detached(
        db.clone(),
        url::Url::parse("http://localhost/")?,
        clock.clone(),
    );
    let mut residents = Vec::new();
    let mut ids = Vec::new();
    for (email, theme, neighbourhood, title, body) in PROPOSALS {
        let email = Email::parse(email).map_err(|key| anyhow::anyhow!("demo e-mail: {key}"))?;
        let author = crate::accounts::repo::find_by_email(pool, &email)
            .await?
            .context("demo author")?;
        let form = ProposalForm::parse(title, body, theme, neighbourhood)
            .map_err(|err| anyhow::anyhow!("demo proposal {title}: {err:?}"))?;
        let id = create_proposal(&state, author.id, &form)
            .await
            .map_err(|err| anyhow::anyhow!("demo proposal {title}: {err:?}"))?;
        residents.push(author.id);
        ids.push(id);
        // Each earlier author supports this proposal: the lists get different counts.
        for supporter in residents.iter().take(report.created_proposals % 3 + 1) {
            add_support(pool, id, *supporter, clock.now_ms()).await?;
        }
        report.created_proposals += 1;
    }
    load_discussion(&state, &ids).await
}

/// A short discussion under the first proposal and the town hall's answer to the second.
async fn load_discussion(
    state: &crate::server::state::AppState,
    proposals: &[i64],
) -> anyhow::Result<()> {
    use crate::forum::answers::{answer_proposal, AnswerForm};
    use crate::forum::comments::service::{add_comment, CommentBody};
    let pool = state.db.pool();
    let account = |email: &'static str| async move {
        let email = Email::parse(email).map_err(|key| anyhow::anyhow!("demo e-mail: {key}"))?;
        crate::accounts::repo::find_by_email(pool, &email)
            .await?
            .map(|u| u.id)
            .context("demo account")
    };
    let (Some(school), Some(zone)) = (proposals.first(), proposals.get(1)) else {
        return Ok(());
    };
    let yanis = account("yanis.benali@example.org").await?;
    let camille = account("camille.martin@example.org").await?;
    let agent = account("agent.etat-civil@saint-aubin-du-parvis.example").await?;
    let fail = |err| anyhow::anyhow!("demo discussion: {err:?}");
    let body = |text: &str| CommentBody::parse(text).map_err(fail);
    let (first, _) = add_comment(
        state,
        yanis,
        *school,
        None,
        &body("Excellente idée : mes enfants n’y jouent plus dès qu’il fait chaud.")?,
    )
    .await
    .map_err(fail)?;
    add_comment(
        state,
        camille,
        *school,
        Some(first),
        &body("Merci ! Le conseil d’école est partant pour en parler en janvier.")?,
    )
    .await
    .map_err(fail)?;
    let answer = AnswerForm::parse(
        "under_study",
        "Les services techniques mesurent la vitesse rue de la République jusqu’à fin janvier. \
         Le résultat sera présenté au conseil municipal de février.",
    )
    .map_err(fail)?;
    answer_proposal(state, agent, *zone, &answer)
        .await
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::db_test!(demo_data_can_be_loaded_twice_without_duplicates, |db| {
        let clock = Clock::default();
        let first = load(&db, &clock).await.expect("first load");
        assert_eq!(first.created_accounts, DEMO_ACCOUNTS.len());
        assert_eq!(first.created_proposals, PROPOSALS.len());
        let second = load(&db, &clock).await.expect("second load");
        assert_eq!(
            second,
            DemoReport {
                created_accounts: 0,
                existing_accounts: DEMO_ACCOUNTS.len(),
                created_proposals: 0,
                created_surveys: 0,
                created_services: 0,
                created_places: 0,
            }
        );
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(count as usize, DEMO_ACCOUNTS.len());
    });
}
