//! Turning a batch of changed files into the cheapest update that is right:
//! stylesheets and other static files are copied into the served site; posts,
//! templates and the config go through `build()`. A bad edit never replaces
//! the last good site: it is reported, and retried with every later change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::build::{self, BuildOptions, BuildReport};
use crate::load::{self, shown_path};
use crate::problem::Problem;
use crate::theme::{self, Asset};

use super::changes::{classify, Change, Layout};
use super::located::build_error_problems;
use super::reload::{Live, LiveEvent};

pub struct Rebuilder {
    pub options: BuildOptions,
    pub layout: Layout,
    pub live: Arc<Live>,
    /// Print outcomes on stderr.
    pub log: bool,
    /// Posts refused for errors: checked again before every build, so a later
    /// good edit elsewhere does not publish a site without them.
    broken: BTreeSet<PathBuf>,
}

impl Rebuilder {
    pub fn new(options: BuildOptions, layout: Layout, live: Arc<Live>, log: bool) -> Self {
        Rebuilder {
            options,
            layout,
            live,
            log,
            broken: BTreeSet::new(),
        }
    }

    /// The first build. Whatever it finds is printed in full.
    pub fn initial(&mut self) -> anyhow::Result<BuildReport> {
        let started = Instant::now();
        let result = build::build(&self.options);
        match &result {
            Ok(report) => {
                if self.log {
                    crate::cli::print_report(report, 0, false, started.elapsed());
                }
                self.live.published(LiveEvent::Reload {}, Vec::new());
            }
            Err(error) => {
                let problems = build_error_problems(error, &self.options);
                self.refuse(
                    problems,
                    "the first build failed; the site appears once that is fixed",
                );
            }
        }
        self.options.progress = false;
        result
    }

    /// Brings the served site up to date with `changed`.
    pub fn apply(&mut self, changed: &[PathBuf]) {
        let change = classify(changed, &self.layout);
        let started = Instant::now();
        match change {
            Change::Ignore => {}
            Change::StylesOnly | Change::Statics => match self.copy_statics(changed) {
                Ok(Some(copied)) => {
                    self.say(&format!(
                        "copied {} static file(s) in {:.0} ms",
                        copied.len(),
                        started.elapsed().as_secs_f64() * 1000.0
                    ));
                    let event = match change {
                        Change::StylesOnly => LiveEvent::Css { paths: copied },
                        _ => LiveEvent::Reload {},
                    };
                    self.live.published(event, Vec::new());
                }
                // A file went away, or is not a plain file: the build knows what to do.
                Ok(None) => self.rebuild(changed, started),
                Err(error) => {
                    let problems = build_error_problems(&error, &self.options);
                    self.refuse(problems, "static files not copied");
                }
            },
            Change::Content | Change::Templates | Change::Config => self.rebuild(changed, started),
        }
    }

    fn rebuild(&mut self, changed: &[PathBuf], started: Instant) {
        self.broken.extend(changed.iter().cloned());
        let refused = self.check_posts();
        if !refused.is_empty() {
            self.refuse(refused, "not rebuilt; still serving the last good site");
            return;
        }
        match build::build(&self.options) {
            Ok(report) => {
                let shown: BTreeSet<PathBuf> = changed
                    .iter()
                    .map(|p| shown_path(p, &self.options.root))
                    .collect();
                let mine: Vec<Problem> = report
                    .problems
                    .iter()
                    .filter(|p| shown.contains(&p.path))
                    .cloned()
                    .collect();
                print_problems(&mine, self.log);
                self.say(&format!(
                    "rebuilt {} pages in {:.0} ms ({} errors, {} warnings in the whole site)",
                    report.pages,
                    started.elapsed().as_secs_f64() * 1000.0,
                    report.errors(),
                    report.warnings()
                ));
                self.live.published(LiveEvent::Reload {}, mine);
            }
            Err(error) => {
                let problems = build_error_problems(&error, &self.options);
                self.refuse(
                    problems,
                    "the build failed; still serving the last good site",
                );
            }
        }
    }

    /// Reads the front matter of every changed or still-broken post: a post the
    /// build would drop for an error is a bad edit, and the old site stays.
    /// Posts that now read cleanly (or are gone) leave the broken set.
    fn check_posts(&mut self) -> Vec<Problem> {
        let Ok(config) = build::load_config(&self.options) else {
            return Vec::new(); // The build reports the config itself.
        };
        let mut problems = Vec::new();
        let candidates = std::mem::take(&mut self.broken);
        for path in candidates {
            if !path.starts_with(&self.options.content) || !load::is_post_file(&path) {
                continue;
            }
            if !path.is_file() {
                continue;
            }
            let errors = post_errors(&path, &self.options.root, &config.timezone);
            if !errors.is_empty() {
                problems.extend(errors);
                self.broken.insert(path);
            }
        }
        problems
    }

    /// Copies changed static files that are the ones the site uses into the
    /// served site. `None` when a copy cannot stand in for a build.
    fn copy_statics(&self, changed: &[PathBuf]) -> anyhow::Result<Option<Vec<String>>> {
        let config = build::load_config(&self.options)?;
        let theme = theme::load(&self.options.root, &config.theme)?;
        let mut copied = Vec::new();
        for path in changed {
            if classify(&[path], &self.layout) == Change::Ignore {
                continue;
            }
            if !path.is_file() {
                return Ok(None);
            }
            let used = theme
                .statics
                .iter()
                .find(|(_, asset)| matches!(asset, Asset::Disk(p) if p == path));
            // Not used: overridden by a file of the same name, or hidden.
            let Some((relative, _)) = used else { continue };
            let target = crate::paths::join_inside(&self.options.output, relative)?;
            replace_file(path, &target)?;
            copied.push(relative.clone());
        }
        Ok(Some(copied))
    }

    fn refuse(&self, problems: Vec<Problem>, what: &str) {
        print_problems(&problems, self.log);
        self.say(what);
        self.live.refused(problems);
    }

    fn say(&self, line: &str) {
        if self.log {
            eprintln!("{line}");
        }
    }
}

/// The errors that would keep the post at `path` out of the site.
fn post_errors(path: &Path, root: &Path, timezone: &jiff::tz::TimeZone) -> Vec<Problem> {
    let (source, problems) = load::read_one(path, &shown_path(path, root));
    let Some(source) = source else {
        return problems.into_iter().filter(Problem::is_error).collect();
    };
    match crate::frontmatter::parse(&source, timezone) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().filter(Problem::is_error).collect(),
    }
}

/// Writes `target` from `source` through a temporary file and a rename, so a
/// request never sees half a file.
fn replace_file(source: &Path, target: &Path) -> anyhow::Result<()> {
    let folder = target.parent().unwrap_or(target);
    std::fs::create_dir_all(folder)?;
    let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
    std::io::copy(&mut std::fs::File::open(source)?, &mut temporary)?;
    temporary.persist(target)?;
    Ok(())
}

fn print_problems(problems: &[Problem], log: bool) {
    if log {
        crate::cli::print_problems(problems);
    }
}
