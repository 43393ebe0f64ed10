//! A resident's export is built with bounded memory, whatever the account holds: 64 MB
//! of attachments make an export while the process never holds 16 MB more than before
//! (the bytes in use, counted by the `cap` allocator in this test binary only, sampled
//! every millisecond).

// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use cap::Cap;
use std::alloc::System;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The system allocator, counting the bytes in use.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// One engine at a time: the peak is the whole process's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const FILES: usize = 16;
const FILE_BYTES: usize = 4 * 1024 * 1024;

app::db_test!(an_export_of_many_files_is_built_with_bounded_memory, |db| {
    let _alone = ONE_AT_A_TIME.lock().await;
    app::demo::load(&db, &app::server::clock::Clock::System)
        .await
        .unwrap();
    let mut state = common::state(db.clone(), "http://127.0.0.1:3000");
    state.uploads.dir = std::env::temp_dir().join(format!(
        "parvis-export-memory-{}-{}",
        std::process::id(),
        db.kind().name()
    ));
    let camille: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'camille.martin@example.org'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let (service, version): (i64, i64) =
        sqlx::query_as("SELECT service_id, id FROM service_form_versions ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let request: i64 = sqlx::query_scalar(
        "INSERT INTO service_requests (service_id, form_version_id, user_id, channel, status, \
         created_at, updated_at) VALUES ($1, $2, $3, 'web', 'submitted', 0, 0) RETURNING id",
    )
    .bind(service)
    .bind(version)
    .bind(camille)
    .fetch_one(db.pool())
    .await
    .unwrap();
    // Files of random bytes (incompressible) behind a PDF header.
    for n in 0..FILES {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1);
        bytes.extend((0..FILE_BYTES).map(|_| {
            // xorshift64: bytes a compressor cannot shrink.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        }));
        let key = state.uploads.store(&bytes).await.unwrap();
        drop(bytes);
        sqlx::query(
            "INSERT INTO request_attachments (request_id, field_key, file_name, content_type, \
             size, storage_key, uploaded_by, created_at) \
             VALUES ($1, 'c1', $2, 'application/pdf', $3, $4, $5, 0)",
        )
        .bind(request)
        .bind(format!("piece-{n}.pdf"))
        .bind(FILE_BYTES as i64)
        .bind(&key)
        .bind(camille)
        .execute(db.pool())
        .await
        .unwrap();
    }
    // A thread samples the bytes in use every millisecond while the export is built.
    let before = ALLOCATOR.allocated();
    let highest = Arc::new(AtomicUsize::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (highest, done) = (highest.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                highest.fetch_max(ALLOCATOR.allocated(), Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let id = app::privacy::export::request(&state, camille)
        .await
        .unwrap();
    assert_eq!(app::privacy::export::run_pending(&state).await.unwrap(), 1);
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let peak = highest.load(Ordering::Relaxed).saturating_sub(before);
    let (_, path) = app::privacy::export::download(&state, camille, id)
        .await
        .unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    assert!(
        size > FILES * FILE_BYTES / 2,
        "the export holds the files: {size} bytes"
    );
    assert!(
        peak < 16 * 1024 * 1024,
        "building a {size}-byte export took {peak} bytes of memory at its peak"
    );
    let _ = std::fs::remove_dir_all(&state.uploads.dir);
});
