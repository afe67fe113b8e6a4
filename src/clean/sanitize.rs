//! Safety. Hostile elements leave the tree first (so no later pass or the text
//! extractor reads a script), and the serialised body then goes through an
//! ammonia allowlist: the final word on which tags, attributes and URLs remain.

use std::borrow::Cow;
use std::collections::HashSet;

use super::dom::Doc;
use super::urls;
use super::Ctx;

/// Removed with everything inside them.
const HOSTILE: &[&str] = &[
    "script", "style", "object", "embed", "applet", "form", "input", "button", "select",
    "textarea", "meta", "base", "link", "noscript", "template", "frame", "frameset", "param",
    "svg", "math", "title", "head",
];

/// Pass: drops script, style, object, embed, form, input, meta, base and their kin,
/// content and all.
pub fn hostile_elements(doc: &mut Doc, _ctx: &mut Ctx) {
    for id in doc.elements() {
        if HOSTILE.contains(&doc.name(id)) {
            doc.detach(id);
        }
    }
}

/// The ammonia allowlist, built once per build and shared by every post. The
/// attributes it forces (`loading`, `decoding`, `sandbox`) are set by the passes
/// too, so ammonia only overwrites them in place and attribute order stays fixed.
pub struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

impl std::fmt::Debug for Sanitizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sanitizer")
    }
}

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

impl Sanitizer {
    pub fn new(iframe_hosts: &[String]) -> Sanitizer {
        let mut builder = ammonia::Builder::default();
        builder
            .tags(TAGS.iter().copied().collect())
            .clean_content_tags(
                [
                    "script", "style", "object", "embed", "form", "textarea", "select",
                ]
                .into_iter()
                .collect(),
            )
            .generic_attributes(["lang", "title", "class"].into_iter().collect())
            .add_tag_attributes("img", ["srcset", "sizes", "referrerpolicy"])
            .add_tag_attributes(
                "iframe",
                [
                    "src",
                    "width",
                    "height",
                    "allowfullscreen",
                    "allow",
                    "referrerpolicy",
                ],
            )
            .add_tag_attributes(
                "video",
                ["src", "poster", "controls", "width", "height", "preload"],
            )
            .add_tag_attributes("source", ["src", "type"])
            .add_tag_attributes("ol", ["start", "reversed"])
            .add_tag_attributes("td", ["colspan", "rowspan"])
            .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
            .add_tag_attributes("time", ["datetime"])
            .rm_tag_attributes("img", ["align"])
            .set_tag_attribute_value("img", "loading", "lazy")
            .set_tag_attribute_value("img", "decoding", "async")
            .set_tag_attribute_value("iframe", "loading", "lazy")
            .set_tag_attribute_value("iframe", "sandbox", IFRAME_SANDBOX)
            .set_tag_attribute_value("video", "preload", "none")
            .add_tag_attributes("img", ["loading", "decoding"])
            .add_tag_attributes("iframe", ["loading", "sandbox"])
            .add_url_schemes(["data"])
            .link_rel(Some("noopener noreferrer"))
            .strip_comments(true);
        let hosts: HashSet<String> = iframe_hosts.iter().cloned().collect();
        builder.attribute_filter(move |element, attribute, value| {
            filter_attribute(&hosts, element, attribute, value)
        });
        Sanitizer { builder }
    }

    pub fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

/// Enough for a video player to run, never enough to reach the page around it.
pub const IFRAME_SANDBOX: &str = "allow-scripts allow-same-origin allow-presentation allow-popups";

/// Second line of the allowlist, for what ammonia's tables cannot say.
fn filter_attribute<'a>(
    iframe_hosts: &HashSet<String>,
    element: &str,
    attribute: &str,
    value: &'a str,
) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        (_, "class") => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| c.starts_with("hl-") || c.starts_with("language-"))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        ("img", "src") => urls::usable_image(value).then_some(Cow::Borrowed(value)),
        ("img", "srcset") => {
            let safe = value
                .split(',')
                .all(|candidate| urls::srcset_candidate(candidate).is_some());
            safe.then_some(Cow::Borrowed(value))
        }
        ("iframe", "src") => iframe_allowed(iframe_hosts, value).then_some(Cow::Borrowed(value)),
        (_, "src" | "href" | "poster") => {
            (urls::scheme(value).as_deref() != Some("data")).then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// An https (or http) address on an allowed host or one of its subdomains.
pub fn iframe_allowed(hosts: &HashSet<String>, src: &str) -> bool {
    if !matches!(urls::scheme(src).as_deref(), Some("http" | "https")) {
        return false;
    }
    let Some(host) = urls::host_of(src) else {
        return false;
    };
    hosts.contains(&host)
        || hosts.iter().any(|h| {
            host.strip_suffix(h.as_str())
                .is_some_and(|s| s.ends_with('.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn hostile_elements_go_with_their_content() {
        let options = testing::options("");
        let cases = [
            ("<p>a</p><script>alert(1)</script>", "<p>a</p>"),
            ("<style>p{}</style><p>a</p>", "<p>a</p>"),
            (
                "<form action=x><input name=q><button>Go</button></form>b",
                "b",
            ),
            ("<object data=x><embed src=y></object>c", "c"),
            ("<p>d<svg><path d=M0/></svg></p>", "<p>d</p>"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(hostile_elements, input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn iframe_hosts_match_exactly_or_as_subdomains() {
        let hosts: HashSet<String> = ["youtube.com", "player.youku.com"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cases = [
            ("https://youtube.com/embed/x", true),
            ("https://www.youtube.com/embed/x", true),
            ("https://evilyoutube.com/embed/x", false),
            ("https://youtube.com.evil.org/x", false),
            ("javascript:alert(1)//youtube.com", false),
            ("//youtube.com/embed/x", false),
            ("https://player.youku.com/embed/X", true),
        ];
        for (src, expected) in cases {
            assert_eq!(iframe_allowed(&hosts, src), expected, "{src}");
        }
    }
}
