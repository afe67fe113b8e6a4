//! `gazette schedule` publishes a future-dated post at its time, not before and
//! not at the next interval, and stops cleanly on SIGTERM.

mod incremental_common;

use std::io::Read as _;
use std::process::Stdio;
use std::time::{Duration, Instant};

use incremental_common::{post_text, Site};

/// How far ahead the future post is dated; the first build must finish well before.
const AHEAD_SECS: i64 = 6;

#[test]
fn a_post_due_in_a_few_seconds_appears_at_its_time() {
    let site = Site::new();
    site.many_posts(3);
    // Whole seconds: front matter dates have no fractions.
    let now = jiff::Timestamp::now();
    let due = jiff::Timestamp::from_second(now.as_second() + AHEAD_SECS).unwrap();
    let date = due.strftime("%Y-%m-%d %H:%M:%S").to_string();
    site.post(
        "later.md",
        &post_text("Later", &date, "slug: later\n", "<p>on time</p>"),
    );
    let page = site
        .output()
        .join(due.strftime("%Y/%m/%d").to_string())
        .join("later/index.html");

    let mut child = site
        .gazette(&["schedule", "--every", "1h"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let appeared = loop {
        let now = jiff::Timestamp::now();
        if page.exists() {
            break now;
        }
        assert!(
            now < due + jiff::SignedDuration::from_secs(10),
            "not published 10 s after it was due"
        );
        assert!(child.try_wait().unwrap().is_none(), "schedule exited early");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(site.output().join("index.html").exists());
    let late = appeared.duration_since(due);
    assert!(
        late >= jiff::SignedDuration::ZERO,
        "published {late:?} early"
    );
    assert!(
        late < jiff::SignedDuration::from_secs(2),
        "published {late:?} late"
    );
    let home = std::fs::read_to_string(site.output().join("index.html")).unwrap();
    assert!(
        home.contains("Later"),
        "home page does not list the new post"
    );

    let stopping = Instant::now();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(stopping.elapsed() < Duration::from_secs(5));
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let runs: Vec<&str> = log.lines().filter(|l| l.contains(" built: ")).collect();
    assert_eq!(runs.len(), 2, "{log}");
    assert!(runs[0].contains("posts +3 ~0 -0"), "{log}");
    assert!(runs[0].contains("1 held back"), "{log}");
    assert!(runs[1].contains("posts +1 ~0 -0"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[test]
fn once_builds_and_exits_and_a_failed_build_keeps_the_site() {
    let site = Site::new();
    site.many_posts(2);
    let out = site.gazette(&["schedule", "--once"]).output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("posts +2 ~0 -0"), "{log}");
    let before = incremental_common::snapshot(&site.output());

    std::fs::write(site.root().join("config.toml"), "paginate = 0\n").unwrap();
    let out = site.gazette(&["schedule", "--once"]).output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains("build failed") && log.contains("the previous site stays"),
        "{log}"
    );
    assert_eq!(incremental_common::snapshot(&site.output()), before);
}

#[test]
fn every_is_checked() {
    let site = Site::new();
    let out = site
        .gazette(&["schedule", "--every", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a duration"));
}

#[test]
fn sigterm_in_the_middle_of_a_build_stops_it_and_keeps_the_site() {
    let site = Site::new();
    site.many_posts(600);
    let started = Instant::now();
    site.build_ok(&["-q"]);
    let full = started.elapsed();
    let old = incremental_common::snapshot(&site.output());
    site.post(
        "c0/p0.md",
        &post_text("Edited", "2023-01-01 00:00:00", "slug: p0\n", "<p>e</p>"),
    );

    let mut child = site
        .gazette(&["schedule", "--no-cache"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(full * 2 / 5);
    let stopping = Instant::now();
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(stopping.elapsed() < Duration::from_secs(12));
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("stopped"), "{log}");
    let now = incremental_common::snapshot(&site.output());
    if log.contains(" built: ") {
        eprintln!("the build finished before the signal arrived");
    } else {
        assert!(now == old, "an abandoned build changed the site: {log}");
    }
    site.build_ok(&["-q"]);
}
