//! Per-stage benchmarks over a synthetic archive (`../shared/bench/gen_corpus.py`),
//! so a change to one stage can be measured without the noise of a whole build.
//!
//! `cargo bench --bench stages` (set GAZETTE_BENCH_POSTS to change the size).

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;

use gazette::clean::CleanOptions;
use gazette::config::Config;
use gazette::{frontmatter, index, load, plan, prepare, render, theme};

fn corpus() -> Option<PathBuf> {
    let posts: usize = std::env::var("GAZETTE_BENCH_POSTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    if !shared.exists() {
        eprintln!("skipped: ../shared/bench not found");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("gazette-bench-corpus-{posts}"));
    if !dir.exists() {
        let status = Command::new("python3")
            .arg(&shared)
            .arg(posts.to_string())
            .arg(&dir)
            .status()
            .ok()?;
        assert!(status.success(), "gen_corpus.py failed");
    }
    Some(dir)
}

fn stages(c: &mut Criterion) {
    let Some(dir) = corpus() else { return };
    let config = Config::parse("timezone = \"Asia/Shanghai\"", "bench").unwrap();
    let (files, _) = load::find_posts(&dir, &dir);
    let (sources, _) = load::read_all(&files, &dir);
    let bytes: u64 = sources.iter().map(|s| s.text.len() as u64).sum();
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));

    group.bench_function("load", |b| b.iter(|| load::read_all(&files, &dir)));
    group.bench_function("front matter", |b| {
        b.iter(|| {
            sources
                .par_iter()
                .map(|s| frontmatter::parse(s, &config.timezone))
                .count()
        })
    });
    let drafts: Vec<_> = sources
        .iter()
        .filter_map(|s| frontmatter::parse(s, &config.timezone).ok())
        .map(|(d, _)| d)
        .collect();
    let options = CleanOptions::from_config(&config);
    group.bench_function("clean", |b| {
        b.iter(|| {
            drafts
                .par_iter()
                .map(|d| prepare::prepare(d.clone(), &options))
                .count()
        })
    });
    let posts: Vec<_> = drafts
        .into_par_iter()
        .map(|d| prepare::prepare(d, &options))
        .collect();
    group.bench_function("index", |b| b.iter(|| index::build(posts.clone(), &config)));
    let indexed = index::build(posts, &config);
    let jobs = plan::plan(&indexed.index, config.paginate, true);
    let site_theme = theme::load(Path::new(env!("CARGO_MANIFEST_DIR")), "default").unwrap();
    let tera = render::compile(&site_theme).unwrap();
    let renderer = || render::Renderer::new(&tera, &config, &indexed.index, &indexed.posts);
    group.bench_function("render", |b| {
        b.iter(|| {
            // A new renderer each time: it keeps every post's card once rendered.
            let renderer = renderer();
            jobs.par_iter()
                .map(|j| renderer.render(j).map(|p| p.bytes.len()))
                .count()
        })
    });
    let renderer = renderer();
    let pages: Vec<_> = jobs
        .iter()
        .filter_map(|j| renderer.render(j).ok())
        .collect();
    group.bench_function("write", |b| {
        b.iter(|| {
            let out = tempfile::tempdir().unwrap();
            let staging = gazette::write::Staging::begin(&out.path().join("public")).unwrap();
            pages.par_iter().for_each(|p| {
                staging.write(&p.path, &p.bytes).unwrap();
            });
            staging.commit().unwrap();
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
