//! The index's files, encoded as the format in `search/mod.rs` describes.

use rayon::prelude::*;
use serde::Serialize;

use super::postings::{write_varint, OwnedTerm, Postings};
use super::tokenize::MAX_WORD_CHARS;
use super::{SearchDoc, DOCS_PER_CHUNK, SNIPPET_SOURCE_CHARS, TARGET_SHARD_BYTES};

const FORMAT_VERSION: u32 = 1;
const SHARD_MAGIC: &[u8; 4] = b"GZS1";

#[derive(Serialize)]
struct Manifest {
    version: u32,
    build: String,
    docs: usize,
    shards: usize,
    chunk: usize,
    max_word: usize,
}

/// All index files: the manifest first, then shards, then document chunks.
pub fn write(docs: &[&SearchDoc], terms: Vec<(OwnedTerm, Postings)>) -> Vec<(String, Vec<u8>)> {
    let shard_count = shard_count(&terms);
    let mut shards: Vec<Vec<(OwnedTerm, Postings)>> =
        (0..shard_count).map(|_| Vec::new()).collect();
    for (term, postings) in terms {
        let shard = postings.hash as usize % shard_count;
        shards[shard].push((term, postings));
    }
    let shard_files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .map(|(index, terms)| (format!("search/terms/{index}.bin"), encode_shard(terms)))
        .collect();
    let doc_files: Vec<(String, Vec<u8>)> = docs
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(index, chunk)| (format!("search/docs/{index}.json"), encode_docs(chunk)))
        .collect();
    let manifest = Manifest {
        version: FORMAT_VERSION,
        build: build_id(shard_files.iter().chain(&doc_files)),
        docs: docs.len(),
        shards: shard_count,
        chunk: DOCS_PER_CHUNK,
        max_word: MAX_WORD_CHARS,
    };
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap_or_default();
    let mut files = Vec::with_capacity(1 + shard_files.len() + doc_files.len());
    files.push(("search/index.json".to_string(), manifest_bytes));
    files.extend(shard_files);
    files.extend(doc_files);
    files
}

/// Enough shards that they average [`TARGET_SHARD_BYTES`].
fn shard_count(terms: &[(OwnedTerm, Postings)]) -> usize {
    let total: usize = terms
        .par_iter()
        .map(|(term, postings)| term.as_term().with_bytes(<[u8]>::len) + postings.encoded.len() + 6)
        .sum();
    total.div_ceil(TARGET_SHARD_BYTES).max(1)
}

fn encode_shard(mut terms: Vec<(OwnedTerm, Postings)>) -> Vec<u8> {
    terms.sort_unstable_by(|(a, _), (b, _)| {
        a.as_term()
            .with_bytes(|a| b.as_term().with_bytes(|b| a.cmp(b)))
    });
    let size: usize = terms.iter().map(|(_, p)| p.encoded.len() + 16).sum();
    let mut out = Vec::with_capacity(size + 8);
    out.extend_from_slice(SHARD_MAGIC);
    write_varint(&mut out, terms.len() as u64);
    for (term, postings) in terms {
        term.as_term().with_bytes(|bytes| {
            write_varint(&mut out, bytes.len() as u64);
            out.extend_from_slice(bytes);
        });
        write_varint(&mut out, u64::from(postings.docs));
        write_varint(&mut out, postings.encoded.len() as u64);
        out.extend_from_slice(&postings.encoded);
    }
    out
}

/// `[url, title, date, source, snippet source]` per document.
fn encode_docs(chunk: &[&SearchDoc]) -> Vec<u8> {
    let rows: Vec<(&str, &str, &str, &str, &str)> = chunk
        .iter()
        .map(|doc| {
            let post = doc.post;
            let source = post.author.as_ref().map_or("", |a| a.name.as_str());
            (
                post.url.as_str(),
                post.title.as_str(),
                post.local_time.as_str(),
                source,
                prefix(doc.text),
            )
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_default()
}

fn prefix(text: &str) -> &str {
    match text.char_indices().nth(SNIPPET_SOURCE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// A short content hash over every file, for cache busting.
fn build_id<'f>(files: impl Iterator<Item = &'f (String, Vec<u8>)>) -> String {
    let mut hasher = blake3::Hasher::new();
    for (path, bytes) in files {
        hasher.update(path.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.finalize().to_hex()[..12].to_string()
}
