//! Page metadata for `<head>`: the Open Graph and Twitter values and the JSON-LD
//! `NewsArticle`, computed here so templates only print them. JSON-LD is built
//! with serde_json and made safe to sit inside `<script>` before it leaves Rust.

use serde::Serialize;

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
            json_ld: Some(json_ld),
        }
    }
}

/// schema.org's `NewsArticle`, typed so it serialises without building a JSON
/// tree first. Fields are in byte order of their names: the JSON once came from a
/// sorted map, and keeping its order keeps every page's bytes.
#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    author: [Organization<'a>; 1],
    #[serde(rename = "dateModified")]
    modified: &'a str,
    #[serde(rename = "datePublished")]
    published: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[&'a str; 1]>,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity: WebPage<'a>,
    publisher: Organization<'a>,
    url: &'a str,
    #[serde(rename = "wordCount")]
    words: usize,
}

#[derive(Serialize, Clone)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

fn news_article(
    config: &Config,
    post: &PostRef,
    description: &str,
    image: Option<&str>,
    modified: &str,
) -> String {
    let page = format!("{}{}", config.base_url, post.url);
    let publisher = Organization {
        kind: "Organization",
        name: &config.title,
        url: format!("{}/", config.base_url),
    };
    let author = match &post.author {
        Some(a) => Organization {
            kind: "Organization",
            name: &a.name,
            url: format!("{}{}", config.base_url, a.url),
        },
        None => publisher.clone(),
    };
    let article = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        section: post
            .categories
            .first()
            .and_then(|trail| trail.last())
            .map(|section| section.name.as_str()),
        author: [author],
        modified,
        published: &post.published,
        description,
        headline: &post.title,
        image: image.map(|image| [image]),
        language: &config.language,
        keywords: post.tags.iter().map(|t| t.name.as_str()).collect(),
        main_entity: WebPage {
            id: &page,
            kind: "WebPage",
        },
        publisher,
        url: &page,
        words: post.words,
    };
    script_safe_json(&article)
}

/// JSON text that cannot end a `<script>` element or start a comment in it.
pub fn script_safe_json(value: &impl Serialize) -> String {
    // Serialising a struct of strings and numbers, or a JSON value, cannot fail.
    let text = serde_json::to_string(value).unwrap_or_default();
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
    use serde_json::{json, Value};

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
