//! The offline search in real headless Chromium, on the demo site (which holds
//! both seed articles) plus the shared corpus when present.

mod common;

use std::path::Path;
use std::process::Command;

use gazette::build::{build, BuildOptions};

fn chromium_available() -> bool {
    let found = Command::new("chromium").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("GAZETTE_REQUIRE_BROWSER").is_none(),
            "GAZETTE_REQUIRE_BROWSER is set but chromium is not installed"
        );
        eprintln!("skipped: chromium not found (apt-get install chromium)");
    }
    found
}

#[test]
fn search_finds_chinese_latin_and_phrase_queries() {
    if !chromium_available() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    copy_tree(&repo.join("content"), &content);
    if let Some(shared) = common::shared_dir() {
        copy_tree(&shared.join("corpus/rsshub-page"), &content.join("corpus"));
    }
    std::fs::write(
        site.path().join("config.toml"),
        "title = \"e2e\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"http://127.0.0.1:8000\"\n",
    )
    .unwrap();
    let report = build(&BuildOptions::for_root(site.path())).unwrap();
    assert!(report.posts >= 4);
    let status = Command::new(repo.join("tests/browser/search_e2e.sh"))
        .arg(site.path().join("public"))
        .status()
        .unwrap();
    assert!(status.success(), "search_e2e.sh failed");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
