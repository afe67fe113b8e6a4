//! A non-strict build of 1,000 randomly mutated real posts: byte flips, cuts,
//! doubled or missing `---` fences, NULs, invalid UTF-8 and huge lines. It must
//! finish (no panic, no hang) and account for every post: built, or named in a
//! problem. Mutations are seeded, so a failure replays exactly.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use gazette::build::{analyse, build, BuildOptions, BuildReport};

const POSTS: usize = 1000;
const SEED: u64 = 0x0067_617a_6574_7465;

/// SplitMix64: tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let dirs: Vec<PathBuf> = match common::shared_dir() {
        Some(shared) => vec![shared.join("corpus/rsshub-page")],
        None => {
            eprintln!("using the seeds in content/ instead");
            vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content")]
        }
    };
    let mut seeds: Vec<Vec<u8>> = dirs
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(d).sort_by_file_name())
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    assert!(!seeds.is_empty());
    seeds.sort();
    seeds
}

fn fence_lines(bytes: &[u8]) -> Vec<usize> {
    let mut at = 0;
    let mut found = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"---") {
            found.push(at);
        }
        at += line.len();
    }
    found
}

/// One to four mutations of `post`.
fn mutate(mut post: Vec<u8>, rng: &mut Rng) -> Vec<u8> {
    for _ in 0..=rng.below(4) {
        let len = post.len().max(1);
        match rng.below(9) {
            0 => {
                for _ in 0..=rng.below(16) {
                    let at = rng.below(len).min(post.len().saturating_sub(1));
                    if let Some(b) = post.get_mut(at) {
                        *b ^= 1 << rng.below(8);
                    }
                }
            }
            1 => post.truncate(rng.below(len)),
            2 => {
                let fences = fence_lines(&post);
                if let Some(&at) = fences.get(rng.below(fences.len())) {
                    post.splice(at..at, b"---\n".iter().copied());
                }
            }
            3 => {
                let fences = fence_lines(&post);
                if let Some(&at) = fences.get(rng.below(fences.len())) {
                    post.drain(at..(at + 3).min(post.len()));
                }
            }
            4 => {
                let at = rng.below(len).min(post.len());
                post.splice(at..at, [0u8; 3]);
            }
            5 => {
                let at = rng.below(len).min(post.len());
                let bad: &[u8] =
                    [&b"\xff\xfe"[..], b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80"][rng.below(4)];
                post.splice(at..at, bad.iter().copied());
            }
            6 => {
                let at = rng.below(len).min(post.len());
                let line = vec![b"ax\"':-<"[rng.below(7)]; 20_000 + rng.below(80_000)];
                post.splice(at..at, line);
            }
            7 => {
                // Duplicate a random slice (repeated keys, repeated tags).
                let start = rng.below(len).min(post.len());
                let end = (start + rng.below(400)).min(post.len());
                let copy = post[start..end].to_vec();
                post.splice(start..start, copy);
            }
            _ => {
                let at = rng.below(len).min(post.len());
                let noise: &[u8] = [
                    &b"\n  - - [\n"[..],
                    b": : :",
                    b"\t\r\n",
                    b"'''",
                    b"{{ }}",
                    b"\xef\xbb\xbf",
                ][rng.below(6)];
                post.splice(at..at, noise.iter().copied());
            }
        }
    }
    post
}

fn write_posts(content: &Path) -> Vec<PathBuf> {
    let seeds = seeds();
    let mut rng = Rng(SEED);
    (0..POSTS)
        .map(|n| {
            let seed = seeds[rng.below(seeds.len())].clone();
            let path = content.join(format!("m{n:04}.md"));
            std::fs::write(&path, mutate(seed, &mut rng)).unwrap();
            PathBuf::from(format!("content/m{n:04}.md"))
        })
        .collect()
}

#[test]
fn mutated_posts_never_panic_or_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    std::fs::create_dir_all(root.join("content")).unwrap();
    let files = write_posts(&root.join("content"));
    let mut options = BuildOptions::for_root(&root);
    // Everything readable is published, so each post is either built or named.
    options.future = true;
    options.drafts = true;

    let (done, finished) = mpsc::channel();
    let worker_options = options.clone();
    std::thread::spawn(move || {
        let outcome =
            std::panic::catch_unwind(|| build(&worker_options).map_err(|e| e.to_string()));
        let _ = done.send(outcome);
    });
    let outcome = finished
        .recv_timeout(Duration::from_secs(600))
        .expect("the build hung for 10 minutes");
    let report = outcome
        .expect("the build panicked")
        .expect("the build failed");

    // Which posts made it, by their source path.
    let config = gazette::build::load_config(&options).unwrap();
    let theme = gazette::theme::load(&root, &config.theme).unwrap();
    let mut again = BuildReport::default();
    let analysis = analyse(&options, &config, &theme, &mut again, |d| d.path.clone());
    let built: HashSet<&PathBuf> = analysis.index.posts.iter().map(|p| &p.source).collect();
    let named: HashSet<&PathBuf> = report.problems.iter().map(|p| &p.path).collect();
    let lost: Vec<&PathBuf> = files
        .iter()
        .filter(|f| !built.contains(f) && !named.contains(f))
        .collect();
    assert!(lost.is_empty(), "neither built nor named: {lost:?}");
    assert!(
        report.posts > POSTS / 10,
        "only {} posts built",
        report.posts
    );
    eprintln!(
        "{} of {POSTS} mutated posts built; {} errors, {} warnings",
        report.posts,
        report.errors(),
        report.warnings()
    );
}
