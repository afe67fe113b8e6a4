//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Tells whoever runs `cargo test` that a test skipped part of its work. Written
/// straight to stderr: the harness captures `eprintln!` of passing tests.
pub fn skip_note(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// `../shared` beside the crate, when present (CI and developer machines have it;
/// a fresh clone may not). Tests that need it print why they skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpus").is_dir() {
        Some(dir)
    } else {
        skip_note("../shared/corpus not found (tests on the real corpus did not run)");
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

/// Whether Debian's `chromium` can be run. Without it, browser tests skip with a
/// note, unless `GAZETTE_REQUIRE_BROWSER` is set (as in CI), where that fails.
pub fn chromium_available() -> bool {
    let found = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("GAZETTE_REQUIRE_BROWSER").is_none(),
            "GAZETTE_REQUIRE_BROWSER is set but chromium is not installed"
        );
        skip_note("chromium not found (apt-get install chromium)");
    }
    found
}

/// Copies the directory tree `from` into `to`.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A site of the demo posts plus, when present, the shared corpus, built into
/// `<dir>/public` with the default theme and `config` as its config.
pub fn build_demo_and_corpus(config: &str) -> tempfile::TempDir {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let site = site_with_config(config);
    let content = site.path().join("content");
    copy_tree(&repo.join("content"), &content);
    if let Some(shared) = shared_dir() {
        copy_tree(&shared.join("corpus/rsshub-page"), &content.join("corpus"));
    }
    let report =
        gazette::build::build(&gazette::build::BuildOptions::for_root(site.path())).unwrap();
    assert!(report.posts >= 4);
    site
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
