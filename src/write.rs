//! Writing the site: the only stage that writes. Pages go into a staging
//! directory beside the output, which replaces the output in one atomic rename
//! only when the build is complete, so a failed or killed build leaves the
//! previous site exactly as it was.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::paths::{join_inside, UnsafePath};
use crate::theme::Asset;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Unsafe(#[from] UnsafePath),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing output directory {output}: {reason}")]
    RefusedOutput { output: PathBuf, reason: String },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Absolute, normalised form of `path`, resolving symlinks in the part that exists.
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize()?;
    out.extend(rest.iter().rev());
    Ok(out)
}

/// Refuses an output that is `/`, the site root, the content directory, an
/// ancestor of either, or inside the content directory. Checked before anything
/// is touched.
pub fn check_output(output: &Path, root: &Path, content: &Path) -> Result<PathBuf, WriteError> {
    let refuse = |reason: &str| WriteError::RefusedOutput {
        output: output.to_path_buf(),
        reason: reason.to_string(),
    };
    let out = absolute(output).map_err(io_at(output))?;
    if out.parent().is_none() {
        return Err(refuse("it is the file-system root"));
    }
    for (what, dir) in [("site root", root), ("content directory", content)] {
        let dir = absolute(dir).map_err(io_at(dir))?;
        if dir.starts_with(&out) {
            return Err(refuse(&format!("it is the {what} or contains it")));
        }
        if what == "content directory" && out.starts_with(&dir) {
            return Err(refuse("it is inside the content directory"));
        }
    }
    if out.exists() && !out.is_dir() {
        return Err(refuse("it exists and is not a directory"));
    }
    Ok(out)
}

/// A directory being filled, to be swapped in for the output when complete.
///
/// A file whose bytes equal the output's current file is not written: the old
/// file is hard-linked into the staging directory instead, so it keeps its mtime
/// (and inode) and rsync or a CDN sees nothing to copy. Staged files are never
/// opened for writing once they exist, so a link never lets a build modify the
/// live site in place.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    committed: bool,
    written: AtomicUsize,
    kept: AtomicUsize,
}

/// What a staging directory received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files with new bytes.
    pub written: usize,
    /// Files identical to the output's, linked from it.
    pub kept: usize,
}

impl Staging {
    /// Creates `.<name>.staging-<pid>` beside `output` (which must be absolute).
    pub fn begin(output: &Path) -> Result<Staging, WriteError> {
        let parent = output.parent().unwrap_or(output);
        std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        let dir = parent.join(format!("{}{}", staging_prefix(output), std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_at(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            committed: false,
            written: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
        })
    }

    pub fn counts(&self) -> Written {
        Written {
            written: self.written.load(Ordering::Relaxed),
            kept: self.kept.load(Ordering::Relaxed),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stages one output-relative file, creating its directories: linked from
    /// the current output when its bytes are the same, written otherwise.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.prepare_path(relative)?;
        let current = join_inside(&self.output, relative)?;
        if same_bytes(&current, bytes) && std::fs::hard_link(&current, &path).is_ok() {
            self.kept.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        std::fs::write(&path, bytes).map_err(io_at(&path))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Links the output's current file into staging unchanged, when it is still
    /// the file `expected` describes. `false` means the caller must write it.
    pub fn keep(&self, relative: &str, expected: &FileStamp) -> Result<bool, WriteError> {
        let current = join_inside(&self.output, relative)?;
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if FileStamp::of(&meta) == *expected => {}
            _ => return Ok(false),
        }
        let path = self.prepare_path(relative)?;
        if std::fs::hard_link(&current, &path).is_err() {
            return Ok(false);
        }
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// The stamp of a file already staged.
    pub fn stamp(&self, relative: &str) -> Result<FileStamp, WriteError> {
        let path = join_inside(&self.dir, relative)?;
        let meta = std::fs::symlink_metadata(&path).map_err(io_at(&path))?;
        Ok(FileStamp::of(&meta))
    }

    /// The staged path of `relative`, its directories created and no file there
    /// (a file staged twice is replaced, never rewritten in place).
    fn prepare_path(&self, relative: &str) -> Result<PathBuf, WriteError> {
        let path = join_inside(&self.dir, relative)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_at(&path)(e)),
            _ => Ok(path),
        }
    }

    pub fn copy_asset(&self, relative: &str, asset: &Asset) -> Result<(), WriteError> {
        match asset {
            Asset::Embedded(bytes) => self.write(relative, bytes),
            Asset::Disk(source) => {
                let bytes = std::fs::read(source).map_err(io_at(source))?;
                self.write(relative, &bytes)
            }
        }
    }

    /// Puts the staging directory in the output's place: one atomic exchange
    /// when an output exists, then the old site is removed.
    /// When every staged file was linked from the output and the output has no
    /// other file, the output is left untouched (directories included).
    pub fn commit(mut self) -> Result<(), WriteError> {
        let counts = self.counts();
        if counts.written == 0 && count_files(&self.output) == Some(counts.kept) {
            return Ok(()); // Dropping removes the staging directory of links.
        }
        if self.output.exists() {
            exchange(&self.dir, &self.output).map_err(io_at(&self.output))?;
            // `dir` now holds the previous site.
            remove_tree(&self.dir).map_err(io_at(&self.dir))?;
        } else {
            std::fs::rename(&self.dir, &self.output).map_err(io_at(&self.output))?;
        }
        self.committed = true;
        Ok(())
    }
}

/// `.<name>.staging-`: staging directories of `output` start with this.
fn staging_prefix(output: &Path) -> String {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.staging-")
}

/// Removes staging directories that killed builds left beside `output`. Only
/// safe under the site's build lock, which guarantees no build is using them.
pub fn remove_stale_staging(output: &Path) -> Result<(), WriteError> {
    let Some(parent) = output.parent() else {
        return Ok(());
    };
    let prefix = staging_prefix(output);
    let entries = match std::fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(parent)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io_at(parent))?;
        let stale = entry.file_name().to_str().is_some_and(|n| {
            n.strip_prefix(prefix.as_str())
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if stale && entry.file_type().is_ok_and(|t| t.is_dir()) {
            tracing::info!(
                "removing {}, left by a killed build",
                entry.path().display()
            );
            remove_tree(&entry.path()).map_err(io_at(&entry.path()))?;
        }
    }
    Ok(())
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

/// Whether `path` is a regular file holding exactly `bytes`.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            std::fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: an abandoned build must not leave half a site around.
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `remove_dir_all`, spread over threads two levels down: deleting is I/O-bound
/// (especially on file systems mounted with `discard`) and a site has many
/// directories, so waiting on several at once pays.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut entries = Vec::new();
    for top in std::fs::read_dir(dir)? {
        let top = top?;
        if top.file_type()?.is_dir() {
            for inner in std::fs::read_dir(top.path())? {
                entries.push(inner?.path());
            }
        }
    }
    entries
        .par_iter()
        .try_for_each(|path| match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })?;
    std::fs::remove_dir_all(dir)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange, two renames: the window between them is tiny but real.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let old = b.with_extension("old");
    std::fs::rename(b, &old)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&old, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let content = root.join("content");
        std::fs::create_dir_all(&content).unwrap();
        let refused = [
            PathBuf::from("/"),
            root.clone(),
            content.clone(),
            tmp.path().to_path_buf(),
            content.join("out"),
            root.join("content/../content"),
        ];
        for out in refused {
            assert!(
                check_output(&out, &root, &content).is_err(),
                "{out:?} accepted"
            );
        }
        for out in [root.join("public"), tmp.path().join("elsewhere")] {
            assert!(
                check_output(&out, &root, &content).is_ok(),
                "{out:?} refused"
            );
        }
    }

    #[test]
    fn commit_swaps_and_abandon_keeps_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a/index.html", b"one").unwrap();
        first.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let abandoned = Staging::begin(&out).unwrap();
        abandoned.write("a/index.html", b"two").unwrap();
        let staging_dir = abandoned.dir().to_path_buf();
        drop(abandoned);
        assert!(!staging_dir.exists());
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

        let second = Staging::begin(&out).unwrap();
        second.write("b/index.html", b"two").unwrap();
        assert!(second.write("../escape", b"x").is_err());
        second.commit().unwrap();
        assert!(!out.join("a").exists());
        assert!(out.join("b/index.html").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
