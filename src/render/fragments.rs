//! Each post's list entries, its card and its archive row, rendered once per
//! build from the theme's `card.html` and `row.html` and shared by every list
//! page that shows the post. A post appears on a dozen list pages (home, date
//! archives, each category level, each tag, its source), and rendering its card
//! again on each, through a Tera macro, was 11.7 % of a cold build's
//! instructions (a third of Tera's share).
//!
//! Entries are rendered on first use, so an incremental build renders only the
//! entries of the posts on the pages it examines.

use std::sync::OnceLock;

use super::TemplateError;

/// Which list entry of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `card.html`: home, category, tag and source pages.
    Card,
    /// `row.html`: the date archives.
    Row,
}

impl Entry {
    pub fn template(self) -> &'static str {
        match self {
            Entry::Card => "card.html",
            Entry::Row => "row.html",
        }
    }
}

/// One slot per post and entry kind, filled at most once.
pub struct Fragments {
    cards: Vec<OnceLock<Result<Box<str>, TemplateError>>>,
    rows: Vec<OnceLock<Result<Box<str>, TemplateError>>>,
}

impl Fragments {
    pub fn new(posts: usize) -> Fragments {
        Fragments {
            cards: (0..posts).map(|_| OnceLock::new()).collect(),
            rows: (0..posts).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Post `post`'s entry, rendered by `render` the first time it is asked for.
    /// A failed render is remembered too: the template will not do better on a
    /// second try, and the error is reported by every page that needed it.
    pub fn get(
        &self,
        entry: Entry,
        post: usize,
        render: impl FnOnce() -> Result<String, TemplateError>,
    ) -> Result<&str, TemplateError> {
        let slots = match entry {
            Entry::Card => &self.cards,
            Entry::Row => &self.rows,
        };
        // Boxed: a rendered string's spare capacity, kept for every post of a
        // 100k archive until the build ends, would add tens of megabytes.
        match slots[post].get_or_init(|| render().map(String::into_boxed_str)) {
            Ok(html) => Ok(html),
            Err(e) => Err(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn each_entry_is_rendered_once_and_kinds_are_apart() {
        let fragments = Fragments::new(2);
        let calls = Cell::new(0);
        let render = |html: &str| {
            calls.set(calls.get() + 1);
            Ok(html.to_string())
        };
        let asks = [
            (Entry::Card, 0, "card 0", 1),
            (Entry::Card, 0, "other", 1),
            (Entry::Row, 0, "row 0", 2),
            (Entry::Card, 1, "card 1", 3),
            (Entry::Row, 0, "other", 3),
        ];
        let expected = ["card 0", "card 0", "row 0", "card 1", "row 0"];
        for ((entry, post, html, calls_after), want) in asks.into_iter().zip(expected) {
            assert_eq!(fragments.get(entry, post, || render(html)).unwrap(), want);
            assert_eq!(calls.get(), calls_after, "{entry:?} {post}");
        }
    }

    #[test]
    fn a_failed_render_is_reported_again_without_rendering_again() {
        let fragments = Fragments::new(1);
        let failure = || {
            Err(TemplateError {
                template: "card.html".into(),
                message: "boom".into(),
            })
        };
        assert!(fragments.get(Entry::Card, 0, failure).is_err());
        let second = fragments.get(Entry::Card, 0, || Ok("late".into()));
        assert_eq!(second.unwrap_err().message, "boom");
    }
}
