//! The demo commune's agendas and facilities: identity cards and passports, the CCAS and
//! the conciliator's office hours, and nine public facilities with their hours and a
//! closure. Built through the same functions as the admin pages; a few appointments of
//! the last open day are recorded directly (booking in the past is refused), so the
//! agents' "attendance to record" list is not empty.

use super::admin::{self, AgendaForm, ExceptionForm, FacilityForm};
use super::repo::{self, Owner};
use super::schedule;
use crate::server::state::AppState;
use crate::services::service::Actor;
use anyhow::Context;

/// (slug, service slug, name, place, what to bring, hours Monday first, slot minutes,
/// capacity, horizon days).
type DemoAgenda = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 7],
    &'static str,
    &'static str,
    &'static str,
);

const AGENDAS: &[DemoAgenda] = &[
    (
        "passeport-cni",
        "carte-identite-passeport",
        "Carte d’identité et passeport",
        "Mairie, guichet état civil – 1 place de la Mairie",
        "Votre numéro de pré-demande (ANTS), une photo d’identité de moins de six mois, un justificatif de domicile, l’ancien titre s’il existe.",
        ["9h-12h, 14h-17h", "9h-12h, 14h-17h", "9h-12h", "9h-12h, 14h-17h", "9h-12h, 14h-17h", "9h-12h", ""],
        "20",
        "2",
        "60",
    ),
    (
        "permanence-ccas",
        "aide-ccas",
        "Permanence du CCAS",
        "Centre communal d’action sociale – 4 rue des Écoles",
        "Vos derniers avis d’imposition, justificatifs de ressources et de charges.",
        ["", "14h-17h", "", "14h-17h", "", "", ""],
        "30",
        "1",
        "30",
    ),
    (
        "conciliateur",
        "conciliateur-de-justice",
        "Permanence du conciliateur de justice",
        "Mairie, salle du conseil – 1 place de la Mairie",
        "Les pièces utiles à votre différend (courriers, contrats, factures).",
        ["", "", "14h-15h", "", "", "", ""],
        "60",
        "1",
        "90",
    ),
];

/// (slug, kind, name, description, address, phone, accessibility, hours Monday first).
type DemoFacility = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 7],
);

const FACILITIES: &[DemoFacility] = &[
    ("mairie", "town_hall", "Mairie", "Accueil, état civil, urbanisme, élections.", "1 place de la Mairie, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 00", "Plain-pied, boucle magnétique à l’accueil, place de stationnement réservée devant l’entrée.",
        ["8h30-12h, 13h30-17h30", "8h30-12h, 13h30-17h30", "8h30-12h, 13h30-17h30", "8h30-12h, 13h30-17h30", "8h30-12h, 13h30-17h", "9h-12h", ""]),
    ("mairie-annexe-moulin", "town_hall", "Mairie annexe du Moulin", "Accueil de proximité : attestations, inscriptions, dépôt de dossiers.", "2 allée du Moulin, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 10", "Accès de plain-pied.",
        ["", "9h-12h", "", "9h-12h", "", "", ""]),
    ("mediatheque", "library", "Médiathèque Louise-Michel", "Prêt de livres, disques et jeux ; postes informatiques ; heure du conte le mercredi.", "8 rue de la République, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 20", "Ascenseur, livres en gros caractères et livres audio, boucle magnétique.",
        ["", "14h-18h", "10h-12h30, 14h-18h", "", "14h-19h", "10h-17h", ""]),
    ("piscine", "pool", "Piscine des Tilleuls", "Bassin sportif de 25 m et bassin d’apprentissage.", "Avenue des Tilleuls, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 30", "Mise à l’eau par fauteuil élévateur, vestiaire et douche adaptés.",
        ["12h-14h, 17h-20h", "12h-14h", "10h-19h", "12h-14h, 17h-21h", "12h-14h, 17h-20h", "10h-18h", "9h-13h"]),
    ("gymnase", "sports", "Gymnase Jean-Moulin", "Salle omnisports, dojo et mur d’escalade, pour les clubs et les écoles.", "15 rue Jean-Moulin, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 40", "Tribune accessible, sanitaires adaptés.",
        ["17h-22h", "17h-22h", "13h-22h", "17h-22h", "17h-22h", "9h-18h", ""]),
    ("salle-des-fetes", "culture", "Salle des fêtes", "Spectacles, bals et réunions publiques ; location aux associations.", "Place du Marché, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 50", "Accès de plain-pied, places réservées au premier rang.",
        ["", "", "", "", "18h-23h", "14h-23h", "14h-19h"]),
    ("parc-du-moulin", "park", "Parc du Moulin", "Aire de jeux, jardin partagé, parcours de santé.", "Chemin du Moulin, 27320 Saint-Aubin-du-Parvis", "", "Allées stabilisées, bancs tous les 100 m.",
        ["7h-21h", "7h-21h", "7h-21h", "7h-21h", "7h-21h", "7h-21h", "7h-21h"]),
    ("cimetiere", "cemetery", "Cimetière communal", "Plan des concessions et registre à l’accueil de la mairie.", "Route de la Croix, 27320 Saint-Aubin-du-Parvis", "02 32 00 00 00", "Allée principale accessible ; fauteuil roulant prêté à l’entrée.",
        ["8h-18h", "8h-18h", "8h-18h", "8h-18h", "8h-18h", "8h-18h", "8h-18h"]),
    ("stade", "sports", "Stade municipal", "Terrain de football, piste d’athlétisme, vestiaires.", "Route de la Gare, 27320 Saint-Aubin-du-Parvis", "", "Tribune accessible.",
        ["17h-21h", "17h-21h", "14h-21h", "17h-21h", "17h-21h", "9h-19h", "9h-13h"]),
];

/// Creates the demo agendas and facilities when there are none yet; the number created.
pub async fn load(
    state: &AppState,
    admin_id: i64,
    agents: &[i64],
    residents: &[i64],
) -> anyhow::Result<usize> {
    if !repo::facilities(state.db.pool(), false).await?.is_empty() {
        return Ok(0);
    }
    let admin = Actor {
        id: admin_id,
        agent: false,
        admin: true,
    };
    let services = [
        ("carte-identite-passeport", "civil_status", "Carte nationale d’identité et passeport", "CNI pièce d’identité titre sécurisé voyage", "Demander ou renouveler une carte d’identité ou un passeport : le dépôt du dossier et la remise du titre se font sur rendez-vous, en mairie."),
        ("conciliateur-de-justice", "other", "Conciliateur de justice", "litige voisinage conflit médiation", "Un litige avec un voisin, un propriétaire, un artisan ? Le conciliateur, bénévole et gratuit, aide à trouver un accord amiable."),
    ];
    for (slug, category, title, keywords, summary) in services {
        let form = crate::services::admin::ServiceForm {
            slug: slug.into(),
            category: category.into(),
            title: title.into(),
            summary: summary.into(),
            keywords: keywords.into(),
            eligibility: String::new(),
            documents: String::new(),
            processing_time: String::new(),
            cost: "Gratuit".into(),
            contact: "Mairie – 02 32 00 00 00".into(),
            retention_months: "24".into(),
            published: true,
        };
        let id = crate::services::admin::create_service(state, admin, &form)
            .await
            .map_err(|err| anyhow::anyhow!("demo service {slug}: {err}"))?;
        crate::services::admin::update_service(state, admin, id, &form)
            .await
            .map_err(|err| anyhow::anyhow!("publishing {slug}: {err}"))?;
        for agent in agents {
            crate::services::catalogue_repo::add_member(state.db.pool(), id, *agent).await?;
        }
    }
    let now = state.clock.now_ms();
    let today = schedule::today(now);
    // This year's Christmas closure (next year's once it is past).
    let christmas_year = if today.month() == 12 && today.day() > 26 {
        today.year() + 1
    } else {
        today.year()
    };
    let mut agenda_ids = Vec::new();
    for (slug, service, name, place, bring, hours, minutes, capacity, horizon) in AGENDAS {
        let service_id = crate::services::catalogue_repo::by_slug(state.db.pool(), service)
            .await?
            .with_context(|| format!("demo service {service}"))?
            .id;
        let form = AgendaForm {
            slug: (*slug).into(),
            service_id: service_id.to_string(),
            name: (*name).into(),
            place: (*place).into(),
            instructions: (*bring).into(),
            hours: hours.map(str::to_owned),
            slot_minutes: (*minutes).into(),
            capacity: (*capacity).into(),
            horizon_days: (*horizon).into(),
            notice_hours: "24".into(),
            published: true,
        };
        let id = admin::save_agenda(state, admin, None, &form)
            .await
            .map_err(|err| anyhow::anyhow!("demo agenda {slug}: {err}"))?;
        admin::add_exception(
            state,
            admin,
            Owner::Agenda(id),
            &ExceptionForm {
                first_day: format!("{christmas_year}-12-24"),
                last_day: format!("{christmas_year}-12-26"),
                hours: String::new(),
                label: "Fêtes de fin d’année".into(),
            },
        )
        .await
        .map_err(|err| anyhow::anyhow!("demo closure: {err}"))?;
        agenda_ids.push(id);
    }
    for (slug, kind, name, description, address, phone, accessibility, hours) in FACILITIES {
        let form = FacilityForm {
            slug: (*slug).into(),
            kind: (*kind).into(),
            name: (*name).into(),
            description: (*description).into(),
            address: (*address).into(),
            phone: (*phone).into(),
            email: String::new(),
            accessibility: (*accessibility).into(),
            hours: hours.map(str::to_owned),
            published: true,
        };
        let id = admin::save_facility(state, admin, None, &form)
            .await
            .map_err(|err| anyhow::anyhow!("demo facility {slug}: {err}"))?;
        if *slug == "piscine" {
            let start = schedule::add_days(today, 20);
            admin::add_exception(
                state,
                admin,
                Owner::Facility(id),
                &ExceptionForm {
                    first_day: start.to_string(),
                    last_day: schedule::add_days(start, 6).to_string(),
                    hours: String::new(),
                    label: "Vidange annuelle des bassins".into(),
                },
            )
            .await
            .map_err(|err| anyhow::anyhow!("demo closure: {err}"))?;
        }
    }
    if let Some(passport) = agenda_ids.first() {
        past_appointments(state, *passport, residents).await?;
    }
    Ok(AGENDAS.len() + FACILITIES.len())
}

/// Appointments of the last open day before today, not marked yet: two residents with
/// accounts and four people booked at the counter or by phone.
async fn past_appointments(
    state: &AppState,
    agenda_id: i64,
    residents: &[i64],
) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let mut conn = state.db.pool().acquire().await?;
    let agenda = repo::agenda_by_id(&mut conn, agenda_id)
        .await?
        .context("demo agenda")?;
    let today = schedule::today(now);
    let Some(slots) = (1..=14)
        .map(|back| schedule::slots_on(&agenda.rules(), &[], schedule::add_days(today, -back)))
        .find(|slots| slots.len() >= 6)
    else {
        return Ok(());
    };
    let people: [(Option<i64>, &str, &str); 6] = [
        (residents.first().copied(), "", ""),
        (residents.get(1).copied(), "", ""),
        (None, "Odette Leroy", "06 11 22 33 44"),
        (None, "Karim Haddad", "06 55 66 77 88"),
        (None, "Lucie Fontaine", "06 12 34 56 78"),
        (None, "Marc Delaunay", "06 98 76 54 32"),
    ];
    let mut tx = state.db.begin_write().await?;
    for (slot, (user_id, name, phone)) in slots.iter().zip(people) {
        repo::take_place(&mut tx, agenda_id, slot.starts_at, agenda.capacity).await?;
        let new = repo::NewAppointment {
            agenda_id,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            user_id,
            booked_by: None,
            channel: if user_id.is_some() {
                super::model::Channel::Web
            } else {
                super::model::Channel::Phone
            },
            contact_name: name.into(),
            contact_email: String::new(),
            contact_phone: phone.into(),
            manage_key: crate::auth::service::new_token().0,
            reminded_at: Some(slot.starts_at - super::service::REMINDER_AHEAD_MS),
        };
        repo::insert_appointment(&mut tx, &new, slot.starts_at - 7 * 24 * 3_600_000).await?;
    }
    tx.commit().await?;
    Ok(())
}
