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

/// Every post of the real corpus and the seeds, sorted.
pub fn corpus_files(shared: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["corpus/rsshub-page", "seeds"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(shared.join(dir)).expect("corpus dir"))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
        .collect();
    files.sort();
    files
}
