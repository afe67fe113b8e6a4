//! The whole corpus and the seeds built into a site: no built page carries the
//! image proxy, an event handler, an empty paragraph or ZAKER's trailing divs;
//! every body image reaches its page; Dockone's code reads as code; and a
//! `<script>` in a title is shown as text, escaped once, everywhere.

mod common;

use std::path::{Path, PathBuf};

use gazette::build::{build, BuildOptions};

const CONFIG: &str = r#"
title = "corpus"
timezone = "Asia/Shanghai"
base_url = "https://news.example.org"
[clean]
trailing = ["题图来自"]
[clean.trailing_by_author]
"人人都是产品经理" = ["本文由 @"]
"#;

fn built_site(shared: &Path) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for dir in ["corpus/rsshub-page", "seeds"] {
        for entry in std::fs::read_dir(shared.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md" || e == "txt") {
                let name = path.with_extension("md");
                let name = name.file_name().unwrap();
                std::fs::copy(&path, content.join(name)).unwrap();
            }
        }
    }
    std::fs::write(site.path().join("config.toml"), CONFIG).unwrap();
    let report = build(&BuildOptions::for_root(site.path())).unwrap();
    assert!(report.posts >= 60, "{} posts", report.posts);
    site
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn is_text(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| ["html", "xml", "json", "txt"].contains(&e.to_str().unwrap_or("")))
}

#[test]
fn built_corpus_is_clean() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let site = built_site(&shared);
    let public = site.path().join("public");
    let mut pages = 0;
    let mut articles = String::new();
    for path in files(&public).into_iter().filter(|p| is_text(p)) {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = path.strip_prefix(&public).unwrap().display().to_string();
        assert!(
            !text.contains("cors.zfour.workers.dev"),
            "{shown}: proxy host"
        );
        assert!(
            !text.contains("recommend_bottom"),
            "{shown}: ZAKER trailing div"
        );
        assert!(
            !text.contains("article_bottom"),
            "{shown}: ZAKER trailing div"
        );
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            check_html_page(&shown, &text);
            if text.contains("<article") {
                articles.push_str(&text);
            }
        }
    }
    assert!(pages > 60, "{pages} pages");
    check_images_reach_pages(&shared, &articles);
    check_dockone_code(&articles);
}

fn check_html_page(shown: &str, text: &str) {
    let doc = scraper::Html::parse_document(text);
    for node in doc.root_element().descendants() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        for (name, _) in e.attrs() {
            assert!(!name.starts_with("on"), "{shown}: <{} {name}>", e.name());
        }
        if e.name() == "p" {
            let blank = node
                .children()
                .all(|c| c.value().as_text().is_some_and(|t| t.trim().is_empty()));
            assert!(!blank, "{shown}: empty <p>");
        }
        if e.name() == "div" && !node.has_children() && e.attrs().next().is_none() {
            panic!("{shown}: empty <div></div>");
        }
    }
}

/// Every image of every raw body (all have usable addresses in this corpus)
/// appears, unproxied, in some article page.
fn check_images_reach_pages(shared: &Path, articles: &str) {
    let img = scraper::Selector::parse("img").unwrap();
    let pages = scraper::Html::parse_document(articles);
    let shown: std::collections::HashSet<String> = pages
        .select(&img)
        .filter_map(|e| e.value().attr("src").map(str::to_string))
        .collect();
    let (mut before, mut found) = (0, 0);
    for dir in ["corpus/rsshub-page", "seeds"] {
        for entry in std::fs::read_dir(shared.join(dir)).unwrap() {
            let raw = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let Some(body_at) = raw.match_indices("\n---").nth(1).map(|(i, _)| i) else {
                continue;
            };
            let body = scraper::Html::parse_fragment(&raw[body_at..]);
            for e in body.select(&img) {
                before += 1;
                let attr = |k: &str| e.value().attr(k).unwrap_or("");
                let candidates = [attr("data-gif-url"), attr("data-original"), attr("src")];
                let real = candidates
                    .iter()
                    .map(|c| c.trim_start_matches("https://cors.zfour.workers.dev/?"))
                    .find(|c| !c.is_empty() && !c.starts_with("data:"));
                let real = real.map(|r| r.to_string()).unwrap_or_default();
                if shown.contains(&real)
                    || shown
                        .iter()
                        .any(|s| s.ends_with(real.trim_start_matches("//")))
                {
                    found += 1;
                }
            }
        }
    }
    // Three posts have front matter the build refuses; their images never reach a page.
    assert!(before > 150, "{before} images in the raw bodies");
    assert!(
        found + 5 >= before,
        "{found} of {before} images reached article pages"
    );
}

fn check_dockone_code(articles: &str) {
    assert!(
        articles.contains("<pre class=\"hl-code\"><code"),
        "code blocks"
    );
    let doc = scraper::Html::parse_document(articles);
    let pre = scraper::Selector::parse("pre > code").unwrap();
    let opa = doc
        .select(&pre)
        .map(|c| c.text().collect::<String>())
        .find(|t| t.contains("Available Commands:"))
        .expect("the OPA help text");
    assert!(
        opa.contains("Usage:\nopa [command]\n\nAvailable Commands:\nbench"),
        "{opa}"
    );
    assert!(!opa.contains("\n\n\n"), "no doubled blank lines: {opa}");
    let rego = doc
        .select(&pre)
        .map(|c| c.text().collect::<String>())
        .find(|t| t.contains("package acmecorp.api"))
        .expect("the Rego example");
    assert!(rego.contains("allow {\ninput.method"), "{rego}");
    let blocks = doc
        .select(&scraper::Selector::parse("pre").unwrap())
        .count();
    let with_br = doc
        .select(&scraper::Selector::parse("pre br").unwrap())
        .count();
    assert!(
        blocks > 25 && with_br == 0,
        "{blocks} blocks, {with_br} <br> in them"
    );
}

#[test]
fn script_in_a_title_is_text_escaped_once() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(site.path().join("config.toml"), CONFIG).unwrap();
    std::fs::write(
        content.join("t.md"),
        "\n---\ntitle: '<script>alert(1)</script> & \"q\"'\ndate: 2021-08-07 02:22:05\ntags: ['<b>x</b>']\ncategories: ['<i>c</i>']\n---\n\n<div><p>body</p></div>\n",
    )
    .unwrap();
    build(&BuildOptions::for_root(site.path())).unwrap();
    let public = site.path().join("public");
    let mut seen = 0;
    for path in files(&public).into_iter().filter(|p| is_text(p)) {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = path.strip_prefix(&public).unwrap().display();
        assert!(!text.contains("&amp;lt;"), "{shown}: escaped twice");
        // JSON (feeds, search index) carries the title as a JSON string, which is
        // text already; markup files must escape it.
        if path.extension().is_some_and(|e| e != "json") {
            assert!(!text.contains("<script>alert"), "{shown}: raw script");
            assert!(
                !text.contains("<b>x</b>") && !text.contains("<i>c</i>"),
                "{shown}"
            );
        }
        if text.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || text.contains("\\u003cscript\\u003e")
            || text.contains("<script>alert(1)<\\/script>")
        {
            seen += 1;
        }
    }
    assert!(
        seen >= 3,
        "the title shows as text on the article, list and feed pages ({seen})"
    );
}
