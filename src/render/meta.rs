//! Page metadata for `<head>`: the Open Graph and Twitter values and the JSON-LD
//! `NewsArticle`, computed here so templates only print them. JSON-LD is built
//! with serde_json and made safe to sit inside `<script>` before it leaves Rust.

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::model::{rfc3339, Post, PostRef};

/// What `<head>` says about a page beyond its title.
#[derive(Debug, Default, Serialize)]
pub struct PageMeta {
    /// `og:type`: `article` on articles, `website` elsewhere.
    pub og_type: &'static str,
    /// Plain text for `og:description` and `<meta name="description">`; empty
    /// means the template uses the site's description.
    pub description: String,
    /// Absolute, unproxied image for `og:image`; `None` means the theme's default.
    pub image: Option<String>,
    /// RFC 3339 with offset, on articles.
    pub published: Option<String>,
    pub modified: Option<String>,
    /// A `<script type="application/ld+json">` body in which `<`, `>` and `&`
    /// are `\u` escapes, so no value can close the script. Print with `| safe`.
    pub json_ld: Option<String>,
}

impl PageMeta {
    pub fn website() -> PageMeta {
        PageMeta {
            og_type: "website",
            ..PageMeta::default()
        }
    }

    /// An article's metadata: its summary, header image and `NewsArticle`.
    pub fn article(config: &Config, summary: &PostRef, post: &Post) -> PageMeta {
        let image = summary
            .thumbnail
            .as_deref()
            .and_then(|src| absolute_url(config, &summary.url, src));
        let published = summary.published.clone();
        let modified = post.meta.updated.as_ref().map(rfc3339);
        // One line: a description is shown as a snippet, where line breaks mean nothing.
        let description = summary
            .summary
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let json_ld = news_article(
            config,
            summary,
            &description,
            image.as_deref(),
            modified.as_deref().unwrap_or(&published),
        );
        PageMeta {
            og_type: "article",
            description,
            image,
            published: Some(published),
            modified,
            json_ld: Some(script_safe_json(&json_ld)),
        }
    }
}

fn news_article(
    config: &Config,
    post: &PostRef,
    description: &str,
    image: Option<&str>,
    modified: &str,
) -> Value {
    let page = format!("{}{}", config.base_url, post.url);
    let publisher = json!({
        "@type": "Organization",
        "name": config.title,
        "url": format!("{}/", config.base_url),
    });
    let author = match &post.author {
        Some(a) => json!({
            "@type": "Organization",
            "name": a.name,
            "url": format!("{}{}", config.base_url, a.url),
        }),
        None => publisher.clone(),
    };
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": { "@type": "WebPage", "@id": page },
        "url": page,
        "headline": post.title,
        "datePublished": post.published,
        "dateModified": modified,
        "author": [author],
        "publisher": publisher,
        "inLanguage": config.language,
        "wordCount": post.words,
    });
    let fields = article.as_object_mut().expect("built as an object");
    if let Some(image) = image {
        fields.insert("image".into(), json!([image]));
    }
    if !description.is_empty() {
        fields.insert("description".into(), json!(description));
    }
    if let Some(section) = post.categories.first().and_then(|trail| trail.last()) {
        fields.insert("articleSection".into(), json!(section.name));
    }
    if !post.tags.is_empty() {
        let names: Vec<&str> = post.tags.iter().map(|t| t.name.as_str()).collect();
        fields.insert("keywords".into(), json!(names));
    }
    article
}

/// JSON text that cannot end a `<script>` element or start a comment in it.
pub fn script_safe_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// An image address as an absolute `http(s)` URL, or `None` for `data:` and the like.
/// `page_url` is the site-relative page the address was written on.
pub fn absolute_url(config: &Config, page_url: &str, src: &str) -> Option<String> {
    let src = src.trim();
    let page = url::Url::parse(&format!("{}{}", config.base_url, page_url)).ok()?;
    let resolved = page.join(src).ok()?;
    matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_script() {
        let value = json!({ "headline": "</script><script>alert(1)</script> & <!--" });
        let text = script_safe_json(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "the escapes decode to the same JSON");
    }

    #[test]
    fn image_addresses_become_absolute() {
        let config = Config {
            base_url: "https://example.org/news".into(),
            ..Config::default()
        };
        let page = "/2021/12/24/a/";
        let cases = [
            (
                "http://img.example.com/a.jpg",
                Some("http://img.example.com/a.jpg"),
            ),
            (
                "//img.example.com/a.jpg",
                Some("https://img.example.com/a.jpg"),
            ),
            (
                "/news/img/a.png",
                Some("https://example.org/news/img/a.png"),
            ),
            ("b.png", Some("https://example.org/news/2021/12/24/a/b.png")),
            ("data:image/png;base64,AAAA", None),
            ("javascript:alert(1)", None),
        ];
        for (src, want) in cases {
            assert_eq!(absolute_url(&config, page, src).as_deref(), want, "{src}");
        }
    }
}
