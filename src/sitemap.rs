//! `sitemap.xml` and `robots.txt`, so search engines find every page of an archive
//! too large to crawl by links alone.
//!
//! The sitemaps protocol (<https://www.sitemaps.org/protocol.html>) caps one file at
//! 50,000 URLs and 50 MiB; past either, `sitemap.xml` becomes a sitemap index over
//! `sitemap-1.xml`, `sitemap-2.xml`, … so the address robots.txt names never changes.

use jiff::Zoned;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::config::Config;
use crate::feeds::{absolute, rfc3339, xml_safe};

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const INDEX_PATH: &str = "sitemap.xml";

/// One page of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapEntry {
    /// Site-relative and percent-encoded, e.g. `/2021/12/24/x/`.
    pub url: String,
    pub lastmod: Option<Zoned>,
}

/// How much one sitemap file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapLimits {
    pub urls: usize,
    pub bytes: usize,
}

impl SitemapLimits {
    /// The protocol's limits.
    pub const PROTOCOL: SitemapLimits = SitemapLimits {
        urls: 50_000,
        bytes: 50 * 1024 * 1024,
    };
}

/// The sitemap files for `entries`, as (output-relative path, bytes): just
/// `sitemap.xml`, or an index plus numbered sitemaps when one file would be too big.
pub fn sitemaps(config: &Config, entries: &[SitemapEntry]) -> Vec<(String, Vec<u8>)> {
    sitemaps_with_limits(config, entries, SitemapLimits::PROTOCOL)
}

/// [`sitemaps`] with other limits (tests use small ones).
pub fn sitemaps_with_limits(
    config: &Config,
    entries: &[SitemapEntry],
    limits: SitemapLimits,
) -> Vec<(String, Vec<u8>)> {
    let mut parts = split(config, entries, limits);
    if parts.len() <= 1 {
        let only = parts
            .pop()
            .map_or_else(|| urlset(config, &[]).0, |part| part.0);
        return vec![(INDEX_PATH.to_string(), only)];
    }
    let named: Vec<(String, Vec<u8>, Option<Zoned>)> = parts
        .into_iter()
        .enumerate()
        .map(|(n, (bytes, newest))| (format!("sitemap-{}.xml", n + 1), bytes, newest))
        .collect();
    let index = sitemap_index(config, &named);
    let mut files = vec![(INDEX_PATH.to_string(), index)];
    files.extend(named.into_iter().map(|(path, bytes, _)| (path, bytes)));
    files
}

/// `robots.txt`: everything may be crawled, and here is the sitemap.
pub fn robots(config: &Config) -> Vec<u8> {
    format!(
        "User-agent: *\nDisallow:\n\nSitemap: {}/{INDEX_PATH}\n",
        config.base_url
    )
    .into_bytes()
}

/// Consecutive runs of `entries` that each fit `limits`, written as urlsets, each
/// with its newest lastmod (for the index).
fn split(
    config: &Config,
    entries: &[SitemapEntry],
    limits: SitemapLimits,
) -> Vec<(Vec<u8>, Option<Zoned>)> {
    let mut parts = Vec::new();
    let mut rest = entries;
    while !rest.is_empty() {
        let (bytes, newest, taken) = urlset(config, &rest[..rest.len().min(limits.urls.max(1))]);
        let (bytes, newest, taken) = if bytes.len() <= limits.bytes || taken <= 1 {
            (bytes, newest, taken)
        } else {
            fit_bytes(config, rest, taken, limits.bytes)
        };
        parts.push((bytes, newest));
        rest = &rest[taken..];
    }
    parts
}

/// The longest prefix of `entries[..at_most]` whose urlset fits in `max_bytes`
/// (at least one entry, so a single monster URL cannot stall the split).
fn fit_bytes(
    config: &Config,
    entries: &[SitemapEntry],
    at_most: usize,
    max_bytes: usize,
) -> (Vec<u8>, Option<Zoned>, usize) {
    let (mut low, mut high) = (1, at_most);
    while low < high {
        let middle = (low + high).div_ceil(2);
        if urlset(config, &entries[..middle]).0.len() <= max_bytes {
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    urlset(config, &entries[..low])
}

/// A `<urlset>` of all `entries`, their newest lastmod, and how many it holds.
fn urlset(config: &Config, entries: &[SitemapEntry]) -> (Vec<u8>, Option<Zoned>, usize) {
    let bytes = document("urlset", entries.len() * 120, |w| {
        entries.iter().try_for_each(|entry| {
            let loc = absolute(config, &entry.url);
            location(w, "url", &loc, entry.lastmod.as_ref(), config)
        })
    });
    let newest = entries
        .iter()
        .filter_map(|entry| entry.lastmod.as_ref())
        .max_by_key(|z| z.timestamp())
        .cloned();
    (bytes, newest, entries.len())
}

fn sitemap_index(config: &Config, parts: &[(String, Vec<u8>, Option<Zoned>)]) -> Vec<u8> {
    document("sitemapindex", parts.len() * 120, |w| {
        parts.iter().try_for_each(|(path, _, newest)| {
            let loc = absolute(config, path);
            location(w, "sitemap", &loc, newest.as_ref(), config)
        })
    })
}

/// An XML declaration and a `root` element in the sitemap namespace around what
/// `children` writes. Writing into a `Vec` cannot fail on I/O; should quick-xml
/// ever refuse, it is logged rather than a panic, and the truncated file shows.
fn document(
    root: &str,
    capacity: usize,
    children: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
) -> Vec<u8> {
    let mut writer = Writer::new(Vec::with_capacity(capacity));
    let result = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            writer
                .create_element(root)
                .with_attribute(("xmlns", NAMESPACE))
                .write_inner_content(children)
                .map(|_| ())
        });
    if let Err(error) = result {
        tracing::error!("{root}: {error}");
    }
    writer.into_inner()
}

/// `<url>` or `<sitemap>`: a `<loc>` and, when known, a `<lastmod>`.
fn location(
    writer: &mut Writer<Vec<u8>>,
    element: &str,
    loc: &str,
    lastmod: Option<&Zoned>,
    config: &Config,
) -> std::io::Result<()> {
    writer
        .create_element(element)
        .write_inner_content(|w| {
            w.create_element("loc")
                .write_text_content(BytesText::new(&xml_safe(loc)))?;
            if let Some(time) = lastmod {
                w.create_element("lastmod")
                    .write_text_content(BytesText::new(&rfc3339(config, time)))?;
            }
            Ok(())
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "base_url = \"https://a.org/news\"\ntimezone = \"Asia/Shanghai\"",
            "c",
        )
        .unwrap()
    }

    fn entries(n: usize) -> Vec<SitemapEntry> {
        (0..n)
            .map(|i| SitemapEntry {
                url: format!("/p/{i}/?a=1&b=2"),
                lastmod: Some(
                    format!("2021-12-{:02}T16:00:00+00:00[UTC]", i + 1)
                        .parse()
                        .unwrap(),
                ),
            })
            .collect()
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn splits_by_url_count() {
        let cases = [
            (0, vec!["sitemap.xml"]),
            (3, vec!["sitemap.xml"]),
            (4, vec!["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]),
            (
                7,
                vec![
                    "sitemap.xml",
                    "sitemap-1.xml",
                    "sitemap-2.xml",
                    "sitemap-3.xml",
                ],
            ),
        ];
        let limits = SitemapLimits {
            urls: 3,
            bytes: usize::MAX,
        };
        for (n, want) in cases {
            let files = sitemaps_with_limits(&config(), &entries(n), limits);
            let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(paths, want, "{n} entries");
        }
    }

    #[test]
    fn index_names_parts_with_their_newest_lastmod() {
        let limits = SitemapLimits {
            urls: 3,
            bytes: usize::MAX,
        };
        let files = sitemaps_with_limits(&config(), &entries(4), limits);
        let index = text(&files[0].1);
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
            "{index}"
        );
        assert!(index.contains("<sitemap><loc>https://a.org/news/sitemap-1.xml</loc><lastmod>2021-12-04T00:00:00+08:00</lastmod></sitemap>"), "{index}");
        assert!(index.contains("<loc>https://a.org/news/sitemap-2.xml</loc><lastmod>2021-12-05T00:00:00+08:00</lastmod>"), "{index}");
        assert!(text(&files[2].1).contains("<loc>https://a.org/news/p/3/?a=1&amp;b=2</loc>"));
    }

    #[test]
    fn splits_by_size_too() {
        let one = urlset(&config(), &entries(1)).0.len();
        let limits = SitemapLimits {
            urls: 100,
            bytes: one + 150,
        };
        let files = sitemaps_with_limits(&config(), &entries(5), limits);
        assert!(files.len() > 2, "{}", files.len());
        for (path, bytes) in &files[1..] {
            assert!(bytes.len() <= limits.bytes, "{path}: {}", bytes.len());
        }
        let total: usize = files[1..]
            .iter()
            .map(|(_, b)| text(b).matches("<url>").count())
            .sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn an_entry_larger_than_the_byte_limit_still_gets_a_file() {
        let limits = SitemapLimits {
            urls: 10,
            bytes: 10,
        };
        let files = sitemaps_with_limits(&config(), &entries(2), limits);
        assert_eq!(files.len(), 3);
    }

    #[test]
    fn lastmod_is_optional() {
        let entry = SitemapEntry {
            url: "/".into(),
            lastmod: None,
        };
        let files = sitemaps(&config(), &[entry]);
        assert!(text(&files[0].1).contains("<url><loc>https://a.org/news/</loc></url>"));
    }

    #[test]
    fn robots_names_the_sitemap() {
        let robots = String::from_utf8(robots(&config())).unwrap();
        assert!(
            robots.contains("\nSitemap: https://a.org/news/sitemap.xml\n"),
            "{robots}"
        );
        assert!(robots.starts_with("User-agent: *\n"));
    }
}
