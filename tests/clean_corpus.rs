//! The cleaning stage over real posts: insta snapshots of the cleaned HTML for
//! posts from many sources, and corpus-wide checks (every usable image kept,
//! nothing hostile or proxied left). Skips with a note when ../shared is absent.

mod common;

use std::path::Path;

use gazette::clean::{self, CleanOptions};
use gazette::config::Config;
use gazette::frontmatter;
use gazette::load;

/// The config the demo site ships: woshipm's trailing notes set per source.
const CONFIG: &str = r#"
[clean]
trailing = ["题图来自"]
[clean.trailing_by_author]
"人人都是产品经理" = ["本文由 @"]
"#;

fn options() -> CleanOptions {
    CleanOptions::from_config(&Config::parse(CONFIG, "config.toml").unwrap())
}

/// (snapshot name, file under corpus/rsshub-page or seeds/)
const POSTS: &[(&str, &str)] = &[
    ("zaker_captions", "1+1=1…吧？.md"),
    ("zaker_decsimg_video", "+_&~_%！'^…….md"),
    (
        "zaker_triangle_marks",
        "12306 再回应，抢票加速包真的没用吗_.md",
    ),
    ("zaker_seed", "../../seeds/000_756cd2e702334c0f.txt"),
    ("dockone_code", "OPA项目实践解读.md"),
    ("dockone_git", "25个每个人都应该知道的Git命令.md"),
    ("woshipm_figures_tip", "B端决策类产品｜任务中断回溯设计.md"),
    (
        "3dmgame_styles",
        "10个人就有1个主播 我国主播近14亿 你打赏过吗？.md",
    ),
    (
        "3dmgame_youku",
        "(守望先锋》2代与1代英雄形象对比 穿得更严实了？.md",
    ),
    (
        "cnbeta_linked_images",
        "Google SMTP服务被利用来发送欺诈邮件.md",
    ),
    (
        "ithome_wh",
        "安全人员发现新型恶意软件，文件伪装成 Windows 激活工具并可绕过系统保护.md",
    ),
    ("sobooks_ads", "0次与10000次.md"),
    ("dlsite_vue", "2021年03月23日 割引終了ゆうかりんだけCG集.md"),
    ("webtoons_handlers", "1화 표정관리.md"),
    (
        "mastodon",
        "@001_RSC_ \"摸点德鲁西拉投喂自己，我喝两瓶jpg⚠️私设光出没注意⚠️\".md",
    ),
    ("google_sites_iframe", "Fibonacci Number (費波那契數).md"),
    (
        "animen_youtube",
        "《劇場版 幼女戦記》全新主視覺圖釋出，廣播劇節目也即將復活！.md",
    ),
    ("yanxishe_styles", "今日待译 _ 2020年9月22日字幕组更新.md"),
    ("bangumi_proxy", "かぎなど｜键的嘉年华.md"),
];

/// (body, author) of a post file, as the build reads it; `None` for the posts
/// whose front matter the build refuses.
fn body_of(path: &Path) -> Option<(String, Option<String>)> {
    let (source, problems) = load::read_one(path, Path::new("post.md"));
    assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    let tz = jiff::tz::TimeZone::UTC;
    let (draft, _) = frontmatter::parse(&source.expect("readable"), &tz).ok()?;
    Some((draft.body, draft.meta.author))
}

#[test]
fn cleaned_posts_match_snapshots() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let options = options();
    let dir = shared.join("corpus/rsshub-page");
    for (name, file) in POSTS {
        let (body, author) = body_of(&dir.join(file)).expect("a post the build reads");
        let (cleaned, warnings) = clean::clean_with_warnings(&body, &options, author.as_deref());
        let images: Vec<String> = cleaned
            .images
            .iter()
            .map(|i| format!("{} {:?}x{:?}", i.src, i.width, i.height))
            .collect();
        let report = format!(
            "{}\n\n---- words: {}, minutes: {}\n---- images:\n{}\n---- warnings:\n{}\n---- text:\n{}\n",
            cleaned.html,
            cleaned.words,
            cleaned.reading_minutes,
            images.join("\n"),
            warnings.join("\n"),
            clean::plain_text(&cleaned.html)
        );
        insta::assert_snapshot!(*name, report);
    }
}

/// `<img>` elements in raw HTML (every one in the corpus has a usable address).
fn raw_images(html: &str) -> usize {
    let doc = scraper::Html::parse_fragment(html);
    let img = scraper::Selector::parse("img").unwrap();
    doc.select(&img).count()
}

#[test]
fn every_image_with_an_address_is_kept() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let options = options();
    let (mut before, mut after) = (0, 0);
    for path in common::corpus_files(&shared) {
        let Some((body, author)) = body_of(&path) else {
            continue;
        };
        let cleaned = clean::clean(&body, &options, author.as_deref());
        let raw = raw_images(&body);
        let kept = cleaned.html.matches("<img ").count();
        assert_eq!(kept, raw, "{}: {raw} images in, {kept} out", path.display());
        assert_eq!(cleaned.images.len(), kept, "{}", path.display());
        before += raw;
        after += kept;
    }
    assert!(before > 150, "the corpus has many images ({before})");
    assert_eq!(before, after);
}

#[test]
fn no_proxy_handler_or_empty_paragraph_survives() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let options = options();
    for path in common::corpus_files(&shared) {
        let Some((body, author)) = body_of(&path) else {
            continue;
        };
        let html = clean::clean(&body, &options, author.as_deref()).html;
        let shown = path.display();
        assert!(!html.contains("cors.zfour.workers.dev"), "{shown}");
        assert!(!html.contains("<p></p>"), "{shown}");
        assert!(!html.contains("<div></div>"), "{shown}");
        assert!(!html.contains("prettyprint"), "{shown}");
        let doc = scraper::Html::parse_fragment(&html);
        for node in doc.root_element().descendants() {
            if let Some(e) = node.value().as_element() {
                for (name, _) in e.attrs() {
                    assert!(
                        !name.starts_with("on")
                            && !name.starts_with(['@', ':'])
                            && name != "style"
                            && name != "id",
                        "{shown}: <{} {name}>",
                        e.name()
                    );
                }
            }
        }
    }
}
