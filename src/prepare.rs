//! From draft to post: choose which drafts are published, turn bodies into
//! cleaned HTML, and settle each post's slug, summary and header image.
//! Pure and per post, so it runs in parallel.

use jiff::Zoned;

use crate::clean::{self, CleanOptions};
use crate::model::{BodyFormat, Draft, Post};
use crate::problem::Problem;
use crate::slug::slugify;

/// Summaries cut from body text stop near this many characters.
pub const SUMMARY_CHARS: usize = 150;

const MORE_MARKER: &str = "<!-- more -->";

/// Which drafts the build publishes.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    pub now: &'a Zoned,
    pub future: bool,
    pub drafts: bool,
}

/// Why a draft is not published, if it isn't.
pub fn held_back(draft: &Draft, selection: &Selection) -> Option<&'static str> {
    held_back_as(draft.meta.draft, &draft.date, selection)
}

/// [`held_back`] for a post that is marked `draft` or not, dated `date`.
pub fn held_back_as(draft: bool, date: &Zoned, selection: &Selection) -> Option<&'static str> {
    if draft && !selection.drafts {
        Some("draft")
    } else if date.timestamp() > selection.now.timestamp() && !selection.future {
        Some("future")
    } else {
        None
    }
}

pub fn prepare(draft: Draft, options: &CleanOptions) -> Post {
    prepare_with_problems(draft, options).0
}

/// `prepare`, plus what cleaning the body found worth a warning (at the body's
/// first line: the cleaner works on the parsed tree, which has no positions).
pub fn prepare_with_problems(draft: Draft, options: &CleanOptions) -> (Post, Vec<Problem>) {
    let html = match draft.format {
        BodyFormat::Html => draft.body,
        BodyFormat::Markdown => crate::markdown::to_html(&draft.body),
    };
    let author = draft.meta.author.as_deref();
    let (body, warnings) = clean::clean_with_warnings(&html, options, author);
    let problems = warnings
        .into_iter()
        .map(|w| Problem::warning(&draft.path, w).at(draft.body_line, None))
        .collect();
    let summary = match (&draft.meta.summary, html.find(MORE_MARKER)) {
        (Some(written), _) if !written.trim().is_empty() => written.trim().to_string(),
        (_, Some(at)) => clean::plain_text(&clean::clean(&html[..at], options, author).html),
        _ => clean::excerpt_of_html(&body.html, SUMMARY_CHARS),
    };
    let slug = slugify(draft.meta.slug.as_deref().unwrap_or(&draft.stem));
    let cover = clean::cover_image(draft.meta.cover.as_deref(), options);
    let post = Post {
        path: draft.path,
        meta: draft.meta,
        date: draft.date,
        slug,
        body,
        summary,
        cover,
    };
    (post, problems)
}
