//! Fuzz targets, run by `cargo test` for a bounded time each (`PARVIS_FUZZ_SECONDS`,
//! 2 s by default; CI gives them more). `arbtest` turns random bytes into structured
//! inputs, keeps the seed of a failure and prints it: `PARVIS_FUZZ_SEED=0x… cargo test`
//! replays it.
//!
//! - the Markdown renderer and sanitiser: only the allowed elements, never a script;
//! - the form decoders: typed answers of a service's form, sign-up, e-mail addresses,
//!   moderation decisions; never a panic, and no e-mail accepted with a display name;
//! - the multipart reader: never a panic, never more files than allowed;
//! - the CSV writer: every cell reads back as typed, and none starts a formula.
// Test helpers fail by panicking.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use arbtest::arbitrary::{Arbitrary, Unstructured};

/// Runs `property` on random inputs for the configured time (or on one given seed).
fn fuzz(property: impl FnMut(&mut Unstructured<'_>) -> arbtest::arbitrary::Result<()>) {
    let seconds: u64 = std::env::var("PARVIS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let test = arbtest::arbtest(property);
    match std::env::var("PARVIS_FUZZ_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok())
    {
        Some(seed) => test.seed(seed).run(),
        None => test.budget_ms(seconds * 1000).run(),
    }
}

/// A string mixing Markdown, HTML and odd characters more often than pure random bytes.
fn markupish(u: &mut Unstructured<'_>) -> arbtest::arbitrary::Result<String> {
    const PIECES: [&str; 24] = [
        "<",
        ">",
        "</",
        "<h1>",
        "<table>",
        "<script>",
        "<img src=x onerror=alert(1)>",
        "<details>",
        "<div style=\"x\">",
        "[a](",
        "javascript:",
        ")",
        "](http://x)",
        "# ",
        "\n\n",
        "**",
        "`",
        "```",
        "> ",
        "- ",
        "&lt;",
        "<a href=\"",
        "\"",
        "|---|",
    ];
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=40)? {
        if u.ratio(2, 3)? {
            out.push_str(PIECES[u.choose_index(PIECES.len())?]);
        } else {
            out.push_str(&String::arbitrary(u)?);
        }
    }
    Ok(out)
}

/// The names of the attributes of a tag's text (`a href="x" rel="y"`), quotes honoured.
fn attribute_names(tag: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = tag.trim_start_matches('/');
    rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('/') {
            break;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        names.push(rest[..end].to_owned());
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix('=') {
            rest = match value.strip_prefix('"') {
                Some(quoted) => quoted.find('"').map_or("", |close| &quoted[close + 1..]),
                None => value
                    .find(char::is_whitespace)
                    .map_or("", |space| &value[space..]),
            };
        }
    }
    names
}

#[test]
fn fuzz_the_markdown_sanitiser_lets_only_allowed_elements_through() {
    let allowed = crate::server::markdown::CONTRIBUTION_TAGS;
    fuzz(|u| {
        let html = crate::server::markdown::contribution(&markupish(u)?);
        let lower = html.to_lowercase();
        // Every real tag (text `<` is escaped as `&lt;`): an allowed element, and no
        // attribute but a link's address and its `rel`, never a script address.
        for (at, _) in lower.match_indices('<') {
            let tag = &lower[at + 1..lower[at..].find('>').map_or(lower.len(), |end| at + end)];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                allowed.contains(&name.as_str()),
                "<{name}> let through: {html}"
            );
            if let Some(start) = tag.find("href=\"") {
                let address = &tag[start + 6..];
                assert!(
                    !["javascript:", "data:", "vbscript:"]
                        .iter()
                        .any(|s| address.starts_with(s)),
                    "script address in <{tag}>: {html}"
                );
            }
            for attribute in attribute_names(tag) {
                assert!(
                    ["href", "rel", "title", "start"].contains(&attribute.as_str()),
                    "attribute {attribute:?} in <{tag}>: {html}"
                );
            }
        }
        Ok(())
    });
}

#[test]
fn fuzz_form_decoders_never_panic_and_refuse_display_names() {
    use crate::services::model::{check_answers, typed_answers, FieldDef};
    let fields: Vec<FieldDef> = serde_json::from_str(
        r#"[
          {"key":"c1","kind":"ShortText","label":"Nom","required":true},
          {"key":"c2","kind":"Email","label":"Courriel","required":false},
          {"key":"c3","kind":"Choices","label":"Jours","options":["Lundi","Mardi"]},
          {"key":"c4","kind":"Date","label":"Date"},
          {"key":"c5","kind":"Number","label":"Nombre"},
          {"key":"c6","kind":"Checkbox","label":"Certifié","condition":{"field":"c3","value":"Lundi"}},
          {"key":"c7","kind":"Address","label":"Adresse"},
          {"key":"c8","kind":"Phone","label":"Téléphone"},
          {"key":"c9","kind":"File","label":"Pièce"}
        ]"#,
    )
    .unwrap();
    fuzz(|u| {
        let mut raw = crate::services::model::RawForm::new();
        for _ in 0..u.int_in_range(0..=12)? {
            let key = match u.int_in_range(0..=3)? {
                0 => format!("f.c{}", u.int_in_range(0..=10)?),
                1 => format!("f.c{}.{}", u.int_in_range(0..=10)?, String::arbitrary(u)?),
                2 => String::arbitrary(u)?,
                _ => "f.c3".to_owned(),
            };
            raw.entry(key).or_default().push(String::arbitrary(u)?);
        }
        let typed = typed_answers(&fields, &raw);
        let files = std::collections::BTreeMap::new();
        let _ = check_answers(&fields, &typed, &files);
        let address = String::arbitrary(u)?;
        if let Ok(email) = crate::accounts::model::Email::parse(&address) {
            assert!(
                !email.as_str().contains(['<', '>', ',', ';', '"', ' ', '(']),
                "{address:?} accepted"
            );
            assert_eq!(email.as_str().matches('@').count(), 1);
        }
        let _ = crate::auth::service::SignUp::parse(
            &String::arbitrary(u)?,
            &address,
            &String::arbitrary(u)?,
            "Saint-Aubin",
        );
        let _ = crate::moderation::service::DecisionForm::parse(
            &String::arbitrary(u)?,
            &String::arbitrary(u)?,
            &String::arbitrary(u)?,
            &String::arbitrary(u)?,
            &String::arbitrary(u)?,
        );
        Ok(())
    });
}

#[test]
fn fuzz_the_multipart_reader_never_panics_nor_keeps_too_many_files() {
    use axum::extract::FromRequest;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    fuzz(|u| {
        let boundary = "XbOuNdArY";
        let mut body: Vec<u8> = Vec::new();
        for _ in 0..u.int_in_range(0..=14)? {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match u.int_in_range(0..=3)? {
                0 => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file.c{}\"; filename=\"{}\"\r\n\r\n",
                        u.int_in_range(0..=9)?,
                        String::arbitrary(u)?.replace(['"', '\r', '\n'], "")
                    )
                    .as_bytes(),
                ),
                1 => body.extend_from_slice(b"Content-Disposition: form-data; name=\"f.c1\"\r\n\r\n"),
                2 => body.extend_from_slice(b"Content-Disposition: garbage\r\n\r\n"),
                _ => {}
            }
            body.extend_from_slice(&Vec::<u8>::arbitrary(u)?);
            body.extend_from_slice(b"\r\n");
        }
        if u.ratio(3, 4)? {
            body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        }
        let request = http::Request::post("/")
            .header(
                http::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from(body))
            .unwrap();
        runtime.block_on(async {
            if let Ok(multipart) = axum::extract::Multipart::from_request(request, &()).await {
                if let Ok((_, uploads)) =
                    crate::services::upload::read_multipart(multipart, 1024).await
                {
                    assert!(uploads.len() <= crate::services::files::FILES_PER_POST);
                    assert!(uploads.iter().all(|f| f.bytes.len() <= 1024));
                }
            }
        });
        Ok(())
    });
}

#[test]
fn fuzz_every_csv_cell_reads_back_and_never_starts_a_formula() {
    fuzz(|u| {
        let rows: Vec<Vec<String>> = Vec::arbitrary(u)?;
        let mut out = crate::server::csv::SafeCsv::new();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut r| {
                r.resize(width, String::new());
                r
            })
            .collect();
        for row in &rows {
            out.row(row).unwrap();
        }
        let text = out.finish().unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let back: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(back.len(), rows.len());
        for (written, read) in rows.iter().zip(back) {
            for (typed, cell) in written.iter().zip(read.iter()) {
                let first = cell.trim_start_matches(' ').chars().next();
                let number = cell.parse::<f64>().is_ok();
                assert!(
                    number || !first.is_some_and(|c| "=+-@\t\r\n".contains(c)),
                    "{cell:?} starts a formula"
                );
                assert!(
                    cell == typed || cell == format!("'{typed}"),
                    "{typed:?} → {cell:?}"
                );
            }
        }
        Ok(())
    });
}
