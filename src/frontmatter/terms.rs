//! Categories and tags in every shape real posts write them, cleaned of scraper
//! debris: Markdown links (`[Naver](https://…)` → `Naver`), list-marker dashes
//! (`— 番剧` → `番剧`) and empty items.
//!
//! Categories follow Hexo: a list is one path, outermost first; a list of lists is
//! several paths. A list mixing names and nested lists (`-  - news`, a typo for one
//! more level) is read as one path, with a note, where Hexo would split it.

use std::borrow::Cow;

use serde_json::Value;

/// Text of a scalar (`None` for null, lists and maps); the index is the item's
/// position in the top-level list, so numbers can be given as written.
pub(super) type ScalarText<'a> = &'a dyn Fn(&Value, Option<usize>) -> Option<String>;

/// A guess about the value, and text of the item it is about, to find its line by.
#[derive(Debug)]
pub(super) struct TermNote {
    pub message: String,
    pub near: Option<String>,
}

fn note(notes: &mut Vec<TermNote>, message: String, near: Option<&str>) {
    notes.push(TermNote {
        message,
        near: near.map(str::to_string),
    });
}

pub(super) fn categories(
    value: &Value,
    text: ScalarText,
    notes: &mut Vec<TermNote>,
) -> Vec<Vec<String>> {
    let mut paths: Vec<Vec<String>> = match value {
        Value::Array(items) => {
            let nested = items.iter().filter(|i| i.is_array()).count();
            let names = items
                .iter()
                .filter(|i| !i.is_array() && !i.is_null())
                .count();
            if nested > 0 && names == 0 {
                items
                    .iter()
                    .filter_map(|item| item.as_array())
                    .map(|path| flat_terms(path, None, text, notes))
                    .collect()
            } else {
                let path = flat_terms(items, Some(0), text, notes);
                if nested > 0 {
                    let message = format!(
                        "mixes names and nested lists; read as one path `{}` \
                         (write a list of lists for several categories)",
                        path.join(" / ")
                    );
                    let first_nested = items.iter().find_map(|i| i.as_array()?.first()?.as_str());
                    note(notes, message, first_nested);
                }
                vec![path]
            }
        }
        Value::Object(_) => {
            let message = "should be a name or a list, found a mapping; ignored".into();
            note(notes, message, None);
            Vec::new()
        }
        scalar => vec![text(scalar, None)
            .and_then(|t| term(&t, notes))
            .into_iter()
            .collect()],
    };
    paths.retain(|path| !path.is_empty());
    dedupe(&mut paths);
    paths
}

pub(super) fn tags(value: &Value, text: ScalarText, notes: &mut Vec<TermNote>) -> Vec<String> {
    let mut tags = match value {
        Value::Array(items) => {
            if items.iter().any(Value::is_array) {
                note(notes, "holds nested lists; flattened".into(), None);
            }
            flat_terms(items, Some(0), text, notes)
        }
        Value::Object(_) => {
            let message = "should be a name or a list, found a mapping; ignored".into();
            note(notes, message, None);
            Vec::new()
        }
        scalar => text(scalar, None)
            .and_then(|t| term(&t, notes))
            .into_iter()
            .collect(),
    };
    dedupe(&mut tags);
    tags
}

/// The cleaned names in `items`, nested lists flattened in order. `first_index` is
/// the top-level index of `items[0]` when these are top-level items.
fn flat_terms(
    items: &[Value],
    first_index: Option<usize>,
    text: ScalarText,
    notes: &mut Vec<TermNote>,
) -> Vec<String> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Array(inner) => out.extend(flat_terms(inner, None, text, notes)),
            Value::Object(_) => note(notes, "a mapping among names; ignored".into(), None),
            scalar => {
                let index = first_index.map(|first| first + i);
                out.extend(text(scalar, index).and_then(|t| term(&t, notes)));
            }
        }
    }
    out
}

/// One category or tag name, cleaned; `None` when nothing is left.
fn term(text: &str, notes: &mut Vec<TermNote>) -> Option<String> {
    let single = super::fields::one_line(text.to_string());
    let unlinked = link_text(&single);
    if let Cow::Owned(plain) = &unlinked {
        let message = format!("`{single}` holds a Markdown link; using its text `{plain}`");
        note(notes, message, Some(&single));
    }
    let trimmed = trim_dashes(&unlinked);
    if trimmed.len() != unlinked.trim().len() && !trimmed.is_empty() {
        let written = unlinked.trim();
        let message = format!("`{written}` starts or ends with a dash; read as `{trimmed}`");
        note(notes, message, Some(&single));
    }
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// `[text](url)` → `text`, everywhere in `s`.
fn link_text(s: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(mid) = rest[open..].find("](").map(|m| open + m) else {
            break;
        };
        let Some(close) = rest[mid..].find(')').map(|c| mid + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..mid]);
        rest = &rest[close + 1..];
    }
    if out.is_empty() && rest.len() == s.len() {
        return Cow::Borrowed(s);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

const DASHES: &[char] = &['-', '‐', '‑', '‒', '–', '—', '―', '−', '－', '⸺', '⸻'];

/// Strips dashes used as list markers: a run of dashes followed by a space at the
/// start (or preceded by one at the end), and any non-ASCII dash at either end.
/// `-5` and `Song-` keep theirs.
fn trim_dashes(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let after = s.trim_start_matches(DASHES);
        let before = s.trim_end_matches(DASHES);
        if after.len() < s.len()
            && (after.starts_with(char::is_whitespace) || !s.starts_with('-') || after.is_empty())
        {
            s = after.trim_start();
        } else if before.len() < s.len()
            && (before.ends_with(char::is_whitespace) || !s.ends_with('-'))
        {
            s = before.trim_end();
        } else {
            return s;
        }
    }
}

fn dedupe<T: PartialEq>(items: &mut Vec<T>) {
    let mut i = 0;
    while i < items.len() {
        if items[..i].contains(&items[i]) {
            items.remove(i);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain_text(value: &Value, _: Option<usize>) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    #[test]
    fn category_shapes() {
        // (value, paths, number of notes)
        let cases = [
            (json!("新闻"), vec![vec!["新闻"]], 0),
            (
                json!(["新媒体", "ZAKER", "精读"]),
                vec![vec!["新媒体", "ZAKER", "精读"]],
                0,
            ),
            (
                json!([["Diary", "PS"], ["Diary", "Games"], ["Life"]]),
                vec![vec!["Diary", "PS"], vec!["Diary", "Games"], vec!["Life"]],
                0,
            ),
            // The corpus's `-  - news`: one path, with a note.
            (
                json!(["二次元", "Animen 动漫平台", ["news"]]),
                vec![vec!["二次元", "Animen 动漫平台", "news"]],
                1,
            ),
            (
                json!(["二次元", "Webtoons - [Naver](https://comic.naver.com)"]),
                vec![vec!["二次元", "Webtoons - Naver"]],
                1,
            ),
            (
                json!(["二次元", "AcFun", "— 番剧"]),
                vec![vec!["二次元", "AcFun", "番剧"]],
                1,
            ),
            (json!(["a", "", null, "  ", "b"]), vec![vec!["a", "b"]], 0),
            (json!([2021, true]), vec![vec!["2021", "true"]], 0),
            (json!([["a"], ["a"], []]), vec![vec!["a"]], 0),
            (json!(null), vec![], 0),
            (json!(""), vec![], 0),
            (json!({"a": 1}), vec![], 1),
            (json!(["a\nb"]), vec![vec!["a b"]], 0),
        ];
        for (value, want, note_count) in cases {
            let mut notes = Vec::new();
            let got = categories(&value, &plain_text, &mut notes);
            assert_eq!(got, want, "{value}");
            assert_eq!(notes.len(), note_count, "{value}: {notes:?}");
        }
    }

    #[test]
    fn tag_shapes() {
        let cases = [
            (json!("Rust"), vec!["Rust"]),
            (json!(["5G", 5, "5G", "", "C#"]), vec!["5G", "5", "C#"]),
            (json!([["a", "b"], "c"]), vec!["a", "b", "c"]),
            (json!(null), vec![]),
            (json!(false), vec!["false"]),
        ];
        for (value, want) in cases {
            assert_eq!(tags(&value, &plain_text, &mut Vec::new()), want, "{value}");
        }
    }

    #[test]
    fn term_cleaning() {
        let cases = [
            ("— 番剧", Some("番剧")),
            ("—番剧", Some("番剧")),
            ("- news", Some("news")),
            ("news —", Some("news")),
            ("-5", Some("-5")),
            ("Song-", Some("Song-")),
            ("C--", Some("C--")),
            ("——", None),
            ("- ", None),
            ("[x](http://a.b/c)", Some("x")),
            ("a [b](u) c [d](v)", Some("a b c d")),
            ("[not a link]", Some("[not a link]")),
            ("[half](", Some("[half](")),
            ("  spaced  ", Some("spaced")),
        ];
        for (text, want) in cases {
            assert_eq!(term(text, &mut Vec::new()).as_deref(), want, "{text}");
        }
    }
}
