//! Site feeds (Atom, RSS 2.0, JSON Feed 1.1) for the whole site and for each term
//! page, so readers can follow an archive, or one tag, source or category of it.
//!
//! Every function here is pure: it takes posts the index stage already holds and
//! returns the bytes of one feed file. All three formats share the same choices:
//! the newest `config.feed_limit` items, absolute links (also inside the content),
//! dates in the site's time zone, and images exactly as the cleaner left them.

mod atom;
mod json;
mod links;
mod rss;

use jiff::Zoned;

use crate::config::Config;
use crate::model::PostRef;

pub use self::atom::atom;
pub use self::json::json_feed;
pub use self::links::absolutize_links;
pub use self::rss::rss;

/// One post as a feed shows it.
#[derive(Debug, Clone, Copy)]
pub struct FeedItem<'a> {
    pub post: &'a PostRef,
    /// Cleaned body HTML. Empty means a summary-only entry (no content element),
    /// which keeps thousands of term feeds small when the caller wants that.
    pub content_html: &'a str,
}

/// What a feed is about: the site, or one term page of it.
#[derive(Debug, Clone, Copy)]
pub struct Channel<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Site-relative page the feed mirrors, e.g. `/` or `/tags/rust/`.
    pub page_url: &'a str,
    /// Output-relative location of the feed file, e.g. `atom.xml` or `tags/rust/atom.xml`.
    pub feed_path: &'a str,
}

/// The generator name feeds announce.
const GENERATOR: &str = "gazette";

/// `base_url` joined with a site-relative (or output-relative) path.
pub(crate) fn absolute(config: &Config, path: &str) -> String {
    let path = path.trim_start_matches('/');
    format!("{}/{}", config.base_url, path)
}

/// The newest `feed_limit` items, newest first.
fn newest<'i, 'a>(config: &Config, items: &'i [FeedItem<'a>]) -> Vec<&'i FeedItem<'a>> {
    let mut chosen: Vec<&FeedItem> = items.iter().collect();
    chosen.sort_by(|a, b| newest_first(a.post, b.post));
    chosen.truncate(config.feed_limit);
    chosen
}

/// Newest first; equal dates by URL, so rebuilding gives the same order.
pub(crate) fn newest_first(a: &PostRef, b: &PostRef) -> std::cmp::Ordering {
    b.date
        .timestamp()
        .cmp(&a.date.timestamp())
        .then_with(|| a.url.cmp(&b.url))
}

/// When a post last changed: `updated` when it is set and not before `date`.
fn last_change(post: &PostRef) -> &Zoned {
    match &post.updated {
        Some(updated) if updated.timestamp() > post.date.timestamp() => updated,
        _ => &post.date,
    }
}

/// The feed's own `updated`: its newest change, or the Unix epoch for an empty
/// feed (a pure function has no clock, and a fixed value keeps builds repeatable).
fn feed_updated(config: &Config, items: &[&FeedItem]) -> Zoned {
    items
        .iter()
        .map(|item| last_change(item.post))
        .max_by_key(|z| z.timestamp())
        .cloned()
        .unwrap_or_else(|| jiff::Timestamp::UNIX_EPOCH.to_zoned(config.timezone.clone()))
}

/// A time shown in the site's zone, so feeds agree with pages whatever zone the
/// caller's value happens to carry.
fn in_site_zone(config: &Config, time: &Zoned) -> Zoned {
    time.with_time_zone(config.timezone.clone())
}

/// RFC 3339 with the site's offset, e.g. `2021-12-24T00:00:00+08:00`.
pub(crate) fn rfc3339(config: &Config, time: &Zoned) -> String {
    in_site_zone(config, time)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Every term a post is filed under, for feed categories: categories (innermost
/// name of each path), then tags. Each comes with its absolute term page.
fn post_terms(config: &Config, post: &PostRef) -> Vec<(String, String)> {
    let categories = post.categories.iter().filter_map(|trail| trail.last());
    categories
        .chain(post.tags.iter())
        .map(|link| (link.name.clone(), absolute(config, &link.url)))
        .collect()
}

/// `text` without the characters XML 1.0 forbids (C0 controls other than tab and
/// line breaks, U+FFFE, U+FFFF). Scraped titles do carry such bytes, and one of them
/// would make a whole feed unreadable.
pub(crate) fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => false,
        _ => true,
    };
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Config {
        Config::parse(toml, "config.toml").unwrap()
    }

    fn at(text: &str) -> Zoned {
        text.parse().unwrap()
    }

    #[test]
    fn absolute_joins_without_double_slashes() {
        let cases = [
            ("https://a.org", "/", "https://a.org/"),
            ("https://a.org", "/x/y/", "https://a.org/x/y/"),
            ("https://a.org/news/", "/x/", "https://a.org/news/x/"),
            (
                "https://a.org/news",
                "atom.xml",
                "https://a.org/news/atom.xml",
            ),
        ];
        for (base, path, want) in cases {
            let c = config(&format!("base_url = {base:?}"));
            assert_eq!(absolute(&c, path), want);
        }
    }

    #[test]
    fn newest_sorts_and_truncates() {
        let c = config("[feeds]\nlimit = 2");
        let posts = [
            PostRef::for_test("old", "/old/", at("2020-01-01T00:00:00+00:00[UTC]")),
            PostRef::for_test("new", "/new/", at("2022-01-01T00:00:00+00:00[UTC]")),
            PostRef::for_test("mid", "/mid/", at("2021-01-01T00:00:00+00:00[UTC]")),
        ];
        let items: Vec<FeedItem> = posts
            .iter()
            .map(|post| FeedItem {
                post,
                content_html: "",
            })
            .collect();
        let titles: Vec<&str> = newest(&c, &items)
            .iter()
            .map(|i| i.post.title.as_str())
            .collect();
        assert_eq!(titles, ["new", "mid"]);
    }

    #[test]
    fn xml_safe_drops_only_forbidden_characters() {
        let cases = [
            ("plain 中文", "plain 中文"),
            ("a\u{8}b\u{0}c", "abc"),
            ("tab\tnew\nline\r", "tab\tnew\nline\r"),
            ("x\u{FFFF}y\u{FFFE}", "xy"),
            ("\u{7F}del is allowed", "\u{7F}del is allowed"),
        ];
        for (input, want) in cases {
            assert_eq!(xml_safe(input), want);
        }
    }

    #[test]
    fn dates_take_the_site_offset() {
        let c = config("timezone = \"Asia/Shanghai\"");
        let utc = at("2021-12-23T16:00:00+00:00[UTC]");
        assert_eq!(rfc3339(&c, &utc), "2021-12-24T00:00:00+08:00");
    }

    #[test]
    fn updated_before_date_is_ignored() {
        let mut post = PostRef::for_test("p", "/p/", at("2021-01-02T00:00:00+00:00[UTC]"));
        post.updated = Some(at("2021-01-01T00:00:00+00:00[UTC]"));
        assert_eq!(last_change(&post), &post.date);
        post.updated = Some(at("2021-01-03T00:00:00+00:00[UTC]"));
        assert_eq!(last_change(&post), post.updated.as_ref().unwrap());
    }
}
