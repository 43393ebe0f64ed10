//! Services and requests on SQLite and PostgreSQL: filing, drafts and tracking numbers,
//! who may see what, processing with its timeline, notification and mail in one
//! transaction, versioned forms, attachments checked by content, counter filing.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use super::admin::{self, FieldChange, FieldForm, ServiceForm};
use super::files::Upload;
use super::model::{RawForm, Status};
use super::processing;
use super::service::{self, Actor, Go, Saved};
use super::views::QueueFilter;
use crate::accounts::model::Role;
use crate::error::AppError;
use crate::forum::tests::{resident, state};
use crate::server::state::AppState;

pub(crate) const PDF: &[u8] =
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

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

const ADMIN: Actor = Actor {
    id: 0,
    agent: false,
    admin: true,
};

async fn staff(state: &AppState, email: &str, role: Role) -> i64 {
    let id = resident(state, email).await;
    crate::accounts::repo::grant_role(state.db.pool(), id, role, 0)
        .await
        .unwrap();
    id
}

pub(crate) fn with_uploads(mut state: AppState) -> AppState {
    state.uploads.dir =
        std::env::temp_dir().join(format!("parvis-test-{:x}", rand::random::<u64>()));
    state
}

fn field(kind: &str, label: &str, required: bool, options: &str, condition: &str) -> FieldForm {
    FieldForm {
        kind: kind.into(),
        label: label.into(),
        help: String::new(),
        required,
        options: options.into(),
        condition: condition.into(),
    }
}

/// A published service "canteen" with: c1 child's name (required), c2 allergy (Oui/Non,
/// required), c3 allergy detail (only if Oui, required), c4 proof (file, optional).
pub(crate) async fn canteen(state: &AppState, slug: &str, team: &[i64]) -> i64 {
    let form = ServiceForm {
        slug: slug.into(),
        category: "school".into(),
        title: format!("Cantine {slug}"),
        retention_months: "36".into(),
        published: true,
        ..Default::default()
    };
    let id = admin::create_service(state, ADMIN, &form).await.unwrap();
    admin::update_service(state, ADMIN, id, &form)
        .await
        .unwrap();
    for f in [
        field("short_text", "Prénom de l’enfant", true, "", ""),
        field("choice", "Allergie ?", true, "Oui\nNon", ""),
        field("long_text", "Laquelle ?", true, "", "c2=Oui"),
        field("file", "Justificatif", false, "", ""),
    ] {
        admin::change_form(state, ADMIN, id, &FieldChange::Save(None, f))
            .await
            .unwrap();
    }
    for member in team {
        super::catalogue_repo::add_member(state.db.pool(), id, *member)
            .await
            .unwrap();
    }
    id
}

fn raw(pairs: &[(&str, &str)]) -> RawForm {
    let mut out = RawForm::new();
    for (k, v) in pairs {
        out.entry((*k).to_owned())
            .or_default()
            .push((*v).to_owned());
    }
    out
}

pub(crate) async fn file(state: &AppState, who: i64, slug: &str) -> i64 {
    let id = service::start(state, citizen(who), slug).await.unwrap();
    let saved = service::save_form(
        state,
        citizen(who),
        id,
        &raw(&[("f.c1", "Léa"), ("f.c2", "Non")]),
        Vec::new(),
        Go::Submit,
    )
    .await
    .unwrap();
    assert_eq!(saved, Saved::Submitted);
    id
}

/// Léa's canteen request, filed, and Inès, agent of the canteen: (state, Léa, Inès,
/// the request).
async fn filed_with_agent(db: &crate::server::db::Db) -> (AppState, i64, i64, i64) {
    let state = with_uploads(state(db));
    let lea = resident(&state, "lea@example.org").await;
    let ines = staff(&state, "ines@mairie.fr", Role::Agent).await;
    canteen(&state, "cantine", &[ines]).await;
    let id = file(&state, lea, "cantine").await;
    (state, lea, ines, id)
}

async fn count(state: &AppState, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(state.db.pool())
        .await
        .unwrap()
}

crate::db_test!(
    a_request_is_drafted_then_submitted_with_a_tracking_number,
    |db| {
        let state = with_uploads(state(&db));
        let lea = resident(&state, "lea@example.org").await;
        canteen(&state, "cantine", &[]).await;
        let id = service::start(&state, citizen(lea), "cantine")
            .await
            .unwrap();
        // Starting again reopens the same draft.
        assert_eq!(
            service::start(&state, citizen(lea), "cantine")
                .await
                .unwrap(),
            id
        );
        // Submitting with a missing answer and a hidden field filled in: refused field by
        // field, and what was typed is kept in the draft.
        let typed = raw(&[("f.c2", "Non"), ("f.c3", "arachides")]);
        let err = service::save_form(&state, citizen(lea), id, &typed, Vec::new(), Go::Submit)
            .await
            .unwrap_err();
        let AppError::Validation(errors) = err else {
            panic!("expected field errors");
        };
        assert_eq!(errors["f.c1"], vec!["errors.required".to_owned()]);
        assert_eq!(
            errors["f.c3"],
            vec!["errors.request_hidden_field".to_owned()]
        );
        let view = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(view.status, Status::Draft);
        assert_eq!(view.reference, None);
        assert_eq!(view.answers["c3"].display(), "arachides");
        // Corrected: submitted, numbered, acknowledged by mail.
        let fixed = raw(&[("f.c1", "Léa"), ("f.c2", "Oui"), ("f.c3", "arachides")]);
        let saved = service::save_form(&state, citizen(lea), id, &fixed, Vec::new(), Go::Submit)
            .await
            .unwrap();
        assert_eq!(saved, Saved::Submitted);
        let view = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(view.status, Status::Submitted);
        let reference = view.reference.unwrap();
        assert!(reference.ends_with("-000001"), "{reference}");
        assert_eq!(
            count(
                &state,
                "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'lea@example.org'"
            )
            .await,
            1
        );
        // A submitted request's form cannot be changed any more.
        let again =
            service::save_form(&state, citizen(lea), id, &fixed, Vec::new(), Go::Save).await;
        assert_eq!(
            again,
            Err(AppError::Conflict("errors.request_not_editable".into()))
        );
        let second = file(&state, lea, "cantine").await;
        let view = service::view(&state, citizen(lea), second).await.unwrap();
        assert!(view.reference.unwrap().ends_with("-000002"));
    }
);

crate::db_test!(
    residents_see_their_requests_and_agents_those_of_their_services,
    |db| {
        let state = with_uploads(state(&db));
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        let ines = staff(&state, "ines@mairie.fr", Role::Agent).await;
        let outsider = staff(&state, "paul@mairie.fr", Role::Agent).await;
        let canteen_id = canteen(&state, "cantine", &[ines]).await;
        let other = canteen(&state, "autre", &[outsider]).await;
        let id = file(&state, lea, "cantine").await;
        // Another resident and an agent of another service learn nothing.
        assert_eq!(
            service::view(&state, citizen(tom), id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            service::view(&state, agent(outsider), id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            service::cancel(&state, citizen(tom), id).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            service::post_message(&state, citizen(tom), id, "Bonjour", None).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            processing::change_status(&state, agent(outsider), id, Status::Accepted, "Oui").await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            processing::queue(
                &state,
                agent(outsider),
                canteen_id,
                &QueueFilter::default(),
                1
            )
            .await
            .map(|_| ()),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            processing::queue_csv(&state, agent(ines), other, &QueueFilter::default())
                .await
                .map(|_| ()),
            Err(AppError::Forbidden)
        );
        // The resident may not process their own request.
        assert_eq!(
            processing::change_status(&state, citizen(lea), id, Status::Accepted, "Oui").await,
            Err(AppError::Forbidden)
        );
        // The team's agent sees it, and the opening is recorded.
        let before = count(&state, "SELECT COUNT(*) FROM request_accesses").await;
        let view = service::view(&state, agent(ines), id).await.unwrap();
        assert!(view.as_agent);
        assert_eq!(
            count(&state, "SELECT COUNT(*) FROM request_accesses").await,
            before + 1
        );
        let queue = processing::queue(&state, agent(ines), canteen_id, &QueueFilter::default(), 1)
            .await
            .unwrap();
        assert_eq!(queue.requests.total, 1);
        // Admins manage the catalogue; agents and residents may not.
        let form = ServiceForm::default();
        assert_eq!(
            admin::create_service(&state, agent(ines), &form).await,
            Err(AppError::Forbidden)
        );
        assert_eq!(
            admin::service_admin(&state, citizen(lea), canteen_id)
                .await
                .map(|_| ()),
            Err(AppError::Forbidden)
        );
    }
);

crate::db_test!(
    a_long_timeline_is_shown_a_page_at_a_time_latest_first,
    |db| {
        use crate::services::requests_repo::{insert_event, NewEvent};
        use crate::services::views::EventKind;
        let (state, lea, ines, id) = filed_with_agent(&db).await;
        let before = service::view(&state, agent(ines), id).await.unwrap();
        let first_events = i64::try_from(before.events.len()).unwrap();
        // 110 messages, and 10 internal notes the resident never sees.
        let mut conn = state.db.pool().acquire().await.unwrap();
        for n in 0..120 {
            let body = format!("Échange {n}");
            let note = n % 12 == 11;
            let event = NewEvent {
                request_id: id,
                kind: if note {
                    EventKind::Note
                } else {
                    EventKind::Message
                },
                status: None,
                author_id: Some(if note { ines } else { lea }),
                from_agent: note,
                body: &body,
            };
            insert_event(&mut conn, &event, 1_000 + n).await.unwrap();
        }
        drop(conn);
        let per_page = i64::from(crate::services::model::TIMELINE_PER_PAGE);
        let agents_total = first_events + 120;
        let residents_total = first_events + 110;
        let latest = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(latest.timeline_page, 1);
        let pages = |total: i64| u32::try_from((total + per_page - 1) / per_page).unwrap();
        assert_eq!(latest.timeline_pages, pages(residents_total));
        assert_eq!(latest.events.len(), 50);
        // Page 1 holds the latest events, oldest first.
        assert_eq!(latest.events.last().unwrap().body, "Échange 118");
        assert!(latest.events.windows(2).all(|w| w[0].id < w[1].id));
        assert!(!latest.events.iter().any(|e| e.kind == EventKind::Note));
        // The last page holds the first events; pages cover everything once.
        let mut seen = Vec::new();
        for page in 1..=latest.timeline_pages {
            let view = service::view_page(&state, citizen(lea), id, page)
                .await
                .unwrap();
            seen.extend(view.events.iter().map(|e| e.id));
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(i64::try_from(seen.len()).unwrap(), residents_total);
        // Agents see the notes too; a page past the end shows the last one.
        let agents = service::view_page(&state, agent(ines), id, 99)
            .await
            .unwrap();
        assert_eq!(agents.timeline_pages, pages(agents_total));
        assert_eq!(agents.timeline_page, agents.timeline_pages);
        assert_eq!(agents.events.first().unwrap().id, before.events[0].id);
        // Someone else's request stays refused whatever the page.
        let tom = resident(&state, "tom@example.org").await;
        assert_eq!(
            service::view_page(&state, citizen(tom), id, 2)
                .await
                .map(|_| ()),
            Err(AppError::NotFound)
        );
    }
);

crate::db_test!(
    processing_writes_status_timeline_notification_and_mail_together,
    |db| {
        let (state, lea, ines, id) = filed_with_agent(&db).await;
        // Asking for information needs a message to the resident.
        let err = processing::change_status(&state, agent(ines), id, Status::InfoRequested, " ")
            .await
            .unwrap_err();
        assert_eq!(
            err,
            AppError::field("message", "errors.request_reason_required")
        );
        let mails = count(&state, "SELECT COUNT(*) FROM mail_outbox").await;
        processing::change_status(
            &state,
            agent(ines),
            id,
            Status::InfoRequested,
            "Merci d’ajouter un justificatif.",
        )
        .await
        .unwrap();
        assert_eq!(
            count(&state, "SELECT COUNT(*) FROM mail_outbox").await,
            mails + 1
        );
        assert_eq!(
            crate::notifications::repo::unread_count(state.db.pool(), lea)
                .await
                .unwrap(),
            1
        );
        // The total shown on "Mon espace" (a sum: `NUMERIC` on PostgreSQL, cast back).
        assert_eq!(
            crate::services::requests_repo::unread_messages(state.db.pool(), lea)
                .await
                .unwrap(),
            1
        );
        processing::add_note(&state, agent(ines), id, "Dossier incomplet, rappeler.")
            .await
            .unwrap();
        // The resident sees the message, not the note; opening the page reads the news.
        let view = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(view.status, Status::InfoRequested);
        assert!(view
            .events
            .iter()
            .any(|e| e.body == "Merci d’ajouter un justificatif."));
        assert!(!view.events.iter().any(|e| e.body.contains("rappeler")));
        assert_eq!(
            crate::notifications::repo::unread_count(state.db.pool(), lea)
                .await
                .unwrap(),
            0
        );
        // The resident completes the form with a file and sends it back.
        let proof = Upload {
            field: "file.c4".into(),
            file_name: "justificatif.pdf".into(),
            bytes: PDF.to_vec(),
            too_large: false,
        };
        let saved = service::save_form(
            &state,
            citizen(lea),
            id,
            &raw(&[("f.c1", "Léa"), ("f.c2", "Non")]),
            vec![proof],
            Go::Submit,
        )
        .await
        .unwrap();
        assert_eq!(saved, Saved::Submitted);
        // A decision that is not possible from the current status is refused.
        assert_eq!(
            processing::change_status(&state, agent(ines), id, Status::Closed, "").await,
            Err(AppError::Conflict("errors.request_move_invalid".into()))
        );
        processing::change_status(
            &state,
            agent(ines),
            id,
            Status::Accepted,
            "Inscription validée.",
        )
        .await
        .unwrap();
        let view = service::view(&state, agent(ines), id).await.unwrap();
        assert_eq!(view.status, Status::Accepted);
        assert_eq!(view.attachments.len(), 1);
        assert!(view.events.iter().any(|e| e.body.contains("rappeler")));
        let stats = processing::stats(&state, agent(ines), view.service_id)
            .await
            .unwrap();
        assert_eq!(stats.overall.decided, 1);
        // Cancelling is no longer possible once decided.
        assert_eq!(
            service::cancel(&state, citizen(lea), id).await,
            Err(AppError::Conflict("errors.request_not_cancellable".into()))
        );
    }
);

crate::db_test!(requests_keep_the_form_version_they_were_filed_with, |db| {
    let state = with_uploads(state(&db));
    let lea = resident(&state, "lea@example.org").await;
    let service_id = canteen(&state, "cantine", &[]).await;
    let first = file(&state, lea, "cantine").await;
    admin::change_form(
        &state,
        ADMIN,
        service_id,
        &FieldChange::Save(None, field("date", "Date d’entrée", true, "", "")),
    )
    .await
    .unwrap();
    let data = admin::service_admin(&state, ADMIN, service_id)
        .await
        .unwrap();
    assert_eq!(data.form_version, 2);
    assert_eq!(data.fields.len(), 5);
    let old = service::view(&state, citizen(lea), first).await.unwrap();
    assert_eq!((old.form_version, old.fields.len()), (1, 4));
    let draft = service::start(&state, citizen(lea), "cantine")
        .await
        .unwrap();
    let new = service::view(&state, citizen(lea), draft).await.unwrap();
    assert_eq!((new.form_version, new.fields.len()), (2, 5));
    // The new draft uses version 2, so the next edit writes version 3.
    admin::change_form(
        &state,
        ADMIN,
        service_id,
        &FieldChange::Move("c5".into(), true),
    )
    .await
    .unwrap();
    assert_eq!(
        admin::service_admin(&state, ADMIN, service_id)
            .await
            .unwrap()
            .form_version,
        3
    );
});

crate::db_test!(
    files_are_checked_by_content_and_served_to_the_right_people,
    |db| {
        let state = with_uploads(state(&db));
        let lea = resident(&state, "lea@example.org").await;
        let tom = resident(&state, "tom@example.org").await;
        canteen(&state, "cantine", &[]).await;
        let id = service::start(&state, citizen(lea), "cantine")
            .await
            .unwrap();
        let html = Upload {
            field: "file.c4".into(),
            file_name: "avis.pdf".into(),
            bytes: b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            too_large: false,
        };
        let big = Upload {
            field: "file.c4".into(),
            file_name: "scan.pdf".into(),
            bytes: Vec::new(),
            too_large: true,
        };
        let err = service::save_form(
            &state,
            citizen(lea),
            id,
            &raw(&[("f.c1", "Léa")]),
            vec![html, big],
            Go::Save,
        )
        .await
        .unwrap_err();
        let AppError::Validation(errors) = err else {
            panic!("expected field errors");
        };
        assert_eq!(
            errors["file.c4"],
            vec![
                "errors.file_type".to_owned(),
                "errors.file_too_large".to_owned()
            ]
        );
        assert_eq!(
            count(&state, "SELECT COUNT(*) FROM request_attachments").await,
            0
        );
        // The typed name was kept nonetheless.
        let view = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(view.answers["c1"].display(), "Léa");
        let pdf = Upload {
            field: "file.c4".into(),
            file_name: "../justificatif.pdf".into(),
            bytes: PDF.to_vec(),
            too_large: false,
        };
        service::save_form(
            &state,
            citizen(lea),
            id,
            &RawForm::new(),
            vec![pdf],
            Go::Save,
        )
        .await
        .unwrap();
        let view = service::view(&state, citizen(lea), id).await.unwrap();
        assert_eq!(view.attachments.len(), 1);
        assert_eq!(view.attachments[0].file_name, "justificatif.pdf");
        let file_id = view.attachments[0].id;
        let (name, content_type, bytes) =
            crate::services::upload::download(&state, Some(lea), file_id)
                .await
                .unwrap();
        assert_eq!(
            (name.as_str(), content_type.as_str()),
            ("justificatif.pdf", "application/pdf")
        );
        assert_eq!(bytes, PDF);
        assert_eq!(
            crate::services::upload::download(&state, Some(tom), file_id)
                .await
                .map(|_| ()),
            Err(AppError::NotFound)
        );
        assert_eq!(
            crate::services::upload::download(&state, None, file_id)
                .await
                .map(|_| ()),
            Err(AppError::Unauthenticated)
        );
        // Deleting the draft deletes its files.
        service::delete_draft(&state, citizen(lea), id)
            .await
            .unwrap();
        assert_eq!(
            count(&state, "SELECT COUNT(*) FROM request_attachments").await,
            0
        );
        let _ = std::fs::remove_dir_all(&state.uploads.dir);
    }
);

crate::db_test!(agents_file_requests_for_residents_at_the_counter, |db| {
    let state = with_uploads(state(&db));
    let lea = resident(&state, "lea@example.org").await;
    let ines = staff(&state, "ines@mairie.fr", Role::Agent).await;
    let service_id = canteen(&state, "cantine", &[ines]).await;
    let form = processing::CounterForm {
        channel: "web".into(),
        ..Default::default()
    };
    let AppError::Validation(errors) =
        processing::start_for_resident(&state, agent(ines), service_id, &form)
            .await
            .unwrap_err()
    else {
        panic!("expected field errors");
    };
    assert!(errors.contains_key("channel") && errors.contains_key("name"));
    // A resident with an account: the request appears in their space once submitted,
    // not while the agent is filling it in.
    let form = processing::CounterForm {
        channel: "counter".into(),
        email: "lea@example.org".into(),
        ..Default::default()
    };
    let id = processing::start_for_resident(&state, agent(ines), service_id, &form)
        .await
        .unwrap();
    assert_eq!(
        service::view(&state, citizen(lea), id).await.map(|_| ()),
        Err(AppError::NotFound)
    );
    service::save_form(
        &state,
        agent(ines),
        id,
        &raw(&[("f.c1", "Léa"), ("f.c2", "Non")]),
        Vec::new(),
        Go::Submit,
    )
    .await
    .unwrap();
    let view = service::view(&state, citizen(lea), id).await.unwrap();
    assert_eq!(view.status, Status::Submitted);
    assert_eq!(view.channel, crate::services::model::Channel::Counter);
    // Someone without an account, reached by phone.
    let form = processing::CounterForm {
        channel: "phone".into(),
        name: "Jeanne Roux".into(),
        phone: "01 23 45 67 89".into(),
        ..Default::default()
    };
    let other = processing::start_for_resident(&state, agent(ines), service_id, &form)
        .await
        .unwrap();
    service::save_form(
        &state,
        agent(ines),
        other,
        &raw(&[("f.c1", "Paul"), ("f.c2", "Non")]),
        Vec::new(),
        Go::Submit,
    )
    .await
    .unwrap();
    let filter = QueueFilter {
        search: "jeanne".into(),
        ..Default::default()
    };
    let queue = processing::queue(&state, agent(ines), service_id, &filter, 1)
        .await
        .unwrap();
    assert_eq!(queue.requests.total, 1);
    assert_eq!(queue.requests.items[0].resident, "Jeanne Roux");
    let csv = processing::queue_csv(&state, agent(ines), service_id, &QueueFilter::default())
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 3);
});

crate::db_test!(
    tracking_numbers_stay_unique_when_requests_arrive_together,
    |db| {
        let state = with_uploads(state(&db));
        canteen(&state, "cantine", &[]).await;
        let mut drafts = Vec::new();
        for i in 0..20 {
            let who = resident(&state, &format!("r{i}@example.org")).await;
            drafts.push((
                who,
                service::start(&state, citizen(who), "cantine")
                    .await
                    .unwrap(),
            ));
        }
        let mut tasks = Vec::new();
        for (who, id) in drafts {
            let state = state.clone();
            tasks.push(tokio::spawn(async move {
                service::save_form(
                    &state,
                    citizen(who),
                    id,
                    &raw(&[("f.c1", "Léa"), ("f.c2", "Non")]),
                    Vec::new(),
                    Go::Submit,
                )
                .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), Ok(Saved::Submitted));
        }
        assert_eq!(
            count(
                &state,
                "SELECT COUNT(DISTINCT reference) FROM service_requests"
            )
            .await,
            20
        );
    }
);
