//! The staging directory: where the next site is assembled beside the output,
//! to be swapped in whole with one atomic exchange.
//!
//! It persists between builds (`.<name>.staging`, guarded by the build lock):
//! after the exchange it holds the previous site, whose unchanged files are hard
//! links to the live ones. The next build brings it up to date by touching only
//! what differs, so a rebuild costs file operations in proportion to what
//! changed, not to the size of the site (creating and deleting a hundred
//! thousand directories per build is what makes naive atomic builds slow).
//!
//! A file whose bytes equal the live one is never written: the live file is
//! linked instead, keeping its inode and mtime for rsync and CDNs. Staged paths
//! are always unlinked before they are written, never opened in place, because
//! they may be links to the live site. A build killed while updating staging
//! leaves it in any state: what it holds is then known only from a walk that
//! checks every file by inode. A completed swap records what it holds instead
//! ([`record`]), and the record is removed before staging is next touched.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::paths::join_inside;
use record::{Kept, Record};

mod record;
mod spare;
use crate::theme::Asset;
use crate::write::{exchange, io_at, remove_any, remove_tree, WriteError};
use spare::Spare;

/// A site being assembled, to be swapped in for the output when complete.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    written: AtomicUsize,
    /// Output-relative paths of files to take unchanged from the output, with
    /// the inode and link count the output's file had when it was checked.
    kept: Mutex<Vec<Kept>>,
    /// Output-relative paths of files written into staging, with their inodes.
    fresh: Mutex<Vec<(String, u64)>>,
    /// Where the record of the staging directory is kept, and what it said.
    recorded: Option<Recorded>,
    /// Staging held nothing when the build began (a first build, or one after
    /// the output was deleted): nothing in it can be left over to remove.
    began_empty: bool,
    /// The output did not exist or was empty when the build began: no file of
    /// it can be kept, so none is looked up.
    output_began_empty: bool,
    /// Made only by a build from nothing: see [`Spare`].
    spare: Option<Spare>,
}

/// The record of the staging directory (see [`record`]) for one build.
struct Recorded {
    root: PathBuf,
    /// As loaded when the build began (`None` when missing or not trusted).
    record: Option<Record>,
    /// Whether the record file was removed, before staging was first touched.
    forgotten: Mutex<bool>,
}

/// What a build staged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files with new bytes.
    pub written: usize,
    /// Files identical to the output's, kept as they are.
    pub kept: usize,
}

/// Enough of a file's metadata to tell that it is still the file gazette wrote:
/// same inode, size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    pub inode: u64,
    pub len: u64,
    pub mtime_ns: i128,
}

impl FileStamp {
    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            inode: meta.ino(),
            len: meta.len(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        }
    }

    fn at(path: &Path) -> Option<FileStamp> {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| FileStamp::of(&m))
    }
}

impl Staging {
    /// Opens `.<name>.staging` beside `output` (which must be absolute), as the
    /// last build left it. Call only under the site's build lock.
    pub fn begin(output: &Path) -> Result<Staging, WriteError> {
        let parent = output.parent().unwrap_or(output);
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging"));
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| !m.is_dir()) {
            std::fs::remove_file(&dir).map_err(io_at(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
        let began_empty = std::fs::read_dir(&dir)
            .map_err(io_at(&dir))?
            .next()
            .is_none();
        let output_began_empty = std::fs::read_dir(output).map_or(true, |mut d| d.next().is_none());
        Spare::clear_leftover(parent, &name)?;
        // With no output, every file is written here, and this directory is
        // renamed into place: the spare then replaces it.
        let spare = std::fs::symlink_metadata(output)
            .is_err()
            .then(|| Spare::begin(parent, &name))
            .transpose()?;
        Ok(Staging {
            spare,
            output_began_empty,
            output: output.to_path_buf(),
            dir,
            written: AtomicUsize::new(0),
            kept: Mutex::new(Vec::new()),
            fresh: Mutex::new(Vec::new()),
            recorded: None,
            began_empty,
        })
    }

    /// Keeps a record of the staging directory in `<root>/.gazette/` and, when
    /// `trust` is set, uses the one the last build left instead of walking the
    /// directory.
    pub fn recorded_in(mut self, root: &Path, trust: bool) -> Staging {
        let record = trust.then(|| Record::load(root, &self.output)).flatten();
        self.recorded = Some(Recorded {
            root: root.to_path_buf(),
            record,
            forgotten: Mutex::new(false),
        });
        self
    }

    /// Removes the record before the staging directory is first changed, so a
    /// build killed from then on leaves none.
    fn forget_record(&self) -> Result<(), WriteError> {
        let Some(recorded) = &self.recorded else {
            return Ok(());
        };
        let mut forgotten = lock(&recorded.forgotten);
        if !*forgotten {
            Record::forget(&recorded.root).map_err(io_at(&recorded.root))?;
            *forgotten = true;
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn counts(&self) -> Written {
        Written {
            written: self.written.load(Ordering::Relaxed),
            kept: lock(&self.kept).len(),
        }
    }

    /// Stages one output-relative file: kept when the output's file has exactly
    /// these bytes, written otherwise. Returns the stamp the file will have.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<FileStamp, WriteError> {
        let current = join_inside(&self.output, relative)?;
        // With no output yet there is nothing to compare with: a first build
        // saves a failed lookup per file.
        if !self.output_began_empty {
            if let Some(meta) = same_bytes(&current, bytes) {
                let stamp = FileStamp::of(&meta);
                lock(&self.kept).push((relative.to_string(), stamp.inode, meta.nlink()));
                return Ok(stamp);
            }
        }
        let path = self.vacate(relative)?;
        // The stamp comes from the open file (`fstat`), not a second path lookup.
        let stamp = std::fs::File::create(&path)
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.metadata()
            })
            .map(|meta| FileStamp::of(&meta))
            .map_err(io_at(&path))?;
        if let Some(spare) = &self.spare {
            spare.link(relative, &path);
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        lock(&self.fresh).push((relative.to_string(), stamp.inode));
        Ok(stamp)
    }

    /// Whether the output's file is still the file `expected` describes.
    pub fn is_current(&self, relative: &str, expected: &FileStamp) -> bool {
        join_inside(&self.output, relative)
            .is_ok_and(|current| FileStamp::at(&current) == Some(*expected))
    }

    /// The bytes of the output's file when it is still the file `expected`
    /// describes (checked after reading, so a file changed meanwhile is refused).
    pub fn read_current(&self, relative: &str, expected: &FileStamp) -> Option<Vec<u8>> {
        let current = join_inside(&self.output, relative).ok()?;
        let bytes = std::fs::read(&current).ok()?;
        (FileStamp::at(&current) == Some(*expected)).then_some(bytes)
    }

    /// Keeps the output's file unchanged when it is still the file `expected`
    /// describes; `false` means the caller must produce it.
    pub fn keep(&self, relative: &str, expected: &FileStamp) -> Result<bool, WriteError> {
        let current = join_inside(&self.output, relative)?;
        let meta = std::fs::symlink_metadata(current)
            .ok()
            .filter(|m| m.is_file());
        let Some(meta) = meta.filter(|m| FileStamp::of(m) == *expected) else {
            return Ok(false);
        };
        lock(&self.kept).push((relative.to_string(), expected.inode, meta.nlink()));
        Ok(true)
    }

    pub fn copy_asset(&self, relative: &str, asset: &Asset) -> Result<FileStamp, WriteError> {
        match asset {
            Asset::Embedded(bytes) => self.write(relative, bytes),
            Asset::Disk(source) => {
                let bytes = std::fs::read(source).map_err(io_at(source))?;
                self.write(relative, &bytes)
            }
        }
    }

    /// The staged path of `relative` with its directories made and nothing
    /// there (whatever was, file or directory, is removed, never overwritten).
    fn vacate(&self, relative: &str) -> Result<PathBuf, WriteError> {
        let path = join_inside(&self.dir, relative)?;
        self.forget_record()?;
        if let Some(parent) = path.parent() {
            make_dirs(&self.dir, parent)?;
        }
        // Staging that began empty holds only what this build wrote, each path
        // once, and no links to the output yet: nothing can be in the way.
        if self.began_empty {
            return Ok(path);
        }
        remove_any(&path).map_err(io_at(&path))?;
        Ok(path)
    }

    /// Makes the output exactly what was staged. When every file was kept and
    /// the output has no other, nothing is touched at all. Otherwise the kept
    /// files are linked into staging where they are not already, files of
    /// earlier sites are removed from it, and it is exchanged with the output
    /// in one atomic rename; it then holds the previous site, for next time.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let kept = std::mem::take(&mut *lock(&self.kept));
        let fresh_files = std::mem::take(&mut *lock(&self.fresh));
        if fresh_files.is_empty() && count_files(&self.output) == Some(kept.len()) {
            return Ok(());
        }
        self.forget_record()?;
        // Nothing written, yet the output holds files this build has not
        // kept: someone added them. Neither the record of staging nor (after
        // the swap) the one of the output can be trusted: walk, now and next.
        let added_by_hand = fresh_files.is_empty();
        let fresh: HashSet<&str> = fresh_files.iter().map(|(p, _)| p.as_str()).collect();
        let (linked, occupied) = self.remove_leftovers(&kept, &fresh, added_by_hand)?;
        self.link_kept(&kept, &linked, &occupied)?;
        let swapped = self.swap_in()?;
        self.save_record(kept, fresh_files, swapped, added_by_hand);
        Ok(())
    }

    /// Removes from staging every file this build neither kept nor wrote:
    /// from the last build's record when it can, by a walk otherwise. Returns
    /// the kept files already linked and the directories known to exist.
    fn remove_leftovers(
        &self,
        kept: &[Kept],
        fresh: &HashSet<&str>,
        added_by_hand: bool,
    ) -> Result<record::Reconciled, WriteError> {
        let recorded = self.recorded.as_ref().and_then(|r| r.record.as_ref());
        // The walk costs a directory read per staged directory (12k at 5k
        // posts); a staging that began empty holds only this build's files,
        // and one the last build recorded is known without reading it.
        let by_record = match recorded.and_then(|r| r.staging.as_ref()) {
            Some(staged) if !self.began_empty && !added_by_hand => {
                record::reconcile(&self.dir, staged, kept, fresh).map_err(io_at(&self.dir))?
            }
            _ => None,
        };
        Ok(match by_record {
            Some(done) => {
                tracing::debug!("staging: updated from its record");
                done
            }
            None if self.began_empty => Default::default(),
            None => {
                tracing::debug!("staging: walked");
                let kept_inodes: HashMap<&str, u64> = kept
                    .iter()
                    .map(|(path, inode, _)| (path.as_str(), *inode))
                    .collect();
                reconcile(&self.dir, &kept_inodes, fresh).map_err(io_at(&self.dir))?
            }
        })
    }

    /// Links into staging each kept file not `linked` there yet.
    fn link_kept(
        &self,
        kept: &[Kept],
        linked: &HashSet<String>,
        occupied: &HashSet<PathBuf>,
    ) -> Result<(), WriteError> {
        let to_link: Vec<&str> = kept
            .iter()
            .map(|(relative, _, _)| relative.as_str())
            .filter(|relative| !linked.contains(*relative))
            .collect();
        // After the leftovers are gone, staging holds only this build's files
        // and their directories: the missing directories are made once each,
        // parents first, and each file is one `link` (a staging directory
        // emptied or lost since the last build needs every file linked again).
        // Planned on the relative paths (already checked when kept): path
        // components are slow to compare, and such a build links every file.
        let mut relative_dirs: Vec<&str> = to_link
            .iter()
            .filter_map(|relative| Some(relative.rsplit_once('/')?.0))
            .collect();
        relative_dirs.sort_unstable();
        relative_dirs.dedup();
        let mut dirs: Vec<(usize, PathBuf)> = relative_dirs
            .into_iter()
            .map(|dir| (dir.matches('/').count(), self.dir.join(dir)))
            .filter(|(_, dir)| !occupied.contains(dir))
            .collect();
        // Level by level, each level in parallel: a parent is always made
        // before its children.
        dirs.sort_by_key(|(depth, _)| *depth);
        for level in dirs.chunk_by(|a, b| a.0 == b.0) {
            level
                .par_iter()
                .try_for_each(|(_, dir)| make_dirs(&self.dir, dir))?;
        }
        to_link.par_iter().try_for_each(|relative| {
            let (live, staged) = (self.output.join(relative), self.dir.join(relative));
            if std::fs::hard_link(&live, &staged).is_ok() {
                return Ok(());
            }
            let staged = self.vacate(relative)?;
            std::fs::hard_link(&live, &staged)
                .or_else(|_| std::fs::copy(&live, &staged).map(|_| ()))
                .map_err(io_at(&staged))
        })
    }

    /// Puts staging in the output's place: exchanged with the output, or
    /// renamed when there is none (the spare then takes staging's place).
    fn swap_in(&mut self) -> Result<Swapped, WriteError> {
        let spare = self.spare.take().map(Spare::finish);
        let exchanged = self.output.exists();
        if exchanged {
            exchange(&self.dir, &self.output).map_err(io_at(&self.output))?;
        } else {
            std::fs::rename(&self.dir, &self.output).map_err(io_at(&self.output))?;
        }
        // Should the spare not take staging's place, the next build makes
        // staging the slow way.
        let spare = spare.and_then(|(spare, complete)| {
            let moved = !exchanged && std::fs::rename(&spare, &self.dir).is_ok();
            if !moved {
                let _ = remove_tree(&spare);
            }
            moved.then_some(complete)
        });
        Ok(Swapped { exchanged, spare })
    }

    /// Records what the live site and staging now hold, for the next build.
    fn save_record(
        &self,
        kept: Vec<Kept>,
        fresh_files: Vec<(String, u64)>,
        swapped: Swapped,
        added_by_hand: bool,
    ) {
        let Some(recorded) = &self.recorded else {
            return;
        };
        let live: record::Files = kept
            .into_iter()
            .map(|(path, inode, _)| (path, inode))
            .chain(fresh_files)
            .collect();
        // Staging now holds what the output held: the last recorded site,
        // when there was one; after a rename, nothing, or the spare's links
        // to the live site.
        let staging = match (swapped.exchanged, swapped.spare) {
            (true, _) if added_by_hand => None,
            (true, _) => recorded.record.as_ref().map(|r| r.live.clone()),
            (false, None) => Some(Vec::new()),
            (false, Some(true)) => Some(live.clone()),
            (false, Some(false)) => None,
        };
        let record = Record {
            output: self.output.clone(),
            live,
            staging,
        };
        if let Err(e) = record.save(&recorded.root) {
            tracing::warn!("cannot record the staging directory: {e}");
        }
    }
}

/// How [`Staging::swap_in`] went.
struct Swapped {
    /// With the output (otherwise staging was renamed: there was none).
    exchanged: bool,
    /// Whether a spare took staging's place, and whether it links every file.
    spare: Option<bool>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `create_dir_all` inside `root`, replacing a file that stands where a
/// directory must be (a page of an earlier site that is now a directory).
fn make_dirs(root: &Path, dir: &Path) -> Result<(), WriteError> {
    // Making the directory is tried first: a page is a directory of its own, so
    // on a first build nearly every one is new and its parent exists (one call,
    // where checking first took four).
    match std::fs::create_dir(dir) {
        Ok(()) => Ok(()),
        // A missing parent, or a file where a parent belongs: settle the parent.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            match dir.parent().filter(|p| p.starts_with(root) && *p != root) {
                Some(parent) => make_dirs(root, parent)?,
                None => return Err(io_at(dir)(e)),
            }
            make_dir_here(dir)
        }
        // A directory (made earlier, or by another writer just now), or a file in the way.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => make_dir_here(dir),
        Err(e) => Err(io_at(dir)(e)),
    }
}

/// Makes `dir`, whose parent exists: a file (or link) where it belongs is
/// removed; a directory already there is kept.
fn make_dir_here(dir: &Path) -> Result<(), WriteError> {
    if std::fs::symlink_metadata(dir).is_ok_and(|meta| !meta.is_dir()) {
        std::fs::remove_file(dir).map_err(io_at(dir))?;
    }
    match std::fs::create_dir(dir) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(io_at(dir)(e)),
        _ => Ok(()),
    }
}

/// One walk of the staging directory `dir`: removes every file that is
/// neither written by this build (`fresh`) nor a link to the kept output file
/// (same inode, read from the directory entry without a `stat`), then every
/// directory left empty. Returns the kept files that are already linked, and
/// the directories that stay.
fn reconcile(
    dir: &Path,
    kept: &HashMap<&str, u64>,
    fresh: &HashSet<&str>,
) -> io::Result<(HashSet<String>, HashSet<PathBuf>)> {
    use walkdir::DirEntryExt;
    let mut linked = HashSet::new();
    // Directories holding something that stays (only those are not removed:
    // a failed `rmdir` per directory cost more than the rest of the walk).
    let mut occupied: HashSet<PathBuf> = HashSet::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        let path = entry.path();
        let parent = path.parent().unwrap_or(dir);
        if entry.file_type().is_dir() {
            if occupied.contains(path) || std::fs::remove_dir(path).is_err() {
                occupied.insert(parent.to_path_buf());
            }
            continue;
        }
        let relative = path
            .strip_prefix(dir)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"));
        let stays = relative.filter(|r| {
            fresh.contains(r.as_str())
                || (entry.file_type().is_file() && kept.get(r.as_str()) == Some(&entry.ino()))
        });
        match stays {
            Some(relative) => {
                occupied.insert(parent.to_path_buf());
                if !fresh.contains(relative.as_str()) {
                    linked.insert(relative);
                }
            }
            None => std::fs::remove_file(path)?,
        }
    }
    Ok((linked, occupied))
}

/// Files (of any kind but directories) under `dir`; `None` if it cannot be read.
fn count_files(dir: &Path) -> Option<usize> {
    let mut count = 0;
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        if !entry.ok()?.file_type().is_dir() {
            count += 1;
        }
    }
    Some(count)
}

/// The metadata of `path` when it is a regular file holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<std::fs::Metadata> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return None;
    }
    let old = std::fs::read(path).ok()?;
    (old == bytes).then_some(meta)
}

#[cfg(test)]
mod tests;
