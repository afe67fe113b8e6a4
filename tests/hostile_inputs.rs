//! Hostile file systems: huge files, symlink loops, unreadable files, and output
//! directories that would destroy the site if accepted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gazette::build::{build, BuildOptions};
use gazette::load::MAX_POST_BYTES;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("fine.md"),
        "---\ntitle: fine\ndate: 2021-01-01\n---\n<p>ok</p>\n",
    )
    .unwrap();
    dir
}

fn problems_for(report: &gazette::build::BuildReport, name: &str) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.path.to_string_lossy().contains(name))
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn files_of_50_mb_or_more_are_refused_clearly() {
    let dir = site();
    let content = dir.path().join("content");
    // Sparse files: the size is real, the disk use is not.
    for (name, len) in [
        ("at-limit.md", MAX_POST_BYTES),
        ("huge.md", 3 * MAX_POST_BYTES),
    ] {
        let file = std::fs::File::create(content.join(name)).unwrap();
        file.set_len(len).unwrap();
    }
    let report = build(&BuildOptions::for_root(dir.path())).unwrap();
    assert_eq!(report.posts, 1);
    for name in ["at-limit.md", "huge.md"] {
        let found = problems_for(&report, name);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("error: file is 50 MB or more; such posts are refused"),
            "{found:?}"
        );
    }
}

#[test]
#[cfg(unix)]
fn symlink_loops_are_named_not_followed() {
    let dir = site();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("a/b")).unwrap();
    std::os::unix::fs::symlink(&content, content.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("self.md", content.join("self.md")).unwrap();
    let report = build(&BuildOptions::for_root(dir.path())).unwrap();
    assert_eq!(report.posts, 1, "{:?}", report.problems);
    let found = problems_for(&report, "a/b/up");
    assert!(
        found.iter().any(|p| p.contains("symbolic link loop")),
        "{:?}",
        report.problems
    );
    let found = problems_for(&report, "self.md");
    assert!(
        !found.is_empty(),
        "a link to itself must be named: {:?}",
        report.problems
    );
}

#[test]
#[cfg(unix)]
fn unreadable_files_are_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = site();
    let locked = dir.path().join("content/locked.md");
    std::fs::write(&locked, "---\ntitle: locked\n---\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: running as root (or with CAP_DAC_OVERRIDE), a mode-000 file is still readable");
        return;
    }
    let report = build(&BuildOptions::for_root(dir.path())).unwrap();
    let found = problems_for(&report, "locked.md");
    assert!(found.iter().any(|p| p.contains("cannot read")), "{found:?}");
    assert_eq!(report.posts, 1);
}

/// Every path under `dir` with its modification time and size.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (SystemTime, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let meta = e.metadata().unwrap();
            (e.into_path(), (meta.modified().unwrap(), meta.len()))
        })
        .collect()
}

#[test]
fn dangerous_outputs_are_refused_before_anything_is_touched() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("site");
    std::fs::create_dir_all(root.join("content/news")).unwrap();
    std::fs::write(root.join("content/news/a.md"), "---\ntitle: a\n---\nx\n").unwrap();
    std::fs::write(root.join("config.toml"), "").unwrap();
    let refused = [
        root.clone(),
        root.join("content"),
        root.join("content/news"),
        outer.path().to_path_buf(),
        root.join("public/../content"),
        PathBuf::from("/"),
    ];
    let before = snapshot(outer.path());
    for output in refused {
        let mut options = BuildOptions::for_root(&root);
        options.output = output.clone();
        let error = build(&options).expect_err(&format!("{} accepted", output.display()));
        let message = format!("{error:#}");
        assert!(message.contains("refusing output directory"), "{message}");
        assert_eq!(
            snapshot(outer.path()),
            before,
            "{} touched the tree",
            output.display()
        );
    }
    // The same through the command line.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["build", "--root"])
        .arg(&root)
        .args(["--output", "/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file-system root"));
    assert_eq!(snapshot(outer.path()), before);
}
