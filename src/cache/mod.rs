//! Incremental builds: what earlier builds left in `<root>/.gazette/` and how a
//! build reuses it. Posts come from the post cache when their files are
//! unchanged ([`posts`]); pages whose render input is unchanged are linked from
//! the current output instead of rendered ([`pages`]). Both are checked against
//! the gazette version and discarded, never trusted, when damaged or foreign.

pub mod extras;
pub mod pages;
pub mod posts;
pub mod strings;

use crate::build::{index_and_plan, Analysis, BuildOptions, BuildReport};
use crate::config::Config;
use crate::prepare::{self, Selection};
use crate::published::Published;
use crate::theme::Theme;

/// [`crate::build::analyse`] through the post cache: reads and cleans only the
/// post files that changed since the last build, and saves the cache when
/// anything did. With `options.cache` off the stored cache is ignored (and
/// replaced).
pub fn analyse(
    options: &BuildOptions,
    config: &Config,
    theme: &Theme,
    report: &mut BuildReport,
) -> Analysis<()> {
    let old = report.timed("load cache", || {
        options
            .cache
            .then(|| posts::load_for(&options.root, config))
    });
    let read = report.timed("load+clean", || {
        posts::read(&options.content, &options.root, config, old)
    });
    report.posts_parsed = read.parsed;
    if read.changed {
        report.timed("save cache", || {
            if let Err(e) = posts::save(&options.root, &read) {
                tracing::warn!("cannot save the post cache: {e}");
            }
        });
    }
    report.problems.extend(read.problems);
    let mut cache = read.cache;

    let now = jiff::Zoned::now().with_time_zone(config.timezone.clone());
    let selection = Selection {
        now: &now,
        future: options.future,
        drafts: options.drafts,
    };
    let mut published = Vec::new();
    let mut posts = Vec::with_capacity(cache.entries.len());
    for (path, entry) in &mut cache.entries {
        report.problems.append(&mut entry.problems);
        let Some(post) = entry.post.take() else {
            continue;
        };
        match prepare::held_back_as(post.meta.draft, &post.date, &selection) {
            None => {
                published.push((path.clone(), entry.hash));
                posts.push(post);
            }
            Some(why) => {
                report.held_back += 1;
                if why == "future" {
                    let due = post.date.timestamp();
                    report.next_due = Some(report.next_due.map_or(due, |d| d.min(due)));
                }
            }
        }
    }
    drop(cache);
    // Found in walk order, so mostly sorted already: one cheap sort, not an
    // insert (many path comparisons) per post.
    let published = Published::from(published);
    let inspected = vec![(); posts.len()];
    index_and_plan(posts, inspected, published, config, theme, report)
}
