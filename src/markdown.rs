//! Markdown bodies: CommonMark plus tables, footnotes, strikethrough and task lists.

/// STUB (to be replaced): no highlighting yet.
pub fn to_html(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(markdown, options);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}
