//! Posting lists built in one pass over the documents, compressed as they grow, so
//! memory stays near the size of the finished index rather than one entry per
//! (term, document) pair.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::termset::TermSet;
use super::tokenize::{for_each_index_term, Term};

/// Documents tokenised together before their terms are merged; bounds the memory
/// held by not-yet-merged term lists.
const BATCH_DOCS: usize = 512;

/// A term as the finished index stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwnedTerm {
    Cjk(u64),
    Word(Box<str>),
}

impl OwnedTerm {
    pub fn as_term(&self) -> Term<'_> {
        match self {
            OwnedTerm::Cjk(key) => Term::Cjk(*key),
            OwnedTerm::Word(word) => Term::Word(word),
        }
    }
}

/// The documents holding one term, ascending, as LEB128 varints: each value is
/// `(doc - previous - 1) << 1 | in_title` (the first counts from `previous = -1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    pub encoded: Vec<u8>,
    pub docs: u32,
    /// The term's shard hash (see `shard_hash`), kept to place it without rehashing.
    pub hash: u32,
    next_doc: u32,
}

impl Postings {
    pub(super) fn push(&mut self, doc: u32, in_title: bool) {
        let gap = doc.saturating_sub(self.next_doc);
        write_varint(&mut self.encoded, u64::from(gap) << 1 | u64::from(in_title));
        self.next_doc = doc.saturating_add(1);
        self.docs += 1;
    }

    /// One past the highest document number in the list.
    pub fn end(&self) -> u32 {
        self.next_doc
    }

    /// The documents and their title flags, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        let mut bytes = self.encoded.iter();
        let mut next = 0u32;
        std::iter::from_fn(move || {
            let value = read_varint(&mut bytes)?;
            let doc = next.saturating_add((value >> 1) as u32);
            next = doc.saturating_add(1);
            Some((doc, value & 1 == 1))
        })
    }
}

fn read_varint<'b>(bytes: &mut impl Iterator<Item = &'b u8>) -> Option<u64> {
    let (mut value, mut shift) = (0u64, 0);
    for &b in bytes {
        value |= u64::from(b & 0x7F).checked_shl(shift).unwrap_or(0);
        if b < 0x80 {
            return Some(value);
        }
        shift += 7;
    }
    None
}

pub fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// FNV-1a (32-bit) of a term's UTF-8: the shard hash, which the browser computes too.
pub fn shard_hash(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811C_9DC5u32, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// FNV-1a with a final mix, for in-memory maps only: std's default SipHash is
/// several times slower on the hundreds of millions of short keys a big archive has.
#[derive(Default)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^ (x >> 33)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The terms whose shard hash falls in one residue class, so partitions can be
/// filled in parallel without locks.
#[derive(Default)]
struct Partition {
    cjk: FastMap<u64, Postings>,
    words: FastMap<Box<str>, Postings>,
}

impl Partition {
    fn push(&mut self, token: &Token, doc: u32) {
        let postings = match token.term {
            Term::Cjk(key) => self.cjk.entry(key).or_default(),
            Term::Word(word) => match self.words.get_mut(word) {
                Some(postings) => postings,
                None => self.words.entry(word.into()).or_default(),
            },
        };
        postings.push(doc, token.in_title);
    }
}

/// One distinct term of one document.
#[derive(Clone, Copy)]
struct Token<'t> {
    /// Picks the term's partition. Not the shard hash: that one hashes the term's
    /// UTF-8, and is computed once per distinct term when the partitions are done
    /// rather than for every document that has the term.
    partition_key: u64,
    term: Term<'t>,
    in_title: bool,
}

/// A document's distinct terms, grouped by partition: partition `p` holds
/// `tokens[bounds[p]..bounds[p + 1]]`.
struct DocTokens<'t> {
    tokens: Vec<Token<'t>>,
    bounds: Vec<u32>,
}

impl DocTokens<'_> {
    fn of_partition(&self, partition: usize) -> &[Token<'_>] {
        let at = |p: usize| self.bounds.get(p).map_or(0, |&b| b as usize);
        self.tokens
            .get(at(partition)..at(partition + 1))
            .unwrap_or(&[])
    }
}

/// One document's text, normalised, with the end of its title part.
pub struct DocText {
    pub normalized: String,
    pub title_end: usize,
}

/// Postings for every term of `docs`, whose position is their document number.
/// `text_of(i)` yields document `i`'s normalised text; it runs in parallel.
pub fn build(
    count: usize,
    text_of: impl Fn(usize) -> DocText + Sync,
) -> Vec<(OwnedTerm, Postings)> {
    let partition_count = (rayon::current_num_threads() * 4).max(1);
    let mut partitions: Vec<Partition> =
        (0..partition_count).map(|_| Partition::default()).collect();
    for batch_start in (0..count).step_by(BATCH_DOCS) {
        let batch = batch_start..(batch_start + BATCH_DOCS).min(count);
        let texts: Vec<DocText> = batch.clone().into_par_iter().map(&text_of).collect();
        let tokens: Vec<DocTokens> = texts
            .par_iter()
            .map_init(TermSet::default, |cjk, text| {
                distinct_tokens(text, cjk, partition_count)
            })
            .collect();
        partitions
            .par_iter_mut()
            .enumerate()
            .for_each(|(index, partition)| {
                for (offset, doc_tokens) in tokens.iter().enumerate() {
                    let doc = (batch_start + offset) as u32;
                    for token in doc_tokens.of_partition(index) {
                        partition.push(token, doc);
                    }
                }
            });
    }
    partitions
        .into_iter()
        .flat_map(|partition| {
            let cjk = partition
                .cjk
                .into_iter()
                .map(|(key, p)| (OwnedTerm::Cjk(key), p));
            let words = partition
                .words
                .into_iter()
                .map(|(word, p)| (OwnedTerm::Word(word), p));
            cjk.chain(words)
        })
        .map(|(term, mut postings)| {
            postings.hash = term.as_term().with_bytes(shard_hash);
            (term, postings)
        })
        .collect()
}

/// A document's distinct terms as UTF-8, each flagged when the title has it.
pub fn doc_terms(text: &DocText) -> Vec<(Vec<u8>, bool)> {
    let mut cjk = TermSet::default();
    distinct_tokens(text, &mut cjk, 1)
        .tokens
        .iter()
        .map(|token| (token.term.with_bytes(<[u8]>::to_vec), token.in_title))
        .collect()
}

/// A document's distinct terms, each flagged when the title has it (the title is
/// read first, and the first occurrence's flag is kept), grouped by partition.
fn distinct_tokens<'t>(
    text: &'t DocText,
    cjk: &mut TermSet,
    partition_count: usize,
) -> DocTokens<'t> {
    let (title, body) = text
        .normalized
        .split_at(text.title_end.min(text.normalized.len()));
    cjk.clear();
    let mut words: Vec<(&str, bool)> = Vec::new();
    for (part, in_title) in [(title, true), (body, false)] {
        for_each_index_term(part, |term| match term {
            Term::Cjk(key) => cjk.insert(key, in_title),
            Term::Word(word) => words.push((word, !in_title)),
        });
    }
    // Words are few: sorting puts a title occurrence (`false` = not "not in title")
    // first, and dedup keeps it.
    words.sort_unstable();
    words.dedup_by_key(|(word, _)| *word);
    let cjk = cjk
        .distinct()
        .iter()
        .map(|&(key, in_title)| (Term::Cjk(key), in_title));
    let words = words
        .iter()
        .map(|&(word, not_in_title)| (Term::Word(word), !not_in_title));
    let tokens: Vec<Token> = cjk
        .chain(words)
        .map(|(term, in_title)| Token {
            partition_key: partition_key(&term),
            term,
            in_title,
        })
        .collect();
    group_by_partition(tokens, partition_count)
}

/// Spreads terms over partitions: a multiply for packed CJK terms, FNV for words.
fn partition_key(term: &Term) -> u64 {
    let mut hasher = FastHasher::default();
    match term {
        Term::Cjk(key) => hasher.write_u64(*key),
        Term::Word(word) => hasher.write(word.as_bytes()),
    }
    hasher.finish()
}

/// A counting sort of `tokens` by `partition_key % partition_count`.
fn group_by_partition(tokens: Vec<Token<'_>>, partition_count: usize) -> DocTokens<'_> {
    let partition = |token: &Token| (token.partition_key % partition_count as u64) as usize;
    let mut bounds = vec![0u32; partition_count + 1];
    for token in &tokens {
        bounds[partition(token) + 1] += 1;
    }
    for p in 0..partition_count {
        bounds[p + 1] += bounds[p];
    }
    let mut next: Vec<u32> = bounds[..partition_count].to_vec();
    let mut grouped = tokens.clone();
    for token in tokens {
        let slot = &mut next[partition(&token)];
        grouped[*slot as usize] = token;
        *slot += 1;
    }
    DocTokens {
        tokens: grouped,
        bounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenize::normalize;

    fn doc(title: &str, body: &str) -> DocText {
        let title = normalize(title);
        let title_end = title.len();
        DocText {
            normalized: format!("{title}\n{}", normalize(body)),
            title_end,
        }
    }

    #[test]
    fn postings_list_documents_in_order_with_title_flags() {
        let docs = [
            doc("阿里云", "云计算 log4j"),
            doc("other", "nothing here"),
            doc("Log4j", "阿里云 again, LOG4J"),
        ];
        let built = build(docs.len(), |i| DocText {
            normalized: docs[i].normalized.clone(),
            title_end: docs[i].title_end,
        });
        let find = |text: &str| {
            built
                .iter()
                .find(|(term, _)| term.as_term().to_text() == text)
                .map(|(_, p)| p.iter().collect::<Vec<_>>())
        };
        assert_eq!(find("阿里"), Some(vec![(0, true), (2, false)]));
        assert_eq!(find("log4j"), Some(vec![(0, false), (2, true)]));
        assert_eq!(find("云"), Some(vec![(0, true), (2, false)]));
        assert_eq!(find("nothing"), Some(vec![(1, false)]));
        assert_eq!(find("missing"), None);
    }

    #[test]
    fn large_gaps_take_several_bytes() {
        let cases = [
            (0u64, vec![0u8]),
            (127, vec![0x7F]),
            (128, vec![0x80, 0x01]),
            (300, vec![0xAC, 0x02]),
        ];
        for (value, want) in cases {
            let mut out = Vec::new();
            write_varint(&mut out, value);
            assert_eq!(out, want, "{value}");
        }
    }

    #[test]
    fn shard_hash_is_fnv1a() {
        // Reference values of 32-bit FNV-1a.
        assert_eq!(shard_hash(b""), 0x811C_9DC5);
        assert_eq!(shard_hash(b"a"), 0xE40C_292C);
        assert_eq!(shard_hash(b"foobar"), 0xBF9C_F968);
    }
}
