//! Embedded players. Iframes stay only from the configured video hosts (the
//! sanitiser sandboxes them and makes them lazy); any other web iframe becomes a
//! plain link to what it showed. ZAKER's script-driven video blocks become
//! `<video>` elements from the address in their `data-zkinfo` (called by the
//! ZAKER figure pass, which also gives them their caption).

use percent_encoding::percent_decode_str;

use super::dom::Doc;
use super::urls::{self, UrlRules};
use super::Ctx;

/// Pass: iframes on the allowlist get an https address, a sandbox and lazy
/// loading, and lose everything but their size and title; others become links (or go, when they have no web address).
pub fn embeds(doc: &mut Doc, ctx: &mut Ctx) {
    let hosts: std::collections::HashSet<String> =
        ctx.options.iframe_hosts.iter().cloned().collect();
    for id in doc.elements_named("iframe") {
        let src = urls::absolute(doc.attr(id, "src").unwrap_or(""));
        if super::sanitize::iframe_allowed(&hosts, &src) {
            let mut attrs = vec![("src".to_string(), src)];
            for keep in ["width", "height", "title"] {
                if let Some(v) = doc.attr(id, keep) {
                    attrs.push((keep.to_string(), v.to_string()));
                }
            }
            attrs.push(("allowfullscreen".into(), String::new()));
            attrs.push(("loading".into(), "lazy".into()));
            attrs.push(("sandbox".into(), super::sanitize::IFRAME_SANDBOX.into()));
            if !ctx.options.referrer_policy.is_empty() {
                attrs.push(("referrerpolicy".into(), ctx.options.referrer_policy.clone()));
            }
            doc.set_element(id, None, attrs);
        } else {
            replace_with_link(doc, id, &src);
            let host = urls::host_of(&src).unwrap_or_else(|| "no web address".into());
            ctx.warnings.push(format!(
                "an iframe from {host} is not in [clean] iframe_hosts; shown as a link"
            ));
        }
    }
}

fn replace_with_link(doc: &mut Doc, id: ego_tree::NodeId, src: &str) {
    if matches!(urls::scheme(src).as_deref(), Some("http" | "https")) {
        let p = doc.create("p", Vec::new());
        let a = doc.create("a", vec![("href".into(), src.to_string())]);
        let title = doc
            .attr(id, "title")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .or_else(|| urls::host_of(src))
            .unwrap_or_else(|| src.to_string());
        let text = doc.create_text(&title);
        doc.append(a, text);
        doc.append(p, a);
        doc.insert_before(id, p);
    }
    doc.detach(id);
}

/// ZAKER's `div.zk_upvideo` becomes `<video>` in place: `data-zkinfo` is
/// percent-encoded JSON with `videoUrl`, `imgUrl`, `width`, `height`. Without a
/// web address for the video the block goes and `false` is returned. Both
/// addresses lose any proxy prefix: this runs after the `unproxy_links` pass.
pub fn zaker_video(doc: &mut Doc, id: ego_tree::NodeId, rules: &UrlRules) -> bool {
    let info = doc.attr(id, "data-zkinfo").unwrap_or("");
    let decoded = percent_decode_str(info).decode_utf8_lossy();
    let json: serde_json::Value = serde_json::from_str(&decoded).unwrap_or_default();
    let field = |k: &str| json.get(k).and_then(|v| v.as_str()).unwrap_or("").trim();
    let video = rules.unproxy(&urls::absolute(field("videoUrl")));
    if !matches!(urls::scheme(&video).as_deref(), Some("http" | "https")) {
        doc.detach(id);
        return false;
    }
    let mut attrs = vec![
        ("src".to_string(), video),
        ("controls".to_string(), String::new()),
    ];
    let poster = rules.unproxy(&urls::absolute(field("imgUrl")));
    if urls::usable_image(&poster) && !urls::is_data_image(&poster) {
        attrs.push(("poster".into(), poster));
    }
    for key in ["width", "height"] {
        if let Some(n) = json.get(key).and_then(|v| v.as_u64()).filter(|n| *n > 0) {
            attrs.push((key.to_string(), n.to_string()));
        }
    }
    doc.set_element(id, Some("video"), attrs);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::testing;

    #[test]
    fn iframes_follow_the_allowlist() {
        let options = testing::options("");
        let cases = [
            // 《劇場版 幼女戦記》….md
            (
                r#"<iframe width="560" height="315" src="https://www.youtube.com/embed/KILjwOqvfx4" frameborder="0" allow="accelerometer; autoplay" allowfullscreen></iframe>"#,
                r#"<iframe allowfullscreen="" height="315" loading="lazy" referrerpolicy="no-referrer" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" src="https://www.youtube.com/embed/KILjwOqvfx4" width="560"></iframe>"#,
            ),
            // Youku, protocol-relative
            (
                r#"<iframe src="//player.youku.com/embed/XNTg4MTczNDg4MA==" allowfullscreen></iframe>"#,
                r#"<iframe allowfullscreen="" loading="lazy" referrerpolicy="no-referrer" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" src="https://player.youku.com/embed/XNTg4MTczNDg4MA=="></iframe>"#,
            ),
            // Fibonacci Number (費波那契數).md: Google Sites gadget
            (
                r#"<iframe src="https://sites.google.com/macros/s/x/exec" title="Showing the nth Fibonacci Number" sandbox="allow-scripts allow-forms"></iframe>"#,
                r#"<p><a href="https://sites.google.com/macros/s/x/exec">Showing the nth Fibonacci Number</a></p>"#,
            ),
            (r#"<iframe src="javascript:alert(1)"></iframe>"#, ""),
            (
                r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
                "",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(testing::run(embeds, input, &options), expected, "{input}");
        }
    }

    fn run_zaker_video(doc: &mut Doc, ctx: &mut Ctx) {
        for id in doc.elements_named("div") {
            zaker_video(doc, id, &ctx.options.urls);
        }
    }

    #[test]
    fn zaker_video_blocks_become_videos() {
        let options = testing::options("");
        let embeds = run_zaker_video;
        // +_&~_%！'^…….md
        let input = r#"<div id="zkvideo1" class="zk_upvideo" data-zkinfo="%7B%22status%22%3A%22finished%22%2C%22imgUrl%22%3A%22http%3A%2F%2Fzkres.myzaker.com%2Fimg_upload%2Fa_W854H480S.jpeg%22%2C%22videoUrl%22%3A%22http%3A%2F%2Fzkres.myzaker.com%2Fimg_upload%2Fa.mp4%22%2C%22width%22%3A854%2C%22height%22%3A480%7D"></div>"#;
        assert_eq!(
            testing::run(embeds, input, &options),
            r#"<video controls="" height="480" poster="http://zkres.myzaker.com/img_upload/a_W854H480S.jpeg" src="http://zkres.myzaker.com/img_upload/a.mp4" width="854"></video>"#
        );
        let broken = r#"<div class="zk_upvideo" data-zkinfo="%7Bnot json"></div>"#;
        assert_eq!(testing::run(embeds, broken, &options), "");
        // Regression (found by clean_hostile's proptest): a proxied videoUrl was kept.
        let proxied = r#"<div class="zk_upvideo" data-zkinfo="%7B%22videoUrl%22%3A%22https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a.mp4%22%2C%22imgUrl%22%3A%22https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/p.jpg%22%7D"></div>"#;
        assert_eq!(
            testing::run(embeds, proxied, &options),
            r#"<video controls="" poster="http://zkres1.myzaker.com/p.jpg" src="http://zkres1.myzaker.com/a.mp4"></video>"#
        );
    }
}
