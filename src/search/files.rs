//! The index's files, encoded as the format in `search/mod.rs` describes.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;

use super::postings::{write_varint, OwnedTerm, Postings};
use super::tokenize::MAX_WORD_CHARS;
use super::{SearchDoc, DOCS_PER_CHUNK, SNIPPET_SOURCE_CHARS, TARGET_SHARD_BYTES};
use crate::clean::plain_text_prefix;

const FORMAT_VERSION: u32 = 1;
pub const SHARD_MAGIC: &[u8; 4] = b"GZS1";

#[derive(Serialize)]
struct Manifest {
    version: u32,
    build: String,
    docs: usize,
    shards: usize,
    chunk: usize,
    max_word: usize,
}

/// A term's posting list as its shard stores it.
pub struct Encoded {
    pub hash: u32,
    pub docs: u32,
    pub payload: Vec<u8>,
    pub bitmap: bool,
}

/// All index files: the manifest first, then shards, then document chunks.
pub fn write(docs: &[&SearchDoc], terms: Vec<(OwnedTerm, Postings)>) -> Vec<(String, Vec<u8>)> {
    write_counted(docs, terms).0
}

/// [`write`], and how many shards there are.
pub fn write_counted(
    docs: &[&SearchDoc],
    terms: Vec<(OwnedTerm, Postings)>,
) -> (Vec<(String, Vec<u8>)>, usize) {
    let terms: Vec<(OwnedTerm, Encoded)> = terms
        .into_par_iter()
        .map(|(term, postings)| (term, encode_postings(postings)))
        .collect();
    let shard_count = shard_count(&terms);
    let mut shards: Vec<Vec<(OwnedTerm, Encoded)>> = (0..shard_count).map(|_| Vec::new()).collect();
    for (term, encoded) in terms {
        shards[encoded.hash as usize % shard_count].push((term, encoded));
    }
    let shard_files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .map(|(index, terms)| (shard_path(index), encode_shard(terms)))
        .collect();
    let doc_files: Vec<(String, Vec<u8>)> = docs
        .par_chunks(DOCS_PER_CHUNK)
        .enumerate()
        .map(|(index, chunk)| (docs_path(index), encode_docs(chunk)))
        .collect();
    let hashes: Vec<(String, [u8; 32])> = shard_files
        .par_iter()
        .chain(&doc_files)
        .map(|(path, bytes)| (path.clone(), *blake3::hash(bytes).as_bytes()))
        .collect();
    let mut files = Vec::with_capacity(1 + shard_files.len() + doc_files.len());
    files.push((
        MANIFEST_PATH.to_string(),
        manifest(docs.len(), shard_count, &hashes),
    ));
    files.extend(shard_files);
    files.extend(doc_files);
    (files, shard_count)
}

pub const MANIFEST_PATH: &str = "search/index.json";

pub fn shard_path(index: usize) -> String {
    format!("search/terms/{index}.bin")
}

pub fn docs_path(index: usize) -> String {
    format!("search/docs/{index}.json")
}

/// `index.json`. `hashes`: every shard's and document chunk's path and blake3,
/// in that order, for the build id.
pub fn manifest(docs: usize, shards: usize, hashes: &[(String, [u8; 32])]) -> Vec<u8> {
    let manifest = Manifest {
        version: FORMAT_VERSION,
        build: build_id(hashes),
        docs,
        shards,
        chunk: DOCS_PER_CHUNK,
        max_word: MAX_WORD_CHARS,
    };
    serde_json::to_vec(&manifest).unwrap_or_default()
}

/// The smaller of the two payload forms: the delta list as built, or, for a term
/// in a large share of documents, a bitmap over documents `0..end` (bit `d % 8`
/// of byte `d / 8`) followed by the title documents as a plain delta list
/// (`doc - previous - 1`, from `previous = -1`), the bitmap prefixed by its length.
pub fn encode_postings(postings: Postings) -> Encoded {
    let bitmap_len = (postings.end() as usize).div_ceil(8);
    let mut encoded = Encoded {
        hash: postings.hash,
        docs: postings.docs,
        payload: Vec::new(),
        bitmap: false,
    };
    if bitmap_len + 5 < postings.encoded.len() {
        let mut bitmap = vec![0u8; bitmap_len];
        let mut titles = Vec::new();
        let mut next_title = 0;
        for (doc, in_title) in postings.iter() {
            if let Some(byte) = bitmap.get_mut(doc as usize / 8) {
                *byte |= 1 << (doc % 8);
            }
            if in_title {
                write_varint(&mut titles, u64::from(doc.saturating_sub(next_title)));
                next_title = doc + 1;
            }
        }
        let mut payload = Vec::with_capacity(bitmap_len + titles.len() + 5);
        write_varint(&mut payload, bitmap_len as u64);
        payload.extend_from_slice(&bitmap);
        payload.extend_from_slice(&titles);
        if payload.len() < postings.encoded.len() {
            encoded.payload = payload;
            encoded.bitmap = true;
            return encoded;
        }
    }
    encoded.payload = postings.encoded;
    encoded
}

/// Enough shards that they average [`TARGET_SHARD_BYTES`].
fn shard_count(terms: &[(OwnedTerm, Encoded)]) -> usize {
    let total: usize = terms
        .par_iter()
        .map(|(term, encoded)| term.as_term().with_bytes(<[u8]>::len) + encoded.payload.len() + 6)
        .sum();
    shard_count_for(total)
}

/// The shard count for terms totalling `total` bytes: for each term its UTF-8
/// length, its payload length and 6.
pub fn shard_count_for(total: usize) -> usize {
    total.div_ceil(TARGET_SHARD_BYTES).max(1)
}

fn encode_shard(mut terms: Vec<(OwnedTerm, Encoded)>) -> Vec<u8> {
    terms.sort_unstable_by(|(a, _), (b, _)| {
        a.as_term()
            .with_bytes(|a| b.as_term().with_bytes(|b| a.cmp(b)))
    });
    let size: usize = terms.iter().map(|(_, e)| e.payload.len() + 16).sum();
    let mut out = Vec::with_capacity(size + 8);
    write_shard_start(&mut out, terms.len());
    for (term, encoded) in terms {
        term.as_term()
            .with_bytes(|bytes| write_shard_term(&mut out, bytes, &encoded));
    }
    out
}

pub fn write_shard_start(out: &mut Vec<u8>, terms: usize) {
    out.extend_from_slice(SHARD_MAGIC);
    write_varint(out, terms as u64);
}

/// One term of a shard; terms must come in ascending UTF-8 order.
pub fn write_shard_term(out: &mut Vec<u8>, term: &[u8], encoded: &Encoded) {
    write_varint(out, term.len() as u64);
    out.extend_from_slice(term);
    write_varint(out, u64::from(encoded.docs));
    write_varint(
        out,
        (encoded.payload.len() as u64) << 1 | u64::from(encoded.bitmap),
    );
    out.extend_from_slice(&encoded.payload);
}

/// `[url, title, date, source, snippet source]` per document.
pub fn encode_docs(chunk: &[&SearchDoc]) -> Vec<u8> {
    let rows: Vec<(Cow<str>, &str, &str, &str, String)> = chunk
        .iter()
        .map(|doc| {
            let post = doc.post;
            let source = post.author.as_ref().map_or("", |a| a.name.as_str());
            (
                compact_url(&post.url),
                post.title.as_str(),
                post.local_time.as_str(),
                source,
                plain_text_prefix(doc.html, SNIPPET_SOURCE_CHARS),
            )
        })
        .collect();
    serde_json::to_vec(&rows).unwrap_or_default()
}

/// `url` with percent-encoded non-ASCII characters written out (`%E6%9C%80` → `最`),
/// a third of the bytes for Chinese slugs. Browsers encode them back to exactly
/// the same bytes when they follow the link; ASCII escapes such as `%2F` stay.
fn compact_url(url: &str) -> Cow<'_, str> {
    if !url.contains('%') {
        return Cow::Borrowed(url);
    }
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut at = 0;
    while at < bytes.len() {
        let mut run = Vec::new();
        let mut end = at;
        while let Some(byte) = escaped_byte(bytes, end).filter(|b| *b >= 0x80) {
            run.push(byte);
            end += 3;
        }
        match std::str::from_utf8(&run) {
            Ok(text) if !run.is_empty() => {
                out.push_str(text);
                at = end;
            }
            _ if run.is_empty() => {
                // Not an escape: copy one character (a URL should be ASCII, but
                // a raw character must not be cut in half).
                let c = url[at..].chars().next().unwrap_or('%');
                out.push(c);
                at += c.len_utf8();
            }
            _ => {
                out.push_str(&url[at..end]);
                at = end;
            }
        }
    }
    Cow::Owned(out)
}

/// The byte `%XX` at `at` stands for, if it is one.
fn escaped_byte(bytes: &[u8], at: usize) -> Option<u8> {
    match bytes.get(at..at + 3)? {
        [b'%', high, low] => {
            let hex = |b: u8| (b as char).to_digit(16);
            Some((hex(*high)? * 16 + hex(*low)?) as u8)
        }
        _ => None,
    }
}

/// A short hash over every file's path and content hash, for cache busting.
fn build_id(hashes: &[(String, [u8; 32])]) -> String {
    let mut hasher = blake3::Hasher::new();
    for (path, hash) in hashes {
        hasher.update(&(path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update(hash);
    }
    hasher.finalize().to_hex()[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_urls_spell_out_only_non_ascii() {
        let cases = [
            ("/2021/12/24/x/", "/2021/12/24/x/"),
            ("/2021/%E9%98%BF%E9%87%8C/", "/2021/阿里/"),
            ("/a%2Fb%20c/", "/a%2Fb%20c/"),
            ("/%E9%98%BF%2D%E9%87%8C/", "/阿%2D里/"),
            ("/latin1%E9/", "/latin1%E9/"),
            ("/cut%E9%98/", "/cut%E9%98/"),
            ("/bad%ZZ%/", "/bad%ZZ%/"),
            ("/%F0%9F%98%80/", "/😀/"),
            ("/raw/阿里/%E9%98%BF", "/raw/阿里/阿"),
        ];
        for (url, want) in cases {
            assert_eq!(compact_url(url), want, "{url}");
        }
    }

    #[test]
    fn payloads_take_the_smaller_form() {
        let mut sparse = Postings::default();
        let mut dense = Postings::default();
        for doc in 0..1000 {
            dense.push(doc, doc == 500);
            if doc % 100 == 0 {
                sparse.push(doc, false);
            }
        }
        let dense_len = dense.encoded.len();
        let encoded = encode_postings(dense);
        assert!(encoded.bitmap);
        assert!(
            encoded.payload.len() < dense_len / 6,
            "{}",
            encoded.payload.len()
        );
        let sparse_bytes = sparse.encoded.clone();
        let encoded = encode_postings(sparse);
        assert!(!encoded.bitmap);
        assert_eq!(encoded.payload, sparse_bytes);
    }
}
