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
    let value: Yaml = serde_yaml::from_str(header).map_err(|e| locate(&e, header, first_line))?;
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

fn locate(error: &serde_yaml::Error, header: &str, first_line: usize) -> SyntaxError {
    let message = error.to_string();
    match error.location() {
        Some(at) => {
            let (line, column) = file_position(header, at.line(), at.column());
            SyntaxError {
                line: first_line + line - 1,
                column: Some(column),
                message: rebase_locations(&message, header, first_line, (at.line(), at.column())),
            }
        }
        None => SyntaxError {
            line: first_line,
            column: None,
            message,
        },
    }
}

/// YAML counts a lone `\r`, NEL, LS and PS as line breaks; the file's lines (and
/// every editor's `path:line`) are `\n`-separated. Maps YAML's 1-based line and
/// column in `header` to the header's `\n`-line and character column.
fn file_position(header: &str, yaml_line: usize, yaml_column: usize) -> (usize, usize) {
    let (mut y_line, mut y_column) = (1, 1);
    let (mut line, mut column) = (1, 1);
    let mut chars = header.chars().peekable();
    while (y_line, y_column) < (yaml_line, yaml_column) {
        let Some(c) = chars.next() else { break };
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        if crlf {
            chars.next();
        }
        if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            (y_line, y_column) = (y_line + 1, 1);
        } else {
            y_column += 1;
        }
        if c == '\n' || crlf {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// serde_yaml names places as `at line L column C`, counted from the header. The
/// primary place is dropped (the problem carries it); others are moved to file lines.
fn rebase_locations(
    message: &str,
    header: &str,
    first_line: usize,
    primary: (usize, usize),
) -> String {
    const MARK: &str = " at line ";
    let primary = format!("{MARK}{} column {}", primary.0, primary.1);
    let message = message.replacen(&primary, "", 1);
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(found) = rest.find(MARK) {
        let (before, after) = rest.split_at(found + MARK.len());
        out.push_str(before);
        let place = read_place(after);
        match place {
            Some((yaml_line, yaml_column, len)) => {
                let (line, column) = file_position(header, yaml_line, yaml_column);
                out.push_str(&format!("{} column {column}", first_line + line - 1));
                rest = &after[len..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// `L column C` at the start of `text`: the two numbers and the length read.
fn read_place(text: &str) -> Option<(usize, usize, usize)> {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let line_len = digits(text);
    let line = text[..line_len].parse().ok()?;
    let after = text[line_len..].strip_prefix(" column ")?;
    let column_len = digits(after);
    let column = after[..column_len].parse().ok()?;
    Some((line, column, line_len + " column ".len() + column_len))
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
    fn yaml_places_map_to_file_lines() {
        let header = "a\r\nb\rc\u{2028}d\ne";
        let cases = [
            ((1, 1), (1, 1)),
            ((2, 1), (2, 1)),
            ((3, 1), (2, 3)),
            ((4, 1), (2, 5)),
            ((5, 1), (3, 1)),
            ((99, 1), (3, 2)),
        ];
        for (yaml, want) in cases {
            assert_eq!(file_position(header, yaml.0, yaml.1), want, "{yaml:?}");
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
            // Regression (fuzz): YAML breaks lines at a lone `\r` too; the
            // file's lines are `\n` lines, so the place stays inside the file.
            (
                "a: 'x\r\r\r\ny\r\rz\rb: [1, 2\r",
                4,
                Some(15),
                "while scanning a quoted scalar at line 3 column 4",
            ),
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
