//! What templates see: small serialisable views built per page from the index.
//! No view holds more than one page of posts, so no page grows with the archive.

use serde::Serialize;

use crate::config::Config;
use crate::index::{Index, Level, Term};
use crate::model::{Image, Link, Post, PostRef};
use crate::paths::{dir_url, page_dir};
use crate::plan::{child_buckets, TaxonomyKind};

use super::meta::PageMeta;

/// Site-wide values, identical on every page.
#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Absolute, without a trailing slash.
    pub base_url: String,
    /// The base URL's path without a trailing slash (`""` at a domain root).
    /// Templates write links as `{{ site.path }}{{ x.url }}`.
    pub path: String,
    /// `path` + `/`: the root as a site-relative URL.
    pub root: String,
    pub language: String,
    pub timezone: String,
    pub post_count: usize,
    pub generator: &'static str,
    /// `[images] referrer_policy`, for `<meta name="referrer">`; empty for none.
    pub referrer_policy: String,
}

impl SiteView {
    pub fn new(config: &Config, index: &Index) -> SiteView {
        let path = url::Url::parse(&config.base_url)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            root: format!("{path}/"),
            path,
            language: config.language.clone(),
            timezone: config.timezone_name.clone(),
            post_count: index.posts.len(),
            generator: concat!("gazette ", env!("CARGO_PKG_VERSION")),
            referrer_policy: config.images.referrer_policy.clone(),
        }
    }
}

/// Facts about the page being rendered, for `<head>`.
#[derive(Debug, Serialize)]
pub struct PageView {
    /// `article`, `home`, `archives`, `archive`, `categories`, `category`, `tags`,
    /// `tag`, `authors`, `author`, `search` or `404`.
    pub kind: &'static str,
    pub url: String,
    /// Absolute URL of this page.
    pub canonical: String,
    /// The term or archive label this page is about, if any.
    pub name: Option<String>,
    /// Site-relative URL of this page's Atom feed, if it has one.
    pub feed: Option<String>,
    /// Page number within a paginated list (1 elsewhere) and how many there are.
    pub number: usize,
    pub pages: usize,
    /// How many posts a list page's list holds across all its pages (0 elsewhere).
    pub count: usize,
    pub meta: PageMeta,
}

impl PageView {
    pub fn new(kind: &'static str, dir: &str, config: &Config) -> PageView {
        let url = dir_url(dir);
        PageView {
            kind,
            canonical: format!("{}{}", config.base_url, url),
            url,
            name: None,
            feed: None,
            number: 1,
            pages: 1,
            count: 0,
            meta: PageMeta::website(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TermView {
    pub name: String,
    pub names: Vec<String>,
    pub url: String,
    pub count: usize,
    pub depth: usize,
    /// 1 to 5: the term's size in a tag cloud, on a log scale of its count.
    pub weight: u8,
    /// Sub-terms, on the category tree only.
    pub children: Vec<TermView>,
}

impl From<&Term> for TermView {
    fn from(t: &Term) -> Self {
        TermView {
            name: t.name().to_string(),
            names: t.names.clone(),
            url: t.url.clone(),
            count: t.posts.len(),
            depth: t.depth(),
            weight: 1,
            children: Vec::new(),
        }
    }
}

/// Top-level categories, biggest first: the home page's section links. Not part
/// of [`SiteView`], which every page's context copies.
pub fn sections(index: &Index) -> Vec<TermView> {
    let mut sections: Vec<TermView> = index
        .categories
        .terms
        .iter()
        .filter(|t| t.depth() == 1)
        .map(TermView::from)
        .collect();
    sections.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    sections
}

/// Every term, flat, each weighted against the biggest.
pub fn term_views(kind: TaxonomyKind, index: &Index) -> Vec<TermView> {
    let terms = &kind.of(index).terms;
    let most = terms.iter().map(|t| t.posts.len()).max().unwrap_or(1);
    terms
        .iter()
        .map(|t| TermView {
            weight: cloud_weight(t.posts.len(), most),
            ..TermView::from(t)
        })
        .collect()
}

/// 1 for a term with one post, 5 for the biggest, logarithmic in between.
pub fn cloud_weight(count: usize, most: usize) -> u8 {
    if most <= 1 || count <= 1 {
        return 1;
    }
    let share = (count as f64).ln() / (most as f64).ln();
    1 + (share * 4.0).round().clamp(0.0, 4.0) as u8
}

/// The category tree: top-level terms, each holding its sub-terms.
pub fn term_tree(kind: TaxonomyKind, index: &Index) -> Vec<TermView> {
    let taxonomy = kind.of(index);
    let terms = &taxonomy.terms;
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); terms.len()];
    let mut roots = Vec::new();
    let position: std::collections::HashMap<&str, usize> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.dir.as_str(), i))
        .collect();
    for (i, term) in terms.iter().enumerate() {
        let parent = (term.depth() > 1)
            .then(|| taxonomy.get(&term.names[..term.depth() - 1]))
            .flatten()
            .and_then(|p| position.get(p.dir.as_str()));
        match parent {
            Some(&p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    fn node(i: usize, terms: &[Term], children: &[Vec<usize>]) -> TermView {
        let mut kids: Vec<TermView> = children[i]
            .iter()
            .map(|&c| node(c, terms, children))
            .collect();
        kids.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        TermView {
            children: kids,
            ..TermView::from(&terms[i])
        }
    }
    let mut tree: Vec<TermView> = roots.iter().map(|&i| node(i, terms, &children)).collect();
    tree.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    tree
}

/// The breadcrumb trail of a term: its ancestors, then itself.
pub fn term_trail(kind: TaxonomyKind, index: &Index, term: &Term) -> Vec<Link> {
    let taxonomy = kind.of(index);
    (1..=term.names.len())
        .filter_map(|depth| taxonomy.link(&term.names[..depth]))
        .collect()
}

/// Direct children of a category, with counts.
pub fn term_children(kind: TaxonomyKind, index: &Index, term: &Term) -> Vec<TermView> {
    let prefix = format!("{}/", term.dir);
    kind.of(index)
        .terms
        .iter()
        .filter(|t| t.depth() == term.depth() + 1 && t.dir.starts_with(&prefix))
        .map(TermView::from)
        .collect()
}

/// An article's own page data: the post plus its body and extras.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    #[serde(flatten)]
    pub summary: &'a PostRef,
    pub content: &'a str,
    pub images: &'a [Image],
    pub cover: Option<&'a str>,
    /// Whether to show `cover` above the body: not when the body already shows it
    /// (one substring search over this one body).
    pub show_cover: bool,
    pub updated: Option<String>,
    /// `updated` as `YYYY-MM-DD HH:MM` in the site's time zone, for display.
    pub updated_local: Option<String>,
    pub lang: Option<&'a str>,
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> ArticleView<'a> {
    pub fn new(summary: &'a PostRef, post: &'a Post) -> Self {
        ArticleView {
            summary,
            content: &post.body.html,
            images: &post.body.images,
            cover: post.cover.as_deref(),
            show_cover: post
                .cover
                .as_deref()
                .is_some_and(|c| !body_shows(&post.body.html, c)),
            updated: post.meta.updated.as_ref().map(crate::model::rfc3339),
            updated_local: post
                .meta
                .updated
                .as_ref()
                .map(|u| u.strftime("%Y-%m-%d %H:%M").to_string()),
            lang: post.meta.lang.as_deref(),
            extra: &post.meta.extra,
        }
    }
}

/// Whether a body already holds the image at `url`, directly or behind a proxy
/// prefix (`https://proxy/?http://img/a.jpg` ends with the real address).
fn body_shows(html: &str, url: &str) -> bool {
    html.contains(url) || (url.contains('&') && html.contains(&url.replace('&', "&amp;")))
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// More than one page from the current one (and neither end): themes may
    /// hide it on narrow screens.
    pub far: bool,
}

/// An ellipsis between the first or last page link and the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gap {
    /// No page is skipped here.
    None,
    /// Pages are skipped at every width.
    Wide,
    /// Only the `far` page beside it is skipped, on narrow screens.
    Narrow,
}

/// Pagination that stays usable at thousands of pages: first, last and a window.
/// The layout decisions are made here, once, rather than in template expressions
/// evaluated on every list page.
#[derive(Debug, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub first: String,
    pub last: String,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub window: Vec<PageLink>,
    /// Whether the first and last pages need links of their own (outside the window).
    pub show_first: bool,
    pub show_last: bool,
    pub gap_before: Gap,
    pub gap_after: Gap,
}

pub const PAGE_WINDOW: usize = 2;

impl Pagination {
    pub fn new(list_dir: &str, current: usize, total: usize) -> Pagination {
        let url = |n: usize| dir_url(&page_dir(list_dir, n));
        let lo = current.saturating_sub(PAGE_WINDOW).max(1);
        let hi = (current + PAGE_WINDOW).min(total);
        let gap = |skipped_more_than_one: bool, narrow: bool| match (skipped_more_than_one, narrow)
        {
            (true, _) => Gap::Wide,
            (false, true) => Gap::Narrow,
            (false, false) => Gap::None,
        };
        Pagination {
            current,
            total,
            first: url(1),
            last: url(total),
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            window: (lo..=hi)
                .map(|n| PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                    far: (n + 1 < current || n > current + 1) && n != 1 && n != total,
                })
                .collect(),
            show_first: lo > 1,
            show_last: hi < total,
            gap_before: gap(lo > 2, current == 4),
            gap_after: gap(hi + 1 < total, current + 3 == total),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ArchiveEntry {
    pub label: String,
    pub url: String,
    pub count: usize,
    pub children: Vec<ArchiveEntry>,
}

fn archive_entry(index: &Index, bucket: usize, depth: usize) -> ArchiveEntry {
    let b = &index.archives[bucket];
    let children = if depth == 0 {
        Vec::new()
    } else {
        child_buckets(index, bucket)
            .into_iter()
            .map(|c| archive_entry(index, c, depth - 1))
            .collect()
    };
    ArchiveEntry {
        label: b.label(),
        url: b.url.clone(),
        count: b.posts.len(),
        children,
    }
}

/// Years → months → days with counts: bounded by the number of days, not posts.
pub fn timeline(index: &Index) -> Vec<ArchiveEntry> {
    (0..index.archives.len())
        .filter(|&i| index.archives[i].level == Level::Year)
        .map(|i| archive_entry(index, i, 2))
        .collect()
}

/// The next level down of one bucket (a year's months, a month's days).
pub fn bucket_children(index: &Index, bucket: usize) -> Vec<ArchiveEntry> {
    child_buckets(index, bucket)
        .into_iter()
        .map(|c| archive_entry(index, c, 0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cover_already_in_the_body_is_not_shown_twice() {
        let cases = [
            (
                r#"<img src="http://img.example/a.jpg">"#,
                "http://img.example/a.jpg",
                true,
            ),
            (
                r#"<img src="https://proxy.example/?http://img.example/a.jpg">"#,
                "http://img.example/a.jpg",
                true,
            ),
            (
                r#"<img src="http://x/?a=1&amp;b=2">"#,
                "http://x/?a=1&b=2",
                true,
            ),
            (
                r#"<img src="http://img.example/b.jpg">"#,
                "http://img.example/a.jpg",
                false,
            ),
            ("<p>text</p>", "http://img.example/a.jpg", false),
        ];
        for (html, cover, shown) in cases {
            assert_eq!(body_shows(html, cover), shown, "{html} / {cover}");
        }
    }

    #[test]
    fn pagination_shows_ends_gaps_and_far_pages() {
        // (current, total) → window, far pages, show_first, gap_before, gap_after, show_last
        let cases = [
            (1, 1, vec![1], vec![], false, Gap::None, Gap::None, false),
            (
                1,
                9,
                vec![1, 2, 3],
                vec![3],
                false,
                Gap::None,
                Gap::Wide,
                true,
            ),
            (
                3,
                9,
                vec![1, 2, 3, 4, 5],
                vec![5],
                false,
                Gap::None,
                Gap::Wide,
                true,
            ),
            (
                4,
                9,
                vec![2, 3, 4, 5, 6],
                vec![2, 6],
                true,
                Gap::Narrow,
                Gap::Wide,
                true,
            ),
            (
                5,
                9,
                vec![3, 4, 5, 6, 7],
                vec![3, 7],
                true,
                Gap::Wide,
                Gap::Wide,
                true,
            ),
            (
                6,
                9,
                vec![4, 5, 6, 7, 8],
                vec![4, 8],
                true,
                Gap::Wide,
                Gap::Narrow,
                true,
            ),
            (
                9,
                9,
                vec![7, 8, 9],
                vec![7],
                true,
                Gap::Wide,
                Gap::None,
                false,
            ),
            (
                2,
                3,
                vec![1, 2, 3],
                vec![],
                false,
                Gap::None,
                Gap::None,
                false,
            ),
        ];
        for (current, total, window, far, first, before, after, last) in cases {
            let p = Pagination::new("", current, total);
            let numbers: Vec<usize> = p.window.iter().map(|l| l.number).collect();
            let far_pages: Vec<usize> = p
                .window
                .iter()
                .filter(|l| l.far)
                .map(|l| l.number)
                .collect();
            let got = (
                numbers,
                far_pages,
                p.show_first,
                p.gap_before,
                p.gap_after,
                p.show_last,
            );
            assert_eq!(
                got,
                (window, far, first, before, after, last),
                "page {current} of {total}"
            );
        }
    }

    #[test]
    fn cloud_weights_run_from_one_to_five() {
        let cases = [
            (1, 1, 1),
            (1, 100, 1),
            (100, 100, 5),
            (10, 100, 3),
            (2, 1000, 1),
            (0, 0, 1),
        ];
        for (count, most, want) in cases {
            assert_eq!(cloud_weight(count, most), want, "{count}/{most}");
        }
    }
}
