//! Which kind of rebuild a batch of file changes needs. Pure: paths in, a
//! decision out, so every rule is a table row in the tests below.

use std::path::{Component, Path, PathBuf};

/// Where the watched inputs live (absolute paths).
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub config: PathBuf,
}

/// What a batch of changes calls for, from cheapest to dearest; a batch needs
/// the dearest of its paths' needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Nothing the site is built from (editor temporary files, build output).
    Ignore,
    /// Only stylesheets under a `static/` directory: copy them, swap styles in place.
    StylesOnly,
    /// Other static files (scripts, images): copy them, reload pages.
    Statics,
    /// Posts: rebuild.
    Content,
    /// Templates or anything else in a theme: rebuild.
    Templates,
    /// The config: rebuild (it can change every page).
    Config,
}

/// Classifies one batch. Paths outside every watched input are ignored.
pub fn classify<P: AsRef<Path>>(changed: &[P], layout: &Layout) -> Change {
    changed
        .iter()
        .map(|p| classify_one(p.as_ref(), layout))
        .max()
        .unwrap_or(Change::Ignore)
}

fn classify_one(path: &Path, layout: &Layout) -> Change {
    if is_editor_temporary(path) {
        return Change::Ignore;
    }
    if path == layout.config {
        return Change::Config;
    }
    let parts: Vec<&str> = path
        .strip_prefix(&layout.root)
        .map(|relative| {
            relative
                .components()
                .filter_map(|c| match c {
                    Component::Normal(name) => name.to_str(),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(&("public" | ".gazette" | ".git")) = parts.first() {
        return Change::Ignore;
    }
    // Before the root's own folders: `--content` may point anywhere.
    if path.starts_with(&layout.content) {
        return Change::Content;
    }
    match parts.as_slice() {
        ["static", _, ..] | ["themes", _, "static", _, ..] => static_change(path),
        // A whole folder appearing or going (a `mv` into place) can change anything.
        ["static" | "templates" | "themes", ..] => Change::Templates,
        _ => Change::Ignore,
    }
}

fn static_change(path: &Path) -> Change {
    let is_css = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("css"));
    if is_css {
        Change::StylesOnly
    } else {
        Change::Statics
    }
}

/// Swap, backup and lock files editors write beside the file being edited.
fn is_editor_temporary(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
        || name.starts_with(".goutputstream-")
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/site"),
            content: PathBuf::from("/site/content"),
            config: PathBuf::from("/site/config.toml"),
        }
    }

    #[test]
    fn single_paths() {
        let cases = [
            ("/site/content/2024/a.md", Change::Content),
            ("/site/content/新媒体/文章.html", Change::Content),
            ("/site/content/a.md.swp", Change::Ignore),
            ("/site/content/.a.md.swx", Change::Ignore),
            ("/site/content/a.md~", Change::Ignore),
            ("/site/content/.#a.md", Change::Ignore),
            ("/site/content/#a.md#", Change::Ignore),
            ("/site/content/4913", Change::Ignore),
            ("/site/content/a.md.tmp", Change::Ignore),
            ("/site/content/.DS_Store", Change::Ignore),
            ("/site/config.toml", Change::Config),
            ("/site/config.toml~", Change::Ignore),
            ("/site/templates/post.html", Change::Templates),
            ("/site/templates/partials/nav.html", Change::Templates),
            ("/site/static/css/site.css", Change::StylesOnly),
            ("/site/static/CSS/Print.CSS", Change::StylesOnly),
            ("/site/static/js/search.js", Change::Statics),
            ("/site/static/logo.png", Change::Statics),
            ("/site/themes/plain/templates/base.html", Change::Templates),
            ("/site/themes/plain/static/css/site.css", Change::StylesOnly),
            ("/site/themes/plain/static/img/a.svg", Change::Statics),
            ("/site/themes/plain/theme.toml", Change::Templates),
            ("/site/public/index.html", Change::Ignore),
            ("/site/.gazette/cache", Change::Ignore),
            ("/site/README.md", Change::Ignore),
            ("/site/templates", Change::Templates),
            ("/site/static", Change::Templates),
            ("/site/content/public/a.md", Change::Content),
            ("/elsewhere/content/a.md", Change::Ignore),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(&[path], &layout()), expected, "{path}");
        }
    }

    #[test]
    fn a_batch_needs_its_dearest_change() {
        let cases: [(&[&str], Change); 6] = [
            (&[], Change::Ignore),
            (&["/site/a.md.swp", "/site/content/x.md~"], Change::Ignore),
            (
                &["/site/static/a.css", "/site/themes/t/static/b.css"],
                Change::StylesOnly,
            ),
            (
                &["/site/static/a.css", "/site/static/a.js"],
                Change::Statics,
            ),
            (
                &["/site/static/a.css", "/site/content/a.md"],
                Change::Content,
            ),
            (
                &[
                    "/site/content/a.md",
                    "/site/templates/a.html",
                    "/site/config.toml",
                ],
                Change::Config,
            ),
        ];
        for (paths, expected) in cases {
            assert_eq!(classify(paths, &layout()), expected, "{paths:?}");
        }
    }

    #[test]
    fn content_outside_the_root_is_still_content() {
        let layout = Layout {
            content: PathBuf::from("/archive/posts"),
            ..layout()
        };
        assert_eq!(classify(&["/archive/posts/a.md"], &layout), Change::Content);
        assert_eq!(classify(&["/site/content/a.md"], &layout), Change::Ignore);
    }
}
