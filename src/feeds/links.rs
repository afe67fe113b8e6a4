//! Relative links inside post HTML, made absolute for feeds: a feed reader shows
//! content away from the site, where `/img/a.png` or `../b/` would point nowhere.

use std::borrow::Cow;

use url::Url;

/// Attributes whose value is one URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "poster", "cite"];

/// Rewrites relative `href`/`src`/`poster`/`cite`/`srcset` values in `html` against
/// `page_url` (the post's absolute address). Absolute URLs (anything with a scheme,
/// so also `data:` and `mailto:`) and text outside tags are left byte-for-byte alone.
/// Returns the input unchanged when nothing was relative or `page_url` is not a URL.
pub fn absolutize_links<'h>(html: &'h str, page_url: &str) -> Cow<'h, str> {
    let Ok(base) = Url::parse(page_url) else {
        return Cow::Borrowed(html);
    };
    let mut rewriter = Rewriter {
        html,
        base: &base,
        out: String::new(),
        copied_up_to: 0,
    };
    let bytes = html.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        at = match bytes.get(at..) {
            Some(rest) if rest.starts_with(b"<!--") => {
                find(bytes, at + 4, b"-->").map_or(bytes.len(), |end| end + 3)
            }
            Some([b'<', next, ..]) if next.is_ascii_alphabetic() => rewriter.tag(at + 1),
            _ => at + 1,
        };
    }
    rewriter.finish()
}

struct Rewriter<'h, 'b> {
    html: &'h str,
    base: &'b Url,
    out: String,
    copied_up_to: usize,
}

impl<'h> Rewriter<'h, '_> {
    /// Walks the attributes of the tag whose name starts at `at`; returns where the tag ends.
    fn tag(&mut self, mut at: usize) -> usize {
        let bytes = self.html.as_bytes();
        let is_space = |b: u8| b.is_ascii_whitespace();
        while at < bytes.len() && !is_space(bytes[at]) && bytes[at] != b'>' && bytes[at] != b'/' {
            at += 1;
        }
        loop {
            while at < bytes.len() && (is_space(bytes[at]) || bytes[at] == b'/') {
                at += 1;
            }
            match bytes.get(at) {
                None => return at,
                Some(b'>') => return at + 1,
                _ => {}
            }
            let name_start = at;
            while at < bytes.len()
                && !is_space(bytes[at])
                && !matches!(bytes[at], b'=' | b'>' | b'/')
            {
                at += 1;
            }
            if at == name_start {
                // A stray `=`: step over it so the walk always advances.
                at += 1;
                continue;
            }
            let name = &self.html[name_start..at];
            while at < bytes.len() && is_space(bytes[at]) {
                at += 1;
            }
            if bytes.get(at) != Some(&b'=') {
                continue;
            }
            at += 1;
            while at < bytes.len() && is_space(bytes[at]) {
                at += 1;
            }
            let (value_start, value_end, next) = match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = find(bytes, at + 1, &[quote]).unwrap_or(bytes.len());
                    (at + 1, end, end + 1)
                }
                _ => {
                    let mut end = at;
                    while end < bytes.len() && !is_space(bytes[end]) && bytes[end] != b'>' {
                        end += 1;
                    }
                    (at, end, end)
                }
            };
            self.attribute(name, value_start, value_end);
            at = next;
        }
    }

    fn attribute(&mut self, name: &str, start: usize, end: usize) {
        let Some(value) = self.html.get(start..end) else {
            return;
        };
        let rewritten = if URL_ATTRIBUTES.iter().any(|a| name.eq_ignore_ascii_case(a)) {
            resolve(self.base, value)
        } else if name.eq_ignore_ascii_case("srcset") && !value.contains("data:") {
            resolve_srcset(self.base, value)
        } else {
            None
        };
        if let Some(new_value) = rewritten {
            self.out.push_str(&self.html[self.copied_up_to..start]);
            self.out.push_str(&new_value);
            self.copied_up_to = end;
        }
    }

    fn finish(mut self) -> Cow<'h, str> {
        if self.copied_up_to == 0 {
            return Cow::Borrowed(self.html);
        }
        self.out.push_str(&self.html[self.copied_up_to..]);
        Cow::Owned(self.out)
    }
}

/// The absolute form of one attribute value (still HTML-escaped), or `None` when
/// it is absolute already or cannot be resolved.
fn resolve(base: &Url, escaped: &str) -> Option<String> {
    let value = escaped.trim().replace("&amp;", "&");
    if value.is_empty() || has_scheme(&value) {
        return None;
    }
    let joined = base.join(&value).ok()?;
    Some(escape_attribute(joined.as_str()))
}

fn resolve_srcset(base: &Url, escaped: &str) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = escaped
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (url, descriptor) = candidate
                .split_once(char::is_whitespace)
                .unwrap_or((candidate, ""));
            match resolve(base, url) {
                Some(absolute) => {
                    changed = true;
                    format!("{absolute} {descriptor}").trim_end().to_string()
                }
                None => candidate.to_string(),
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// `scheme:` as RFC 3986 spells it: a letter, then letters, digits, `+`, `-`, `.`.
fn has_scheme(value: &str) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn escape_attribute(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://a.org/news/2021/12/24/x/";

    #[test]
    fn rewrites_relative_urls_in_tags_only() {
        let cases = [
            (
                r#"<a href="/p/">x</a>"#,
                r#"<a href="https://a.org/p/">x</a>"#,
            ),
            (
                r#"<img src="pic.png">"#,
                r#"<img src="https://a.org/news/2021/12/24/x/pic.png">"#,
            ),
            (
                r#"<a href="../y/?a=1&amp;b=2">"#,
                r#"<a href="https://a.org/news/2021/12/24/y/?a=1&amp;b=2">"#,
            ),
            (
                r#"<a href='#top'>"#,
                r#"<a href='https://a.org/news/2021/12/24/x/#top'>"#,
            ),
            (
                r#"<img src=a.png alt=x>"#,
                r#"<img src=https://a.org/news/2021/12/24/x/a.png alt=x>"#,
            ),
            ("<a href=\"/cut", "<a href=\"https://a.org/cut"),
            (
                r#"<IMG SRC="//cdn.org/a.png">"#,
                r#"<IMG SRC="https://cdn.org/a.png">"#,
            ),
            (
                r#"<img srcset="a.png 1x, https://c.org/b.png 2x">"#,
                r#"<img srcset="https://a.org/news/2021/12/24/x/a.png 1x, https://c.org/b.png 2x">"#,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(absolutize_links(input, PAGE), want, "{input}");
        }
    }

    #[test]
    fn leaves_absolute_urls_text_and_comments_alone() {
        let unchanged = [
            r#"<img src="http://zkres2.myzaker.com/a_1024.jpg">"#,
            r#"<a href="mailto:x@y.org">"#,
            r#"<img src="data:image/png;base64,AAAA">"#,
            r#"<p>write src="/x" in text</p>"#,
            r#"<!-- <a href="/x"> -->"#,
            r#"<p>1 &lt; 2 and a href="/x"</p>"#,
            r#"<div data-x="=" =>"#,
            "<",
            "",
        ];
        for input in unchanged {
            let out = absolutize_links(input, PAGE);
            assert!(matches!(out, Cow::Borrowed(_)), "{input} became {out}");
        }
    }

    #[test]
    fn a_bad_page_url_changes_nothing() {
        assert_eq!(
            absolutize_links(r#"<a href="/p/">"#, "not a url"),
            r#"<a href="/p/">"#
        );
    }
}
