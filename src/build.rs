//! The build spine: each stage in order, timed, with every problem collected.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::bail;
use rayon::prelude::*;

use crate::cache::pages::PageManifest;
use crate::clean::CleanOptions;
use crate::config::Config;
use crate::lock::{BuildLock, IfLocked};
use crate::model::{Draft, Post};
use crate::problem::Problem;
use crate::published::{PostChanges, Published};
use crate::render::Renderer;
use crate::write::Staging;
use crate::{cache, frontmatter, index, load, plan, prepare, render, theme, write};

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
    /// What to do when another build of the same site holds its lock.
    pub if_locked: IfLocked,
    /// Reuse what earlier builds left in `<root>/.gazette/` (`--no-cache` turns it off).
    pub cache: bool,
    /// Set from outside (a signal) to stop the build between stages; the
    /// previous site is then left as it was.
    pub stop: Option<Arc<AtomicBool>>,
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
            if_locked: IfLocked::Wait,
            cache: true,
            stop: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub posts: usize,
    pub held_back: usize,
    pub pages: usize,
    pub problems: Vec<Problem>,
    /// Each stage's wall time and the process's peak memory when it ended.
    pub timings: Vec<StageTiming>,
    /// When the earliest held-back future post becomes due (drafts never are).
    pub next_due: Option<jiff::Timestamp>,
    /// Published posts added, changed and removed since the last completed build.
    pub changes: PostChanges,
    /// Output files written, and kept because their bytes had not changed.
    pub files: write::Written,
    /// Post files read and parsed (the others came from the cache).
    pub posts_parsed: usize,
    /// Pages rendered (the others' inputs were unchanged).
    pub pages_rendered: usize,
    /// Pages whose render input was built to see whether it changed.
    pub pages_examined: usize,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    pub fn timed<T>(&mut self, stage: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        self.timings.push(StageTiming {
            stage,
            time: start.elapsed(),
            peak_rss: peak_rss(),
        });
        out
    }
}

#[derive(Debug, Clone, Copy)]
pub struct StageTiming {
    pub stage: &'static str,
    pub time: Duration,
    /// Peak resident memory so far, in bytes, where the OS tells (Linux).
    pub peak_rss: Option<u64>,
}

/// `VmHWM` of `/proc/self/status`: which stage raises the peak is what matters
/// for big archives, and only the kernel knows it without instrumenting allocations.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
    let setup = Setup::open(options)?;
    let mut site = cache::analyse(options, &setup.config, &setup.theme, &mut report);
    stop_requested(options)?;
    let staging = Staging::begin(&setup.output)?.recorded_in(&options.root, options.cache);
    let manifest = write_site(options, &setup, &mut site, &staging, &mut report)?;
    if options.strict && !report.problems.is_empty() {
        bail!(StrictFailure(report));
    }
    publish(options, staging, manifest, &mut report)?;
    drop_in_background(site);
    Ok(report)
}

/// Frees `value` on a thread of its own. Freeing every post, page and job took
/// 6 % of a one-post edit's CPU time, all of it after the swap and before the
/// process could exit: a one-shot build now exits without waiting for it, and
/// `serve` and `schedule` free it while they wait for the next build.
fn drop_in_background<T: Send + 'static>(value: T) {
    // Should no thread start, the closure, and the value with it, is dropped here.
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
}

/// What every stage reads and nothing changes: the config, the checked output
/// path, the theme and its compiled templates. Holds the site's build lock.
struct Setup {
    config: Config,
    output: PathBuf,
    theme: theme::Theme,
    tera: tera::Tera,
    _lock: BuildLock,
}

impl Setup {
    fn open(options: &BuildOptions) -> anyhow::Result<Setup> {
        let config = load_config(options)?;
        ensure_content_dir(options)?;
        let output = write::check_output(&options.output, &options.root, &options.content)?;
        let lock = BuildLock::acquire(&options.root, options.if_locked, |path| {
            tracing::warn!(
                "waiting for another build of this site to finish (lock {})",
                path.display()
            )
        })?;
        write::remove_stale_staging(&output)?;
        let theme = theme::load(&options.root, &config.theme)?;
        let tera = render::compile(&theme)?;
        Ok(Setup {
            config,
            output,
            theme,
            tera,
            _lock: lock,
        })
    }
}

/// Renders and stages every page, feed, search file and theme asset, keeping
/// those whose inputs did not change; returns what the next build compares to.
fn write_site(
    options: &BuildOptions,
    setup: &Setup,
    site: &mut Analysis<()>,
    staging: &Staging,
    report: &mut BuildReport,
) -> anyhow::Result<PageManifest> {
    let stop = || stop_requested(options);
    let with_search = setup.theme.templates.contains_key("search.html");
    let renderer = Renderer::new(&setup.tera, &setup.config, &site.index, &site.posts);
    let old_pages = match options.cache {
        true => report.timed("load manifest", || PageManifest::load(&options.root)),
        false => PageManifest::default(),
    };
    let keys = cache::pages::Keys::new(&setup.config, &setup.theme, &site.published, &renderer);
    // Feeds and search need none of the pages: they are made while pages render,
    // so their serial parts (merging the index, the sitemap) fill idle cores.
    let (pages, extras) = report.timed("render+write, feeds+search", || {
        rayon::join(
            || {
                cache::pages::render_and_write(
                    &renderer,
                    &site.jobs,
                    staging,
                    &old_pages,
                    &keys,
                    || Ok(stop()?),
                    options.progress,
                )
            },
            || {
                cache::pages::write_extras(&old_pages, &keys.site, staging, || {
                    render::extras(&setup.config, site, with_search)
                })
            },
        )
    });
    let (pages, extras) = (pages?, extras?);
    report.pages_rendered = pages.rendered;
    report.pages_examined = pages.examined;
    report.pages = site.jobs.len() + extras.len();
    stop()?;
    drop(old_pages);
    report.timed("static", || copy_statics(&setup.theme, staging))?;
    stop()?;
    Ok(PageManifest {
        site_key: keys.site,
        pages: pages.pages,
        extras,
        structure_key: keys.structure,
        published: site.published.clone(),
    })
}

/// Swaps the staged site in, then records the build for the next one. A record
/// that cannot be saved costs the next build its cache, not this one its site.
fn publish(
    options: &BuildOptions,
    staging: Staging,
    manifest: PageManifest,
    report: &mut BuildReport,
) -> anyhow::Result<()> {
    let before = Published::load(&options.root);
    report.files = staging.counts();
    report.timed("swap", || staging.commit())?;
    report.changes = before.changes_to(&manifest.published);
    let saved = manifest
        .published
        .save(&options.root)
        .and_then(|()| manifest.save(&options.root));
    if let Err(e) = saved {
        tracing::warn!("cannot record this build in .gazette/: {e}");
    }
    drop_in_background(manifest);
    Ok(())
}

/// The build was asked to stop (SIGTERM, SIGINT); nothing was published.
#[derive(Debug, thiserror::Error)]
#[error("stopped before the build was complete; the previous site was left in place")]
pub struct Stopped;

fn stop_requested(options: &BuildOptions) -> Result<(), Stopped> {
    match &options.stop {
        Some(flag) if flag.load(Ordering::Relaxed) => Err(Stopped),
        _ => Ok(()),
    }
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
    /// Every published post's source and its hash.
    pub published: Published,
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
    let source_hashes: std::collections::HashMap<&std::path::Path, [u8; 32]> = sources
        .par_iter()
        .map(|s| {
            (
                s.path.as_path(),
                *blake3::hash(s.text.as_bytes()).as_bytes(),
            )
        })
        .collect();

    let (drafts, problems) = report.timed("front matter", || parse_all(&sources, config));
    report.problems.extend(problems);

    let now = jiff::Zoned::now().with_time_zone(config.timezone.clone());
    let selection = prepare::Selection {
        now: &now,
        future: options.future,
        drafts: options.drafts,
    };
    let (published_drafts, held): (Vec<_>, Vec<_>) = drafts
        .into_iter()
        .partition(|d| prepare::held_back(d, &selection).is_none());
    report.held_back = held.len();
    let published = Published(
        published_drafts
            .iter()
            .filter_map(|d| Some((d.path.clone(), *source_hashes.get(d.path.as_path())?)))
            .collect(),
    );
    drop(source_hashes);
    drop(sources);
    report.next_due = held
        .iter()
        .filter(|d| prepare::held_back(d, &selection) == Some("future"))
        .map(|d| d.date.timestamp())
        .min();
    let clean_options = CleanOptions::from_config(config);
    let (prepared, inspected): (Vec<_>, Vec<_>) = report.timed("clean", || {
        published_drafts
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
    index_and_plan(posts, inspected, published, config, theme, report)
}

/// The last reading stages, over the published posts: index and plan.
pub fn index_and_plan<T>(
    posts: Vec<Post>,
    inspected: Vec<T>,
    published: Published,
    config: &Config,
    theme: &theme::Theme,
    report: &mut BuildReport,
) -> Analysis<T> {
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
        published,
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

/// `--strict` refused to publish; the report says why.
#[derive(Debug, thiserror::Error)]
#[error("--strict: {} problem(s) found; the previous site was left in place", .0.problems.len())]
pub struct StrictFailure(pub BuildReport);
