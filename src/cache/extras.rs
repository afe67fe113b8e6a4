//! Incremental feeds, sitemaps and search files. Each group of files made
//! together (one term's feed, the site feeds, the sitemaps, one chunk of search
//! documents...) comes with a key over everything its bytes depend on; a group
//! whose key is the last build's and whose files are still the ones that build
//! wrote is kept without being made again.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::index::Index;
use crate::published::Published;
use crate::write::{FileStamp, Staging};

/// Output files made together, and the key of their inputs.
pub struct ExtraGroup<'a> {
    /// Unique among the groups; the first file's path serves.
    pub name: String,
    /// blake3 of everything the files' bytes depend on.
    pub key: [u8; 32],
    /// Makes the files, given what the group was last time when its key or
    /// files changed since.
    pub make: MakeGroup<'a>,
}

pub type MakeGroup<'a> = Box<dyn FnOnce(Option<&Previous>) -> Made + Send + 'a>;

/// What a group made.
#[derive(Debug, Default)]
pub struct Made {
    /// Files to write, as (output-relative path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Files of the last build to keep as they are (see [`Previous`]).
    pub kept: Vec<String>,
    /// Whatever the group wants to find in its [`Previous`] next time.
    pub memo: Vec<u8>,
}

impl From<Vec<(String, Vec<u8>)>> for Made {
    fn from(files: Vec<(String, Vec<u8>)>) -> Made {
        Made {
            files,
            ..Made::default()
        }
    }
}

/// A group as the last build left it, for groups that update their files
/// rather than make them again (the search index).
pub struct Previous<'s> {
    pub memo: &'s [u8],
    stamps: HashMap<&'s str, FileStamp>,
    staging: &'s Staging,
}

impl crate::search::incremental::Stored for Previous<'_> {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.staging.read_current(path, self.stamps.get(path)?)
    }

    fn current(&self, path: &str) -> bool {
        self.stamps
            .get(path)
            .is_some_and(|stamp| self.staging.is_current(path, stamp))
    }
}

/// What one group's files were last time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEntry {
    pub key: [u8; 32],
    pub files: Vec<(String, FileStamp)>,
    /// See [`Made::memo`].
    pub memo: Vec<u8>,
}

/// Every extra file the last build wrote, by group.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraFiles(pub HashMap<String, GroupEntry>);

impl ExtraFiles {
    /// How many files.
    pub fn len(&self) -> usize {
        self.0.values().map(|group| group.files.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps a group's files when every one of them is still as recorded.
    fn keep(&self, name: &str, key: &[u8; 32], staging: &Staging) -> anyhow::Result<bool> {
        let Some(entry) = self.0.get(name).filter(|entry| entry.key == *key) else {
            return Ok(false);
        };
        if !entry
            .files
            .iter()
            .all(|(path, stamp)| staging.is_current(path, stamp))
        {
            return Ok(false);
        }
        for (path, stamp) in &entry.files {
            staging.keep(path, stamp)?;
        }
        Ok(true)
    }
}

/// Stages the feeds, sitemaps, robots.txt and search files. When the site key
/// is the last build's, every group is kept without even building the groups;
/// otherwise only the groups whose key changed, or whose files were touched,
/// are made again (and of those, files with unchanged bytes are still kept).
pub fn write_extras<'a>(
    old: &ExtraFiles,
    same_site: bool,
    staging: &Staging,
    groups: impl FnOnce() -> Vec<ExtraGroup<'a>>,
) -> anyhow::Result<ExtraFiles> {
    if same_site && !old.is_empty() {
        let intact = old.0.par_iter().all(|(_, entry)| {
            entry
                .files
                .iter()
                .all(|(path, stamp)| staging.is_current(path, stamp))
        });
        if intact {
            for entry in old.0.values() {
                for (path, stamp) in &entry.files {
                    staging.keep(path, stamp)?;
                }
            }
            return Ok(old.clone());
        }
    }
    let groups = groups();
    let total = groups.len();
    let remade = std::sync::atomic::AtomicUsize::new(0);
    let made: Vec<(String, GroupEntry)> = groups
        .into_par_iter()
        .map(|group| -> anyhow::Result<_> {
            if old.keep(&group.name, &group.key, staging)? {
                return Ok((group.name.clone(), old.0[&group.name].clone()));
            }
            remade.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let old_entry = old.0.get(&group.name);
            let previous = old_entry.map(|entry| Previous {
                memo: &entry.memo,
                stamps: entry.files.iter().map(|(p, s)| (p.as_str(), *s)).collect(),
                staging,
            });
            let made = (group.make)(previous.as_ref());
            let mut files: Vec<(String, FileStamp)> = made
                .files
                .par_iter()
                .map(|(path, bytes)| Ok((path.clone(), staging.write(path, bytes)?)))
                .collect::<anyhow::Result<_>>()?;
            for path in made.kept {
                let stamp = previous.as_ref().and_then(|p| p.stamps.get(path.as_str()));
                match stamp {
                    Some(stamp) if staging.keep(&path, stamp)? => files.push((path, *stamp)),
                    _ => anyhow::bail!("{path} changed while the site was being built"),
                }
            }
            Ok((
                group.name,
                GroupEntry {
                    key: group.key,
                    files,
                    memo: made.memo,
                },
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    tracing::debug!(
        "extras: {} of {total} groups made again",
        remade.into_inner()
    );
    Ok(ExtraFiles(made.into_iter().collect()))
}

/// Per post (in index order), a key over everything feeds, sitemaps and search
/// documents show of it: its list entry (title, URL, dates, summary, terms...),
/// its source path and the hash of its text. The body is not hashed: it is made
/// from the text, the path and the config alone, and the config is in every
/// group's key ([`base_key`]).
pub fn post_keys(index: &Index, published: &Published) -> Vec<[u8; 32]> {
    let hashes = published.by_bytes();
    index
        .posts
        .par_iter()
        .map(|post| {
            let mut hasher = blake3::Hasher::new();
            hasher.update(post.source.as_os_str().as_encoded_bytes());
            hasher.update(&[0]);
            let source = post.source.as_os_str().as_encoded_bytes();
            hasher.update(hashes.get(source).copied().unwrap_or(&[0; 32]));
            for date in std::iter::once(&post.date).chain(&post.updated) {
                hasher.update(&date.timestamp().as_nanosecond().to_le_bytes());
            }
            hasher.update(&[u8::from(post.updated.is_some())]);
            super::pages::hash_str(&mut hasher, &post.dir);
            let mut buffered = std::io::BufWriter::with_capacity(4096, &mut hasher);
            // Serialising a plain struct to a hasher cannot fail.
            let _ = serde_json::to_writer(&mut buffered, post);
            let _ = std::io::Write::flush(&mut buffered);
            drop(buffered);
            *hasher.finalize().as_bytes()
        })
        .collect()
}

/// What every extra file depends on besides its posts: gazette's version and
/// the whole config.
pub fn base_key(config: &crate::config::Config) -> [u8; 32] {
    super::posts::config_key(config)
}

/// A group key: the base key, what kind of group and which, then its parts.
pub fn group_key<'p>(
    base: &[u8; 32],
    what: &'p str,
    parts: impl IntoIterator<Item = &'p [u8]>,
) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(base);
    for part in std::iter::once(what.as_bytes()).chain(parts) {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    *hasher.finalize().as_bytes()
}
