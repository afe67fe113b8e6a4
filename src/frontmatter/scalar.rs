//! Single values as the line-by-line reader meets them: quoted text (including
//! text re-quoted over many scraper runs), one-line `[a, b]` lists, plain text, and
//! the typing of plain text (`3`, `true`) for the JSON the templates see.

use serde_json::Value;

/// One value read line by line. Text is kept as written, quotes removed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Raw {
    Null,
    /// Text that was quoted (or a block scalar): always a string.
    Quoted(String),
    /// Unquoted text: typed like YAML would (`3`, `true`, `~`).
    Plain(String),
    List(Vec<Raw>),
}

impl Raw {
    pub fn into_json(self) -> Value {
        match self {
            Raw::Null => Value::Null,
            Raw::Quoted(text) => Value::String(text),
            Raw::Plain(text) => typed_plain(text),
            Raw::List(items) => Value::Array(items.into_iter().map(Raw::into_json).collect()),
        }
    }
}

fn typed_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if looks_numeric(&text) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(text)
}

/// Rust would also read `inf` and `NaN`; YAML numbers start with a digit.
fn looks_numeric(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let unsigned = unsigned.strip_prefix('.').unwrap_or(unsigned);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
}

/// A quoted value that closes on its own line, or `None` when it runs on.
pub(super) enum Quoted {
    /// Valid YAML quoting.
    Clean(String),
    /// Invalid quoting whose text is still clear: the text, without the noise.
    Noisy(String),
    /// The closing quote is on a later line.
    Open,
}

/// Reads text that starts with a quote.
pub(super) fn quoted(text: &str) -> Quoted {
    if let Some(clean) = strict_string(text) {
        return Quoted::Clean(clean);
    }
    let quote = text.chars().next().unwrap_or('"');
    let closes_here = text
        .char_indices()
        .skip(1)
        .any(|(i, c)| c == quote && !(quote == '"' && text[..i].ends_with('\\')));
    if closes_here {
        Quoted::Noisy(strip_quote_noise(text).to_string())
    } else {
        Quoted::Open
    }
}

/// The text of a quoted scalar when `text` is exactly one valid YAML string.
pub(super) fn strict_string(text: &str) -> Option<String> {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(serde_yaml::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Peels matching quotes off both ends, as many layers as there are:
/// `"""""""'SP'"""""""` → `SP`, `'It's'` → `It's`.
pub(super) fn strip_quote_noise(text: &str) -> &str {
    let mut text = text.trim();
    loop {
        let mut chars = text.chars();
        match (chars.next(), chars.next_back()) {
            (Some(first), Some(last)) if first == last && (first == '"' || first == '\'') => {
                text = chars.as_str().trim();
            }
            _ => return text,
        }
    }
}

/// A one-line flow list `[a, 'b, c', "d"]`. `Err` says why it is not one.
pub(super) fn flow_list(text: &str) -> Result<Vec<Raw>, String> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| without_comment(t).trim_end().strip_suffix(']'))
        .ok_or("a `[` list that does not close on its line")?;
    let mut items = Vec::new();
    let mut quote = None;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '[' | ']' | '{' | '}') => return Err("a nested `[` or `{` in a list".into()),
            (None, ',') => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    if items.len() == 1 && items[0].trim().is_empty() {
        return Ok(Vec::new());
    }
    Ok(items
        .into_iter()
        .map(|item| {
            let item = item.trim();
            match item.chars().next() {
                Some('"' | '\'') => Raw::Quoted(
                    strict_string(item).unwrap_or_else(|| strip_quote_noise(item).to_string()),
                ),
                _ => Raw::Plain(item.to_string()),
            }
        })
        .collect())
}

/// Plain text up to a ` #` comment, as YAML reads it.
pub(super) fn without_comment(text: &str) -> &str {
    let cut = text
        .char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || text[..i].ends_with([' ', '\t'])))
        .map_or(text.len(), |(i, _)| i);
    text[..cut].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quote_noise() {
        let cases = [
            (r#""""""""'SP'""""""""#, "SP"),
            (r#""""""""'第1集'""""""""#, "第1集"),
            ("'It's here'", "It's here"),
            (r#""He said "hi"""#, r#"He said "hi""#),
            (r#"" 'a' ""#, "a"),
            (r#""""#, ""),
            ("'\"", "'\""),
            ("plain", "plain"),
        ];
        for (text, want) in cases {
            assert_eq!(strip_quote_noise(text), want, "{text}");
        }
    }

    #[test]
    fn quoted_values() {
        let cases = [
            ("'a''b'", Some("clean a'b")),
            (r#""tab\there""#, Some("clean tab\there")),
            ("'a' # comment", Some("clean a")),
            (r#""""""""'SP'""""""""#, Some("noisy SP")),
            ("'It's'", Some("noisy It's")),
            ("'starts here", None),
            (r#""escaped \" only"#, None),
        ];
        for (text, want) in cases {
            let got = match quoted(text) {
                Quoted::Clean(s) => Some(format!("clean {s}")),
                Quoted::Noisy(s) => Some(format!("noisy {s}")),
                Quoted::Open => None,
            };
            assert_eq!(got.as_deref(), want, "{text}");
        }
    }

    #[test]
    fn flow_lists() {
        let cases = [
            ("[a, 'b, c', \"d\"]", Ok(json!(["a", "b, c", "d"]))),
            ("[5G, 2021, true]", Ok(json!(["5G", 2021, true]))),
            ("[]", Ok(json!([]))),
            ("[ a ] # note", Ok(json!(["a"]))),
            ("[a, [b]]", Err("nested")),
            ("[a, b", Err("does not close")),
        ];
        for (text, want) in cases {
            let got = flow_list(text).map(|items| Raw::List(items).into_json());
            match (got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{text}: {got}"),
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn plain_typing_and_comments() {
        let cases = [
            ("3", json!(3)),
            ("-1.5", json!(-1.5)),
            ("1e3", json!(1000.0)),
            ("inf", json!("inf")),
            ("NaN", json!("NaN")),
            ("5G", json!("5G")),
            ("true", json!(true)),
            ("~", json!(null)),
            ("yes", json!("yes")),
            ("2021-08-07", json!("2021-08-07")),
        ];
        for (text, want) in cases {
            assert_eq!(Raw::Plain(text.into()).into_json(), want, "{text}");
        }
        let comments = [
            ("a # b", "a"),
            ("C# rocks", "C# rocks"),
            ("#all", ""),
            ("x\t#y", "x"),
        ];
        for (text, want) in comments {
            assert_eq!(without_comment(text), want, "{text}");
        }
    }
}
