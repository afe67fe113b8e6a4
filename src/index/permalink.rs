//! Article directories from the permalink pattern, unique across the archive.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::Post;
use crate::paths::check_segment;
use crate::problem::Problem;
use crate::slug::slugify;

/// One output directory per post, in the order of `posts`.
///
/// Collisions are settled oldest first, so a post keeps its URL when newer posts
/// arrive with the same slug; the newcomers get `-2`, `-3`, …. Keys compare
/// case-insensitively because archives get deployed to case-insensitive disks.
pub fn assign(posts: &[Post], pattern: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut dirs = vec![String::new(); posts.len()];
    let mut taken: HashMap<String, usize> = HashMap::with_capacity(posts.len());
    // Expanding is per post and pure: done in parallel, collisions after.
    let bases: Vec<(String, String)> = posts
        .par_iter()
        .map(|post| {
            let base = expand(pattern, post);
            let lower = base.to_lowercase();
            (base, lower)
        })
        .collect();
    for i in (0..posts.len()).rev() {
        let post = &posts[i];
        let (base, lower) = &bases[i];
        let mut dir = base.clone();
        let mut n = 1;
        if taken.contains_key(lower) {
            n = 2;
            dir = with_suffix(base, n);
            while taken.contains_key(&dir.to_lowercase()) {
                n += 1;
                dir = with_suffix(base, n);
            }
        }
        if n > 1 {
            let first = &posts[taken[lower]].path;
            let message = format!(
                "URL /{base}/ is already taken by {}; this post gets /{dir}/",
                first.display()
            );
            problems.push(Problem::warning(&post.path, message));
        }
        taken.insert(dir.to_lowercase(), i);
        dirs[i] = dir;
    }
    dirs
}

fn expand(pattern: &str, post: &Post) -> String {
    let d = &post.date;
    let segments = pattern
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|segment| {
            let filled = segment
                .replace(":year", &format!("{:04}", d.year()))
                .replace(":month", &format!("{:02}", d.month()))
                .replace(":day", &format!("{:02}", d.day()))
                .replace(":hour", &format!("{:02}", d.hour()))
                .replace(":minute", &format!("{:02}", d.minute()))
                .replace(":slug", &post.slug)
                .replace(":title", &post.slug);
            // Literal parts of the pattern are the owner's; still never trust them.
            if check_segment(&filled).is_ok() {
                filled
            } else {
                slugify(&filled)
            }
        })
        .collect::<Vec<_>>();
    segments.join("/")
}

/// Appends `-n` to the last segment.
fn with_suffix(dir: &str, n: usize) -> String {
    format!("{dir}-{n}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CleanBody, Meta};
    use std::path::PathBuf;

    fn post(path: &str, slug: &str, date: &str) -> Post {
        let date = date.parse::<jiff::Zoned>().unwrap();
        Post {
            path: PathBuf::from(path),
            meta: Meta::default(),
            date,
            slug: slug.to_string(),
            body: CleanBody::default(),
            summary: String::new(),
            cover: None,
        }
    }

    #[test]
    fn expands_in_the_posts_zone() {
        let p = post("a.md", "阿里云", "2021-12-24T00:00:00+08:00[Asia/Shanghai]");
        let cases = [
            (":year/:month/:day/:slug/", "2021/12/24/阿里云"),
            ("posts/:slug", "posts/阿里云"),
            (":year/:hour-:minute/:title/", "2021/00-00/阿里云"),
        ];
        for (pattern, want) in cases {
            assert_eq!(expand(pattern, &p), want);
        }
    }

    #[test]
    fn collisions_keep_the_oldest_url() {
        // Newest first, as the index orders them.
        let posts = vec![
            post("c.md", "same", "2021-12-24T03:00:00+08:00[Asia/Shanghai]"),
            post("b.md", "Same", "2021-12-24T02:00:00+08:00[Asia/Shanghai]"),
            post("a.md", "same", "2021-12-24T01:00:00+08:00[Asia/Shanghai]"),
        ];
        let mut problems = Vec::new();
        let dirs = assign(&posts, ":year/:month/:day/:slug/", &mut problems);
        assert_eq!(
            dirs,
            ["2021/12/24/same-3", "2021/12/24/Same-2", "2021/12/24/same"]
        );
        assert_eq!(problems.len(), 2);
        assert!(problems[0].message.contains("a.md"));
    }
}
