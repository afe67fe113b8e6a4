//! Whole posts through `frontmatter::parse`: header shapes, fields, dates, body
//! format and where problems point.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use gazette::frontmatter::{self, Parsed};
use gazette::load::Source;
use gazette::model::Draft;
use jiff::tz::TimeZone;

/// 2001-09-09 01:46:40 UTC: the mtime every test file has.
const MTIME_SECS: u64 = 1_000_000_000;

fn parse(name: &str, text: &str) -> Parsed {
    let source = Source {
        path: PathBuf::from(name),
        text: text.to_string(),
        mtime: SystemTime::UNIX_EPOCH + Duration::from_secs(MTIME_SECS),
    };
    frontmatter::parse(&source, &TimeZone::get("Asia/Shanghai").expect("tzdb"))
}

/// The fields a case can check, as text.
fn describe(draft: &Draft) -> BTreeMap<&'static str, String> {
    let meta = &draft.meta;
    let time = |z: &jiff::Zoned| z.strftime("%Y-%m-%d %H:%M:%S %:z").to_string();
    let paths: Vec<String> = meta.categories.iter().map(|p| p.join(" > ")).collect();
    BTreeMap::from([
        ("title", meta.title.clone()),
        ("date", time(&draft.date)),
        ("meta.date", meta.date.as_ref().map_or("-".into(), time)),
        ("updated", meta.updated.as_ref().map_or("-".into(), time)),
        ("categories", paths.join(" | ")),
        ("tags", meta.tags.join(" | ")),
        ("author", meta.author.clone().unwrap_or_default()),
        ("cover", meta.cover.clone().unwrap_or_default()),
        ("slug", meta.slug.clone().unwrap_or_default()),
        ("summary", meta.summary.clone().unwrap_or_default()),
        ("lang", meta.lang.clone().unwrap_or_default()),
        ("draft", meta.draft.to_string()),
        ("format", format!("{:?}", draft.format)),
        (
            "extra",
            serde_json::Value::Object(meta.extra.clone()).to_string(),
        ),
        ("stem", draft.stem.clone()),
        ("body_line", draft.body_line.to_string()),
        ("body", draft.body.clone()),
    ])
}

const SEED: &str = "\n---\ntitle: '发现问题先报美国，阿里云捅了一个天大的篓子！'\ncategories: \n - 新媒体\n - ZAKER\n - 精读\nheadimg: 'https://h.jpg'\nauthor: ZAKER\ncomments: false\ndate: Thu, 23 Dec 2021 16:00:00 GMT\nthumbnail: 'https://t.jpg'\n---\n\n<div>   \n<p>x</p></div>            ";

/// (file name, text, expected fields, lines of the warnings)
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, Vec<usize>);

#[test]
fn posts_that_read() {
    let crlf = SEED.replace('\n', "\r\n");
    let cases: Vec<Case> = vec![
        (
            "a.md",
            SEED,
            vec![
                ("title", "发现问题先报美国，阿里云捅了一个天大的篓子！"),
                ("date", "2021-12-24 00:00:00 +08:00"),
                ("categories", "新媒体 > ZAKER > 精读"),
                ("cover", "https://h.jpg"),
                ("author", "ZAKER"),
                ("extra", r#"{"comments":false}"#),
                ("format", "Html"),
                ("body_line", "14"),
                ("body", "\n<div>   \n<p>x</p></div>            "),
                ("stem", "a"),
                ("draft", "false"),
            ],
            vec![],
        ),
        (
            "crlf.md",
            &crlf,
            vec![
                ("title", "发现问题先报美国，阿里云捅了一个天大的篓子！"),
                ("categories", "新媒体 > ZAKER > 精读"),
                ("date", "2021-12-24 00:00:00 +08:00"),
                ("body_line", "14"),
                ("format", "Html"),
            ],
            vec![],
        ),
        (
            "hugo.md",
            "+++\ntitle = \"Hugo\"\ndate = 2021-08-07T02:22:05Z\ntags = [\"a\", 5]\ndraft = true\n+++\n# Hi\n",
            vec![
                ("title", "Hugo"),
                ("date", "2021-08-07 10:22:05 +08:00"),
                ("tags", "a | 5"),
                ("draft", "true"),
                ("format", "Markdown"),
                ("body_line", "7"),
            ],
            vec![],
        ),
        (
            "typed.md",
            "---\ntitle: 2021\ntags: [5G, 2021, 1.10, true]\nauthor: 1.50\ndate: 2021-08-07\nupdated: 2021-08-08 10:00\n---\n",
            vec![
                ("title", "2021"),
                ("tags", "5G | 2021 | 1.10 | true"),
                ("author", "1.50"),
                ("date", "2021-08-07 00:00:00 +08:00"),
                ("updated", "2021-08-08 10:00:00 +08:00"),
            ],
            vec![],
        ),
        (
            "odd.md",
            "---\ntitle: \"  <script>alert('x')</script> & 100% 😀 한국어 日本語 \"\nslug: my-post\nlang: zh-CN\ndescription: ''\nsummary: short\npublished: false\ncover: c.jpg\nthumbnail: ''\nformat: Markdown\ndate: 2021-08-07 02:22:05\n---\n<div>html-looking markdown</div>\n",
            vec![
                ("title", "<script>alert('x')</script> & 100% 😀 한국어 日本語"),
                ("slug", "my-post"),
                ("lang", "zh-CN"),
                ("summary", "short"),
                ("draft", "true"),
                ("cover", "c.jpg"),
                ("format", "Markdown"),
                ("date", "2021-08-07 02:22:05 +08:00"),
                ("extra", "{}"),
            ],
            vec![],
        ),
        (
            "no-date.md",
            "---\ntitle: x\n---\nbody",
            vec![("date", "2001-09-09 09:46:40 +08:00"), ("meta.date", "-")],
            vec![1],
        ),
        (
            "Untitled Post.md",
            "\n\n---\ntitle: ''\ndate: 2021-08-07\nupdated: someday\n---\n",
            vec![("title", "Untitled Post"), ("updated", "-")],
            vec![4, 6],
        ),
        (
            "plain.md",
            "Just text, no front matter.\n",
            vec![
                ("title", "plain"),
                ("date", "2001-09-09 09:46:40 +08:00"),
                ("body", "Just text, no front matter.\n"),
                ("body_line", "1"),
                ("format", "Markdown"),
            ],
            vec![1],
        ),
        (
            "page.html",
            "---\ntitle: p\ndate: 2021-08-07\n---\n# not markdown\n",
            vec![("format", "Html")],
            vec![],
        ),
        (
            "broken.md",
            "\n---\ntitle: \"\"\"'SP'\"\"\"\ncategories:\n - 二次元\n -  - news\n - — 番剧\ndate: Fri, 31 Dec 2021 16:30:00 GMT\n---\n<div></div>",
            vec![
                ("title", "SP"),
                ("categories", "二次元 > news > 番剧"),
                ("date", "2022-01-01 00:30:00 +08:00"),
            ],
            vec![3, 6, 7],
        ),
        (
            "author.md",
            "---\ntitle: t\ndate: 2021-08-07\nauthor:\n  name: Ann\n  url: https://a\ndraft: 'no'\n---\n",
            vec![("author", "Ann"), ("draft", "false")],
            vec![],
        ),
    ];
    for (name, text, fields, warning_lines) in cases {
        let (draft, warnings) = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let got = describe(&draft);
        for (field, want) in fields {
            assert_eq!(got[field], want, "{name}: {field}");
        }
        let lines: Vec<usize> = warnings.iter().filter_map(|w| w.line).collect();
        assert_eq!(lines, warning_lines, "{name}: {warnings:#?}");
        assert!(warnings.iter().all(|w| !w.is_error()), "{name}");
    }
}

#[test]
fn posts_that_are_skipped() {
    // (text, line, column, words the error must contain)
    let cases = [
        ("\n\n---\ntitle: x\n", 3, None, vec!["never closes", "---"]),
        ("+++\ntitle = 'x'\n", 1, None, vec!["`+++`"]),
        (
            "\n---\ntitle: x\ndate: tomorrow\n---\n",
            4,
            Some(7),
            vec!["`date`", "RFC 2822", "YYYY-MM-DD", "skipped"],
        ),
        (
            "---\ntitle: x\ndate: 2021-02-30\n---\n",
            3,
            Some(7),
            vec!["`date`", "day"],
        ),
        (
            "\n---\ntitle: x\nauthor:\n  name: a\n   email: b\n---\n",
            6,
            Some(9),
            vec!["not valid YAML", "nested mapping"],
        ),
        (
            "---\ntitle: x\nmeta: {a: [1, 2}\n---\n",
            3,
            Some(16),
            vec!["not valid YAML", "mapping"],
        ),
        ("+++\ntitle = \n+++\n", 2, Some(9), vec!["not valid TOML"]),
        (
            "---\ndate: [2021]\n---\n",
            2,
            Some(7),
            vec!["should be a date"],
        ),
    ];
    for (text, line, column, words) in cases {
        let problems = parse("x.md", text).expect_err(text);
        let error = problems.iter().find(|p| p.is_error()).expect("an error");
        assert_eq!(
            (error.line, error.column),
            (Some(line), column),
            "{text:?}: {error}"
        );
        for word in words {
            assert!(error.message.contains(word), "{text:?}: {error}");
        }
    }
}
