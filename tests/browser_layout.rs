//! The default theme in real headless Chromium: no page of the demo site plus
//! the shared corpus scrolls sideways on a 390 px phone or a 1440 px desktop.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn no_page_scrolls_sideways_on_a_phone_or_a_desktop() {
    if !common::chromium_available() {
        return;
    }
    let site = common::build_demo_and_corpus(
        "title = \"layout\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"http://127.0.0.1:8000\"\n",
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/layout_check.sh");
    let status = Command::new(script)
        .arg(site.path().join("public"))
        .status()
        .unwrap();
    assert!(
        status.success(),
        "layout_check.sh found pages wider than the screen"
    );
}
