//! Markdown: the body converter, and pulldown-cmark with every extension on but
//! definition lists, which panic in pulldown-cmark 0.12.2 (found here: slice index
//! out of range in `scanners::scan_uri`, with or without footnotes) and must stay off.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{html, Options, Parser};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = gazette::markdown::to_html(text);
    let mut out = String::new();
    let options = Options::all() - Options::ENABLE_DEFINITION_LIST;
    html::push_html(&mut out, Parser::new_ext(text, options));
});
