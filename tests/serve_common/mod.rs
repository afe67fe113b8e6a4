//! Helpers for the `gazette serve` tests: a small site, a server on port 0,
//! raw HTTP (clients tidy up `..` before sending, so attacks go as raw bytes)
//! and a Server-Sent Events reader.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gazette::build::BuildOptions;
use gazette::serve::{self, ServeOptions, Server};

pub const POST_URL: &str = "/posts/hello/";

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A config, two posts and a site stylesheet that overrides the theme's.
    pub fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let site = Site { dir };
        site.write(
            "config.toml",
            "title = \"serve test\"\ntimezone = \"UTC\"\npermalink = \"posts/:slug/\"\n",
        );
        site.write("content/hello.md", &post("hello", "Hello", "first words"));
        site.write("content/other.md", &post("other", "Other", "other words"));
        site.write("static/css/site.css", "body { color: black; }\n");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn start(&self) -> Server {
        let mut options = ServeOptions::new(BuildOptions::for_root(self.root()));
        options.port = 0;
        options.log = std::env::var_os("GAZETTE_SERVE_LOG").is_some();
        options.debounce = Duration::from_millis(100);
        serve::start(options).expect("server starts")
    }
}

pub fn post(slug: &str, title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nslug: {slug}\ndate: 2024-01-02 03:04:05\n---\n\n<p>{body}</p>\n")
}

pub struct Reply {
    pub status: u16,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `head` (request line and headers, no blank line) as HTTP/1.0 with
/// `Connection: close`, so the reply is neither chunked nor kept alive.
pub fn raw(addr: SocketAddr, head: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{head}\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    parse_reply(&bytes)
}

pub fn get(addr: SocketAddr, path: &str) -> Reply {
    raw(addr, &format!("GET {path} HTTP/1.0"))
}

fn parse_reply(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete header");
    let head = String::from_utf8_lossy(&bytes[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// Polls `path` until its body contains `needle`.
pub fn wait_for_text(addr: SocketAddr, path: &str, needle: &str, within: Duration) -> Reply {
    let deadline = Instant::now() + within;
    loop {
        let reply = get(addr, path);
        if reply.text().contains(needle) || Instant::now() > deadline {
            return reply;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A connection to `/__livereload`.
pub struct Events {
    reader: BufReader<TcpStream>,
}

pub struct Event {
    pub name: String,
    pub data: String,
}

impl Events {
    /// Connects and reads up to the first event, `hello`.
    pub fn connect(addr: SocketAddr) -> (Events, Reply) {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(stream, "GET /__livereload HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !head.ends_with(b"\r\n\r\n") && Instant::now() < deadline {
            let mut line = String::new();
            if reader.read_line(&mut line).is_ok() {
                head.extend_from_slice(line.as_bytes());
            }
        }
        let reply = parse_reply(&head);
        let mut events = Events { reader };
        let hello = events.next(Duration::from_secs(10)).expect("hello event");
        assert_eq!(hello.name, "hello");
        (events, reply)
    }

    /// The next event within `within` (keep-alive comments skipped).
    pub fn next(&mut self, within: Duration) -> Option<Event> {
        let deadline = Instant::now() + within;
        let (mut name, mut data) = (String::new(), String::new());
        let mut line = Vec::new();
        while Instant::now() < deadline {
            match self.reader.read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) if line.ends_with(b"\n") => {
                    let text = String::from_utf8_lossy(&line)
                        .trim_end_matches(['\r', '\n'])
                        .to_string();
                    line.clear();
                    if let Some(v) = text.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = text.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    } else if text.is_empty() && !name.is_empty() {
                        return Some(Event { name, data });
                    }
                }
                // A partial line stays in `line`; timeouts just poll again.
                _ => {}
            }
        }
        None
    }

    /// Skips to the next event called `name`.
    pub fn wait_for(&mut self, name: &str, within: Duration) -> Option<Event> {
        let deadline = Instant::now() + within;
        while let Some(event) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if event.name == name {
                return Some(event);
            }
        }
        None
    }
}

pub fn secret_beside(server: &Server) -> PathBuf {
    let secret = server.site_dir().parent().unwrap().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET-VALUE").unwrap();
    secret
}
