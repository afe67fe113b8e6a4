//! Cache invalidation, one test per case: what a rebuild re-reads, re-renders and
//! rewrites after each kind of change, and that the result always equals a
//! full build of the same inputs.

mod incremental_common;

use std::path::{Path, PathBuf};

use gazette::build::{build, BuildOptions, BuildReport};
use incremental_common::{copy_tree, post_text, snapshot, stamps, written_between, Site};

const POSTS: usize = 60;

fn options(site: &Site) -> BuildOptions {
    BuildOptions::for_root(site.root())
}

fn rebuild(site: &Site) -> BuildReport {
    build(&options(site)).unwrap()
}

fn built_site() -> Site {
    built_site_and_report().0
}

/// The site after its first build, and how many pages that build rendered (all).
fn built_site_and_report() -> (Site, usize) {
    let site = Site::new();
    site.many_posts(POSTS);
    let first = rebuild(&site);
    assert_eq!(first.posts_parsed, POSTS);
    assert!(first.pages_rendered > POSTS);
    (site, first.pages_rendered)
}

/// The output equals what a build without any cache makes of the same inputs.
fn assert_same_as_fresh(site: &Site) {
    let fresh = Site::new();
    for dir in ["content", "templates"] {
        if site.root().join(dir).is_dir() {
            copy_tree(&site.root().join(dir), &fresh.root().join(dir));
        }
    }
    std::fs::copy(
        site.root().join("config.toml"),
        fresh.root().join("config.toml"),
    )
    .unwrap();
    let mut options = options(&fresh);
    options.cache = false;
    build(&options).unwrap();
    assert!(
        snapshot(&site.output()) == snapshot(&fresh.output()),
        "differs from a fresh build"
    );
}

fn mentions(dir: &Path, needle: &str) -> Vec<PathBuf> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn a_no_op_rebuild_writes_nothing() {
    let site = built_site();
    let before = stamps(&site.output());
    let dir_mtime = std::fs::metadata(site.output())
        .unwrap()
        .modified()
        .unwrap();
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 0);
    assert_eq!(report.pages_rendered, 0);
    assert_eq!(report.files.written, 0);
    assert_eq!(
        written_between(&before, &stamps(&site.output())),
        Vec::<PathBuf>::new()
    );
    assert_eq!(
        std::fs::metadata(site.output())
            .unwrap()
            .modified()
            .unwrap(),
        dir_mtime
    );
}

#[test]
fn an_edited_post_rewrites_only_the_pages_that_show_it() {
    let site = built_site();
    let before = stamps(&site.output());
    let text = post_text(
        "Post 30 revised",
        "2023-02-03 06:30:00",
        "categories: [Cat2]\ntags: [t4, t0]\nslug: p30\n",
        "<p>Freshly edited body.</p>",
    );
    site.post("c0/p30.md", &text);
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 1);
    assert!(
        report.pages_examined < 30,
        "{} pages examined",
        report.pages_examined
    );
    let written = written_between(&before, &stamps(&site.output()));
    let page = PathBuf::from("2023/02/03/p30/index.html");
    assert!(written.contains(&page), "{written:?}");
    assert!(std::fs::read_to_string(site.output().join(&page))
        .unwrap()
        .contains("Freshly edited"));
    // Unrelated: another month, other tags and category.
    assert!(
        !written.contains(&PathBuf::from("2023/01/02/p1/index.html")),
        "{written:?}"
    );
    assert!(
        written.len() < before.len() / 4,
        "{} of {} written",
        written.len(),
        before.len()
    );
    assert_eq!(report.files.written, written.len());
    assert_same_as_fresh(&site);
}

#[test]
fn a_deleted_post_disappears_from_every_page() {
    let site = built_site();
    assert!(!mentions(&site.output(), "/p17/").is_empty());
    std::fs::remove_file(site.root().join("content/c7/p17.md")).unwrap();
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 0);
    assert_eq!(report.changes.removed, 1);
    assert_eq!(mentions(&site.output(), "/p17/"), Vec::<PathBuf>::new());
    assert_same_as_fresh(&site);
}

#[test]
fn a_renamed_post_moves_and_leaves_no_trace() {
    let site = built_site();
    let content = site.root().join("content");
    let text = std::fs::read_to_string(content.join("c5/p25.md")).unwrap();
    std::fs::remove_file(content.join("c5/p25.md")).unwrap();
    site.post("c5/renamed.md", &text.replace("slug: p25\n", ""));
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 1);
    assert_eq!((report.changes.added, report.changes.removed), (1, 1));
    assert_eq!(mentions(&site.output(), "/p25/"), Vec::<PathBuf>::new());
    assert!(!mentions(&site.output(), "/renamed/").is_empty());
    assert_same_as_fresh(&site);
}

#[test]
fn a_template_change_rerenders_what_uses_it() {
    let (site, all_pages) = built_site_and_report();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let base = std::fs::read_to_string(theme.join("base.html")).unwrap();
    assert!(base.contains("</body>"));
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    std::fs::write(
        site.root().join("templates/base.html"),
        base.replace("</body>", "<!-- new footer --></body>"),
    )
    .unwrap();
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 0, "templates do not invalidate posts");
    assert_eq!(report.pages_rendered, all_pages);
    let pages = mentions(&site.output(), "<!-- new footer -->");
    assert!(
        pages.len() >= POSTS,
        "{} pages have the new footer",
        pages.len()
    );
    assert_same_as_fresh(&site);
}

#[test]
fn a_config_change_rerenders_what_depends_on_it() {
    let (site, all_pages) = built_site_and_report();
    std::fs::write(
        site.root().join("config.toml"),
        incremental_common::CONFIG.replace("title = \"T\"", "title = \"Renamed Gazette\""),
    )
    .unwrap();
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, POSTS, "the post cache is per config");
    assert_eq!(report.pages_rendered, all_pages);
    assert!(std::fs::read_to_string(site.output().join("index.html"))
        .unwrap()
        .contains("Renamed Gazette"));
    assert_same_as_fresh(&site);
}

fn corrupt(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(path, bytes).unwrap();
}

/// Every state file of the site: the post cache's shards, the page manifest...
fn state_files(site: &Site) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(site.root().join(".gazette"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    files
}

fn post_shards(site: &Site) -> Vec<PathBuf> {
    let shards: Vec<PathBuf> = state_files(site)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("posts-")
        })
        .collect();
    assert!(shards.len() > 10, "{shards:?}");
    shards
}

#[test]
fn a_corrupt_cache_is_discarded_with_a_warning() {
    let site = built_site();
    for path in state_files(&site) {
        corrupt(&path);
    }
    let stderr = site.build_ok(&[]);
    // Every shard is refused for the same reason: one line says so.
    assert!(
        stderr.contains("posts-00.bin (and ")
            && stderr.contains(" more post-cache shards): corrupt"),
        "{stderr}"
    );
    assert_eq!(post_cache_warnings(&stderr), 1, "{stderr}");
    assert!(stderr.contains("pages.bin: corrupt"), "{stderr}");
    assert_eq!(
        rebuild(&site).posts_parsed,
        0,
        "the cache was not rewritten"
    );
    for shard in post_shards(&site) {
        std::fs::write(shard, b"").unwrap();
    }
    let stderr = site.build_ok(&[]);
    assert!(stderr.contains("posts-00.bin (and "), "{stderr}");
    assert!(stderr.contains("post-cache shards): truncated"), "{stderr}");
    assert_same_as_fresh(&site);
    // One damaged shard costs only its own posts.
    let biggest = post_shards(&site)
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    corrupt(&biggest);
    let stderr = site.build_ok(&[]);
    // A lone refused shard is named alone.
    let name = biggest.file_name().unwrap().to_string_lossy();
    assert!(stderr.contains(&format!("{name}: corrupt")), "{stderr}");
    assert_eq!(post_cache_warnings(&stderr), 1, "{stderr}");
    corrupt(&biggest);
    let report = rebuild(&site);
    assert!(
        report.posts_parsed > 0 && report.posts_parsed < POSTS / 4,
        "{} parsed",
        report.posts_parsed
    );
    assert_same_as_fresh(&site);
}

/// Rewrites the gazette version recorded in a state file, checksum included.
fn pretend_written_by(path: &Path, version: &str) {
    let bytes = std::fs::read(path).unwrap();
    let ours = env!("CARGO_PKG_VERSION").as_bytes();
    assert_eq!(version.len(), ours.len());
    let body = &bytes[..bytes.len() - 32];
    let at = body.windows(ours.len()).position(|w| w == ours).unwrap();
    let mut body = body.to_vec();
    body[at..at + ours.len()].copy_from_slice(version.as_bytes());
    let checksum = *blake3::hash(&body).as_bytes();
    body.extend_from_slice(&checksum);
    std::fs::write(path, body).unwrap();
}

#[test]
fn a_cache_from_another_version_is_discarded() {
    let site = built_site();
    let other = "9".repeat(env!("CARGO_PKG_VERSION").len());
    for path in state_files(&site) {
        pretend_written_by(&path, &other);
    }
    let stderr = site.build_ok(&[]);
    assert!(
        stderr.contains(&format!("written by gazette {other}")),
        "{stderr}"
    );
    assert!(stderr.contains("discarded"), "{stderr}");
    assert_eq!(post_cache_warnings(&stderr), 1, "{stderr}");
    assert_same_as_fresh(&site);
}

/// Lines of `stderr` that refuse post-cache shards.
fn post_cache_warnings(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.contains("posts-") && line.contains("discarded"))
        .count()
}

#[test]
fn no_cache_forces_a_full_build_but_keeps_unchanged_files() {
    let (site, all_pages) = built_site_and_report();
    let before = stamps(&site.output());
    let mut options = options(&site);
    options.cache = false;
    let report = build(&options).unwrap();
    assert_eq!(report.posts_parsed, POSTS);
    assert_eq!(report.pages_rendered, all_pages);
    assert_eq!(
        written_between(&before, &stamps(&site.output())),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn a_hand_edited_output_file_is_restored() {
    let site = built_site();
    let page = site.output().join("2023/01/02/p1/index.html");
    let feed = site.output().join("atom.xml");
    let good = (std::fs::read(&page).unwrap(), std::fs::read(&feed).unwrap());
    std::fs::write(&page, b"defaced").unwrap();
    std::fs::write(&feed, b"defaced").unwrap();
    let report = rebuild(&site);
    assert_eq!(report.pages_rendered, 1);
    assert_eq!(report.files.written, 2);
    assert_eq!(std::fs::read(&page).unwrap(), good.0);
    assert_eq!(std::fs::read(&feed).unwrap(), good.1);
}

#[test]
fn a_touched_but_unchanged_post_is_not_parsed_again_after_the_race_window() {
    let site = built_site();
    let post = site.root().join("content/c1/p1.md");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in incremental_common::files(&site.root().join("content")) {
        let file = std::fs::File::options()
            .write(true)
            .open(site.root().join("content").join(entry))
            .unwrap();
        file.set_modified(old).unwrap();
    }
    assert_eq!(
        rebuild(&site).posts_parsed,
        POSTS,
        "new mtimes are parsed again"
    );
    assert_eq!(rebuild(&site).posts_parsed, 0, "then trusted");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, text.replace("Body of post 1.", "Body of post 1!")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&post)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // Same size, same mtime, new text: only the hash can tell; the race guard
    // does not apply this long after the cache was written, so stat is trusted.
    // That is the documented trade-off; `--no-cache` is the way out.
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 0);
}

#[test]
fn an_edit_that_moves_a_post_to_other_tags_updates_both_sides() {
    let site = built_site();
    let text = post_text(
        "Post 30 moved",
        "2023-02-03 06:30:00",
        "categories: [Cat5]\ntags: [t9, brand-new]\nslug: p30\n",
        "<p>Moved.</p>",
    );
    site.post("c0/p30.md", &text);
    let report = rebuild(&site);
    assert_eq!(report.posts_parsed, 1);
    assert!(!mentions(&site.output(), "Post 30 moved").is_empty());
    assert_eq!(mentions(&site.output(), "Post 30<"), Vec::<PathBuf>::new());
    assert_same_as_fresh(&site);
}

#[test]
fn retitling_a_post_updates_its_neighbours_and_related_posts() {
    let site = built_site();
    let path = site.root().join("content/c1/p11.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("title: 'Post 11'", "title: 'Retitled eleven'"),
    )
    .unwrap();
    let before = stamps(&site.output());
    rebuild(&site);
    let written = written_between(&before, &stamps(&site.output()));
    let pages = mentions(&site.output(), "Retitled eleven");
    assert!(pages.len() > 3, "{pages:?}");
    for page in pages
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        assert!(
            written.contains(page),
            "{page:?} shows the new title but was not rewritten"
        );
    }
    assert_same_as_fresh(&site);
}

/// Rebuilds through the binary and returns gazette's debug log.
fn rebuild_logged(site: &Site) -> String {
    let out = site
        .gazette(&["build"])
        .env("GAZETTE_LOG", "gazette=debug")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    stderr
}

/// Rebuilds through the binary with gazette's debug log, and returns how many
/// extra-file groups were made again (of how many) and how many documents
/// the search index tokenised.
fn rebuild_counting_extras(site: &Site) -> (usize, usize, usize) {
    let stderr = rebuild_logged(site);
    let number_after = |prefix: &str| -> Vec<usize> {
        let line = stderr
            .lines()
            .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest.to_string()))
            .unwrap_or_else(|| panic!("no `{prefix}` in {stderr}"));
        line.split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect()
    };
    let groups = number_after("extras: ");
    let tokenised = number_after("search: ")[0];
    (groups[0], groups[1], tokenised)
}

fn feed_of(site: &Site, term: &str) -> String {
    std::fs::read_to_string(site.output().join(term).join("atom.xml")).unwrap()
}

#[test]
fn editing_a_post_remakes_only_the_feeds_that_list_it_and_patches_search() {
    let site = built_site();
    let before = stamps(&site.output());
    // Post 30: tags t4 and t0, category Cat2; every term feed lists it.
    let text = post_text(
        "Post 30 with a zebra title",
        "2023-02-03 06:30:00",
        "categories: [Cat2]\ntags: [t4, t0]\nslug: p30\n",
        "<p>Quokka body.</p>",
    );
    site.post("c0/p30.md", &text);
    let (made, groups, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, 1, "only the edited post is tokenised");
    // Its three term feeds and the search index (not the site feeds: the post
    // is not among the newest).
    assert!(made <= 5 && made * 4 < groups, "{made} of {groups} remade");
    for term in ["tags/t4", "tags/t0"] {
        assert!(feed_of(&site, term).contains("zebra"), "{term}");
    }
    assert!(!feed_of(&site, "tags/t1").contains("zebra"));
    let written = written_between(&before, &stamps(&site.output()));
    assert!(
        !written.contains(&PathBuf::from("tags/t1/atom.xml")),
        "{written:?}"
    );
    let shards = written
        .iter()
        .filter(|p| p.starts_with("search/terms"))
        .count();
    assert!(shards >= 1, "{written:?}");
    assert_same_as_fresh(&site);
}

#[test]
fn a_deleted_post_leaves_the_feeds_and_the_search_index() {
    let site = built_site();
    let shard_text = |site: &Site| {
        snapshot(&site.output().join("search"))
            .into_values()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .collect::<String>()
    };
    assert!(shard_text(&site).contains("/p42/"));
    assert!(feed_of(&site, "tags/t3").contains("/p42/"));
    std::fs::remove_file(site.root().join("content/c2/p42.md")).unwrap();
    let (_, _, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, POSTS - 1, "documents are renumbered: made whole");
    assert!(!shard_text(&site).contains("/p42/"));
    assert!(!feed_of(&site, "tags/t3").contains("/p42/"));
    assert_same_as_fresh(&site);
}

#[test]
fn a_post_that_changes_tags_leaves_the_old_term_feed_and_search_term() {
    let site = built_site();
    assert!(feed_of(&site, "tags/t0").contains("/p30/"));
    let text = std::fs::read_to_string(site.root().join("content/c0/p30.md")).unwrap();
    site.post(
        "c0/p30.md",
        &text.replace("tags: [t4, t0]", "tags: [t4, walrus]"),
    );
    let (_, _, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, 1, "same numbering: patched");
    assert!(!feed_of(&site, "tags/t0").contains("/p30/"));
    assert!(feed_of(&site, "tags/walrus").contains("/p30/"));
    assert_same_as_fresh(&site);
    // And back: the term disappears from the index again.
    site.post("c0/p30.md", &text);
    let (_, _, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, 1);
    assert!(!site.output().join("tags/walrus").exists());
    assert_same_as_fresh(&site);
}

#[test]
fn editing_a_post_older_than_every_feed_window_remakes_only_search() {
    let site = Site::new();
    std::fs::write(
        site.root().join("config.toml"),
        format!("{}[feeds]\nlimit = 2\n", incremental_common::CONFIG),
    )
    .unwrap();
    site.many_posts(POSTS);
    rebuild(&site);
    // Post 0 is the oldest of the site and of each of its terms.
    let path = site.root().join("content/c0/p0.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Body of post 0.", "Pangolin body.")).unwrap();
    let (made, groups, tokenised) = rebuild_counting_extras(&site);
    assert_eq!((made, tokenised), (1, 1), "of {groups} groups");
    assert_same_as_fresh(&site);
}

#[test]
fn a_hand_edited_search_file_is_made_again_not_patched() {
    let site = built_site();
    let shard = site.output().join("search/terms/0.bin");
    let stale = std::fs::read(&shard).unwrap();
    let path = site.root().join("content/c0/p30.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Body of post 30.", "Okapi body.")).unwrap();
    rebuild(&site);
    // A shard that parses but is not the one the last build wrote, then a
    // defaced document chunk: neither may be patched or kept.
    std::fs::write(&shard, stale).unwrap();
    std::fs::write(&path, text.replace("Body of post 30.", "Eland body.")).unwrap();
    let (_, _, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, POSTS);
    assert_same_as_fresh(&site);
    std::fs::write(site.output().join("search/docs/0.json"), b"defaced").unwrap();
    std::fs::write(&path, text.replace("Body of post 30.", "Gnu body.")).unwrap();
    let (_, _, tokenised) = rebuild_counting_extras(&site);
    assert_eq!(tokenised, POSTS);
    assert_same_as_fresh(&site);
}

/// Gives post `i` of [`built_site`] a new body.
fn edit_post(site: &Site, i: usize, body: &str) {
    let path = site.root().join(format!("content/c{}/p{i}.md", i % 10));
    let text = std::fs::read_to_string(&path).unwrap();
    let (front, _) = text.rsplit_once("---\n").unwrap();
    std::fs::write(&path, format!("{front}---\n\n<p>{body}</p>\n")).unwrap();
}

const BY_RECORD: &str = "staging: updated from its record";

#[test]
fn successive_builds_update_staging_from_its_record_and_equal_a_fresh_build() {
    let site = built_site();
    // The build from nothing left a staging copy (the spare) and its record:
    // from the first rebuild on, the record replaces a walk of it.
    let changes: [&dyn Fn(); 5] = [
        &|| edit_post(&site, 30, "First edit."),
        &|| edit_post(&site, 30, "Second edit."),
        // Pages and directories disappear (every page shows the post count).
        &|| std::fs::remove_file(site.root().join("content/c7/p17.md")).unwrap(),
        &|| {
            let text = post_text(
                "Brand new",
                "2024-05-06 07:08:00",
                "slug: fresh\n",
                "<p>New.</p>",
            );
            site.post("c3/fresh.md", &text);
        },
        &|| edit_post(&site, 3, "Third edit."),
    ];
    for (round, change) in changes.iter().enumerate() {
        change();
        let log = rebuild_logged(&site);
        assert!(log.contains(BY_RECORD), "round {round}: {log}");
        assert_same_as_fresh(&site);
    }
    assert!(!site.output().join("2023/01/17/p17").exists());
}

#[test]
fn a_staging_copy_pruned_by_hand_is_linked_again() {
    let site = built_site();
    edit_post(&site, 30, "First edit.");
    rebuild(&site);
    edit_post(&site, 30, "Second edit.");
    rebuild(&site);
    // Staging now holds the site before the second edit, as recorded.
    let staging = site.root().join(".public.staging");
    std::fs::remove_dir_all(staging.join("2023/01")).unwrap();
    std::fs::remove_file(staging.join("index.html")).unwrap();
    edit_post(&site, 30, "Third edit.");
    let log = rebuild_logged(&site);
    assert!(log.contains(BY_RECORD), "{log}");
    assert!(site.output().join("2023/01/02/p1/index.html").is_file());
    assert_same_as_fresh(&site);
}

#[test]
fn a_file_added_to_the_output_by_hand_does_not_come_back() {
    let site = built_site();
    edit_post(&site, 30, "First edit.");
    rebuild(&site);
    std::fs::write(site.output().join("CNAME"), "news.example.org").unwrap();
    for round in 0..3 {
        edit_post(&site, 30, &format!("Edit {round}."));
        rebuild(&site);
        assert!(!site.output().join("CNAME").exists(), "round {round}");
        assert_same_as_fresh(&site);
    }
}

#[test]
fn a_file_added_deep_in_the_output_is_removed_by_a_no_op_rebuild_for_good() {
    let site = built_site();
    edit_post(&site, 30, "First edit.");
    rebuild(&site);
    let added = site.output().join("tags/notes.txt");
    std::fs::write(&added, "by hand").unwrap();
    // A no-op rebuild counts the output's files: it sees the extra one.
    rebuild(&site);
    assert!(!added.exists());
    for round in 0..3 {
        edit_post(&site, 30, &format!("Edit {round}."));
        rebuild(&site);
        assert!(!added.exists(), "round {round}");
        assert_same_as_fresh(&site);
    }
}
