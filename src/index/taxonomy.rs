//! Taxonomies: categories (a tree, where a parent lists its descendants' posts),
//! tags and authors. Terms are keyed by their lower-cased slugs so `Rust` and
//! `rust` share one page.

use std::collections::HashMap;

use crate::model::{Link, Post};
use crate::paths::dir_url;
use crate::slug::slugify;

#[derive(Debug, Default)]
pub struct Taxonomy {
    /// Sorted by `dir`, so a category's children follow it.
    pub terms: Vec<Term>,
    by_key: HashMap<String, usize>,
    /// Every spelling the posts used: found without slugifying again.
    by_spelling: HashMap<Vec<String>, usize>,
}

#[derive(Debug, Clone)]
pub struct Term {
    /// The display names from the root of the tree down to this term.
    pub names: Vec<String>,
    /// Output-relative directory, e.g. `categories/新媒体/zaker`.
    pub dir: String,
    pub url: String,
    /// Indices into `Index::posts`, newest first.
    pub posts: Vec<u32>,
}

impl Term {
    pub fn name(&self) -> &str {
        self.names.last().map_or("", String::as_str)
    }

    pub fn link(&self) -> Link {
        Link {
            name: self.name().to_string(),
            url: self.url.clone(),
        }
    }

    pub fn depth(&self) -> usize {
        self.names.len()
    }
}

impl Taxonomy {
    pub fn get(&self, names: &[String]) -> Option<&Term> {
        self.position(names).map(|i| &self.terms[i])
    }

    /// The term's place in `terms`.
    pub fn position(&self, names: &[String]) -> Option<usize> {
        match self.by_spelling.get(names) {
            Some(&i) => Some(i),
            None => self.by_key.get(&key(names)).copied(),
        }
    }

    pub fn link(&self, names: &[String]) -> Option<Link> {
        self.get(names).map(Term::link)
    }

    fn finish(builder: Builder, root: &str) -> Taxonomy {
        let mut terms: Vec<(usize, Term)> = builder
            .terms
            .into_iter()
            .map(|(names, posts)| {
                let dir = std::iter::once(root.to_string())
                    .chain(names.iter().map(|n| segment(n)))
                    .collect::<Vec<_>>()
                    .join("/");
                Term {
                    url: dir_url(&dir),
                    names,
                    dir,
                    posts,
                }
            })
            .enumerate()
            .collect();
        terms.sort_by(|a, b| a.1.dir.cmp(&b.1.dir));
        // Where each of the builder's slots ended up.
        let mut place = vec![0; terms.len()];
        for (i, (slot, _)) in terms.iter().enumerate() {
            place[*slot] = i;
        }
        let terms: Vec<Term> = terms.into_iter().map(|(_, term)| term).collect();
        let by_key = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (key(&t.names), i))
            .collect();
        let by_spelling = builder
            .by_names
            .into_iter()
            .map(|(names, slot)| (names, place[slot]))
            .collect();
        Taxonomy {
            terms,
            by_key,
            by_spelling,
        }
    }
}

fn segment(name: &str) -> String {
    slugify(name).to_lowercase()
}

fn key(names: &[String]) -> String {
    names
        .iter()
        .map(|n| segment(n))
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Default)]
struct Builder {
    terms: Vec<(Vec<String>, Vec<u32>)>,
    by_key: HashMap<String, usize>,
    /// Each spelling's slot, so a name seen before is not slugified again.
    by_names: HashMap<Vec<String>, usize>,
}

impl Builder {
    fn add(&mut self, names: &[String], post: u32) {
        let slot = match self.by_names.get(names) {
            Some(&slot) => slot,
            None => {
                let slot = *self.by_key.entry(key(names)).or_insert_with(|| {
                    self.terms.push((names.to_vec(), Vec::new()));
                    self.terms.len() - 1
                });
                self.by_names.insert(names.to_vec(), slot);
                slot
            }
        };
        let posts = &mut self.terms[slot].1;
        // Posts arrive in index order, so a repeat can only be the last one.
        if posts.last() != Some(&post) {
            posts.push(post);
        }
    }
}

/// Display names come from the oldest post that used a term, so they stay put
/// as the archive grows; that is why terms are first created oldest first.
fn register_oldest_first<F>(posts: &[Post], builder: &mut Builder, mut names_of: F)
where
    F: FnMut(&Post) -> Vec<Vec<String>>,
{
    for post in posts.iter().rev() {
        for names in names_of(post) {
            if builder.by_names.contains_key(&names) {
                continue;
            }
            let k = key(&names);
            let slot = match builder.by_key.get(&k) {
                Some(&slot) => slot,
                None => {
                    builder.terms.push((names.clone(), Vec::new()));
                    builder.by_key.insert(k, builder.terms.len() - 1);
                    builder.terms.len() - 1
                }
            };
            builder.by_names.insert(names, slot);
        }
    }
}

fn collect<F>(posts: &[Post], root: &str, names_of: F) -> Taxonomy
where
    F: Fn(&Post) -> Vec<Vec<String>>,
{
    let mut builder = Builder::default();
    register_oldest_first(posts, &mut builder, &names_of);
    for (i, post) in posts.iter().enumerate() {
        for names in names_of(post) {
            builder.add(&names, i as u32);
        }
    }
    Taxonomy::finish(builder, root)
}

/// Every prefix of every category path is a term: `a/b/c` files the post under
/// `a`, `a/b` and `a/b/c`.
pub fn collect_categories(posts: &[Post]) -> Taxonomy {
    collect(posts, "categories", |post| {
        let mut all = Vec::new();
        for path in &post.meta.categories {
            for depth in 1..=path.len() {
                let prefix = path[..depth].to_vec();
                if !all.contains(&prefix) {
                    all.push(prefix);
                }
            }
        }
        all
    })
}

/// A flat taxonomy such as tags or authors.
pub fn collect_flat<F>(posts: &[Post], root: &str, values: F) -> Taxonomy
where
    F: Fn(&Post) -> Vec<String>,
{
    collect(posts, root, |post| {
        values(post)
            .into_iter()
            .filter(|v| !v.trim().is_empty())
            .map(|v| vec![v])
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CleanBody, Meta};

    fn post(categories: &[&[&str]], tags: &[&str]) -> Post {
        Post {
            path: "p.md".into(),
            meta: Meta {
                categories: categories
                    .iter()
                    .map(|p| p.iter().map(|s| s.to_string()).collect())
                    .collect(),
                tags: tags.iter().map(|s| s.to_string()).collect(),
                ..Meta::default()
            },
            date: jiff::Zoned::now(),
            slug: "p".into(),
            body: CleanBody::default(),
            summary: String::new(),
            cover: None,
        }
    }

    #[test]
    fn parents_list_descendants() {
        let posts = vec![
            post(&[&["新媒体", "ZAKER", "source"]], &[]),
            post(&[&["新媒体", "36kr"]], &[]),
            post(&[&["编程"], &["新媒体", "ZAKER"]], &[]),
        ];
        let t = collect_categories(&posts);
        let cases: [(&[&str], &[u32]); 5] = [
            (&["新媒体"], &[0, 1, 2]),
            (&["新媒体", "ZAKER"], &[0, 2]),
            (&["新媒体", "ZAKER", "source"], &[0]),
            (&["新媒体", "36kr"], &[1]),
            (&["编程"], &[2]),
        ];
        for (names, want) in cases {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            assert_eq!(t.get(&names).unwrap().posts, want, "{names:?}");
        }
        let dirs: Vec<&str> = t.terms.iter().map(|t| t.dir.as_str()).collect();
        assert_eq!(dirs[0], "categories/新媒体");
        assert_eq!(dirs[1], "categories/新媒体/36kr");
        assert_eq!(t.terms.len(), 5);
    }

    #[test]
    fn tags_merge_by_case_and_keep_the_oldest_spelling() {
        let posts = vec![post(&[], &["rust", "Go"]), post(&[], &["Rust", "", "C++"])];
        let t = collect_flat(&posts, "tags", |p| p.meta.tags.clone());
        let rust = t.get(&["RUST".to_string()]).unwrap();
        assert_eq!(rust.name(), "Rust");
        assert_eq!(rust.posts, [0, 1]);
        assert_eq!(rust.dir, "tags/rust");
        assert_eq!(t.terms.len(), 3);
    }

    #[test]
    fn every_spelling_finds_its_term_after_sorting() {
        // Terms are created oldest first, then sorted by directory: a spelling's
        // place must follow its term.
        let posts = vec![
            post(&[&["Zeta", "b"]], &["zz", "Go"]),
            post(&[&["alpha"], &["Zeta"]], &["Rust", "ZZ", "aa"]),
        ];
        let tags = collect_flat(&posts, "tags", |p| p.meta.tags.clone());
        let categories = collect_categories(&posts);
        // (taxonomy, spelling, directory of its term; None when absent)
        let cases: [(&Taxonomy, &[&str], Option<&str>); 9] = [
            (&tags, &["zz"], Some("tags/zz")),
            (&tags, &["ZZ"], Some("tags/zz")),
            (&tags, &["Zz"], Some("tags/zz")),
            (&tags, &["Go"], Some("tags/go")),
            (&tags, &["aa"], Some("tags/aa")),
            (&tags, &["python"], None),
            (&categories, &["Zeta", "b"], Some("categories/zeta/b")),
            (&categories, &["ZETA"], Some("categories/zeta")),
            (&categories, &["alpha"], Some("categories/alpha")),
        ];
        for (taxonomy, spelling, dir) in cases {
            let names: Vec<String> = spelling.iter().map(|n| n.to_string()).collect();
            let found = taxonomy
                .position(&names)
                .map(|i| taxonomy.terms[i].dir.as_str());
            assert_eq!(found, dir, "{spelling:?}");
        }
    }
}
