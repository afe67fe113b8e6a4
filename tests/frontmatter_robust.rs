//! `frontmatter::parse` on text stitched from the pieces real headers are made of,
//! broken in every combination: it never panics, and every refusal is located.

use std::path::PathBuf;
use std::time::SystemTime;

use gazette::frontmatter;
use gazette::load::Source;
use jiff::tz::TimeZone;
use proptest::prelude::*;

fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "---",
        "+++",
        "\n",
        "\r\n",
        "\t",
        " ",
        "  ",
        "-",
        " - ",
        "-  - ",
        "title:",
        "date:",
        "updated:",
        "categories:",
        "tags:",
        "author:",
        "format:",
        "draft:",
        "published:",
        "name:",
        "title =",
        "date =",
        "'",
        "\"",
        "\"\"\"",
        "''",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "#",
        "|",
        ">",
        "@",
        "*",
        "&",
        "!",
        "%",
        "\\",
        "2021-08-07 02:22:05",
        "Thu, 23 Dec 2021 16:00:00 GMT",
        "2021-02-30",
        "+08:00",
        "1.10",
        "true",
        "no",
        "~",
        "[x](http://a)",
        "— 番剧",
        "标题",
        "🤔",
        "é",
        "\u{301}",
        "<div>",
        "html",
        "markdown",
    ])
}

proptest! {
    #[test]
    fn never_panics_and_refusals_are_located(
        open in prop::sample::select(vec!["", "---\n", "\n---\r\n", "+++\n"]),
        parts in prop::collection::vec(fragment(), 0..80),
        close in prop::sample::select(vec!["", "\n---\n<div>", "\n+++\n# x"]),
    ) {
        let source = Source {
            path: PathBuf::from("fuzz.md"),
            text: format!("{open}{}{close}", parts.concat()),
            mtime: SystemTime::UNIX_EPOCH,
        };
        let tz = TimeZone::get("Asia/Shanghai").expect("tzdb");
        match frontmatter::parse(&source, &tz) {
            Ok((draft, warnings)) => {
                prop_assert!(!draft.meta.title.is_empty() || draft.stem.is_empty());
                prop_assert!(warnings.iter().all(|w| !w.is_error()));
            }
            Err(problems) => {
                prop_assert!(problems.iter().any(|p| p.is_error()));
                prop_assert!(problems.iter().filter(|p| p.is_error()).all(|p| p.line.is_some()));
            }
        }
    }
}
