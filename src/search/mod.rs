//! Offline full-text search: an index of static files that `search.js` queries in
//! the browser, with no server and no third-party service, sharded so that a query
//! downloads only the few files it needs even for a 100,000-post archive.
//!
//! # Terms
//! See [`tokenize`]: case-folded words, and CJK character bigrams plus single
//! characters, so any Chinese or Japanese substring is found without segmentation.
//!
//! # Files (all under `search/`)
//! - `index.json`, the manifest: `{"version":1, "build":"<hex>", "docs":D,
//!   "shards":N, "chunk":C, "max_word":32}`. `build` changes with any content
//!   change; the browser appends `?v=<build>` to every other fetch, so caches never
//!   mix files of two builds.
//! - `terms/<s>.bin`, `s = fnv1a32(utf8(term)) % N`: every term of shard `s` with
//!   its posting list. Binary, all integers unsigned LEB128 varints:
//!   `"GZS1"`, term count, then per term (sorted by UTF-8 bytes): byte length, UTF-8
//!   bytes, document count, `payload length << 1 | is_bitmap`, payload. The length
//!   lets a reader skip terms it does not want without decoding them.
//!   A delta payload holds one varint per document, ascending:
//!   `(doc - previous - 1) << 1 | in_title`, the first counting from
//!   `previous = -1`. A bitmap payload (chosen when smaller, for terms in a large
//!   share of documents) is the bitmap's byte length, the bitmap (document `d` is
//!   bit `d % 8` of byte `d / 8`), then the documents with the term in their title
//!   as varints `doc - previous - 1` up to the payload's end.
//!   `N` grows with the archive so shards average about [`TARGET_SHARD_BYTES`].
//! - `docs/<k>.json`: documents `k*C .. (k+1)*C` as `[url, title, date, source,
//!   text]` arrays, `text` being the first [`SNIPPET_SOURCE_CHARS`] characters of the
//!   body (the snippet source). `url` is site-relative with non-ASCII characters
//!   spelled out (browsers re-encode them identically). Only the chunks of the
//!   results shown are fetched. When neither the title nor that text holds the
//!   match, `search.js` reads the result's article page for its snippet instead.
//!
//! Documents are numbered newest first, so ascending document number is recency
//! order and a posting list's first entries are its newest documents.

pub mod incremental;
pub mod postings;
pub mod tokenize;

mod files;
mod termset;

use rayon::prelude::*;

use crate::clean::plain_text;
use crate::config::Config;
use crate::feeds::newest_first;
use crate::model::PostRef;

use self::postings::DocText;
use self::tokenize::normalize;

/// The average shard size aimed for: small enough that a three-term query stays
/// in the low hundreds of kilobytes, large enough to keep the file count modest.
pub const TARGET_SHARD_BYTES: usize = 32 * 1024;
/// Documents per `docs/<k>.json` chunk.
pub const DOCS_PER_CHUNK: usize = 8;
/// Body characters kept per document for snippets.
pub const SNIPPET_SOURCE_CHARS: usize = 240;

/// One post to index: its list entry and its cleaned body. The body's plain
/// text is read from the HTML as each batch of documents is tokenised, so the
/// whole archive's text is never in memory at once.
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'a> {
    pub post: &'a PostRef,
    pub html: &'a str,
}

/// The search index files for `docs`, as (output-relative path under `search/`,
/// bytes). Pure and deterministic: the same posts give the same bytes. (`config`
/// has no search settings yet; it is taken so adding some changes no caller.)
pub fn build_index(_config: &Config, docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let ordered: Vec<&SearchDoc> = id_order(docs).into_iter().map(|i| &docs[i]).collect();
    let terms = postings::build(ordered.len(), |i| doc_text(ordered[i]));
    files::write(&ordered, terms)
}

/// Positions of `docs` by date, newest first; equal dates by URL, so numbering
/// is stable.
fn id_order(docs: &[SearchDoc]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.par_sort_by(|&a, &b| newest_first(docs[a].post, docs[b].post));
    order
}

/// What is searchable in a document: the title (flagged as such), then its source
/// and tags, then the body.
fn doc_text(doc: &SearchDoc) -> DocText {
    let post = doc.post;
    let mut normalized = normalize(&post.title);
    let title_end = normalized.len();
    let mut labels = String::new();
    for name in post
        .author
        .iter()
        .chain(&post.tags)
        .map(|link| link.name.as_str())
    {
        labels.push('\n');
        labels.push_str(name);
    }
    normalized.push_str(&normalize(&labels));
    normalized.push('\n');
    normalized.push_str(&normalize(&plain_text(doc.html)));
    DocText {
        normalized,
        title_end,
    }
}
