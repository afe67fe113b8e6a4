//! `gazette check` on a directory of broken posts: every broken file is named,
//! at the right line and column, and nothing is written.

use std::path::{Path, PathBuf};
use std::process::Command;

use gazette::build::BuildOptions;
use gazette::check::check;
use gazette::problem::{Problem, Severity};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")
}

fn find<'a>(problems: &'a [Problem], path: &str, needle: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.path == Path::new(path) && p.message.contains(needle))
        .unwrap_or_else(|| panic!("no problem in {path} about {needle:?}; got:\n{problems:#?}"))
}

#[test]
fn every_broken_file_is_pinpointed() {
    use Severity::{Error, Warning};
    let report = check(&BuildOptions::for_root(fixture()));
    // (file, what the message says, severity, line, column)
    type Case = (
        &'static str,
        &'static str,
        Severity,
        Option<usize>,
        Option<usize>,
    );
    let cases: &[Case] = &[
        (
            "content/bad-date.md",
            "`the day after yesterday` is not a date",
            Error,
            Some(3),
            Some(7),
        ),
        ("content/bad-date.md", "RFC 3339", Error, Some(3), Some(7)),
        ("content/binary.md", "binary", Error, Some(7), Some(1)),
        ("content/empty.md", "empty", Error, None, None),
        (
            "content/undecodable.md",
            "not valid UTF-8",
            Error,
            Some(6),
            Some(5),
        ),
        (
            "content/unterminated.md",
            "never closes",
            Error,
            Some(2),
            None,
        ),
        (
            "content/yaml-syntax.md",
            "not valid YAML",
            Error,
            Some(5),
            Some(4),
        ),
        ("content/toml-error.md", "TOML", Error, Some(5), Some(1)),
        ("content/dup-b.md", "content/dup-a.md", Warning, None, None),
        (
            "content/broken-links.md",
            "/2021/01/02/nope/",
            Error,
            Some(7),
            Some(19),
        ),
        (
            "content/broken-links.md",
            "/tags/none/",
            Error,
            Some(8),
            Some(23),
        ),
        (
            "content/broken-links.md",
            "missing.md",
            Error,
            Some(8),
            Some(83),
        ),
        (
            "content/broken-links.md",
            "/article/123",
            Warning,
            Some(9),
            Some(22),
        ),
        (
            "templates/taxonomy.html",
            "template taxonomy.html",
            Error,
            Some(4),
            Some(57),
        ),
    ];
    for &(path, needle, severity, line, column) in cases {
        let p = find(&report.problems, path, needle);
        assert_eq!(
            (p.severity, p.line, p.column),
            (severity, line, column),
            "{p}"
        );
    }
    // Good links, external links and the fine post raise nothing.
    for p in &report.problems {
        assert!(!p.message.contains("/target/"), "{p}");
        assert!(!p.message.contains("other.example.com"), "{p}");
        assert_ne!(p.path, Path::new("content/ok-target.md"), "{p}");
    }
    let broken_files = [
        "bad-date",
        "binary",
        "empty",
        "undecodable",
        "unterminated",
        "yaml-syntax",
        "toml-error",
        "dup-b",
        "broken-links",
    ];
    for name in broken_files {
        let path = format!("content/{name}.md");
        assert!(
            report.problems.iter().any(|p| p.path == Path::new(&path)),
            "{path} not named"
        );
    }
}

#[test]
fn the_command_prints_snippets_exits_1_and_writes_nothing() {
    let root = fixture();
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = "content/bad-date.md:3:7: error: cannot read `date`: \
                    `the day after yesterday` is not a date";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(
        stderr.contains("    3 | date: the day after yesterday\n      |       ^\n"),
        "{stderr}"
    );
    assert!(
        !root.join("public").exists(),
        "check wrote an output directory"
    );
}

fn site(config: &str, posts: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    for (name, text) in posts {
        let path = dir.path().join("content").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn warnings_only_exit_0() {
    let dir = site("", &[("no-date.md", "---\ntitle: x\n---\nbody\n")]);
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["check", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("content/no-date.md:1: warning: no `date`"),
        "{stderr}"
    );
}

#[test]
fn config_keys_are_located_and_posts_still_checked() {
    let config = "title = \"x\"\n\n[images]\nproxies = []\ncolour = \"red\"\n";
    let dir = site(config, &[("a.md", "---\ndate: nope\n---\n")]);
    let report = check(&BuildOptions::for_root(dir.path()));
    let unknown = find(&report.problems, "config.toml", "colour");
    assert_eq!(
        (unknown.line, unknown.column),
        (Some(5), Some(1)),
        "{unknown}"
    );
    let date = find(&report.problems, "content/a.md", "nope");
    assert_eq!((date.line, date.column), (Some(2), Some(7)), "{date}");
}

#[test]
fn template_render_errors_name_the_template() {
    let dir = site(
        "",
        &[("a.md", "---\ntitle: x\ndate: 2021-01-01\n---\nbody\n")],
    );
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("404.html"),
        "<p>{{ no_such_variable.field }}</p>\n",
    )
    .unwrap();
    let report = check(&BuildOptions::for_root(dir.path()));
    let p = find(&report.problems, "templates/404.html", "template 404.html");
    assert!(p.is_error(), "{p}");
    assert!(p.message.contains("no_such_variable"), "{p}");
}
