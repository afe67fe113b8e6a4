//! Cleaning scraped HTML: an ordered list of small named passes over the parsed
//! document, then an allowlist sanitiser. Pure: no I/O.

use crate::config::Config;
use crate::model::CleanBody;

/// What the passes need from the config, prepared once per build.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    pub proxies: Vec<String>,
}

impl CleanOptions {
    pub fn from_config(config: &Config) -> Self {
        CleanOptions {
            proxies: config.images.proxies.clone(),
        }
    }
}

/// STUB (to be replaced): sanitises only.
pub fn clean(html: &str, _options: &CleanOptions, _author: Option<&str>) -> CleanBody {
    let html = ammonia::clean(html);
    let text = scraper::Html::parse_fragment(&html)
        .root_element()
        .text()
        .collect::<String>();
    let words = text.chars().filter(|c| !c.is_whitespace()).count();
    CleanBody {
        html,
        text,
        images: Vec::new(),
        words,
        reading_minutes: words / 400 + 1,
    }
}

/// STUB: strips a configured proxy prefix from a URL.
pub fn unproxy(url: &str, options: &CleanOptions) -> String {
    for p in &options.proxies {
        if let Some(rest) = url.strip_prefix(p.as_str()) {
            return rest.to_string();
        }
    }
    url.to_string()
}

/// The header image to show: unproxied; `None` when empty or a placeholder host.
pub fn cover_image(cover: Option<&str>, options: &CleanOptions) -> Option<String> {
    let c = cover?.trim();
    (!c.is_empty()).then(|| unproxy(c, options))
}

/// A CJK-aware cut of plain text to about `max_chars` characters.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}
