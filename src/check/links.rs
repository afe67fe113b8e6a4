//! Internal links: every `href` in a post's raw body (and every Markdown link
//! target) that points into this site must land on a page the build will write.
//!
//! A missing target that has the shape of the site's permalinks, or that was
//! written as an absolute URL on the site's own host, or that names a source file
//! (`other.md`), is an error: someone meant a post. Other root-relative paths that
//! miss are warnings, because scraped bodies keep the original site's relative
//! links (`/article/123`), which were never ours to fix.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use url::Url;

use crate::build::Analysis;
use crate::config::Config;
use crate::model::{BodyFormat, Draft};
use crate::plan;
use crate::problem::Problem;
use crate::theme::Theme;

/// One link as written, with its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    pub target: String,
    pub line: usize,
    pub column: usize,
}

/// The links of one published draft.
#[derive(Debug)]
pub struct DraftLinks {
    pub path: PathBuf,
    pub links: Vec<RawLink>,
}

/// The `inspect` hook for `analyse`: reads the links from the raw body.
pub fn extract(draft: &Draft) -> DraftLinks {
    let markdown = draft.format == BodyFormat::Markdown;
    DraftLinks {
        path: draft.path.clone(),
        links: links_in(&draft.body, draft.body_line, markdown),
    }
}

/// `href="…"`/`href='…'`/`href=…` values, and `](…)` targets in Markdown.
fn links_in(body: &str, first_line: usize, markdown: bool) -> Vec<RawLink> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = if bytes[at..].len() >= 4
            && bytes[at..at + 4].eq_ignore_ascii_case(b"href")
            && at > 0
            && bytes[at - 1].is_ascii_whitespace()
        {
            attribute_value(bytes, at + 4)
        } else if markdown && bytes[at..].starts_with(b"](") {
            Some((at + 2, b')'))
        } else {
            None
        };
        let Some((value_start, end_byte)) = start else {
            at += 1;
            continue;
        };
        let len = bytes[value_start..]
            .iter()
            .position(|&b| {
                b == end_byte || b == b'\n' || (end_byte != b'"' && end_byte != b'\'' && b == b' ')
            })
            .unwrap_or(bytes.len() - value_start);
        if let Some(target) = body.get(value_start..value_start + len) {
            let target = target.trim().trim_start_matches('<').trim_end_matches('>');
            if !target.is_empty() {
                let (line, column) = super::config::line_and_column(body, value_start);
                found.push(RawLink {
                    target: target.to_string(),
                    line: first_line + line - 1,
                    column,
                });
            }
        }
        at = value_start + len.max(1);
    }
    found
}

/// After `href`: optional spaces, `=`, optional spaces, then a quote or not.
/// The value's start and the byte that ends it.
fn attribute_value(bytes: &[u8], mut at: usize) -> Option<(usize, u8)> {
    let skip_spaces = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    at = skip_spaces(at);
    if bytes.get(at) != Some(&b'=') {
        return None;
    }
    at = skip_spaces(at + 1);
    match bytes.get(at)? {
        q @ (b'"' | b'\'') => Some((at + 1, *q)),
        _ => Some((at, b'>')),
    }
}

/// Every internal link that lands nowhere, as a problem at the link.
pub fn check(config: &Config, theme: &Theme, analysis: &Analysis<DraftLinks>) -> Vec<Problem> {
    let Ok(base) = Url::parse(&format!("{}/", config.base_url)) else {
        return Vec::new();
    };
    let site = Site {
        base,
        permalink: &config.permalink,
        dirs: analysis
            .jobs
            .iter()
            .map(|job| plan::job_dir(job, &analysis.index))
            .collect(),
        files: theme.statics.keys().map(String::as_str).collect(),
        urls: analysis
            .index
            .posts
            .iter()
            .map(|p| (p.source.as_path(), p.url.as_str()))
            .collect(),
    };
    analysis
        .inspected
        .iter()
        .flat_map(|draft| {
            draft
                .links
                .iter()
                .filter_map(|link| site.broken(&draft.path, link))
        })
        .collect()
}

struct Site<'a> {
    base: Url,
    permalink: &'a str,
    /// Output-relative directories of every page, unencoded.
    dirs: HashSet<String>,
    /// Output-relative static files.
    files: HashSet<&'a str>,
    /// Source path of each published post → its site-relative URL.
    urls: HashMap<&'a Path, &'a str>,
}

impl Site<'_> {
    fn broken(&self, post: &Path, link: &RawLink) -> Option<Problem> {
        let target = link.target.as_str();
        let at = |p: Problem| p.at(link.line, Some(link.column));
        if names_source_file(target) {
            return self
                .missing_source(post, target)
                .map(|message| at(Problem::error(post, message)));
        }
        let page = self
            .base
            .join(self.urls.get(post)?.trim_start_matches('/'))
            .ok()?;
        let resolved = page.join(target).ok()?;
        if resolved.origin() != self.base.origin() {
            return None;
        }
        let inside = resolved.path().strip_prefix(self.base.path())?;
        let decoded = percent_encoding::percent_decode_str(inside).decode_utf8_lossy();
        let dir = decoded.strip_suffix("index.html").unwrap_or(&decoded);
        let dir = dir.trim_matches('/');
        if dir.is_empty() || self.dirs.contains(dir) || self.files.contains(dir) {
            return None;
        }
        let shown = format!("/{inside}");
        let absolute = target.starts_with("http://")
            || target.starts_with("https://")
            || target.starts_with("//");
        if post_shaped(dir, self.permalink) || absolute {
            let message = format!("link to {shown} points at no post or page of this site");
            Some(at(Problem::error(post, message)))
        } else {
            let message = format!(
                "link to {shown} is not a page of this site (a relative link kept from the scraped page?)"
            );
            Some(at(Problem::warning(post, message)))
        }
    }

    /// `other.md` beside the post (or `../x/other.md`) must be a published post.
    fn missing_source(&self, post: &Path, target: &str) -> Option<String> {
        let file = target.split(['#', '?']).next().unwrap_or(target);
        let file = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
        let joined = normalise(&post.parent().unwrap_or(Path::new("")).join(&*file));
        if self.urls.contains_key(joined.as_path()) {
            None
        } else {
            Some(format!(
                "link to {} names no published post ({} not found among the posts built)",
                target,
                joined.display()
            ))
        }
    }
}

fn names_source_file(target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or(target);
    !path.contains("://")
        && [".md", ".markdown"]
            .iter()
            .any(|ext| path.to_ascii_lowercase().ends_with(ext))
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `dir` (`2021/12/24/x`) fits the permalink pattern (`:year/:month/:day/:slug/`).
fn post_shaped(dir: &str, pattern: &str) -> bool {
    let want: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let got: Vec<&str> = dir.split('/').collect();
    want.len() == got.len()
        && want.iter().zip(&got).all(|(w, g)| {
            let digits = |n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
            match *w {
                ":year" => digits(4),
                ":month" | ":day" | ":hour" | ":minute" => digits(2),
                w if w.contains(':') => !g.is_empty(),
                literal => literal == *g,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_with_their_place() {
        let body = "\n<p><a href=\"/a/\">x</a> <A HREF = 'b.md'>y</A>\n<a href=c>z</a></p>\n[m](../d.md) data-href=\"no\"\n";
        let got: Vec<(String, usize, usize)> = links_in(body, 5, true)
            .into_iter()
            .map(|l| (l.target, l.line, l.column))
            .collect();
        let want = [
            ("/a/", 6, 13),
            ("b.md", 6, 35),
            ("c", 7, 9),
            ("../d.md", 8, 5),
        ];
        let want: Vec<(String, usize, usize)> = want
            .iter()
            .map(|(t, l, c)| (t.to_string(), *l, *c))
            .collect();
        assert_eq!(got, want);
        assert!(links_in("[m](x.md)", 1, false).is_empty());
    }

    #[test]
    fn permalink_shapes() {
        let pattern = ":year/:month/:day/:slug/";
        let cases = [
            ("2021/12/24/x", true),
            ("2021/12/24", false),
            ("article/123", false),
            ("21/12/24/x", false),
        ];
        for (dir, want) in cases {
            assert_eq!(post_shaped(dir, pattern), want, "{dir}");
        }
        assert!(post_shaped("posts/x", "posts/:slug"));
        assert!(!post_shaped("notes/x", "posts/:slug"));
    }

    #[test]
    fn normalises_without_the_disk() {
        let cases = [
            ("a/./b/../c.md", "a/c.md"),
            ("content/x/../../y.md", "y.md"),
        ];
        for (path, want) in cases {
            assert_eq!(normalise(Path::new(path)), PathBuf::from(want));
        }
    }
}
