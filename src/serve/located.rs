//! A failed build as problems naming a file and, where the error says, a line:
//! what the terminal prints and the browser overlay shows.

use std::path::Path;

use crate::build::{BuildOptions, StrictFailure};
use crate::config::ConfigError;
use crate::load::shown_path;
use crate::problem::Problem;
use crate::render::{error_chain, TemplateError};
use crate::theme::ThemeError;

/// The problems behind a build that returned `Err`.
pub fn build_error_problems(error: &anyhow::Error, options: &BuildOptions) -> Vec<Problem> {
    if let Some(StrictFailure(report)) = error.downcast_ref::<StrictFailure>() {
        return report.problems.clone();
    }
    let message = error_chain(error.as_ref());
    let file = if let Some(template) = error.downcast_ref::<TemplateError>() {
        template_file(&template.template, options)
    } else if error.downcast_ref::<ConfigError>().is_some() {
        Some(shown_path(&options.config, &options.root))
    } else if let Some(ThemeError::Read { path, .. }) = error.downcast_ref::<ThemeError>() {
        Some(shown_path(path, &options.root))
    } else {
        None
    };
    let problem = Problem::error(file.as_deref().unwrap_or(Path::new("(site)")), message);
    vec![match locate(&problem.message) {
        Some((line, column)) => problem.at(line, column),
        None => problem,
    }]
}

/// Where the template named `name` was read from (the site's own, or its theme's).
fn template_file(name: &str, options: &BuildOptions) -> Option<std::path::PathBuf> {
    let config = crate::build::load_config(options).ok()?;
    let theme = crate::theme::load(&options.root, &config.theme).ok()?;
    let (path, _) = theme.templates.get(name)?;
    Some(shown_path(path, &options.root))
}

/// The line (and column) an error message points at, in the forms Tera
/// (` --> 3:7`), TOML (`at line 3, column 7`) and YAML (`at line 3 column 7`) use.
pub fn locate(message: &str) -> Option<(usize, Option<usize>)> {
    if let Some(at) = message.find(" --> ") {
        let rest = &message[at + 5..];
        let (line, rest) = leading_number(rest)?;
        let column = rest
            .strip_prefix(':')
            .and_then(leading_number)
            .map(|(c, _)| c);
        return Some((line, column));
    }
    let (line, rest) = message
        .match_indices("line ")
        .filter(|(at, _)| !message[..*at].ends_with(|c: char| c.is_alphanumeric()))
        .find_map(|(at, _)| leading_number(&message[at + 5..]))?;
    let rest = rest.trim_start_matches(',').trim_start();
    let column = rest
        .strip_prefix("column ")
        .and_then(leading_number)
        .map(|(c, _)| c);
    Some((line, column))
}

fn leading_number(text: &str) -> Option<(usize, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number = text[..end].parse().ok()?;
    Some((number, &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_in_each_error_style() {
        let cases = [
            (
                "Failed to parse 'post.html':  --> 12:5\n  |\n12 | {{ x",
                Some((12, Some(5))),
            ),
            (" --> 3", Some((3, None))),
            (
                "config.toml: TOML parse error at line 4, column 9   |",
                Some((4, Some(9))),
            ),
            (
                "did not find expected key at line 7 column 1",
                Some((7, Some(1))),
            ),
            ("at line 2", Some((2, None))),
            ("Variable `post.nope` not found in context", None),
            ("headline 3", None),
        ];
        for (message, expected) in cases {
            assert_eq!(locate(message), expected, "{message}");
        }
    }

    #[test]
    fn a_template_error_names_the_template_file() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("templates")).unwrap();
        std::fs::write(site.path().join("templates/post.html"), "{{ oops").unwrap();
        let options = BuildOptions::for_root(site.path());
        let error = anyhow::Error::new(TemplateError {
            template: "post.html".into(),
            message: "Failed to parse 'post.html':  --> 1:8".into(),
        });
        let problems = build_error_problems(&error, &options);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, Path::new("templates/post.html"));
        assert_eq!((problems[0].line, problems[0].column), (Some(1), Some(8)));
    }
}
