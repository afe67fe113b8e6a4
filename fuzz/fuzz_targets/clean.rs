//! The cleaner: any HTML. Must never panic, and what comes out must hold no
//! script element, no event-handler attribute and no `javascript:` URL.
#![no_main]

use gazette::clean::{clean, CleanOptions};
use gazette::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(html) = std::str::from_utf8(data) else {
        return;
    };
    let options = CleanOptions::from_config(&Config::default());
    let body = clean(html, &options, Some("ZAKER"));
    let lower = body.html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script survived: {}", body.html);
    assert!(!lower.contains("javascript:"), "javascript: survived: {}", body.html);
    let fragment = scraper::Html::parse_fragment(&body.html);
    for node in fragment.tree.nodes() {
        if let Some(element) = node.value().as_element() {
            for (name, _) in element.attrs() {
                assert!(!name.starts_with("on"), "{name} survived: {}", body.html);
            }
        }
    }
});
