//! Strict YAML headers through serde_yaml, turned into the JSON values the rest of
//! the front-matter stage works on, with errors located in the file.

use serde_json::{Map, Value};
use serde_yaml::Value as Yaml;

/// Why a header is not valid YAML, located in the file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

/// Parses `header`, whose first line is line `first_line` of the file.
pub(super) fn parse(header: &str, first_line: usize) -> Result<Map<String, Value>, SyntaxError> {
    let value: Yaml = serde_yaml::from_str(header).map_err(|e| locate(&e, first_line))?;
    match value {
        Yaml::Mapping(mapping) => Ok(mapping
            .into_iter()
            .filter_map(|(key, value)| Some((key_text(key)?, to_json(value))))
            .collect()),
        Yaml::Null => Ok(Map::new()),
        other => Err(SyntaxError {
            line: first_line,
            column: Some(1),
            message: format!(
                "front matter must be `key: value` lines, found {}",
                kind_of(&other)
            ),
        }),
    }
}

fn locate(error: &serde_yaml::Error, first_line: usize) -> SyntaxError {
    let message = error.to_string();
    match error.location() {
        Some(at) => {
            let line = first_line + at.line().saturating_sub(1);
            SyntaxError {
                line,
                column: Some(at.column()),
                message: rebase_locations(&message, first_line - 1, at.line(), at.column()),
            }
        }
        None => SyntaxError {
            line: first_line,
            column: None,
            message,
        },
    }
}

/// serde_yaml names places as `at line L column C`, counted from the header. The
/// primary place is dropped (the problem carries it); others are moved to file lines.
fn rebase_locations(message: &str, offset: usize, line: usize, column: usize) -> String {
    const MARK: &str = " at line ";
    let primary = format!("{MARK}{line} column {column}");
    let message = message.replacen(&primary, "", 1);
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(found) = rest.find(MARK) {
        let (before, after) = rest.split_at(found + MARK.len());
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Keys are names; scalar keys that YAML typed (`2021:`) become their text, and
/// keys that are lists or maps are dropped (no field could use them).
fn key_text(key: Yaml) -> Option<String> {
    match key {
        Yaml::String(s) => Some(s),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Tagged(tagged) => key_text(tagged.value),
        Yaml::Null | Yaml::Sequence(_) | Yaml::Mapping(_) => None,
    }
}

fn to_json(value: Yaml) -> Value {
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // NaN and infinities have no JSON number; keep their YAML spelling.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Yaml::Mapping(mapping) => Value::Object(
            mapping
                .into_iter()
                .filter_map(|(k, v)| Some((key_text(k)?, to_json(v))))
                .collect(),
        ),
        Yaml::Tagged(tagged) => to_json(tagged.value),
    }
}

fn kind_of(value: &Yaml) -> &'static str {
    match value {
        Yaml::Sequence(_) => "a list",
        Yaml::Mapping(_) => "a mapping",
        Yaml::Tagged(_) => "a tagged value",
        _ => "a single value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_headers() {
        let cases = [
            ("title: 'a'\ncount: 3\n", json!({"title": "a", "count": 3})),
            ("", json!({})),
            ("# only a comment\n", json!({})),
            (
                "2021: year\ntrue: yes\n",
                json!({"2021": "year", "true": "yes"}),
            ),
            ("x: !custom 5\n", json!({"x": 5})),
            ("x: .nan\ny: 1.5\n", json!({"x": ".nan", "y": 1.5})),
            ("c:\n - [a, b]\n - c\n", json!({"c": [["a", "b"], "c"]})),
            ("a: 1\r\nb: 2\r\n", json!({"a": 1, "b": 2})),
        ];
        for (header, want) in cases {
            let got = parse(header, 2).map(Value::Object);
            assert_eq!(got, Ok(want), "{header:?}");
        }
    }

    #[test]
    fn errors_are_located_in_the_file() {
        // The header starts on line 3 of the file.
        let cases = [
            (
                "title: \"\"\"a\"\"\"\n",
                3,
                Some(10),
                "did not find expected key",
            ),
            (
                "a: 1\nb: [1, 2\n",
                5,
                Some(1),
                "while parsing a flow sequence at line 4 column 4",
            ),
            ("- a\n- b\n", 3, Some(1), "found a list"),
            ("just words\n", 3, Some(1), "found a single value"),
            ("a:\n\t- x\n", 4, Some(1), "cannot start any token"),
        ];
        for (header, line, column, message) in cases {
            let error = parse(header, 3).expect_err(header);
            assert_eq!((error.line, error.column), (line, column), "{header:?}");
            assert!(
                error.message.contains(message),
                "{header:?}: {}",
                error.message
            );
            assert!(!error
                .message
                .contains(&format!("at line {} column", line - 2)));
        }
    }
}
