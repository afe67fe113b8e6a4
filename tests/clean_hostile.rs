//! Hostile markup, one table per kind listed in issue 3 point 5: after cleaning,
//! none of it may reach a page. The checks read the output with an HTML parser,
//! as a browser would, rather than grepping for spellings.

use gazette::clean::{self, CleanOptions};

fn cleaned(html: &str) -> String {
    clean::clean(html, &CleanOptions::default(), None).html
}

/// Every (element, attribute, value) of the cleaned output, values decoded.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let doc = scraper::Html::parse_fragment(html);
    doc.root_element()
        .descendants()
        .filter_map(|n| n.value().as_element().cloned())
        .flat_map(|e| {
            e.attrs()
                .map(|(k, v)| (e.name().to_string(), k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn elements(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    doc.root_element()
        .descendants()
        .skip(1)
        .filter_map(|n| n.value().as_element().map(|e| e.name().to_string()))
        .collect()
}

/// The scheme a browser would see: control characters and spaces stripped.
fn scheme(value: &str) -> String {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.split(':').next().unwrap_or("").to_string()
}

#[test]
fn dangerous_elements_are_removed_with_their_content() {
    let cases = [
        "<script>alert('x')</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert('x')</script>",
        "<style>body{background:url(javascript:alert('x'))}</style>",
        "<object data=\"evil.swf\"><param name=x value=alert></object>",
        "<embed src=\"evil.swf\">",
        "<form action=\"https://evil.example/\"><input name=pw type=password><button>alert</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
        "<base href=\"https://evil.example/\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<textarea>alert</textarea><select><option>alert</option></select>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "<noscript><img src=x onerror=alert(1)></noscript>",
        "<template><script>alert(1)</script></template>",
        "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    ];
    let forbidden = [
        "script", "style", "object", "embed", "form", "input", "meta", "base", "link", "button",
        "textarea", "select", "svg", "math", "param", "noscript", "template", "frame",
    ];
    for input in cases {
        let html = cleaned(&format!("<p>before</p>{input}<p>after</p>"));
        for name in elements(&html) {
            assert!(
                !forbidden.contains(&name.as_str()),
                "{input} left <{name}>: {html}"
            );
        }
        // `<scr<script>ipt>` leaves `ipt>alert('x')` outside any script: text, escaped.
        if !input.starts_with("<scr<") {
            assert!(!html.contains("alert"), "{input} left its content: {html}");
        }
        assert!(
            html.contains("before") && html.contains("after"),
            "{input}: {html}"
        );
    }
}

#[test]
fn event_handler_attributes_are_removed() {
    let cases = [
        "<img src=\"https://a.example/x.jpg\" onerror=\"alert(1)\">",
        "<p onclick=\"alert(1)\">x</p>",
        "<a href=\"https://a.example/\" ONMOUSEOVER=\"alert(1)\">x</a>",
        "<div/onclick=alert(1)>x</div>",
        "<p oncontextmenu=\"return false\" ondragstart=\"return false\">x</p>",
        "<img src=https://a.example/x.jpg onload  =  alert(1)>",
        "<body onload=alert(1)><p>x</p></body>",
        "<details open ontoggle=alert(1)>x</details>",
        "<video src=https://a.example/v.mp4 onplay=alert(1)></video>",
    ];
    for input in cases {
        let html = cleaned(input);
        for (element, name, _) in attributes(&html) {
            assert!(
                !name.starts_with("on"),
                "{input}: <{element} {name}> in {html}"
            );
        }
        assert!(
            !html.to_ascii_lowercase().contains("alert"),
            "{input}: {html}"
        );
    }
}

#[test]
fn script_urls_are_removed_however_encoded() {
    let payloads = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \t javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
        "&#0000106&#0000097vascript:alert(1)",
        "java&#09;script:alert(1)",
        "java&#x0A;script:alert(1)",
        "java&#13;script:alert(1)",
        "&#1;&#2;javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "javascript&colon;alert(1)",
        "javascript&#58;alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "livescript:alert(1)",
    ];
    for payload in payloads {
        for template in [
            "<a href=\"{}\">x</a>",
            "<img src=\"{}\">",
            "<img src=\"https://a.example/x.jpg\" srcset=\"{} 2x\">",
            "<iframe src=\"{}\"></iframe>",
            "<video src=\"{}\" poster=\"{}\"></video>",
            "<a href='{}'>x</a>",
        ] {
            let input = template.replace("{}", payload);
            let html = cleaned(&input);
            for (element, name, value) in attributes(&html) {
                let scheme = scheme(&value);
                let bad = ["javascript", "vbscript", "livescript"].contains(&scheme.as_str())
                    || value.to_ascii_lowercase().contains("script:");
                assert!(!bad, "{input}: <{element} {name}={value:?}> in {html}");
            }
        }
    }
}

#[test]
fn data_urls_only_for_images() {
    let cases = [
        (
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
            false,
        ),
        (
            "<a href=\"DATA:text/html,<script>alert(1)</script>\">x</a>",
            false,
        ),
        (
            "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
            false,
        ),
        (
            "<img src=\"data:text/html,<script>alert(1)</script>\">",
            false,
        ),
        (
            "<a href=\"data:image/png;base64,iVBORw0KGgo=\">x</a>",
            false,
        ),
        ("<video src=\"data:video/mp4;base64,AAAA\"></video>", false),
        ("<img src=\"data:image/png;base64,iVBORw0KGgo=\">", true),
        (
            "<img src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP\">",
            true,
        ),
    ];
    for (input, kept) in cases {
        let html = cleaned(input);
        let data: Vec<_> = attributes(&html)
            .into_iter()
            .filter(|(_, _, v)| scheme(v) == "data")
            .collect();
        if kept {
            assert_eq!(data.len(), 1, "{input}: {html}");
            assert_eq!((data[0].0.as_str(), data[0].1.as_str()), ("img", "src"));
        } else {
            assert!(data.is_empty(), "{input}: {data:?} in {html}");
        }
    }
}

#[test]
fn vue_and_angular_attributes_are_removed() {
    let input = concat!(
        "<div v-if=\"x\" v-html=\"evil\" :class=\"c\" @click=\"go()\" v-on:click=\"go()\" ",
        "v-bind:title=\"t\" ng-click=\"go()\" ng-bind-html=\"evil\" data-ng-init=\"x\" ",
        "x-data=\"{}\" x-on:click=\"go()\" ng-app>",
        "<img src=\"https://a.example/x.jpg\" :src=\"other\" @mouseenter=\"show\" ref=\"popup\"></div>",
    );
    let html = cleaned(input);
    for (element, name, _) in attributes(&html) {
        let framework = name.starts_with("v-")
            || name.starts_with(':')
            || name.starts_with('@')
            || name.starts_with("ng-")
            || name.starts_with("data-ng")
            || name.starts_with("x-")
            || name == "ref";
        assert!(!framework, "<{element} {name}> in {html}");
    }
    assert!(html.contains("https://a.example/x.jpg"), "{html}");
}

#[test]
fn iframes_only_from_video_hosts_sandboxed_and_lazy() {
    let kept = [
        "https://www.youtube.com/embed/KILjwOqvfx4",
        "https://youtube.com/embed/W3QkO8fy3tg",
        "https://player.youku.com/embed/XNTg4MTczNDg4MA==",
        "https://player.bilibili.com/player.html?bvid=BV1xx",
        "https://v.qq.com/txp/iframe/player.html?vid=x",
    ];
    for src in kept {
        let html = cleaned(&format!("<iframe src=\"{src}\" style=\"x\" onload=\"alert(1)\" sandbox=\"allow-top-navigation\"></iframe>"));
        let attrs = attributes(&html);
        let get = |n: &str| {
            attrs
                .iter()
                .find(|(e, k, _)| e == "iframe" && k == n)
                .map(|(_, _, v)| v.clone())
        };
        assert_eq!(get("src").as_deref(), Some(src), "{html}");
        assert_eq!(get("loading").as_deref(), Some("lazy"), "{html}");
        let sandbox = get("sandbox").unwrap_or_default();
        assert!(sandbox.contains("allow-scripts"), "{html}");
        assert!(!sandbox.contains("top-navigation"), "{html}");
        assert!(get("style").is_none() && get("onload").is_none(), "{html}");
    }
    let refused = [
        "https://evil.example/embed",
        "https://youtube.com.evil.example/embed",
        "https://evilyoutube.com/embed",
        "http://sites.google.com/macros/s/x/exec",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ];
    for src in refused {
        let html = cleaned(&format!("<iframe src=\"{src}\"></iframe>"));
        assert!(
            !elements(&html).contains(&"iframe".to_string()),
            "{src}: {html}"
        );
    }
    let srcdoc = cleaned("<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>");
    assert!(
        !srcdoc.contains("iframe") && !srcdoc.contains("alert"),
        "{srcdoc}"
    );
}

#[test]
fn inline_styles_go_and_external_links_are_guarded() {
    let html = cleaned(concat!(
        "<p style=\"background:url(javascript:alert(1))\">a</p>",
        "<span style=\"color:#E53333\">b</span>",
        "<a href=\"https://a.example/\" target=\"_blank\" rel=\"opener\">c</a>",
    ));
    for (element, name, value) in attributes(&html) {
        assert_ne!(name, "style", "<{element} style> in {html}");
        if element == "a" && name == "rel" {
            assert_eq!(value, "noopener noreferrer");
        }
    }
    assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
}

/// Regression: the stitched property test's failing case in CI (2026-12-02). An
/// iframe off the allowlist became a link to the image proxy, not to the image.
#[test]
fn a_proxied_iframe_becomes_a_link_to_the_real_address() {
    let html = cleaned(
        "<iframe srcdoc=\"<video src=\"<video src=\"https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.jpg<p><p>\">",
    );
    let links: Vec<_> = attributes(&html)
        .into_iter()
        .filter(|(e, k, _)| e == "a" && k == "href")
        .map(|(_, _, v)| v)
        .collect();
    assert_eq!(links.len(), 1, "{html}");
    assert!(
        links[0].starts_with("http://zkres1.myzaker.com/a.jpg"),
        "{html}"
    );
    assert!(!html.contains("cors.zfour"), "{html}");
}

#[test]
fn classes_and_ids_from_scraped_sites_do_not_reach_the_page() {
    let html = cleaned("<p class=\"search-box hl-keyword\" id=\"search\">x</p>");
    assert_eq!(html, "<p class=\"hl-keyword\">x</p>");
}

mod stitched {
    //! Fragments of real and hostile markup stitched at random: cleaning never
    //! panics, and nothing in the output carries a handler, a script URL, a style
    //! or a framework attribute.
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<div class=\"img_box\" onclick>",
        "</div>",
        "<img src=\"",
        "https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.jpg",
        "\" data-original=\"",
        "javascript:alert(1)",
        "java&#09;script:x",
        "data:text/html,<b>",
        "\">",
        "<a href=\"",
        "</a>",
        "<pre class=\"prettyprint\">",
        "</pre>",
        "<br>",
        "&#123;",
        "<script>",
        "</script>",
        "<iframe src=\"https://www.youtube.com/embed/x\">",
        "</iframe>",
        "<iframe srcdoc=\"",
        " onerror=alert(1) ",
        " :src=\"'//a.b/c.jpg'\" ",
        " @click=\"x\" ",
        " style=\"color:red\" ",
        "<svg onload=alert(1)>",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "文字",
        "▲",
        "<ul><ul>",
        ">",
        "&",
        "<div id=\"recommend_bottom\">",
        "<table><td>",
        "<figure>",
        "<video src=\"",
        "<div class=\"zk_upvideo\" data-zkinfo=\"%7B%22videoUrl%22%3A%22",
        "http%3A%2F%2Fa.b%2Fv.mp4",
        "%22%7D\"></div>",
        "\n\n\n",
        "   ",
        "<span style=\"x\">",
        "</span>",
        "<form>",
        "<input ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn never_panics_and_stays_safe(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
            let input: String = picks.iter().map(|&i| PIECES[i]).collect();
            let out = gazette::clean::clean(&input, &gazette::clean::CleanOptions::default(), None);
            for (element, name, value) in super::attributes(&out.html) {
                prop_assert!(!name.starts_with("on"), "<{} {}> from {:?}", element, name, input);
                prop_assert!(name != "style" && !name.starts_with([':', '@']), "{} from {:?}", name, input);
                let scheme = super::scheme(&value);
                prop_assert!(scheme != "javascript" && scheme != "vbscript", "{} from {:?}", value, input);
                prop_assert!(scheme != "data" || (element == "img" && name == "src"), "{} from {:?}", value, input);
            }
            let proxied = super::attributes(&out.html)
                .into_iter()
                .any(|(_, _, v)| v.trim_start().starts_with("https://cors.zfour.workers.dev"));
            prop_assert!(!proxied, "{}", out.html);
            prop_assert!(!super::elements(&out.html).iter().any(|e| e == "script" || e == "form" || e == "input" || e == "svg"));
        }
    }
}
