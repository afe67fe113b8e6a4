//! A cleaned body's plain text, read back from its HTML when needed (word
//! counts and the summary while cleaning, the search index while rendering)
//! rather than held beside it for the whole build: at 100k posts the text is
//! as large as the HTML, ~0.3 GB.
//!
//! The input is gazette's own cleaned HTML, written by html5ever's serialiser:
//! well-formed, attributes double-quoted, no comments or scripts left. The
//! reader still copes with any of those, so hostile input cannot break it, only
//! give odd text.

use std::borrow::Cow;

use memchr::memchr;
use quick_xml::escape::{resolve_xml_entity, unescape_with};

use super::dom::is_block;

/// The text of `html`: text runs with whitespace collapsed, and a space at
/// each `<br>` and at the end of each block, table cell and list item.
pub fn plain_text(html: &str) -> String {
    read(html, usize::MAX)
}

/// The first `chars` characters of [`plain_text`], reading no further than
/// needed.
pub fn plain_text_prefix(html: &str, chars: usize) -> String {
    // Four bytes a character at most, and one more for a trailing space trimmed.
    let mut text = read(html, chars.saturating_mul(4).saturating_add(4));
    if let Some((end, _)) = text.char_indices().nth(chars) {
        text.truncate(end);
    }
    text
}

/// [`super::excerpt`] of the text of `html`, reading only as much as it needs.
pub fn excerpt_of_html(html: &str, max_chars: usize) -> String {
    // One character past the cut decides how to cut; one more stands in for
    // a space the prefix may have trimmed (text has no two spaces in a row).
    super::excerpt(&plain_text_prefix(html, max_chars + 2), max_chars)
}

/// Reads text until it holds at least `enough_bytes` (the end of a run may
/// go past it).
fn read(html: &str, enough_bytes: usize) -> String {
    let mut out = String::with_capacity(html.len().min(enough_bytes) / 2);
    let mut rest = html;
    while out.len() < enough_bytes {
        let Some(open) = memchr(b'<', rest.as_bytes()) else {
            push_text(&mut out, rest);
            break;
        };
        push_text(&mut out, &rest[..open]);
        rest = skip_markup(&mut out, &rest[open..]);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Handles the markup at the start of `at` (a `<`) and returns what follows it.
fn skip_markup<'a>(out: &mut String, at: &'a str) -> &'a str {
    if let Some(comment) = at.strip_prefix("<!--") {
        return comment.find("-->").map_or("", |end| &comment[end + 3..]);
    }
    let end = tag_end(at);
    let (closing, name) = tag_name(&at[1..end]);
    let rest = at.get(end + 1..).unwrap_or("");
    if closing {
        if is_block(&name) || ends_a_text_block(&name) {
            push_collapsed(out, " ");
        }
        return rest;
    }
    match &*name {
        "br" => push_collapsed(out, " "),
        // Raw text, never shown: skip to the end tag.
        "script" | "style" | "template" | "textarea" | "title" => {
            let close = format!("</{name}");
            return find_ascii_ci(rest, &close).map_or("", |at| skip_markup(out, &rest[at..]));
        }
        _ => {}
    }
    rest
}

/// The position of the `>` ending the tag that starts `at`, past quoted
/// attribute values (the serialiser leaves `>` unescaped in them); `at`'s
/// length when the tag never ends.
fn tag_end(at: &str) -> usize {
    let bytes = at.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return i,
            quote @ (b'"' | b'\'') => match memchr(quote, &bytes[i + 1..]) {
                Some(len) => i += len + 1,
                None => return bytes.len(),
            },
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether the tag `inside` (between `<` and `>`) closes an element, and the
/// element's lower-cased name (the serialiser writes them lower-cased already).
fn tag_name(inside: &str) -> (bool, Cow<'_, str>) {
    let (closing, inside) = match inside.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inside),
    };
    let end = inside
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(inside.len());
    let name = &inside[..end];
    match name.bytes().any(|b| b.is_ascii_uppercase()) {
        true => (closing, Cow::Owned(name.to_ascii_lowercase())),
        false => (closing, Cow::Borrowed(name)),
    }
}

/// Appends a text run, its character references decoded.
fn push_text(out: &mut String, run: &str) {
    if memchr(b'&', run.as_bytes()).is_none() {
        push_collapsed(out, run);
        return;
    }
    // The serialiser writes `&nbsp;` besides XML's five; a reference it did
    // not write is kept as it stands, which search can still match.
    let resolve = |entity: &str| match entity {
        "nbsp" => Some("\u{a0}"),
        _ => resolve_xml_entity(entity),
    };
    match unescape_with(run, resolve) {
        Ok(decoded) => push_collapsed(out, &decoded),
        Err(_) => push_collapsed(out, run),
    }
}

/// Elements that are not blocks but whose end still separates text.
fn ends_a_text_block(name: &str) -> bool {
    matches!(name, "li" | "td" | "th" | "figcaption" | "tr")
}

/// Appends `piece` with every whitespace run as one space.
fn push_collapsed(out: &mut String, piece: &str) {
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    if piece.starts_with(char::is_whitespace) {
        space(out);
    }
    let mut words = piece.split_whitespace();
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
        if piece.ends_with(char::is_whitespace) {
            space(out);
        }
    }
}

/// Where `needle` (ASCII) first occurs in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_as_the_tree_reader_does() {
        let cases = [
            ("", ""),
            ("plain", "plain"),
            ("<p>a</p><p>b</p>", "a b"),
            ("<p>a<b>b</b>c</p>", "abc"),
            ("<p>line<br>next</p>", "line next"),
            ("<ul><li>one</li><li>two</li></ul>", "one two"),
            ("<p>  spaced \n\t out  </p>", "spaced out"),
            (
                "<p>AT&amp;T &lt;tag&gt; &quot;q&quot;</p>",
                "AT&T <tag> \"q\"",
            ),
            ("<p>a&nbsp;b</p>", "a b"),
            ("<p>&#x4E2D;&#25991;</p>", "中文"),
            ("<p>odd &bogus; ref</p>", "odd &bogus; ref"),
            (r#"<img alt="a > b" src="x.png"><p>after</p>"#, "after"),
            ("<p>a</p><!-- note <p>hidden</p> --><p>b</p>", "a b"),
            (
                "<p>a</p><script>var x = '<p>no</p>';</script><p>b</p>",
                "a b",
            ),
            ("<p>a</p><STYLE>p{}</STYLE>b", "a b"),
            (
                "<pre><code>let x = 1;\nlet y;</code></pre>",
                "let x = 1; let y;",
            ),
            ("<p>unclosed <a href=\"x", "unclosed"),
            ("text ends <", "text ends"),
            ("<", ""),
            ("a <p", "a"),
            ("<p>中文</p><p>段落</p>", "中文 段落"),
            ("<table><tr><td>1</td><td>2</td></tr></table>", "1 2"),
        ];
        for (html, text) in cases {
            assert_eq!(plain_text(html), text, "{html}");
        }
    }

    #[test]
    fn a_prefix_is_the_start_of_the_whole_text() {
        let html = "<p>第一段文字</p><p>second paragraph here</p>".repeat(50);
        let whole = plain_text(&html);
        for chars in [0, 1, 5, 6, 40, 240, 10_000] {
            let prefix = plain_text_prefix(&html, chars);
            let expected: String = whole.chars().take(chars).collect();
            assert_eq!(prefix, expected, "{chars}");
        }
    }
}
