//! Property tests for `slugify`: whatever the input, the slug is a safe, stable,
//! bounded URL segment.

use gazette::slug::{slugify, MAX_SLUG_BYTES};
use proptest::prelude::*;

/// Text that favours the characters slugs must handle: separators, reserved URL
/// characters, dots, combining marks, joiners, CJK, Hangul and emoji.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just(" ".to_string()),
        Just("-".to_string()),
        Just("_".to_string()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just("/".to_string()),
        Just("\\".to_string()),
        Just("?#%&=+".to_string()),
        Just("\u{301}".to_string()),
        Just("\u{94D}".to_string()),
        Just("\u{200D}".to_string()),
        Just("🤔".to_string()),
        Just("阿里云".to_string()),
        Just("표정".to_string()),
        Just("क्ष".to_string()),
        "[a-zA-Z0-9]{1,8}",
    ];
    prop::collection::vec(pieces, 0..60).prop_map(|parts| parts.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let slug = slugify(text);
    prop_assert!(!slug.is_empty());
    prop_assert!(slug.len() <= MAX_SLUG_BYTES, "{} bytes", slug.len());
    prop_assert!(!slug.contains(['/', '\\', '.', '?', '#', '%']), "{slug}");
    prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'), "{slug}");
    prop_assert!(!slug.contains("--"), "{slug}");
    prop_assert_eq!(slugify(&slug), slug.clone(), "not idempotent");
    Ok(())
}

proptest! {
    #[test]
    fn any_text_gives_a_safe_stable_slug(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn tricky_text_gives_a_safe_stable_slug(text in tricky_text()) {
        check(&text)?;
    }
}
