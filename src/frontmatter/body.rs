//! Deciding whether a body is HTML or Markdown. Scraped bodies are HTML in `.md`
//! files; sending them through CommonMark would turn indented lines after a blank
//! line into code blocks, so HTML is recognised by how the body starts.

use std::path::Path;

use crate::model::BodyFormat;

/// The body's format and, when the front matter asked for something the file
/// cannot be, why that was overruled.
pub(super) fn format_of(
    path: &Path,
    declared: Option<BodyFormat>,
    body: &str,
) -> (BodyFormat, Option<String>) {
    let is_html_file = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    match declared {
        _ if is_html_file => {
            let overruled = (declared == Some(BodyFormat::Markdown))
                .then(|| "`format: markdown` in an .html file; read as HTML".to_string());
            (BodyFormat::Html, overruled)
        }
        Some(format) => (format, None),
        None if looks_like_html(body) => (BodyFormat::Html, None),
        None => (BodyFormat::Markdown, None),
    }
}

/// Elements that open a block: a body whose first content is one of these (after
/// comments) is HTML. Inline tags (`<a>`, `<img>`, `<span>`) are not enough: Markdown
/// posts start with those too, and CommonMark keeps them as inline HTML.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "audio",
    "blockquote",
    "body",
    "canvas",
    "center",
    "details",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "li",
    "main",
    "menu",
    "nav",
    "noscript",
    "ol",
    "p",
    "picture",
    "pre",
    "section",
    "svg",
    "table",
    "tbody",
    "thead",
    "ul",
    "video",
];

pub(super) fn looks_like_html(body: &str) -> bool {
    let mut rest = body.trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        match comment.find("-->") {
            Some(end) => rest = comment[end + 3..].trim_start(),
            None => return false,
        }
    }
    let Some(tag) = rest.strip_prefix('<') else {
        return false;
    };
    if tag
        .get(..8)
        .is_some_and(|t| t.eq_ignore_ascii_case("!doctype"))
    {
        return true;
    }
    let name_len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let ends_name = tag[name_len..]
        .chars()
        .next()
        .map_or(true, |c| c.is_ascii_whitespace() || c == '>' || c == '/');
    let name = tag[..name_len].to_ascii_lowercase();
    ends_name && BLOCK_TAGS.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        let cases = [
            ("\n<div>   \n<p></p></div>            ", true),
            ("<P class=x>hi</P>", true),
            ("<!-- scraped -->\n<section>", true),
            ("<!DOCTYPE html><html>", true),
            ("<table>", true),
            ("<hr/>", true),
            ("# Title\n<div>x</div>", false),
            ("Plain text then <div>", false),
            ("<https://example.com> is an autolink", false),
            ("<a name=top></a>\n# Title", false),
            ("<img src=x>", false),
            ("<divx>", false),
            ("<!-- unclosed", false),
            ("", false),
        ];
        for (body, want) in cases {
            assert_eq!(looks_like_html(body), want, "{body:?}");
        }
    }

    #[test]
    fn declared_and_file_formats() {
        use BodyFormat::{Html, Markdown};
        let cases = [
            ("a.md", None, "<div>x</div>", Html, false),
            ("a.md", None, "# x", Markdown, false),
            (
                "a.markdown",
                Some(Markdown),
                "<div>x</div>",
                Markdown,
                false,
            ),
            ("a.md", Some(Html), "# x", Html, false),
            ("a.html", None, "# x", Html, false),
            ("a.HTM", Some(Markdown), "# x", Html, true),
            ("seed.txt", None, "<div>x</div>", Html, false),
        ];
        for (path, declared, body, want, overruled) in cases {
            let (got, note) = format_of(Path::new(path), declared, body);
            assert_eq!((got, note.is_some()), (want, overruled), "{path} {body}");
        }
    }
}
