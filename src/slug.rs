//! Slugs: safe, readable URL segments from titles, file names and terms.
//!
//! Letters and digits of every script are kept in their case, so a Chinese title
//! gives a Chinese slug; everything else becomes a single `-`. The rules decide each
//! character from the text already written, which is what makes `slugify` idempotent.

use unicode_segmentation::UnicodeSegmentation;

/// Longest slug, in bytes: file systems cap a name at 255 bytes, and a slug may get
/// a suffix when two posts collide.
pub const MAX_SLUG_BYTES: usize = 120;

/// The slug for text with nothing usable in it at all (empty or blank).
pub const EMPTY_SLUG: &str = "untitled";

/// A URL path segment for `text`: letters, digits, `_` and `-` only, never empty,
/// never `.` or `..`, at most [`MAX_SLUG_BYTES`] bytes, and `slugify(slugify(x)) ==
/// slugify(x)`.
///
/// When nothing survives (a title made of emoji or punctuation), the slug is
/// `untitled-` plus 8 hex digits of the text's hash, so two such posts do not
/// share a URL; blank text gives plain `untitled`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len().min(MAX_SLUG_BYTES));
    // Whether the last character written was a letter, digit or one of their marks:
    // only then may a combining mark follow (a virama, an accent) without a `-`.
    let mut after_letter = false;
    for c in text.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_alphanumeric() || (after_letter && extends_previous(c)) {
            slug.push(c);
            after_letter = true;
        } else if c == '_' {
            slug.push(c);
            after_letter = false;
        } else {
            if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
            after_letter = false;
        }
    }
    truncate_at_char(&mut slug, MAX_SLUG_BYTES);
    let trimmed_len = slug.trim_end_matches('-').len();
    slug.truncate(trimmed_len);
    if !slug.is_empty() {
        slug
    } else if text.trim().is_empty() {
        EMPTY_SLUG.to_string()
    } else {
        let hash = blake3::hash(text.as_bytes()).to_hex();
        format!("{EMPTY_SLUG}-{}", &hash[..8])
    }
}

fn truncate_at_char(text: &mut String, max_bytes: usize) {
    if text.len() > max_bytes {
        let mut cut = max_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

/// Combining marks, spacing marks and the like: characters that join the letter
/// before them into one user-perceived character.
fn extends_previous(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    let mut pair = String::with_capacity(8);
    pair.push('a');
    pair.push(c);
    pair.graphemes(true).nth(1).is_none()
}

/// Characters that show nothing (joiners, variation selectors, soft hyphens, byte
/// order marks): dropped rather than turned into a `-` inside a word.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        let cases = [
            ("Hello, World!", "Hello-World"),
            ("  spaced   out  ", "spaced-out"),
            (
                "发现问题先报美国，阿里云捅了一个天大的篓子！",
                "发现问题先报美国-阿里云捅了一个天大的篓子",
            ),
            ("1화 표정관리", "1화-표정관리"),
            (
                "BthI1stOpeC7Cwfの投稿イラスト",
                "BthI1stOpeC7Cwfの投稿イラスト",
            ),
            ("+_&~_%！'^……", "_-_"),
            ("0.9%=0.9996427%？", "0-9-0-9996427"),
            ("a/b\\c?d#e&f=g", "a-b-c-d-e-f-g"),
            ("snake_case-and-dashes", "snake_case-and-dashes"),
            ("--a--b--", "a-b"),
            ("<script>alert(1)</script>", "script-alert-1-script"),
            ("Café déjà vu", "Café-déjà-vu"),
            // A decomposed accent stays on its letter; one after a space does not.
            ("Cafe\u{301} x \u{301}y", "Cafe\u{301}-x-y"),
            // The virama joins Devanagari letters; it is not a letter itself.
            ("क्षत्रिय", "क्षत्रिय"),
            // Invisible joiners vanish instead of splitting a word.
            ("ab\u{200D}cd\u{AD}ef", "abcdef"),
            ("..", "untitled-d2e9b2bb"),
            (".", "untitled-a6ff4c39"),
            ("", "untitled"),
            ("   ", "untitled"),
        ];
        for (text, want) in cases {
            let slug = slugify(text);
            if want.starts_with("untitled-") {
                assert!(
                    slug.starts_with("untitled-") && slug.len() == 17,
                    "{text}: {slug}"
                );
            } else {
                assert_eq!(slug, want, "{text}");
            }
        }
    }

    #[test]
    fn emoji_only_titles_do_not_collide() {
        let thinking = slugify("🤔");
        let grinning = slugify("😀");
        assert!(thinking.starts_with("untitled-"), "{thinking}");
        assert_ne!(thinking, grinning);
        assert_eq!(thinking, slugify("🤔"), "stable across calls");
    }

    #[test]
    fn long_titles_are_cut_at_a_character_and_retrimmed() {
        let chinese = "阿".repeat(100);
        let slug = slugify(&chinese);
        assert_eq!(
            slug,
            "阿".repeat(40),
            "40 three-byte characters fit in 120 bytes"
        );
        let dash_at_cut = format!("{}-b", "a".repeat(MAX_SLUG_BYTES));
        assert_eq!(slugify(&dash_at_cut), "a".repeat(MAX_SLUG_BYTES));
        let dash_before_cut = format!("{} {}", "a".repeat(MAX_SLUG_BYTES - 1), "bcd");
        assert_eq!(slugify(&dash_before_cut), "a".repeat(MAX_SLUG_BYTES - 1));
    }
}
