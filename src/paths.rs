//! Output paths and URLs: the one place that turns slugs into files and links,
//! and refuses anything that would land outside the output directory.

use std::path::{Component, Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Characters that must be escaped in a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'&')
    .add(b'\'')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("refusing output path {path:?}: {reason}")]
pub struct UnsafePath {
    pub path: String,
    pub reason: &'static str,
}

/// Checks one path segment; every output path is made only of these.
pub fn check_segment(segment: &str) -> Result<(), &'static str> {
    if segment.is_empty() {
        Err("empty segment")
    } else if segment == "." || segment == ".." {
        Err("dot segment")
    } else if segment.contains(['/', '\\', '\0']) {
        Err("separator or NUL in segment")
    } else if segment.len() > 255 {
        Err("segment longer than 255 bytes")
    } else {
        Ok(())
    }
}

/// Joins an output-relative path (`/`-separated) under `root`, refusing any path
/// that is absolute, has dot segments, or otherwise could leave `root`.
pub fn join_inside(root: &Path, relative: &str) -> Result<PathBuf, UnsafePath> {
    let refuse = |reason| UnsafePath {
        path: relative.to_string(),
        reason,
    };
    if relative.is_empty() {
        return Err(refuse("empty path"));
    }
    let mut out = root.to_path_buf();
    for segment in relative.split('/') {
        check_segment(segment).map_err(refuse)?;
        out.push(segment);
    }
    // Belt and braces: the platform's own parse must agree that we only descended.
    let descended = out
        .strip_prefix(root)
        .map(|rest| rest.components().all(|c| matches!(c, Component::Normal(_))))
        .unwrap_or(false);
    if descended {
        Ok(out)
    } else {
        Err(refuse("leaves the output directory"))
    }
}

/// The `index.html` inside an output-relative directory (`""` is the root).
pub fn index_file(dir: &str) -> String {
    if dir.is_empty() {
        "index.html".to_string()
    } else {
        format!("{dir}/index.html")
    }
}

/// Site-relative, percent-encoded URL of an output-relative directory.
pub fn dir_url(dir: &str) -> String {
    if dir.is_empty() {
        return "/".to_string();
    }
    let mut url = String::with_capacity(dir.len() + 2);
    for segment in dir.split('/') {
        url.push('/');
        url.extend(utf8_percent_encode(segment, SEGMENT));
    }
    url.push('/');
    url
}

/// `dir/page/N` for page N of a paginated list (page 1 is `dir` itself).
pub fn page_dir(dir: &str, page: usize) -> String {
    match (page, dir.is_empty()) {
        (0 | 1, _) => dir.to_string(),
        (n, true) => format!("page/{n}"),
        (n, false) => format!("{dir}/page/{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_refuses_escapes() {
        let root = Path::new("/out");
        let refused = [
            "",
            "..",
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "a\\..\\b",
            "a\0b",
        ];
        for rel in refused {
            assert!(join_inside(root, rel).is_err(), "{rel:?} was accepted");
        }
        let accepted = [
            ("index.html", "/out/index.html"),
            (
                "2021/12/24/阿里云/index.html",
                "/out/2021/12/24/阿里云/index.html",
            ),
            ("tags/..a/index.html", "/out/tags/..a/index.html"),
            ("'\"%&+~/index.html", "/out/'\"%&+~/index.html"),
        ];
        for (rel, want) in accepted {
            assert_eq!(join_inside(root, rel).unwrap(), PathBuf::from(want));
        }
    }

    #[test]
    fn urls_are_encoded_per_segment() {
        let cases = [
            ("", "/"),
            ("archives", "/archives/"),
            ("2021/12/24/a b", "/2021/12/24/a%20b/"),
            ("tags/C#", "/tags/C%23/"),
            ("x/100%", "/x/100%25/"),
            ("a&b'c", "/a%26b%27c/"),
            ("t/阿里", "/t/%E9%98%BF%E9%87%8C/"),
        ];
        for (dir, want) in cases {
            assert_eq!(dir_url(dir), want);
        }
    }

    #[test]
    fn pages() {
        let cases = [
            ("", 1, ""),
            ("", 2, "page/2"),
            ("tags/x", 1, "tags/x"),
            ("tags/x", 3, "tags/x/page/3"),
        ];
        for (dir, n, want) in cases {
            assert_eq!(page_dir(dir, n), want);
        }
    }
}
