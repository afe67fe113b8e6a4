//! gazette's own files under `<root>/.gazette/`: what the last build saw and made.
//! Each file is written whole to a temporary name and renamed into place, so a
//! killed build leaves either the old file or the new one. Each starts with a
//! header naming its kind and the gazette version that wrote it; anything else
//! (another version, a truncated or corrupt file) is discarded, never trusted.

use std::io;
use std::path::{Path, PathBuf};

use bincode::Options as _;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use crate::lock::state_dir;

const MAGIC: &[u8; 4] = b"GZST";

/// Bumped when the layout of any state file changes within one gazette version.
const FORMAT: u32 = 3;

/// The gazette version that writes and accepts state files.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Serialize, serde::Deserialize)]
struct Header {
    magic: [u8; 4],
    format: u32,
    kind: String,
    version: String,
}

/// What reading a state file gave.
#[derive(Debug)]
pub enum Loaded<T> {
    Missing,
    /// Present but unusable: the reason says why (shown as a warning).
    Discarded(String),
    Found(T),
}

impl<T> Loaded<T> {
    /// The value, or `None` after logging why a present file was not used.
    pub fn or_warn(self, path: &Path) -> Option<T> {
        match self {
            Loaded::Found(value) => Some(value),
            Loaded::Missing => None,
            Loaded::Discarded(reason) => {
                warn_discarded(&path.display().to_string(), &reason);
                None
            }
        }
    }
}

/// The one wording of a refused state file: `what` names the file (or files).
pub fn warn_discarded(what: &str, reason: &str) {
    tracing::warn!("{what}: {reason}; discarded");
}

pub fn path(root: &Path, kind: &str) -> PathBuf {
    state_dir(root).join(format!("{kind}.bin"))
}

/// Writes `value` as `<root>/.gazette/<kind>.bin`, atomically. The value is
/// streamed to the file through the checksum, never held whole in memory: the
/// post cache of a big archive is hundreds of megabytes.
pub fn save<T: Serialize>(root: &Path, kind: &str, value: &T) -> io::Result<()> {
    let header = Header {
        magic: *MAGIC,
        format: FORMAT,
        kind: kind.to_string(),
        version: VERSION.to_string(),
    };
    let dir = state_dir(root);
    std::fs::create_dir_all(&dir)?;
    let final_path = path(root, kind);
    let temporary = dir.join(format!(".{kind}.tmp-{}", std::process::id()));
    let written = (|| {
        let file = std::fs::File::create(&temporary)?;
        // bincode writes field by field; the buffer hands the hasher and the
        // file whole blocks.
        let mut out = io::BufWriter::with_capacity(
            256 * 1024,
            Hashing {
                file,
                hasher: blake3::Hasher::new(),
            },
        );
        bincode::serialize_into(&mut out, &header).map_err(io::Error::other)?;
        bincode::serialize_into(&mut out, value).map_err(io::Error::other)?;
        let Hashing { mut file, hasher } = out.into_inner().map_err(|e| e.into_error())?;
        io::Write::write_all(&mut file, hasher.finalize().as_bytes())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    std::fs::rename(&temporary, &final_path)
}

/// A file that hashes everything written to it or read from it.
struct Hashing<F> {
    file: F,
    hasher: blake3::Hasher,
}

impl<F: io::Read> io::Read for Hashing<F> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buffer)?;
        self.hasher.update(&buffer[..n]);
        Ok(n)
    }
}

impl<F: io::Write> io::Write for Hashing<F> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Removes `<root>/.gazette/<kind>.bin` if it is there (a state file this
/// version no longer writes).
pub fn remove(root: &Path, kind: &str) {
    let _ = std::fs::remove_file(path(root, kind));
}

/// Reads `<root>/.gazette/<kind>.bin` written by [`save`] with this version.
/// The file is streamed through the checksum into the value, never held whole
/// in memory (the post cache of a big archive is hundreds of megabytes); the
/// value is only returned once the checksum over all of it matched.
pub fn load<T: DeserializeOwned>(root: &Path, kind: &str) -> Loaded<T> {
    let file_path = path(root, kind);
    let opened =
        std::fs::File::open(&file_path).and_then(|file| Ok((file.metadata()?.len(), file)));
    match opened {
        Ok((len, file)) => decode(file, len, kind),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Loaded::Missing,
        Err(e) => Loaded::Discarded(format!("cannot read: {e}")),
    }
}

/// Decodes a state file of `len` bytes read from `file`.
fn decode<T: DeserializeOwned>(file: impl io::Read, len: u64, kind: &str) -> Loaded<T> {
    let Some(body_len) = len.checked_sub(blake3::OUT_LEN as u64) else {
        return Loaded::Discarded("truncated".into());
    };
    let mut body = io::BufReader::with_capacity(
        256 * 1024,
        Hashing {
            file: file.take(body_len),
            hasher: blake3::Hasher::new(),
        },
    );
    // The legacy layout `save` writes, and no allocation beyond the file's
    // size whatever a damaged length field claims.
    let options = bincode::options()
        .with_fixint_encoding()
        .allow_trailing_bytes()
        .with_limit(body_len);
    let header: Result<Header, _> = options.deserialize_from(&mut body);
    let verdict = match header {
        Err(_) => Err("not a gazette state file".to_string()),
        Ok(header) if &header.magic != MAGIC || header.kind != kind => {
            Err("not a gazette state file".to_string())
        }
        Ok(header) if header.version != VERSION || header.format != FORMAT => Err(format!(
            "written by gazette {} (format {}), this is {VERSION} (format {FORMAT})",
            header.version, header.format
        )),
        Ok(_) => options
            .deserialize_from(&mut body)
            .map_err(|e| format!("corrupt ({e})")),
    };
    // Whatever was read, the rest is hashed and the checksum decides first:
    // damage is reported as damage, not as whatever it happened to look like.
    let mut trailing = 0u64;
    let drained = io::copy(&mut body, &mut io::sink()).map(|n| trailing = n);
    let Hashing { mut file, hasher } = body.into_inner();
    let mut checksum = [0u8; blake3::OUT_LEN];
    let complete = drained.is_ok() && file.limit() == 0;
    let read_sum = io::Read::read_exact(file.get_mut(), &mut checksum);
    if !complete || read_sum.is_err() {
        return Loaded::Discarded("truncated".into());
    }
    if hasher.finalize().as_bytes() != &checksum {
        return Loaded::Discarded("corrupt (checksum mismatch)".into());
    }
    match verdict {
        Ok(_) if trailing > 0 => Loaded::Discarded("trailing bytes".into()),
        Ok(value) => Loaded::Found(value),
        Err(reason) => Loaded::Discarded(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: &Vec<String>) -> Vec<u8> {
        let tmp = tempfile::tempdir().unwrap();
        save(tmp.path(), "t", value).unwrap();
        std::fs::read(path(tmp.path(), "t")).unwrap()
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let value = vec!["a".to_string(), "b".to_string()];
        let good = written(&value);
        match decode::<Vec<String>>(&good[..], good.len() as u64, "t") {
            Loaded::Found(v) => assert_eq!(v, value),
            other => panic!("{other:?}"),
        }
        let mut flipped = good.clone();
        flipped[20] ^= 1;
        let truncated = good[..good.len() - 3].to_vec();
        let cases: [(&[u8], &str, &str); 5] = [
            (&[], "t", "truncated"),
            (&flipped, "t", "corrupt"),
            (&truncated, "t", "corrupt"),
            (&good, "other", "not a gazette state file"),
            (&[0; 40], "t", "corrupt"),
        ];
        for (bytes, kind, want) in cases {
            match decode::<Vec<String>>(bytes, bytes.len() as u64, kind) {
                Loaded::Discarded(reason) => assert!(reason.contains(want), "{reason}"),
                other => panic!("{want}: {other:?}"),
            }
        }
    }

    /// Regression guard: a length field claiming terabytes (checksum made to
    /// match) is refused without trying to allocate them.
    #[test]
    fn lying_lengths_are_refused_without_allocating() {
        let header = Header {
            magic: *MAGIC,
            format: FORMAT,
            kind: "t".into(),
            version: VERSION.into(),
        };
        let mut bytes = bincode::serialize(&header).unwrap();
        let value_at = bytes.len();
        bincode::serialize_into(&mut bytes, &vec!["x".to_string()]).unwrap();
        // The string's length, after the vector's.
        bytes[value_at + 8..value_at + 16].copy_from_slice(&(1u64 << 40).to_le_bytes());
        let checksum = blake3::hash(&bytes);
        bytes.extend_from_slice(checksum.as_bytes());
        match decode::<Vec<String>>(&bytes[..], bytes.len() as u64, "t") {
            Loaded::Discarded(reason) => assert!(reason.contains("corrupt"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn another_version_is_discarded() {
        let header = Header {
            magic: *MAGIC,
            format: FORMAT,
            kind: "t".into(),
            version: "0.0.0-other".into(),
        };
        let mut bytes = bincode::serialize(&header).unwrap();
        bincode::serialize_into(&mut bytes, &vec!["x".to_string()]).unwrap();
        let checksum = blake3::hash(&bytes);
        bytes.extend_from_slice(checksum.as_bytes());
        match decode::<Vec<String>>(&bytes[..], bytes.len() as u64, "t") {
            Loaded::Discarded(reason) => assert!(reason.contains("0.0.0-other"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
