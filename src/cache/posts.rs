//! The post cache: every post file as it was last parsed and cleaned, keyed by
//! its path, size, mtime and a blake3 hash of its text, so a rebuild re-reads only
//! the files that changed. Valid only for the config it was made with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clean::CleanOptions;
use crate::config::Config;
use crate::model::Post;
use crate::problem::Problem;
use crate::{frontmatter, load, prepare, state};

const KIND: &str = "posts";

/// A file modified this close to (or after) the start of the build that cached
/// it may have changed again within the same mtime tick: it is re-hashed.
const RACY_NS: i128 = 2_000_000_000;

/// One post file, parsed and cleaned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub size: u64,
    pub mtime_ns: i128,
    /// blake3 of the decoded text.
    pub hash: [u8; 32],
    /// `None` when the file was refused; `problems` says why.
    pub post: Option<Post>,
    pub problems: Vec<Problem>,
}

/// The cache as stored: (shown path, entry) pairs in the order files were found.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PostCache {
    /// What parsing and cleaning depend on besides the file: see [`config_key`].
    pub config: [u8; 32],
    /// When the build that wrote this cache started, in ns since the epoch.
    pub started_ns: i128,
    pub entries: Vec<(PathBuf, Entry)>,
}

/// What reading the content tree through the cache gave.
pub struct CachedRead {
    pub cache: PostCache,
    /// Files read and parsed afresh (the rest came from the cache).
    pub parsed: usize,
    /// Whether anything differs from the cache that was loaded.
    pub changed: bool,
    /// Problems finding files (each entry's own problems stay in the entry).
    pub problems: Vec<Problem>,
}

/// Everything outside a post file that its parsed, cleaned form depends on: the
/// gazette version and the whole config (time zone, cleaning and image rules).
pub fn config_key(config: &Config) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(state::VERSION.as_bytes());
    hasher.update(format!("{config:?}").as_bytes());
    *hasher.finalize().as_bytes()
}

/// The stored cache when it is usable for `config`; a warning when it is damaged.
pub fn load_for(root: &Path, config: &Config) -> Option<PostCache> {
    let cache: PostCache = state::load(root, KIND).or_warn(&state::path(root, KIND))?;
    if cache.config != config_key(config) {
        tracing::info!("the config or gazette version changed: every post is parsed again");
        return None;
    }
    Some(cache)
}

pub fn save(root: &Path, cache: &PostCache) -> std::io::Result<()> {
    state::save(root, KIND, cache)
}

enum Outcome {
    /// The cached entry still holds; the stamp may need refreshing.
    Reuse {
        size: u64,
        mtime_ns: i128,
    },
    Fresh(Box<Entry>),
}

/// Finds every post file under `content` and gives each its entry: from `old`
/// when the file is unchanged, parsed and cleaned afresh otherwise.
pub fn read(content: &Path, root: &Path, config: &Config, old: Option<PostCache>) -> CachedRead {
    let started_ns = nanos(SystemTime::now());
    let (files, problems) = load::find_posts(content, root);
    let old = old.unwrap_or_default();
    let loaded_count = old.entries.len();
    let mut by_path: HashMap<PathBuf, Entry> = old.entries.into_iter().collect();
    let clean_options = CleanOptions::from_config(config);
    let outcomes: Vec<(PathBuf, Outcome)> = files
        .par_iter()
        .map(|file| {
            let shown = load::shown_path(file, root);
            let outcome = examine(
                file,
                &shown,
                by_path.get(&shown),
                old.started_ns,
                config,
                &clean_options,
            );
            (shown, outcome)
        })
        .collect();
    let mut parsed = 0;
    let mut changed = loaded_count != outcomes.len();
    let entries = outcomes
        .into_iter()
        .filter_map(|(shown, outcome)| {
            let entry = match outcome {
                Outcome::Reuse { size, mtime_ns } => {
                    let mut entry = by_path.remove(&shown)?;
                    changed |= entry.size != size || entry.mtime_ns != mtime_ns;
                    entry.size = size;
                    entry.mtime_ns = mtime_ns;
                    entry
                }
                Outcome::Fresh(entry) => {
                    parsed += 1;
                    changed = true;
                    *entry
                }
            };
            Some((shown, entry))
        })
        .collect();
    CachedRead {
        cache: PostCache {
            config: config_key(config),
            started_ns,
            entries,
        },
        parsed,
        changed,
        problems,
    }
}

fn examine(
    file: &Path,
    shown: &Path,
    cached: Option<&Entry>,
    cached_at_ns: i128,
    config: &Config,
    clean_options: &CleanOptions,
) -> Outcome {
    let stamp = std::fs::metadata(file)
        .ok()
        .map(|m| (m.len(), m.modified().map(nanos).unwrap_or(0)));
    if let (Some(entry), Some((size, mtime_ns))) = (cached, stamp) {
        let same_stamp = entry.size == size && entry.mtime_ns == mtime_ns;
        if same_stamp && mtime_ns < cached_at_ns - RACY_NS {
            return Outcome::Reuse { size, mtime_ns };
        }
    }
    let (source, mut problems) = load::read_one(file, shown);
    let Some(source) = source else {
        return Outcome::Fresh(Box::new(Entry {
            size: stamp.map_or(0, |s| s.0),
            mtime_ns: stamp.map_or(0, |s| s.1),
            hash: [0; 32],
            post: None,
            problems,
        }));
    };
    let hash = *blake3::hash(source.text.as_bytes()).as_bytes();
    let mtime_ns = nanos(source.mtime);
    if let Some(entry) = cached {
        // Same text and same mtime: only the race guard sent us here. (A new
        // mtime is parsed again: a post without a date is dated by it.)
        if entry.hash == hash && entry.mtime_ns == mtime_ns {
            return Outcome::Reuse {
                size: entry.size,
                mtime_ns,
            };
        }
    }
    let post = match frontmatter::parse(&source, &config.timezone) {
        Ok((draft, warnings)) => {
            problems.extend(warnings);
            let (post, clean_problems) = prepare::prepare_with_problems(draft, clean_options);
            problems.extend(clean_problems);
            Some(post)
        }
        Err(errors) => {
            problems.extend(errors);
            None
        }
    };
    Outcome::Fresh(Box::new(Entry {
        size: stamp.map_or(source.text.len() as u64, |s| s.0),
        mtime_ns,
        hash,
        post,
        problems,
    }))
}

fn nanos(time: SystemTime) -> i128 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}
