//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>), for readers and scripts that
//! would rather not parse XML.

use serde::Serialize;

use super::{
    absolute, absolutize_links, last_change, newest, post_terms, rfc3339, Channel, FeedItem,
};
use crate::config::Config;

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    authors: Vec<Author<'a>>,
    items: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: String,
    url: String,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

/// A JSON Feed for `channel` with the newest `config.feed_limit` of `items`.
pub fn json_feed(config: &Config, channel: &Channel, items: &[FeedItem]) -> Vec<u8> {
    let chosen = newest(config, items);
    let document = Document {
        version: VERSION,
        title: channel.title,
        home_page_url: absolute(config, channel.page_url),
        feed_url: absolute(config, channel.feed_path),
        description: channel.description,
        language: &config.language,
        authors: vec![Author {
            name: &config.title,
            url: absolute(config, "/"),
        }],
        items: chosen.iter().map(|item| entry(config, item)).collect(),
    };
    serde_json::to_vec_pretty(&document).unwrap_or_else(|error| {
        tracing::error!("json feed {}: {error}", channel.feed_path);
        Vec::new()
    })
}

fn entry<'a>(config: &Config, item: &FeedItem<'a>) -> Entry<'a> {
    let post = item.post;
    let url = absolute(config, &post.url);
    let content_html = (!item.content_html.is_empty())
        .then(|| absolutize_links(item.content_html, &url).into_owned());
    Entry {
        id: url.clone(),
        content_html,
        title: &post.title,
        summary: &post.summary,
        image: post.thumbnail.as_deref(),
        date_published: rfc3339(config, &post.date),
        date_modified: rfc3339(config, last_change(post)),
        authors: post
            .author
            .iter()
            .map(|author| Author {
                name: &author.name,
                url: absolute(config, &author.url),
            })
            .collect(),
        tags: post_terms(config, post)
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
        url,
    }
}
