//! `gazette check`: every reading stage of a build, plus the checks only worth
//! making on request (config locations, templates, internal links), with nothing
//! written. Each finding is a `Problem`, printed greppably with the offending line.

mod config;
mod links;
mod snippet;
mod templates;

use std::process::ExitCode;

use crate::build::{self, BuildOptions, BuildReport};
use crate::cli::SiteArgs;
use crate::problem::Problem;

pub use snippet::render_problem;

/// What `check` found, and how much it looked at.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub problems: Vec<Problem>,
    pub posts: usize,
    pub links: usize,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

/// Checks the site described by `options`. Never writes; every finding, even an
/// unusable config or theme, is a problem in the report rather than an `Err`.
pub fn check(options: &BuildOptions) -> CheckReport {
    let mut report = BuildReport::default();
    let config = config::check(options, &mut report.problems);
    if let Err(e) = build::ensure_content_dir(options) {
        report
            .problems
            .push(Problem::error(&options.content, e.to_string()));
        return finish(report, 0);
    }
    let compiled = templates::compile(options, &config, &mut report.problems);
    let theme = compiled.as_ref().map(|(theme, _)| theme);
    let empty = crate::theme::Theme::default();
    let analysis = build::analyse(
        options,
        &config,
        theme.unwrap_or(&empty),
        &mut report,
        links::extract,
    );
    let found = links::check(&config, theme.unwrap_or(&empty), &analysis);
    let link_count = analysis.inspected.iter().map(|l| l.links.len()).sum();
    report.problems.extend(found);
    if let Some((theme, tera)) = &compiled {
        templates::render_samples(
            (theme, tera),
            options,
            &config,
            &analysis,
            &mut report.problems,
        );
    }
    finish(report, link_count)
}

fn finish(report: BuildReport, links: usize) -> CheckReport {
    CheckReport {
        posts: report.posts + report.held_back,
        problems: report.problems,
        links,
    }
}

/// The `check` command: prints every problem with its snippet, then a summary.
/// Exit status 1 when there is any error, 0 with warnings only.
pub fn run(args: &SiteArgs, quiet: bool) -> ExitCode {
    let options = args.options(false);
    let mut report = check(&options);
    report
        .problems
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    let mut files = snippet::Files::new(&options.root);
    for problem in &report.problems {
        eprint!("{}", render_problem(problem, &mut files));
    }
    let errors = report.errors();
    if !quiet {
        eprintln!(
            "checked {} posts and {} links; {} errors, {} warnings",
            report.posts,
            report.links,
            errors,
            report.problems.len() - errors
        );
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
