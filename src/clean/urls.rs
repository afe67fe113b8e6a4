//! Addresses in scraped bodies: unwrapping image proxies, routing images through
//! the owner's proxy, and deciding which addresses are usable at all. Shared by the
//! passes and by the header-image helpers, so a URL is judged the same everywhere.

use percent_encoding::percent_decode_str;

/// The image-address settings every pass that touches URLs reads.
#[derive(Debug, Clone, Default)]
pub struct UrlRules {
    /// Proxy prefixes, stored without their scheme so `http:`, `https:` and `//`
    /// forms of the same proxy all match.
    pub proxies: Vec<String>,
    pub rewrite: Option<String>,
    pub placeholder_hosts: Vec<String>,
}

impl UrlRules {
    pub fn new(proxies: &[String], rewrite: Option<&str>, placeholder_hosts: &[String]) -> Self {
        UrlRules {
            proxies: proxies
                .iter()
                .map(|p| without_scheme(p.trim()).to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .collect(),
            rewrite: rewrite.map(str::to_string),
            placeholder_hosts: placeholder_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        }
    }

    /// `url` without any configured proxy prefix (repeatedly: proxies get nested).
    /// A percent-encoded target (`?https%3A%2F%2F...`) is decoded.
    pub fn unproxy(&self, url: &str) -> String {
        let mut current = url.trim().to_string();
        loop {
            let bare = without_scheme(&current);
            let Some(rest) = self.proxies.iter().find_map(|p| strip_prefix_ci(bare, p)) else {
                return current;
            };
            let rest = rest.trim();
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            current = if lower.starts_with("http%3a") || lower.starts_with("https%3a") {
                percent_decode_str(rest).decode_utf8_lossy().into_owned()
            } else {
                rest.to_string()
            };
        }
    }

    /// Whether `url` goes through one of the configured proxies.
    pub fn is_proxied(&self, url: &str) -> bool {
        let bare = without_scheme(url.trim());
        self.proxies
            .iter()
            .any(|p| strip_prefix_ci(bare, p).is_some())
    }

    /// The address an image is shown from: the owner's proxy when configured.
    pub fn for_display(&self, url: &str) -> String {
        match &self.rewrite {
            Some(template) if is_web_url(url) => template.replace("{url}", url),
            _ => url.to_string(),
        }
    }

    /// Whether `url` is on a placeholder host (random stock pictures).
    pub fn is_placeholder(&self, url: &str) -> bool {
        host_of(url).is_some_and(|host| {
            self.placeholder_hosts
                .iter()
                .any(|p| host == *p || host.ends_with(&format!(".{p}")))
        })
    }
}

fn without_scheme(url: &str) -> &str {
    let lower_starts = |p: &str| {
        url.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if lower_starts("https://") {
        &url[6..]
    } else if lower_starts("http://") {
        &url[5..]
    } else {
        url
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The lower-cased host of an absolute or protocol-relative URL.
pub fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let parsed = if url.starts_with("//") {
        url::Url::parse(&format!("https:{url}"))
    } else {
        url::Url::parse(url)
    };
    parsed.ok()?.host_str().map(|h| h.to_ascii_lowercase())
}

/// `//host/x` becomes `https://host/x`, so feeds and readers outside the site work.
pub fn absolute(url: &str) -> String {
    let url = url.trim();
    if url.starts_with("//") {
        format!("https:{url}")
    } else {
        url.to_string()
    }
}

fn is_web_url(url: &str) -> bool {
    matches!(scheme(url).as_deref(), Some("http" | "https"))
}

/// The scheme as a browser reads it: leading spaces and control characters are
/// ignored and tabs or newlines inside are dropped, so `jav&#9;ascript:` is caught.
/// `None` for relative URLs.
pub fn scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in url.trim_start_matches(|c: char| c <= ' ').chars() {
        match c {
            '\t' | '\n' | '\r' => continue,
            ':' => return (!scheme.is_empty()).then_some(scheme),
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {
                scheme.push(c.to_ascii_lowercase())
            }
            _ => return None,
        }
    }
    None
}

/// Whether an image may be shown from `url`: web addresses, relative paths and
/// `data:image/...` (never `javascript:` and friends, never other `data:` types).
pub fn usable_image(url: &str) -> bool {
    let trimmed = url.trim();
    if trimmed.is_empty() || trimmed == "#" {
        return false;
    }
    match scheme(trimmed).as_deref() {
        None => true,
        Some("http" | "https") => host_of(trimmed).is_some(),
        Some("data") => is_data_image(trimmed),
        Some(_) => false,
    }
}

/// One `srcset` candidate: a usable non-`data:` address and at most one width
/// (`640w`) or density (`2x`, `1.5x`) descriptor. Anything else is refused whole.
pub fn srcset_candidate(candidate: &str) -> Option<(&str, Option<&str>)> {
    let mut parts = candidate.split_ascii_whitespace();
    let url = parts.next()?;
    let descriptor = parts.next();
    if parts.next().is_some() || is_data_image(url) || !usable_image(url) {
        return None;
    }
    let valid = descriptor.map_or(true, |d| {
        let number = d.strip_suffix(['w', 'x']).unwrap_or("");
        !number.is_empty() && number.parse::<f32>().is_ok_and(|n| n > 0.0)
    });
    valid.then_some((url, descriptor))
}

pub fn is_data_image(url: &str) -> bool {
    let lower = url
        .trim_start()
        .get(..11)
        .unwrap_or("")
        .to_ascii_lowercase();
    lower == "data:image/"
}

/// A 1×1 `data:` GIF or similar stand-in that lazy loaders swap out.
pub fn is_weak_src(url: &str, rules: &UrlRules) -> bool {
    let url = url.trim();
    url.is_empty()
        || scheme(url).as_deref() == Some("data")
        || rules.is_proxied(url)
        || url.contains("/placeholder")
        || url.ends_with("/blank.gif")
        || url.ends_with("/grey.gif")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> UrlRules {
        UrlRules::new(
            &["https://cors.zfour.workers.dev/?".to_string()],
            None,
            &["picsum.photos".to_string()],
        )
    }

    #[test]
    fn unproxy_cases() {
        let r = rules();
        let cases = [
            (
                "https://cors.zfour.workers.dev/?http://zkres1.myzaker.com/a_1024.jpg",
                "http://zkres1.myzaker.com/a_1024.jpg",
            ),
            (
                "http://CORS.zfour.workers.dev/?https://a.com/x",
                "https://a.com/x",
            ),
            (
                "//cors.zfour.workers.dev/?https://a.com/x",
                "https://a.com/x",
            ),
            (
                "https://cors.zfour.workers.dev/?https://cors.zfour.workers.dev/?http://a.com/x",
                "http://a.com/x",
            ),
            (
                "https://cors.zfour.workers.dev/?https%3A%2F%2Fa.com%2Fx.png",
                "https://a.com/x.png",
            ),
            ("https://a.com/x", "https://a.com/x"),
            ("  https://a.com/x ", "https://a.com/x"),
        ];
        for (input, expected) in cases {
            assert_eq!(r.unproxy(input), expected, "{input}");
        }
    }

    #[test]
    fn rewrite_routes_web_images_only() {
        let r = UrlRules::new(&[], Some("https://my.proxy/?{url}"), &[]);
        assert_eq!(
            r.for_display("http://a.com/x.jpg"),
            "https://my.proxy/?http://a.com/x.jpg"
        );
        assert_eq!(
            r.for_display("data:image/gif;base64,R0"),
            "data:image/gif;base64,R0"
        );
        assert_eq!(r.for_display("/local.png"), "/local.png");
    }

    #[test]
    fn schemes_as_a_browser_reads_them() {
        let cases = [
            ("javascript:alert(1)", Some("javascript")),
            ("  JaVaScRiPt:alert(1)", Some("javascript")),
            ("java\tscript:alert(1)", Some("javascript")),
            ("\u{1}\u{8}javascript:x", Some("javascript")),
            ("vbscript:msgbox", Some("vbscript")),
            ("/path:with-colon", None),
            ("x.png", None),
            ("https://a", Some("https")),
        ];
        for (input, expected) in cases {
            assert_eq!(scheme(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn usable_images() {
        let cases = [
            ("http://a.com/x.jpg", true),
            ("/x.jpg", true),
            ("data:image/png;base64,AAAA", true),
            ("data:text/html,<script>", false),
            ("javascript:alert(1)", false),
            ("", false),
            ("http://", false),
        ];
        for (input, expected) in cases {
            assert_eq!(usable_image(input), expected, "{input:?}");
        }
    }

    #[test]
    fn srcset_candidates() {
        let cases = [
            ("https://a.com/x.jpg 2x", true),
            ("https://a.com/x.jpg 640w", true),
            ("/x.jpg", true),
            ("java script:alert(1) 2x", false),
            ("javascript:alert(1) 2x", false),
            ("https://a.com/x.jpg 2x 3x", false),
            ("data:image/png;base64,AA 1x", false),
            ("https://a.com/x.jpg huge", false),
        ];
        for (candidate, ok) in cases {
            assert_eq!(srcset_candidate(candidate).is_some(), ok, "{candidate}");
        }
    }

    #[test]
    fn placeholders() {
        let r = rules();
        assert!(r.is_placeholder("https://picsum.photos/400/300?random=2"));
        assert!(r.is_placeholder("https://i.picsum.photos/id/1/400/300.jpg"));
        assert!(!r.is_placeholder("https://notpicsum.photos/x"));
        assert!(!r.is_placeholder("not a url"));
    }
}
