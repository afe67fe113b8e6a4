//! Which posts the live site shows, and what each held, so every build can say
//! how many posts it added, changed and removed (the `schedule` log line).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::state;

const KIND: &str = "published";

/// Post source path → blake3 of its text, for every published post.
///
/// Read back from its sorted entries in one pass: inserting them one by one
/// compared paths component by component, a measurable part of a rebuild.
/// (bincode writes a map and a sequence of pairs alike.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<(PathBuf, [u8; 32])>")]
pub struct Published(pub BTreeMap<PathBuf, [u8; 32]>);

impl From<Vec<(PathBuf, [u8; 32])>> for Published {
    fn from(entries: Vec<(PathBuf, [u8; 32])>) -> Published {
        Published(entries.into_iter().collect())
    }
}

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
        let before = self.by_bytes();
        let mut changes = PostChanges::default();
        let mut kept = 0;
        for (path, hash) in &now.0 {
            match before.get(path.as_os_str().as_encoded_bytes()) {
                None => changes.added += 1,
                Some(old) => {
                    kept += 1;
                    changes.changed += usize::from(*old != hash);
                }
            }
        }
        changes.removed = self.0.len() - kept;
        changes
    }

    /// The same map keyed by the paths' bytes: far cheaper to look up than
    /// paths, which compare component by component.
    pub fn by_bytes(&self) -> std::collections::HashMap<&[u8], &[u8; 32]> {
        self.0
            .iter()
            .map(|(path, hash)| (path.as_os_str().as_encoded_bytes(), hash))
            .collect()
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
