//! RSS 2.0, for readers that still know nothing else. The full body goes in
//! `content:encoded`, the summary in `description`, the source in `dc:creator`
//! (RSS's own `author` must be an e-mail address, which scraped posts don't have).

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::Extension;
use rss::{Category, Guid, Item};

use super::{
    absolute, absolutize_links, feed_updated, in_site_zone, newest, post_terms, xml_safe, Channel,
    FeedItem, GENERATOR,
};
use crate::config::Config;

const ATOM_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// An RSS 2.0 document for `channel` with the newest `config.feed_limit` of `items`.
pub fn rss(config: &Config, channel: &Channel, items: &[FeedItem]) -> Vec<u8> {
    let chosen = newest(config, items);
    let description = if channel.description.is_empty() {
        channel.title
    } else {
        channel.description
    };
    let document = rss::Channel {
        title: xml_safe(channel.title).into_owned(),
        link: absolute(config, channel.page_url),
        description: xml_safe(description).into_owned(),
        language: Some(config.language.clone()),
        generator: Some(format!("{GENERATOR} {}", env!("CARGO_PKG_VERSION"))),
        last_build_date: Some(rfc2822(config, &feed_updated(config, &chosen))),
        namespaces: BTreeMap::from([("atom".to_string(), ATOM_NAMESPACE.to_string())]),
        extensions: self_link(&absolute(config, channel.feed_path)),
        items: chosen.iter().map(|item| entry(config, item)).collect(),
        ..rss::Channel::default()
    };
    document.write_to(Vec::new()).unwrap_or_else(|error| {
        tracing::error!("rss feed {}: {error}", channel.feed_path);
        Vec::new()
    })
}

fn entry(config: &Config, item: &FeedItem) -> Item {
    let post = item.post;
    let url = absolute(config, &post.url);
    let content = (!item.content_html.is_empty())
        .then(|| xml_safe(&absolutize_links(item.content_html, &url)).into_owned());
    Item {
        title: Some(xml_safe(&post.title).into_owned()),
        link: Some(url.clone()),
        description: (!post.summary.is_empty()).then(|| xml_safe(&post.summary).into_owned()),
        categories: post_terms(config, post)
            .into_iter()
            .map(|(name, page)| Category {
                name: xml_safe(&name).into_owned(),
                domain: Some(page),
            })
            .collect(),
        guid: Some(Guid {
            value: url,
            permalink: true,
        }),
        pub_date: Some(rfc2822(config, &post.date)),
        content,
        dublin_core_ext: post.author.as_ref().map(|author| DublinCoreExtension {
            creators: vec![xml_safe(&author.name).into_owned()],
            ..DublinCoreExtension::default()
        }),
        ..Item::default()
    }
}

/// `<atom:link rel="self">`, which feed validators ask every RSS feed for.
fn self_link(href: &str) -> rss::extension::ExtensionMap {
    let link = Extension {
        name: "atom:link".into(),
        attrs: BTreeMap::from([
            ("href".to_string(), href.to_string()),
            ("rel".to_string(), "self".to_string()),
            ("type".to_string(), "application/rss+xml".to_string()),
        ]),
        ..Extension::default()
    };
    BTreeMap::from([(
        "atom".to_string(),
        BTreeMap::from([("link".to_string(), vec![link])]),
    )])
}

/// RFC 2822 in the site's zone, e.g. `Fri, 24 Dec 2021 00:00:00 +0800`.
fn rfc2822(config: &Config, time: &jiff::Zoned) -> String {
    let local = in_site_zone(config, time);
    jiff::fmt::rfc2822::to_string(&local)
        .unwrap_or_else(|_| local.strftime("%a, %d %b %Y %H:%M:%S %z").to_string())
}
