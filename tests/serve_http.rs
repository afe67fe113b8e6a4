//! `gazette serve` over HTTP: types and charsets, 404s, HEAD, validators and
//! 304s, and paths that try to leave the site.

mod serve_common;

use serve_common::{get, raw, secret_beside, Site, POST_URL};

#[test]
fn pages_have_types_charsets_and_the_reload_script() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let cases = [
        ("/", "text/html; charset=utf-8"),
        (POST_URL, "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/atom.xml", "charset=utf-8"),
        ("/sitemap.xml", "charset=utf-8"),
    ];
    for (path, kind) in cases {
        let reply = get(addr, path);
        assert_eq!(reply.status, 200, "{path}");
        let got = reply.header("content-type").unwrap_or("");
        assert!(got.ends_with(kind), "{path}: {got}");
    }
    let home = get(addr, "/").text();
    assert_eq!(home.matches(gazette::serve::SCRIPT_TAG).count(), 1);
    assert!(home.find(gazette::serve::SCRIPT_TAG) < home.rfind("</body>"));
    let css = get(addr, "/css/site.css").text();
    assert!(!css.contains("__livereload"), "script only goes into HTML");
    let script = get(addr, "/__livereload.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));
    // Served from a temporary folder: the user's public/ is never written.
    assert!(!site.root().join("public").exists());
    let built = std::fs::read_to_string(server.site_dir().join("index.html")).unwrap();
    assert!(
        !built.contains("__livereload"),
        "the built files stay clean"
    );
    server.shutdown();
}

#[test]
fn json_feed_and_search_index_say_utf8() {
    let site = Site::new();
    let server = site.start();
    let jsons: Vec<_> = walkdir::WalkDir::new(server.site_dir())
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| {
            e.path()
                .strip_prefix(server.site_dir())
                .unwrap()
                .to_path_buf()
        })
        .collect();
    assert!(!jsons.is_empty(), "the build writes some JSON");
    for json in jsons {
        let url = format!("/{}", json.to_string_lossy());
        let reply = get(server.addr(), &url);
        assert_eq!(reply.status, 200, "{url}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json; charset=utf-8"),
            "{url}"
        );
    }
    server.shutdown();
}

#[test]
fn missing_pages_get_a_404_status_and_the_sites_404_page() {
    let site = Site::new();
    let server = site.start();
    for path in ["/no/such/page/", "/nope.html", "/posts/hello/nope"] {
        let reply = get(server.addr(), path);
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let body = reply.text();
        assert!(
            body.contains("找不到这个页面"),
            "{path}: the theme's 404.html"
        );
        assert!(body.contains(gazette::serve::SCRIPT_TAG));
        assert_eq!(
            reply
                .header("content-length")
                .map(|l| l.parse::<usize>().unwrap()),
            Some(reply.body.len())
        );
    }
    let head = raw(server.addr(), "HEAD /no/such/page/ HTTP/1.0");
    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());
    server.shutdown();
}

#[test]
fn head_matches_get_without_a_body() {
    let site = Site::new();
    let server = site.start();
    for path in ["/", POST_URL, "/css/site.css", "/atom.xml"] {
        let got = get(server.addr(), path);
        let head = raw(server.addr(), &format!("HEAD {path} HTTP/1.0"));
        assert_eq!(head.status, 200, "{path}");
        assert!(head.body.is_empty(), "{path}");
        assert_eq!(head.header("content-type"), got.header("content-type"));
        assert_eq!(
            head.header("content-length"),
            Some(got.body.len().to_string().as_str()),
            "{path}"
        );
        assert_eq!(head.header("etag"), got.header("etag"), "{path}");
    }
    server.shutdown();
}

#[test]
fn validators_give_304s_and_change_with_the_file() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    for path in ["/", POST_URL, "/css/site.css"] {
        let first = get(addr, path);
        let etag = first.header("etag").expect("an ETag").to_string();
        let modified = first
            .header("last-modified")
            .expect("Last-Modified")
            .to_string();
        assert_eq!(first.header("cache-control"), Some("no-cache"));

        let by_tag = raw(
            addr,
            &format!("GET {path} HTTP/1.0\r\nIf-None-Match: {etag}"),
        );
        assert_eq!(by_tag.status, 304, "{path}");
        assert!(by_tag.body.is_empty());
        assert_eq!(by_tag.header("etag"), Some(etag.as_str()));

        let by_date = raw(
            addr,
            &format!("GET {path} HTTP/1.0\r\nIf-Modified-Since: {modified}"),
        );
        assert_eq!(by_date.status, 304, "{path}");

        // A stale tag wins over a fresh date (RFC 9110 13.1.3): the page is sent.
        let stale = raw(
            addr,
            &format!(
                "GET {path} HTTP/1.0\r\nIf-None-Match: \"old\"\r\nIf-Modified-Since: {modified}"
            ),
        );
        assert_eq!(stale.status, 200, "{path}");
        assert_eq!(stale.body, first.body);
    }
    // A folder without its slash is redirected, even to a client holding the tag.
    let etag = get(addr, POST_URL).header("etag").unwrap().to_string();
    let bare = POST_URL.trim_end_matches('/');
    let redirect = raw(
        addr,
        &format!("GET {bare} HTTP/1.0\r\nIf-None-Match: {etag}"),
    );
    assert!(
        matches!(redirect.status, 301 | 307 | 308),
        "{}",
        redirect.status
    );
    assert_eq!(redirect.header("location"), Some(POST_URL));

    // Rewriting the file (same second or not) changes the tag.
    let before = get(addr, "/css/site.css");
    let etag = before.header("etag").unwrap().to_string();
    std::fs::write(
        server.site_dir().join("css/site.css"),
        "body { color: red; }\n",
    )
    .unwrap();
    let after = raw(
        addr,
        &format!("GET /css/site.css HTTP/1.0\r\nIf-None-Match: {etag}"),
    );
    assert_eq!(after.status, 200);
    assert_eq!(after.text(), "body { color: red; }\n");
    server.shutdown();
}

#[test]
fn no_request_path_reaches_a_file_outside_the_site() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    secret_beside(&server);
    let attacks = [
        "/../secret.txt",
        "/../../../../../../../../etc/passwd",
        "/css/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%252e%252e/secret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "//../secret.txt",
        "/./../secret.txt",
        "/..;/secret.txt",
        "/secret.txt%00.html",
        "http://localhost/../secret.txt",
        "/css/..%c0%afsecret.txt",
    ];
    for attack in attacks {
        for method in ["GET", "HEAD"] {
            let reply = raw(addr, &format!("{method} {attack} HTTP/1.0"));
            assert!(
                reply.status == 400 || reply.status == 404,
                "{method} {attack}: status {}",
                reply.status
            );
            let body = reply.text();
            assert!(
                !body.contains("TOP-SECRET"),
                "{method} {attack} leaked the secret"
            );
            assert!(
                !body.contains("root:x:0"),
                "{method} {attack} leaked /etc/passwd"
            );
        }
    }
    // The obvious ones are refused outright rather than looked up.
    for attack in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
    ] {
        assert_eq!(get(addr, attack).status, 400, "{attack}");
    }
    server.shutdown();
}

#[test]
fn shutdown_is_quick_even_with_an_open_event_stream() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let (_events, reply) = serve_common::Events::connect(addr);
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    let started = std::time::Instant::now();
    server.shutdown();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}

/// Regression: without TCP_NODELAY, a file sent as headers then body waited for
/// the client's delayed ACK, about 40 ms per request on one connection.
#[test]
fn requests_on_one_connection_do_not_wait_for_delayed_acks() {
    use std::io::{BufRead, BufReader, Read, Write};
    let site = Site::new();
    let server = site.start();
    // Large enough to go out as headers, then body chunks.
    let css = "body { color: black; }\n".repeat(400);
    std::fs::write(server.site_dir().join("css/site.css"), css).unwrap();
    let stream = std::net::TcpStream::connect(server.addr()).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut times = Vec::new();
    for _ in 0..100 {
        let started = std::time::Instant::now();
        write!(writer, "GET /css/site.css HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    // With the bug, one request in five or so took 40 ms or more.
    let ninetieth = times[times.len() * 9 / 10];
    assert!(
        ninetieth < std::time::Duration::from_millis(35),
        "90th percentile {ninetieth:?}"
    );
    server.shutdown();
}
