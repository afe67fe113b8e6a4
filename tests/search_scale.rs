//! Index size and per-query download at archive scale. Ignored by default; run on
//! a generated corpus:
//!
//! ```sh
//! python3 ../shared/bench/gen_corpus.py 10000 /tmp/g10k
//! GAZETTE_SEARCH_CORPUS=/tmp/g10k GAZETTE_SEARCH_OUT=/tmp/g10k-site \
//!   cargo test --release --test search_scale -- --ignored --nocapture
//! ```
//!
//! `GAZETTE_SEARCH_OUT` writes the index and runs sample queries through
//! `search.js` under node; `GAZETTE_SEARCH_PAGES=1` also writes bare article pages,
//! so snippet fetches are counted; `GAZETTE_SEARCH_RUNS=3` times the fastest of 3.

mod search_common;

use std::path::PathBuf;
use std::time::Instant;

use gazette::config::Config;
use gazette::search::build_index;

#[test]
#[ignore = "needs GAZETTE_SEARCH_CORPUS; prints measurements"]
fn measure_index_and_queries() {
    let Some(corpus) = std::env::var_os("GAZETTE_SEARCH_CORPUS").map(PathBuf::from) else {
        eprintln!("skipped: set GAZETTE_SEARCH_CORPUS");
        return;
    };
    let config = Config::parse("timezone = \"Asia/Shanghai\"", "c").unwrap();
    let started = Instant::now();
    let posts = search_common::load_dir(&corpus, &config);
    println!("loaded {} posts in {:.2?}", posts.len(), started.elapsed());
    let text_bytes: usize = posts.iter().map(|p| p.text.len()).sum();
    println!("body text: {:.1} MB", text_bytes as f64 / 1e6);

    let docs = search_common::search_docs(&posts);
    let runs: usize = std::env::var("GAZETTE_SEARCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut fastest = std::time::Duration::MAX;
    let mut files = Vec::new();
    for _ in 0..runs.max(1) {
        drop(files);
        let started = Instant::now();
        files = build_index(&config, &docs);
        fastest = fastest.min(started.elapsed());
    }
    println!("build_index: {fastest:.2?} (fastest of {runs})");

    let size = |prefix: &str| -> (usize, usize, usize) {
        let matching: Vec<usize> = files
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, b)| b.len())
            .collect();
        (
            matching.len(),
            matching.iter().sum(),
            matching.iter().copied().max().unwrap_or(0),
        )
    };
    for prefix in ["search/terms/", "search/docs/"] {
        let (count, total, largest) = size(prefix);
        println!(
            "{prefix}: {count} files, {:.1} MB, average {:.1} KB, largest {:.1} KB",
            total as f64 / 1e6,
            total as f64 / count.max(1) as f64 / 1e3,
            largest as f64 / 1e3
        );
    }
    let (_, total, _) = size("search/");
    println!("index total: {:.1} MB", total as f64 / 1e6);

    let Some(out) = std::env::var_os("GAZETTE_SEARCH_OUT").map(PathBuf::from) else {
        return;
    };
    let _ = std::fs::remove_dir_all(out.join("search"));
    search_common::write_index(&config, &posts, &out);
    if std::env::var_os("GAZETTE_SEARCH_PAGES").is_some() {
        search_common::write_article_pages(&posts, &out);
    }
    let queries = [
        "阿里云",
        "篓子",
        "LOG4J",
        "的",
        "游戏",
        "守望先锋",
        "Linkerd 服务网格",
        "kubernetes",
    ];
    if let Some(results) = search_common::run_queries(&out, &queries) {
        for r in results {
            println!(
                "{:<18} hits {:>6}  files {:>2}  fetched {:>7.1} KB (shards {:.1} KB, docs {:.1} KB, {} article pages {:.1} KB)",
                r["query"].as_str().unwrap(),
                r["hits"],
                r["files"],
                r["bytes"].as_f64().unwrap() / 1e3,
                r["shardBytes"].as_f64().unwrap() / 1e3,
                r["docBytes"].as_f64().unwrap() / 1e3,
                r["pages"],
                r["pageBytes"].as_f64().unwrap() / 1e3,
            );
        }
    }
}
