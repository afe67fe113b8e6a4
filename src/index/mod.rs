//! Indexing: orders the posts, gives each a unique URL, and groups them into
//! taxonomies and date archives. List pages are built from this alone.

mod archive;
mod permalink;
mod related;
mod taxonomy;

use crate::config::Config;
use crate::model::{rfc3339, Post, PostRef};
use crate::paths;
use crate::problem::Problem;
use rayon::prelude::*;

pub use archive::{Bucket, Level};
pub use related::related;
pub use taxonomy::{Taxonomy, Term};

/// Everything list pages need, without bodies.
#[derive(Debug)]
pub struct Index {
    /// Newest first. A post's position here is its id everywhere else.
    pub posts: Vec<PostRef>,
    pub categories: Taxonomy,
    pub tags: Taxonomy,
    pub authors: Taxonomy,
    /// Years, then months, then days, each newest first.
    pub archives: Vec<Bucket>,
}

/// The index plus the posts in the same order, bodies included.
pub struct Indexed {
    pub index: Index,
    pub posts: Vec<Post>,
    pub problems: Vec<Problem>,
}

/// Orders `posts` newest first and builds the index over them.
pub fn build(mut posts: Vec<Post>, config: &Config) -> Indexed {
    // Ties broken by path so every build orders the same way.
    posts.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
    let mut problems = Vec::new();
    let dirs = permalink::assign(&posts, &config.permalink, &mut problems);
    let categories = taxonomy::collect_categories(&posts);
    let tags = taxonomy::collect_flat(&posts, "tags", |p| p.meta.tags.clone());
    let authors = taxonomy::collect_flat(&posts, "authors", |p| {
        p.meta.author.iter().cloned().collect()
    });
    let post_refs = posts
        .par_iter_mut()
        .zip(dirs)
        .map(|(post, dir)| post_ref(post, dir, &categories, &tags, &authors))
        .collect::<Vec<_>>();
    let archives = archive::buckets(&post_refs);
    let index = Index {
        posts: post_refs,
        categories,
        tags,
        authors,
        archives,
    };
    Indexed {
        index,
        posts,
        problems,
    }
}

/// The post's list entry. Its summary moves here (list pages, feeds and
/// metadata read it from the index; at 100k posts a second copy is ~30 MB).
fn post_ref(
    post: &mut Post,
    dir: String,
    categories: &Taxonomy,
    tags: &Taxonomy,
    authors: &Taxonomy,
) -> PostRef {
    let category_trails = post
        .meta
        .categories
        .iter()
        .map(|path| {
            (1..=path.len())
                .filter_map(|depth| categories.link(&path[..depth]))
                .collect()
        })
        .collect();
    let mut tag_terms: Vec<usize> = Vec::new();
    for tag in &post.meta.tags {
        // Spellings of one tag are one term.
        match tags.position(std::slice::from_ref(tag)) {
            Some(term) if !tag_terms.contains(&term) => tag_terms.push(term),
            _ => {}
        }
    }
    let tag_links = tag_terms.iter().map(|&t| tags.terms[t].link()).collect();
    let category_terms = post
        .meta
        .categories
        .iter()
        .filter_map(|path| categories.position(path))
        .collect();
    let author = post
        .meta
        .author
        .as_ref()
        .and_then(|a| authors.link(std::slice::from_ref(a)));
    let thumbnail = post
        .cover
        .clone()
        .or_else(|| post.body.images.first().map(|i| i.src.clone()));
    PostRef {
        title: post.meta.title.clone(),
        url: paths::dir_url(&dir),
        dir,
        published: rfc3339(&post.date),
        local_time: post.date.strftime("%Y-%m-%d %H:%M").to_string(),
        date: post.date.clone(),
        updated: post.meta.updated.clone(),
        summary: std::mem::take(&mut post.summary),
        thumbnail,
        categories: category_trails,
        tags: tag_links,
        author,
        words: post.body.words,
        reading_minutes: post.body.reading_minutes,
        source: post.path.clone(),
        tag_terms,
        category_terms,
    }
}
