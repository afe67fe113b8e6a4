//! The default theme's pages on a small fixture site: pagination under a
//! sub-path, the archive timeline, the category tree, the tag cloud, and that
//! nothing the theme loads comes from another host.

mod common;

use common::write;
use gazette::build::{build, BuildOptions};
use scraper::{Html, Selector};

/// 25 posts over two years, under base_url https://example.org/news.
fn built_site() -> tempfile::TempDir {
    let dir = common::site_with_config(
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"https://example.org/news\"\npaginate = 5\n",
    );
    let root = dir.path();
    for i in 0..25 {
        let (year, month, day) = if i < 3 {
            (2020, 12, 31)
        } else {
            (2021, 1 + i % 3, 1 + i % 5)
        };
        let cats = if i % 2 == 0 {
            "[新媒体, ZAKER]"
        } else {
            "[新媒体]"
        };
        let tags = if i == 0 { "[大, 小]" } else { "[大]" };
        write(
            root,
            &format!("content/p{i:02}.md"),
            &format!(
                "---\ntitle: P{i}\ndate: {year}-{month:02}-{day:02} {:02}:00:00\ncategories: {cats}\ntags: {tags}\nauthor: 源{}\n---\n\n<p>body {i}</p>\n",
                i % 24,
                i % 2
            ),
        );
    }
    build(&BuildOptions::for_root(root)).unwrap();
    dir
}

fn read(dir: &tempfile::TempDir, rel: &str) -> Html {
    let text = std::fs::read_to_string(dir.path().join("public").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    Html::parse_document(&text)
}

fn hrefs(html: &Html, selector: &str) -> Vec<String> {
    let s = Selector::parse(selector).unwrap();
    html.select(&s)
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

/// Regression: pagination links lacked the base URL's path (`/news`).
#[test]
fn pagination_links_keep_the_site_path_and_show_first_and_last() {
    let dir = built_site();
    let links = hrefs(&read(&dir, "index.html"), ".pagination a");
    assert!(links.contains(&"/news/page/2/".to_string()), "{links:?}");
    assert!(
        links.contains(&"/news/page/5/".to_string()),
        "last page: {links:?}"
    );
    assert!(links.iter().all(|l| l.starts_with("/news/")), "{links:?}");
    let links = hrefs(&read(&dir, "page/3/index.html"), ".pagination a");
    assert!(
        links.contains(&"/news/page/2/".to_string()),
        "prev: {links:?}"
    );
    assert!(
        links.contains(&"/news/page/4/".to_string()),
        "next: {links:?}"
    );
    let links = hrefs(&read(&dir, "page/5/index.html"), ".pagination a");
    assert!(links.contains(&"/news/".to_string()), "first: {links:?}");
    let links = hrefs(&read(&dir, "tags/大/page/2/index.html"), ".pagination a");
    assert!(
        links.contains(&"/news/tags/%E5%A4%A7/".to_string()),
        "{links:?}"
    );
}

#[test]
fn the_archive_timeline_goes_years_months_days_with_counts() {
    let dir = built_site();
    let html = read(&dir, "archives/index.html");
    let years = Selector::parse(".tl-year summary").unwrap();
    let years: Vec<String> = html
        .select(&years)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(years, ["2021 年 22 篇", "2020 年 3 篇"]);
    let days = hrefs(&html, ".tl-days a");
    assert!(
        days.contains(&"/news/archives/2020/12/31/".to_string()),
        "{days:?}"
    );
    let day = Selector::parse(".tl-days a[href=\"/news/archives/2020/12/31/\"] small").unwrap();
    let count: String = html.select(&day).next().unwrap().text().collect();
    assert_eq!(count, "3");
}

#[test]
fn categories_form_a_tree_and_tags_a_weighted_cloud() {
    let dir = built_site();
    let html = read(&dir, "categories/index.html");
    let nested = Selector::parse(".tree > ul > li > ul > li > a").unwrap();
    let child: Vec<String> = html.select(&nested).map(|e| e.text().collect()).collect();
    assert_eq!(child, ["ZAKER"]);
    let html = read(&dir, "tags/index.html");
    let big = Selector::parse(".cloud li.w5 a").unwrap();
    let small = Selector::parse(".cloud li.w1 a").unwrap();
    assert!(html.select(&big).next().unwrap().text().any(|t| t == "大"));
    assert!(html
        .select(&small)
        .next()
        .unwrap()
        .text()
        .any(|t| t == "小"));
}

#[test]
fn the_theme_loads_nothing_from_another_host() {
    let dir = built_site();
    let public = dir.path().join("public");
    let external =
        |v: &str| v.starts_with("//") || v.starts_with("http:") || v.starts_with("https:");
    for entry in walkdir::WalkDir::new(&public).into_iter().flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "css" {
            let css = std::fs::read_to_string(path).unwrap();
            assert!(
                !css.contains("@import") && !css.contains("url("),
                "{}",
                path.display()
            );
        }
        if ext != "html" {
            continue;
        }
        let html = Html::parse_document(&std::fs::read_to_string(path).unwrap());
        let s = Selector::parse("script[src], link[href], img[src]").unwrap();
        for e in html.select(&s) {
            let v = e.value();
            let rel = v.attr("rel").unwrap_or("");
            let url = v.attr("src").or(v.attr("href")).unwrap();
            // canonical and og links name this site's absolute URL; they load nothing.
            if matches!(rel, "canonical" | "alternate") {
                continue;
            }
            assert!(
                !external(url),
                "{}: {} loads {url}",
                path.display(),
                v.name()
            );
        }
    }
}
