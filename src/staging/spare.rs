//! The spare tree: a second link to every file a build from nothing stages,
//! made beside staging as each file is written. After the swap it becomes the
//! staging directory, in step with the live site, so the first rebuild touches
//! only what changed. Without it, that rebuild made a directory and a link for
//! every page itself: at 5k posts, a one-post edit right after a build from
//! nothing took twice as long as the edits after it.
//!
//! The cost moves into the build from nothing, which already writes the
//! other state the next build needs (the post cache, the page manifest).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::make_dirs;
use crate::write::{io_at, remove_any, remove_tree, WriteError};

pub struct Spare {
    dir: PathBuf,
    /// Every staged file was linked (otherwise the next build walks it).
    complete: AtomicBool,
}

impl Spare {
    /// Starts `.<name>.spare` in `parent`.
    pub fn begin(parent: &Path, name: &str) -> Result<Spare, WriteError> {
        let dir = spare_dir(parent, name);
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        Ok(Spare {
            dir,
            complete: AtomicBool::new(true),
        })
    }

    /// Removes what a build killed before its swap, or between its two
    /// renames, left of a spare. Called by every build, with or without output.
    pub fn clear_leftover(parent: &Path, name: &str) -> Result<(), WriteError> {
        let dir = spare_dir(parent, name);
        // A leftover spare is a whole site of links.
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => remove_tree(&dir),
            _ => remove_any(&dir),
        }
        .map_err(io_at(&dir))
    }

    /// Links the file just staged at `staged` as `relative`, a path staging
    /// has already checked. A failure only costs the next build a walk, so it
    /// is noted, not returned.
    pub fn link(&self, relative: &str, staged: &Path) {
        let spare = self.dir.join(relative);
        let linked = spare
            .parent()
            .map_or(true, |parent| make_dirs(&self.dir, parent).is_ok())
            && std::fs::hard_link(staged, &spare).is_ok();
        if !linked {
            tracing::debug!("cannot link {relative} into {}", self.dir.display());
            self.complete.store(false, Ordering::Relaxed);
        }
    }

    /// The spare directory, and whether it links every file staged.
    pub fn finish(self) -> (PathBuf, bool) {
        (self.dir, self.complete.into_inner())
    }
}

fn spare_dir(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.spare"))
}
