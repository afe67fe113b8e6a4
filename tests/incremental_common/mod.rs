//! Helpers for the incremental-build, lock and schedule tests: fixture sites
//! written on the fly, snapshots of output trees, and the `gazette` binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::SystemTime;

pub const CONFIG: &str = "title = \"T\"\nbase_url = \"https://news.example.org\"\n";

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn post(&self, name: &str, text: &str) -> &Site {
        let path = self.root().join("content").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// `n` posts spread over days, categories and tags, each with a body of
    /// a few paragraphs.
    pub fn many_posts(&self, n: usize) -> &Site {
        for i in 0..n {
            let day = 1 + i % 28;
            let month = 1 + (i / 28) % 12;
            let text = post_text(
                &format!("Post {i}"),
                &format!("2023-{month:02}-{day:02} {:02}:{:02}:00", i % 24, i % 60),
                &format!(
                    "categories: [Cat{}]\ntags: [t{}, t{}]\nslug: p{i}\n",
                    i % 7,
                    i % 13,
                    i % 5
                ),
                &format!(
                    "<p>Body of post {i}.</p>{}",
                    "<p>Some filler text here.</p>".repeat(20)
                ),
            );
            self.post(&format!("c{}/p{i}.md", i % 10), &text);
        }
        self
    }

    pub fn gazette(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
        command
            .args(args)
            .arg("--root")
            .arg(self.root())
            .stdin(Stdio::null());
        command
    }

    /// Beside the output there is at most the one persistent staging directory.
    pub fn assert_no_staging_left(&self) {
        let leftovers: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| (n.contains("staging") && n != ".public.staging") || n.contains("spare"))
            .collect();
        assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    }

    /// Runs `gazette build` on the site and panics unless it succeeds.
    pub fn build_ok(&self, extra: &[&str]) -> String {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let out = self.gazette(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "build failed: {stderr}");
        stderr
    }
}

pub fn post_text(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: '{title}'\ndate: {date}\n{extra}---\n\n{body}\n")
}

/// Every file under `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path().strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Copies every file under `from` to the same place under `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for rel in files(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&rel), target).unwrap();
    }
}

/// Files whose inode or mtime changed, plus added and removed ones: what a
/// build wrote.
pub fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    files(dir)
        .into_iter()
        .map(|rel| {
            let meta = std::fs::metadata(dir.join(&rel)).unwrap();
            (rel, (meta.ino(), meta.modified().unwrap()))
        })
        .collect()
}

pub fn written_between(
    before: &BTreeMap<PathBuf, (u64, SystemTime)>,
    after: &BTreeMap<PathBuf, (u64, SystemTime)>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = after
        .iter()
        .filter(|(p, s)| before.get(*p) != Some(s))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    out.sort();
    out
}
