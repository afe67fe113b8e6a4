//! `gazette serve` while editing: edits show up, events reach open pages, bad
//! edits are survived (old site served, problems sent) and fixing recovers.

mod serve_common;

use std::time::Duration;

use serve_common::{get, post, wait_for_text, Events, Site, POST_URL};

const SOON: Duration = Duration::from_secs(10);

#[test]
fn an_edit_to_a_post_is_served_and_announced() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    assert!(get(addr, POST_URL).text().contains("first words"));
    let (mut events, _) = Events::connect(addr);

    site.write("content/hello.md", &post("hello", "Hello", "second words"));
    let reload = events.wait_for("reload", SOON).expect("a reload event");
    assert_eq!(reload.data, "{}");
    assert!(get(addr, POST_URL).text().contains("second words"));

    // A new post appears too.
    site.write("content/new.md", &post("new", "New", "brand new"));
    events.wait_for("reload", SOON).expect("a reload event");
    assert!(get(addr, "/posts/new/").text().contains("brand new"));
    server.shutdown();
}

#[test]
fn editor_temporary_files_trigger_nothing() {
    let site = Site::new();
    let server = site.start();
    let (mut events, _) = Events::connect(server.addr());
    site.write("content/.hello.md.swp", "binary junk");
    site.write("content/hello.md~", "backup");
    site.write("content/4913", "");
    assert!(events.next(Duration::from_millis(800)).is_none());
    server.shutdown();
}

#[test]
fn broken_front_matter_keeps_the_old_page_and_fixing_recovers() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let (mut events, _) = Events::connect(addr);

    site.write(
        "content/hello.md",
        "---\ntitle: Broken\nslug: hello\n\n<p>never closed</p>\n",
    );
    let problems = events.wait_for("problems", SOON).expect("a problems event");
    assert!(
        problems.data.contains("\"path\":\"content/hello.md\""),
        "{}",
        problems.data
    );
    assert!(problems.data.contains("\"line\":1"), "{}", problems.data);
    assert!(
        problems.data.contains("\"published\":false"),
        "{}",
        problems.data
    );
    let page = get(addr, POST_URL);
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("first words"),
        "the last good page is still served"
    );

    // A page opening now is told about the standing problem at once.
    let (mut late, _) = Events::connect(addr);
    let standing = late.next(SOON).expect("the standing problems");
    assert_eq!(standing.name, "problems");

    // A good edit elsewhere does not publish a site missing the broken post.
    site.write("content/other.md", &post("other", "Other", "other edited"));
    events.wait_for("problems", SOON).expect("still broken");
    assert!(get(addr, "/posts/other/").text().contains("other words"));
    assert_eq!(get(addr, POST_URL).status, 200);

    site.write("content/hello.md", &post("hello", "Hello", "fixed words"));
    events
        .wait_for("reload", SOON)
        .expect("a reload once fixed");
    assert!(get(addr, POST_URL).text().contains("fixed words"));
    assert!(get(addr, "/posts/other/").text().contains("other edited"));
    let (mut fresh, _) = Events::connect(addr);
    assert!(
        fresh.next(Duration::from_millis(500)).is_none(),
        "no standing problems"
    );
    server.shutdown();
}

#[test]
fn a_template_error_names_the_template_and_line_and_is_survived() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let (mut events, _) = Events::connect(addr);

    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ post.title \n{% endblock content %}\n",
    );
    let problems = events.wait_for("problems", SOON).expect("a problems event");
    assert!(
        problems.data.contains("\"path\":\"templates/post.html\""),
        "{}",
        problems.data
    );
    assert!(problems.data.contains("\"line\":"), "{}", problems.data);
    assert!(get(addr, POST_URL).text().contains("first words"));

    // A template that parses but fails to render is refused the same way.
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_thing.at_all }}{% endblock content %}",
    );
    let problems = events.wait_for("problems", SOON).expect("a problems event");
    assert!(
        problems.data.contains("templates/post.html"),
        "{}",
        problems.data
    );
    assert!(get(addr, POST_URL).text().contains("first words"));

    std::fs::remove_file(site.root().join("templates/post.html")).unwrap();
    events
        .wait_for("reload", SOON)
        .expect("a reload once removed");
    assert_eq!(get(addr, POST_URL).status, 200);
    server.shutdown();
}

#[test]
fn a_broken_config_is_survived() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let (mut events, _) = Events::connect(addr);
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write("config.toml", &format!("{config}title = = 3\n"));
    let problems = events.wait_for("problems", SOON).expect("a problems event");
    assert!(problems.data.contains("config.toml"), "{}", problems.data);
    assert!(problems.data.contains("\"line\":4"), "{}", problems.data);
    assert_eq!(get(addr, POST_URL).status, 200);
    site.write("config.toml", &config.replace("serve test", "renamed"));
    events
        .wait_for("reload", SOON)
        .expect("a reload once fixed");
    assert!(get(addr, "/").text().contains("renamed"));
    server.shutdown();
}

#[test]
fn a_stylesheet_change_is_copied_and_swapped_without_a_rebuild() {
    let site = Site::new();
    let server = site.start();
    let addr = server.addr();
    let page_before = std::fs::metadata(server.site_dir().join("posts/hello/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let (mut events, _) = Events::connect(addr);
    site.write("static/css/site.css", "body { color: red; }\n");
    let css = events.wait_for("css", SOON).expect("a css event");
    assert_eq!(css.data, r#"{"paths":["css/site.css"]}"#);
    assert_eq!(get(addr, "/css/site.css").text(), "body { color: red; }\n");
    let page_after = std::fs::metadata(server.site_dir().join("posts/hello/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(page_before, page_after, "pages were not rebuilt");

    // Any other static file reloads the page.
    site.write("static/js/extra.js", "console.log(1);\n");
    events.wait_for("reload", SOON).expect("a reload event");
    assert_eq!(get(addr, "/js/extra.js").status, 200);
    server.shutdown();
}

#[test]
fn a_first_build_that_fails_still_serves_and_recovers() {
    let site = Site::new();
    site.write("templates/base.html", "{% block content %}");
    let server = site.start();
    let addr = server.addr();
    assert!(server.first_build().is_err());
    let page = get(addr, "/");
    assert_eq!(page.status, 404);
    assert!(
        page.text().contains(gazette::serve::SCRIPT_TAG),
        "the page can still reload"
    );
    let (mut events, _) = Events::connect(addr);
    let standing = events.next(SOON).expect("the standing problems");
    assert!(
        standing.data.contains("templates/base.html"),
        "{}",
        standing.data
    );
    std::fs::remove_file(site.root().join("templates/base.html")).unwrap();
    events
        .wait_for("reload", SOON)
        .expect("a reload once fixed");
    assert!(wait_for_text(addr, POST_URL, "first words", SOON).status == 200);
    server.shutdown();
}
