//! `gazette schedule`: a long-running rebuild loop for archives that grow all day.
//! It rebuilds on an interval and also at the moment the next future-dated post
//! becomes due, logs one line per run, keeps the last good site when a build
//! fails, and stops cleanly on SIGTERM or SIGINT, even in the middle of a build.

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use jiff::{SignedDuration, Timestamp};
use tokio::signal::unix::{signal, SignalKind};

use crate::build::{self, BuildReport};
use crate::cli::SiteArgs;

#[derive(Debug, Clone, Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// How often to rebuild, e.g. `15m`, `1h`, `90s`, `1h30m`.
    #[arg(long, default_value = "15m", value_parser = parse_every)]
    pub every: Duration,
    /// Build once, log the line, and exit (for trying the setup out).
    #[arg(long)]
    pub once: bool,
}

/// Longest a stopping loop waits for the build in progress to notice; after
/// that it exits anyway (the swap is atomic, so the site is whole either way).
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Reads `--every`: jiff's friendly durations (`15m`, `2h 30m`, `90 seconds`) or
/// ISO 8601 (`PT15M`); at least one second.
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let parsed: SignedDuration = text
        .trim()
        .parse()
        .map_err(|e| format!("{text:?} is not a duration like 15m, 1h or 90s ({e})"))?;
    let duration = Duration::try_from(parsed)
        .map_err(|_| format!("{text:?} is negative; give a positive interval"))?;
    if duration < Duration::from_secs(1) {
        return Err(format!("{text:?} is shorter than one second"));
    }
    Ok(duration)
}

/// When to build next: after `every`, or when the next held-back post is due if
/// that is sooner.
pub fn next_wake(now: Timestamp, every: Duration, next_due: Option<Timestamp>) -> Timestamp {
    let every = SignedDuration::try_from(every).unwrap_or(SignedDuration::MAX);
    let interval_end = now.checked_add(every).unwrap_or(Timestamp::MAX);
    match next_due {
        Some(due) if due < interval_end => due.max(now),
        _ => interval_end,
    }
}

pub fn run(args: &ScheduleArgs, verbose: u8) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the scheduler: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run_loop(args, verbose));
    // A build that ignored the stop request is abandoned here; its staging
    // directory is removed by the next build.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn run_loop(args: &ScheduleArgs, verbose: u8) -> ExitCode {
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(t), Ok(i)) => (t, i),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let mut options = args.site.options(false);
    options.stop = Some(stop.clone());
    let mut next_due = None;
    let mut first = true;
    loop {
        let started = Instant::now();
        let at = Timestamp::now();
        let mut running = tokio::task::spawn_blocking({
            let options = options.clone();
            move || build::build(&options)
        });
        let outcome = tokio::select! {
            done = &mut running => done,
            _ = terminate.recv() => return stop_mid_build(&stop, running, at, started).await,
            _ = interrupt.recv() => return stop_mid_build(&stop, running, at, started).await,
        };
        let succeeded = match outcome {
            Ok(Ok(report)) => {
                if first || verbose > 0 {
                    crate::cli::print_problems(&report.problems);
                }
                eprintln!("{}", log_line(at, &report, started.elapsed()));
                next_due = report.next_due;
                true
            }
            Ok(Err(e)) => {
                eprintln!("{}", failure_line(at, &e, started.elapsed()));
                false
            }
            Err(e) => {
                eprintln!("{} build crashed: {e}; the previous site stays", stamp(at));
                false
            }
        };
        first = false;
        if args.once {
            return if succeeded {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        let wake = next_wake(Timestamp::now(), args.every, next_due);
        tokio::select! {
            _ = tokio::time::sleep(until(wake)) => {}
            _ = terminate.recv() => return stopped(),
            _ = interrupt.recv() => return stopped(),
        }
    }
}

async fn stop_mid_build(
    stop: &AtomicBool,
    running: tokio::task::JoinHandle<anyhow::Result<BuildReport>>,
    at: Timestamp,
    started: Instant,
) -> ExitCode {
    stop.store(true, Ordering::Relaxed);
    eprintln!(
        "{} stopping: finishing or abandoning the build in progress",
        stamp(Timestamp::now())
    );
    match tokio::time::timeout(STOP_GRACE, running).await {
        Ok(Ok(Ok(report))) => eprintln!("{}", log_line(at, &report, started.elapsed())),
        Ok(_) => eprintln!(
            "{} build abandoned; the previous site stays",
            stamp(Timestamp::now())
        ),
        Err(_) => eprintln!(
            "{} the build did not stop within {} s; exiting, the previous site stays",
            stamp(Timestamp::now()),
            STOP_GRACE.as_secs()
        ),
    }
    stopped()
}

fn stopped() -> ExitCode {
    eprintln!("{} stopped", stamp(Timestamp::now()));
    ExitCode::SUCCESS
}

/// How long to sleep to wake at `wake`, rounded up so a due post is due.
fn until(wake: Timestamp) -> Duration {
    let left = wake.duration_since(Timestamp::now());
    Duration::try_from(left)
        .map(|d| d + Duration::from_millis(1))
        .unwrap_or_default()
}

fn stamp(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One line per run: when, what changed, what was written, how long, problems.
pub fn log_line(at: Timestamp, report: &BuildReport, took: Duration) -> String {
    let c = report.changes;
    let due = report
        .next_due
        .map(|d| format!("; next post due {}", stamp(d)))
        .unwrap_or_default();
    format!(
        "{} built: posts +{} ~{} -{} ({} published, {} held back); {} files written, {} unchanged; \
         {:.2} s; {} errors, {} warnings{due}",
        stamp(at),
        c.added,
        c.changed,
        c.removed,
        report.posts,
        report.held_back,
        report.files.written,
        report.files.kept,
        took.as_secs_f64(),
        report.errors(),
        report.warnings(),
    )
}

fn failure_line(at: Timestamp, error: &anyhow::Error, took: Duration) -> String {
    format!(
        "{} build failed after {:.2} s: {}; the previous site stays, retrying next run",
        stamp(at),
        took.as_secs_f64(),
        crate::render::error_chain(error.as_ref())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepts_friendly_and_iso_durations() {
        let ok = [
            ("15m", 900),
            ("1h", 3600),
            ("90s", 90),
            ("1h30m", 5400),
            ("2 hours", 7200),
            ("PT15M", 900),
        ];
        for (text, secs) in ok {
            assert_eq!(parse_every(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        for text in ["", "soon", "-5m", "0s", "500ms", "15"] {
            assert!(parse_every(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn wakes_at_the_interval_or_the_next_due_post() {
        let now: Timestamp = "2026-01-01T08:00:00Z".parse().unwrap();
        let at = |s: &str| -> Timestamp { s.parse().unwrap() };
        let every = Duration::from_secs(15 * 60);
        let cases = [
            (None, "2026-01-01T08:15:00Z"),
            (Some("2026-01-01T08:05:00Z"), "2026-01-01T08:05:00Z"),
            (Some("2026-01-01T09:00:00Z"), "2026-01-01T08:15:00Z"),
            (Some("2026-01-01T07:00:00Z"), "2026-01-01T08:00:00Z"),
        ];
        for (due, want) in cases {
            assert_eq!(next_wake(now, every, due.map(at)), at(want), "{due:?}");
        }
    }
}
