//! TOML headers (`+++` fences, as Hugo writes them), turned into the same JSON
//! values as YAML ones. Dates become their RFC 3339 text for the date reader.

use serde_json::{Map, Value};

use super::yaml::SyntaxError;

/// Parses `header`, whose first line is line `first_line` of the file.
pub(super) fn parse(header: &str, first_line: usize) -> Result<Map<String, Value>, SyntaxError> {
    match ::toml::from_str::<::toml::Table>(header) {
        Ok(table) => Ok(table.into_iter().map(|(k, v)| (k, to_json(v))).collect()),
        Err(error) => {
            let (line, column) = error
                .span()
                .map_or((1, None), |span| line_and_column(header, span.start));
            Err(SyntaxError {
                line: first_line + line - 1,
                column,
                message: format!("not valid TOML: {}", one_line(error.message())),
            })
        }
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, Option<usize>) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    (line, Some(before[line_start..].chars().count() + 1))
}

/// toml puts hints on lines of their own; a problem is one line.
fn one_line(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    parts.join("; ")
}

fn to_json(value: ::toml::Value) -> Value {
    use ::toml::Value as Toml;
    match value {
        Toml::String(s) => Value::String(s),
        Toml::Integer(i) => Value::from(i),
        Toml::Float(f) => serde_json::Number::from_f64(f)
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Toml::Boolean(b) => Value::Bool(b),
        Toml::Datetime(dt) => Value::String(dt.to_string()),
        Toml::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Toml::Table(table) => {
            Value::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn valid_headers() {
        let cases = [
            (
                "title = 'a'\ndate = 2021-08-07T02:22:05+08:00\ntags = ['x', 5]\n",
                json!({"title": "a", "date": "2021-08-07T02:22:05+08:00", "tags": ["x", 5]}),
            ),
            ("day = 2021-08-07\n", json!({"day": "2021-08-07"})),
            ("[params]\nx = 1.5\n", json!({"params": {"x": 1.5}})),
            ("", json!({})),
        ];
        for (header, want) in cases {
            assert_eq!(parse(header, 2).map(Value::Object), Ok(want), "{header:?}");
        }
    }

    #[test]
    fn errors_are_located_in_the_file() {
        let cases = [
            (
                "title = 'a'\ndate = \n",
                3,
                "invalid string; expected `\"`, `'`",
            ),
            ("title = 'a'\ntitle = 'b'\n", 3, "duplicate key"),
            ("a = \"unclosed\n", 2, "invalid basic string"),
        ];
        for (header, line, message) in cases {
            let error = parse(header, 2).expect_err(header);
            assert_eq!(error.line, line, "{header:?}: {}", error.message);
            assert!(
                error.message.contains(message),
                "{header:?}: {}",
                error.message
            );
        }
    }
}
