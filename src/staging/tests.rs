//! Staging across builds: swaps, kept inodes, abandoned builds, the spare.

use super::*;
use std::os::unix::fs::MetadataExt;

/// Regression: two writers making the same new directory at once made one of
/// them unlink the other's fresh directory ("Is a directory", a failed build).
#[test]
fn writers_racing_for_the_same_directories_all_succeed() {
    for round in 0..50 {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join(format!("archives/2021/{round}/05"));
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| make_dirs(root.path(), &deep).unwrap());
            }
        });
        assert!(deep.is_dir());
    }
}

#[test]
fn a_file_where_a_directory_belongs_is_replaced() {
    // (file left by an earlier site, directory to make): the file is a parent,
    // the directory itself, or a deeper ancestor.
    let cases = [
        ("tags", "tags/rust"),
        ("tags/rust", "tags/rust"),
        ("a", "a/b/c/d"),
        ("a/b/c", "a/b/c/d"),
    ];
    for (file, dir) in cases {
        let root = tempfile::tempdir().unwrap();
        let file_path = root.path().join(file);
        std::fs::create_dir_all(file_path.parent().unwrap()).unwrap();
        std::fs::write(&file_path, "old page").unwrap();
        make_dirs(root.path(), &root.path().join(dir)).unwrap();
        assert!(root.path().join(dir).is_dir(), "{file} → {dir}");
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn each_commit_swaps_in_exactly_what_was_staged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let first = Staging::begin(&out).unwrap();
    first.write("a/index.html", b"one").unwrap();
    first.write("b", b"a file, later a directory").unwrap();
    first.commit().unwrap();
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");

    let second = Staging::begin(&out).unwrap();
    second.write("a/index.html", b"one").unwrap();
    second.write("b/index.html", b"two").unwrap();
    assert!(second.write("../escape", b"x").is_err());
    assert_eq!(
        second.counts(),
        Written {
            written: 1,
            kept: 1
        }
    );
    second.commit().unwrap();
    assert_eq!(files(&out), ["a/index.html", "b/index.html"]);

    // Staging now holds the first site; the third build reconciles it.
    let third = Staging::begin(&out).unwrap();
    third.write("b/index.html", b"three").unwrap();
    third.commit().unwrap();
    assert_eq!(files(&out), ["b/index.html"]);
    assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"three");
}

#[test]
fn unchanged_files_keep_their_inode_and_a_no_op_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let first = Staging::begin(&out).unwrap();
    first.write("x/index.html", b"same").unwrap();
    first.write("y/index.html", b"old").unwrap();
    first.commit().unwrap();
    let inode = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
    let (x, y) = (inode("x/index.html"), inode("y/index.html"));

    let second = Staging::begin(&out).unwrap();
    second.write("x/index.html", b"same").unwrap();
    second.write("y/index.html", b"new").unwrap();
    second.commit().unwrap();
    assert_eq!(inode("x/index.html"), x);
    assert_ne!(inode("y/index.html"), y);

    let out_inode = std::fs::metadata(&out).unwrap().ino();
    let third = Staging::begin(&out).unwrap();
    third.write("x/index.html", b"same").unwrap();
    third.write("y/index.html", b"new").unwrap();
    third.commit().unwrap();
    assert_eq!(std::fs::metadata(&out).unwrap().ino(), out_inode, "swapped");
}

fn inode(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().ino()
}

#[test]
fn a_build_from_nothing_leaves_staging_linked_to_every_live_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let staging = tmp.path().join(".public.staging");
    let spare = tmp.path().join(".public.spare");
    // What a build killed before its swap left.
    std::fs::create_dir_all(spare.join("old")).unwrap();
    std::fs::write(spare.join("old/index.html"), "junk").unwrap();
    let first = Staging::begin(&out).unwrap();
    for relative in ["index.html", "2024/05/06/a/index.html", "feed.xml"] {
        first.write(relative, relative.as_bytes()).unwrap();
    }
    first.commit().unwrap();
    assert!(!spare.exists(), "the spare became staging");
    assert_eq!(files(&staging), files(&out));
    for relative in files(&out) {
        assert_eq!(inode(&staging.join(&relative)), inode(&out.join(&relative)));
    }

    // The next build writes one file and keeps the others as they are.
    let second = Staging::begin(&out).unwrap();
    second.write("index.html", b"new home").unwrap();
    second
        .write("2024/05/06/a/index.html", b"2024/05/06/a/index.html")
        .unwrap();
    second.commit().unwrap();
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"new home");
    assert_eq!(files(&out), ["2024/05/06/a/index.html", "index.html"]);
    assert_eq!(
        std::fs::read(staging.join("index.html")).unwrap(),
        b"index.html"
    );
}

#[test]
fn only_a_build_with_no_output_makes_a_spare() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir(&out).unwrap();
    // What a build killed between its two renames left.
    let spare = tmp.path().join(".public.spare");
    std::fs::create_dir_all(spare.join("a")).unwrap();
    let build = Staging::begin(&out).unwrap();
    assert!(
        build.spare.is_none(),
        "an empty output is exchanged, not replaced"
    );
    build.write("index.html", b"home").unwrap();
    build.commit().unwrap();
    assert!(!spare.exists());
    assert_eq!(files(&out), ["index.html"]);
}

#[test]
fn an_abandoned_build_leaves_the_site_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let first = Staging::begin(&out).unwrap();
    first.write("a/index.html", b"one").unwrap();
    first.commit().unwrap();
    let abandoned = Staging::begin(&out).unwrap();
    abandoned.write("a/index.html", b"two").unwrap();
    abandoned.write("c/index.html", b"junk").unwrap();
    drop(abandoned);
    assert_eq!(files(&out), ["a/index.html"]);
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
    let next = Staging::begin(&out).unwrap();
    next.write("a/index.html", b"one").unwrap();
    next.write("b/index.html", b"b").unwrap();
    next.commit().unwrap();
    assert_eq!(files(&out), ["a/index.html", "b/index.html"]);
}
