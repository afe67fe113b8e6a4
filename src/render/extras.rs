//! The site's machine-readable outputs: feeds, sitemap, robots.txt and the search
//! index. Built from the index and the cleaned posts; nothing is re-parsed. Each
//! group of files comes with the key of its inputs, so a rebuild makes again
//! only the groups whose inputs changed (see `cache::extras`).

use crate::build::Analysis;
use crate::cache::extras::{base_key, group_key, post_keys, ExtraGroup, Made, Previous};
use crate::config::Config;
use crate::feeds::{self, Channel, FeedItem};
use crate::index::{Index, Term};
use crate::model::Post;
use crate::paths::dir_url;
use crate::plan::{self, PageJob, TaxonomyKind};
use crate::search::{incremental, SearchDoc};
use crate::sitemap::{self, SitemapEntry};

/// Every extra file, in groups made together, each with the key of its inputs.
pub fn extras<'a, T>(
    config: &'a Config,
    site: &'a Analysis<T>,
    with_search: bool,
) -> Vec<ExtraGroup<'a>> {
    let (index, posts, published, jobs) = (&site.index, &site.posts, &site.published, &site.jobs);
    let base = base_key(config);
    let keys = post_keys(index, published);
    let keys_of =
        |ids: &mut dyn Iterator<Item = usize>| -> Vec<u8> { ids.flat_map(|i| keys[i]).collect() };
    let mut groups = Vec::new();
    let newest = keys_of(&mut (0..index.posts.len().min(config.feed_limit)));
    groups.push(ExtraGroup {
        name: "atom.xml".into(),
        key: group_key(&base, "site feeds", [newest.as_slice()]),
        make: Box::new(move |_| site_feeds(config, index, posts).into()),
    });
    for kind in TaxonomyKind::ALL {
        for term in &kind.of(index).terms {
            let listed = keys_of(
                &mut term
                    .posts
                    .iter()
                    .take(config.feed_limit)
                    .map(|&i| i as usize),
            );
            let name_count = term.names.len().to_le_bytes();
            let mut parts: Vec<&[u8]> = vec![term.dir.as_bytes(), term.url.as_bytes(), &name_count];
            parts.extend(term.names.iter().map(|name| name.as_bytes()));
            parts.push(&listed);
            groups.push(ExtraGroup {
                key: group_key(&base, "term feed", parts),
                name: term_feed_path(term),
                make: Box::new(move |_| vec![term_feed(config, index, term)].into()),
            });
        }
    }
    let entries = sitemap_entries(index, jobs, config.paginate);
    let listed: Vec<u8> = entries
        .iter()
        .flat_map(|e| {
            let lastmod = e.lastmod.as_ref().map(|z| z.timestamp().as_nanosecond());
            let mut bytes = (e.url.len() as u64).to_le_bytes().to_vec();
            bytes.extend_from_slice(e.url.as_bytes());
            bytes.extend_from_slice(&lastmod.unwrap_or(i128::MIN).to_le_bytes());
            bytes
        })
        .collect();
    groups.push(ExtraGroup {
        name: "sitemap.xml".into(),
        key: group_key(&base, "sitemaps", [listed.as_slice()]),
        make: Box::new(move |_| sitemap::sitemaps(config, &entries).into()),
    });
    groups.push(ExtraGroup {
        name: "robots.txt".into(),
        key: group_key(&base, "robots", []),
        make: Box::new(move |_| vec![("robots.txt".to_string(), sitemap::robots(config))].into()),
    });
    if with_search {
        let all = keys_of(&mut (0..index.posts.len()));
        groups.push(ExtraGroup {
            name: "search".into(),
            key: group_key(&base, "search", [all.as_slice()]),
            make: Box::new(move |previous| {
                search_index(config, index, posts, &keys, base, previous)
            }),
        });
    }
    groups
}

/// The search index: patched from the last build's when a few posts changed.
fn search_index(
    config: &Config,
    index: &Index,
    posts: &[Post],
    keys: &[[u8; 32]],
    base: [u8; 32],
    previous: Option<&Previous>,
) -> Made {
    let docs: Vec<SearchDoc> = index
        .posts
        .iter()
        .zip(posts)
        .map(|(post, full)| SearchDoc {
            post,
            html: &full.body.html,
        })
        .collect();
    let stored = previous.and_then(|previous| {
        let memo = bincode::deserialize::<incremental::Memo>(previous.memo).ok()?;
        Some((memo, previous as &dyn incremental::Stored))
    });
    let update = incremental::build_or_patch(config, &docs, keys, base, stored);
    tracing::debug!("search: {} documents tokenised", update.tokenised);
    Made {
        files: update.files,
        kept: update.kept,
        memo: bincode::serialize(&update.memo).unwrap_or_default(),
    }
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
    let path = term_feed_path(term);
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

fn term_feed_path(term: &Term) -> String {
    format!("{}/atom.xml", term.dir)
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
