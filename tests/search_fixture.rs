//! Writes a fixture site for the browser end-to-end test (`tests/browser/`):
//! the real corpus's search index, the search page rendered from
//! `themes/default/templates/search.html` over a minimal stand-in `base.html`, and
//! `search.js`. Ignored by default; `tests/browser/search_e2e.sh` explains its use.
//!
//! ```sh
//! GAZETTE_FIXTURE_OUT=/tmp/search-site cargo test --test search_fixture -- --ignored
//! ```

mod search_common;

use std::path::{Path, PathBuf};

use gazette::config::Config;

/// Stands in for the theme's `base.html` with the blocks the search page fills.
const BASE: &str = r#"<!DOCTYPE html>
<html lang="{{ site.language }}"><head><meta charset="utf-8">
<title>{% block title %}{{ site.title }}{% endblock title %}</title>{% block head %}{% endblock head %}</head>
<body><main id="main">{% block content %}{% endblock content %}</main>{% block scripts %}{% endblock scripts %}</body></html>
"#;

/// The search page as the theme renders it at `root` (`/` or `/news/`).
pub fn render_search_page(root: &str) -> String {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/search.html");
    let mut tera = tera::Tera::default();
    // Like the real theme loader: escape HTML, but leave `/` alone in URLs.
    tera.set_escape_fn(|text| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
    });
    tera.add_raw_template("base.html", BASE).unwrap();
    tera.add_template_file(theme, Some("search.html")).unwrap();
    let mut context = tera::Context::new();
    context.insert(
        "site",
        &serde_json::json!({"title": "gazette", "base_url": "http://127.0.0.1", "language": "zh-CN", "root": root, "path": root.trim_end_matches('/')}),
    );
    context.insert(
        "page",
        &serde_json::json!({"kind": "search", "url": "/search/"}),
    );
    tera.render("search.html", &context).unwrap()
}

#[test]
fn the_search_page_loads_the_script_under_the_site_root() {
    for root in ["/", "/news/"] {
        let html = render_search_page(root);
        assert!(
            html.contains(&format!(r#"<script src="{root}js/search.js""#)),
            "{html}"
        );
        assert!(
            html.contains(&format!(r#"data-index="{root}search/""#)),
            "{html}"
        );
        assert!(html.contains(r#"name="q""#));
    }
}

#[test]
#[ignore = "writes a fixture site for tests/browser/search_e2e.sh"]
fn write_fixture_site() {
    let Some(out) = std::env::var_os("GAZETTE_FIXTURE_OUT").map(PathBuf::from) else {
        eprintln!("skipped: set GAZETTE_FIXTURE_OUT");
        return;
    };
    let Some(shared) = search_common::shared_dir() else {
        return;
    };
    let config = Config::parse("timezone = \"Asia/Shanghai\"", "c").unwrap();
    let mut posts = search_common::load_dir(&shared.join("corpus"), &config);
    posts.extend(search_common::load_dir(&shared.join("seeds"), &config));
    search_common::write_index(&config, &posts, &out);
    std::fs::create_dir_all(out.join("js")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/js/search.js"),
        out.join("js/search.js"),
    )
    .unwrap();
    std::fs::write(out.join("search/index.html"), render_search_page("/")).unwrap();
    search_common::write_article_pages(&posts, &out);
}
