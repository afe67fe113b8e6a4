//! Writing the site: the only stage that writes. Pages go into a staging
//! directory beside the output (see [`crate::staging`]), which replaces the
//! output in one atomic rename only when the build is complete, so a failed or
//! killed build leaves the previous site exactly as it was. This module checks
//! the output directory and provides the file-system primitives.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::paths::UnsafePath;

pub use crate::staging::{FileStamp, Staging, Written};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Unsafe(#[from] UnsafePath),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("refusing output directory {output}: {reason}")]
    RefusedOutput { output: PathBuf, reason: String },
}

pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
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

/// `.<name>.staging-`: how earlier gazette builds named their per-process
/// staging directories (there is now one persistent `.<name>.staging`).
fn staging_prefix(output: &Path) -> String {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    format!(".{name}.staging-")
}

/// Removes per-process staging directories that killed builds left beside
/// `output`. Only safe under the site's build lock.
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
    entries.par_iter().try_for_each(|path| remove_any(path))?;
    std::fs::remove_dir_all(dir)
}

/// Removes whatever stands at `path`: a file, a link (not what it points to)
/// or a whole directory. Nothing there is fine.
pub fn remove_any(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(target_os = "linux")]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

/// Without an atomic exchange, two renames: the window between them is tiny but real.
#[cfg(not(target_os = "linux"))]
pub(crate) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
}
