//! Code blocks. Dockone's `<pre class="prettyprint">` keeps its lines as `<br>`
//! (each followed by a real newline); this pass turns every scraped `<pre>` into
//! `<pre><code>` with real newlines, highlighted when the language is named or
//! evident, plain otherwise. Blocks already highlighted (Markdown) are left alone.

use ego_tree::NodeId;

use super::dom::Doc;
use super::highlight;
use super::Ctx;

/// Pass: `<pre>` with `<br>` lines becomes `<pre class="hl-code"><code>` text.
pub fn code_blocks(doc: &mut Doc, _ctx: &mut Ctx) {
    for pre in doc.elements_named("pre") {
        if !doc.attached(pre) || already_highlighted(doc, pre) {
            continue;
        }
        let language = declared_language(doc, pre);
        let code = normalise(&pre_text(doc, pre));
        let syntax = language
            .as_deref()
            .and_then(highlight::syntax_named)
            .or_else(|| highlight::guess(&code));
        let highlighted = syntax.and_then(|s| highlight::highlight(&code, s));
        doc.clear(pre);
        doc.set_element(
            pre,
            None,
            vec![("class".into(), highlight::BLOCK_CLASS.into())],
        );
        let class = language
            .or_else(|| syntax.map(|s| s.name.to_ascii_lowercase().replace(' ', "-")))
            .map(|l| vec![("class".to_string(), format!("language-{l}"))])
            .unwrap_or_default();
        let code_el = doc.create("code", class);
        doc.append(pre, code_el);
        match highlighted {
            Some(html) => doc.append_fragment(code_el, &html),
            None => {
                let text = doc.create_text(&code);
                doc.append(code_el, text);
            }
        }
    }
}

fn already_highlighted(doc: &Doc, pre: NodeId) -> bool {
    doc.descendants_named(pre, "span")
        .iter()
        .any(|&s| doc.attr(s, "class").is_some_and(|c| c.starts_with("hl-")))
}

/// `lang-go` / `language-go` on the `<pre>` or its `<code>`, or `data-lang`.
fn declared_language(doc: &Doc, pre: NodeId) -> Option<String> {
    let mut candidates = vec![pre];
    candidates.extend(doc.descendants_named(pre, "code").first());
    for id in candidates {
        if let Some(lang) = doc.attr(id, "data-lang") {
            return Some(lang.trim().to_ascii_lowercase());
        }
        let class = doc.attr(id, "class").unwrap_or("");
        for c in class.split_ascii_whitespace() {
            let lower = c.to_ascii_lowercase();
            if let Some(lang) = lower
                .strip_prefix("language-")
                .or_else(|| lower.strip_prefix("lang-"))
            {
                if !lang.is_empty() {
                    return Some(lang.to_string());
                }
            }
        }
    }
    None
}

/// The text of a `<pre>`: a `<br>` is a line break unless a newline follows it
/// anyway (Dockone writes both), block children end a line.
fn pre_text(doc: &Doc, pre: NodeId) -> String {
    let mut out = String::new();
    let mut pending_br = false;
    let Some(node) = doc.html.tree.get(pre) else {
        return out;
    };
    for d in node.descendants().skip(1) {
        match d.value() {
            scraper::Node::Text(t) => {
                if pending_br && !t.text.starts_with(['\n', '\r']) {
                    out.push('\n');
                }
                pending_br = false;
                out.push_str(&t.text);
            }
            scraper::Node::Element(e) if e.name() == "br" => {
                if pending_br {
                    out.push('\n');
                }
                pending_br = true;
            }
            scraper::Node::Element(e)
                if matches!(e.name(), "p" | "div" | "li")
                    && !out.is_empty()
                    && !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            _ => {}
        }
    }
    if pending_br {
        out.push('\n');
    }
    out
}

/// CRLF to LF, non-breaking spaces to spaces, no blank lines at either end, no
/// run of blank lines longer than one, a final newline.
fn normalise(code: &str) -> String {
    let code = code.replace("\r\n", "\n").replace('\u{a0}', " ");
    let mut out = String::with_capacity(code.len());
    let mut blank_run = 0;
    for line in code.trim_end().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn dockone_blocks_read_as_code() {
        let options = testing::options("");
        let cases = [
            // 25个每个人都应该知道的Git命令.md
            (
                "<pre class=\"prettyprint\">git init<br>\n</pre>",
                "<pre class=\"hl-code\"><code>git init\n</code></pre>",
            ),
            // OPA项目实践解读.md: blank lines kept once, &#123; braces decoded
            (
                "<pre class=\"prettyprint\">package acmecorp.api<br>\n<br>\nimport data.acmecorp.roles<br>\n<br>\nallow &#123;<br>\ninput.user = user<br>\n&#125; <br>\n</pre>",
                "<pre class=\"hl-code\"><code>package acmecorp.api\n\nimport data.acmecorp.roles\n\nallow {\ninput.user = user\n}\n</code></pre>",
            ),
            // <br> with no newline after it
            (
                "<pre>a<br>b<br><br>c</pre>",
                "<pre class=\"hl-code\"><code>a\nb\n\nc\n</code></pre>",
            ),
            (
                "<pre>\n\n\nx &lt; y\n\n\n\nz\n\n</pre>",
                "<pre class=\"hl-code\"><code>x &lt; y\n\nz\n</code></pre>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(code_blocks, input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn known_or_evident_languages_are_highlighted() {
        let options = testing::options("");
        let named = testing::run(
            code_blocks,
            "<pre class=\"prettyprint lang-go\">func main() &#123;&#125;<br></pre>",
            &options,
        );
        assert!(named.starts_with("<pre class=\"hl-code\"><code class=\"language-go\"><span class=\"hl-source hl-go\">"), "{named}");
        let json = testing::run(
            code_blocks,
            "<pre class=\"prettyprint\">&#123;<br>\n\"coverage\": 100<br>\n&#125; <br>\n</pre>",
            &options,
        );
        assert!(json.contains("language-json"), "{json}");
        assert!(json.contains("hl-"), "{json}");
        let markdown = "<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">fn</span></code></pre>";
        assert_eq!(testing::run(code_blocks, markdown, &options), markdown);
    }
}
