//! Property tests: slugs are always safe path segments, and every output path the
//! index and plan produce, from any title, slug, category, tag or author, stays
//! inside the output directory.

use std::path::{Component, Path, PathBuf};

use gazette::config::Config;
use gazette::model::{CleanBody, Meta, Post};
use gazette::paths::{check_segment, dir_url, index_file, join_inside};
use gazette::slug::slugify;
use gazette::{index, plan};
use proptest::prelude::*;

/// Text that tries hard to escape: dots, separators, NULs, percent signs,
/// Windows drive letters, wide and invisible characters, mixed with anything.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "..",
        ".",
        "/",
        "\\",
        "\0",
        "%2e%2e",
        "%2f",
        "C:",
        "~",
        " ",
        "\u{200b}",
        "\u{feff}",
        "\u{202e}",
        "阿里云",
        "é",
        "e\u{301}",
        "🎉",
        "-",
        "_",
        "\n",
        "\t",
        ":",
        "*",
        "?",
        "<",
        ">",
        "|",
        "\"",
        "'",
        "#",
        "&",
        "+",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..12).prop_map(|p| p.concat()),
        any::<String>(),
        "[./\\\\a-z]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn slugs_are_safe_segments(text in hostile_text()) {
        let slug = slugify(&text);
        prop_assert!(!slug.is_empty());
        prop_assert!(slug != "." && slug != "..");
        prop_assert!(check_segment(&slug).is_ok(), "{:?} -> {:?}", text, slug);
        prop_assert!(!slug.contains(['/', '\\', '\0', '.', ':']), "{:?}", slug);
        prop_assert_eq!(slugify(&slug), slug.clone(), "not idempotent");
        let joined = join_inside(Path::new("/out"), &index_file(&slug)).unwrap();
        prop_assert!(joined.starts_with("/out"));
    }
}

fn post(n: usize, title: String, slug: Option<String>, terms: Vec<String>) -> Post {
    let date: jiff::Zoned = "2021-12-24T10:00:00+08:00[Asia/Shanghai]".parse().unwrap();
    let stem = format!("post-{n}");
    let meta = Meta {
        title,
        slug: slug.clone(),
        categories: vec![terms.clone()],
        tags: terms.clone(),
        author: terms.first().cloned(),
        ..Meta::default()
    };
    Post {
        path: PathBuf::from(format!("content/{stem}.md")),
        slug: slugify(slug.as_deref().unwrap_or(&stem)),
        meta,
        date,
        body: CleanBody::default(),
        summary: String::new(),
        cover: None,
    }
}

fn assert_inside(dir: &str) -> Result<(), TestCaseError> {
    let root = Path::new("/srv/site/public");
    let file = join_inside(root, &index_file(dir))
        .map_err(|e| TestCaseError::fail(format!("{dir:?}: {e}")))?;
    prop_assert!(file.starts_with(root));
    let rest = file.strip_prefix(root).unwrap();
    prop_assert!(rest.components().all(|c| matches!(c, Component::Normal(_))));
    // The URL of the same directory never climbs either.
    let url = dir_url(dir);
    prop_assert!(url.starts_with('/'));
    prop_assert!(!url.split('/').any(|s| s == ".." || s == "."), "{}", url);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn output_paths_stay_inside(
        posts in prop::collection::vec(
            (hostile_text(), prop::option::of(hostile_text()),
             prop::collection::vec(hostile_text(), 0..3)),
            1..8,
        ),
        literal in prop::sample::select(vec!["posts", "..", ".", "a..b", "%2e%2e", "~"]),
        shape in 0usize..3,
    ) {
        let permalink = match shape {
            0 => ":year/:month/:day/:slug/".to_string(),
            1 => format!("{literal}/:title/"),
            _ => format!(":year/{literal}-:slug"),
        };
        let config = match Config::parse(&format!("permalink = {permalink:?}\npaginate = 1"), "c") {
            Ok(config) => config,
            Err(_) => return Ok(()), // refused patterns never reach the index
        };
        let posts: Vec<Post> = posts
            .into_iter()
            .enumerate()
            .map(|(n, (title, slug, terms))| post(n, title, slug, terms))
            .collect();
        let indexed = index::build(posts, &config);
        let jobs = plan::plan(&indexed.index, config.paginate, true);
        for job in &jobs {
            let dir = plan::job_dir(job, &indexed.index);
            if !dir.is_empty() {
                assert_inside(&dir)?;
            }
        }
        for post in &indexed.index.posts {
            prop_assert!(!post.dir.is_empty());
            assert_inside(&post.dir)?;
        }
    }
}
