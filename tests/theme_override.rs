//! A site's own `templates/<name>` and `static/<path>` replace the theme's files
//! of the same name, and leave every other theme file in place.

mod common;

use common::write;
use gazette::build::{build, BuildOptions};

fn read(root: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config.toml",
        "title = \"T\"\ntimezone = \"Asia/Shanghai\"\nbase_url = \"https://example.org\"\n",
    );
    write(
        dir.path(),
        "content/a.md",
        "---\ntitle: Alpha\ndate: 2021-05-01 10:00\nslug: a\ntags: [x]\n---\n\n<p>body</p>\n",
    );
    dir
}

#[test]
fn a_site_template_replaces_the_theme_template_of_that_name() {
    let dir = site();
    // Extends the theme's own base.html, so the override sits inside the theme's frame.
    write(
        dir.path(),
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"site-post\">{{ post.title }}</p>{% endblock content %}",
    );
    build(&BuildOptions::for_root(dir.path())).unwrap();
    let article = read(dir.path(), "2021/05/01/a/index.html");
    assert!(
        article.contains("<p id=\"site-post\">Alpha</p>"),
        "{article}"
    );
    assert!(
        article.contains("class=\"site-header\""),
        "the theme's base.html still frames it"
    );
    assert!(
        !article.contains("class=\"post-meta\""),
        "the theme's post.html is not used"
    );
    let tag = read(dir.path(), "tags/x/index.html");
    assert!(
        tag.contains("class=\"cards\""),
        "other templates stay the theme's"
    );
}

#[test]
fn a_site_static_file_replaces_the_theme_file_at_the_same_path() {
    let dir = site();
    write(dir.path(), "static/css/site.css", "/* the site's own */\n");
    write(dir.path(), "static/img/extra.png", "not really a png");
    build(&BuildOptions::for_root(dir.path())).unwrap();
    assert_eq!(read(dir.path(), "css/site.css"), "/* the site's own */\n");
    assert_eq!(read(dir.path(), "img/extra.png"), "not really a png");
    assert!(
        read(dir.path(), "js/search.js").contains("function"),
        "theme files not overridden are still copied"
    );
}

/// Cards and rows are rendered once per post from `card.html` and `row.html`
/// and reused by every list; a site's own versions must reach every list.
#[test]
fn a_site_card_and_row_reach_every_list_page() {
    let dir = site();
    write(
        dir.path(),
        "templates/card.html",
        "<article class=\"my-card\">{{ post.title }} @ {{ path }}{{ post.url }}</article>",
    );
    write(
        dir.path(),
        "templates/row.html",
        "<li class=\"my-row\">{{ post.title }}</li>",
    );
    build(&BuildOptions::for_root(dir.path())).unwrap();
    let card = "<article class=\"my-card\">Alpha @ /2021/05/01/a/</article>";
    for page in ["index.html", "tags/x/index.html"] {
        let html = read(dir.path(), page);
        assert!(html.contains(card), "{page}: {html}");
    }
    let row = "<li class=\"my-row\">Alpha</li>";
    for page in [
        "archives/index.html",
        "archives/2021/index.html",
        "archives/2021/05/index.html",
        "archives/2021/05/01/index.html",
    ] {
        let html = read(dir.path(), page);
        assert!(html.contains(row), "{page}: {html}");
        assert!(!html.contains("my-card"), "{page} lists rows, not cards");
    }
}
