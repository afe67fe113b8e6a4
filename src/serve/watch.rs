//! Watching the site's inputs: notify with a debouncer, so an editor's burst of
//! writes (temp file, rename, chmod) arrives as one batch of paths.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::changes::Layout;

pub type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Folders that feed the build, watched recursively.
fn watched_folders(layout: &Layout) -> Vec<PathBuf> {
    let mut folders = vec![layout.content.clone()];
    for name in ["themes", "static", "templates"] {
        folders.push(layout.root.join(name));
    }
    folders
}

/// Starts watching; each debounced batch of changed paths is sent to `batches`.
/// The watch stops when the returned watcher is dropped.
pub fn start(
    layout: &Layout,
    delay: Duration,
    batches: Sender<Vec<PathBuf>>,
) -> notify::Result<Watcher> {
    let mut debouncer = new_debouncer(
        delay,
        None,
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let mut paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|event| changes_something(&event.event.kind))
                    .flat_map(|event| event.event.paths)
                    .collect();
                paths.sort();
                paths.dedup();
                if !paths.is_empty() {
                    let _ = batches.send(paths);
                }
            }
            Err(errors) => {
                for error in errors {
                    tracing::warn!("watching: {error}");
                }
            }
        },
    )?;
    for folder in watched_folders(layout) {
        watch_if_present(&mut debouncer, &folder, RecursiveMode::Recursive);
    }
    // The root itself, not recursively: editors replace config.toml by renaming
    // over it (which ends a watch on the file), and a missing `static/` may be
    // created later.
    debouncer.watch(&layout.root, RecursiveMode::NonRecursive)?;
    if let Some(config_dir) = layout.config.parent() {
        if config_dir != layout.root {
            watch_if_present(&mut debouncer, config_dir, RecursiveMode::NonRecursive);
        }
    }
    Ok(debouncer)
}

/// Reading a file is no change: the build itself reads every input, and
/// counting that would rebuild forever.
fn changes_something(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// A folder that cannot be watched (most often: a huge archive past the
/// system's inotify limit) is a warning, not a reason to stop previewing.
fn watch_if_present(watcher: &mut Watcher, path: &Path, mode: RecursiveMode) {
    if !path.is_dir() {
        return;
    }
    if let Err(e) = watcher.watch(path, mode) {
        tracing::warn!(
            "cannot watch {} ({e}); edits there will not rebuild. On Linux, raise \
             fs.inotify.max_user_watches",
            path.display()
        );
    }
}

/// Watches folders that appeared in `changed` (created, or deleted and
/// recreated, which ends a watch), so a `static/` made while serving is seen.
pub fn watch_new_folders(watcher: &mut Watcher, layout: &Layout, changed: &[PathBuf]) {
    for path in watched_folders(layout) {
        if changed.contains(&path) {
            watch_if_present(watcher, &path, RecursiveMode::Recursive);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, RemoveKind, RenameMode};

    #[test]
    fn reads_are_not_changes() {
        let cases = [
            (EventKind::Access(AccessKind::Any), false),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                false,
            ),
            (EventKind::Create(CreateKind::File), true),
            (EventKind::Modify(ModifyKind::Data(DataChange::Any)), true),
            (EventKind::Modify(ModifyKind::Name(RenameMode::To)), true),
            (
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
                true,
            ),
            (EventKind::Remove(RemoveKind::File), true),
        ];
        for (kind, changes) in cases {
            assert_eq!(changes_something(&kind), changes, "{kind:?}");
        }
    }
}
