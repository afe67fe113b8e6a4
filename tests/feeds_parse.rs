//! Feeds read back by an independent parser (feed-rs), the way a reader would.

use feed_rs::parser;
use gazette::config::Config;
use gazette::feeds::{atom, json_feed, rss, Channel, FeedItem};
use gazette::model::{Link, PostRef};

const CONTENT: &str = r#"<p>阿里云发现了漏洞</p><img src="http://zkres2.myzaker.com/202112/61c5_1024.jpg"><a href="/2021/12/01/older/">earlier</a>"#;

fn config() -> Config {
    Config::parse(
        "title = \"新闻\"\nbase_url = \"https://example.org/news/\"\ntimezone = \"Asia/Shanghai\"\n[feeds]\nlimit = 20",
        "config.toml",
    )
    .unwrap()
}

fn link(name: &str, url: &str) -> Link {
    Link {
        name: name.into(),
        url: url.into(),
    }
}

/// 25 posts, one day apart, the newest (index 24) on 2021-12-24 00:00 Shanghai.
fn posts() -> Vec<PostRef> {
    (0..25)
        .map(|day| {
            let date: jiff::Zoned = format!("2021-11-{:02}T16:00:00+00:00[UTC]", day + 5)
                .parse()
                .unwrap();
            let mut post = PostRef::for_test(
                &format!("发现问题 {day} & <b>"),
                &format!("/2021/11/{:02}/p{day}/", day + 6),
                date,
            );
            post.summary = format!("摘要 {day}");
            post.thumbnail = Some("http://zkres2.myzaker.com/202112/61c5_1024.jpg".into());
            post.author = Some(link("ZAKER", "/authors/zaker/"));
            post.tags = vec![link("云计算", "/tags/%E4%BA%91/")];
            post.categories = vec![vec![
                link("新媒体", "/categories/a/"),
                link("精读", "/categories/a/b/"),
            ]];
            post
        })
        .collect()
}

fn items(posts: &[PostRef]) -> Vec<FeedItem<'_>> {
    posts
        .iter()
        .map(|post| FeedItem {
            post,
            content_html: CONTENT,
        })
        .collect()
}

const SITE: Channel = Channel {
    title: "新闻",
    description: "all the news",
    page_url: "/",
    feed_path: "atom.xml",
};

#[test]
fn atom_reads_back_with_absolute_links_and_site_offset() {
    let posts = posts();
    let bytes = atom(&config(), &SITE, &items(&posts));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("<published>2021-11-30T00:00:00+08:00</published>"),
        "{text}"
    );
    let feed = parser::parse(&bytes[..]).unwrap();
    assert_eq!(feed.title.unwrap().content, "新闻");
    assert_eq!(feed.entries.len(), 20);
    let newest = &feed.entries[0];
    assert_eq!(newest.title.as_ref().unwrap().content, "发现问题 24 & <b>");
    assert_eq!(
        newest.links[0].href,
        "https://example.org/news/2021/11/30/p24/"
    );
    assert_eq!(
        newest.published.unwrap().to_rfc3339(),
        "2021-11-29T16:00:00+00:00"
    );
    assert_eq!(newest.authors[0].name, "ZAKER");
    assert_eq!(
        newest.authors[0].uri.as_deref(),
        Some("https://example.org/news/authors/zaker/")
    );
    let terms: Vec<&str> = newest.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["精读", "云计算"]);
    assert_eq!(newest.summary.as_ref().unwrap().content, "摘要 24");
    let body = newest.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        body.contains(r#"src="http://zkres2.myzaker.com/202112/61c5_1024.jpg""#),
        "{body}"
    );
    assert!(
        body.contains(r#"href="https://example.org/2021/12/01/older/""#),
        "{body}"
    );
    let hrefs: Vec<&str> = feed.links.iter().map(|l| l.href.as_str()).collect();
    assert!(
        hrefs.contains(&"https://example.org/news/atom.xml"),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"https://example.org/news/"), "{hrefs:?}");
    assert_eq!(
        feed.entries.last().unwrap().title.as_ref().unwrap().content,
        "发现问题 5 & <b>"
    );
}

#[test]
fn term_feeds_point_at_their_own_paths() {
    let posts = posts();
    let tag = Channel {
        title: "云计算",
        description: "",
        page_url: "/tags/%E4%BA%91/",
        feed_path: "tags/%E4%BA%91/atom.xml",
    };
    let feed = parser::parse(&atom(&config(), &tag, &items(&posts[..3]))[..]).unwrap();
    let hrefs: Vec<&str> = feed.links.iter().map(|l| l.href.as_str()).collect();
    assert!(
        hrefs.contains(&"https://example.org/news/tags/%E4%BA%91/atom.xml"),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"https://example.org/news/tags/%E4%BA%91/"),
        "{hrefs:?}"
    );
    assert_eq!(feed.entries.len(), 3);
}

#[test]
fn rss_reads_back() {
    let posts = posts();
    let channel = Channel {
        feed_path: "rss.xml",
        ..SITE
    };
    let bytes = rss(&config(), &channel, &items(&posts));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("<pubDate>Tue, 30 Nov 2021 00:00:00 +0800</pubDate>"),
        "{text}"
    );
    assert!(
        text.contains(r#"<atom:link href="https://example.org/news/rss.xml" rel="self""#),
        "{text}"
    );
    assert!(text.contains("<dc:creator>ZAKER</dc:creator>"), "{text}");
    let feed = parser::parse(&bytes[..]).unwrap();
    assert_eq!(feed.entries.len(), 20);
    let newest = &feed.entries[0];
    assert_eq!(
        newest.links[0].href,
        "https://example.org/news/2021/11/30/p24/"
    );
    assert_eq!(newest.id, "https://example.org/news/2021/11/30/p24/");
    let body = newest.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        body.contains("http://zkres2.myzaker.com/202112/61c5_1024.jpg"),
        "{body}"
    );
    assert_eq!(newest.summary.as_ref().unwrap().content, "摘要 24");
}

#[test]
fn json_feed_reads_back() {
    let posts = posts();
    let channel = Channel {
        feed_path: "feed.json",
        ..SITE
    };
    let bytes = json_feed(&config(), &channel, &items(&posts));
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(value["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(value["feed_url"], "https://example.org/news/feed.json");
    let newest = &value["items"][0];
    assert_eq!(newest["date_published"], "2021-11-30T00:00:00+08:00");
    assert_eq!(
        newest["image"],
        "http://zkres2.myzaker.com/202112/61c5_1024.jpg"
    );
    assert_eq!(
        newest["authors"][0]["url"],
        "https://example.org/news/authors/zaker/"
    );
    assert_eq!(value["items"].as_array().unwrap().len(), 20);
    let feed = parser::parse(&bytes[..]).unwrap();
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        "发现问题 24 & <b>"
    );
}

#[test]
fn control_characters_in_titles_keep_xml_feeds_readable() {
    let mut posts = posts();
    posts[24].title = "bad\u{8}title\u{0}".into();
    for write in [atom, rss] {
        let bytes = write(&config(), &SITE, &items(&posts));
        let feed = parser::parse(&bytes[..]).unwrap();
        assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "badtitle");
    }
}

#[test]
fn empty_feeds_are_valid() {
    for write in [atom, rss, json_feed] {
        let bytes = write(&config(), &SITE, &[]);
        let feed = parser::parse(&bytes[..]).unwrap();
        assert!(feed.entries.is_empty());
    }
}

#[test]
fn summary_only_items_carry_no_content() {
    let posts = posts();
    let bare: Vec<FeedItem> = posts
        .iter()
        .map(|post| FeedItem {
            post,
            content_html: "",
        })
        .collect();
    let feed = parser::parse(&atom(&config(), &SITE, &bare)[..]).unwrap();
    assert!(feed.entries[0].content.is_none());
    assert_eq!(feed.entries[0].summary.as_ref().unwrap().content, "摘要 24");
}

#[test]
fn cdata_terminators_in_content_survive_rss() {
    let posts = posts();
    let items = [FeedItem {
        post: &posts[0],
        content_html: "<p>code: a[b[0]]>c</p>",
    }];
    let bytes = rss(&config(), &SITE, &items);
    let feed = parser::parse(&bytes[..]).unwrap();
    let body = feed.entries[0]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    assert_eq!(body, "<p>code: a[b[0]]>c</p>");
}
