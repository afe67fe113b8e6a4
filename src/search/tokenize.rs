//! How text becomes search terms, identically at build time (here) and in the
//! browser (`themes/default/static/js/search.js`, which mirrors every rule below;
//! `tests/search_js.rs` checks that they agree).
//!
//! 1. Normalise: full-width ASCII (`ＬＯＧ４Ｊ`, common in Chinese text) becomes
//!    ASCII, then the text is lowercased as a whole (Unicode default case mapping).
//! 2. Split into runs: a CJK run is consecutive Han, kana or Hangul characters; a word
//!    run is consecutive other letters and digits (`char::is_alphanumeric`, which is
//!    `[\p{Alphabetic}\p{N}]` in JS); everything else separates.
//! 3. Terms: a word run is one term, cut to [`MAX_WORD_CHARS`]. A CJK run gives every
//!    overlapping bigram and, at index time only, every single character. So any CJK
//!    substring of two or more characters is found by ANDing its bigrams, without
//!    word segmentation, and a one-character query looks up the character itself.

use std::borrow::Cow;

/// Longer word runs (hashes, base64 junk) are cut here, on both sides alike.
pub const MAX_WORD_CHARS: usize = 32;

/// A maximal run of one kind of character in normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'t> {
    Word(&'t str),
    Cjk(&'t str),
}

/// One index term. CJK terms are packed into a `u64` (see [`Term::cjk_unigram`],
/// [`Term::cjk_bigram`]) so the common case allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term<'t> {
    Cjk(u64),
    Word(&'t str),
}

const BIGRAM_FLAG: u64 = 1 << 42;
const CHAR_BITS: u32 = 21;
const CHAR_MASK: u64 = (1 << CHAR_BITS) - 1;

impl<'t> Term<'t> {
    pub fn cjk_unigram(c: char) -> Term<'t> {
        Term::Cjk(c as u64)
    }

    pub fn cjk_bigram(first: char, second: char) -> Term<'t> {
        Term::Cjk(BIGRAM_FLAG | (first as u64) << CHAR_BITS | second as u64)
    }

    /// Calls `f` with the term's UTF-8 bytes, built on the stack for CJK terms.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Term::Word(word) => f(word.as_bytes()),
            Term::Cjk(key) => {
                let mut buffer = [0u8; 8];
                let mut len = 0;
                let chars = if key & BIGRAM_FLAG != 0 {
                    [key >> CHAR_BITS & CHAR_MASK, key & CHAR_MASK]
                } else {
                    [key & CHAR_MASK, u64::MAX]
                };
                for code in chars {
                    if let Some(c) = u32::try_from(code).ok().and_then(char::from_u32) {
                        len += c.encode_utf8(&mut buffer[len..]).len();
                    }
                }
                f(&buffer[..len])
            }
        }
    }

    pub fn to_text(self) -> String {
        self.with_bytes(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Han (with extensions and compatibility ideographs), Hiragana, Katakana (with
/// half-width forms) and Hangul: the scripts written without spaces between words
/// (Korean has spaces, but particles glue onto words, so bigrams help it too).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x3005..=0x3007
        | 0x3041..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x3134F)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Full-width `！`..`～` to ASCII, then lowercase.
pub fn normalize(text: &str) -> String {
    let is_fullwidth = |c: char| ('\u{FF01}'..='\u{FF5E}').contains(&c);
    let folded: Cow<str> = if text.chars().any(is_fullwidth) {
        text.chars()
            .map(|c| match c {
                c if is_fullwidth(c) => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect()
    } else {
        Cow::Borrowed(text)
    };
    lowercase(&folded)
}

/// `str::to_lowercase`, with a fast path for the usual archive text: when every
/// character is ASCII or has no case at all (CJK, their punctuation, general
/// punctuation), only ASCII letters change and no per-character table lookup or
/// final-sigma context is needed.
fn lowercase(text: &str) -> String {
    let caseless = |c: char| {
        c.is_ascii()
            || is_cjk(c)
            || matches!(c as u32, 0xA0..=0xBF | 0x2000..=0x206F | 0x3000..=0x303F | 0xFF00..=0xFF20 | 0xFF3B..=0xFFEF)
    };
    if text.chars().all(caseless) {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// The runs of already-normalised `text`, in order.
pub fn runs(text: &str) -> impl Iterator<Item = Run<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| is_word(c) || is_cjk(c))?;
        rest = &rest[start..];
        let cjk = rest.chars().next().is_some_and(is_cjk);
        let same_kind = |c: char| if cjk { is_cjk(c) } else { is_word(c) };
        let end = rest.find(|c: char| !same_kind(c)).unwrap_or(rest.len());
        let (run, after) = rest.split_at(end);
        rest = after;
        Some(if cjk { Run::Cjk(run) } else { Run::Word(run) })
    })
}

/// A word run cut to [`MAX_WORD_CHARS`] characters.
fn cut_word(word: &str) -> &str {
    match word.char_indices().nth(MAX_WORD_CHARS) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Every index term of normalised `text`, with repeats, in order.
pub fn for_each_index_term<'t>(text: &'t str, mut emit: impl FnMut(Term<'t>)) {
    for run in runs(text) {
        match run {
            Run::Word(word) => emit(Term::Word(cut_word(word))),
            Run::Cjk(cjk) => {
                let mut previous = None;
                for c in cjk.chars() {
                    emit(Term::cjk_unigram(c));
                    if let Some(p) = previous {
                        emit(Term::cjk_bigram(p, c));
                    }
                    previous = Some(c);
                }
            }
        }
    }
}

/// The distinct terms a query looks up, in query order: words, CJK bigrams, or the
/// character itself for a one-character CJK run.
pub fn query_terms(query: &str) -> Vec<String> {
    let normalized = normalize(query);
    let mut terms: Vec<String> = Vec::new();
    let mut add = |term: Term| {
        let text = term.to_text();
        if !terms.contains(&text) {
            terms.push(text);
        }
    };
    for run in runs(&normalized) {
        match run {
            Run::Word(word) => add(Term::Word(cut_word(word))),
            Run::Cjk(cjk) => {
                let chars: Vec<char> = cjk.chars().collect();
                match chars.as_slice() {
                    [only] => add(Term::cjk_unigram(*only)),
                    _ => chars
                        .windows(2)
                        .for_each(|pair| add(Term::cjk_bigram(pair[0], pair[1]))),
                }
            }
        }
    }
    terms
}

/// The distinct index terms of raw `text`, sorted (for tests and tools).
pub fn index_terms(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut terms = Vec::new();
    for_each_index_term(&normalized, |term| terms.push(term.to_text()));
    terms.sort();
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms_table() {
        let cases: &[(&str, &[&str])] = &[
            ("篓子", &["篓子"]),
            ("阿里云", &["阿里", "里云"]),
            ("云", &["云"]),
            ("LOG4J", &["log4j"]),
            ("ＬＯＧ４Ｊ漏洞", &["log4j", "漏洞"]),
            ("Apache Log4j2 漏洞！", &["apache", "log4j2", "漏洞"]),
            ("iPhone13发布会", &["iphone13", "发布", "布会"]),
            ("阿里云，阿里", &["阿里", "里云"]),
            ("don't-stop", &["don", "t", "stop"]),
            ("Ünïcödé ÀB", &["ünïcödé", "àb"]),
            ("東京タワー", &["東京", "京タ", "タワ", "ワー"]),
            ("서울에서", &["서울", "울에", "에서"]),
            ("12 月 22 日", &["12", "月", "22", "日"]),
            ("  ,.;!? 「」 ", &[]),
            ("", &[]),
        ];
        for (query, want) in cases {
            assert_eq!(query_terms(query), *want, "{query:?}");
        }
    }

    #[test]
    fn index_terms_hold_unigrams_and_bigrams() {
        assert_eq!(
            index_terms("阿里云 Log4j"),
            ["log4j", "云", "里", "里云", "阿", "阿里"]
        );
    }

    #[test]
    fn long_words_are_cut_alike_on_both_sides() {
        let long = "x".repeat(40);
        assert_eq!(query_terms(&long), [&long[..MAX_WORD_CHARS]]);
        assert_eq!(index_terms(&long), [&long[..MAX_WORD_CHARS]]);
    }

    #[test]
    fn runs_split_by_script_and_punctuation() {
        let runs: Vec<Run> = runs("abc中文def，x").collect();
        assert_eq!(
            runs,
            [
                Run::Word("abc"),
                Run::Cjk("中文"),
                Run::Word("def"),
                Run::Word("x")
            ]
        );
    }

    #[test]
    fn packed_terms_round_trip() {
        let cases = [('a', '中'), ('𠀀', '𪜀'), ('ー', 'ア')];
        for (first, second) in cases {
            assert_eq!(
                Term::cjk_bigram(first, second).to_text(),
                format!("{first}{second}")
            );
            assert_eq!(Term::cjk_unigram(second).to_text(), second.to_string());
        }
    }

    proptest::proptest! {
        /// The fast path agrees with the standard library on caseless-looking text
        /// and on text that leaves the fast path.
        #[test]
        fn lowercase_matches_std(text in "[a-zA-Z0-9 阿里云，。“”—…\u{A0}-\u{BF}\u{2000}-\u{206F}\u{3000}-\u{303F}\u{FF00}-\u{FFEF}ΣΟΔÀ]{0,30}") {
            proptest::prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }

        /// Any CJK substring of a document is found: its query terms are all index
        /// terms of the document.
        #[test]
        fn cjk_substrings_are_always_found(text in "[阿里云篓子東京タワー서울 ab1，]{1,40}", start in 0usize..40, len in 1usize..8) {
            let chars: Vec<char> = text.chars().collect();
            let start = start.min(chars.len() - 1);
            let end = (start + len).min(chars.len());
            let query: String = chars[start..end].iter().collect();
            if query.chars().all(is_cjk) {
                let index = index_terms(&text);
                for term in query_terms(&query) {
                    proptest::prop_assert!(index.contains(&term), "{term} of {query} not in {text}");
                }
            }
        }
    }
}
