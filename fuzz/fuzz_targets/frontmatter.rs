//! Front matter: any bytes, decoded the way `load` decodes them, then split and
//! parsed. Must never panic; every refusal must name a line inside the file.
#![no_main]

use std::path::PathBuf;
use std::time::SystemTime;

use gazette::load::{decode, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((text, _)) = decode(data) else {
        return;
    };
    let lines = text.lines().count().max(1) + 1;
    let source = Source {
        path: PathBuf::from("fuzz.md"),
        text,
        mtime: SystemTime::UNIX_EPOCH,
    };
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let problems = match gazette::frontmatter::parse(&source, &tz) {
        Ok((_, warnings)) => warnings,
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without saying why");
            errors
        }
    };
    for p in problems {
        if let Some(line) = p.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}: {p}");
        }
    }
});
