//! Two builds of one site never interleave: the second waits for the lock in
//! `.gazette/`, or with `--no-wait` exits with a clear message; the site stays whole.

mod incremental_common;

use std::time::Duration;

use gazette::lock::{BuildLock, IfLocked};
use incremental_common::{snapshot, Site};

#[test]
fn a_second_build_waits_or_refuses_while_the_lock_is_held() {
    let site = Site::new();
    site.many_posts(5);
    let held = BuildLock::acquire(site.root(), IfLocked::Fail, |_| ()).unwrap();

    let refused = site.gazette(&["build", "--no-wait"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("another gazette build of this site is running"),
        "{stderr}"
    );
    assert!(!site.output().exists(), "a refused build wrote the site");

    let mut waiting = site
        .gazette(&["build"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "did not wait for the lock"
    );
    assert!(
        !site.output().exists(),
        "wrote while another build held the lock"
    );
    drop(held);
    let out = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("waiting for another build"), "{stderr}");
    assert!(site.output().join("index.html").exists());
}

#[test]
fn concurrent_builds_both_succeed_and_leave_a_whole_site() {
    let site = Site::new();
    site.many_posts(150);
    site.build_ok(&[]);
    let expected = snapshot(&site.output());
    let children: Vec<_> = (0..3)
        .map(|_| site.gazette(&["build", "-q"]).spawn().unwrap())
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    assert_eq!(snapshot(&site.output()), expected);
    site.assert_no_staging_left();
}
