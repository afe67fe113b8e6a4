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
/// unknown): the caller then walks it.
pub fn reconcile(
    dir: &Path,
    staged: &Files,
    kept: &[Kept],
    fresh: &HashSet<&str>,
) -> io::Result<Option<Reconciled>> {
    let new_files: HashSet<&str> = kept
        .iter()
        .map(|(path, _, _)| path.as_str())
        .chain(fresh.iter().copied())
        .collect();
    let new_dirs: HashSet<&str> = new_files.iter().flat_map(|p| ancestors(p)).collect();
    let staged_inodes: HashMap<&str, u64> = staged.iter().map(|(p, i)| (p.as_str(), *i)).collect();
    if !top_level_as_recorded(dir, staged, fresh)? {
        return Ok(None);
    }
    let mut stale_dirs: HashSet<&str> = HashSet::new();
    for (path, _) in staged {
        stale_dirs.extend(ancestors(path).filter(|d| !new_dirs.contains(d)));
        if new_files.contains(path.as_str()) || new_dirs.contains(path.as_str()) {
            continue;
        }
        let Ok(file) = join_inside(dir, path) else {
            return Ok(None);
        };
        match std::fs::symlink_metadata(&file) {
            Ok(meta) if meta.is_dir() => return Ok(None),
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
            return Ok(None);
        };
        match std::fs::remove_dir(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Something the record does not know of is in there.
            Err(_) => return Ok(None),
        }
    }
    let linked = kept
        .iter()
        .filter(|(path, inode, links)| {
            *links >= 2
                && !fresh.contains(path.as_str())
                && staged_inodes.get(path.as_str()) == Some(inode)
        })
        .map(|(path, _, _)| path.clone())
        .collect();
    let occupied = staged
        .iter()
        .flat_map(|(path, _)| ancestors(path))
        .filter(|d| new_dirs.contains(d))
        .map(|d| dir.join(d))
        .collect();
    Ok(Some((linked, occupied)))
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
        let (linked, occupied) = reconcile(dir, &record, &kept, &fresh).unwrap().unwrap();
        assert_eq!(linked, HashSet::from(["a/index.html".to_string()]));
        assert!(!dir.join("gone").exists());
        assert!(dir.join("b/index.html").is_file());
        assert!(occupied.contains(&dir.join("a")));
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
