//! The page manifest: for every rendered page, a hash of everything its bytes
//! depend on (the templates and the data the template sees) and the stamp of
//! the file written. A page whose hash and file are unchanged is not rendered:
//! the current output file is linked into staging as it is.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plan::PageJob;
use crate::published::Published;
use crate::render::{PreparedPage, Renderer};
use crate::state;
use crate::theme::Theme;
use crate::write::{FileStamp, Staging};

const KIND: &str = "pages";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEntry {
    /// blake3 of the templates' key, the template name and the page's context.
    pub input: [u8; 32],
    /// The output file as gazette left it.
    pub stamp: FileStamp,
}

/// What the last completed build wrote.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PageManifest {
    /// [`site_key`] of that build: when it is unchanged, so is every page.
    pub site_key: [u8; 32],
    /// Output-relative path → entry, for every rendered page.
    pub pages: HashMap<String, PageEntry>,
    /// Feeds, sitemaps, search files, by group.
    pub extras: super::extras::ExtraFiles,
    /// [`structure_key`] of that build.
    pub structure_key: [u8; 32],
    /// The published posts' text hashes that build saw.
    pub published: Published,
}

/// What this build's pages depend on, summarised.
pub struct Keys<'a> {
    pub site: [u8; 32],
    pub structure: [u8; 32],
    pub templates: [u8; 32],
    pub published: &'a Published,
}

impl<'a> Keys<'a> {
    pub fn new(
        config: &crate::config::Config,
        theme: &Theme,
        published: &'a Published,
        renderer: &Renderer,
    ) -> Keys<'a> {
        let templates = templates_key(theme);
        Keys {
            site: site_key(config, &templates, published, renderer.index),
            structure: structure_key(config, &templates, renderer),
            templates,
            published,
        }
    }
}

/// Everything a page shows except the posts' own data: the version, config and
/// templates, the site view, every post's place (URL, date, taxonomy links,
/// source) and the taxonomies and date archives. While it is unchanged, a page
/// can only change if a post it references ([`Renderer::references`]) did.
pub fn structure_key(
    config: &crate::config::Config,
    templates: &[u8; 32],
    renderer: &Renderer,
) -> [u8; 32] {
    let index = renderer.index;
    let mut hasher = blake3::Hasher::new();
    hasher.update(&super::posts::config_key(config));
    hasher.update(templates);
    let site = serde_json::to_string(&renderer.site).unwrap_or_default();
    hash_str(&mut hasher, &site);
    for p in &index.posts {
        for text in [&p.dir, &p.url, &p.published, &p.local_time] {
            hash_str(&mut hasher, text);
        }
        hasher.update(p.source.as_os_str().as_encoded_bytes());
        hasher.update(&[0xFF]);
        for trail in &p.categories {
            hash_links(&mut hasher, trail);
        }
        hasher.update(&[0xFE]);
        hash_links(&mut hasher, &p.tags);
        hash_links(&mut hasher, p.author.as_slice());
    }
    // Terms only: the lookup maps beside them are derived and unordered.
    let taxonomies = (
        &index.categories.terms,
        &index.tags.terms,
        &index.authors.terms,
        &index.archives,
    );
    // Written straight into the hasher: the text is megabytes at 50k posts.
    hash_written(&mut hasher, |out| write!(out, "{taxonomies:?}"));
    *hasher.finalize().as_bytes()
}

/// Feeds `hasher` what `write` writes, through a buffer: writers emit tiny
/// pieces, and blake3 is much faster fed whole blocks. Writing into a hasher
/// cannot fail, so the result is not looked at.
fn hash_written(
    hasher: &mut blake3::Hasher,
    write: impl FnOnce(&mut std::io::BufWriter<&mut blake3::Hasher>) -> std::io::Result<()>,
) {
    let mut buffered = std::io::BufWriter::with_capacity(16 * 1024, hasher);
    let _ = write(&mut buffered).and_then(|()| buffered.flush());
}

/// A string, length first so that consecutive strings cannot run together.
pub fn hash_str(hasher: &mut blake3::Hasher, text: &str) {
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

fn hash_links(hasher: &mut blake3::Hasher, links: &[crate::model::Link]) {
    hasher.update(&(links.len() as u64).to_le_bytes());
    for link in links {
        hash_str(hasher, &link.name);
        hash_str(hasher, &link.url);
    }
}

impl PageManifest {
    pub fn load(root: &Path) -> PageManifest {
        state::load(root, KIND)
            .or_warn(&state::path(root, KIND))
            .unwrap_or_default()
    }

    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        state::save(root, KIND, self)
    }
}

/// Every template's name and source, and the gazette version (which decides
/// how contexts are built and escaped). Any template change re-renders every
/// page: templates include and extend each other, so finer is not safer.
pub fn templates_key(theme: &Theme) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(state::VERSION.as_bytes());
    for (name, (_, source)) in &theme.templates {
        for part in [name.as_str(), source.as_str()] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
    }
    *hasher.finalize().as_bytes()
}

/// Everything any output file depends on: the gazette version, the config, the
/// templates, and every published post's source path, text hash and date (a
/// post without a date is dated by its mtime). Equal keys mean equal sites.
pub fn site_key(
    config: &crate::config::Config,
    templates: &[u8; 32],
    published: &crate::published::Published,
    index: &crate::index::Index,
) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&super::posts::config_key(config));
    hasher.update(templates);
    for (path, hash) in &published.0 {
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
        hasher.update(hash);
    }
    for post in &index.posts {
        hasher.update(post.published.as_bytes());
    }
    *hasher.finalize().as_bytes()
}

fn input_hash(templates: &[u8; 32], template: &str, context: &serde_json::Value) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(templates);
    hasher.update(template.as_bytes());
    hasher.update(&[0]);
    // bincode copies strings as they are (JSON would scan them for escapes).
    hash_written(&mut hasher, |out| {
        bincode::serialize_into(out, context).map_err(std::io::Error::other)
    });
    *hasher.finalize().as_bytes()
}

/// The pages' manifest entries, and how many were rendered (the rest were kept).
pub struct PagesDone {
    pub pages: HashMap<String, PageEntry>,
    pub rendered: usize,
    /// Pages whose context was built and hashed.
    pub examined: usize,
}

/// Renders and stages every page whose input changed; keeps the rest as they
/// are in the output. A page's context is not even built when the site key is
/// unchanged, or when the structure is and none of the posts it references
/// changed. Pages are written as soon as rendered, so few are held in memory.
pub fn render_and_write(
    renderer: &Renderer,
    jobs: &[PageJob],
    staging: &Staging,
    old: &PageManifest,
    keys: &Keys,
    between_pages: impl Fn() -> anyhow::Result<()> + Sync,
    progress: bool,
) -> anyhow::Result<PagesDone> {
    let bar = crate::progress::bar(jobs.len() as u64, progress);
    let same_site = old.site_key == keys.site;
    let same_structure = old.structure_key == keys.structure;
    let (old_hashes, new_hashes) = (old.published.by_bytes(), keys.published.by_bytes());
    let changed: Vec<bool> = renderer
        .index
        .posts
        .iter()
        .map(|p| {
            let source = p.source.as_os_str().as_encoded_bytes();
            old_hashes.get(source) != new_hashes.get(source)
        })
        .collect();
    let examined = std::sync::atomic::AtomicUsize::new(0);
    let done: Vec<(String, PageEntry, bool)> = jobs
        .par_iter()
        .map(|job| -> anyhow::Result<_> {
            between_pages()?;
            let untouched = same_site
                || (same_structure && !renderer.references(job).iter().any(|&i| changed[i]));
            if untouched {
                let path = crate::plan::job_path(job, renderer.index);
                if let Some(entry) = old.pages.get(&path) {
                    if staging.keep(&path, &entry.stamp)? {
                        bar.inc(1);
                        return Ok((path, *entry, false));
                    }
                }
            }
            examined.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // The context is taken apart to hash it (no copy of every page's
            // data) and put back together only for the pages to render.
            let PreparedPage {
                path,
                template,
                context,
            } = renderer.prepare(job)?;
            let context = context.into_json();
            let input = input_hash(&keys.templates, template, &context);
            let unchanged = match old.pages.get(&path) {
                Some(entry) if entry.input == input => {
                    staging.keep(&path, &entry.stamp)?.then_some(entry.stamp)
                }
                _ => None,
            };
            let stamp = match unchanged {
                Some(stamp) => stamp,
                None => {
                    let page = PreparedPage {
                        context: tera::Context::from_value(context)?,
                        path,
                        template,
                    };
                    let bytes = renderer.render_prepared(&page)?;
                    let stamp = staging
                        .write(&page.path, &bytes)
                        .map_err(|e| anyhow::anyhow!("writing {}: {e}", page.path))?;
                    bar.inc(1);
                    return Ok((page.path, PageEntry { input, stamp }, true));
                }
            };
            bar.inc(1);
            Ok((path, PageEntry { input, stamp }, false))
        })
        .collect::<anyhow::Result<_>>()?;
    bar.finish_and_clear();
    let rendered = done.iter().filter(|(_, _, rendered)| *rendered).count();
    let pages = done
        .into_iter()
        .map(|(path, entry, _)| (path, entry))
        .collect();
    Ok(PagesDone {
        pages,
        rendered,
        examined: examined.into_inner(),
    })
}

/// Stages the feeds, sitemaps, robots.txt and search files; see
/// [`super::extras::write_extras`].
pub fn write_extras<'a>(
    old: &PageManifest,
    site_key: &[u8; 32],
    staging: &Staging,
    groups: impl FnOnce() -> Vec<super::extras::ExtraGroup<'a>>,
) -> anyhow::Result<super::extras::ExtraFiles> {
    let same_site = old.site_key == *site_key;
    super::extras::write_extras(&old.extras, same_site, staging, groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buffering is invisible: the hash is that of the bytes bincode writes,
    /// whatever size the value (here from empty to past the 16 KiB buffer).
    #[test]
    fn input_hash_is_the_hash_of_the_whole_serialisation() {
        let templates = [7u8; 32];
        for body_len in [0, 10, 20_000] {
            let context = serde_json::json!({ "post": { "content": "新".repeat(body_len) } });
            let mut expected = blake3::Hasher::new();
            expected.update(&templates);
            expected.update(b"post.html\0");
            expected.update(&bincode::serialize(&context).unwrap());
            assert_eq!(
                input_hash(&templates, "post.html", &context),
                *expected.finalize().as_bytes(),
                "{body_len}"
            );
        }
    }
}
