//! The cleaning stage alone, single-threaded, in MB/s of body HTML.
//!
//! `cargo bench --bench clean` reads ../shared/corpus/rsshub-page (the real posts);
//! without it, a synthetic corpus from ../shared/bench/gen_corpus.py (written to
//! the temp dir, never committed); without that, ../shared/seeds. Set
//! GAZETTE_CLEAN_BENCH_DIR to bench another directory of posts.

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use std::time::{Duration, Instant};

use gazette::clean::{self, CleanOptions, Ctx, Doc, PASSES};
use gazette::config::Config;
use gazette::{frontmatter, load};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")
}

fn posts_dir() -> Option<(PathBuf, &'static str)> {
    if let Some(dir) = std::env::var_os("GAZETTE_CLEAN_BENCH_DIR") {
        return Some((PathBuf::from(dir), "GAZETTE_CLEAN_BENCH_DIR"));
    }
    let corpus = shared().join("corpus/rsshub-page");
    if corpus.is_dir() {
        return Some((corpus, "real corpus"));
    }
    let generator = shared().join("bench/gen_corpus.py");
    if generator.exists() {
        let dir = std::env::temp_dir().join("gazette-clean-bench-500");
        let ok = dir.exists()
            || Command::new("python3")
                .arg(&generator)
                .arg("500")
                .arg(&dir)
                .status()
                .is_ok_and(|s| s.success());
        if ok {
            return Some((dir, "synthetic corpus"));
        }
    }
    let seeds = shared().join("seeds");
    seeds.is_dir().then_some((seeds, "seeds"))
}

/// (body, author) of every post whose front matter reads.
fn bodies(dir: &Path) -> Vec<(String, Option<String>)> {
    let mut files: Vec<PathBuf> = walk(dir);
    files.sort();
    let tz = jiff::tz::TimeZone::UTC;
    files
        .iter()
        .filter_map(|path| load::read_one(path, path).0)
        .filter_map(|source| frontmatter::parse(&source, &tz).ok())
        .map(|(draft, _)| (draft.body, draft.meta.author))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "md" || e == "txt" || e == "html")
            {
                out.push(path);
            }
        }
    }
    out
}

fn clean_stage(c: &mut Criterion) {
    let Some((dir, label)) = posts_dir() else {
        eprintln!("skipped: no ../shared corpus, generator or seeds");
        return;
    };
    let posts = bodies(&dir);
    let bytes: u64 = posts.iter().map(|(b, _)| b.len() as u64).sum();
    eprintln!(
        "clean bench: {} posts, {:.2} MB of body HTML from the {label} ({})",
        posts.len(),
        bytes as f64 / 1e6,
        dir.display()
    );
    let options = CleanOptions::from_config(&Config::default());
    // The highlighter's syntax set loads once per process; keep it out of the figure.
    let _ = clean::clean("<pre class=\"lang-rust\">fn x() {}</pre>", &options, None);

    pass_breakdown(&posts, &options);

    let mut group = c.benchmark_group("clean");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("all passes + sanitiser", |b| {
        b.iter(|| {
            posts
                .iter()
                .map(|(body, author)| clean::clean(body, &options, author.as_deref()).html.len())
                .sum::<usize>()
        })
    });
    group.bench_function("parse + serialise only", |b| {
        b.iter(|| {
            posts
                .iter()
                .map(|(body, _)| Doc::parse(body).serialize().len())
                .sum::<usize>()
        })
    });
    let serialised: Vec<String> = posts
        .iter()
        .map(|(body, _)| Doc::parse(body).serialize())
        .collect();
    group.bench_function("configured sanitiser only", |b| {
        b.iter(|| {
            serialised
                .iter()
                .map(|html| clean::sanitize(html, &options).len())
                .sum::<usize>()
        })
    });
    group.bench_function("ammonia::clean only", |b| {
        b.iter(|| {
            posts
                .iter()
                .map(|(body, _)| ammonia::clean(body).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// Where the time goes: parse, each pass, and the rest (extract, serialise,
/// sanitise), summed over 20 rounds of the corpus. Printed, not asserted.
fn pass_breakdown(posts: &[(String, Option<String>)], options: &CleanOptions) {
    let rounds = 20;
    let mut parse = Duration::ZERO;
    let mut passes = vec![Duration::ZERO; PASSES.len()];
    let mut whole = Duration::ZERO;
    for _ in 0..rounds {
        for (body, author) in posts {
            let start = Instant::now();
            let mut doc = Doc::parse(body);
            parse += start.elapsed();
            let mut ctx = Ctx {
                options,
                author: author.as_deref(),
                warnings: Vec::new(),
            };
            for (i, pass) in PASSES.iter().enumerate() {
                let start = Instant::now();
                (pass.run)(&mut doc, &mut ctx);
                passes[i] += start.elapsed();
            }
            let start = Instant::now();
            let _ = clean::clean(body, options, author.as_deref());
            whole += start.elapsed();
        }
    }
    // The best of a few extra rounds: on a shared, loaded machine the minimum
    // is the figure least disturbed by other processes.
    let bytes: usize = posts.iter().map(|(b, _)| b.len()).sum();
    let best = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for (body, author) in posts {
                let _ = clean::clean(body, options, author.as_deref());
            }
            start.elapsed()
        })
        .min()
        .unwrap_or_default();
    eprintln!(
        "best round: {:.2} ms = {:.1} MB/s single-threaded",
        best.as_secs_f64() * 1000.0,
        bytes as f64 / 1e6 / best.as_secs_f64()
    );
    let rest = whole.saturating_sub(parse + passes.iter().sum::<Duration>());
    let ms = |d: Duration| d.as_secs_f64() * 1000.0 / rounds as f64;
    eprintln!("per round of the corpus (ms): whole clean {:.2}", ms(whole));
    eprintln!("  parse {:.2}", ms(parse));
    for (pass, d) in PASSES.iter().zip(&passes) {
        eprintln!("  {} {:.2}", pass.name, ms(*d));
    }
    eprintln!("  extract + serialise + sanitise {:.2}", ms(rest));
}

criterion_group!(benches, clean_stage);
criterion_main!(benches);
