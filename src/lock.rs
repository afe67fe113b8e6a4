//! One build of a site at a time: an exclusive `flock` on `<root>/.gazette/lock`,
//! held for the whole build. The kernel drops it when the process dies, however it
//! dies, so a killed build never leaves a stale lock behind.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rustix::fs::{flock, FlockOperation};

/// Where gazette keeps its state inside a site: the lock and the caches.
pub fn state_dir(root: &Path) -> PathBuf {
    root.join(".gazette")
}

/// What to do when another build holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfLocked {
    /// Block until the other build is done.
    Wait,
    /// Fail at once with [`LockError::Busy`].
    Fail,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another gazette build of this site is running (lock {path}{holder}); \
         it was left alone. Try again when it is done, or drop --no-wait to wait for it"
    )]
    Busy { path: PathBuf, holder: String },
    #[error("{path}: cannot lock: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct BuildLock {
    file: File,
    path: PathBuf,
}

impl BuildLock {
    /// Takes the lock of the site at `root`. With [`IfLocked::Wait`], `waiting` is
    /// called once before blocking, so the caller can say why nothing happens.
    pub fn acquire(
        root: &Path,
        if_locked: IfLocked,
        waiting: impl FnOnce(&Path),
    ) -> Result<BuildLock, LockError> {
        let dir = state_dir(root);
        let path = dir.join("lock");
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => {}
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
                let holder = std::fs::read_to_string(&path)
                    .ok()
                    .map(|pid| pid.trim().to_string())
                    .filter(|pid| !pid.is_empty())
                    .map(|pid| format!(", held by process {pid}"))
                    .unwrap_or_default();
                if if_locked == IfLocked::Fail {
                    return Err(LockError::Busy { path, holder });
                }
                waiting(&path);
                flock(&file, FlockOperation::LockExclusive).map_err(|e| io(e.into()))?;
            }
            Err(e) => return Err(io(e.into())),
        }
        let mut lock = BuildLock { file, path };
        // Who holds it, for the message a waiting build prints. Advisory only.
        let _ = lock.record_holder();
        Ok(lock)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn record_holder(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        let mut file = &self.file;
        std::io::Seek::rewind(&mut file)?;
        writeln!(file, "{}", std::process::id())
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = flock(&self.file, FlockOperation::Unlock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_or_waits_until_the_first_is_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let first = BuildLock::acquire(tmp.path(), IfLocked::Fail, |_| ()).unwrap();
        let busy = BuildLock::acquire(tmp.path(), IfLocked::Fail, |_| ()).unwrap_err();
        let message = busy.to_string();
        assert!(message.contains("another gazette build"), "{message}");
        assert!(
            message.contains(&std::process::id().to_string()),
            "{message}"
        );

        let root = tmp.path().to_path_buf();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let lock = BuildLock::acquire(&root, IfLocked::Wait, |_| tx.send(()).unwrap());
            lock.map(|_| ())
        });
        rx.recv().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!waiter.is_finished(), "took a held lock");
        drop(first);
        waiter.join().unwrap().unwrap();
    }
}
