//! The preview's HTTP side: tower-http's `ServeDir` serves the built site, with
//! a guard in front that refuses any path that could leave it, and a layer
//! that adds what a preview needs: strong validators (ETag), utf-8 charsets,
//! revalidation on every load, and the live-reload script in HTML.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler as _;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use percent_encoding::percent_decode_str;
use tokio::sync::watch;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use super::reload::{self, Live};

/// Pages are small; this only stops a runaway file from being buffered whole.
const MAX_INJECTED_PAGE: usize = 256 * 1024 * 1024;

/// Shown when the site has no `404.html` (say, the first build failed), so the
/// page still carries the script and recovers when the site is fixed.
const FALLBACK_404: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>";

#[derive(Clone)]
struct Site {
    dir: Arc<PathBuf>,
}

/// The whole app: the site at `site_dir`, the reload stream and its script.
/// `stop` resolves at shutdown and ends every open event stream.
pub fn router(site_dir: PathBuf, live: Arc<Live>, stop: watch::Receiver<bool>) -> Router {
    let site = Site {
        dir: Arc::new(site_dir),
    };
    let files =
        ServeDir::new(site.dir.as_path()).not_found_service(not_found.with_state(site.clone()));
    Router::new()
        .route(
            reload::EVENTS_PATH,
            get(move || {
                let live = live.clone();
                let mut stop = stop.clone();
                let stopped = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                async move { reload::stream(&live, stopped) }
            }),
        )
        .route(reload::SCRIPT_PATH, get(script))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(site, site_headers))
        .layer(middleware::from_fn(refuse_escapes))
        .layer(TraceLayer::new_for_http())
}

async fn script() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    (headers, reload::SCRIPT).into_response()
}

async fn not_found(State(site): State<Site>) -> Response {
    let page = tokio::fs::read(site.dir.join("404.html"))
        .await
        .unwrap_or_else(|_| FALLBACK_404.as_bytes().to_vec());
    let headers = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (StatusCode::NOT_FOUND, headers, page).into_response()
}

/// 400 for any request path that is not a plain walk down from the site root.
async fn refuse_escapes(request: Request, next: Next) -> Response {
    if is_safe_path(request.uri().path()) {
        next.run(request).await
    } else {
        (
            StatusCode::BAD_REQUEST,
            "refused: the path leaves the site\n",
        )
            .into_response()
    }
}

/// True for a path made only of ordinary names: no `.` or `..` segment (raw or
/// percent-encoded), no backslash, no empty segment (`//`), no encoded slash,
/// backslash or NUL, and valid UTF-8 once decoded. `ServeDir` checks much of
/// this too; refusing here first makes the rule ours and testable.
pub fn is_safe_path(raw: &str) -> bool {
    if !raw.starts_with('/') || raw.contains("//") || raw.contains('\\') {
        return false;
    }
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%00"].iter().any(|bad| lower.contains(bad)) {
        return false;
    }
    let Ok(decoded) = percent_decode_str(raw).decode_utf8() else {
        return false;
    };
    !decoded.contains('\0')
        && decoded
            .split('/')
            .all(|segment| segment != "." && segment != "..")
}

async fn site_headers(State(site): State<Site>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == reload::EVENTS_PATH || path == reload::SCRIPT_PATH {
        return next.run(request).await;
    }
    let reads = matches!(*request.method(), Method::GET | Method::HEAD);
    let etag = match reads {
        true => file_etag(&site.dir, path).await,
        false => None,
    };
    if let Some(etag) = &etag {
        if let Some(wanted) = request.headers().get(header::IF_NONE_MATCH) {
            if etag_matches(wanted.to_str().unwrap_or(""), etag) {
                return not_modified(etag);
            }
            // RFC 9110 13.1.3: with If-None-Match present, If-Modified-Since is ignored.
            request.headers_mut().remove(header::IF_MODIFIED_SINCE);
        }
    }
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let (Some(etag), StatusCode::OK | StatusCode::NOT_MODIFIED) = (&etag, status) {
        if let Ok(value) = HeaderValue::from_str(etag) {
            headers.insert(header::ETAG, value);
        }
    }
    let is_html = add_charset(headers);
    if is_html && matches!(status, StatusCode::OK | StatusCode::NOT_FOUND) {
        return with_script(response).await;
    }
    response
}

fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// The served file behind a request path (a folder means its `index.html`).
/// Only called on paths `is_safe_path` accepted.
fn served_file(dir: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    let mut file = dir.to_path_buf();
    file.extend(decoded.split('/').filter(|s| !s.is_empty()));
    Some(file)
}

/// A validator from the file's size, inode and modification time to the
/// nanosecond: unlike `Last-Modified` (whole seconds), it changes when a
/// rebuild rewrites a page within the second it was last fetched.
async fn file_etag(dir: &Path, path: &str) -> Option<String> {
    let mut file = served_file(dir, path)?;
    let mut meta = tokio::fs::metadata(&file).await.ok()?;
    if meta.is_dir() {
        if !path.ends_with('/') {
            return None; // ServeDir redirects to the path with a slash.
        }
        file.push("index.html");
        meta = tokio::fs::metadata(&file).await.ok()?;
    }
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0u64;
    Some(format!(
        "\"{:x}-{inode:x}-{:x}.{:x}\"",
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// `If-None-Match` semantics (weak comparison): `*` or any listed tag equal to ours.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    if_none_match
        .split(',')
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

/// Adds `charset=utf-8` to text, JSON, XML and JavaScript types that lack one
/// (the site is written in UTF-8). Returns whether the response is HTML.
fn add_charset(headers: &mut HeaderMap) -> bool {
    let Some(kind) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
    else {
        return false;
    };
    let textual = kind.starts_with("text/")
        || kind.starts_with("application/json")
        || kind.starts_with("application/xml")
        || kind.starts_with("application/javascript")
        || kind.contains("+xml")
        || kind.contains("+json");
    if textual && !kind.contains("charset=") {
        if let Ok(value) = HeaderValue::from_str(&format!("{kind}; charset=utf-8")) {
            headers.insert(header::CONTENT_TYPE, value);
        }
    }
    kind.starts_with("text/html")
}

/// The page with the live-reload script in it. A HEAD response (empty body)
/// gets the length the GET body will have.
async fn with_script(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_INJECTED_PAGE).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "page too large to serve\n",
        )
            .into_response();
    };
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let (length, body) = match (bytes.is_empty(), announced) {
        (true, Some(length)) if length > 0 => (length + reload::SCRIPT_TAG.len(), Body::empty()),
        _ => {
            let page = reload::inject(&bytes);
            (page.len(), Body::from(page))
        }
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_site_are_refused() {
        let cases = [
            ("/", true),
            ("/index.html", true),
            ("/2024/01/02/a-post/", true),
            ("/tags/%E6%96%B0%E9%97%BB/", true),
            ("/search/?q=..", true),
            ("/.well-known/x", true),
            ("/a..b/c...d", true),
            ("/%252e%252e/x", true),
            ("/..", false),
            ("/../etc/passwd", false),
            ("/a/../../etc/passwd", false),
            ("/./index.html", false),
            ("/%2e%2e/etc/passwd", false),
            ("/%2E%2E/etc/passwd", false),
            ("/.%2e/etc/passwd", false),
            ("/%2e./etc/passwd", false),
            ("/..%2fetc%2fpasswd", false),
            ("/a%2F..%2F..%2Fb", false),
            ("/..\\etc\\passwd", false),
            ("/..%5cetc%5cpasswd", false),
            ("//etc/passwd", false),
            ("/a//b", false),
            ("/a%00.html", false),
            ("/%ff%fe", false),
            ("", false),
            ("*", false),
        ];
        for (path, safe) in cases {
            assert_eq!(is_safe_path(path), safe, "{path}");
        }
    }

    #[test]
    fn if_none_match_comparison() {
        let ours = "\"a-1-2.3\"";
        let cases = [
            ("\"a-1-2.3\"", true),
            ("W/\"a-1-2.3\"", true),
            ("\"x\", \"a-1-2.3\"", true),
            ("*", true),
            ("\"a-1-2.4\"", false),
            ("", false),
        ];
        for (header, matches) in cases {
            assert_eq!(etag_matches(header, ours), matches, "{header}");
        }
    }

    #[test]
    fn charsets_are_added_to_text_types_only() {
        let cases = [
            ("text/html", "text/html; charset=utf-8", true),
            ("text/xml", "text/xml; charset=utf-8", false),
            ("application/json", "application/json; charset=utf-8", false),
            (
                "application/atom+xml",
                "application/atom+xml; charset=utf-8",
                false,
            ),
            ("text/css; charset=utf-8", "text/css; charset=utf-8", false),
            ("image/png", "image/png", false),
        ];
        for (given, expected, html) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(given));
            assert_eq!(add_charset(&mut headers), html, "{given}");
            assert_eq!(headers[header::CONTENT_TYPE], expected);
        }
    }
}
