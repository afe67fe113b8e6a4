//! The site's machine-readable outputs: feeds, sitemap, robots.txt and the search
//! index. Built from the index and the cleaned posts; nothing is re-parsed.

use rayon::prelude::*;

use crate::config::Config;
use crate::feeds::{self, Channel, FeedItem};
use crate::index::{Index, Term};
use crate::model::Post;
use crate::paths::dir_url;
use crate::plan::{self, PageJob, TaxonomyKind};
use crate::search::{self, SearchDoc};
use crate::sitemap::{self, SitemapEntry};

/// Every extra file, as (output-relative path, bytes).
pub fn extras(
    config: &Config,
    index: &Index,
    posts: &[Post],
    jobs: &[PageJob],
    with_search: bool,
) -> Vec<(String, Vec<u8>)> {
    let mut files = site_feeds(config, index, posts);
    files.par_extend(
        TaxonomyKind::ALL
            .par_iter()
            .flat_map(|&kind| kind.of(index).terms.par_iter())
            .map(|term| term_feed(config, index, term)),
    );
    files.extend(sitemap::sitemaps(
        config,
        &sitemap_entries(index, jobs, config.paginate),
    ));
    files.push(("robots.txt".to_string(), sitemap::robots(config)));
    if with_search {
        let docs: Vec<SearchDoc> = index
            .posts
            .iter()
            .zip(posts)
            .map(|(post, full)| SearchDoc {
                post,
                text: &full.body.text,
            })
            .collect();
        files.extend(search::build_index(config, &docs));
    }
    files
}

/// `/atom.xml`, `/rss.xml` and `/feed.json`: the newest posts with full content.
fn site_feeds(config: &Config, index: &Index, posts: &[Post]) -> Vec<(String, Vec<u8>)> {
    let items: Vec<FeedItem> = index
        .posts
        .iter()
        .zip(posts)
        .take(config.feed_limit)
        .map(|(post, full)| FeedItem {
            post,
            content_html: &full.body.html,
        })
        .collect();
    let channel = |feed_path| Channel {
        title: &config.title,
        description: &config.description,
        page_url: "/",
        feed_path,
    };
    vec![
        (
            "atom.xml".into(),
            feeds::atom(config, &channel("atom.xml"), &items),
        ),
        (
            "rss.xml".into(),
            feeds::rss(config, &channel("rss.xml"), &items),
        ),
        (
            "feed.json".into(),
            feeds::json_feed(config, &channel("feed.json"), &items),
        ),
    ]
}

/// `<term>/atom.xml`. Summaries only: an archive has thousands of terms, and full
/// bodies in every one of their feeds would multiply the site's size.
fn term_feed(config: &Config, index: &Index, term: &Term) -> (String, Vec<u8>) {
    let items: Vec<FeedItem> = term
        .posts
        .iter()
        .take(config.feed_limit)
        .map(|&i| FeedItem {
            post: &index.posts[i as usize],
            content_html: "",
        })
        .collect();
    let path = format!("{}/atom.xml", term.dir);
    let title = format!("{} · {}", term.names.join(" / "), config.title);
    let channel = Channel {
        title: &title,
        description: &config.description,
        page_url: &term.url,
        feed_path: &path,
    };
    let bytes = feeds::atom(config, &channel, &items);
    (path, bytes)
}

/// Every HTML page but the 404, with the date of the newest post it shows
/// (list pages are newest first, so that is their first post).
fn sitemap_entries(index: &Index, jobs: &[PageJob], per_page: usize) -> Vec<SitemapEntry> {
    jobs.iter()
        .filter(|job| !matches!(job, PageJob::NotFound))
        .map(|job| {
            let newest = match job {
                PageJob::Article(i) => {
                    let p = &index.posts[*i];
                    Some(p.updated.as_ref().unwrap_or(&p.date))
                }
                PageJob::List { of, page, .. } => {
                    let first = (page - 1) * per_page;
                    (first < plan::list_len(of, index))
                        .then(|| plan::page_posts(of, index, first..first + 1))
                        .and_then(|ids| ids.first().map(|&i| &index.posts[i].date))
                }
                _ => index.posts.first().map(|p| &p.date),
            };
            SitemapEntry {
                url: dir_url(&plan::job_dir(job, index)),
                lastmod: newest.cloned(),
            }
        })
        .collect()
}
