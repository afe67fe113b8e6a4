//! Atom 1.0 (RFC 4287), the feed every page and term page gets.

use atom_syndication::{
    Category, Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};

use super::{
    absolute, absolutize_links, feed_updated, last_change, newest, post_terms, rfc3339, xml_safe,
    Channel, FeedItem, GENERATOR,
};
use crate::config::Config;

/// An Atom document for `channel` with the newest `config.feed_limit` of `items`.
pub fn atom(config: &Config, channel: &Channel, items: &[FeedItem]) -> Vec<u8> {
    let chosen = newest(config, items);
    let page = absolute(config, channel.page_url);
    let feed = Feed {
        title: Text::plain(xml_safe(channel.title)),
        id: page.clone(),
        updated: fixed(&rfc3339(config, &feed_updated(config, &chosen))),
        authors: vec![Person {
            name: xml_safe(&config.title).into_owned(),
            uri: Some(absolute(config, "/")),
            ..Person::default()
        }],
        links: vec![
            link(
                "self",
                &absolute(config, channel.feed_path),
                "application/atom+xml",
            ),
            link("alternate", &page, "text/html"),
        ],
        subtitle: (!channel.description.is_empty())
            .then(|| Text::plain(xml_safe(channel.description))),
        generator: Some(Generator {
            value: GENERATOR.into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Generator::default()
        }),
        lang: Some(config.language.clone()),
        entries: chosen.iter().map(|item| entry(config, item)).collect(),
        ..Feed::default()
    };
    let write_config = WriteConfig {
        write_document_declaration: true,
        indent_size: None,
    };
    feed.write_with_config(Vec::new(), write_config)
        .unwrap_or_else(|error| {
            tracing::error!("atom feed {}: {error}", channel.feed_path);
            Vec::new()
        })
}

fn entry(config: &Config, item: &FeedItem) -> Entry {
    let post = item.post;
    let url = absolute(config, &post.url);
    let content = (!item.content_html.is_empty()).then(|| Content {
        base: Some(url.clone()),
        value: Some(xml_safe(&absolutize_links(item.content_html, &url)).into_owned()),
        content_type: Some("html".into()),
        ..Content::default()
    });
    Entry {
        title: Text::plain(xml_safe(&post.title)),
        id: url.clone(),
        updated: fixed(&rfc3339(config, last_change(post))),
        published: Some(fixed(&rfc3339(config, &post.date))),
        authors: post
            .author
            .iter()
            .map(|author| Person {
                name: xml_safe(&author.name).into_owned(),
                uri: Some(absolute(config, &author.url)),
                ..Person::default()
            })
            .collect(),
        categories: post_terms(config, post)
            .into_iter()
            .map(|(name, _)| Category {
                term: xml_safe(&name).into_owned(),
                ..Category::default()
            })
            .collect(),
        links: vec![link("alternate", &url, "text/html")],
        summary: (!post.summary.is_empty()).then(|| Text::plain(xml_safe(&post.summary))),
        content,
        ..Entry::default()
    }
}

fn link(rel: &str, href: &str, mime_type: &str) -> Link {
    Link {
        href: href.into(),
        rel: rel.into(),
        mime_type: Some(mime_type.into()),
        ..Link::default()
    }
}

/// `rfc3339` output as the crate's date type; our own formatting cannot fail to
/// parse, but a fallback beats a panic.
fn fixed(rfc3339: &str) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(rfc3339).unwrap_or_default()
}
