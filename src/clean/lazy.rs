//! Lazy-loaded and proxied images: give every `<img>` its real address, its size
//! and a referrer policy, and drop the loaders' classes and stand-in sources.
//! Every image gets `loading="lazy" decoding="async"` (the sanitiser forces them too).

use super::dom::Doc;
use super::urls::{self, UrlRules};
use super::Ctx;

/// Where lazy loaders keep the real address, most specific first. ZAKER's
/// `data-gif-url` is the animation `data-original` only shows a still of.
const REAL_SRC: &[&str] = &[
    "data-gif-url",
    "data-original",
    "data-src",
    "data-actualsrc",
    "_src",
    "data-lazy-src",
];

/// Attributes read here and not wanted afterwards (besides `REAL_SRC`).
const SPENT: &[&str] = &[
    "data-width",
    "data-height",
    "w",
    "h",
    "data-action",
    "referrerpolicy",
    "loading",
    "decoding",
];

const LAZY_CLASSES: &[&str] = &["lazy", "lazyload", "opacity_0", "zaker_gif_cache"];

/// Pass: real `src` (from lazy attributes, unproxied, through `rewrite`), `srcset`
/// unproxied, `width`/`height`, `referrerpolicy`, lazy loading; images with no usable address go.
pub fn lazy_images(doc: &mut Doc, ctx: &mut Ctx) {
    let rules = &ctx.options.urls;
    for id in doc.elements_named("img") {
        let attrs = doc.attrs(id);
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let Some(src) = real_src(&get, rules) else {
            let shown = get("src").unwrap_or("");
            ctx.warnings.push(format!(
                "an image without a usable address was dropped (src={:?})",
                shown.chars().take(80).collect::<String>()
            ));
            doc.detach(id);
            continue;
        };
        let width = dimension(get("data-width").or(get("w")).or(get("width")));
        let height = dimension(get("data-height").or(get("h")).or(get("height")));
        let mut kept: Vec<(String, String)> = attrs
            .iter()
            .filter(|(k, v)| {
                let replaced =
                    matches!(k.as_str(), "src" | "srcset" | "width" | "height" | "class");
                let empty_title = k == "title" && v.trim().is_empty();
                let spent = SPENT.contains(&k.as_str()) || REAL_SRC.contains(&k.as_str());
                !(spent || replaced || empty_title)
            })
            .cloned()
            .collect();
        kept.push(("src".into(), rules.for_display(&src)));
        if let Some(srcset) = get("srcset").and_then(|s| clean_srcset(s, rules)) {
            kept.push(("srcset".into(), srcset));
        }
        if let Some(w) = width {
            kept.push(("width".into(), w.to_string()));
        }
        if let Some(h) = height {
            kept.push(("height".into(), h.to_string()));
        }
        let classes = get("class").map(kept_classes).unwrap_or_default();
        if !classes.is_empty() {
            kept.push(("class".into(), classes));
        }
        if !ctx.options.referrer_policy.is_empty() {
            kept.push(("referrerpolicy".into(), ctx.options.referrer_policy.clone()));
        }
        kept.push(("loading".into(), "lazy".into()));
        kept.push(("decoding".into(), "async".into()));
        // Every image needs an `alt`; an empty one says "nothing to read out",
        // which is all we know of a scraped image without one.
        if get("alt").is_some_and(looks_like_file_name) {
            kept.retain(|(k, _)| k != "alt" && k != "title");
        }
        if !kept.iter().any(|(k, _)| k == "alt") {
            kept.push(("alt".into(), String::new()));
        }
        doc.set_element(id, None, kept);
    }
}

/// The address to show: `src` unless it is a stand-in, else the first usable
/// lazy attribute, else a quoted address inside a Vue `:src` binding.
fn real_src<'a>(get: &impl Fn(&str) -> Option<&'a str>, rules: &UrlRules) -> Option<String> {
    let usable = |u: &str| {
        let u = urls::absolute(&rules.unproxy(u));
        urls::usable_image(&u).then_some(u)
    };
    let src = get("src");
    if let Some(src) = src.filter(|s| !urls::is_weak_src(s, rules)) {
        if let Some(u) = usable(src) {
            return Some(u);
        }
    }
    REAL_SRC
        .iter()
        .filter_map(|name| get(name))
        .chain(get(":src").or(get("v-bind:src")).and_then(quoted_web_url))
        .find_map(usable)
        .or_else(|| src.and_then(usable))
}

/// `is_show ? '//img.example/a.jpg' : 'data:...'` → `//img.example/a.jpg`.
fn quoted_web_url(expression: &str) -> Option<&str> {
    expression
        .split(['\'', '"'])
        .skip(1)
        .step_by(2)
        .find(|s| s.starts_with("//") || s.starts_with("http://") || s.starts_with("https://"))
}

fn clean_srcset(srcset: &str, rules: &UrlRules) -> Option<String> {
    let candidates: Vec<String> = srcset
        .split(',')
        .filter_map(|candidate| {
            let (url, descriptor) = urls::srcset_candidate(candidate)?;
            let shown = rules.for_display(&urls::absolute(&rules.unproxy(url)));
            Some(match descriptor {
                Some(d) => format!("{shown} {d}"),
                None => shown,
            })
        })
        .collect();
    (!candidates.is_empty()).then(|| candidates.join(", "))
}

/// A positive pixel size; `100%` or `auto` are no size.
fn dimension(value: Option<&str>) -> Option<u32> {
    let v = value?.trim().trim_end_matches("px");
    v.parse::<u32>().ok().filter(|n| (1..=20_000).contains(n))
}

fn kept_classes(class: &str) -> String {
    class
        .split_ascii_whitespace()
        .filter(|c| !LAZY_CLASSES.contains(c))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `1.png`, `IMG_2231.JPG`: an upload's file name, which says nothing to a reader.
fn looks_like_file_name(alt: &str) -> bool {
    let lower = alt.trim().to_ascii_lowercase();
    !lower.contains(' ')
        && [".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn real_addresses_and_sizes() {
        let options = testing::options("");
        let cases = [
            (
                // ZAKER, cut from 1+1=1…吧？.md
                r#"<img class="lazy opacity_0 " id="img_0" data-original="http://zkres1.myzaker.com/202108/612daaa28e9f09679c16a055_1024.jpg" data-height="757" data-width="1080" src="https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/202108/612daaa28e9f09679c16a055_1024.jpg" referrerpolicy="no-referrer">"#,
                r#"<img alt="" decoding="async" height="757" id="img_0" loading="lazy" referrerpolicy="no-referrer" src="http://zkres1.myzaker.com/202108/612daaa28e9f09679c16a055_1024.jpg" width="1080">"#,
            ),
            (
                // ZAKER animation, cut from "我劝你赶紧安装国家反诈App".md
                r#"<img class="lazy opacity_0 zaker_gif_cache" data-original="http://zkres1.myzaker.com/a_1024.jpg" data-gif-url="http://zkres1.myzaker.com/a_raw.gif" data-height="300" data-width="300" src="https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a_1024.jpg">"#,
                r#"<img alt="" decoding="async" height="300" loading="lazy" referrerpolicy="no-referrer" src="http://zkres1.myzaker.com/a_raw.gif" width="300">"#,
            ),
            (
                // Dockone, cut from OPA项目实践解读.md
                r#"<img src="https://cors.zfour.workers.dev/?http://dockone.io/uploads/article/20210924/e0ac.png" class="img-polaroid" title="1.png" alt="1.png" referrerpolicy="no-referrer">"#,
                r#"<img alt="" class="img-polaroid" decoding="async" loading="lazy" referrerpolicy="no-referrer" src="http://dockone.io/uploads/article/20210924/e0ac.png">"#,
            ),
            (
                // IT之家: w/h, cut from 安全人员发现新型恶意软件….md
                r#"<img src="https://img.ithome.com/a.jpg" w="760" h="350" alt="BitRAT" width="760" height="350">"#,
                r#"<img alt="BitRAT" decoding="async" height="350" loading="lazy" referrerpolicy="no-referrer" src="https://img.ithome.com/a.jpg" width="760">"#,
            ),
            (
                // DLsite: a data: stand-in and the address inside a Vue binding
                r#"<img src="data:image/gif;base64,R0lGODlhAQABAGAAACH5BAEKAP8ALAAAAAABAAEAAAgEAP8FBAA7" :src="is_show ? '//img.dlsite.jp/modpub/a.jpg' : 'data:image/gif;base64,R0l'" alt="CG">"#,
                r#"<img :src="is_show ? '//img.dlsite.jp/modpub/a.jpg' : 'data:image/gif;base64,R0l'" alt="CG" decoding="async" loading="lazy" referrerpolicy="no-referrer" src="https://img.dlsite.jp/modpub/a.jpg">"#,
            ),
            (
                r#"<img src="https://cors.zfour.workers.dev/?https://a.com/1.jpg" srcset="https://cors.zfour.workers.dev/?https://a.com/1.jpg 1x, https://a.com/2.jpg 2x" width="100%">"#,
                r#"<img alt="" decoding="async" loading="lazy" referrerpolicy="no-referrer" src="https://a.com/1.jpg" srcset="https://a.com/1.jpg 1x, https://a.com/2.jpg 2x">"#,
            ),
            (
                // A scraped policy that would leak the page's address is replaced by the configured one.
                r#"<img src="https://a.com/3.jpg" referrerpolicy="unsafe-url" alt="x">"#,
                r#"<img alt="x" decoding="async" loading="lazy" referrerpolicy="no-referrer" src="https://a.com/3.jpg">"#,
            ),
            (
                "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
                "<img alt=\"\" decoding=\"async\" loading=\"lazy\" referrerpolicy=\"no-referrer\" src=\"data:image/png;base64,iVBORw0KGgo=\">",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(lazy_images, input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn unusable_images_go_with_a_warning() {
        let options = testing::options("");
        for input in [
            "<img src=\"javascript:alert(1)\">",
            "<img>",
            "<img src=\"data:text/html,x\">",
        ] {
            let (out, warnings) = testing::run_with_warnings(lazy_images, input, &options, None);
            assert_eq!(out, "", "{input}");
            assert_eq!(warnings.len(), 1, "{input}");
        }
    }

    #[test]
    fn rewrite_and_policy_follow_config() {
        let options = testing::options(
            "[images]\nrewrite = \"https://my.proxy/?{url}\"\nreferrer_policy = \"\"",
        );
        assert_eq!(
            testing::run(
                lazy_images,
                "<img src=\"https://cors.zfour.workers.dev/?http://a.com/x.jpg\">",
                &options
            ),
            "<img alt=\"\" decoding=\"async\" loading=\"lazy\" src=\"https://my.proxy/?http://a.com/x.jpg\">"
        );
    }
}
