//! Two `parvis serve` processes on one PostgreSQL database behave as one site.
//!
//! Starts two real server processes (the binary under test) on a fresh database with the
//! demo commune, then checks, over real sockets:
//! - a session opened on one process is valid on the other (sessions live in the
//!   database);
//! - a comment posted through process A reaches a browser connected to process B's
//!   event stream within one second (LISTEN/NOTIFY wake-up, event read from the table),
//!   and a browser reconnecting to A with `Last-Event-ID` receives it again;
//! - with a batch of queued mails being sent by both processes, killing A (`SIGKILL`) in
//!   the middle loses no mail: B sends the rest, including the one A had taken (after
//!   its lease); no mail is sent twice, except at most the one A was writing when it was
//!   killed (mail delivery is at least once: see README, "Several server processes").
//!
//! PostgreSQL is reached through `PARVIS_TEST_DATABASE_URL`, as by the other tests.

use app::server::db::Db;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A `parvis serve` process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    mail_dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str, direct: &str, work: &Path, name: &str) -> Server {
    let port = free_port();
    let mail_dir = work.join(format!("mails-{name}"));
    let site = work.join("site");
    std::fs::create_dir_all(&site).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_parvis"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("PARVIS_DIRECT_DATABASE_URL", direct)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "parvis")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_HASH_FILES", "false")
        .env("LEPTOS_ENV", "PROD")
        .env("PARVIS_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("PARVIS_MAIL_DIR", &mail_dir)
        // One instance key for both processes, as in production; none left in the tree.
        .env("PARVIS_SECRET_KEY_FILE", work.join("secret.key"))
        .env("PARVIS_MAIL_LEASE_SECONDS", "2")
        .env("PARVIS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start parvis");
    Server {
        child,
        port,
        mail_dir,
    }
}

/// One HTTP/1.1 exchange: status, headers (lower-case names) and body.
async fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, BTreeMap<String, String>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut raw))
        .await
        .expect("an answer within 30 s")
        .unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut headers = BTreeMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            headers
                .entry(name.trim().to_ascii_lowercase())
                .and_modify(|v: &mut String| {
                    v.push('\n');
                    v.push_str(value.trim());
                })
                .or_insert_with(|| value.trim().to_owned());
        }
    }
    (status, headers, body.to_owned())
}

/// A same-origin form post, as the browser sends it.
async fn post_form(
    port: u16,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (u16, BTreeMap<String, String>) {
    let origin = format!("http://127.0.0.1:{port}");
    let mut headers = vec![
        ("Origin", origin.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
        ("Accept", "text/html"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    if let Some(cookie) = cookie {
        headers.push(("Cookie", cookie));
    }
    let (status, headers, _) = exchange(port, "POST", path, &headers, body).await;
    (status, headers)
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn wait_until_up(server: &Server) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(stream) = TcpStream::connect(("127.0.0.1", server.port)).await {
            drop(stream);
            let (status, _, _) = exchange(server.port, "GET", "/healthz", &[], "").await;
            if status == 200 {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the server on port {} did not start",
            server.port
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens `proposal`'s event stream on `port` after event `after`, and returns the time
/// at which a chunk containing `needle` arrived (waiting at most `limit`).
async fn stream_until(
    port: u16,
    proposal: i64,
    after: i64,
    needle: String,
    limit: Duration,
) -> Option<Instant> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "GET /forum/propositions/{proposal}/evenements HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\nLast-Event-ID: {after}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    let mut buf = [0_u8; 8192];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await;
        match read {
            Ok(Ok(n)) if n > 0 => {
                seen.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&seen).contains(&needle) {
                    return Some(Instant::now());
                }
            }
            _ => return None,
        }
    }
}

fn mail_ids(dir: &Path) -> Vec<i64> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix("mail-")?
                .strip_suffix(".eml")?
                .parse()
                .ok()
        })
        .collect()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_database_behave_as_one_site() {
    let admin_url = app::server::testing::postgres_admin_url();
    let admin = Db::connect(&admin_url)
        .await
        .expect("PostgreSQL must be running for this test (see README)");
    let name = format!(
        "parvis_cluster_{}_{:08x}",
        std::process::id(),
        rand_suffix()
    );
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .unwrap();
    let url = app::server::testing::replace_database(&admin_url, &name);
    // Behind a pooler in transaction mode (CI's PgBouncer run), migrations and LISTEN go
    // to PostgreSQL itself, as in production.
    let direct = std::env::var("PARVIS_TEST_DIRECT_DATABASE_URL")
        .map(|direct| app::server::testing::replace_database(&direct, &name))
        .unwrap_or_else(|_| url.clone());
    let work = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&work).unwrap();

    let outcome = tokio::spawn(scenario(url.clone(), direct, work.clone())).await;

    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(admin.pool())
        .await;
    admin.close().await;
    let _ = std::fs::remove_dir_all(&work);
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
}

async fn scenario(url: String, direct: String, work: PathBuf) {
    let status = Command::new(env!("CARGO_BIN_EXE_parvis"))
        .arg("demo-data")
        .env("DATABASE_URL", &url)
        .env("PARVIS_DIRECT_DATABASE_URL", &direct)
        .env("PARVIS_LOG", "warn")
        .status()
        .unwrap();
    assert!(status.success(), "parvis demo-data");
    let db = Db::connect(&url).await.unwrap();

    let mut a = start(&url, &direct, &work, "a");
    let b = start(&url, &direct, &work, "b");
    wait_until_up(&a).await;
    wait_until_up(&b).await;

    // A session opened through A is valid on B.
    let (email, _, _) = app::demo::DEMO_ACCOUNTS
        .iter()
        .find(|(email, _, _)| email.starts_with("camille"))
        .unwrap();
    let (status, headers) = post_form(
        a.port,
        "/api/sign_in",
        &format!(
            "email={}&password={}&next=",
            encode(email),
            encode(app::demo::DEMO_PASSWORD)
        ),
        None,
    )
    .await;
    assert!(matches!(status, 302 | 303), "sign-in through A: {status}");
    assert_eq!(
        headers.get("location").map(String::as_str),
        Some("/mon-espace")
    );
    let cookie = headers["set-cookie"]
        .lines()
        .find(|c| c.starts_with("parvis_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned();
    let (status, _, page) =
        exchange(b.port, "GET", "/mon-espace", &[("Cookie", &cookie)], "").await;
    assert_eq!(status, 200, "the session is valid on B");
    assert!(page.contains("Camille"), "B knows who is signed in");

    // Both processes listen to PostgreSQL's notifications (else streams poll each second).
    for server in [&a, &b] {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, _, health) = exchange(server.port, "GET", "/healthz", &[], "").await;
            if health.contains("\"live_updates\":\"notify\"") {
                break;
            }
            assert!(Instant::now() < deadline, "not listening: {health}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // A comment posted through A reaches a stream held open on B within a second.
    let proposal = 1_i64;
    let before: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM forum_events WHERE proposal_id = $1")
            .bind(proposal)
            .fetch_one(db.pool())
            .await
            .unwrap();
    let text = format!("Relayé d'un serveur à l'autre {}", rand_suffix());
    // A signed-out visitor's page is kept by B (the second visit is served from memory).
    let page_path = format!("/forum/propositions/{proposal}");
    let (status, first, _) = exchange(b.port, "GET", &page_path, &[], "").await;
    assert_eq!(status, 200);
    assert_eq!(
        first.get("x-parvis-cache").map(String::as_str),
        Some("miss")
    );
    let (_, second, _) = exchange(b.port, "GET", &page_path, &[], "").await;
    assert_eq!(
        second.get("x-parvis-cache").map(String::as_str),
        Some("hit")
    );
    // Events name what changed, never the text: the stream announces a new comment.
    let announced = r#""type":"comment""#.to_owned();
    let on_b = tokio::spawn(stream_until(
        b.port,
        proposal,
        before,
        announced.clone(),
        Duration::from_secs(10),
    ));
    // The stream on B is open and has read the (empty) backlog before the write.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posted_at = Instant::now();
    let (status, _) = post_form(
        a.port,
        "/api/add_comment",
        &format!("proposal_id={proposal}&body={}", encode(&text)),
        Some(&cookie),
    )
    .await;
    assert!(matches!(status, 302 | 303), "comment through A: {status}");
    let arrived = on_b.await.unwrap().expect("the comment reached B's stream");
    let delay = arrived.saturating_duration_since(posted_at);
    println!("comment posted through A reached B's stream after {delay:?}");
    assert!(delay < Duration::from_secs(1), "reached B after {delay:?}");
    // B's kept page was dropped by the event's notification: signed-out visitors of B
    // see the comment written through A.
    let (_, headers, page) = exchange(b.port, "GET", &page_path, &[], "").await;
    assert_eq!(
        headers.get("x-parvis-cache").map(String::as_str),
        Some("miss")
    );
    assert!(page.contains(&text), "B shows the comment posted through A");
    // A change that records no event (a new proposal, through A) reaches B's kept list.
    let (_, _, _) = exchange(b.port, "GET", "/forum", &[], "").await;
    let (_, kept, _) = exchange(b.port, "GET", "/forum", &[], "").await;
    assert_eq!(kept.get("x-parvis-cache").map(String::as_str), Some("hit"));
    let title = format!("Des bancs au lavoir {}", rand_suffix());
    let (status, _) = post_form(
        a.port,
        "/api/create_proposal",
        &format!(
            "title={}&body=Pour+s%27asseoir.&theme=environnement&neighbourhood=",
            encode(&title)
        ),
        Some(&cookie),
    )
    .await;
    assert!(matches!(status, 302 | 303), "proposal through A: {status}");
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let (_, _, list) = exchange(b.port, "GET", "/forum", &[], "").await;
        if list.contains(&title) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B's list still lacks the new proposal"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Asked to stop (SIGTERM) while a browser holds a live-update stream open, B closes
    // the stream at once (the browser reconnects elsewhere) and stops within a second or
    // two instead of waiting out its 10-second grace.
    let held = tokio::spawn(stream_until(
        b.port,
        proposal,
        0,
        "never sent".into(),
        Duration::from_secs(60),
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stop_asked = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &b.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut b = b;
    loop {
        if b.child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            stop_asked.elapsed() < Duration::from_secs(20),
            "B did not stop after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "B stopped {:?} after SIGTERM with a stream open",
        stop_asked.elapsed()
    );
    assert!(
        stop_asked.elapsed() < Duration::from_secs(3),
        "B held on to its open stream for {:?}",
        stop_asked.elapsed()
    );
    held.abort();
    let b = start(&url, &direct, &work, "b");
    wait_until_up(&b).await;

    // A browser that lost its connection reconnects to A and gets what it missed.
    let replayed = stream_until(
        a.port,
        proposal,
        before,
        announced.clone(),
        Duration::from_secs(5),
    )
    .await;
    assert!(replayed.is_some(), "replayed from Last-Event-ID on A");

    // A batch of mails sent by both processes; A is killed in the middle of it.
    const MAILS: i64 = 1_000;
    let already = count(&db, "SELECT COUNT(*) FROM mail_outbox").await;
    let now = app::server::clock::Clock::System.now_ms();
    for n in 0..MAILS {
        let mail = app::mail::outbox::OutgoingMail {
            to: format!("habitant{n}@example.org"),
            subject: format!("Lot {n}"),
            text: "Bonjour".into(),
            html: "<p>Bonjour</p>".into(),
            calendar: None,
        };
        app::mail::outbox::enqueue(&db, &mail, now).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while mail_ids(&a.mail_dir).len() < 20 {
        assert!(Instant::now() < deadline, "A did not start sending");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let unsent_at_kill = count(
        &db,
        "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL",
    )
    .await;
    println!("A killed with {unsent_at_kill} of {MAILS} mails left to send");
    assert!(
        unsent_at_kill > 0,
        "A was killed in the middle of the batch"
    );

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let unsent = count(
            &db,
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await;
        if unsent == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{unsent} mails never sent after A died"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let failed = count(
        &db,
        "SELECT COUNT(*) FROM mail_outbox WHERE failed_at IS NOT NULL",
    )
    .await;
    assert_eq!(failed, 0);
    let (by_a, by_b) = (mail_ids(&a.mail_dir), mail_ids(&b.mail_dir));
    let (sent_by_a, sent_by_b) = (by_a.len(), by_b.len());
    let mut sent: Vec<i64> = by_a;
    sent.extend(by_b);
    let total = sent.len();
    sent.sort_unstable();
    sent.dedup();
    let queued: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM mail_outbox WHERE subject LIKE 'Lot %' ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(queued.len() as i64, MAILS);
    let missing: Vec<_> = queued
        .iter()
        .filter(|id| sent.binary_search(id).is_err())
        .collect();
    assert!(missing.is_empty(), "never sent: {missing:?}");
    // Mails queued before (the demo's) are sent too; only the batch is counted here.
    let extra = sent.len() as i64 - MAILS;
    assert!(extra <= already, "unexpected mail files");
    println!(
        "sent: {sent_by_a} by A, {sent_by_b} by B, {} twice",
        total - sent.len()
    );
    assert!(
        total - sent.len() <= 1,
        "{} mails sent twice (at most the one A was writing when killed may be)",
        total - sent.len()
    );
    db.close().await;
}
