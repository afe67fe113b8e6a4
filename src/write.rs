//! Writing the site: the only stage that writes. Pages go into a staging
//! directory beside the output, which replaces the output in one atomic rename
//! only when the build is complete, so a failed or killed build leaves the
//! previous site exactly as it was.

use std::io;
use std::path::{Component, Path, PathBuf};

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

/// Absolute, normalised form of `path`: symlinks resolved in the part that exists,
/// `.` and `..` settled everywhere (a part that does not exist yet holds no
/// symlinks, so `public/../content` is `content` even before `public` exists).
pub fn absolute(path: &Path) -> io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    let mut exists = true;
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => out.push(component),
            Component::CurDir => {}
            // `out` has no symlinks left in it, so going up is a matter of text.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match out.canonicalize() {
                        Ok(real) => out = real,
                        Err(e) if e.kind() == io::ErrorKind::NotFound => exists = false,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
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
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.staging-<pid>` beside `output` (which must be absolute).
    pub fn begin(output: &Path) -> Result<Staging, WriteError> {
        let parent = output.parent().unwrap_or(output);
        std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_at(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one output-relative file, creating its directories.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = join_inside(&self.dir, relative)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_at(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io_at(&path))
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
    pub fn commit(mut self) -> Result<(), WriteError> {
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
            // Regression: a missing directory followed by `..` was not resolved.
            root.join("public/../content"),
            root.join("missing/./../../site"),
            root.join("a/b/../../.."),
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
