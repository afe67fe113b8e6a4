//! The theme, checked: every template compiled (syntax errors at their line and
//! column), then one page of each kind rendered in memory, which is where Tera
//! finds unknown variables and filters.

use std::collections::BTreeSet;
use std::path::PathBuf;

use tera::Tera;

use crate::build::{Analysis, BuildOptions};
use crate::config::Config;
use crate::load::shown_path;
use crate::plan::{ListOf, PageJob};
use crate::problem::Problem;
use crate::render::{self, Renderer, TemplateError};
use crate::theme::{self, Theme};

/// The theme and its compiled templates, or `None` with the problems saying why.
pub fn compile(
    options: &BuildOptions,
    config: &Config,
    problems: &mut Vec<Problem>,
) -> Option<(Theme, Tera)> {
    let theme = match theme::load(&options.root, &config.theme) {
        Ok(theme) => theme,
        Err(e) => {
            problems.push(Problem::error(&options.config, e.to_string()));
            return None;
        }
    };
    match render::compile(&theme) {
        Ok(tera) => Some((theme, tera)),
        Err(e) => {
            problems.push(located(&e, &theme, options));
            None
        }
    }
}

/// Renders the first page of each template in memory and reports each failure once.
pub fn render_samples<T>(
    (theme, tera): (&Theme, &Tera),
    options: &BuildOptions,
    config: &Config,
    analysis: &Analysis<T>,
    problems: &mut Vec<Problem>,
) {
    let renderer = Renderer::new(tera, config, &analysis.index, &analysis.posts);
    let mut failed = BTreeSet::new();
    let mut kinds_seen = BTreeSet::new();
    for job in &analysis.jobs {
        if !kinds_seen.insert(template_kind(job)) {
            continue;
        }
        if let Err(e) = renderer.render(job) {
            if failed.insert(e.template.clone()) {
                problems.push(located(&e, theme, options));
            }
        }
    }
}

/// Jobs rendered by different templates: the home page is a list with its own.
fn template_kind(job: &PageJob) -> u8 {
    match job {
        PageJob::Article(_) => 0,
        PageJob::List {
            of: ListOf::Home, ..
        } => 1,
        PageJob::List { .. } => 2,
        PageJob::TaxonomyIndex(_) => 3,
        PageJob::Search => 4,
        PageJob::NotFound => 5,
    }
}

fn located(error: &TemplateError, theme: &Theme, options: &BuildOptions) -> Problem {
    let path = template_path(theme, &error.template);
    located_in(error, shown_path(&path, &options.root))
}

fn template_path(theme: &Theme, name: &str) -> PathBuf {
    theme
        .templates
        .get(name)
        .map_or_else(|| PathBuf::from(name), |(path, _)| path.clone())
}

/// Tera puts the place of a syntax error in its message as ` --> line:column`.
fn located_in(error: &TemplateError, path: PathBuf) -> Problem {
    let message = format!(
        "template {}: {}",
        error.template,
        first_reason(&error.message)
    );
    let problem = Problem::error(path, message);
    match tera_position(&error.message) {
        Some((line, column)) => problem.at(line, Some(column)),
        None => problem,
    }
}

fn tera_position(message: &str) -> Option<(usize, usize)> {
    let after = &message[message.find("--> ")? + 4..];
    let (line, rest) = after.split_once(':')?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// Tera's message without its ASCII-art excerpt: `check` prints its own.
fn first_reason(message: &str) -> String {
    let lines: Vec<&str> = message.lines().collect();
    let expected = lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::trim);
    let head = lines.first().copied().unwrap_or_default();
    let head = head.split(" --> ").next().unwrap_or(head);
    let head = head.trim_end_matches([':', ' ']);
    match expected {
        Some(expected) => format!("{head}: {expected}"),
        None => message.replace('\n', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let mut theme = Theme::default();
        let source = "<p>\n{{ title }}\n{% if x %}\n<b>{{ oops( }}</b>\n";
        theme.templates.insert(
            "post.html".into(),
            (PathBuf::from("templates/post.html"), source.into()),
        );
        let error = render::compile(&theme).unwrap_err();
        let problem = located_in(&error, template_path(&theme, &error.template));
        assert_eq!(problem.path, PathBuf::from("templates/post.html"));
        assert_eq!(problem.line, Some(4), "{problem}");
        assert!(problem.column.is_some(), "{problem}");
        assert!(
            problem.message.starts_with("template post.html"),
            "{problem}"
        );
        assert!(!problem.message.contains('\n'));
    }
}
