//! The build spine: each stage in order, timed, with every problem collected.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use rayon::prelude::*;

use crate::clean::CleanOptions;
use crate::config::Config;
use crate::model::{Draft, Post};
use crate::problem::Problem;
use crate::render::Renderer;
use crate::write::Staging;
use crate::{frontmatter, index, load, plan, prepare, render, theme, write};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub content: PathBuf,
    pub output: PathBuf,
    pub config: PathBuf,
    pub future: bool,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Any per-file problem fails the build and keeps the previous site.
    pub strict: bool,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
}

impl BuildOptions {
    /// Defaults for a site at `root`: `content/`, `public/` and `config.toml` inside it.
    pub fn for_root(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            content: root.join("content"),
            output: root.join("public"),
            config: root.join("config.toml"),
            root,
            future: false,
            drafts: false,
            base_url: None,
            strict: false,
            progress: false,
        }
    }
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub posts: usize,
    pub held_back: usize,
    pub pages: usize,
    pub problems: Vec<Problem>,
    pub timings: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    fn timed<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        self.timings.push((stage, start.elapsed()));
        out
    }
}

pub fn load_config(options: &BuildOptions) -> anyhow::Result<Config> {
    let mut config = Config::load(&options.config)?;
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    Ok(config)
}

/// Builds the site. Per-file problems are collected in the report, never fatal;
/// an `Err` means the site could not be built at all (bad config, theme, output).
pub fn build(options: &BuildOptions) -> anyhow::Result<BuildReport> {
    let mut report = BuildReport::default();
    let config = load_config(options)?;
    ensure_content_dir(options)?;
    let output = write::check_output(&options.output, &options.root, &options.content)?;
    let theme = theme::load(&options.root, &config.theme)?;
    let tera = render::compile(&theme)?;
    let site = analyse(options, &config, &theme, &mut report, |_| ());

    let staging = Staging::begin(&output)?;
    let renderer = Renderer::new(&tera, &config, &site.index, &site.posts);
    report.pages = report.timed("render+write", || {
        render_and_write(&renderer, &site.jobs, &staging, options.progress)
    })?;
    let with_search = theme.templates.contains_key("search.html");
    let extra_files = report.timed("feeds+search", || {
        render::extras(&config, &site.index, &site.posts, &site.jobs, with_search)
    });
    report.pages += extra_files.len();
    report.timed("write extras", || {
        extra_files
            .par_iter()
            .try_for_each(|(path, bytes)| staging.write(path, bytes))
    })?;
    report.timed("static", || copy_statics(&theme, &staging))?;
    if options.strict && !report.problems.is_empty() {
        bail!(StrictFailure(report));
    }
    report.timed("swap", || staging.commit())?;
    Ok(report)
}

pub fn ensure_content_dir(options: &BuildOptions) -> anyhow::Result<()> {
    if !options.content.is_dir() {
        bail!(
            "no content directory at {} (use --content DIR)",
            options.content.display()
        );
    }
    Ok(())
}

/// The site as planned: posts read, cleaned and indexed, and every page it will
/// have. Nothing is rendered or written.
pub struct Analysis<T> {
    pub index: index::Index,
    /// In index order (newest first), bodies included.
    pub posts: Vec<Post>,
    pub jobs: Vec<plan::PageJob>,
    /// What the caller's `inspect` returned for each published draft, in no set order.
    pub inspected: Vec<T>,
}

/// Runs every reading stage (load, front matter, selection, clean, index, plan),
/// timing each and adding its problems to `report`. `inspect` sees each published
/// draft before it is cleaned (`check` reads links from the raw bodies there).
pub fn analyse<T: Send>(
    options: &BuildOptions,
    config: &Config,
    theme: &theme::Theme,
    report: &mut BuildReport,
    inspect: impl Fn(&Draft) -> T + Sync,
) -> Analysis<T> {
    let sources = report.timed("load", || {
        let (files, mut problems) = load::find_posts(&options.content, &options.root);
        let (sources, mut more) = load::read_all(&files, &options.root);
        problems.append(&mut more);
        (sources, problems)
    });
    let (sources, problems) = sources;
    report.problems.extend(problems);

    let (drafts, problems) = report.timed("front matter", || parse_all(&sources, config));
    drop(sources);
    report.problems.extend(problems);

    let now = jiff::Zoned::now().with_time_zone(config.timezone.clone());
    let selection = prepare::Selection {
        now: &now,
        future: options.future,
        drafts: options.drafts,
    };
    let (published, held): (Vec<_>, Vec<_>) = drafts
        .into_iter()
        .partition(|d| prepare::held_back(d, &selection).is_none());
    report.held_back = held.len();
    let clean_options = CleanOptions::from_config(config);
    let (prepared, inspected): (Vec<_>, Vec<_>) = report.timed("clean", || {
        published
            .into_par_iter()
            .map(|d| {
                let seen = inspect(&d);
                (prepare::prepare_with_problems(d, &clean_options), seen)
            })
            .unzip()
    });
    let mut posts = Vec::with_capacity(prepared.len());
    for (post, problems) in prepared {
        posts.push(post);
        report.problems.extend(problems);
    }
    report.posts = posts.len();

    let indexed = report.timed("index", || index::build(posts, config));
    report.problems.extend(indexed.problems.iter().cloned());
    let jobs = report.timed("plan", || {
        plan::plan(
            &indexed.index,
            config.paginate,
            theme.templates.contains_key("search.html"),
        )
    });
    Analysis {
        index: indexed.index,
        posts: indexed.posts,
        jobs,
        inspected,
    }
}

fn copy_statics(theme: &theme::Theme, staging: &Staging) -> anyhow::Result<()> {
    for (relative, asset) in &theme.statics {
        staging.copy_asset(relative, asset)?;
    }
    Ok(())
}

fn parse_all(sources: &[load::Source], config: &Config) -> (Vec<Draft>, Vec<Problem>) {
    let results: Vec<_> = sources
        .par_iter()
        .map(|s| frontmatter::parse(s, &config.timezone))
        .collect();
    let mut drafts = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok((draft, warnings)) => {
                drafts.push(draft);
                problems.extend(warnings);
            }
            Err(errors) => problems.extend(errors),
        }
    }
    (drafts, problems)
}

/// Renders every page in parallel and writes it as soon as it is rendered, so
/// no more than a few pages are ever held in memory.
fn render_and_write(
    renderer: &Renderer,
    jobs: &[plan::PageJob],
    staging: &Staging,
    progress: bool,
) -> anyhow::Result<usize> {
    let bar = crate::progress::bar(jobs.len() as u64, progress);
    jobs.par_iter().try_for_each(|job| -> anyhow::Result<()> {
        let page = renderer.render(job)?;
        staging
            .write(&page.path, &page.bytes)
            .with_context(|| format!("writing {}", page.path))?;
        bar.inc(1);
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(jobs.len())
}

/// `--strict` refused to publish; the report says why.
#[derive(Debug, thiserror::Error)]
#[error("--strict: {} problem(s) found; the previous site was left in place", .0.problems.len())]
pub struct StrictFailure(pub BuildReport);
