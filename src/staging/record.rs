//! What the staging directory holds, recorded after each swap so that the next
//! build can bring it up to date without walking it. Walking it (a directory
//! read per page directory) was the largest cost of a one-post edit left.
//!
//! The record lists every file of the live site and of the staging directory
//! with its inode, in `<root>/.gazette/staging.bin`. It is removed before the
//! staging directory is first touched, so a build stopped or killed half-way
//! leaves no record and the next build walks, as it always could. A kept file
//! the record says is already linked is trusted only while the live file has a
//! second link (the staged one): a staging directory pruned by hand is relinked.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::paths::join_inside;
use crate::state;

const KIND: &str = "staging";

/// Output-relative path and inode of each file of one tree.
pub type Files = Vec<(String, u64)>;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Record {
    /// The output directory the record is about (absolute).
    pub output: PathBuf,
    /// The live site's files, as the last swap left them.
    pub live: Files,
    /// The staging directory's files, when known: the site before the last swap.
    pub staging: Option<Files>,
}

impl Record {
    /// The record for `output`, if there is a usable one.
    pub fn load(root: &Path, output: &Path) -> Option<Record> {
        state::load::<Record>(root, KIND)
            .or_warn(&state::path(root, KIND))
            .filter(|record| record.output == output)
    }

    /// Removes the record: from now on the staging directory may change.
    pub fn forget(root: &Path) -> io::Result<()> {
        match std::fs::remove_file(state::path(root, KIND)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn save(&self, root: &Path) -> io::Result<()> {
        state::save(root, KIND, self)
    }
}

/// A kept file: output-relative path, inode and link count of the live file.
pub type Kept = (String, u64, u64);

/// What [`reconcile`] found: kept files already linked in staging, and
/// directories of staging known to exist.
pub type Reconciled = (HashSet<String>, HashSet<PathBuf>);

/// Brings staging (`dir`, holding exactly `staged`) to this build's files by
/// the record alone: removes the files and directories of the staged site that
/// this build has not, and names the kept files already linked. `None` when
/// staging turns out not to be as recorded (a directory holds something
/// unknown): the caller then walks it. No directory is reported as known to
/// exist: the few files a rebuild links make their directories as needed.
pub fn reconcile(
    dir: &Path,
    staged: &Files,
    kept: &[Kept],
    fresh: &HashSet<&str>,
) -> io::Result<Option<Reconciled>> {
    if !top_level_as_recorded(dir, staged, fresh)? {
        return Ok(None);
    }
    let kept_inodes: HashMap<&str, (u64, u64)> = kept
        .iter()
        .map(|(path, inode, links)| (path.as_str(), (*inode, *links)))
        .collect();
    let mut linked = HashSet::new();
    let mut stale = Vec::new();
    for (path, inode) in staged {
        match kept_inodes.get(path.as_str()) {
            // The live file's second link is the staged one.
            Some(&(live, links)) if live == *inode && links >= 2 => {
                if !fresh.contains(path.as_str()) {
                    linked.insert(path.clone());
                }
            }
            Some(_) => {}
            None if fresh.contains(path.as_str()) => {}
            None => stale.push(path.as_str()),
        }
    }
    if !stale.is_empty() && !remove_stale(dir, &stale, kept, fresh)? {
        return Ok(None);
    }
    Ok(Some((linked, HashSet::new())))
}

/// Removes the staged files of `stale` and the directories left without any
/// file of this build; `false` when one holds something unknown.
fn remove_stale(
    dir: &Path,
    stale: &[&str],
    kept: &[Kept],
    fresh: &HashSet<&str>,
) -> io::Result<bool> {
    let new_files: HashSet<&str> = kept
        .iter()
        .map(|(path, _, _)| path.as_str())
        .chain(fresh.iter().copied())
        .collect();
    let new_dirs: HashSet<&str> = new_files.iter().flat_map(|p| ancestors(p)).collect();
    let mut stale_dirs: HashSet<&str> = HashSet::new();
    for &path in stale {
        stale_dirs.extend(ancestors(path).filter(|d| !new_dirs.contains(d)));
        // A file of the old site where this build made a directory.
        if new_dirs.contains(path) {
            continue;
        }
        let Ok(file) = join_inside(dir, path) else {
            return Ok(false);
        };
        match std::fs::symlink_metadata(&file) {
            Ok(meta) if meta.is_dir() => return Ok(false),
            Ok(_) => std::fs::remove_file(&file)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    let mut stale_dirs: Vec<&str> = stale_dirs
        .into_iter()
        .filter(|d| !new_files.contains(d))
        .collect();
    // Children before parents.
    stale_dirs.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for relative in stale_dirs {
        let Ok(path) = join_inside(dir, relative) else {
            return Ok(false);
        };
        match std::fs::remove_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Something the record does not know of is in there.
            Err(_) => return Ok(false),
        }
    }
    Ok(true)
}

/// Whether every entry at the top of staging is one the record or this build
/// knows. One directory read: it catches the files people add to an output
/// by hand (`CNAME`, verification files, `.well-known/`), which otherwise would
/// come back with every other swap. Deeper additions are not looked for.
fn top_level_as_recorded(dir: &Path, staged: &Files, fresh: &HashSet<&str>) -> io::Result<bool> {
    let known: HashSet<&str> = staged
        .iter()
        .map(|(path, _)| path.as_str())
        .chain(fresh.iter().copied())
        .map(|path| path.split('/').next().unwrap_or(path))
        .collect();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        if !name.to_str().is_some_and(|name| known.contains(name)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `a/b` and `a` for `a/b/index.html`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|(_, c)| *c == '/')
        .map(move |(at, _)| &path[..at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// A staging directory holding `files`, and the record of it.
    fn staged(files: &[&str]) -> (tempfile::TempDir, Files) {
        let tmp = tempfile::tempdir().unwrap();
        let record = files
            .iter()
            .map(|relative| {
                let path = tmp.path().join(relative);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, relative).unwrap();
                (
                    relative.to_string(),
                    std::fs::metadata(&path).unwrap().ino(),
                )
            })
            .collect();
        (tmp, record)
    }

    #[test]
    fn removes_what_the_build_has_not_and_names_what_is_linked() {
        let (tmp, record) = staged(&["a/index.html", "b", "gone/x/index.html", "c/index.html"]);
        let dir = tmp.path();
        // This build made `b` a directory (as writing `b/index.html` does).
        std::fs::remove_file(dir.join("b")).unwrap();
        std::fs::create_dir(dir.join("b")).unwrap();
        std::fs::write(dir.join("b/index.html"), "new").unwrap();
        let inode = |relative: &str| record.iter().find(|(p, _)| p == relative).unwrap().1;
        let kept = vec![
            ("a/index.html".to_string(), inode("a/index.html"), 2),
            // Its live file has no second link: the staged one is not trusted.
            ("c/index.html".to_string(), inode("c/index.html"), 1),
        ];
        let fresh: HashSet<&str> = ["b/index.html"].into();
        let (linked, _) = reconcile(dir, &record, &kept, &fresh).unwrap().unwrap();
        assert_eq!(linked, HashSet::from(["a/index.html".to_string()]));
        assert!(!dir.join("gone").exists());
        assert!(dir.join("b/index.html").is_file());
        assert!(dir.join("c/index.html").is_file(), "to be linked again");
    }

    #[test]
    fn anything_unknown_sends_the_caller_to_a_walk() {
        let (tmp, record) = staged(&["a/index.html", "gone/x/index.html"]);
        let kept = vec![("a/index.html".to_string(), record[0].1, 2)];
        std::fs::write(tmp.path().join("gone/x/note.txt"), "by hand").unwrap();
        let found = reconcile(tmp.path(), &record, &kept, &HashSet::new()).unwrap();
        assert!(found.is_none(), "an unknown file in a directory that goes");
        let (tmp, record) = staged(&["a/index.html"]);
        std::fs::write(tmp.path().join("CNAME"), "by hand").unwrap();
        let found = reconcile(tmp.path(), &record, &kept, &HashSet::new()).unwrap();
        assert!(found.is_none(), "an unknown entry at the top");
    }
}
