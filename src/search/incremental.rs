//! Updating the last build's search index in place when a few documents
//! changed, instead of tokenising every document again: a one-post edit then
//! costs reading the shards, tokenising that post and rewriting the shards
//! whose terms it gained or lost. The last build's shard files themselves are
//! the record of every document's terms (a separate per-document term cache
//! would be several times larger than the index). The result is byte for byte
//! what [`super::build_index`] makes; whenever patching cannot guarantee that
//! (documents renumbered, the shard count changing, a file not as recorded)
//! the index is made whole.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::files::{self, encode_docs, encode_postings, Encoded};
use super::postings::{self, shard_hash, Postings};
use super::{doc_text, id_order, SearchDoc, DOCS_PER_CHUNK};
use crate::config::Config;

/// More changed documents than this and the index is made whole (patching
/// reads every shard; past a few dozen documents that no longer pays).
const MAX_PATCHED: usize = 64;

/// What the last build's index was made of.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memo {
    /// Everything besides the documents that the index depends on (version, config).
    base: [u8; 32],
    /// Per document number, the key of everything its entry and terms come from.
    doc_keys: Vec<[u8; 32]>,
    shards: usize,
    /// Path and blake3 of every shard, then every document chunk.
    hashes: Vec<(String, [u8; 32])>,
}

/// The last build's index files, as far as they are still what it wrote.
pub trait Stored: Sync {
    /// The file's bytes, if it is unchanged.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
    /// Whether the file is unchanged.
    fn current(&self, path: &str) -> bool;
}

/// The index after this build.
pub struct Update {
    /// Files to write (identical bytes are still kept by the writer).
    pub files: Vec<(String, Vec<u8>)>,
    /// Files of the last build to keep as they are.
    pub kept: Vec<String>,
    pub memo: Memo,
    /// Documents tokenised (all of them when the index was made whole).
    pub tokenised: usize,
}

/// The index for `docs`: patched from `previous` when only a few documents
/// changed, made whole otherwise. `keys[i]` is the key of `docs[i]`'s inputs
/// and `base` the key of everything else the index depends on.
pub fn build_or_patch(
    _config: &Config,
    docs: &[SearchDoc],
    keys: &[[u8; 32]],
    base: [u8; 32],
    previous: Option<(Memo, &dyn Stored)>,
) -> Update {
    let order = id_order(docs);
    let ordered: Vec<&SearchDoc> = order.iter().map(|&i| &docs[i]).collect();
    let doc_keys: Vec<[u8; 32]> = order.iter().map(|&i| keys[i]).collect();
    if let Some((memo, stored)) = previous {
        if let Some(update) = patch(&ordered, &doc_keys, base, memo, stored) {
            return update;
        }
    }
    let terms = postings::build(ordered.len(), |i| doc_text(ordered[i]));
    let (files, shards) = files::write_counted(&ordered, terms);
    let hashes = files
        .par_iter()
        .filter(|(path, _)| path != files::MANIFEST_PATH)
        .map(|(path, bytes)| (path.clone(), *blake3::hash(bytes).as_bytes()))
        .collect();
    Update {
        files,
        kept: Vec::new(),
        tokenised: ordered.len(),
        memo: Memo {
            base,
            doc_keys,
            shards,
            hashes,
        },
    }
}

/// What changes in one term's postings: document → its title flag, or `None`
/// when the document no longer has the term.
type Edit = BTreeMap<u32, Option<bool>>;

/// One term of a stored shard, borrowed from the shard's bytes.
struct StoredTerm<'b> {
    term: &'b [u8],
    docs: u32,
    payload: &'b [u8],
    bitmap: bool,
}

impl StoredTerm<'_> {
    /// Its size as the shard count counts it.
    fn size(&self) -> usize {
        self.term.len() + self.payload.len() + 6
    }
}

fn patch(
    ordered: &[&SearchDoc],
    doc_keys: &[[u8; 32]],
    base: [u8; 32],
    memo: Memo,
    stored: &dyn Stored,
) -> Option<Update> {
    let chunks = ordered.len().div_ceil(DOCS_PER_CHUNK);
    if memo.base != base
        || memo.doc_keys.len() != doc_keys.len()
        || memo.hashes.len() != memo.shards + chunks
    {
        return None;
    }
    let changed: Vec<u32> = (0..doc_keys.len())
        .filter(|&d| memo.doc_keys[d] != doc_keys[d])
        .map(|d| d as u32)
        .collect();
    if changed.len() > MAX_PATCHED {
        return None;
    }
    let shard_bytes: Vec<Vec<u8>> = (0..memo.shards)
        .into_par_iter()
        .map(|s| stored.read(&files::shard_path(s)))
        .collect::<Option<_>>()?;
    let shards: Vec<Vec<StoredTerm>> = shard_bytes
        .par_iter()
        .map(|bytes| parse_shard(bytes))
        .collect::<Option<_>>()?;

    // What each changed document had (from the shards) and has (tokenised now).
    let old_terms: Vec<(u32, &[u8], bool)> = shards
        .par_iter()
        .flat_map_iter(|terms| terms.iter())
        .map(|term| -> Option<Vec<(u32, &[u8], bool)>> {
            Some(
                members(term, &changed)?
                    .into_iter()
                    .map(|(doc, title)| (doc, term.term, title))
                    .collect(),
            )
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let new_terms: Vec<Vec<(Vec<u8>, bool)>> = changed
        .par_iter()
        .map(|&d| postings::doc_terms(&doc_text(ordered[d as usize])))
        .collect();
    // Per term whose postings change: document → its new state (`None`: gone).
    let mut edits: HashMap<Vec<u8>, Edit> = HashMap::new();
    let mut had: HashMap<(u32, &[u8]), bool> = HashMap::new();
    for (doc, term, title) in old_terms {
        had.insert((doc, term), title);
    }
    for (&doc, terms) in changed.iter().zip(&new_terms) {
        let mut has = HashSet::new();
        for (term, title) in terms {
            has.insert(term.as_slice());
            if had.get(&(doc, term.as_slice())) != Some(title) {
                edits
                    .entry(term.clone())
                    .or_default()
                    .insert(doc, Some(*title));
            }
        }
        for &(old_doc, term) in had.keys() {
            if old_doc == doc && !has.contains(term) {
                edits.entry(term.to_vec()).or_default().insert(doc, None);
            }
        }
    }
    let mut by_shard: BTreeMap<usize, Vec<(Vec<u8>, Edit)>> = BTreeMap::new();
    for (term, edit) in edits {
        let shard = shard_hash(&term) as usize % memo.shards;
        by_shard.entry(shard).or_default().push((term, edit));
    }
    let rewritten: Vec<(usize, Vec<u8>, usize)> = by_shard
        .into_par_iter()
        .map(|(shard, edits)| {
            let (bytes, size) = rewrite_shard(&shards[shard], edits)?;
            Some((shard, bytes, size))
        })
        .collect::<Option<_>>()?;
    let total: usize = shards
        .par_iter()
        .enumerate()
        .map(
            |(s, terms)| match rewritten.iter().find(|(r, _, _)| *r == s) {
                Some((_, _, size)) => *size,
                None => terms.iter().map(StoredTerm::size).sum(),
            },
        )
        .sum();
    if files::shard_count_for(total) != memo.shards {
        return None;
    }

    let mut hashes = memo.hashes;
    let mut written = Vec::new();
    let mut fresh: HashSet<String> = HashSet::new();
    for (shard, bytes, _) in rewritten {
        hashes[shard].1 = *blake3::hash(&bytes).as_bytes();
        fresh.insert(files::shard_path(shard));
        written.push((files::shard_path(shard), bytes));
    }
    let mut chunk_ids: Vec<usize> = changed
        .iter()
        .map(|&d| d as usize / DOCS_PER_CHUNK)
        .collect();
    chunk_ids.dedup();
    for chunk in chunk_ids {
        let start = chunk * DOCS_PER_CHUNK;
        let end = (start + DOCS_PER_CHUNK).min(ordered.len());
        let bytes = encode_docs(&ordered[start..end]);
        hashes[memo.shards + chunk].1 = *blake3::hash(&bytes).as_bytes();
        fresh.insert(files::docs_path(chunk));
        written.push((files::docs_path(chunk), bytes));
    }
    let expected = (0..memo.shards)
        .map(files::shard_path)
        .chain((0..chunks).map(files::docs_path));
    if !expected
        .zip(&hashes)
        .all(|(path, (recorded, _))| path == *recorded)
    {
        return None;
    }
    let kept: Vec<String> = hashes
        .iter()
        .map(|(path, _)| path)
        .filter(|path| !fresh.contains(*path))
        .cloned()
        .collect();
    if !kept.par_iter().all(|path| stored.current(path)) {
        return None;
    }
    written.insert(
        0,
        (
            files::MANIFEST_PATH.to_string(),
            files::manifest(ordered.len(), memo.shards, &hashes),
        ),
    );
    Some(Update {
        files: written,
        kept,
        tokenised: changed.len(),
        memo: Memo {
            base,
            doc_keys: doc_keys.to_vec(),
            shards: memo.shards,
            hashes,
        },
    })
}

fn parse_shard(bytes: &[u8]) -> Option<Vec<StoredTerm<'_>>> {
    let mut at = bytes.strip_prefix(files::SHARD_MAGIC.as_slice())?;
    let count = read_varint(&mut at)?;
    let mut terms = Vec::with_capacity(count.min(1 << 20) as usize);
    for _ in 0..count {
        let len = usize::try_from(read_varint(&mut at)?).ok()?;
        let term = take(&mut at, len)?;
        let docs = u32::try_from(read_varint(&mut at)?).ok()?;
        let flagged = read_varint(&mut at)?;
        let payload = take(&mut at, usize::try_from(flagged >> 1).ok()?)?;
        terms.push(StoredTerm {
            term,
            docs,
            payload,
            bitmap: flagged & 1 == 1,
        });
    }
    at.is_empty().then_some(terms)
}

fn take<'b>(at: &mut &'b [u8], len: usize) -> Option<&'b [u8]> {
    if at.len() < len {
        return None;
    }
    let (head, rest) = at.split_at(len);
    *at = rest;
    Some(head)
}

fn read_varint(at: &mut &[u8]) -> Option<u64> {
    let (mut value, mut shift) = (0u64, 0u32);
    loop {
        let (&byte, rest) = at.split_first()?;
        *at = rest;
        if shift > 63 {
            return None;
        }
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return Some(value);
        }
        shift += 7;
    }
}

/// Every document of a stored term with its title flag, ascending.
fn decode(term: &StoredTerm) -> Option<Vec<(u32, bool)>> {
    let mut at = term.payload;
    let mut docs = Vec::with_capacity(term.docs as usize);
    let mut next = 0u64;
    if !term.bitmap {
        while !at.is_empty() {
            let value = read_varint(&mut at)?;
            let doc = next + (value >> 1);
            docs.push((u32::try_from(doc).ok()?, value & 1 == 1));
            next = doc + 1;
        }
        return Some(docs);
    }
    let bitmap_len = usize::try_from(read_varint(&mut at)?).ok()?;
    let bitmap = take(&mut at, bitmap_len)?;
    let mut titles = HashSet::new();
    while !at.is_empty() {
        let doc = next + read_varint(&mut at)?;
        titles.insert(u32::try_from(doc).ok()?);
        next = doc + 1;
    }
    for (byte_at, &byte) in bitmap.iter().enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                let doc = u32::try_from(byte_at * 8 + bit).ok()?;
                docs.push((doc, titles.contains(&doc)));
            }
        }
    }
    Some(docs)
}

/// Which of `changed` (ascending) the term lists, with their title flags.
fn members(term: &StoredTerm, changed: &[u32]) -> Option<Vec<(u32, bool)>> {
    let Some(&last) = changed.last() else {
        return Some(Vec::new());
    };
    let mut found = Vec::new();
    if term.bitmap {
        // Bits answer membership; only the (short) title list is decoded.
        let mut at = term.payload;
        let bitmap_len = usize::try_from(read_varint(&mut at)?).ok()?;
        let bitmap = take(&mut at, bitmap_len)?;
        let mut titles = Vec::new();
        let mut next = 0u64;
        while !at.is_empty() {
            let doc = next + read_varint(&mut at)?;
            titles.push(doc);
            next = doc + 1;
        }
        for &doc in changed {
            let byte = bitmap.get(doc as usize / 8).copied().unwrap_or(0);
            if byte & (1 << (doc % 8)) != 0 {
                found.push((doc, titles.binary_search(&u64::from(doc)).is_ok()));
            }
        }
        return Some(found);
    }
    let mut at = term.payload;
    let mut next = 0u64;
    while !at.is_empty() {
        let value = read_varint(&mut at)?;
        let doc = next + (value >> 1);
        if doc > u64::from(last) {
            break;
        }
        let doc = u32::try_from(doc).ok()?;
        if changed.binary_search(&doc).is_ok() {
            found.push((doc, value & 1 == 1));
        }
        next = u64::from(doc) + 1;
    }
    Some(found)
}

/// A shard with `edits` applied, and its size as the shard count counts it.
fn rewrite_shard(terms: &[StoredTerm], edits: Vec<(Vec<u8>, Edit)>) -> Option<(Vec<u8>, usize)> {
    let mut all: BTreeMap<Vec<u8>, Encoded> = BTreeMap::new();
    let mut edits: HashMap<Vec<u8>, Edit> = edits.into_iter().collect();
    for term in terms {
        let encoded = match edits.remove(term.term) {
            Some(edit) => apply(term.term, decode(term)?, edit),
            None => Some(Encoded {
                hash: 0,
                docs: term.docs,
                payload: term.payload.to_vec(),
                bitmap: term.bitmap,
            }),
        };
        if let Some(encoded) = encoded {
            all.insert(term.term.to_vec(), encoded);
        }
    }
    for (term, edit) in edits {
        if let Some(encoded) = apply(&term, Vec::new(), edit) {
            all.insert(term, encoded);
        }
    }
    let mut out = Vec::new();
    files::write_shard_start(&mut out, all.len());
    let mut size = 0;
    for (term, encoded) in &all {
        size += term.len() + encoded.payload.len() + 6;
        files::write_shard_term(&mut out, term, encoded);
    }
    Some((out, size))
}

/// A term's postings with the documents of `edit` set or removed; `None` when
/// no document is left.
fn apply(term: &[u8], docs: Vec<(u32, bool)>, edit: Edit) -> Option<Encoded> {
    let mut docs: BTreeMap<u32, bool> = docs.into_iter().collect();
    for (doc, state) in edit {
        match state {
            Some(title) => docs.insert(doc, title),
            None => docs.remove(&doc),
        };
    }
    if docs.is_empty() {
        return None;
    }
    let mut postings = Postings::default();
    postings.hash = shard_hash(term);
    for (doc, title) in docs {
        postings.push(doc, title);
    }
    Some(encode_postings(postings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PostRef;

    struct Files(HashMap<String, Vec<u8>>);

    impl Stored for Files {
        fn read(&self, path: &str) -> Option<Vec<u8>> {
            self.0.get(path).cloned()
        }

        fn current(&self, path: &str) -> bool {
            self.0.contains_key(path)
        }
    }

    fn posts(titles: &[String]) -> Vec<PostRef> {
        titles
            .iter()
            .enumerate()
            .map(|(i, title)| {
                let date = format!("2021-01-{:02}T00:00:00+00:00[UTC]", 1 + i % 28);
                PostRef::for_test(title, &format!("/p{i}/"), date.parse().unwrap())
            })
            .collect()
    }

    /// The index of these documents (patched from `previous` if given), its
    /// memo, and how many documents were tokenised.
    /// (`texts` hold no markup or `&`, so each is also the HTML of its text.)
    fn index(
        titles: &[String],
        texts: &[String],
        previous: Option<(Memo, &Files)>,
    ) -> (Files, Memo, usize) {
        let posts = posts(titles);
        let docs: Vec<SearchDoc> = posts
            .iter()
            .zip(texts)
            .map(|(post, html)| SearchDoc { post, html })
            .collect();
        let keys: Vec<[u8; 32]> = titles
            .iter()
            .zip(texts)
            .map(|(t, x)| *blake3::hash(format!("{t}\n{x}").as_bytes()).as_bytes())
            .collect();
        let old = previous.as_ref().map(|(_, files)| *files);
        let update = build_or_patch(
            &Config::default(),
            &docs,
            &keys,
            [7; 32],
            previous.map(|(memo, files)| (memo, files as &dyn Stored)),
        );
        let mut files: HashMap<String, Vec<u8>> = update.files.into_iter().collect();
        if let Some(old) = old {
            for path in update.kept {
                files.insert(path.clone(), old.0[&path].clone());
            }
        }
        (Files(files), update.memo, update.tokenised)
    }

    #[test]
    fn a_patched_index_equals_one_made_whole() {
        let titles: Vec<String> = (0..40).map(|i| format!("Title {i} 新闻")).collect();
        let texts: Vec<String> = (0..40)
            .map(|i| format!("common words 阿里云 body {i} {}", "filler ".repeat(i % 5)))
            .collect();
        let edits: [(&str, usize, &str, &str); 5] = [
            (
                "body edit",
                7,
                "Title 7 新闻",
                "common words 阿里云 body 7 okapi 长颈鹿",
            ),
            (
                "title edit",
                12,
                "Okapi 阿里",
                "common words 阿里云 body 12",
            ),
            ("emptied", 3, "", ""),
            ("dense term gone", 0, "Title 0 新闻", "body 0"),
            (
                "title word now in body only",
                20,
                "Something",
                "title 20 新闻 common",
            ),
        ];
        let (old_files, old_memo, _) = index(&titles, &texts, None);
        for (name, doc, title, text) in edits {
            let mut new_titles = titles.clone();
            let mut new_texts = texts.clone();
            new_titles[doc] = title.to_string();
            new_texts[doc] = text.to_string();
            let (patched, _, tokenised) = index(
                &new_titles,
                &new_texts,
                Some((old_memo.clone(), &old_files)),
            );
            let (whole, _, _) = index(&new_titles, &new_texts, None);
            assert_eq!(tokenised, 1, "{name}: patched");
            let mut paths: Vec<&String> = whole.0.keys().collect();
            paths.sort();
            for path in paths {
                assert!(patched.0.get(path) == whole.0.get(path), "{name}: {path}");
            }
            assert_eq!(patched.0.len(), whole.0.len(), "{name}");
        }
    }

    #[test]
    fn renumbered_or_damaged_indexes_are_made_whole() {
        let titles: Vec<String> = (0..10).map(|i| format!("T{i}")).collect();
        let texts: Vec<String> = (0..10).map(|i| format!("text {i}")).collect();
        let (old_files, old_memo, _) = index(&titles, &texts, None);
        let (_, _, tokenised) = index(
            &titles[1..],
            &texts[1..],
            Some((old_memo.clone(), &old_files)),
        );
        assert_eq!(tokenised, 9, "a removed document renumbers the rest");
        let mut damaged = Files(old_files.0.clone());
        damaged.0.insert(files::shard_path(0), b"GZS1\x05".to_vec());
        let mut edited = texts.clone();
        edited[4] = "changed".into();
        let (_, _, tokenised) = index(&titles, &edited, Some((old_memo, &damaged)));
        assert_eq!(tokenised, 10, "an unreadable shard");
    }
}
