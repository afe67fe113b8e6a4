//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared` beside the crate, when present (CI and developer machines have it;
/// a fresh clone may not). Tests that need it print why they skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus not found");
        None
    }
}

/// Writes `text` to `root/rel`, creating parent directories.
pub fn write(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A temporary site directory holding `config.toml` with `config`.
pub fn site_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "config.toml", config);
    dir
}
