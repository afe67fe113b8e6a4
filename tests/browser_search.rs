//! The offline search in real headless Chromium, on the demo site (which holds
//! both seed articles) plus the shared corpus when present.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn search_finds_chinese_latin_and_phrase_queries() {
    if !common::chromium_available() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = common::build_demo_and_corpus(
        "title = \"e2e\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"http://127.0.0.1:8000\"\n",
    );
    let status = Command::new(repo.join("tests/browser/search_e2e.sh"))
        .arg(site.path().join("public"))
        .status()
        .unwrap();
    assert!(status.success(), "search_e2e.sh failed");
}
