//! Sealing: what the database must hold but nobody reading the database may read
//! (anonymous answers waiting for their batch, drafts of anonymous surveys) is encrypted
//! and authenticated (ChaCha20-Poly1305, from `ring`) with the instance's key, which
//! never enters the database.
//!
//! The key is 32 random bytes in a file (`PARVIS_SECRET_KEY_FILE`, default
//! `data/secret.key`), created on first start; every server process of one instance must
//! read the same file. Each sealed value is bound to its purpose (the associated data),
//! so a value sealed for one use is refused for another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use std::path::Path;

/// Length of the instance's key, in bytes.
pub const KEY_LEN: usize = 32;

/// The instance's sealing key.
pub struct Sealer {
    key: LessSafeKey,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// A sealer with the given key.
    pub fn from_key(key: &[u8; KEY_LEN]) -> Self {
        // The length is the one CHACHA20_POLY1305 takes, so this cannot fail.
        #[allow(clippy::expect_used)]
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, key).expect("a 32-byte key");
        Sealer {
            key: LessSafeKey::new(unbound),
        }
    }

    /// A sealer with a fresh random key (tests and tools that seal nothing lasting).
    pub fn random() -> Self {
        Sealer::from_key(&rand::random::<[u8; KEY_LEN]>())
    }

    /// The key kept in `path`, made (32 random bytes, readable by its owner only) when the
    /// file does not exist yet. A file of another length is refused, never replaced: what
    /// was sealed with it would be lost.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        match std::fs::read(path) {
            Ok(bytes) => {
                let key: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
                    anyhow::anyhow!(
                        "{} holds {} bytes; an instance key is {KEY_LEN} random bytes",
                        path.display(),
                        bytes.len()
                    )
                })?;
                Ok(Sealer::from_key(&key))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                let key = rand::random::<[u8; KEY_LEN]>();
                match write_new_private(path, &key) {
                    Ok(()) => {
                        tracing::info!(path = %path.display(), "instance key created");
                        Ok(Sealer::from_key(&key))
                    }
                    // Another process starting at the same moment made it first: its key
                    // is the instance's.
                    Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                        Sealer::load_or_create(path)
                    }
                    Err(err) => Err(err)
                        .with_context(|| format!("creating the instance key {}", path.display())),
                }
            }
            Err(err) => {
                Err(err).with_context(|| format!("reading the instance key {}", path.display()))
            }
        }
    }

    /// `plain` sealed for `purpose`: nonce then ciphertext and tag, in URL-safe base64.
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> String {
        let nonce_bytes = rand::random::<[u8; NONCE_LEN]>();
        let mut buffer = plain.to_vec();
        // Sealing only fails for inputs of more than 256 GiB.
        #[allow(clippy::expect_used)]
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::from(purpose.as_bytes()),
                &mut buffer,
            )
            .expect("sealing a value");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buffer);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// What `sealed` holds, if it was sealed by this key for `purpose` and not altered.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// Writes `bytes` to a new file at `path`, readable by its owner only, which appears
/// whole or not at all (written aside, then linked in place; `AlreadyExists` when another
/// process was first).
fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let aside = path.with_extension(format!("new-{:016x}", rand::random::<u64>()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&aside).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&aside, path));
    let _ = std::fs::remove_file(&aside);
    linked
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let sealer = Sealer::random();
        let sealed = sealer.seal("survey-pool:1", b"Trop loin de chez moi");
        assert!(!sealed.contains("Trop"));
        assert_eq!(
            sealer.open("survey-pool:1", &sealed).unwrap(),
            b"Trop loin de chez moi"
        );
        assert_eq!(sealer.open("survey-pool:2", &sealed), None);
        assert_eq!(Sealer::random().open("survey-pool:1", &sealed), None);
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            sealer.open("survey-pool:1", &String::from_utf8(altered).unwrap()),
            None
        );
        assert_eq!(sealer.open("survey-pool:1", "court"), None);
        // Two sealings of one value differ (random nonces).
        assert_ne!(
            sealed,
            sealer.seal("survey-pool:1", b"Trop loin de chez moi")
        );
    }

    #[test]
    fn the_key_file_is_made_once_then_read() {
        let dir = std::env::temp_dir().join(format!("parvis-key-{}", rand::random::<u64>()));
        let path = dir.join("secret.key");
        let first = Sealer::load_or_create(&path).unwrap();
        let sealed = first.seal("p", b"x");
        let again = Sealer::load_or_create(&path).unwrap();
        assert_eq!(again.open("p", &sealed).unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_file(&path).unwrap();
        // Processes starting together agree on one key.
        let sealers: Vec<Sealer> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| Sealer::load_or_create(&path).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let sealed = sealers[0].seal("p", b"y");
        assert!(sealers.iter().all(|s| s.open("p", &sealed).is_some()));
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "a file left aside"
        );
        std::fs::write(&path, b"short").unwrap();
        assert!(Sealer::load_or_create(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
