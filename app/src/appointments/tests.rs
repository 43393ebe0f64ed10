//! Appointments and facilities on SQLite and PostgreSQL: a slot is never overbooked, bad
//! bookings are refused with a reason, cancelling tells the people waiting, moving,
//! reminders sent once, who may see and change what, and "open now" under a fixed clock.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::admin::{self, AgendaForm, ExceptionForm, FacilityForm};
use super::desk::{self, CounterBooking};
use super::model::{OpenState, Status};
use super::repo::{self, Owner};
use super::service;
use crate::error::AppError;
use crate::server::clock::Clock;
use crate::server::db::Db;
use crate::server::paris::parse_input;
use crate::server::state::AppState;
use crate::services::service::Actor;

const ADMIN: Actor = Actor {
    id: 0,
    agent: false,
    admin: true,
};

fn citizen(id: i64) -> Actor {
    Actor {
        id,
        agent: false,
        admin: false,
    }
}

fn agent(id: i64) -> Actor {
    Actor {
        id,
        agent: true,
        admin: false,
    }
}

/// Tuesday 1 December 2026, 10:00 in Paris.
fn state(db: &Db) -> AppState {
    AppState::detached(
        db.clone(),
        url::Url::parse("https://portail.example").unwrap(),
        Clock::fixed(parse_input("2026-12-01T10:00").unwrap()),
    )
}

fn at(raw: &str) -> i64 {
    parse_input(raw).unwrap()
}

/// Accounts without a password (hashing 50 of them would only slow the tests down).
async fn people(state: &AppState, prefix: &str, count: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..count {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, display_name, created_at, updated_at) \
             VALUES ($1, $2, 0, 0) RETURNING id",
        )
        .bind(format!("{prefix}{i}@example.org"))
        .bind(format!("Habitant {i}"))
        .fetch_one(state.db.pool())
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

/// An agenda open every day 09:00–12:00 in 30-minute slots, in a new service whose team
/// is `team`; its id.
pub(crate) async fn agenda(state: &AppState, slug: &str, capacity: &str, team: &[i64]) -> i64 {
    let form = crate::services::admin::ServiceForm {
        slug: format!("service-{slug}"),
        category: "civil_status".into(),
        title: format!("Service {slug}"),
        retention_months: "24".into(),
        published: true,
        ..Default::default()
    };
    let service = crate::services::admin::create_service(state, ADMIN, &form)
        .await
        .unwrap();
    crate::services::admin::update_service(state, ADMIN, service, &form)
        .await
        .unwrap();
    for member in team {
        crate::services::catalogue_repo::add_member(state.db.pool(), service, *member)
            .await
            .unwrap();
    }
    let form = AgendaForm {
        slug: slug.into(),
        service_id: service.to_string(),
        name: format!("Agenda {slug}"),
        place: "Mairie".into(),
        instructions: "Une photo".into(),
        hours: std::array::from_fn(|_| "9h-12h".to_owned()),
        slot_minutes: "30".into(),
        capacity: capacity.into(),
        horizon_days: "30".into(),
        notice_hours: "24".into(),
        published: true,
    };
    admin::save_agenda(state, ADMIN, None, &form).await.unwrap()
}

async fn mails_to(state: &AppState, to: &str) -> Vec<(String, Option<String>)> {
    sqlx::query_as("SELECT subject, calendar FROM mail_outbox WHERE to_address = $1 ORDER BY id")
        .bind(to)
        .fetch_all(state.db.pool())
        .await
        .unwrap()
}

async fn taken(state: &AppState, agenda_id: i64, starts_at: i64) -> i64 {
    repo::slot_states(state.db.pool(), agenda_id, starts_at, starts_at + 1)
        .await
        .unwrap()
        .first()
        .map(|s| s.1)
        .unwrap_or(0)
}

fn conflict(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Conflict(key)) => key,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn field_error(result: Result<impl std::fmt::Debug, AppError>, field: &str) -> String {
    match result {
        Err(AppError::Validation(map)) => map[field][0].clone(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

crate::db_test!(
    fifty_concurrent_bookings_of_the_last_place_give_exactly_one,
    |db| {
        let state = state(&db);
        let agenda = agenda(&state, "cni", "2", &[]).await;
        let slot = at("2026-12-03T09:30");
        let first = people(&state, "premier", 1).await[0];
        service::book(&state, citizen(first), "cni", slot)
            .await
            .unwrap();
        let crowd = people(&state, "foule", 50).await;
        let tasks: Vec<_> = crowd
            .iter()
            .map(|id| {
                let (state, actor) = (state.clone(), citizen(*id));
                tokio::spawn(async move { service::book(&state, actor, "cni", slot).await })
            })
            .collect();
        let mut won = 0;
        let mut taken_errors = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => won += 1,
                Err(AppError::Conflict(key)) if key == "errors.appt_slot_taken" => {
                    taken_errors += 1
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((won, taken_errors), (1, 49));
        assert_eq!(taken(&state, agenda, slot).await, 2);
        let booked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM appointments WHERE starts_at = $1 AND status = 'booked'",
        )
        .bind(slot)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(booked, 2);
        // The losers are offered the next free slots.
        let day = service::day_page(&state, None, "cni", "2026-12-03", None)
            .await
            .unwrap();
        assert!(day.full_slots.contains(&"09:30".to_owned()));
        assert_eq!(day.slots.first().map(|s| s.time.as_str()), Some("09:00"));
    }
);

crate::db_test!(bad_bookings_are_refused_with_a_reason, |db| {
    let state = state(&db);
    let agenda_id = agenda(&state, "cni", "1", &[]).await;
    admin::add_exception(
        &state,
        ADMIN,
        Owner::Agenda(agenda_id),
        &ExceptionForm {
            first_day: "2026-12-10".into(),
            hours: String::new(),
            label: "Fermeture".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ids = people(&state, "r", 2).await;
    let (me, other) = (citizen(ids[0]), citizen(ids[1]));
    let cases = [
        ("2026-11-30T09:00", "errors.appt_past"),
        ("2026-12-01T11:00", "errors.appt_too_soon"),
        ("2027-01-15T09:00", "errors.appt_beyond_horizon"),
        ("2026-12-10T09:00", "errors.appt_closed_day"),
        ("2026-12-04T09:10", "errors.appt_no_such_slot"),
        ("2026-12-04T14:00", "errors.appt_no_such_slot"),
    ];
    for (when, key) in cases {
        assert_eq!(
            field_error(
                service::book(&state, me, "cni", at(when)).await,
                "starts_at"
            ),
            key,
            "{when}"
        );
    }
    let id = service::book(&state, me, "cni", at("2026-12-04T09:00"))
        .await
        .unwrap();
    // Twice the same slot, or a second appointment in the same agenda.
    assert_eq!(
        conflict(service::book(&state, me, "cni", at("2026-12-04T09:00")).await),
        "errors.appt_already_booked"
    );
    assert_eq!(
        conflict(service::book(&state, me, "cni", at("2026-12-05T09:00")).await),
        "errors.appt_already_booked"
    );
    // Someone else's appointment: as if it did not exist, signed in or with a wrong key.
    assert_eq!(
        service::view(&state, Some(other), id, "").await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        service::cancel(&state, Some(other), id, "").await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        service::cancel(&state, None, id, "not-the-key").await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        service::reschedule(&state, Some(other), id, "", at("2026-12-05T09:00")).await,
        Err(AppError::NotFound)
    );
    // An unpublished agenda does not exist for residents.
    assert_eq!(
        service::book(&state, me, "inconnu", at("2026-12-05T09:00")).await,
        Err(AppError::NotFound)
    );
    // The mail link's key manages it without signing in.
    let key: String = sqlx::query_scalar("SELECT manage_key FROM appointments WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let seen = service::view(&state, None, id, &key).await.unwrap();
    assert!(seen.changeable);
    service::cancel(&state, None, id, &key).await.unwrap();
    assert_eq!(
        conflict(service::cancel(&state, Some(me), id, "").await),
        "errors.appt_not_changeable"
    );
    assert_eq!(taken(&state, agenda_id, at("2026-12-04T09:00")).await, 0);
});

crate::db_test!(
    booking_moving_and_cancelling_send_mails_with_the_calendar,
    |db| {
        let state = state(&db);
        let agenda_id = agenda(&state, "cni", "1", &[]).await;
        let me = crate::forum::tests::resident(&state, "camille@example.org").await;
        let id = service::book(&state, citizen(me), "cni", at("2026-12-03T09:00"))
            .await
            .unwrap();
        let (moved, _) =
            service::reschedule(&state, Some(citizen(me)), id, "", at("2026-12-04T11:30"))
                .await
                .unwrap();
        assert_eq!(taken(&state, agenda_id, at("2026-12-03T09:00")).await, 0);
        assert_eq!(taken(&state, agenda_id, at("2026-12-04T11:30")).await, 1);
        let view = service::view(&state, Some(citizen(me)), moved, "")
            .await
            .unwrap();
        assert_eq!(
            (view.time.as_str(), view.day.iso.as_str()),
            ("11:30", "2026-12-04")
        );
        service::cancel(&state, Some(citizen(me)), moved, "")
            .await
            .unwrap();
        let mails = mails_to(&state, "camille@example.org").await;
        let subjects: Vec<&str> = mails.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(mails.len(), 3, "{subjects:?}");
        assert!(
            subjects[0].starts_with("Rendez-vous confirmé"),
            "{subjects:?}"
        );
        assert!(subjects[1].starts_with("Rendez-vous déplacé"));
        assert!(
            subjects[1].contains("vendredi 4 décembre 2026 à 11 h 30"),
            "{subjects:?}"
        );
        assert!(subjects[2].starts_with("Rendez-vous annulé"));
        let booked = mails[0].1.as_deref().unwrap();
        // 09:00 in Paris, written with its zone.
        assert!(
            booked.contains("DTSTART;TZID=Europe/Paris:20261203T090000"),
            "{booked}"
        );
        assert!(mails[2].1.as_deref().unwrap().contains("METHOD:CANCEL"));
        let mine = service::mine(&state, citizen(me), 1).await.unwrap();
        assert_eq!(mine.total, 2);
    }
);

crate::db_test!(a_cancellation_tells_the_first_people_waiting, |db| {
    let state = state(&db);
    let agenda_id = agenda(&state, "conciliateur", "1", &[]).await;
    // One slot a day.
    sqlx::query("UPDATE agendas SET weekly_hours = $1 WHERE id = $2")
        .bind("09:00-09:30|09:00-09:30|09:00-09:30|09:00-09:30|09:00-09:30|09:00-09:30|09:00-09:30")
        .bind(agenda_id)
        .execute(db.pool())
        .await
        .unwrap();
    let ids = people(&state, "attente", 6).await;
    let slot = at("2026-12-05T09:00");
    // Nobody waits for a day with free slots.
    assert_eq!(
        field_error(
            service::wait(&state, citizen(ids[1]), "conciliateur", "2026-12-05").await,
            "day"
        ),
        "errors.appt_day_not_full"
    );
    let booking = service::book(&state, citizen(ids[0]), "conciliateur", slot)
        .await
        .unwrap();
    for waiting in &ids[1..5] {
        service::wait(&state, citizen(*waiting), "conciliateur", "2026-12-05")
            .await
            .unwrap();
    }
    let page = service::day_page(
        &state,
        Some(citizen(ids[1])),
        "conciliateur",
        "2026-12-05",
        None,
    )
    .await
    .unwrap();
    assert!(page.waiting && page.slots.is_empty());
    assert_eq!(
        page.next_free.first().map(|f| f.day.iso.as_str()),
        Some("2026-12-06")
    );
    service::cancel(&state, Some(citizen(ids[0])), booking, "")
        .await
        .unwrap();
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT to_address FROM mail_outbox WHERE subject LIKE 'Une place s%' ORDER BY to_address",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        told,
        vec![
            "attente1@example.org",
            "attente2@example.org",
            "attente3@example.org"
        ],
        "first come, first told"
    );
    let still_waiting = service::day_page(
        &state,
        Some(citizen(ids[4])),
        "conciliateur",
        "2026-12-05",
        None,
    )
    .await
    .unwrap();
    assert!(still_waiting.waiting);
    assert_eq!(still_waiting.slots.len(), 1);
});

crate::db_test!(a_reminder_goes_once_the_day_before, |db| {
    let state = state(&db);
    agenda(&state, "cni", "1", &[]).await;
    let me = people(&state, "rappel", 1).await[0];
    service::book(&state, citizen(me), "cni", at("2026-12-04T09:00"))
        .await
        .unwrap();
    assert_eq!(service::send_reminders(&state).await.unwrap(), 0);
    // Thursday 3 December, 10:00: the appointment is within a day.
    state
        .clock
        .advance_ms(at("2026-12-03T10:00") - at("2026-12-01T10:00"));
    let (a, b) = tokio::join!(
        service::send_reminders(&state),
        service::send_reminders(&state)
    );
    assert_eq!(
        a.unwrap() + b.unwrap(),
        1,
        "one reminder between two processes"
    );
    assert_eq!(service::send_reminders(&state).await.unwrap(), 0);
    let mails = mails_to(&state, "rappel0@example.org").await;
    assert!(mails.last().unwrap().0.starts_with("Rappel"));
    assert!(mails.last().unwrap().1.is_some());
    // Booked less than a day ahead: the confirmation is the reminder.
    let other = people(&state, "tard", 1).await[0];
    service::book(&state, citizen(other), "cni", at("2026-12-04T10:00"))
        .await
        .unwrap();
    assert_eq!(service::send_reminders(&state).await.unwrap(), 0);
});

crate::db_test!(agents_work_on_their_own_agendas_only, |db| {
    let state = state(&db);
    let team = people(&state, "agent", 2).await;
    let agenda_id = agenda(&state, "cni", "1", &[team[0]]).await;
    let resident = crate::forum::tests::resident(&state, "yanis@example.org").await;
    let (mine, outsider) = (agent(team[0]), agent(team[1]));
    let id = service::book(&state, citizen(resident), "cni", at("2026-12-03T09:00"))
        .await
        .unwrap();
    assert_eq!(
        desk::day(&state, outsider, agenda_id, "2026-12-03")
            .await
            .map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        desk::day(&state, citizen(resident), agenda_id, "2026-12-03")
            .await
            .map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        desk::mark(&state, outsider, id, Status::NoShow).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        desk::block(&state, outsider, agenda_id, at("2026-12-03T10:00"), true).await,
        Err(AppError::Forbidden)
    );
    // Presence is recorded from the appointment's day on.
    assert_eq!(
        conflict(desk::mark(&state, mine, id, Status::NoShow).await),
        "errors.appt_not_markable"
    );
    let day = desk::day(&state, mine, agenda_id, "2026-12-03")
        .await
        .unwrap();
    assert_eq!(day.slots.len(), 6);
    assert_eq!(day.slots[0].bookings[0].email, "yanis@example.org");
    // A closed slot refuses residents, and reopens.
    desk::block(&state, mine, agenda_id, at("2026-12-03T10:00"), true)
        .await
        .unwrap();
    let other = people(&state, "autre", 1).await[0];
    assert_eq!(
        conflict(service::book(&state, citizen(other), "cni", at("2026-12-03T10:00")).await),
        "errors.appt_slot_taken"
    );
    // Booking for someone on the phone: a name and a number are enough.
    let empty = desk::book_for(&state, mine, agenda_id, &CounterBooking::default()).await;
    assert_eq!(field_error(empty, "starts_at"), "errors.appt_no_such_slot");
    let phoned = desk::book_for(
        &state,
        mine,
        agenda_id,
        &CounterBooking {
            starts_at: at("2026-12-01T11:30").to_string(),
            channel: "phone".into(),
            name: "Odette Leroy".into(),
            phone: "06 11 22 33 44".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Today's appointment: its presence can be recorded.
    desk::mark(&state, mine, phoned, Status::Attended)
        .await
        .unwrap();
    let today = desk::day(&state, mine, agenda_id, "").await.unwrap();
    let booking = &today
        .slots
        .iter()
        .find(|s| s.time == "11:30")
        .unwrap()
        .bookings[0];
    assert_eq!(
        (booking.name.as_str(), booking.status),
        ("Odette Leroy", Status::Attended)
    );
    // Admin functions are the admins'.
    assert_eq!(
        admin::agendas(&state, mine).await.map(|_| ()),
        Err(AppError::Forbidden)
    );
    assert_eq!(
        admin::save_agenda(&state, mine, Some(agenda_id), &AgendaForm::default()).await,
        Err(AppError::Forbidden)
    );
});

crate::db_test!(
    facilities_say_whether_they_are_open_under_a_fixed_clock,
    |db| {
        let state = state(&db);
        let mut hours: [String; 7] = Default::default();
        hours[1] = "9h-12h, 14h-18h".into();
        hours[2] = "9h-12h".into();
        let form = FacilityForm {
            slug: "mediatheque".into(),
            kind: "library".into(),
            name: "Médiathèque".into(),
            hours,
            published: true,
            ..Default::default()
        };
        let id = admin::save_facility(&state, ADMIN, None, &form)
            .await
            .unwrap();
        // Tuesday 10:00.
        let now = crate::appointments::facilities::directory(&state, "")
            .await
            .unwrap();
        assert_eq!(
            now.facilities[0].state,
            OpenState::Open {
                until: "12:00".into()
            }
        );
        let lunch = crate::appointments::facilities::directory(&state, "2026-12-01T12:30")
            .await
            .unwrap();
        match &lunch.facilities[0].state {
            OpenState::Closed {
                next: Some((day, time)),
            } => {
                assert_eq!((day.iso.as_str(), time.as_str()), ("2026-12-01", "14:00"));
            }
            other => panic!("{other:?}"),
        }
        admin::add_exception(
            &state,
            ADMIN,
            Owner::Facility(id),
            &ExceptionForm {
                first_day: "2026-12-01".into(),
                last_day: "2026-12-02".into(),
                hours: String::new(),
                label: "Inventaire".into(),
            },
        )
        .await
        .unwrap();
        let page = crate::appointments::facilities::facility(&state, "mediatheque", "")
            .await
            .unwrap();
        match page.state {
            OpenState::Closed {
                next: Some((day, _)),
            } => assert_eq!(day.iso, "2026-12-08"),
            other => panic!("{other:?}"),
        }
        assert_eq!(page.exceptions[0].label, "Inventaire");
        assert!(matches!(
            crate::appointments::facilities::directory(&state, "mardi").await,
            Err(AppError::Validation(_))
        ));
        assert_eq!(
            admin::save_facility(&state, citizen(1), Some(id), &form).await,
            Err(AppError::Forbidden)
        );
    }
);
