//! Markdown: the body converter, and pulldown-cmark with every extension on
//! (definition lists together with footnotes once crashed it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{html, Options, Parser};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = gazette::markdown::to_html(text);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, Options::all()));
});
