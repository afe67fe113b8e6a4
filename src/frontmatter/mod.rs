//! Front matter: split a post into its YAML/TOML header and body, and normalise the
//! header into `Meta`. Broken YAML from real scrapers is recovered line by line
//! where the intent is clear, with a warning naming the line.
//!
//! `split` finds the header, `yaml`/`toml` parse it strictly, `recover` (with
//! `scalar`) reads what strict YAML refuses, `fields` and `terms` normalise the
//! values, `locate` maps keys back to file lines and `body` sniffs HTML bodies.

mod body;
mod fields;
mod locate;
mod recover;
mod scalar;
mod split;
mod terms;
mod toml;
mod yaml;

use std::path::Path;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use serde_json::{Map, Value};

use crate::load::Source;
use crate::model::Draft;
use crate::problem::Problem;
use locate::HeaderText;
use split::{Fence, Split};

/// A draft with its warnings, or the problems that made the post unusable.
pub type Parsed = Result<(Draft, Vec<Problem>), Vec<Problem>>;

/// Reads one post. The body is left as written; `Draft::body_line` says where it
/// starts. Problems carry the file line (and column for YAML syntax errors).
pub fn parse(source: &Source, tz: &TimeZone) -> Parsed {
    let path = source.path.as_path();
    let split = split::split(&source.text).map_err(|open| {
        let message = format!(
            "front matter opened with `{0}` here never closes (no second `{0}` line); the post is skipped",
            open.fence
        );
        vec![Problem::error(path, message).at(open.line, None)]
    })?;
    let mut problems = Vec::new();
    let (map, header) = match split.fence {
        Some(fence) => read_header(path, &split, fence, &mut problems)?,
        None => {
            let message = "no front matter (a `---` block); title from the file name, \
                           date from the file's modification time";
            problems.push(Problem::warning(path, message).at(1, None));
            (Map::new(), HeaderText::new("", 1, Fence::Yaml))
        }
    };
    let context = fields::Context {
        path,
        tz,
        header: &header,
    };
    let mut meta = fields::read(map, &context, &mut problems);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fenced = split.fence.is_some();
    if meta.title.is_empty() {
        meta.title.clone_from(&stem);
        if fenced {
            let message = format!("no `title`; using the file name `{stem}`");
            problems.push(Problem::warning(path, message).at(header.line_of("title"), None));
        }
    }
    // Problems come out in file order, however the fields were visited.
    problems.sort_by_key(|p| p.line);
    if problems.iter().any(Problem::is_error) {
        return Err(problems);
    }
    let date = match &meta.date {
        Some(date) => date.clone(),
        None => {
            let (date, message) = file_time(source, tz);
            if fenced {
                problems.push(Problem::warning(path, message).at(split.open_line, None));
            }
            date
        }
    };
    let (format, overruled) = body::format_of(path, meta.format, split.body);
    if let Some(message) = overruled {
        problems.push(Problem::warning(path, message).at(header.line_of("format"), None));
    }
    problems.sort_by_key(|p| p.line);
    let draft = Draft {
        path: source.path.clone(),
        stem,
        meta,
        date,
        format,
        body: split.body.to_string(),
        body_line: split.body_line,
    };
    Ok((draft, problems))
}

/// Parses the header strictly; YAML that fails is read line by line when its
/// intent is clear, with warnings, and is otherwise an error at the parser's place.
fn read_header<'a>(
    path: &Path,
    split: &Split<'a>,
    fence: Fence,
    problems: &mut Vec<Problem>,
) -> Result<(Map<String, Value>, HeaderText<'a>), Vec<Problem>> {
    let first_line = split.header_line();
    let header = HeaderText::new(split.header, first_line, fence);
    let strict = match fence {
        Fence::Yaml => yaml::parse(split.header, first_line),
        Fence::Toml => toml::parse(split.header, first_line),
    };
    let error = match strict {
        Ok(map) => return Ok((map, header)),
        Err(error) if fence == Fence::Toml => {
            let message = format!("front matter is {}; the post is skipped", error.message);
            return Err(vec![
                Problem::error(path, message).at(error.line, error.column)
            ]);
        }
        Err(error) => error,
    };
    match recover::scan(split.header, first_line) {
        Ok(mut recovered) => {
            let notes = std::mem::take(&mut recovered.notes);
            if notes.is_empty() {
                let message = format!(
                    "front matter is not valid YAML ({}); read it line by line",
                    error.message
                );
                problems.push(Problem::warning(path, message).at(error.line, error.column));
            }
            problems.extend(
                notes
                    .into_iter()
                    .map(|note| Problem::warning(path, note.message).at(note.line, None)),
            );
            let map = recovered.to_map();
            Ok((map, header.with_reading(recovered)))
        }
        Err(stuck) => {
            let message = format!(
                "front matter is not valid YAML: {}; nor readable line by line \
                 (line {}: {}); the post is skipped",
                error.message, stuck.line, stuck.reason
            );
            problems.push(Problem::error(path, message).at(error.line, error.column));
            Err(std::mem::take(problems))
        }
    }
}

/// The file's modification time in `tz`, for posts without a date, and the warning
/// that says so.
fn file_time(source: &Source, tz: &TimeZone) -> (Zoned, String) {
    match Timestamp::try_from(source.mtime) {
        Ok(ts) => {
            let date = ts.to_zoned(tz.clone());
            let message = format!(
                "no `date`; using the file's modification time {}",
                date.strftime("%Y-%m-%d %H:%M:%S %:z")
            );
            (date, message)
        }
        Err(e) => {
            let date = Timestamp::UNIX_EPOCH.to_zoned(tz.clone());
            let message = format!(
                "no `date`, and the file's modification time is unusable ({e}); using 1970-01-01"
            );
            (date, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzz finds: every problem's line must be a line of the file.
    #[test]
    fn problems_stay_inside_the_file() {
        let cases = [
            // frontmatter target, crash-7210798…: lone `\r`s inside a quoted title.
            "\n---\ntitle: '第1话 - 4: \n    !ent/201ateaories: \n    !点44分的仪式'\n\
             cateaories: \n    !ent/201ateaories: \n    !ent/2018_09_308_\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\
             09_30/153uuthor5.\r\r\r\r\r\r\rpNg'\n---\ndiv\r>\n   \r\r\n  --  \n",
        ];
        let tz = TimeZone::UTC;
        for text in cases {
            let source = Source {
                path: "fuzz.md".into(),
                text: text.to_string(),
                mtime: std::time::SystemTime::UNIX_EPOCH,
            };
            let lines = text.lines().count();
            let problems = match parse(&source, &tz) {
                Ok((_, warnings)) => warnings,
                Err(errors) => errors,
            };
            assert!(!problems.is_empty());
            for p in problems {
                assert!(p.line.is_some_and(|l| (1..=lines).contains(&l)), "{p}");
            }
        }
    }
}
