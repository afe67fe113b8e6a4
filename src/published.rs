//! Which posts the live site shows, and what each held, so every build can say
//! how many posts it added, changed and removed (the `schedule` log line).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state;

const KIND: &str = "published";

/// Post source path → blake3 of its text, for every published post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published(pub BTreeMap<PathBuf, [u8; 32]>);

/// Posts added, changed and removed since the last completed build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostChanges {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

impl Published {
    /// The record of the last completed build; empty when there is none usable.
    pub fn load(root: &Path) -> Published {
        state::load(root, KIND)
            .or_warn(&state::path(root, KIND))
            .unwrap_or_default()
    }

    pub fn save(&self, root: &Path) -> std::io::Result<()> {
        state::save(root, KIND, self)
    }

    /// What changed from `self` (before) to `now`. A renamed post is one removed
    /// and one added.
    pub fn changes_to(&self, now: &Published) -> PostChanges {
        let mut changes = PostChanges::default();
        for (path, hash) in &now.0 {
            match self.0.get(path) {
                None => changes.added += 1,
                Some(old) if old != hash => changes.changed += 1,
                Some(_) => {}
            }
        }
        changes.removed = self.0.keys().filter(|p| !now.0.contains_key(*p)).count();
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(entries: &[(&str, u8)]) -> Published {
        Published(
            entries
                .iter()
                .map(|&(p, h)| (PathBuf::from(p), [h; 32]))
                .collect(),
        )
    }

    #[test]
    fn counts_changes() {
        let cases = [
            (vec![], vec![("a", 1)], (1, 0, 0)),
            (vec![("a", 1)], vec![("a", 1)], (0, 0, 0)),
            (vec![("a", 1)], vec![("a", 2)], (0, 1, 0)),
            (vec![("a", 1)], vec![("b", 1)], (1, 0, 1)),
            (vec![("a", 1), ("b", 1)], vec![], (0, 0, 2)),
        ];
        for (before, after, (added, changed, removed)) in cases {
            let got = record(&before).changes_to(&record(&after));
            let want = PostChanges {
                added,
                changed,
                removed,
            };
            assert_eq!(got, want, "{before:?} → {after:?}");
        }
    }

    #[test]
    fn saves_and_loads() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(Published::load(tmp.path()), Published::default());
        let r = record(&[("x/y.md", 7)]);
        r.save(tmp.path()).unwrap();
        assert_eq!(Published::load(tmp.path()), r);
    }
}
