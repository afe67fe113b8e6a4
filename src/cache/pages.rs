//! The page manifest: for every rendered page, a hash of everything its bytes
//! depend on (the templates and the data the template sees) and the stamp of
//! the file written. A page whose hash and file are unchanged is not rendered:
//! the current output file is linked into staging as it is.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plan::PageJob;
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

/// Output-relative path → entry, for every page of the last completed build.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PageManifest(pub HashMap<String, PageEntry>);

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

fn input_hash(templates: &[u8; 32], page: &PreparedPage) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(templates);
    hasher.update(page.template.as_bytes());
    hasher.update(&[0]);
    // Serialising a JSON value to a hasher cannot fail.
    let _ = serde_json::to_writer(&mut hasher, &page.context.clone().into_json());
    *hasher.finalize().as_bytes()
}

/// How many pages were rendered (the rest were kept as they were).
pub struct PagesDone {
    pub manifest: PageManifest,
    pub rendered: usize,
}

/// Renders and stages every page whose input changed; links the rest from the
/// output. Pages are written as soon as rendered, so few are held in memory.
pub fn render_and_write(
    renderer: &Renderer,
    jobs: &[PageJob],
    staging: &Staging,
    old: &PageManifest,
    templates: &[u8; 32],
    between_pages: impl Fn() -> anyhow::Result<()> + Sync,
    progress: bool,
) -> anyhow::Result<PagesDone> {
    let bar = crate::progress::bar(jobs.len() as u64, progress);
    let done: Vec<(String, PageEntry, bool)> = jobs
        .par_iter()
        .map(|job| -> anyhow::Result<_> {
            between_pages()?;
            let page = renderer.prepare(job);
            let input = input_hash(templates, &page);
            let unchanged = match old.0.get(&page.path) {
                Some(entry) if entry.input == input => staging
                    .keep(&page.path, &entry.stamp)?
                    .then_some(entry.stamp),
                _ => None,
            };
            let stamp = match unchanged {
                Some(stamp) => stamp,
                None => {
                    let bytes = renderer.render_prepared(&page)?;
                    staging
                        .write(&page.path, &bytes)
                        .map_err(|e| anyhow::anyhow!("writing {}: {e}", page.path))?
                }
            };
            bar.inc(1);
            Ok((page.path, PageEntry { input, stamp }, unchanged.is_none()))
        })
        .collect::<anyhow::Result<_>>()?;
    bar.finish_and_clear();
    let rendered = done.iter().filter(|(_, _, rendered)| *rendered).count();
    let manifest = PageManifest(
        done.into_iter()
            .map(|(path, entry, _)| (path, entry))
            .collect(),
    );
    Ok(PagesDone { manifest, rendered })
}
