//! What later stages need from a cleaned body besides its HTML: the images
//! with their sizes, read from the tree, and a CJK-aware word count and reading
//! time, read from the body's plain text (see [`super::plain`]).

use scraper::Node;

use super::dom::Doc;
use crate::model::Image;

/// Reading speeds: characters per minute for CJK, words per minute otherwise.
const CJK_PER_MINUTE: usize = 400;
const WORDS_PER_MINUTE: usize = 200;

/// Every `<img>` with an address, in document order.
pub fn images(doc: &Doc) -> Vec<Image> {
    let Some(root) = doc.html.tree.get(doc.root()) else {
        return Vec::new();
    };
    root.descendants()
        .filter_map(|node| match node.value() {
            Node::Element(e) if e.name() == "img" => {
                let number = |k: &str| e.attr(k).and_then(|v| v.parse().ok());
                Some(Image {
                    src: e.attr("src")?.to_string(),
                    width: number("width"),
                    height: number("height"),
                    alt: e
                        .attr("alt")
                        .filter(|a| !a.trim().is_empty())
                        .map(str::to_string),
                })
            }
            _ => None,
        })
        .collect()
}

/// (words, minutes to read) of a plain text; a text with any words takes at
/// least a minute.
pub fn reading(text: &str) -> (usize, usize) {
    let (cjk, other) = count_words(text);
    let words = cjk + other;
    let minutes = if words == 0 {
        0
    } else {
        (cjk * WORDS_PER_MINUTE + other * CJK_PER_MINUTE)
            .div_ceil(CJK_PER_MINUTE * WORDS_PER_MINUTE)
            .max(1)
    };
    (words, minutes)
}

/// Han, kana and their punctuation-free kin: read one character at a time.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // Extension A
        | 0x4E00..=0x9FFF // Unified Ideographs
        | 0xF900..=0xFAFF // Compatibility Ideographs
        | 0x31F0..=0x31FF // Katakana extensions
        | 0x20000..=0x2FA1F) // Extensions B–F and supplements
}

/// (CJK characters, other words). A word is a run of letters and digits, with
/// apostrophes and decimal points inside it; Hangul is written with spaces, so
/// it counts by word. Hand-rolled: UAX #29 segmentation was a sixth of the
/// cleaning stage's time.
pub fn count_words(text: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut other = 0;
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_cjk(c) {
            cjk += 1;
            in_word = false;
        } else if is_word_char(c) {
            if !in_word {
                other += 1;
                in_word = true;
            }
        } else if in_word && matches!(c, '\'' | '’' | '.' | ',') {
            in_word = chars.peek().is_some_and(|&n| is_word_char(n) && !is_cjk(n));
        } else {
            in_word = false;
        }
    }
    (cjk, other)
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        // CJK punctuation and full-width forms are common and never letters.
        !matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20)
            && c.is_alphanumeric()
    }
}

/// A cut of plain text to about `max_chars` characters that ends at a sentence
/// end when one is near, never inside a Latin word, and says it was cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max_chars {
        return text.to_string();
    }
    let limit = chars[max_chars].0;
    let window_start = chars[max_chars * 7 / 10].0;
    let head = &text[..limit];
    if let Some((at, c)) = head
        .char_indices()
        .rev()
        .take_while(|(i, _)| *i >= window_start)
        .find(|(_, c)| "。！？!?；;".contains(*c))
    {
        return text[..at + c.len_utf8()].to_string();
    }
    let mut cut = limit;
    let next = text[limit..].chars().next().unwrap_or(' ');
    if next.is_alphanumeric() && !is_cjk(next) {
        if let Some(space) = head
            .rfind(char::is_whitespace)
            .filter(|&s| s >= window_start)
        {
            cut = space;
        }
    }
    let mut out = text[..cut].trim_end().to_string();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_with_their_sizes() {
        let doc = Doc::parse(
            "<p>阿里云</p><figure><img src=\"http://a/x.jpg\" width=\"1080\" height=\"757\" alt=\"\"><figcaption>cap</figcaption></figure><img alt=\"no address\"><img src=\"y.png\" width=\"wide\" alt=\"图\">",
        );
        assert_eq!(
            images(&doc),
            vec![
                Image {
                    src: "http://a/x.jpg".into(),
                    width: Some(1080),
                    height: Some(757),
                    alt: None
                },
                Image {
                    src: "y.png".into(),
                    width: None,
                    height: None,
                    alt: Some("图".into())
                }
            ]
        );
    }

    #[test]
    fn word_counts_by_script() {
        let cases = [
            ("阿里云发现隐患后", (8, 0)),
            ("Google SMTP服务被利用", (5, 2)),
            ("ゆうかりんだけCG集", (8, 1)),
            ("1화 표정관리", (0, 2)),
            ("It's 25 Git commands.", (0, 4)),
            ("近1.4亿，约1,000人", (4, 2)),
            ("a  b\n\tc", (0, 3)),
            ("（Saccopteryx bilineata）", (0, 2)),
            ("", (0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(count_words(text), expected, "{text}");
        }
    }

    #[test]
    fn reading_time_grows_with_length() {
        let cases = [
            ("字".repeat(1200), (1200, 3)),
            ("word ".repeat(450), (450, 3)),
            ("阿里云，又出事儿了 Not a triangle. a b".into(), (13, 1)),
            ("".into(), (0, 0)),
        ];
        for (text, expected) in cases {
            assert_eq!(reading(&text), expected, "{text}");
        }
    }

    #[test]
    fn excerpts() {
        let cases = [
            ("短文本。", 10, "短文本。"),
            (
                "第一句很长很长很长。第二句也很长很长很长很长",
                12,
                "第一句很长很长很长。",
            ),
            (
                "这是一段没有标点符号的很长的中文文本内容",
                10,
                "这是一段没有标点符号…",
            ),
            ("the quick brown fox jumps over", 12, "the quick…"),
        ];
        for (text, max, expected) in cases {
            assert_eq!(excerpt(text, max), expected, "{text}");
        }
    }
}
