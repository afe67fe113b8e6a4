//! Tidying what is left: runs of spaces and blank lines, `<br>` runs and stray
//! `<br>`s, styling-only `<span>`/`<font>` wrappers, and the outer `<div>` every
//! scraped body is wrapped in. Code (`<pre>`) is never touched.

use ego_tree::NodeId;

use super::dom::{is_block, Doc};
use super::junk::{content_root, is_blank_text};
use super::Ctx;

/// Pass: runs of spaces become one space and runs of blank lines one newline
/// (outside `<pre>`); more than two `<br>` in a row become two, and `<br>` at the
/// start or end of a block goes.
pub fn whitespace(doc: &mut Doc, _ctx: &mut Ctx) {
    let Some(root) = doc.html.tree.get(doc.root()) else {
        return;
    };
    let mut texts = Vec::new();
    let mut in_pre_until: Vec<NodeId> = Vec::new();
    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(n) => match n.value() {
                scraper::Node::Element(e) if matches!(e.name(), "pre" | "textarea") => {
                    in_pre_until.push(n.id())
                }
                scraper::Node::Text(t) if in_pre_until.is_empty() => {
                    let in_block = n.parent().is_some_and(|p| {
                        p.value()
                            .as_element()
                            .is_some_and(|e| trims_edges(e.name()))
                    });
                    let first = in_block && n.prev_sibling().is_none();
                    let last = in_block && n.next_sibling().is_none();
                    let edge = |c: char| c.is_ascii_whitespace();
                    let changes = needs_collapse(&t.text)
                        || (first && t.text.starts_with(edge))
                        || (last && t.text.ends_with(edge));
                    if changes {
                        let mut text = collapse_spaces(&t.text);
                        if last {
                            text.truncate(text.trim_end_matches(edge).len());
                        }
                        if first {
                            text = text.trim_start_matches(edge).to_string();
                        }
                        texts.push((n.id(), text));
                    }
                }
                _ => {}
            },
            ego_tree::iter::Edge::Close(n) => {
                if in_pre_until.last() == Some(&n.id()) {
                    in_pre_until.pop();
                }
            }
        }
    }
    for (id, text) in texts {
        doc.set_text(id, &text);
    }
    trim_breaks(doc);
}

/// Blocks whose leading and trailing spaces mean nothing (3DMGame writes
/// `<p>\n text\n</p>`).
fn trims_edges(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "figcaption"
            | "td"
            | "th"
            | "dd"
            | "dt"
            | "blockquote"
    )
}

/// Whether `collapse_spaces` would change `text` (most text nodes: no).
fn needs_collapse(text: &str) -> bool {
    let mut previous_space = false;
    for c in text.chars() {
        let space = c.is_whitespace() && c != '\u{a0}' && c != '\u{3000}';
        if space && (previous_space || !matches!(c, ' ' | '\n')) {
            return true;
        }
        previous_space = space;
    }
    false
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' && c != '\u{3000}' {
            space = match (space, c) {
                (Some('\n'), _) | (_, '\n') => Some('\n'),
                _ => Some(' '),
            };
        } else {
            if let Some(s) = space.take() {
                out.push(s);
            }
            out.push(c);
        }
    }
    if let Some(s) = space {
        out.push(s);
    }
    out
}

/// `<br>` runs longer than two, and `<br>` first or last in a block.
fn trim_breaks(doc: &mut Doc) {
    for br in doc.elements_named("br") {
        if !doc.attached(br) || inside_pre(doc, br) {
            continue;
        }
        let mut run = 1;
        let mut prev = doc.prev_sibling(br);
        while let Some(p) = prev {
            if is_blank_text(doc, p) {
                prev = doc.prev_sibling(p);
            } else if doc.name(p) == "br" {
                run += 1;
                prev = doc.prev_sibling(p);
            } else {
                break;
            }
        }
        let at_start = prev.map_or(true, |p| doc.is_element(p) && is_block(doc.name(p)));
        let at_end = next_non_blank(doc, br).map_or(true, |n| {
            doc.is_element(n) && is_block(doc.name(n)) && doc.name(n) != "br"
        });
        if run > 2 || at_start || at_end {
            doc.detach(br);
        }
    }
}

fn next_non_blank(doc: &Doc, id: NodeId) -> Option<NodeId> {
    let mut next = doc.next_sibling(id);
    while let Some(n) = next {
        if !is_blank_text(doc, n) {
            return Some(n);
        }
        next = doc.next_sibling(n);
    }
    None
}

/// Pass: unwraps `<span>` and `<font>` outside code. Scraped ones only carried
/// styles, classes or ids, all of which the sanitiser removes.
pub fn inline_wrappers(doc: &mut Doc, _ctx: &mut Ctx) {
    for id in doc.elements() {
        if matches!(doc.name(id), "span" | "font") && !inside_pre(doc, id) {
            doc.unwrap(id);
        }
    }
}

pub(super) fn inside_pre(doc: &Doc, id: NodeId) -> bool {
    let mut parent = doc.parent(id);
    while let Some(p) = parent {
        if doc.name(p) == "pre" {
            return true;
        }
        parent = doc.parent(p);
    }
    false
}

/// Pass: unwraps the attribute-less `<div>` the scraper put around every body.
pub fn outer_wrapper(doc: &mut Doc, _ctx: &mut Ctx) {
    let root = content_root(doc);
    if root != doc.root() && doc.attrs(root).is_empty() {
        doc.unwrap(root);
    }
    // One newline between top-level blocks: readable page source, stable snapshots.
    let children = doc.children(doc.root());
    for &child in &children {
        if doc.text_of(child).is_some_and(|t| t.trim().is_empty()) {
            doc.detach(child);
        }
    }
    let mut previous_block = false;
    for child in doc.children(doc.root()) {
        let block = doc.is_element(child) && is_block(doc.name(child));
        if block && previous_block {
            let newline = doc.create_text("\n");
            doc.insert_before(child, newline);
        }
        previous_block = block;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn whitespace_and_breaks() {
        let options = testing::options("");
        let cases = [
            // 1화 표정관리.md: dozens of blank lines between images
            (
                "<img src=a>\n\n\n\n\n\n<img src=b>",
                "<img src=\"a\">\n<img src=\"b\">",
            ),
            ("<p>a   b \t c</p>", "<p>a b c</p>"),
            // 10个人就有1个主播….md
            (
                "<p>\n8月10日，论坛举行。\n</p>",
                "<p>8月10日，论坛举行。</p>",
            ),
            ("<p> a <b>b</b> c </p>", "<p>a <b>b</b> c</p>"),
            (
                "<p>\u{3000}\u{3000}全角缩进</p>",
                "<p>\u{3000}\u{3000}全角缩进</p>",
            ),
            ("<pre>a   b\n\n\nc</pre>", "<pre>a   b\n\n\nc</pre>"),
            (
                "<p>全角\u{3000}\u{3000}空格</p>",
                "<p>全角\u{3000}\u{3000}空格</p>",
            ),
            ("<p>a<br><br><br><br>b</p>", "<p>a<br><br>b</p>"),
            // Dockone: a body starting and ending with <br>
            ("<br>text<br>\n<br>more<br>", "text<br>\n<br>more"),
            ("<p><br></p>", "<p></p>"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(whitespace, input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn inline_wrappers_go_outside_code() {
        let options = testing::options("");
        let cases = [
            // 今日待译 _ 2020年9月22日字幕组更新.md
            (
                r#"<p><span style="font-size: 14px;">1. 基于<span class="k_pendant" data-id="5">深度学习</span>的</span></p>"#,
                "<p>1. 基于深度学习的</p>",
            ),
            (r#"<font size="4">x</font>"#, "x"),
            (
                r#"<pre><code><span class="hl-keyword">fn</span></code></pre>"#,
                r#"<pre><code><span class="hl-keyword">fn</span></code></pre>"#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(inline_wrappers, input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn outer_wrapper_is_unwrapped() {
        let options = testing::options("");
        let cases = [
            ("<div>   \n<p>a</p>  \n</div>\n   ", "<p>a</p>"),
            (
                "<div class=\"x\"><p>a</p></div>",
                "<div class=\"x\"><p>a</p></div>",
            ),
            ("<div>a</div><div>b</div>", "<div>a</div>\n<div>b</div>"),
            (
                "<div><p>a</p> <p>b</p>c<p>d</p></div>",
                "<p>a</p>\n<p>b</p>c<p>d</p>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(outer_wrapper, input, &options),
                expected,
                "{input}"
            );
        }
    }
}
