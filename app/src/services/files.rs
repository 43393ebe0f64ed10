//! Attachments on disk: only PDF, JPEG and PNG (recognised by their content, not their
//! name), under a size limit, stored under generated names in the uploads folder.

use crate::error::{internal, AppError};
use std::path::{Path, PathBuf};

/// Where files go, how big one may be and how much one account may store
/// (`PARVIS_UPLOADS_DIR`, `PARVIS_UPLOAD_MAX_MB`, `PARVIS_UPLOAD_QUOTA_MB`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploads {
    pub dir: PathBuf,
    pub max_bytes: usize,
    /// Bytes of files one account may have stored in all, drafts included.
    pub quota_bytes: i64,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            dir: PathBuf::from("data/uploads"),
            max_bytes: 10 * 1024 * 1024,
            quota_bytes: 200 * 1024 * 1024,
        }
    }
}

/// Files one field of a form may hold.
pub const FILES_PER_FIELD: i64 = 5;
/// Files one request may hold, its form's and its messages' together.
pub const FILES_PER_REQUEST: i64 = 30;
/// Files one post may carry (a form with several file fields).
pub const FILES_PER_POST: usize = 10;

/// A file as posted, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field it came in (`file.<key>` or `file`).
    pub field: String,
    /// The name the browser gave, cleaned for display.
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The file was larger than allowed (only its start was kept).
    pub too_large: bool,
}

/// The accepted type of `bytes`, from their first bytes.
pub fn accepted_type(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "application/pdf" => Some("application/pdf"),
        "image/jpeg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        _ => None,
    }
}

/// Checks an upload: its content type, or the translation key of the problem. The
/// type is read from the content, and the whole file must be that type: one that only
/// starts like a PDF or an image (a PDF or PNG signature followed by a web page) is
/// refused.
pub fn check(upload: &Upload) -> Result<&'static str, &'static str> {
    if upload.too_large {
        return Err("errors.file_too_large");
    }
    if upload.bytes.is_empty() {
        return Err("errors.file_empty");
    }
    let content_type = accepted_type(&upload.bytes).ok_or("errors.file_type")?;
    if holds_markup(&upload.bytes) || !ends_as(content_type, &upload.bytes) {
        return Err("errors.file_type");
    }
    Ok(content_type)
}

/// True when the start of `bytes` holds what browsers sniff as a web page.
fn holds_markup(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    [
        "<html",
        "<script",
        "<!doctype",
        "<body",
        "<svg",
        "<iframe",
        "<head",
        "<meta",
    ]
    .iter()
    .any(|tag| head.contains(tag))
}

/// True when `bytes` end as a file of `content_type` does: `%%EOF` near the end of a
/// PDF, the `IEND` chunk of a PNG, the end-of-image marker of a JPEG.
fn ends_as(content_type: &str, bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let contains = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    match content_type {
        "application/pdf" => contains(b"%%EOF"),
        "image/png" => contains(b"IEND\xae\x42\x60\x82"),
        "image/jpeg" => contains(b"\xff\xd9"),
        _ => false,
    }
}

/// Characters that reorder or hide text (bidirectional controls, zero-width marks):
/// `facture\u{202E}fdp.exe` would show as `factureexe.pdf`.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// A file name fit to show and to offer in a download: no path, no control, format or
/// quote characters, at most 120 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c) && !"\"';<>".contains(*c))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
}

/// The name a file of `content_type` is stored and offered under: the cleaned name with
/// the extension of its checked type in place of whatever the sender gave
/// (`poly.html` sent as a PDF is `poly.pdf`).
pub fn stored_name(raw: &str, content_type: &str) -> String {
    let extension = match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "bin",
    };
    let clean = clean_name(raw);
    let stem = match clean.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim_end().to_owned(),
        _ => clean,
    };
    format!("{stem}.{extension}")
}

impl Uploads {
    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2.min(key.len())]).join(key)
    }

    /// Writes `bytes` under a new random name, flushed to disk; the name.
    pub async fn store(&self, bytes: &[u8]) -> Result<String, AppError> {
        use tokio::io::AsyncWriteExt;
        let key = format!("{:032x}", rand::random::<u128>());
        let path = self.path_of(&key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(internal)?;
        }
        let mut file = tokio::fs::File::create(&path).await.map_err(internal)?;
        file.write_all(bytes).await.map_err(internal)?;
        file.sync_all().await.map_err(internal)?;
        Ok(key)
    }

    /// Reads a stored file.
    pub async fn read(&self, key: &str) -> Result<Vec<u8>, AppError> {
        tokio::fs::read(self.stored_path(key)?)
            .await
            .map_err(internal)
    }

    /// Where a stored file is, for reading it piece by piece.
    pub fn stored_path(&self, key: &str) -> Result<PathBuf, AppError> {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        Ok(self.path_of(key))
    }

    /// A new random name and where to write it (its folder created), for a file written
    /// piece by piece rather than held in memory.
    pub async fn reserve(&self) -> Result<(String, PathBuf), AppError> {
        let key = format!("{:032x}", rand::random::<u128>());
        let path = self.path_of(&key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(internal)?;
        }
        Ok((key, path))
    }

    /// Deletes stored files (after the rows naming them are gone); a missing file is fine.
    pub async fn remove(&self, keys: &[String]) {
        for key in keys {
            if let Err(err) = tokio::fs::remove_file(self.path_of(key)).await {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(error = %err, "removing an attachment");
                }
            }
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(bytes: &[u8]) -> Upload {
        Upload {
            field: "file".into(),
            file_name: "x.pdf".into(),
            bytes: bytes.to_vec(),
            too_large: false,
        }
    }

    #[test]
    fn files_are_recognised_by_their_content_not_their_name() {
        assert_eq!(
            check(&upload(b"%PDF-1.7\n%\xe2\xe3\n%%EOF\n")),
            Ok("application/pdf")
        );
        assert_eq!(
            check(&upload(
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\0IEND\xae\x42\x60\x82"
            )),
            Ok("image/png")
        );
        assert_eq!(
            check(&upload(b"\xff\xd8\xff\xe0\0\x10JFIF\0\xff\xd9")),
            Ok("image/jpeg")
        );
        // An HTML page named .pdf.
        assert_eq!(
            check(&upload(b"<html><script>alert(1)</script></html>")),
            Err("errors.file_type")
        );
        assert_eq!(check(&upload(b"")), Err("errors.file_empty"));
    }

    #[test]
    fn a_file_that_only_starts_like_a_pdf_or_an_image_is_refused() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        assert_eq!(check(&upload(pdf)), Ok("application/pdf"));
        for polyglot in [
            &b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF"[..],
            &b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"[..],
            &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR<!DOCTYPE html><body>x</body>"[..],
        ] {
            assert_eq!(check(&upload(polyglot)), Err("errors.file_type"));
        }
    }

    #[test]
    fn names_keep_the_extension_of_the_checked_type_and_no_bidi_controls() {
        assert_eq!(stored_name("poly.html", "application/pdf"), "poly.pdf");
        assert_eq!(stored_name("photo.JPEG", "image/jpeg"), "photo.jpg");
        assert_eq!(stored_name("scan", "image/png"), "scan.png");
        assert_eq!(
            stored_name("facture\u{202E}fdp.exe", "application/pdf"),
            "facturefdp.pdf"
        );
        assert_eq!(stored_name("\u{200B}.html", "application/pdf"), "html.pdf");
        assert_eq!(stored_name("\u{202E}", "application/pdf"), "document.pdf");
    }

    #[test]
    fn names_lose_their_path_and_dangerous_characters() {
        assert_eq!(
            clean_name("C:\\Users\\léa\\avis \"impôt\".pdf"),
            "avis impôt.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\u{7}"), "document");
    }
}
