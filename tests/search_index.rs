//! The search index files, read back by an independent decoder written from the
//! format description in `src/search/mod.rs`.

use std::collections::BTreeMap;

use gazette::config::Config;
use gazette::model::{Link, PostRef};
use gazette::search::tokenize::query_terms;
use gazette::search::{build_index, SearchDoc, DOCS_PER_CHUNK, SNIPPET_SOURCE_CHARS};

fn varint(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let b = bytes[*at];
        *at += 1;
        value |= u64::from(b & 0x7F) << shift;
        shift += 7;
        if b < 0x80 {
            return value;
        }
    }
}

fn read_deltas(bytes: &[u8], at: &mut usize, docs: u64) -> Vec<(u64, bool)> {
    let mut next = 0;
    (0..docs)
        .map(|_| {
            let v = varint(bytes, at);
            let doc = next + (v >> 1);
            next = doc + 1;
            (doc, v & 1 == 1)
        })
        .collect()
}

fn read_bitmap(bytes: &[u8], at: &mut usize, end: usize) -> Vec<(u64, bool)> {
    let len = varint(bytes, at) as usize;
    let mut postings: Vec<(u64, bool)> = (0..len * 8)
        .filter(|d| bytes[*at + d / 8] & (1 << (d % 8)) != 0)
        .map(|d| (d as u64, false))
        .collect();
    *at += len;
    let mut next = 0;
    while *at < end {
        let title = next + varint(bytes, at);
        next = title + 1;
        postings
            .iter_mut()
            .find(|(d, _)| *d == title)
            .expect("title doc in bitmap")
            .1 = true;
    }
    postings
}

/// term → ([(doc, in_title)], stored as a bitmap) of one shard file.
fn read_shard(bytes: &[u8]) -> BTreeMap<String, (Vec<(u64, bool)>, bool)> {
    assert_eq!(&bytes[..4], b"GZS1");
    let mut at = 4;
    let mut terms = BTreeMap::new();
    for _ in 0..varint(bytes, &mut at) {
        let len = varint(bytes, &mut at) as usize;
        let term = String::from_utf8(bytes[at..at + len].to_vec()).unwrap();
        at += len;
        let docs = varint(bytes, &mut at);
        let header = varint(bytes, &mut at);
        let payload_end = (header >> 1) as usize + at;
        let postings = if header & 1 == 1 {
            read_bitmap(bytes, &mut at, payload_end)
        } else {
            read_deltas(bytes, &mut at, docs)
        };
        assert_eq!(postings.len() as u64, docs, "{term}");
        assert_eq!(at, payload_end, "{term}");
        terms.insert(term, (postings, header & 1 == 1));
    }
    assert_eq!(at, bytes.len());
    terms
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

struct Index {
    manifest: serde_json::Value,
    files: BTreeMap<String, Vec<u8>>,
}

impl Index {
    fn build(docs: &[SearchDoc]) -> Index {
        let files: BTreeMap<String, Vec<u8>> =
            build_index(&Config::default(), docs).into_iter().collect();
        let manifest = serde_json::from_slice(&files["search/index.json"]).unwrap();
        Index { manifest, files }
    }

    fn shard_of(&self, term: &str) -> String {
        let shards = self.manifest["shards"].as_u64().unwrap() as u32;
        format!("search/terms/{}.bin", fnv1a32(term.as_bytes()) % shards)
    }

    /// Postings of a query's terms, read only from the shard each term hashes to.
    fn lookup(&self, term: &str) -> Option<Vec<(u64, bool)>> {
        self.lookup_stored(term).map(|(postings, _)| postings)
    }

    fn lookup_stored(&self, term: &str) -> Option<(Vec<(u64, bool)>, bool)> {
        read_shard(&self.files[&self.shard_of(term)]).remove(term)
    }

    fn doc(&self, id: u64) -> serde_json::Value {
        let chunk = id as usize / DOCS_PER_CHUNK;
        let rows: serde_json::Value =
            serde_json::from_slice(&self.files[&format!("search/docs/{chunk}.json")]).unwrap();
        rows[id as usize % DOCS_PER_CHUNK].clone()
    }
}

/// Documents of `posts` with these cleaned bodies (plain words are HTML too).
fn search_docs<'a, T: AsRef<str>>(posts: &'a [PostRef], bodies: &'a [T]) -> Vec<SearchDoc<'a>> {
    posts
        .iter()
        .zip(bodies)
        .map(|(post, html)| SearchDoc {
            post,
            html: html.as_ref(),
        })
        .collect()
}

fn post(title: &str, url: &str, day: u32) -> PostRef {
    let date = format!("2021-12-{day:02}T08:00:00+08:00[Asia/Shanghai]")
        .parse()
        .unwrap();
    let mut post = PostRef::for_test(title, url, date);
    post.author = Some(Link {
        name: "ZAKER".into(),
        url: "/authors/zaker/".into(),
    });
    post
}

#[test]
fn terms_live_in_their_hashed_shard_with_newest_first_ids() {
    let posts = [
        post(
            "发现问题先报美国，阿里云捅了一个天大的篓子！",
            "/2021/12/24/a/",
            24,
        ),
        post("Apache Log4j2 漏洞", "/2021/12/10/b/", 10),
        post("云计算市场", "/2021/12/20/c/", 20),
    ];
    // Bodies are read as text: markup is not indexed, references are decoded.
    let bodies = [
        "<p>阿里云发现了<b>阿帕奇</b> Log4j 的漏洞，这个篓子不小。</p>",
        "<p>The LOG4J bug, also known as <a href=\"https://x.example/?log4shell&amp;b\">Log4Shell</a>.</p><p>R&amp;D</p>",
        "<p>阿里云在云计算市场赢了一晚上。</p>",
    ];
    let docs = search_docs(&posts, &bodies);
    let index = Index::build(&docs);
    assert_eq!(index.manifest["docs"], 3);
    // Ids: a (Dec 24) = 0, c (Dec 20) = 1, b (Dec 10) = 2.
    let cases: &[(&str, &[(u64, bool)])] = &[
        ("篓子", &[(0, true)]),
        ("阿里", &[(0, true), (1, false)]),
        ("log4j", &[(0, false), (2, false)]),
        ("log4j2", &[(2, true)]),
        ("云", &[(0, true), (1, true)]),
        ("zaker", &[(0, false), (1, false), (2, false)]),
        // Inline markup does not split a run of text.
        ("了阿", &[(0, false)]),
        ("r", &[(2, false)]),
    ];
    for (term, want) in cases {
        assert_eq!(index.lookup(term).as_deref(), Some(*want), "{term}");
    }
    assert_eq!(index.lookup("missing"), None);
    for markup in ["href", "https", "amp", "p", "b"] {
        assert_eq!(index.lookup(markup), None, "{markup}");
    }
    assert_eq!(index.doc(1)[0], "/2021/12/20/c/");
    assert_eq!(
        index.doc(0)[1],
        "发现问题先报美国，阿里云捅了一个天大的篓子！"
    );
    assert_eq!(index.doc(0)[3], "ZAKER");
    assert_eq!(
        index.doc(2)[4],
        "The LOG4J bug, also known as Log4Shell. R&D"
    );
}

/// Enough distinct text for many shards: numbered words and CJK characters.
fn many_posts(n: usize) -> (Vec<PostRef>, Vec<String>) {
    let posts = (0..n)
        .map(|i| {
            post(
                &format!("标题 {i}"),
                &format!("/p/{i}/"),
                (i % 28) as u32 + 1,
            )
        })
        .collect();
    let texts = (0..n)
        .map(|i| {
            let cjk: String = (0..300)
                .map(|k| char::from_u32(0x4E00 + ((i * 7 + k * 13) % 3000) as u32).unwrap())
                .collect();
            format!(
                "word{i} shared{} {cjk} {}",
                i % 10,
                "x".repeat(SNIPPET_SOURCE_CHARS)
            )
        })
        .collect();
    (posts, texts)
}

#[test]
fn shards_grow_with_the_archive_and_every_term_is_findable() {
    let (posts, texts) = many_posts(2000);
    let docs = search_docs(&posts, &texts);
    let index = Index::build(&docs);
    let shards = index.manifest["shards"].as_u64().unwrap();
    assert!(shards > 4, "{shards} shards");
    let mut seen = 0;
    for (path, bytes) in index
        .files
        .iter()
        .filter(|(p, _)| p.starts_with("search/terms/"))
    {
        for term in read_shard(bytes).keys() {
            assert_eq!(&index.shard_of(term), path, "{term} is in the wrong shard");
            seen += 1;
        }
    }
    assert!(seen > 3000, "{seen} terms");
    for term in query_terms("word1234 shared3") {
        assert!(index.lookup(&term).is_some(), "{term}");
    }
    assert_eq!(index.lookup("shared3").unwrap().len(), 200);
    let chunks = index
        .files
        .keys()
        .filter(|p| p.starts_with("search/docs/"))
        .count();
    assert_eq!(chunks, 2000usize.div_ceil(DOCS_PER_CHUNK));
    let snippet = index.doc(0)[4].as_str().unwrap().chars().count();
    assert_eq!(snippet, SNIPPET_SOURCE_CHARS);
}

#[test]
fn dense_terms_become_bitmaps_that_keep_title_flags() {
    let posts: Vec<PostRef> = (0..400)
        .map(|i| {
            let title = if i % 50 == 0 { "common title" } else { "title" };
            post(title, &format!("/p/{i:03}/"), 1)
        })
        .collect();
    let texts: Vec<String> = (0..400).map(|i| format!("common text {i}")).collect();
    let docs = search_docs(&posts, &texts);
    let index = Index::build(&docs);
    let (postings, bitmap) = index.lookup_stored("common").unwrap();
    assert!(bitmap, "a term in every document is stored as a bitmap");
    assert!(
        !index.lookup_stored("7").unwrap().1,
        "a term in one document is not"
    );
    assert_eq!(postings.len(), 400);
    let titled: Vec<u64> = postings
        .iter()
        .filter(|(_, t)| *t)
        .map(|(d, _)| *d)
        .collect();
    // Same date, so ids follow URLs: /p/000/ is 0, /p/050/ is 50, ...
    assert_eq!(titled, [0, 50, 100, 150, 200, 250, 300, 350]);
}

#[test]
fn output_does_not_depend_on_input_order() {
    let (posts, texts) = many_posts(300);
    let docs = search_docs(&posts, &texts);
    let mut reversed = docs.clone();
    reversed.reverse();
    assert_eq!(
        build_index(&Config::default(), &docs),
        build_index(&Config::default(), &reversed)
    );
}

#[test]
fn an_empty_archive_still_has_a_manifest_and_a_shard() {
    let index = Index::build(&[]);
    assert_eq!(index.manifest["docs"], 0);
    assert_eq!(index.manifest["shards"], 1);
    assert!(read_shard(&index.files["search/terms/0.bin"]).is_empty());
}
