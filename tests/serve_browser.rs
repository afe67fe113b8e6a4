//! `gazette serve` in real headless Chromium: an open page reloads by itself
//! soon after a post is edited. Runs when chromium and node are installed;
//! GAZETTE_REQUIRE_BROWSER=1 makes their absence a failure.

mod serve_common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serve_common::{post, Site, POST_URL};

fn tools_available() -> bool {
    let found = ["chromium", "node"]
        .iter()
        .all(|tool| Command::new(tool).arg("--version").output().is_ok());
    if !found {
        assert!(
            std::env::var_os("GAZETTE_REQUIRE_BROWSER").is_none(),
            "GAZETTE_REQUIRE_BROWSER is set but chromium or node is not installed"
        );
        eprintln!("skipped: chromium or node not found (apt-get install chromium nodejs)");
    }
    found
}

/// Opens `path` in Chromium, runs `edit`, and returns how long after the edit
/// `condition` (JavaScript) held in the page, reloaded or not as `mode` says.
fn time_update(
    server: &gazette::serve::Server,
    path: &str,
    condition: &str,
    mode: &str,
    edit: impl FnOnce(),
) -> Duration {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/livereload_cdp.js");
    let mut node = Command::new("node")
        .arg(script)
        .arg(format!("{}{path}", server.url()))
        .args([condition, mode])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let ready = lines.next().unwrap().unwrap();
    assert_eq!(ready, "READY", "the page did not open");
    let edited = Instant::now();
    edit();
    let outcome = lines.next().unwrap().unwrap();
    let took = edited.elapsed();
    let status = node.wait().unwrap();
    assert_eq!(outcome, "UPDATED", "{outcome}");
    assert!(status.success(), "node exited with {status}");
    took
}

#[test]
fn an_open_page_reloads_itself_after_a_post_edit() {
    if !tools_available() {
        return;
    }
    let site = Site::new();
    let server = site.start();
    let took = time_update(
        &server,
        POST_URL,
        "document.body.innerText.includes('edited in the browser test')",
        "reload",
        || {
            site.write(
                "content/hello.md",
                &post("hello", "Hello", "edited in the browser test"),
            )
        },
    );
    eprintln!(
        "page reloaded {:.0} ms after the edit",
        took.as_secs_f64() * 1000.0
    );
    assert!(took < Duration::from_secs(2), "reload took {took:?}");
    server.shutdown();
}

#[test]
fn a_stylesheet_edit_restyles_the_open_page_without_a_reload() {
    if !tools_available() {
        return;
    }
    let site = Site::new();
    let server = site.start();
    let took = time_update(
        &server,
        POST_URL,
        "getComputedStyle(document.body).color === 'rgb(255, 0, 0)'",
        "in-place",
        || site.write("static/css/site.css", "body { color: rgb(255, 0, 0); }\n"),
    );
    eprintln!(
        "page restyled {:.0} ms after the edit",
        took.as_secs_f64() * 1000.0
    );
    assert!(took < Duration::from_secs(2), "restyle took {took:?}");
    server.shutdown();
}

#[test]
fn a_broken_post_shows_an_overlay_naming_file_and_line() {
    if !tools_available() {
        return;
    }
    let site = Site::new();
    let server = site.start();
    let overlay = "document.getElementById('__gazette_problems')";
    let took = time_update(
        &server,
        POST_URL,
        &format!("{overlay} && {overlay}.textContent.includes('content/hello.md:1: error: front matter')"),
        "in-place",
        || site.write("content/hello.md", "---\ntitle: Broken\n\n<p>never closed</p>\n"),
    );
    eprintln!(
        "overlay shown {:.0} ms after the edit",
        took.as_secs_f64() * 1000.0
    );
    assert!(took < Duration::from_secs(2), "overlay took {took:?}");
    // The old page is still there under the overlay.
    assert!(serve_common::get(server.addr(), POST_URL)
        .text()
        .contains("first words"));
    server.shutdown();
}
