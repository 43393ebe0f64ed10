//! `parvis serve` refuses to start, with one line saying why, when the site's files it
//! would link from every page are missing (instead of answering `/healthz` and then
//! panicking on every page).

use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs `parvis serve` against a fresh SQLite file with these Leptos settings; returns
/// its exit status and what it printed on stderr (it must stop by itself).
fn serve(site: &std::path::Path, hash_files: bool, hash_file: &str) -> (bool, String) {
    let work = site.parent().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_parvis"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/parvis.db", work.display()),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "parvis")
        .env("LEPTOS_SITE_ROOT", site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_HASH_FILES", hash_files.to_string())
        .env("LEPTOS_HASH_FILE_NAME", hash_file)
        .env("LEPTOS_ENV", "PROD")
        .env("PARVIS_SECRET_KEY_FILE", work.join("secret.key"))
        .env("PARVIS_MAIL_DIR", work.join("mails"))
        .env("PARVIS_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("parvis serve did not stop by itself");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status.success(), stderr)
}

#[test]
fn a_release_build_without_its_site_files_refuses_to_start_in_one_line() {
    let work = std::env::temp_dir().join(format!("parvis-startup-{}", std::process::id()));
    let site = work.join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();

    // No hash file beside the binary.
    let (ok, stderr) = serve(&site, true, "no-such-hash-file.txt");
    assert!(!ok);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("parvis: cannot read"), "{stderr}");
    assert!(lines[0].contains("no-such-hash-file.txt"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // No site folder at all.
    let (ok, stderr) = serve(&work.join("nowhere"), false, "hash.txt");
    assert!(!ok);
    assert!(stderr.contains("the site's files are missing"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| !l.trim().is_empty()).count(),
        1,
        "{stderr}"
    );

    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn the_hash_file_must_name_files_that_are_there() {
    let work = std::env::temp_dir().join(format!("parvis-site-check-{}", std::process::id()));
    let site = work.join("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let exe_dir = work.join("bin");
    std::fs::create_dir_all(&exe_dir).unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("parvis")
        .site_root(site.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .hash_files(true)
        .build();
    std::fs::write(exe_dir.join("hash.txt"), "js: abc\nwasm: def\n").unwrap();
    let err = server::check_site_files(&options, &exe_dir).unwrap_err();
    assert!(err.to_string().contains("names no css file"), "{err}");
    std::fs::write(exe_dir.join("hash.txt"), "css: c1\njs: abc\nwasm: def\n").unwrap();
    let err = server::check_site_files(&options, &exe_dir).unwrap_err();
    assert!(
        err.to_string().contains("parvis.c1.css is missing"),
        "{err}"
    );
    for name in ["parvis.c1.css", "parvis.abc.js", "parvis.def.wasm"] {
        std::fs::write(pkg.join(name), "x").unwrap();
    }
    server::check_site_files(&options, &exe_dir).unwrap();
    let _ = std::fs::remove_dir_all(&work);
}
