//! Live reload: rebuild outcomes are broadcast to open pages over Server-Sent
//! Events, by a small script that `serve` adds to the HTML it serves (and only
//! there: build output never contains it).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use crate::problem::Problem;

pub const EVENTS_PATH: &str = "/__livereload";
pub const SCRIPT_PATH: &str = "/__livereload.js";
pub const SCRIPT: &str = include_str!("livereload.js");
/// What is added to each served HTML page, before `</body>`.
pub const SCRIPT_TAG: &str = "<script src=\"/__livereload.js\"></script>";

/// One message to the open pages. Serialised as the SSE event's JSON data; the
/// variant name is the SSE event name.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum LiveEvent {
    /// Sent first on every connection: a page that sees the generation change
    /// across a reconnect missed a rebuild and reloads.
    Hello {
        generation: String,
    },
    Reload {},
    Css {
        paths: Vec<String>,
    },
    /// Problems to show as an overlay; `published` says whether the site was
    /// updated anyway or the last good one is still served.
    Problems {
        problems: Vec<Problem>,
        published: bool,
    },
}

impl LiveEvent {
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Hello { .. } => "hello",
            LiveEvent::Reload {} => "reload",
            LiveEvent::Css { .. } => "css",
            LiveEvent::Problems { .. } => "problems",
        }
    }

    fn to_sse(&self) -> Event {
        let data = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        Event::default().event(self.name()).data(data)
    }
}

/// The rebuild side's outcomes, and what a page connecting now must be told.
pub struct Live {
    sender: broadcast::Sender<LiveEvent>,
    state: Mutex<State>,
}

struct State {
    session: u128,
    generation: u64,
    /// Shown to pages that connect later, until a good build clears it.
    problems: Option<LiveEvent>,
}

impl Live {
    pub fn new() -> Arc<Live> {
        let session = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Arc::new(Live {
            sender: broadcast::channel(64).0,
            state: Mutex::new(State {
                session,
                generation: 0,
                problems: None,
            }),
        })
    }

    /// The site was updated: tell pages to reload (or swap styles), then show
    /// any problems the changed files still have.
    pub fn published(&self, event: LiveEvent, problems: Vec<Problem>) {
        let mut state = self.lock();
        state.generation += 1;
        state.problems = (!problems.is_empty()).then_some(LiveEvent::Problems {
            problems,
            published: true,
        });
        let _ = self.sender.send(event);
        if let Some(problems) = &state.problems {
            let _ = self.sender.send(problems.clone());
        }
    }

    /// The site was not updated: the last good one stays, the problems show.
    pub fn refused(&self, problems: Vec<Problem>) {
        let mut state = self.lock();
        let event = LiveEvent::Problems {
            problems,
            published: false,
        };
        state.problems = Some(event.clone());
        let _ = self.sender.send(event);
    }

    /// The events a new connection starts with, and the ones after them.
    pub fn subscribe(&self) -> (Vec<LiveEvent>, broadcast::Receiver<LiveEvent>) {
        let state = self.lock();
        let hello = LiveEvent::Hello {
            generation: format!("{}-{}", state.session, state.generation),
        };
        let initial = std::iter::once(hello)
            .chain(state.problems.clone())
            .collect();
        (initial, self.sender.subscribe())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The `/__livereload` stream. It ends when `stop` resolves, so open pages
/// never hold up a shutdown.
pub fn stream(
    live: &Live,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (initial, receiver) = live.subscribe();
    // A page too slow to keep up missed something: reloading catches it up.
    let updates = BroadcastStream::new(receiver).map(|r| r.unwrap_or(LiveEvent::Reload {}));
    let events = futures_util::stream::iter(initial)
        .chain(updates)
        .map(|event| Ok(event.to_sse()))
        .take_until(stop);
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// `html` with the live-reload script before its last `</body>`, or at the end.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let tag = SCRIPT_TAG;
        let cases = [
            (
                "<p>x</p></body></html>",
                format!("<p>x</p>{tag}</body></html>"),
            ),
            ("<p>x</p></BODY>", format!("<p>x</p>{tag}</BODY>")),
            (
                "<pre>&lt;/body></pre></body>",
                format!("<pre>&lt;/body></pre>{tag}</body>"),
            ),
            ("<p>no end", format!("<p>no end{tag}")),
            ("", tag.to_string()),
        ];
        for (html, expected) in cases {
            assert_eq!(
                String::from_utf8(inject(html.as_bytes())).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn injection_adds_exactly_the_tag() {
        for html in ["", "</body>", "<html><body>é</body></html>"] {
            assert_eq!(inject(html.as_bytes()).len(), html.len() + SCRIPT_TAG.len());
        }
    }

    #[test]
    fn a_late_page_sees_the_standing_problems_until_a_good_build() {
        let live = Live::new();
        let (initial, _) = live.subscribe();
        assert_eq!(initial.len(), 1);
        live.refused(vec![Problem::error("content/a.md", "bad").at(3, None)]);
        let (initial, _) = live.subscribe();
        assert!(matches!(
            &initial[1],
            LiveEvent::Problems {
                published: false,
                ..
            }
        ));
        live.published(LiveEvent::Reload {}, Vec::new());
        let (initial, _) = live.subscribe();
        assert_eq!(initial.len(), 1);
    }

    #[test]
    fn events_reach_subscribers_in_order() {
        let live = Live::new();
        let (_, mut receiver) = live.subscribe();
        live.published(
            LiveEvent::Css {
                paths: vec!["css/site.css".into()],
            },
            vec![Problem::warning("static/css/site.css", "odd")],
        );
        assert_eq!(receiver.try_recv().unwrap().name(), "css");
        assert_eq!(receiver.try_recv().unwrap().name(), "problems");
    }
}
