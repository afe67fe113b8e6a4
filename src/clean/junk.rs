//! Junk: the sites' and the scraper's leftovers. Built-in selectors (ZAKER's
//! trailing divs, ad slots, tip-the-author boxes) plus `[clean] remove` and the
//! per-source lists, trailing disclaimers, and empty paragraphs and wrappers.

use ego_tree::NodeId;
use scraper::Selector;

use super::dom::Doc;
use super::tidy::inside_pre;
use super::Ctx;

/// Always removed. Each entry names where it comes from.
pub const BUILTIN: &[&str] = &[
    "#recommend_bottom",    // ZAKER: related-articles slot
    "#article_bottom",      // ZAKER: end-of-article slot
    ".edi_oper",            // ZAKER: editor toolbar
    "ins.adsbygoogle",      // AdSense slots (SoBooks)
    ".support-author",      // woshipm: "给作者打赏" box
    ".button--pay",         // woshipm: the tip button alone
    ".reward",              // WordPress reward plugins
    ".wp-block-buttons",    // WordPress call-to-action buttons
    "[id^=\"div-gpt-ad\"]", // Google Publisher Tag ad slots
];

/// One selector list from many selectors; ones that do not parse are left out
/// (config selectors were already checked when the config loaded).
pub fn selector_list<'a>(selectors: impl Iterator<Item = &'a str>) -> Selector {
    let valid: Vec<&str> = selectors
        .map(str::trim)
        .filter(|s| !s.is_empty() && Selector::parse(s).is_ok())
        .collect();
    let joined = if valid.is_empty() {
        // Matches nothing a scraped body can contain.
        ":not(*)".to_string()
    } else {
        valid.join(", ")
    };
    Selector::parse(&joined).expect("a list of valid selectors parses")
}

/// Pass: removes elements matching the built-in, configured and per-author selectors.
pub fn junk_selectors(doc: &mut Doc, ctx: &mut Ctx) {
    let by_author = ctx
        .author
        .and_then(|a| ctx.options.remove_by_author.get(a.trim()));
    let doomed: Vec<NodeId> = doc
        .elements()
        .into_iter()
        .filter(|&id| {
            doc.element_ref(id).is_some_and(|e| {
                ctx.options.remove.matches(&e) || by_author.is_some_and(|s| s.matches(&e))
            })
        })
        .collect();
    for id in doomed {
        doc.detach(id);
    }
}

/// Pass: drops trailing blocks (at the end of the body, ignoring blank ones)
/// whose text starts with a configured pattern: "本文由 @… 原创发布于…".
pub fn trailing_notes(doc: &mut Doc, ctx: &mut Ctx) {
    let by_author = ctx
        .author
        .and_then(|a| ctx.options.trailing_by_author.get(a.trim()));
    let patterns: Vec<&str> = ctx
        .options
        .trailing
        .iter()
        .chain(by_author.into_iter().flatten())
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if patterns.is_empty() {
        return;
    }
    let mut container = content_root(doc);
    loop {
        let Some(last) = last_meaningful_child(doc, container) else {
            return;
        };
        let text = doc.text_content(last);
        let text = text.trim();
        if patterns.iter().any(|p| text.starts_with(p)) {
            doc.detach(last);
        } else if doc.name(last) == "div" && doc.children(last).len() > 1 {
            container = last;
        } else {
            return;
        }
    }
}

/// The body's single outer `<div>` when it has one, else the fragment root.
pub(super) fn content_root(doc: &Doc) -> NodeId {
    let root = doc.root();
    let meaningful: Vec<NodeId> = doc
        .children(root)
        .into_iter()
        .filter(|&c| !is_blank_text(doc, c))
        .collect();
    match meaningful.as_slice() {
        [only] if doc.name(*only) == "div" => *only,
        _ => root,
    }
}

fn last_meaningful_child(doc: &Doc, parent: NodeId) -> Option<NodeId> {
    doc.children(parent)
        .into_iter()
        .rev()
        .find(|&c| !(is_blank_text(doc, c) || doc.is_element(c) && is_empty(doc, c)))
}

pub(super) fn is_blank_text(doc: &Doc, id: NodeId) -> bool {
    doc.text_of(id).is_some_and(|t| t.trim().is_empty())
}

/// Elements that mean something with no text inside.
fn is_contentful_void(name: &str) -> bool {
    matches!(
        name,
        "img" | "iframe" | "video" | "audio" | "hr" | "br" | "source" | "picture" | "td" | "th"
    )
}

/// No text and nothing visible inside (a `<br>` alone does not count).
fn is_empty(doc: &Doc, id: NodeId) -> bool {
    if is_contentful_void(doc.name(id)) {
        return false;
    }
    let Some(node) = doc.html.tree.get(id) else {
        return true;
    };
    node.descendants().skip(1).all(|d| match d.value() {
        scraper::Node::Text(t) => t.text.trim().is_empty(),
        scraper::Node::Element(e) => e.name() == "br" || !is_contentful_void(e.name()),
        _ => true,
    })
}

/// Pass: removes empty paragraphs and inline wrappers (`<p></p>`, `<p> </p>`,
/// `<strong></strong>`, `<span></span>`, empty `<div>`s), innermost first.
pub fn empty_elements(doc: &mut Doc, _ctx: &mut Ctx) {
    for id in doc.elements().into_iter().rev() {
        let name = doc.name(id);
        let removable = matches!(
            name,
            "p" | "div"
                | "span"
                | "strong"
                | "b"
                | "em"
                | "i"
                | "u"
                | "font"
                | "center"
                | "section"
                | "a"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "li"
                | "ul"
                | "ol"
                | "blockquote"
                | "figcaption"
                | "figure"
                | "dd"
                | "dt"
                | "small"
                | "sub"
                | "sup"
        );
        // Inside code a span of spaces is indentation, not an empty element.
        if removable && is_empty(doc, id) && !inside_pre(doc, id) {
            doc.detach(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn selectors_builtin_configured_and_per_author() {
        let options = testing::options(
            "[clean]\nremove = [\".promo\"]\n[clean.by_author]\n\"人人都是产品经理\" = [\"p.note\"]",
        );
        let cases = [
            // 1+1=1…吧？.md: ZAKER's trailing divs
            (
                r#"<p>x</p><div id="recommend_bottom"></div><div id="article_bottom"></div>"#,
                None,
                "<p>x</p>",
            ),
            // 0次与10000次.md: AdSense slot
            (
                r#"<div class="book-right"><ins class="adsbygoogle" style="display:block" data-ad-slot="6649012791"></ins></div>"#,
                None,
                r#"<div class="book-right"></div>"#,
            ),
            // B端决策类产品….md: tip-the-author box
            (
                r#"<p>end</p><div class="support-author"><div class="support-title">给作者打赏，鼓励TA抓紧创作！</div><button class="button--pay">赞赏</button></div>"#,
                None,
                "<p>end</p>",
            ),
            (r#"<div class="promo">buy</div><p>a</p>"#, None, "<p>a</p>"),
            (
                r#"<p class="note">n</p><p>a</p>"#,
                Some("人人都是产品经理"),
                "<p>a</p>",
            ),
            (
                r#"<p class="note">n</p><p>a</p>"#,
                Some("ZAKER"),
                r#"<p class="note">n</p><p>a</p>"#,
            ),
        ];
        for (input, author, expected) in cases {
            let (out, _) = testing::run_with_warnings(junk_selectors, input, &options, author);
            assert_eq!(out, expected, "{input}");
        }
    }

    #[test]
    fn selector_lists_skip_bad_entries_and_may_be_empty() {
        let doc = Doc::parse("<p class=\"a\">x</p>");
        let p = doc.element_ref(doc.elements_named("p")[0]).unwrap();
        assert!(selector_list(["div[", ".a"].into_iter()).matches(&p));
        assert!(!selector_list(std::iter::empty()).matches(&p));
    }

    #[test]
    fn trailing_disclaimers() {
        let options = testing::options(
            "[clean]\ntrailing = [\"题图来自\"]\n[clean.trailing_by_author]\n\"人人都是产品经理\" = [\"本文由 @\"]",
        );
        // B端决策类产品｜任务中断回溯设计.md
        let input = "<div>\n<p>正文</p>\n<p>本文由 @自转一周的鹿 原创发布于人人都是产品经理。未经许可，禁止转载。</p>\n<p>题图来自 Unsplash，基于CC0协议。</p>\n<p> </p>\n</div>";
        let (out, _) =
            testing::run_with_warnings(trailing_notes, input, &options, Some("人人都是产品经理"));
        assert_eq!(out, "<div>\n<p>正文</p>\n\n\n<p> </p>\n</div>");
        let (other, _) = testing::run_with_warnings(trailing_notes, input, &options, Some("36kr"));
        assert!(
            other.contains("本文由 @") && !other.contains("题图来自"),
            "{other}"
        );
        let middle = "<p>题图来自 x</p><p>正文</p>";
        assert_eq!(testing::run(trailing_notes, middle, &options), middle);
    }

    #[test]
    fn empty_elements_go() {
        let options = testing::options("");
        let cases = [
            ("<p></p><p>a</p><p> \u{a0} </p>", "<p>a</p>"),
            ("<p><strong></strong></p><p>b</p>", "<p>b</p>"),
            ("<p><br></p><p>c</p>", "<p>c</p>"),
            ("<p><img src=x></p>", "<p><img src=\"x\"></p>"),
            ("<div><div></div></div>", ""),
            (
                "<table><tr><td></td></tr></table>",
                "<table><tbody><tr><td></td></tr></tbody></table>",
            ),
            // regression: highlighted Markdown lost the space in `fn main() {`
            (
                "<pre><code><span class=\"hl-x\">fn</span><span class=\"hl-y\"> </span></code></pre>",
                "<pre><code><span class=\"hl-x\">fn</span><span class=\"hl-y\"> </span></code></pre>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(empty_elements, input, &options),
                expected,
                "{input}"
            );
        }
    }
}
