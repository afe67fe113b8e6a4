//! The browser's search code (`search.js`, run under node) against the Rust side:
//! the same query terms, and the right articles found in a real index.

mod search_common;

use std::io::Write;
use std::process::Stdio;

use gazette::config::Config;
use gazette::search::tokenize::{index_terms, query_terms};

/// Inputs where two tokenizers could plausibly disagree.
const TRICKY: &[&str] = &[
    "阿里云 LOG4J",
    "篓子",
    "云",
    "ＬＯＧ４Ｊ漏洞！",
    "iPhone13发布会",
    "don't-stop_now",
    "ΟΔΟΣ σοφός",
    "İstanbul",
    "Straße STRASSE",
    "ǅemal",
    "東京タワー々〇",
    "ｶﾀｶﾅ",
    "서울에서 만나요",
    "Ⅻ ² ½ ① ٣٤",
    "emoji 😀 test",
    "e\u{301}te\u{301}",
    "𠀀𪜀 ext-b",
    "ไทยภาษา",
    "नमस्ते",
    "tab\tnew\nline",
    "\u{200B}zero\u{200B}width",
    "a·b",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "ÀÉÎÕÜ",
    "12 月 22 日",
    "C++ C# .NET",
    "https://example.org/a?b=c",
    "",
];

/// Runs `node_search.js MODE` with `input` as JSON on stdin; its JSON answer.
fn node_json<T: serde::de::DeserializeOwned>(
    mode: &str,
    input: &impl serde::Serialize,
) -> Option<T> {
    let mut node = search_common::node()?;
    let mut child = node
        .arg(search_common::node_script())
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = serde_json::to_vec(input).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn snippets_mark_matches_on_code_points_and_word_edges() {
    let long = format!("{}，阿里云发现了漏洞{}", "前".repeat(50), "后".repeat(200));
    let cases: &[(&str, &str, bool, &str)] = &[
        (
            "发现问题先报美国，阿里云捅了一个天大的篓子！",
            "篓子",
            false,
            "发现问题先报美国，阿里云捅了一个天大的[篓子]！",
        ),
        (
            "Log4j2 and log4j-2 and LOG4J",
            "log4j",
            false,
            "Log4j2 and [log4j]-2 and [LOG4J]",
        ),
        (
            "阿里云在云计算市场",
            "阿里云",
            false,
            "[阿里云]在云计算市场",
        ),
        ("阿里的云", "阿里云", false, "[阿里]的云"),
        ("😀阿里云😀", "阿里云", false, "😀[阿里云]😀"),
        ("ＬＯＧ４Ｊ漏洞", "log4j", false, "[ＬＯＧ４Ｊ]漏洞"),
        ("Straße", "STRASSE", false, "Straße"),
        ("no match here", "阿里", true, "no match here"),
        ("", "x", true, ""),
        (
            &long,
            "阿里云",
            true,
            &format!("…[阿里云]发现了漏洞{}…", "后".repeat(112)),
        ),
    ];
    let inputs: Vec<(&str, &str, bool)> = cases.iter().map(|&(t, q, w, _)| (t, q, w)).collect();
    let Some(marked): Option<Vec<String>> = node_json("highlight", &inputs) else {
        return;
    };
    for ((text, query, _, want), got) in cases.iter().zip(marked) {
        assert_eq!(got, *want, "{query} in {text}");
    }
}

#[test]
fn javascript_and_rust_make_the_same_query_terms() {
    let mut inputs: Vec<String> = TRICKY.iter().map(|s| s.to_string()).collect();
    // Plus every title and a slice of every body of the real corpus.
    if let Some(shared) = search_common::shared_dir() {
        let config = Config::default();
        for post in search_common::load_dir(&shared.join("corpus"), &config) {
            inputs.push(post.post.title.clone());
            inputs.push(post.text.chars().take(400).collect());
        }
    }
    let Some(from_js): Option<Vec<Vec<String>>> = node_json("terms", &inputs) else {
        return;
    };
    for (input, js) in inputs.iter().zip(from_js) {
        assert_eq!(query_terms(input), js, "{input:?}");
    }
}

#[test]
fn the_browser_code_finds_the_real_articles() {
    let Some(shared) = search_common::shared_dir() else {
        return;
    };
    let config = Config::parse("timezone = \"Asia/Shanghai\"", "c").unwrap();
    let mut posts = search_common::load_dir(&shared.join("corpus"), &config);
    posts.extend(search_common::load_dir(&shared.join("seeds"), &config));
    let site = tempfile::tempdir().unwrap();
    search_common::write_index(&config, &posts, site.path());
    search_common::write_article_pages(&posts, site.path());
    let queries = ["篓子", "LOG4J", "阿里云", "不存在的词语"];
    let Some(results) = search_common::run_queries(site.path(), &queries) else {
        return;
    };
    let expected = "发现问题先报美国，阿里云捅了一个天大的篓子！";
    let snippet_of = |result: &serde_json::Value| -> String {
        let top = result["top"].as_array().unwrap();
        let hit = top.iter().find(|r| r["title"] == expected);
        let hit = hit.unwrap_or_else(|| panic!("{expected} not found by {}", result["query"]));
        hit["snippet"].as_str().unwrap().to_lowercase()
    };
    for (result, marked) in results.iter().zip(["", "[log4j]", "[阿里云]"]) {
        assert!(snippet_of(result).contains(marked), "{result}");
        // The manifest, one shard per term at most, the chunks of the results shown
        // and the articles read for snippets: nothing else.
        let terms = result["terms"].as_array().unwrap().len() as u64;
        let shown = result["top"].as_array().unwrap().len() as u64;
        let pages = result["pages"].as_u64().unwrap();
        assert!(
            result["files"].as_u64().unwrap() <= 1 + terms + shown + pages,
            "{result}"
        );
    }
    assert_eq!(
        results[0]["top"][0]["title"], expected,
        "a title match ranks first"
    );
    assert_eq!(
        results[0]["pages"], 0,
        "the title match needs no article page"
    );
    assert!(
        results[1]["pages"].as_u64().unwrap() > 0,
        "log4j is past the stored text"
    );
    assert_eq!(results[3]["hits"], 0);
}

/// The browser's hit counts against brute force over the documents' index terms,
/// with queries whose lists are dense (bitmaps) and sparse (deltas).
#[test]
fn the_browser_code_agrees_with_brute_force() {
    let Some(shared) = search_common::shared_dir() else {
        return;
    };
    let config = Config::default();
    let posts = search_common::load_dir(&shared.join("corpus"), &config);
    let site = tempfile::tempdir().unwrap();
    search_common::write_index(&config, &posts, site.path());
    let searchable: Vec<Vec<String>> = posts
        .iter()
        .map(|p| {
            let author = p.post.author.as_ref().map_or("", |a| a.name.as_str());
            let mut terms = index_terms(&p.post.title);
            terms.extend(index_terms(author));
            terms.extend(index_terms(&p.text));
            terms
        })
        .collect();
    let queries = [
        "的",
        "是",
        "中国",
        "游戏",
        "ZAKER",
        "the",
        "阿里云",
        "Log4j2",
        "一个",
        "手机 发布",
    ];
    let Some(results) = search_common::run_queries(site.path(), &queries) else {
        return;
    };
    for (query, result) in queries.iter().zip(results) {
        let terms = query_terms(query);
        let expected = searchable
            .iter()
            .filter(|doc| terms.iter().all(|t| doc.contains(t)))
            .count();
        assert_eq!(result["hits"], expected, "{query}");
        // Title matches rank first, whichever way the list is stored.
        let in_title = |title: &str| {
            let title_terms = index_terms(title);
            terms.iter().all(|t| title_terms.contains(t))
        };
        if posts.iter().any(|p| in_title(&p.post.title)) {
            let top = result["top"][0]["title"].as_str().unwrap();
            assert!(in_title(top), "{query}: {top}");
        }
    }
}
