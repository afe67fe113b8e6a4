//! The command line: argument parsing, logging, the summary line, exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build::{self, BuildOptions, BuildReport, StrictFailure};
use crate::problem::Problem;

#[derive(Debug, Parser)]
#[command(
    name = "gazette",
    version,
    about = "A fast static-site generator for big news archives"
)]
pub struct Cli {
    /// More detail: per-stage timings (-v), debug logs (-vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print only problems and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory.
    Build(SiteArgs),
    /// Preview: build into a temporary folder, serve it, rebuild and reload on every change.
    Serve(ServeArgs),
    /// Rebuild on an interval and whenever a future-dated post becomes due.
    Schedule(crate::schedule::ScheduleArgs),
    /// Check posts, config, templates and links without writing anything;
    /// exit status 1 when there is any error.
    Check(SiteArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Loopback keeps the preview to this machine.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

/// Where the site is and what to publish; shared by every command that builds.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// The site directory.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where posts are read from [default: <root>/content].
    #[arg(long)]
    pub content: Option<PathBuf>,
    /// Where the site is written [default: <root>/public].
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The config file [default: <root>/config.toml].
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Publish posts dated in the future.
    #[arg(long)]
    pub future: bool,
    /// Publish drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Fail on any per-file problem, keeping the previous site.
    #[arg(long)]
    pub strict: bool,
    /// Override the config's base_url.
    #[arg(long)]
    pub base_url: Option<String>,
    /// When another build of this site is running, exit at once instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
    /// Ignore what earlier builds left in <root>/.gazette/: parse and render everything.
    #[arg(long)]
    pub no_cache: bool,
}

impl SiteArgs {
    pub fn options(&self, progress: bool) -> BuildOptions {
        let mut options = BuildOptions::for_root(&self.root);
        if let Some(c) = &self.content {
            options.content = c.clone();
        }
        if let Some(o) = &self.output {
            options.output = o.clone();
        }
        if let Some(c) = &self.config {
            options.config = c.clone();
        }
        options.future = self.future;
        options.drafts = self.drafts;
        options.strict = self.strict;
        options.base_url = self.base_url.clone();
        options.progress = progress;
        options.cache = !self.no_cache;
        if self.no_wait {
            options.if_locked = crate::lock::IfLocked::Fail;
        }
        options
    }
}

pub fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0 | 1) => "warn",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GAZETTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}

pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.verbose, cli.quiet);
    match cli.command {
        Command::Build(args) => run_build(&args, cli.verbose, cli.quiet),
        Command::Serve(args) => crate::serve::command::run(&args, cli.quiet),
        Command::Schedule(args) => crate::schedule::run(&args, cli.verbose),
        Command::Check(args) => crate::check::run(&args, cli.quiet),
    }
}

fn run_build(args: &SiteArgs, verbose: u8, quiet: bool) -> ExitCode {
    let started = std::time::Instant::now();
    match build::build(&args.options(!quiet)) {
        Ok(report) => {
            print_report(&report, verbose, quiet, started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            if let Some(StrictFailure(report)) = e.downcast_ref::<StrictFailure>() {
                print_report(report, verbose, quiet, started.elapsed());
            }
            eprintln!("error: {}", crate::render::error_chain(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

pub fn print_problems(problems: &[Problem]) {
    let mut sorted: Vec<&Problem> = problems.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    for p in sorted {
        eprintln!("{p}");
    }
}

pub fn print_report(report: &BuildReport, verbose: u8, quiet: bool, elapsed: std::time::Duration) {
    print_problems(&report.problems);
    if verbose > 0 {
        for timing in &report.timings {
            let peak = timing
                .peak_rss
                .map(|bytes| format!("   peak {:>6} MB", bytes / (1 << 20)))
                .unwrap_or_default();
            eprintln!(
                "  {:<28} {:>8.1} ms{peak}",
                timing.stage,
                timing.time.as_secs_f64() * 1000.0
            );
        }
    }
    if !quiet {
        let held = if report.held_back > 0 {
            format!(" ({} held back: drafts or future)", report.held_back)
        } else {
            String::new()
        };
        eprintln!(
            "built {} posts{held}, {} pages: {} files written, {} unchanged; \
             {} errors, {} warnings; {:.2} s",
            report.posts,
            report.pages,
            report.files.written,
            report.files.kept,
            report.errors(),
            report.warnings(),
            elapsed.as_secs_f64()
        );
    }
}
