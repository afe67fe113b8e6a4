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
    // Judged as a browser reads it: `<` inside a quoted attribute value is text, so
    // a substring test for "<script" on the serialised output cries wolf (it did).
    let fragment = scraper::Html::parse_fragment(&body.html);
    for node in fragment.tree.nodes() {
        if let Some(element) = node.value().as_element() {
            assert_ne!(element.name(), "script", "script survived: {}", body.html);
            for (name, value) in element.attrs() {
                assert!(!name.starts_with("on"), "{name} survived: {}", body.html);
                // Only attributes a browser follows as a URL matter; any other
                // (alt, title, referrerpolicy) may hold the word as inert text.
                const URL_ATTRIBUTES: &[&str] = &[
                    "href", "src", "srcset", "action", "formaction", "poster", "cite",
                    "background", "data", "xlink:href",
                ];
                if !URL_ATTRIBUTES.contains(&name) {
                    continue;
                }
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !url.starts_with("javascript:") && !url.starts_with("vbscript:"),
                    "{name}={value:?} survived: {}",
                    body.html
                );
            }
        }
    }
});
