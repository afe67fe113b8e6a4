//! Slugs: any text. Always a safe, non-empty path segment, and idempotent.
#![no_main]

use gazette::paths::check_segment;
use gazette::slug::slugify;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let slug = slugify(&text);
    assert!(check_segment(&slug).is_ok(), "{text:?} -> {slug:?}");
    assert_eq!(slugify(&slug), slug, "{text:?} not idempotent");
});
