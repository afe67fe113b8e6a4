//! From header values to `Meta`: each known key read in the types real posts use
//! (numbers and booleans where text is meant become text), every other key kept in
//! `extra` for templates. Problems point at the line of the key they are about.

use std::path::Path;

use jiff::tz::TimeZone;
use jiff::Zoned;
use serde_json::{Map, Value};

use super::locate::HeaderText;
use super::terms;
use crate::date;
use crate::model::{BodyFormat, Meta};
use crate::problem::Problem;

/// Where the values came from, for problems and for text as written.
pub(super) struct Context<'a> {
    pub path: &'a Path,
    pub tz: &'a TimeZone,
    pub header: &'a HeaderText<'a>,
}

/// Reads `map` into a `Meta`, pushing problems. An error among them (an unreadable
/// `date`) means the post must be skipped.
pub(super) fn read(map: Map<String, Value>, cx: &Context, problems: &mut Vec<Problem>) -> Meta {
    let mut meta = Meta::default();
    // Aliases, in order of preference: the first non-empty one wins.
    let mut covers: [Option<String>; 3] = Default::default();
    let mut summaries: [Option<String>; 2] = Default::default();
    let mut published = true;
    for (key, value) in map {
        match key.as_str() {
            "title" => meta.title = cx.text(&key, value, problems).unwrap_or_default(),
            "date" => meta.date = cx.date(&key, &value, true, problems),
            "updated" => meta.updated = cx.date(&key, &value, false, problems),
            "categories" => meta.categories = cx.terms(&key, &value, terms::categories, problems),
            "tags" => meta.tags = cx.terms(&key, &value, terms::tags, problems),
            "author" => meta.author = cx.author(&key, value, problems),
            "headimg" => covers[0] = cx.text(&key, value, problems),
            "thumbnail" => covers[1] = cx.text(&key, value, problems),
            "cover" => covers[2] = cx.text(&key, value, problems),
            "description" => summaries[0] = cx.text(&key, value, problems),
            "summary" => summaries[1] = cx.text(&key, value, problems),
            "slug" => meta.slug = cx.text(&key, value, problems),
            "lang" => meta.lang = cx.text(&key, value, problems),
            "format" => meta.format = cx.format(&key, value, problems),
            "draft" => meta.draft |= cx.flag(&key, &value, problems).unwrap_or(false),
            "published" => published = cx.flag(&key, &value, problems).unwrap_or(true),
            _ => {
                meta.extra.insert(key, value);
            }
        }
    }
    meta.draft |= !published;
    meta.cover = covers.into_iter().flatten().find(|c| !c.is_empty());
    meta.summary = summaries.into_iter().flatten().find(|s| !s.is_empty());
    meta
}

impl Context<'_> {
    fn warn(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem::warning(self.path, message).at(self.header.line_of(key), None)
    }

    /// Trimmed text on one line; `None` for null, empty text and the wrong type.
    fn text(&self, key: &str, value: Value, problems: &mut Vec<Problem>) -> Option<String> {
        let text = match value {
            Value::String(text) => text,
            Value::Array(_) | Value::Object(_) => {
                let found = if value.is_array() {
                    "a list"
                } else {
                    "a mapping"
                };
                let message = format!("`{key}` should be text, found {found}; ignored");
                problems.push(self.warn(key, message));
                return None;
            }
            scalar => self.scalar_text(key, &scalar, None)?,
        };
        let text = one_line(text);
        (!text.is_empty()).then_some(text)
    }

    /// A scalar as text. YAML's numbers are given as written where that differs
    /// from their value (`1.10`), its booleans as `true`/`false`.
    fn scalar_text(&self, key: &str, value: &Value, index: Option<usize>) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) if n.is_f64() => Some(
                self.header
                    .written(key, index)
                    .map_or_else(|| n.to_string(), str::to_string),
            ),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }

    /// `date` (fatal when unreadable) or `updated` (dropped with a warning).
    fn date(
        &self,
        key: &str,
        value: &Value,
        fatal: bool,
        problems: &mut Vec<Problem>,
    ) -> Option<Zoned> {
        let parsed = match value {
            Value::Null => return None,
            Value::String(text) => date::parse_date_noting(text, self.tz),
            Value::Array(_) | Value::Object(_) => {
                Err(format!("`{key}` should be a date, found {value}"))
            }
            scalar => {
                let text = self.scalar_text(key, scalar, None).unwrap_or_default();
                date::parse_date_noting(&text, self.tz)
            }
        };
        match parsed {
            Ok((zoned, note)) => {
                problems.extend(note.map(|n| self.warn(key, format!("`{key}`: {n}"))));
                Some(zoned)
            }
            Err(reason) => {
                let line = self.header.line_of(key);
                let problem = if fatal {
                    let message = format!("cannot read `{key}`: {reason}; the post is skipped");
                    Problem::error(self.path, message)
                } else {
                    Problem::warning(self.path, format!("cannot read `{key}`: {reason}; ignored"))
                };
                problems.push(problem.at(line, self.header.value_column(key)));
                None
            }
        }
    }

    fn terms<T>(
        &self,
        key: &str,
        value: &Value,
        read: fn(&Value, terms::ScalarText, &mut Vec<terms::TermNote>) -> T,
        problems: &mut Vec<Problem>,
    ) -> T {
        let mut notes = Vec::new();
        let text = |v: &Value, index: Option<usize>| self.scalar_text(key, v, index);
        let terms = read(value, &text, &mut notes);
        problems.extend(notes.into_iter().map(|note| {
            let line = self.header.line_near(key, note.near.as_deref());
            Problem::warning(self.path, format!("`{key}`: {}", note.message)).at(line, None)
        }));
        terms
    }

    /// Text, or the `name` of an author written as a mapping.
    fn author(&self, key: &str, value: Value, problems: &mut Vec<Problem>) -> Option<String> {
        match value {
            Value::Object(mut fields) if fields.contains_key("name") => {
                let name = fields.remove("name").unwrap_or_default();
                self.text(key, name, problems)
            }
            value => self.text(key, value, problems),
        }
    }

    fn format(&self, key: &str, value: Value, problems: &mut Vec<Problem>) -> Option<BodyFormat> {
        let text = self.text(key, value, problems)?;
        match text.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Some(BodyFormat::Markdown),
            "html" | "htm" => Some(BodyFormat::Html),
            _ => {
                let message = format!("`{key}: {text}` is neither `markdown` nor `html`; ignored");
                problems.push(self.warn(key, message));
                None
            }
        }
    }

    /// A yes/no value: YAML booleans, and the words YAML 1.1 read as booleans.
    fn flag(&self, key: &str, value: &Value, problems: &mut Vec<Problem>) -> Option<bool> {
        let flag = match value {
            Value::Bool(b) => Some(*b),
            Value::Null => return None,
            Value::Number(n) => n.as_i64().and_then(|n| match n {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            }),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            },
            Value::Array(_) | Value::Object(_) => None,
        };
        if flag.is_none() {
            problems.push(self.warn(
                key,
                format!("`{key}` should be true or false, found {value}; ignored"),
            ));
        }
        flag
    }
}

/// Text on one line: line breaks (from folded YAML or runaway scalars) and tabs
/// become single spaces; other runs of spaces are kept as written.
pub(super) fn one_line(text: String) -> String {
    let trimmed = text.trim();
    if !trimmed.contains(['\n', '\r', '\t']) {
        return if trimmed.len() == text.len() {
            text
        } else {
            trimmed.to_string()
        };
    }
    let text = trimmed;
    let mut out = String::with_capacity(text.len());
    for piece in text
        .split(['\n', '\r', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_one_line() {
        let cases = [
            ("plain", "plain"),
            ("  padded  ", "padded"),
            ("1+1_2  ——有没有", "1+1_2  ——有没有"),
            ("a\nb\r\nc", "a b c"),
            ("a \n\n\n b", "a b"),
            ("tab\there", "tab here"),
            ("\n", ""),
        ];
        for (text, want) in cases {
            assert_eq!(one_line(text.to_string()), want, "{text:?}");
        }
    }
}
