//! Builds small fixture sites end to end and checks the files written.

mod common;

use std::path::{Path, PathBuf};

use gazette::build::{build, BuildOptions, BuildReport};

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(config: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        Site { dir }
    }

    fn post(&self, name: &str, text: &str) -> &Site {
        let path = self.dir.path().join("content").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn options(&self) -> BuildOptions {
        BuildOptions::for_root(self.dir.path())
    }

    fn build(&self) -> BuildReport {
        build(&self.options()).unwrap()
    }

    fn out(&self, rel: &str) -> PathBuf {
        self.dir.path().join("public").join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

const SHANGHAI: &str =
    "title = \"T\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"https://news.example.org\"\n";

fn post(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!("\n---\ntitle: '{title}'\ndate: {date}\n{extra}---\n\n{body}\n")
}

#[test]
fn dates_are_bucketed_in_the_site_time_zone() {
    let site = Site::new(SHANGHAI);
    site.post(
        "seed.md",
        &post("A", "Thu, 23 Dec 2021 16:00:00 GMT", "", "<p>x</p>"),
    )
    .post(
        "eve.md",
        &post("B", "Fri, 31 Dec 2021 16:30:00 GMT", "", "<p>y</p>"),
    );
    site.build();
    assert!(site.out("2021/12/24/seed/index.html").is_file());
    assert!(site.out("2022/01/01/eve/index.html").is_file());
    assert!(site
        .read("archives/2021/12/24/index.html")
        .contains("/2021/12/24/seed/"));
    assert!(site
        .read("archives/2022/index.html")
        .contains("/2022/01/01/eve/"));
    let article = site.read("2021/12/24/seed/index.html");
    assert!(article.contains("2021-12-24 00:00"), "local time shown");
    assert!(article.contains("2021-12-24T00:00:00+08:00"), "offset kept");
}

#[test]
fn lists_are_paginated() {
    let site = Site::new(&format!("{SHANGHAI}paginate = 10\n"));
    for i in 0..25 {
        let date = format!("2021-03-{:02} 10:00:00", i + 1);
        site.post(
            &format!("p{i:02}.md"),
            &post(&format!("P{i}"), &date, "tags: [t]\n", "<p>b</p>"),
        );
    }
    site.build();
    for rel in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "tags/t/page/3/index.html",
    ] {
        assert!(site.out(rel).is_file(), "{rel} missing");
    }
    assert!(!site.out("page/4").exists());
    let home = site.read("index.html");
    let shown: Vec<usize> = (0..25)
        .filter(|i| home.contains(&format!(">P{i}<")))
        .collect();
    assert_eq!(
        shown,
        (15..25).collect::<Vec<_>>(),
        "the 10 newest on page 1"
    );
}

#[test]
fn a_parent_category_lists_its_descendants() {
    let site = Site::new(SHANGHAI);
    let cats = "categories:\n - 新媒体\n - ZAKER\n - source\n";
    site.post("a.md", &post("深", "2021-01-02 10:00", cats, "<p>a</p>"))
        .post(
            "b.md",
            &post("浅", "2021-01-03 10:00", "categories: 新媒体\n", "<p>b</p>"),
        );
    site.build();
    let top = site.read("categories/新媒体/index.html");
    assert!(top.contains("深") && top.contains("浅"));
    let leaf = site.read("categories/新媒体/zaker/source/index.html");
    assert!(leaf.contains("深") && !leaf.contains(">浅<"));
    let tree = site.read("categories/index.html");
    assert!(tree.contains("ZAKER"));
}

#[test]
fn post_content_is_never_a_template_and_titles_are_escaped_once() {
    let site = Site::new(SHANGHAI);
    let body = "<p>{{ site.title }} and {% if true %}x{% endif %}</p>";
    site.post(
        "t.md",
        &post(
            "<script>alert(1)</script> & co",
            "2021-05-01 10:00",
            "slug: t\n",
            body,
        ),
    );
    site.build();
    let page = site.read("2021/05/01/t/index.html");
    assert!(
        page.contains("{{ site.title }}"),
        "template syntax kept literally"
    );
    assert!(page.contains("{% if true %}"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(!page.contains("&amp;lt;"), "escaped twice");
}

#[test]
fn future_posts_and_drafts_are_held_back_unless_asked() {
    let site = Site::new(SHANGHAI);
    site.post("now.md", &post("Now", "2021-05-01 10:00", "", "<p>a</p>"))
        .post(
            "later.md",
            &post("Later", "2999-01-01 10:00", "", "<p>b</p>"),
        )
        .post(
            "draft.md",
            &post("Draft", "2021-05-02 10:00", "draft: true\n", "<p>c</p>"),
        );
    let report = site.build();
    assert_eq!((report.posts, report.held_back), (1, 2));
    assert!(!site.out("2999").exists());
    let mut options = site.options();
    options.future = true;
    options.drafts = true;
    let report = build(&options).unwrap();
    assert_eq!(report.posts, 3);
    assert!(site.out("2999/01/01/later/index.html").is_file());
}

#[test]
fn colliding_slugs_get_numbered_and_nothing_escapes() {
    let site = Site::new(SHANGHAI);
    site.post(
        "a/x.md",
        &post("X1", "2021-05-01 10:00", "slug: same\n", "<p>a</p>"),
    )
    .post(
        "b/x.md",
        &post("X2", "2021-05-01 11:00", "slug: same\n", "<p>b</p>"),
    )
    .post(
        "evil.md",
        &post(
            "E",
            "2021-05-01 12:00",
            "slug: ../../../../etc\ncategories: ['..', '../..']\ntags: ['/', '..']\n",
            "<p>c</p>",
        ),
    );
    let report = site.build();
    assert!(site.out("2021/05/01/same/index.html").is_file());
    assert!(site.out("2021/05/01/same-2/index.html").is_file());
    assert!(report.warnings() >= 1, "collision warned");
    let root = site.dir.path();
    let outside: Vec<_> = walk(root)
        .into_iter()
        .filter(|p| !p.starts_with(root.join("public")) && !p.starts_with(root.join("content")))
        // gazette's own lock and caches.
        .filter(|p| !p.starts_with(root.join(".gazette")))
        .filter(|p| p.file_name().is_some_and(|n| n != "config.toml"))
        .collect();
    // The staging copy, for the next build: a second link to each output file.
    let staging = root.join(".public.staging");
    let (staged, outside): (Vec<_>, Vec<_>) =
        outside.into_iter().partition(|p| p.starts_with(&staging));
    assert!(
        outside.is_empty(),
        "written outside the output: {outside:?}"
    );
    for copy in staged.iter().filter(|p| p.is_file()) {
        let live = root
            .join("public")
            .join(copy.strip_prefix(&staging).unwrap());
        assert!(
            live.is_file() && same_file(copy, &live),
            "{} is not a link to an output file",
            copy.display()
        );
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (a.metadata().unwrap(), b.metadata().unwrap());
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn strict_failure_keeps_the_previous_site() {
    let site = Site::new(SHANGHAI);
    site.post("ok.md", &post("OK", "2021-05-01 10:00", "", "<p>a</p>"));
    site.build();
    let before = site.read("index.html");
    site.post(
        "bad.md",
        "\n---\ntitle: broken\ndate: not a date at all\n---\n<p>x</p>\n",
    );
    let mut options = site.options();
    options.strict = true;
    assert!(build(&options).is_err());
    assert_eq!(site.read("index.html"), before);
    let report = site.build();
    assert_eq!(report.errors(), 1, "{:?}", report.problems);
    assert!(report.problems[0].path.ends_with("bad.md"));
}

#[test]
fn refuses_outputs_that_would_destroy_inputs() {
    let site = Site::new(SHANGHAI);
    site.post("ok.md", &post("OK", "2021-05-01 10:00", "", "<p>a</p>"));
    for output in [
        site.dir.path().to_path_buf(),
        site.dir.path().join("content"),
        PathBuf::from("/"),
    ] {
        let mut options = site.options();
        options.output = output.clone();
        assert!(build(&options).is_err(), "{output:?} accepted");
    }
    assert!(site.dir.path().join("content/ok.md").is_file());
}

#[test]
fn odd_file_names_build() {
    let site = Site::new(SHANGHAI);
    // 84 CJK characters: 252 bytes, near the 255-byte limit of most file systems.
    let long = "长".repeat(84);
    let names = [
        "\"\"\"'SP'\"\"\".md",
        "+_&~_%！'^…….md",
        "🎉 emoji.md",
        "한국어 제목.md",
        &format!("{long}.md"),
    ];
    for (i, name) in names.iter().enumerate() {
        site.post(
            name,
            &post(
                &format!("N{i}"),
                &format!("2021-05-0{} 10:00", i + 1),
                "",
                "<p>x</p>",
            ),
        );
    }
    let report = site.build();
    assert_eq!(report.posts, names.len(), "{:?}", report.problems);
    let articles = walk(&site.out("2021")).len();
    assert_eq!(articles, names.len());
}

#[test]
fn the_real_corpus_builds() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut options = BuildOptions::for_root(out.path());
    options.content = shared.join("corpus/rsshub-page");
    options.output = out.path().join("public");
    let report = build(&options).unwrap();
    let failed: Vec<_> = report.problems.iter().filter(|p| p.is_error()).collect();
    for p in &failed {
        assert!(p.line.is_some(), "error without a line: {p}");
    }
    assert_eq!(
        report.posts + failed.len(),
        64,
        "every post built or named: {:?}",
        report.problems
    );
    assert!(report.posts >= 61, "{:?}", report.problems);
}
