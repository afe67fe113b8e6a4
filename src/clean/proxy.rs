//! Proxied addresses outside `<img>`: links to images, video posters and sources,
//! and iframes (which the embeds pass judges by their real host, or turns into
//! links). Images themselves are handled by the lazy-image pass, which also picks
//! their real address.

use super::dom::Doc;
use super::urls;
use super::Ctx;

/// Pass: strips configured proxy prefixes from `a[href]`, `video[src|poster]`,
/// `source[src]` and `iframe[src]`.
pub fn unproxy_links(doc: &mut Doc, ctx: &mut Ctx) {
    let rules = &ctx.options.urls;
    for id in doc.elements() {
        let attribute = match doc.name(id) {
            "a" => &["href"][..],
            "video" => &["src", "poster"][..],
            "source" | "iframe" => &["src"][..],
            _ => continue,
        };
        for name in attribute {
            let Some(value) = doc.attr(id, name) else {
                continue;
            };
            if rules.is_proxied(value) {
                let real = urls::absolute(&rules.unproxy(value));
                doc.set_attr(id, name, &real);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn proxied_links_are_unwrapped() {
        let options = testing::options("");
        let cases = [
            (
                r#"<a href="https://cors.zfour.workers.dev/?http://dockone.io/uploads/a.png">x</a>"#,
                r#"<a href="http://dockone.io/uploads/a.png">x</a>"#,
            ),
            (
                r#"<a href="https://bangumi.tv/subject/333598">番组计划</a>"#,
                r#"<a href="https://bangumi.tv/subject/333598">番组计划</a>"#,
            ),
            (
                r#"<video poster="https://cors.zfour.workers.dev/?http://a.com/p.jpg" src="https://cors.zfour.workers.dev/?http://a.com/v.mp4"></video>"#,
                r#"<video poster="http://a.com/p.jpg" src="http://a.com/v.mp4"></video>"#,
            ),
            // Regression (proptest, CI of 2026-12-02): a proxied iframe kept its
            // prefix, and the embeds pass then linked to the proxy.
            (
                r#"<iframe src="https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.jpg"></iframe>"#,
                r#"<iframe src="http://zkres1.myzaker.com/a.jpg"></iframe>"#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(testing::run(unproxy_links, input, &options), expected);
        }
    }
}
