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
