//! Test and benchmark input for the search index: posts read crudely from Hexo
//! files (the real pipeline is not needed to measure the index), plus helpers to
//! write an index to disk and run the browser's search code on it under node.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use gazette::config::Config;
use gazette::model::{Link, PostRef};
use gazette::search::{build_index, SearchDoc};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

#[path = "../common/mod.rs"]
mod common;
#[allow(unused_imports)]
pub use common::shared_dir;

pub struct LoadedPost {
    pub post: PostRef,
    pub text: String,
    /// `text` as a cleaned body holding just it, which is what the index reads.
    pub html: String,
}

/// Every `.md`/`.txt` post under `dir`, sorted by path: front matter read line by
/// line (title, date, author), body tags stripped. Good enough for an index.
pub fn load_dir(dir: &Path, config: &Config) -> Vec<LoadedPost> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| entry.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| {
            let source = std::fs::read_to_string(path).ok()?;
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            Some(parse_post(&source, &stem, config))
        })
        .collect()
}

fn parse_post(source: &str, stem: &str, config: &Config) -> LoadedPost {
    let mut parts = source.trim_start().splitn(3, "\n---");
    let front = parts.next().unwrap_or("").trim_start_matches("---");
    let body = parts.next().unwrap_or("");
    let field = |key: &str| {
        front.lines().find_map(|line| {
            let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
            Some(value.trim_matches(|c| c == '\'' || c == '"').to_string())
        })
    };
    let date = field("date")
        .and_then(|d| gazette::date::parse_date(&d, &config.timezone).ok())
        .unwrap_or_else(|| jiff::Timestamp::UNIX_EPOCH.to_zoned(config.timezone.clone()));
    let title = field("title").unwrap_or_else(|| stem.to_string());
    let slug = utf8_percent_encode(&gazette::slug::slugify(stem), NON_ALPHANUMERIC).to_string();
    let url = format!("/{}/{slug}/", date.strftime("%Y/%m/%d"));
    let mut post = PostRef::for_test(&title, &url, date);
    post.dir = percent_encoding::percent_decode_str(url.trim_matches('/'))
        .decode_utf8_lossy()
        .into_owned();
    post.author = field("author").map(|name| Link {
        url: format!("/authors/{}/", utf8_percent_encode(&name, NON_ALPHANUMERIC)),
        name,
    });
    let text = strip_tags(body);
    let html = format!("<p>{}</p>", escape_text(&text));
    LoadedPost { post, text, html }
}

/// `text` escaped for HTML text.
pub fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text of crude HTML: tags dropped, a few entities decoded, whitespace collapsed.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn search_docs(posts: &[LoadedPost]) -> Vec<SearchDoc<'_>> {
    posts
        .iter()
        .map(|p| SearchDoc {
            post: &p.post,
            html: &p.html,
        })
        .collect()
}

/// Builds the index of `posts` and writes it under `out` (which becomes a site root).
pub fn write_index(config: &Config, posts: &[LoadedPost], out: &Path) -> Vec<(String, Vec<u8>)> {
    let files = build_index(config, &search_docs(posts));
    for (path, bytes) in &files {
        let target = out.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    files
}

/// A bare page per post at its URL, shaped like the theme's `post.html`
/// (`article .content`), for search snippets read from articles.
pub fn write_article_pages(posts: &[LoadedPost], out: &Path) {
    let escape = escape_text;
    for loaded in posts {
        let dir = out.join(&loaded.post.dir);
        std::fs::create_dir_all(&dir).unwrap();
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{0}</title></head><body><article class=\"post\"><h1>{0}</h1><div class=\"content\"><p>{1}</p></div></article></body></html>",
            escape(&loaded.post.title),
            escape(&loaded.text)
        );
        std::fs::write(dir.join("index.html"), page).unwrap();
    }
}

/// `node`, when installed; tests that need it print why they skip.
pub fn node() -> Option<Command> {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => Some(Command::new("node")),
        _ => {
            eprintln!("skipped: node not found");
            None
        }
    }
}

pub fn node_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_search.js")
}

/// One query's outcome as `node_search.js query` reports it.
pub fn run_queries(site: &Path, queries: &[&str]) -> Option<Vec<serde_json::Value>> {
    let mut node = node()?;
    let out = node
        .arg(node_script())
        .arg("query")
        .arg(site)
        .args(queries)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    Some(
        stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}
