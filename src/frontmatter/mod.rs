//! Front matter: split a post into its YAML/TOML header and body, and normalise the
//! header into `Meta`. Broken YAML from real scrapers is recovered line by line
//! where the intent is clear, with a warning naming the line.

use jiff::tz::TimeZone;

use crate::load::Source;
use crate::model::{BodyFormat, Draft, Meta};
use crate::problem::Problem;

/// A draft with its warnings, or the problems that made the post unusable.
pub type Parsed = Result<(Draft, Vec<Problem>), Vec<Problem>>;

/// STUB (to be replaced): splits `---` YAML only, title and date only.
pub fn parse(source: &Source, tz: &TimeZone) -> Parsed {
    let text = source.text.trim_start();
    let mut meta = Meta::default();
    let mut body = text;
    if let Some(rest) = text.strip_prefix("---") {
        if let Some(end) = rest.find("\n---") {
            let header = &rest[..end];
            body = rest[end + 4..].trim_start_matches(['\r', '\n']);
            if let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str(header) {
                if let Some(t) = map.get("title").and_then(|v| v.as_str()) {
                    meta.title = t.to_string();
                }
                if let Some(d) = map.get("date").and_then(|v| v.as_str()) {
                    meta.date = crate::date::parse_date(d, tz).ok();
                }
            }
        }
    }
    let stem = source
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if meta.title.is_empty() {
        meta.title = stem.clone();
    }
    let date = meta.date.clone().unwrap_or_else(|| {
        jiff::Timestamp::try_from(source.mtime)
            .unwrap_or_default()
            .to_zoned(tz.clone())
    });
    let format = if body.trim_start().starts_with('<') {
        BodyFormat::Html
    } else {
        BodyFormat::Markdown
    };
    let draft = Draft {
        path: source.path.clone(),
        stem,
        meta,
        date,
        format,
        body: body.to_string(),
        body_line: 1,
    };
    Ok((draft, Vec::new()))
}
