//! `<head>` metadata on built pages: canonical, Open Graph, Twitter card, feed
//! links and the JSON-LD `NewsArticle`, read back with an HTML parser.

mod common;

use common::write;
use gazette::build::{build, BuildOptions};
use scraper::{Html, Selector};

const HOSTILE: &str = "</script><script>alert(1)</script> & \"q\" 'a'";

fn built_site() -> tempfile::TempDir {
    let dir = common::site_with_config(
        "title = \"Gazette\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"https://example.org/news\"\n",
    );
    let root = dir.path();
    write(
        root,
        "content/cloud.md",
        "---\ntitle: 阿里云的漏洞\ndate: 2021-12-24 09:30:00\nupdated: 2021-12-25 08:00:00\n\
         categories: [科技, 云]\ntags: [安全, log4j]\nauthor: ZAKER\n\
         thumbnail: https://cors.zfour.workers.dev/?http://img.example.com/cover.jpg\n\
         description: 一段摘要。\nslug: cloud\n---\n\n<p>正文。</p>\n",
    );
    let hostile = HOSTILE.replace('\'', "''");
    write(
        root,
        "content/hostile.md",
        &format!("---\ntitle: '{hostile}'\ndate: 2021-12-20 10:00:00\nslug: hostile\ntags: [安全]\n---\n\n<p>x</p>\n"),
    );
    build(&BuildOptions::for_root(root)).unwrap();
    dir
}

fn page(dir: &tempfile::TempDir, rel: &str) -> (String, Html) {
    let text = std::fs::read_to_string(dir.path().join("public").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    let html = Html::parse_document(&text);
    (text, html)
}

fn attr(html: &Html, selector: &str, name: &str) -> Option<String> {
    let s = Selector::parse(selector).unwrap();
    html.select(&s)
        .next()
        .and_then(|e| e.value().attr(name).map(str::to_string))
}

fn meta(html: &Html, key: &str) -> String {
    attr(html, &format!("meta[property=\"{key}\"]"), "content")
        .or_else(|| attr(html, &format!("meta[name=\"{key}\"]"), "content"))
        .unwrap_or_else(|| panic!("no meta {key}"))
}

fn json_ld(html: &Html) -> serde_json::Value {
    let s = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let scripts: Vec<String> = html.select(&s).map(|e| e.inner_html()).collect();
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    serde_json::from_str(&scripts[0]).expect("JSON-LD parses")
}

#[test]
fn an_article_carries_canonical_open_graph_twitter_and_news_article() {
    let dir = built_site();
    let (_, html) = page(&dir, "2021/12/24/cloud/index.html");
    let url = "https://example.org/news/2021/12/24/cloud/";
    assert_eq!(attr(&html, "link[rel=canonical]", "href").unwrap(), url);
    assert_eq!(meta(&html, "og:title"), "阿里云的漏洞");
    assert_eq!(meta(&html, "og:type"), "article");
    assert_eq!(meta(&html, "og:url"), url);
    assert_eq!(meta(&html, "og:image"), "http://img.example.com/cover.jpg");
    assert_eq!(meta(&html, "og:description"), "一段摘要。");
    assert_eq!(meta(&html, "twitter:card"), "summary_large_image");
    assert_eq!(meta(&html, "twitter:title"), "阿里云的漏洞");
    assert_eq!(
        meta(&html, "twitter:image"),
        "http://img.example.com/cover.jpg"
    );
    assert_eq!(
        meta(&html, "article:published_time"),
        "2021-12-24T09:30:00+08:00"
    );

    let ld = json_ld(&html);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "阿里云的漏洞");
    assert_eq!(ld["datePublished"], "2021-12-24T09:30:00+08:00");
    assert_eq!(ld["dateModified"], "2021-12-25T08:00:00+08:00");
    assert_eq!(ld["image"][0], "http://img.example.com/cover.jpg");
    assert_eq!(ld["author"][0]["name"], "ZAKER");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], "Gazette");
    assert_eq!(ld["mainEntityOfPage"]["@id"], url);
}

#[test]
fn every_page_links_the_site_feeds_and_term_pages_their_own() {
    let dir = built_site();
    let feeds = |html: &Html| -> Vec<(String, String)> {
        let s = Selector::parse("link[rel=alternate]").unwrap();
        html.select(&s)
            .map(|e| {
                let v = e.value();
                (
                    v.attr("type").unwrap().to_string(),
                    v.attr("href").unwrap().to_string(),
                )
            })
            .collect()
    };
    let site_feeds = [
        ("application/atom+xml", "/news/atom.xml"),
        ("application/rss+xml", "/news/rss.xml"),
        ("application/feed+json", "/news/feed.json"),
    ];
    for rel in [
        "index.html",
        "2021/12/24/cloud/index.html",
        "archives/index.html",
        "404.html",
    ] {
        let (_, html) = page(&dir, rel);
        let found = feeds(&html);
        for (kind, href) in site_feeds {
            assert!(
                found.iter().any(|(k, h)| k == kind && h == href),
                "{rel}: {kind} {href} missing in {found:?}"
            );
        }
    }
    let (_, html) = page(&dir, "tags/log4j/index.html");
    assert!(
        feeds(&html)
            .iter()
            .any(|(_, h)| h == "/news/tags/log4j/atom.xml"),
        "{:?}",
        feeds(&html)
    );
    let (_, html) = page(&dir, "index.html");
    assert_eq!(meta(&html, "og:type"), "website");
    assert_eq!(
        attr(&html, "link[rel=canonical]", "href").unwrap(),
        "https://example.org/news/"
    );
}

#[test]
fn every_page_has_the_full_head() {
    let dir = built_site();
    let public = dir.path().join("public");
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&public).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let (_, html) = page(&dir, &rel);
        let canonical = attr(&html, "link[rel=canonical]", "href").unwrap_or_default();
        assert!(
            canonical.starts_with("https://example.org/news/"),
            "{rel}: {canonical}"
        );
        for key in [
            "og:title",
            "og:type",
            "og:image",
            "og:url",
            "twitter:card",
            "twitter:title",
        ] {
            assert!(!meta(&html, key).is_empty(), "{rel}: {key} empty");
        }
        assert!(
            meta(&html, "og:image").starts_with("http"),
            "{rel}: og:image not absolute"
        );
        seen += 1;
    }
    assert!(seen > 10, "only {seen} pages");
}

#[test]
fn a_hostile_title_stays_inert_and_is_escaped_once_everywhere() {
    let dir = built_site();
    let (text, html) = page(&dir, "2021/12/20/hostile/index.html");
    assert!(!text.contains("<script>alert(1)"), "script injected");
    assert!(
        !text.contains("&amp;lt;") && !text.contains("&amp;amp;"),
        "escaped twice"
    );
    let s = Selector::parse("script").unwrap();
    assert_eq!(html.select(&s).count(), 1, "only the JSON-LD script");
    assert!(text.contains("\\u003c/script\\u003e"), "JSON-LD escapes <");

    let title = Selector::parse("title").unwrap();
    let shown: String = html.select(&title).next().unwrap().text().collect();
    assert_eq!(shown, format!("{HOSTILE} · Gazette"));
    let h1 = Selector::parse("h1").unwrap();
    let heading: String = html.select(&h1).next().unwrap().text().collect();
    assert_eq!(heading, HOSTILE);
    assert_eq!(meta(&html, "og:title"), HOSTILE);
    assert_eq!(meta(&html, "twitter:title"), HOSTILE);
    assert_eq!(json_ld(&html)["headline"], HOSTILE);

    // Lists show it escaped once too.
    let (text, html) = page(&dir, "tags/安全/index.html");
    assert!(!text.contains("<script>alert(1)"));
    let a = Selector::parse(".card-title a").unwrap();
    let titles: Vec<String> = html.select(&a).map(|e| e.text().collect()).collect();
    assert!(titles.iter().any(|t| t == HOSTILE), "{titles:?}");
}
