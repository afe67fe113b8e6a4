//! The config file, located: syntax errors and unknown keys at the line and column
//! TOML reports, invalid values at the line of their key.

use crate::build::BuildOptions;
use crate::config::{Config, ConfigError, RawConfig};
use crate::load::shown_path;
use crate::problem::Problem;

/// The site's config, or the defaults (with the problems saying why) so the posts
/// can still be checked.
pub fn check(options: &BuildOptions, problems: &mut Vec<Problem>) -> Config {
    let shown = shown_path(&options.config, &options.root);
    let text = match std::fs::read_to_string(&options.config) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            problems.push(Problem::error(&shown, format!("cannot read: {e}")));
            return Config::default();
        }
    };
    let mut config = match read(&text, &shown.display().to_string()) {
        Ok(config) => config,
        Err(problem) => {
            problems.push(problem);
            problems.push(Problem::warning(
                &options.config,
                "checking the posts with the default settings instead",
            ));
            return Config::default();
        }
    };
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    config
}

/// Parses and validates `text`, turning the first refusal into a located problem.
fn read(text: &str, shown: &str) -> Result<Config, Problem> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let problem = Problem::error(shown, e.message().trim_end().replace('\n', " "));
        match e.span() {
            Some(span) => {
                let (line, column) = line_and_column(text, span.start);
                problem.at(line, Some(column))
            }
            None => problem,
        }
    })?;
    raw.validate(shown).map_err(|e| match e {
        ConfigError::Invalid { key, message, .. } => {
            let problem = Problem::error(shown, format!("`{key}`: {message}"));
            match line_of_key(text, key) {
                Some((line, column)) => problem.at(line, Some(column)),
                None => problem,
            }
        }
        other => Problem::error(shown, other.to_string()),
    })
}

/// 1-based line and character column of byte `offset` in `text`.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Where a dotted key (`images.rewrite`) is set: the line of its last part, after
/// its table header when it has one, and the column of its value.
fn line_of_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let (table, name) = match key.rsplit_once('.') {
        Some((table, name)) => (Some(format!("[{table}]")), name),
        None => (None, key),
    };
    let mut in_table = table.is_none();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_table = table.as_deref() == Some(trimmed.trim_end());
            continue;
        }
        let Some(rest) = trimmed.strip_prefix(name) else {
            continue;
        };
        if in_table && rest.trim_start().starts_with('=') {
            let value_at = line.find('=').map_or(0, |at| {
                at + 1 + (line[at + 1..].len() - line[at + 1..].trim_start().len())
            });
            return Some((i + 1, line[..value_at].chars().count() + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_problems_are_located() {
        let cases = [
            ("title = \"x\"\ncolour = 1\n", "colour", (2, 1)),
            ("title = \"x\n", "", (1, 11)),
            ("paginate = 0\n", "paginate", (1, 12)),
            (
                "[images]\nrewrite = \"https://p/\"\n",
                "images.rewrite",
                (2, 11),
            ),
            (
                "[clean]\nremove = []\n[feeds]\nlimit = -1\n",
                "feeds.limit",
                (4, 9),
            ),
            ("[clean]\nbogus = []\n", "bogus", (2, 1)),
        ];
        for (text, key, (line, column)) in cases {
            let problem = read(text, "config.toml").unwrap_err();
            assert!(problem.message.contains(key), "{text:?}: {problem}");
            assert_eq!(
                (problem.line, problem.column),
                (Some(line), Some(column)),
                "{text:?}: {problem}"
            );
        }
    }
}
