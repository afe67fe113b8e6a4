//! Image wrappers become figures: ZAKER's `img_box` divs (with their captions),
//! Dockone's and cnBeta's links around images, and paragraphs or divs that hold
//! nothing but images.

use ego_tree::NodeId;

use super::dom::{is_block, Doc};
use super::urls::UrlRules;
use super::Ctx;

/// Pass: ZAKER `div.img_box > div.content_img_div > img` becomes
/// `<figure><img><figcaption>…</figcaption></figure>`. The caption is the
/// following `zk_decsimg` block, or the short text run right after the box.
pub fn zaker_figures(doc: &mut Doc, ctx: &mut Ctx) {
    for id in doc.elements_named("div") {
        if doc.has_class(id, "zk_upvideo") && doc.attached(id) {
            video_figure(doc, id, &ctx.options.urls);
            continue;
        }
        if !doc.has_class(id, "img_box") || !doc.attached(id) {
            continue;
        }
        let Some(img) = doc.descendants_named(id, "img").first().copied() else {
            doc.detach(id);
            continue;
        };
        let figure = doc.create("figure", Vec::new());
        doc.insert_before(id, figure);
        doc.append(figure, img);
        let run = inline_run_after(doc, id);
        doc.detach(id);
        attach_caption(doc, figure, run);
    }
    for id in doc.elements_named("div") {
        if ["zaker_div", "zk_decsimg", "zk_remark"]
            .iter()
            .any(|c| doc.has_class(id, c))
        {
            doc.unwrap(id);
        }
    }
}

/// ZAKER's video block (inside a `zaker_div`) becomes `<figure><video>` with the
/// caption block that follows, and the leftover wrappers go.
fn video_figure(doc: &mut Doc, id: NodeId, rules: &UrlRules) {
    let wrapper = doc
        .parent(id)
        .filter(|&p| doc.has_class(p, "zaker_div"))
        .unwrap_or(id);
    if !super::embeds::zaker_video(doc, id, rules) {
        return;
    }
    let figure = doc.create("figure", Vec::new());
    doc.insert_before(wrapper, figure);
    doc.append(figure, id);
    if wrapper != id {
        doc.detach(wrapper);
    }
    attach_caption(doc, figure, Vec::new());
}

/// Puts the caption for a ZAKER figure in place, or turns the text that follows
/// the image into a paragraph of its own.
fn attach_caption(doc: &mut Doc, figure: NodeId, run: Vec<NodeId>) {
    let run_text: String = run.iter().map(|&n| doc.text_content(n)).collect();
    let run_text = run_text.trim();
    if run_text.is_empty() {
        for node in run {
            doc.detach(node);
        }
        if let Some(block) = next_caption_block(doc, figure) {
            let caption = doc.create("figcaption", Vec::new());
            doc.append(figure, caption);
            let text = doc.text_content(block);
            let text_node = doc.create_text(text.trim());
            doc.append(caption, text_node);
            doc.detach(block);
        }
        return;
    }
    if matches!(run_text, "▲" | "△" | "↑") {
        // The mark points down at the caption: the next non-empty paragraph.
        for node in run {
            doc.detach(node);
        }
        if let Some(p) = next_nonempty_paragraph(doc, figure) {
            let caption = doc.create("figcaption", Vec::new());
            doc.append(figure, caption);
            for child in doc.children(p) {
                doc.append(caption, child);
            }
            doc.detach(p);
        }
        return;
    }
    let holder = if is_caption_like(run_text) {
        let caption = doc.create("figcaption", Vec::new());
        doc.append(figure, caption);
        caption
    } else {
        let p = doc.create("p", Vec::new());
        match doc.next_sibling(figure) {
            Some(next) => doc.insert_before(next, p),
            None => {
                if let Some(parent) = doc.parent(figure) {
                    doc.append(parent, p)
                }
            }
        }
        p
    };
    for node in run {
        doc.append(holder, node);
    }
}

/// Siblings after `id` up to the next block element: text that html5ever left
/// loose when ZAKER put a `<div>` inside a `<p>`.
fn inline_run_after(doc: &Doc, id: NodeId) -> Vec<NodeId> {
    let mut run = Vec::new();
    let mut next = doc.next_sibling(id);
    while let Some(n) = next {
        if doc.is_element(n) && (is_block(doc.name(n)) || doc.name(n) == "img") {
            break;
        }
        run.push(n);
        next = doc.next_sibling(n);
    }
    run
}

/// `<div class="zaker_div"><div class="zk_decsimg">caption</div></div>` right
/// after the figure (blank text and empty paragraphs between are skipped).
fn next_caption_block(doc: &Doc, figure: NodeId) -> Option<NodeId> {
    let mut next = doc.next_sibling(figure);
    while let Some(n) = next {
        if doc.is_element(n) {
            let wrapper = doc.has_class(n, "zaker_div") || doc.has_class(n, "zk_decsimg");
            let has_caption = doc
                .descendants_named(n, "div")
                .into_iter()
                .chain([n])
                .any(|d| doc.has_class(d, "zk_decsimg"));
            return (wrapper && has_caption && doc.descendants_named(n, "img").is_empty())
                .then_some(n);
        }
        if !doc.text_of(n).is_some_and(|t| t.trim().is_empty()) {
            return None;
        }
        next = doc.next_sibling(n);
    }
    None
}

fn next_nonempty_paragraph(doc: &Doc, after: NodeId) -> Option<NodeId> {
    let mut next = doc.next_sibling(after);
    while let Some(n) = next {
        if doc.name(n) == "p" {
            if !doc.text_content(n).trim().is_empty() {
                return Some(n);
            }
        } else if doc.is_element(n) || !doc.text_of(n).is_some_and(|t| t.trim().is_empty()) {
            return None;
        }
        next = doc.next_sibling(n);
    }
    None
}

/// Short, and not a sentence of the article: ZAKER writes captions as the text
/// right after an image, but also starts ordinary paragraphs there.
/// Width is in terminal columns, so 40 CJK characters and 80 Latin ones weigh the same.
fn is_caption_like(text: &str) -> bool {
    let width = unicode_width::UnicodeWidthStr::width(text);
    let last = text.chars().last().unwrap_or(' ');
    width <= 80 && !text.contains('。') && !"。：:，,；;~～…".contains(last)
}

/// Pass: a link around a lone image that points at the image itself (Dockone's
/// fancybox, cnBeta's full-size links) is unwrapped, so the image can become a figure.
pub fn linked_images(doc: &mut Doc, _ctx: &mut Ctx) {
    for id in doc.elements_named("a") {
        let Some(img) = only_images(doc, id).filter(|imgs| imgs.len() == 1) else {
            continue;
        };
        let href = doc.attr(id, "href").unwrap_or("");
        let zoom = doc.attr(id, "data-fancybox-group").is_some()
            || doc.attr(id, "data-fancybox").is_some()
            || doc.attr(id, "rel") == Some("lightbox")
            || doc.has_class(id, "fancybox");
        if zoom || points_at_image(href, doc.attr(img[0], "src").unwrap_or("")) {
            doc.unwrap(id);
        }
    }
}

fn points_at_image(href: &str, src: &str) -> bool {
    let path = href
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    href == src
        || [".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"]
            .iter()
            .any(|ext| path.ends_with(ext))
}

/// The images inside `id` when it holds nothing else (blank text and `<br>` aside).
fn only_images(doc: &Doc, id: NodeId) -> Option<Vec<NodeId>> {
    let mut images = Vec::new();
    for child in doc.children(id) {
        match doc.name(child) {
            "img" => images.push(child),
            "br" => {}
            "" if doc.text_of(child).map_or(true, |t| t.trim().is_empty()) => {}
            _ => return None,
        }
    }
    (!images.is_empty()).then_some(images)
}

/// Pass: a `<p>`, `<div>` or `<center>` holding only images becomes one
/// `<figure>` per image (woshipm, 3DMGame, Dockone, SoBooks).
pub fn image_blocks(doc: &mut Doc, _ctx: &mut Ctx) {
    for id in doc.elements() {
        if !matches!(doc.name(id), "p" | "div" | "center") {
            continue;
        }
        let Some(images) = only_images(doc, id) else {
            continue;
        };
        if doc.parent(id).is_some_and(|p| doc.name(p) == "p") {
            continue;
        }
        for img in images {
            let figure = doc.create("figure", Vec::new());
            doc.insert_before(id, figure);
            doc.append(figure, img);
        }
        doc.detach(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    const BOX: &str = r#"<div class="img_box" id="id_imagebox_0" onclick><div class="content_img_div perview_img_div"><img src="http://zkres1.myzaker.com/a.jpg"></div></div>"#;

    #[test]
    fn zaker_boxes_become_figures() {
        let options = testing::options("");
        let cases = [
            // 1+1=1…吧？.md: a short caption after the box
            (
                format!("<p>{BOX}你凭什么认为 1+1=2 ？</p><p>如果我说</p>"),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"><figcaption>你凭什么认为 1+1=2 ？</figcaption></figure><p></p><p>如果我说</p>"#,
            ),
            // the seed: a long paragraph after the box stays a paragraph
            (
                format!("<p>{BOX}事实上，这已经不是阿里云今年第一次出现「安全问题」。今年 8 月，一份答复函自网络流出。</p>"),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"></figure><p>事实上，这已经不是阿里云今年第一次出现「安全问题」。今年 8 月，一份答复函自网络流出。</p><p></p>"#,
            ),
            // +_&~_%！'^…….md: the zk_decsimg caption block
            (
                format!(r#"<p></p>{BOX}<div class="zaker_div"><div class="zk_decsimg zk_alignleft"><p>大银线蝠幼崽。｜图片来源：Michael Stifter</p></div><div class="edi_oper"></div></div><p></p>"#),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"><figcaption>大银线蝠幼崽。｜图片来源：Michael Stifter</figcaption></figure><p></p>"#,
            ),
            // 12306 再回应….md: ▲ points at the next paragraph
            (
                format!("<p>{BOX}▲</p><p>曾经的浏览器抢票插件</p><p>但浏览器插件</p>"),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"><figcaption>曾经的浏览器抢票插件</figcaption></figure><p></p><p>但浏览器插件</p>"#,
            ),
            // a caption in <strong>, as in the seed
            (
                format!("<p>{BOX}<strong>给老谢打 call</strong></p>"),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"><figcaption><strong>给老谢打 call</strong></figcaption></figure><p></p>"#,
            ),
            // an English caption is wider in characters, not in columns
            (
                format!("<p>{BOX}Perfect shapes enjoying life in the World of Forms</p>"),
                r#"<p></p><figure><img src="http://zkres1.myzaker.com/a.jpg"><figcaption>Perfect shapes enjoying life in the World of Forms</figcaption></figure><p></p>"#,
            ),
            // +_&~_%！'^…….md: a video block and its caption
            (
                r#"<div class="zaker_div"><div id="zkvideo1" class="zk_upvideo" data-zkinfo="%7B%22videoUrl%22%3A%22http%3A%2F%2Fzkres.myzaker.com%2Fa.mp4%22%7D"></div><div class="edi_oper"></div></div><div class="zaker_div"><div class="zk_decsimg zk_alignleft"><p>  大银线蝠母亲和幼崽。</p></div></div><p></p>"#.to_string(),
                r#"<figure><video controls="" src="http://zkres.myzaker.com/a.mp4"></video><figcaption>大银线蝠母亲和幼崽。</figcaption></figure><p></p>"#,
            ),
            // seed 003: an editor's credit block stays, unwrapped
            (
                r#"<div class="zaker_div"><div class="zk_remark"><p>ZAKER 新闻出品</p><p>文 / 曾宪天</p></div></div>"#.to_string(),
                "<p>ZAKER 新闻出品</p><p>文 / 曾宪天</p>",
            ),
            // a box whose image was dropped goes
            (
                r#"<div class="img_box"><div class="content_img_div"></div></div><p>x</p>"#.to_string(),
                "<p>x</p>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                testing::run(zaker_figures, &input, &options),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn links_to_the_image_are_unwrapped() {
        let options = testing::options("");
        let cases = [
            // Dockone fancybox (OPA项目实践解读.md)
            (
                r#"<div class="aw-upload-img-list active"><a href="http://dockone.io/uploads/a.png" target="_blank" data-fancybox-group="thumb" rel="lightbox"><img src="http://dockone.io/uploads/a.png"></a></div>"#,
                r#"<div class="aw-upload-img-list active"><img src="http://dockone.io/uploads/a.png"></div>"#,
            ),
            // cnBeta (Google SMTP服务被利用来发送欺诈邮件.md)
            (
                r#"<p><a href="https://static.cnbetacdn.com/article/2022/05/4499e616cc5ee57.jpg" target="_blank"><img src="https://static.cnbetacdn.com/article/2022/05/4499e616cc5ee57.jpg"></a></p>"#,
                r#"<p><img src="https://static.cnbetacdn.com/article/2022/05/4499e616cc5ee57.jpg"></p>"#,
            ),
            // an image linking to an article stays a link
            (
                r#"<a href="https://sobooks.cc/books/1.html"><img src="https://a.com/x.jpg"></a>"#,
                r#"<a href="https://sobooks.cc/books/1.html"><img src="https://a.com/x.jpg"></a>"#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(testing::run(linked_images, input, &options), expected);
        }
    }

    #[test]
    fn image_only_blocks_become_figures() {
        let options = testing::options("");
        let cases = [
            // woshipm (B端决策类产品….md)
            (
                r#"<p><img data-action="zoom" src="http://image.woshipm.com/a.jpg" width="900" height="420"></p>"#,
                r#"<figure><img data-action="zoom" height="420" src="http://image.woshipm.com/a.jpg" width="900"></figure>"#,
            ),
            // 3DMGame (10个人就有1个主播….md)
            (
                "<p align=\"center\">\n<img src=\"https://img.3dmgame.com/a.jpg\"> \n</p>",
                r#"<figure><img src="https://img.3dmgame.com/a.jpg"></figure>"#,
            ),
            (
                r#"<div><img src="a.jpg"><br><img src="b.jpg"></div>"#,
                r#"<figure><img src="a.jpg"></figure><figure><img src="b.jpg"></figure>"#,
            ),
            (
                "<p>text <img src=\"a.jpg\"></p>",
                "<p>text <img src=\"a.jpg\"></p>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(testing::run(image_blocks, input, &options), expected);
        }
    }
}
