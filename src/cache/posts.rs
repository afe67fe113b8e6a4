//! The post cache: every post file as it was last parsed and cleaned, keyed by
//! its path, size, mtime and a blake3 hash of its text, so a rebuild re-reads only
//! the files that changed. Valid only for the config it was made with.
//!
//! It is stored in [`SHARDS`] files by a hash of the post's path, and a build
//! rewrites only the shards holding a post that changed: rewriting the whole
//! cache cost more than the rest of a one-post edit (37 MB at 5k posts).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clean::CleanOptions;
use crate::config::Config;
use crate::model::Post;
use crate::problem::Problem;
use crate::{frontmatter, load, prepare, state};

/// The cache file of the old single-file layout, removed when shards are saved.
const OLD_KIND: &str = "posts";

/// Files the cache is split into; a power of two.
pub const SHARDS: usize = 64;

/// The state-file kind of shard `index`.
fn shard_kind(index: usize) -> String {
    format!("posts-{index:02}")
}

/// Which shard holds the entry of the post file shown as `path`.
fn shard_of(path: &Path) -> usize {
    blake3::hash(path.as_os_str().as_encoded_bytes()).as_bytes()[0] as usize % SHARDS
}

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

/// The post files this build found, in the order they were found, each with
/// its entry.
#[derive(Debug, Default)]
pub struct PostCache {
    pub entries: Vec<(PathBuf, Entry)>,
}

/// One shard as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Shard {
    /// What parsing and cleaning depend on besides the file: see [`config_key`].
    config: [u8; 32],
    /// When the build that wrote this shard started, in ns since the epoch.
    started_ns: i128,
    entries: Vec<(PathBuf, Entry)>,
}

/// The stored shards usable for this config (`None` where missing or refused).
pub struct StoredCache {
    shards: Vec<Option<Shard>>,
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
    /// Shards whose entries differ from the stored ones: only they are saved.
    dirty: Vec<bool>,
    config: [u8; 32],
    started_ns: i128,
}

/// Everything outside a post file that its parsed, cleaned form depends on: the
/// gazette version and the whole config (time zone, cleaning and image rules).
pub fn config_key(config: &Config) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(state::VERSION.as_bytes());
    hasher.update(format!("{config:?}").as_bytes());
    *hasher.finalize().as_bytes()
}

/// The stored shards usable for `config`; a warning for each reason shards
/// were refused.
pub fn load_for(root: &Path, config: &Config) -> StoredCache {
    let key = config_key(config);
    let loaded: Vec<state::Loaded<Shard>> = (0..SHARDS)
        .into_par_iter()
        .map(|index| state::load::<Shard>(root, &shard_kind(index)))
        .collect();
    let shards = warn_once_per_reason(root, loaded);
    let mut foreign = false;
    let shards = shards
        .into_iter()
        .map(|shard| match shard {
            Some(shard) if shard.config != key => {
                foreign = true;
                None
            }
            other => other,
        })
        .collect();
    if foreign {
        tracing::info!("the config or gazette version changed: every post is parsed again");
    }
    StoredCache { shards }
}

/// The shards found, with one warning per reason others were refused: after an
/// upgrade every shard has the same reason, and 64 lines of it hid the rest.
fn warn_once_per_reason(root: &Path, loaded: Vec<state::Loaded<Shard>>) -> Vec<Option<Shard>> {
    let mut refused: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let shards = loaded
        .into_iter()
        .enumerate()
        .map(|(index, shard)| match shard {
            state::Loaded::Found(shard) => Some(shard),
            state::Loaded::Missing => None,
            state::Loaded::Discarded(reason) => {
                refused.entry(reason).or_default().push(index);
                None
            }
        })
        .collect();
    for (reason, indexes) in refused {
        let first = state::path(root, &shard_kind(indexes[0]));
        let others = match indexes.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more post-cache shards)"),
        };
        state::warn_discarded(&format!("{}{others}", first.display()), &reason);
    }
    shards
}

/// Saves the shards that changed (all of them when none were loaded).
pub fn save(root: &Path, read: &CachedRead) -> std::io::Result<()> {
    let mut shards: Vec<Vec<(&PathBuf, &Entry)>> = vec![Vec::new(); SHARDS];
    for (path, entry) in &read.cache.entries {
        let index = shard_of(path);
        if read.dirty[index] {
            shards[index].push((path, entry));
        }
    }
    shards
        .into_par_iter()
        .enumerate()
        .filter(|(index, _)| read.dirty[*index])
        .try_for_each(|(index, entries)| {
            // Serialises exactly as a `Shard`, without copying the entries.
            let shard = (read.config, read.started_ns, entries);
            state::save(root, &shard_kind(index), &shard)
        })?;
    state::remove(root, OLD_KIND);
    Ok(())
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
pub fn read(content: &Path, root: &Path, config: &Config, old: Option<StoredCache>) -> CachedRead {
    let started_ns = nanos(SystemTime::now());
    let (files, problems) = load::find_posts(content, root);
    let old = old.map_or_else(Vec::new, |stored| stored.shards);
    // A shard is rewritten when it was not loaded, or when an entry in it was
    // added, changed or removed.
    let mut dirty: Vec<bool> = (0..SHARDS)
        .map(|index| !matches!(old.get(index), Some(Some(_))))
        .collect();
    let mut stored_counts = vec![0usize; SHARDS];
    let mut by_path: HashMap<PathBuf, (Entry, i128)> = HashMap::new();
    for (index, shard) in old.into_iter().enumerate() {
        if let Some(shard) = shard {
            stored_counts[index] = shard.entries.len();
            by_path.extend(
                shard
                    .entries
                    .into_iter()
                    .map(|(path, entry)| (path, (entry, shard.started_ns))),
            );
        }
    }
    let clean_options = CleanOptions::from_config(config);
    let outcomes: Vec<(PathBuf, Outcome)> = files
        .par_iter()
        .map(|file| {
            let shown = load::shown_path(file, root);
            let cached = by_path.get(&shown);
            let outcome = examine(
                file,
                &shown,
                cached.map(|(entry, _)| entry),
                cached.map_or(0, |(_, at)| *at),
                config,
                &clean_options,
            );
            (shown, outcome)
        })
        .collect();
    let mut parsed = 0;
    let mut found_counts = vec![0usize; SHARDS];
    let entries = outcomes
        .into_iter()
        .filter_map(|(shown, outcome)| {
            let shard = shard_of(&shown);
            found_counts[shard] += 1;
            let entry = match outcome {
                Outcome::Reuse { size, mtime_ns } => {
                    let Some((mut entry, _)) = by_path.remove(&shown) else {
                        dirty[shard] = true;
                        return None;
                    };
                    dirty[shard] |= entry.size != size || entry.mtime_ns != mtime_ns;
                    entry.size = size;
                    entry.mtime_ns = mtime_ns;
                    entry
                }
                Outcome::Fresh(entry) => {
                    parsed += 1;
                    dirty[shard] = true;
                    *entry
                }
            };
            Some((shown, entry))
        })
        .collect();
    // Entries of files that are gone (or found twice) leave their shard changed.
    for (index, flag) in dirty.iter_mut().enumerate() {
        *flag |= found_counts[index] != stored_counts[index];
    }
    CachedRead {
        cache: PostCache { entries },
        parsed,
        changed: dirty.iter().any(|&d| d),
        problems,
        dirty,
        config: config_key(config),
        started_ns,
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
