//! The data that flows between stages: drafts from front matter, cleaned posts,
//! and the small `PostRef`s that every list page is built from.

use std::path::PathBuf;

use jiff::Zoned;
use serde::{Deserialize, Serialize};

/// How a body is turned into HTML. HTML bodies never go through CommonMark: a blank
/// line would end the HTML block and turn the indented lines after it into code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    Html,
    Markdown,
}

/// Front matter, normalised. Field names follow Hexo. (Serialised only for the
/// build cache.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: String,
    pub date: Option<Zoned>,
    pub updated: Option<Zoned>,
    /// Each inner list is one hierarchical path, outermost first.
    pub categories: Vec<Vec<String>>,
    pub tags: Vec<String>,
    pub author: Option<String>,
    /// `headimg`, `thumbnail` or `cover`, exactly as written (still proxied).
    pub cover: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
    /// `description` or `summary`.
    pub summary: Option<String>,
    pub lang: Option<String>,
    /// `format: markdown|html` when the front matter says so.
    pub format: Option<BodyFormat>,
    /// Every other key, for templates.
    #[serde(with = "json_text")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A post whose front matter has been read, body untouched.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The file, as the user named it (relative to the site root where possible).
    pub path: PathBuf,
    /// The file name without extension: the fallback slug.
    pub stem: String,
    pub meta: Meta,
    /// `meta.date`, or the file's mtime (with a warning) when it has none.
    pub date: Zoned,
    pub format: BodyFormat,
    pub body: String,
    /// 1-based line of the file where the body starts, for problems inside it.
    pub body_line: usize,
}

/// An image found in a cleaned body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: Option<String>,
}

/// A cleaned body and everything later stages need from it, computed once.
/// Its plain text is not kept: it is as large as the HTML, and only the
/// summary (made while cleaning) and the search index (which reads it back
/// with [`crate::clean::plain_text`], a batch at a time) need it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanBody {
    #[serde(deserialize_with = "crate::cache::strings::deserialize")]
    pub html: String,
    pub images: Vec<Image>,
    /// CJK characters count one each; other scripts count by word.
    pub words: usize,
    pub reading_minutes: usize,
}

/// A post ready to be indexed: front matter plus cleaned body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Post {
    pub path: PathBuf,
    pub meta: Meta,
    pub date: Zoned,
    pub slug: String,
    pub body: CleanBody,
    /// Text before `<!-- more -->`, or a CJK-aware cut of the body text.
    /// `index::build` moves it into the post's `PostRef`; read it there.
    pub summary: String,
    /// Unproxied header image; `None` for placeholders.
    pub cover: Option<String>,
}

/// A link to a taxonomy term, as templates show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub name: String,
    /// Site-relative and percent-encoded, like `PostRef::url`.
    pub url: String,
}

/// What list pages know about a post: small, and without its body.
#[derive(Debug, Clone, Serialize)]
pub struct PostRef {
    pub title: String,
    /// Site-relative and percent-encoded, starting and ending with `/`.
    pub url: String,
    /// Output-relative directory holding `index.html`, unencoded.
    #[serde(skip)]
    pub dir: String,
    #[serde(skip)]
    pub date: Zoned,
    #[serde(skip)]
    pub updated: Option<Zoned>,
    /// RFC 3339 with the site's offset, for `<time datetime>` and metadata.
    pub published: String,
    /// `YYYY-MM-DD HH:MM` in the site's time zone, for display.
    pub local_time: String,
    pub summary: String,
    /// Header image, or the first body image.
    pub thumbnail: Option<String>,
    /// One breadcrumb trail per category path, outermost first.
    pub categories: Vec<Vec<Link>>,
    pub tags: Vec<Link>,
    pub author: Option<Link>,
    pub words: usize,
    pub reading_minutes: usize,
    #[serde(skip)]
    pub source: PathBuf,
    /// Places in the index's tags of `tags`, and in its categories of the
    /// deepest category of each trail: where related posts are looked for.
    #[serde(skip)]
    pub tag_terms: Vec<usize>,
    #[serde(skip)]
    pub category_terms: Vec<usize>,
}

impl PostRef {
    /// A minimal entry for tests of list-page stages.
    pub fn for_test(title: &str, url: &str, date: Zoned) -> PostRef {
        PostRef {
            title: title.to_string(),
            url: url.to_string(),
            dir: url.trim_matches('/').to_string(),
            published: rfc3339(&date),
            local_time: date.strftime("%Y-%m-%d %H:%M").to_string(),
            date,
            updated: None,
            summary: String::new(),
            thumbnail: None,
            categories: Vec::new(),
            tags: Vec::new(),
            author: None,
            words: 0,
            reading_minutes: 0,
            source: PathBuf::from(format!("{title}.md")),
            tag_terms: Vec::new(),
            category_terms: Vec::new(),
        }
    }
}

/// Free-form JSON kept as JSON text, so formats that cannot describe themselves
/// (the build cache's bincode) can still store it.
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Map = serde_json::Map<String, serde_json::Value>;

    pub fn serialize<S: Serializer>(map: &Map, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::to_string(map)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Map, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// RFC 3339 with the zone's numeric offset (`+08:00`), as feeds and JSON-LD want.
pub fn rfc3339(date: &Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}
