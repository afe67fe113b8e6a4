//! A build killed with SIGKILL at any moment leaves the previous site complete
//! (or, once the swap has happened, the new one complete), and the next build
//! cleans up after it and succeeds.

mod incremental_common;

use std::time::Instant;

use incremental_common::{copy_tree, post_text, snapshot, Site};

#[test]
fn a_killed_build_never_damages_the_site() {
    let site = Site::new();
    site.many_posts(1000);
    site.build_ok(&["-q"]);
    let old = snapshot(&site.output());

    // Change the content so the next build's site differs from the old one.
    site.post(
        "c0/p0.md",
        &post_text(
            "Edited",
            "2023-01-01 00:00:00",
            "slug: p0\n",
            "<p>edited</p>",
        ),
    );
    site.post(
        "new.md",
        &post_text(
            "Brand new",
            "2023-06-15 12:00:00",
            "tags: [fresh]\n",
            "<p>n</p>",
        ),
    );
    std::fs::remove_file(site.root().join("content/c3/p3.md")).unwrap();
    let reference = Site::new();
    copy_tree(
        &site.root().join("content"),
        &reference.root().join("content"),
    );
    let started = Instant::now();
    reference.build_ok(&["-q", "--no-cache"]);
    let full = started.elapsed();
    let new = snapshot(&reference.output());
    assert_ne!(old, new);

    let mut outcomes = Vec::new();
    for percent in [2u32, 10, 25, 40, 55, 70, 85, 95] {
        let mut child = site
            .gazette(&["build", "-q", "--no-cache"])
            .spawn()
            .unwrap();
        std::thread::sleep(full * percent / 100);
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&site.output());
        let outcome = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!("killed at {percent}%: the site is neither the old nor the new one");
        };
        outcomes.push((percent, outcome));
        if outcome == "new" {
            break; // The build got through; killing it later proves nothing more.
        }
    }
    eprintln!("kill points (percent of a full build) and what was left: {outcomes:?}");
    assert_eq!(outcomes[0].1, "old", "{outcomes:?}");

    site.build_ok(&["-q"]);
    assert_eq!(snapshot(&site.output()), new);
    site.assert_no_staging_left();
}

/// A build from nothing also makes the next build's staging copy (the spare,
/// `.public.spare`): killed at any moment, it leaves no output or the whole
/// site, and the next build removes what it left and makes the same site.
#[test]
fn a_killed_build_from_nothing_leaves_nothing_or_the_whole_site() {
    let reference = Site::new();
    reference.many_posts(1000);
    let started = Instant::now();
    reference.build_ok(&["-q"]);
    let full = started.elapsed();
    let whole = snapshot(&reference.output());

    let mut outcomes = Vec::new();
    for percent in [5u32, 30, 60, 90, 99] {
        let site = Site::new();
        copy_tree(
            &reference.root().join("content"),
            &site.root().join("content"),
        );
        let mut child = site.gazette(&["build", "-q"]).spawn().unwrap();
        std::thread::sleep(full * percent / 100);
        child.kill().unwrap();
        child.wait().unwrap();
        let outcome = if !site.output().exists() {
            "none"
        } else if snapshot(&site.output()) == whole {
            "whole"
        } else {
            panic!("killed at {percent}%: the output is neither missing nor the whole site");
        };
        outcomes.push((percent, outcome));
        site.build_ok(&["-q"]);
        assert_eq!(snapshot(&site.output()), whole, "rebuilt after {percent}%");
        site.assert_no_staging_left();
        // Staging holds nothing but the site's files (all of them,
        // unless the kill fell between the build's two renames).
        let staged = incremental_common::files(&site.root().join(".public.staging"));
        let live = incremental_common::files(&site.output());
        assert!(
            staged.iter().all(|file| live.contains(file)),
            "after {percent}%: staging holds files the site has not"
        );
    }
    eprintln!("kill points (percent of a build from nothing) and what was left: {outcomes:?}");
    assert_eq!(outcomes[0].1, "none", "{outcomes:?}");
}
