//! Sitemaps read back with an XML parser: well-formed, complete, split at the
//! protocol's 50,000 URLs.

use gazette::config::Config;
use gazette::sitemap::{robots, sitemaps, SitemapEntry};
use quick_xml::events::Event;
use quick_xml::Reader;

fn config() -> Config {
    Config::parse(
        "base_url = \"https://example.org\"\ntimezone = \"Asia/Shanghai\"",
        "c",
    )
    .unwrap()
}

fn entries(n: usize) -> Vec<SitemapEntry> {
    let lastmod: jiff::Zoned = "2021-12-23T16:00:00+00:00[UTC]".parse().unwrap();
    (0..n)
        .map(|i| SitemapEntry {
            url: format!("/2021/12/24/%E9%98%BF{i}/"),
            lastmod: (i % 2 == 0).then(|| lastmod.clone()),
        })
        .collect()
}

/// The root element's name and the text of every `<loc>`, failing on malformed XML.
fn read(bytes: &[u8]) -> (String, Vec<String>) {
    let mut reader = Reader::from_reader(bytes);
    let (mut root, mut locs, mut in_loc) = (String::new(), Vec::new(), false);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(tag) => {
                let name = String::from_utf8(tag.name().as_ref().to_vec()).unwrap();
                in_loc = name == "loc";
                if root.is_empty() {
                    root = name;
                }
            }
            Event::Text(text) if in_loc => locs.push(text.unescape().unwrap().into_owned()),
            Event::End(_) => in_loc = false,
            Event::Eof => return (root, locs),
            _ => {}
        }
    }
}

#[test]
fn small_sites_get_one_complete_sitemap() {
    let files = sitemaps(&config(), &entries(3));
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0, "sitemap.xml");
    let text = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(
        text.contains("<lastmod>2021-12-24T00:00:00+08:00</lastmod>"),
        "{text}"
    );
    let (root, locs) = read(&files[0].1);
    assert_eq!(root, "urlset");
    assert_eq!(
        locs,
        [
            "https://example.org/2021/12/24/%E9%98%BF0/",
            "https://example.org/2021/12/24/%E9%98%BF1/",
            "https://example.org/2021/12/24/%E9%98%BF2/"
        ]
    );
}

#[test]
fn fifty_thousand_and_one_urls_become_an_index_over_two_sitemaps() {
    let all = entries(50_001);
    let files = sitemaps(&config(), &all);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
    let (root, parts) = read(&files[0].1);
    assert_eq!(root, "sitemapindex");
    assert_eq!(
        parts,
        [
            "https://example.org/sitemap-1.xml",
            "https://example.org/sitemap-2.xml"
        ]
    );
    let mut listed = Vec::new();
    for (path, bytes) in &files[1..] {
        let (root, locs) = read(bytes);
        assert_eq!(root, "urlset", "{path}");
        assert!(locs.len() <= 50_000, "{path}: {}", locs.len());
        listed.extend(locs);
    }
    let expected: Vec<String> = all
        .iter()
        .map(|e| format!("https://example.org{}", e.url))
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    let text = String::from_utf8(robots(&config())).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "Sitemap: https://example.org/sitemap.xml"),
        "{text}"
    );
}
