//! The front-matter stage over the real corpus: every post either becomes a draft
//! or is refused with located problems, and the known breakages recover as planned.

mod common;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use gazette::frontmatter::{self, Parsed};
use gazette::load::{self, Source};
use gazette::model::BodyFormat;
use jiff::tz::TimeZone;

fn read(path: &Path) -> Source {
    let shown = PathBuf::from(path.file_name().expect("a file"));
    let (source, problems) = load::read_one(path, &shown);
    assert!(problems.is_empty(), "{problems:?}");
    let mut source = source.expect("readable");
    // A fixed mtime keeps the fallback date reproducible.
    source.mtime = SystemTime::UNIX_EPOCH;
    source
}

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").expect("bundled tzdb")
}

#[test]
fn every_corpus_post_is_read_or_refused_with_a_line() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let files = common::corpus_files(&shared);
    assert_eq!(files.len(), 66, "64 corpus posts and 2 seeds");
    let (mut clean, mut recovered, mut refused) = (0, 0, 0);
    for file in &files {
        let parsed: Parsed = frontmatter::parse(&read(file), &shanghai());
        match &parsed {
            Ok((draft, warnings)) => {
                assert!(!draft.meta.title.is_empty(), "{}", file.display());
                assert!(draft.meta.date.is_some(), "{}: no date", file.display());
                assert_eq!(draft.format, BodyFormat::Html, "{}", file.display());
                assert!(draft.body.trim_start().starts_with("<div>"));
                assert!(warnings.iter().all(|w| !w.is_error()));
                if warnings.is_empty() {
                    clean += 1;
                } else {
                    recovered += 1;
                }
                for warning in warnings {
                    assert!(warning.line.is_some(), "{warning}");
                    println!("{warning}");
                }
            }
            Err(problems) => {
                refused += 1;
                assert!(problems.iter().any(|p| p.is_error()));
                for problem in problems {
                    assert!(problem.line.is_some(), "{problem}");
                    println!("{problem}");
                }
            }
        }
    }
    println!("{clean} clean, {recovered} recovered with warnings, {refused} refused");
    assert_eq!(clean + recovered + refused, 66);
    assert_eq!(refused, 0, "every corpus post is readable");
}

#[test]
fn known_breakages_recover_as_planned() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let corpus = shared.join("corpus/rsshub-page");
    // (file, title, categories joined, date in Shanghai, warning lines)
    let cases = [
        (
            corpus.join("\"\"\"\"\"\"\"'SP'\"\"\"\"\"\"\".md"),
            "SP",
            "二次元 > AGE 动漫 - 番剧详情",
            "2021-03-22 04:50:47",
            vec![3],
        ),
        (
            corpus.join("2021年03月23日 割引終了ゆうかりんだけCG集.md"),
            "2021年03月23日 割引終了 ゆうかりんだけCG集",
            "二次元 > DLsite - 产品打折信息",
            "2021-03-21 16:47:10",
            vec![3],
        ),
        (
            corpus.join("1화 표정관리.md"),
            "1화 표정관리",
            "二次元 > Webtoons - Naver",
            "2015-04-01 08:00:00",
            vec![6],
        ),
        (
            corpus.join("《劇場版 幼女戦記》全新主視覺圖釋出，廣播劇節目也即將復活！.md"),
            "《劇場版 幼女戦記》全新主視覺圖釋出，廣播劇節目也即將復活！",
            "二次元 > Animen 动漫平台 > news",
            "2018-12-15 03:16:00",
            vec![7],
        ),
        (
            corpus.join("第10话 - 说谎者的宴会.md"),
            "第10话 - 说谎者的宴会",
            "二次元 > AcFun > 番剧",
            "2018-12-03 19:23:35",
            vec![7],
        ),
        (
            shared.join("seeds/000_756cd2e702334c0f.txt"),
            "发现问题先报美国，阿里云捅了一个天大的篓子！",
            "新媒体 > ZAKER > 精读",
            "2021-12-24 00:00:00",
            vec![],
        ),
        (
            corpus.join("@003_miss_ \"🤔\".md"),
            "@003_miss_ \" 🤔 \"",
            "社交媒体 > Mastodon > 实例公共时间线（本站）",
            "2021-07-07 17:58:53",
            vec![],
        ),
    ];
    for (file, title, categories, date, warning_lines) in cases {
        let (draft, warnings) = frontmatter::parse(&read(&file), &shanghai())
            .unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
        let paths: Vec<String> = draft
            .meta
            .categories
            .iter()
            .map(|p| p.join(" > "))
            .collect();
        assert_eq!(draft.meta.title, title);
        assert_eq!(paths.join(" | "), categories, "{title}");
        assert_eq!(
            draft.date.strftime("%Y-%m-%d %H:%M:%S").to_string(),
            date,
            "{title}"
        );
        let lines: Vec<usize> = warnings.iter().filter_map(|w| w.line).collect();
        assert_eq!(lines, warning_lines, "{title}: {warnings:?}");
    }
}
