//! Attachments on disk: only PDF, JPEG and PNG (recognised by their content, not their
//! name), under a size limit, stored under generated names in the uploads folder.

use crate::error::{internal, AppError};
use std::path::{Path, PathBuf};

/// Where files go and how big one may be (`PARVIS_UPLOADS_DIR`, `PARVIS_UPLOAD_MAX_MB`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploads {
    pub dir: PathBuf,
    pub max_bytes: usize,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            dir: PathBuf::from("data/uploads"),
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

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

/// Checks an upload: its content type, or the translation key of the problem.
pub fn check(upload: &Upload) -> Result<&'static str, &'static str> {
    if upload.too_large {
        return Err("errors.file_too_large");
    }
    if upload.bytes.is_empty() {
        return Err("errors.file_empty");
    }
    accepted_type(&upload.bytes).ok_or("errors.file_type")
}

/// A file name fit to show and to offer in a download: no path, no control or quote
/// characters, at most 120 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !"\"';<>".contains(*c))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
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
        if !key.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        tokio::fs::read(self.path_of(key)).await.map_err(internal)
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
            check(&upload(b"%PDF-1.7\n%\xe2\xe3\n")),
            Ok("application/pdf")
        );
        assert_eq!(
            check(&upload(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")),
            Ok("image/png")
        );
        assert_eq!(
            check(&upload(b"\xff\xd8\xff\xe0\0\x10JFIF\0")),
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
    fn names_lose_their_path_and_dangerous_characters() {
        assert_eq!(
            clean_name("C:\\Users\\léa\\avis \"impôt\".pdf"),
            "avis impôt.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("\u{7}"), "document");
    }
}
