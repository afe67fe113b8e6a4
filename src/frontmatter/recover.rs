//! Reading a header line by line when strict YAML refuses it, for the shapes whose
//! intent is plain: `key: value` lines, ` - item` lists, one-line `[a, b]` lists,
//! plain text continued over several lines, quoted text with too many quotes.
//! Anything else (nested mappings, flow mappings, unclosed quotes) is refused, and
//! the caller reports the YAML error instead. Each guess leaves a `Note`.

use serde_json::{Map, Value};

use super::scalar::{self, Quoted, Raw};

/// A guess made while reading, at a 1-based file line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Note {
    pub line: usize,
    pub message: String,
}

/// Why a header cannot be read line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stuck {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub key: String,
    pub line: usize,
    pub value: Raw,
}

#[derive(Debug)]
pub(super) struct Recovered {
    pub entries: Vec<Entry>,
    pub notes: Vec<Note>,
}

impl Recovered {
    /// The fields as JSON; for a repeated key the last one wins, as its note says.
    pub fn to_map(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|entry| (entry.key.clone(), entry.value.clone().into_json()))
            .collect()
    }

    /// The text of `key`'s value (or of its item `index`) exactly as written, for
    /// values YAML typed as numbers (`1.10` must not become `1.1`).
    pub fn text_of(&self, key: &str, index: Option<usize>) -> Option<&str> {
        let entry = self.entries.iter().rev().find(|e| e.key == key)?;
        let value = match (&entry.value, index) {
            (Raw::List(items), Some(i)) => items.get(i)?,
            (value, None) => value,
            _ => return None,
        };
        match value {
            Raw::Plain(text) | Raw::Quoted(text) => Some(text),
            Raw::Null | Raw::List(_) => None,
        }
    }
}

/// What the line being read belongs to.
enum Pending {
    /// `key:` with nothing after it yet.
    Empty,
    /// Plain text. `loose` is set once a continuation line sits at column 0, which
    /// YAML refuses; `last_line` is the last line it continues on.
    Plain {
        text: String,
        loose: bool,
        last_line: usize,
    },
    /// A quoted value whose closing quote is on a later line.
    Quoted {
        text: String,
    },
    /// `|` or `>` block text.
    Block {
        folded: bool,
        lines: Vec<String>,
    },
    List {
        items: Vec<Raw>,
        indent: usize,
    },
    /// A value complete on its first line (`[a, b]`, closed quotes).
    Done(Raw),
}

struct Current {
    key: String,
    line: usize,
    pending: Pending,
}

struct Reader {
    entries: Vec<Entry>,
    notes: Vec<Note>,
    current: Option<Current>,
    /// Tabs are noted once per header, not on every line.
    tab_noted: bool,
}

/// Reads `header`, whose first line is line `first_line` of the file.
pub(super) fn scan(header: &str, first_line: usize) -> Result<Recovered, Stuck> {
    let mut reader = Reader {
        entries: Vec::new(),
        notes: Vec::new(),
        current: None,
        tab_noted: false,
    };
    for (index, line) in header.lines().enumerate() {
        reader.line(first_line + index, line)?;
    }
    reader.finish()?;
    Ok(Recovered {
        entries: reader.entries,
        notes: reader.notes,
    })
}

impl Reader {
    fn line(&mut self, number: usize, line: &str) -> Result<(), Stuck> {
        let stuck = |reason: String| Stuck {
            line: number,
            reason,
        };
        let line = line.trim_end();
        let content = line.trim_start();
        let indent = line.len() - content.len();
        if let Some(Current {
            pending: Pending::Quoted { text },
            ..
        }) = self.current.as_mut()
        {
            text.push('\n');
            text.push_str(line);
            self.close_quoted_if_done();
            return Ok(());
        }
        if let Some(Current {
            pending: Pending::Block { lines, .. },
            ..
        }) = self.current.as_mut()
        {
            if indent > 0 || content.is_empty() {
                lines.push(content.to_string());
                return Ok(());
            }
        }
        if content.is_empty() || content.starts_with('#') {
            return Ok(());
        }
        if !self.tab_noted && line[..indent].contains('\t') {
            self.tab_noted = true;
            let message = "a tab in the indentation (YAML forbids tabs there); read as spaces";
            self.note(number, message.into());
        }
        if is_list_item(content) {
            return self.list_item(number, indent, content[1..].trim_start());
        }
        if indent == 0 {
            if let Some((key, rest)) = split_key(content) {
                self.finish()?;
                return self.start_key(number, key, rest);
            }
        }
        let Some(current) = self.current.as_mut() else {
            return Err(stuck("text before the first `key:`".into()));
        };
        if split_key(content).is_some() {
            return Err(stuck(format!(
                "an indented `key: value` under `{}` (a nested mapping)",
                current.key
            )));
        }
        match &mut current.pending {
            Pending::Plain {
                text,
                loose,
                last_line,
            } => {
                text.push(' ');
                text.push_str(scalar::without_comment(content));
                *loose |= indent == 0;
                *last_line = number;
            }
            Pending::Empty => {
                current.pending = Pending::Plain {
                    text: scalar::without_comment(content).to_string(),
                    loose: indent == 0,
                    last_line: number,
                };
            }
            _ => {
                return Err(stuck(format!(
                    "text that continues `{}` but is not part of it",
                    current.key
                )))
            }
        }
        Ok(())
    }

    fn start_key(&mut self, line: usize, key: &str, rest: &str) -> Result<(), Stuck> {
        let pending = self.value_start(line, key, rest)?;
        self.current = Some(Current {
            key: key.to_string(),
            line,
            pending,
        });
        self.close_quoted_if_done();
        Ok(())
    }

    /// How the value after `key:` begins.
    fn value_start(&mut self, line: usize, key: &str, rest: &str) -> Result<Pending, Stuck> {
        let stuck = |reason: String| Stuck { line, reason };
        let Some(first) = rest.chars().next() else {
            return Ok(Pending::Empty);
        };
        let pending = match first {
            '|' | '>' if is_block_header(scalar::without_comment(rest)) => Pending::Block {
                folded: first == '>',
                lines: Vec::new(),
            },
            '[' => {
                let items = scalar::flow_list(rest)
                    .map_err(|reason| stuck(format!("`{key}`: {reason}")))?;
                Pending::Done(Raw::List(items))
            }
            '{' => return Err(stuck(format!("`{key}` is a `{{ }}` mapping"))),
            '"' | '\'' => Pending::Quoted {
                text: rest.to_string(),
            },
            _ => {
                let text = scalar::without_comment(rest).to_string();
                if let Some(reserved) = text.chars().next().filter(|c| "@`*&!%|>".contains(*c)) {
                    self.note(
                        line,
                        format!(
                            "`{key}` starts with `{reserved}`, which YAML reserves; read as text"
                        ),
                    );
                } else if text.contains(": ") {
                    self.note(
                        line,
                        format!("`{key}` holds an unquoted `: ` (not valid YAML); read as text"),
                    );
                }
                Pending::Plain {
                    text,
                    loose: false,
                    last_line: line,
                }
            }
        };
        Ok(pending)
    }

    fn list_item(&mut self, line: usize, indent: usize, text: &str) -> Result<(), Stuck> {
        let stuck = |reason: String| Stuck { line, reason };
        let Some(current) = self.current.as_mut() else {
            return Err(stuck("a list item before the first `key:`".into()));
        };
        if split_key(text).is_some() {
            return Err(stuck(format!("`{}` holds a list of mappings", current.key)));
        }
        let item = if is_list_item(text) {
            Raw::List(vec![item_value(text[1..].trim_start()).map_err(stuck)?])
        } else {
            item_value(text).map_err(stuck)?
        };
        match &mut current.pending {
            Pending::Empty => {
                current.pending = Pending::List {
                    items: vec![item],
                    indent,
                }
            }
            Pending::List {
                items,
                indent: first,
            } => match (items.last_mut(), item) {
                // Deeper than the first item, after a nested item: part of that nested list.
                (Some(Raw::List(nested)), item) if indent > *first => match item {
                    Raw::List(mut inner) => nested.append(&mut inner),
                    item => nested.push(item),
                },
                (_, item) => items.push(item),
            },
            _ => {
                return Err(stuck(format!(
                    "a list item after `{}` already has a value",
                    current.key
                )))
            }
        }
        Ok(())
    }

    /// Once a quoted value's closing quote has been read, the value is done.
    fn close_quoted_if_done(&mut self) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        let Pending::Quoted { text } = &current.pending else {
            return;
        };
        match scalar::quoted(text) {
            Quoted::Open => {}
            Quoted::Clean(clean) => current.pending = Pending::Done(Raw::Quoted(clean)),
            Quoted::Noisy(clean) => {
                let message = format!(
                    "`{}` is {}, not valid YAML quoting; read as `{clean}`",
                    current.key,
                    one_line(text)
                );
                current.pending = Pending::Done(Raw::Quoted(clean));
                let line = current.line;
                self.note(line, message);
            }
        }
    }

    fn finish(&mut self) -> Result<(), Stuck> {
        let Some(Current { key, line, pending }) = self.current.take() else {
            return Ok(());
        };
        let value = match pending {
            Pending::Empty => Raw::Null,
            Pending::Plain {
                text,
                loose,
                last_line,
            } => {
                if loose {
                    let message = format!(
                        "unquoted `{key}` runs on to line {last_line}, unindented \
                         (not valid YAML); read as one line: `{text}`"
                    );
                    self.note(line, message);
                }
                Raw::Plain(text)
            }
            Pending::Quoted { .. } => {
                return Err(Stuck {
                    line,
                    reason: format!("the quoted `{key}` never closes"),
                })
            }
            Pending::Block { folded, lines } => {
                Raw::Quoted(lines.join(if folded { " " } else { "\n" }))
            }
            Pending::List { items, .. } => Raw::List(items),
            Pending::Done(value) => value,
        };
        if let Some(first) = self.entries.iter().find(|e| e.key == key) {
            let message = format!(
                "`{key}` appears again (first on line {}); the last one wins",
                first.line
            );
            self.note(line, message);
        }
        self.entries.push(Entry { key, line, value });
        Ok(())
    }

    fn note(&mut self, line: usize, message: String) {
        self.notes.push(Note { line, message });
    }
}

fn item_value(text: &str) -> Result<Raw, String> {
    match text.chars().next() {
        None => Ok(Raw::Null),
        Some('[') => scalar::flow_list(text).map(Raw::List),
        Some('{') => Err("a `{ }` mapping in a list".into()),
        Some('"' | '\'') => match scalar::quoted(text) {
            Quoted::Clean(s) | Quoted::Noisy(s) => Ok(Raw::Quoted(s)),
            Quoted::Open => Err("a quoted list item that does not close on its line".into()),
        },
        Some(_) => Ok(Raw::Plain(scalar::without_comment(text).to_string())),
    }
}

fn is_list_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ") || content.starts_with("-\t")
}

/// `|`, `>-`, `|+2` and the like (comment already removed).
fn is_block_header(text: &str) -> bool {
    text.chars()
        .skip(1)
        .all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// `key: rest` at the start of a line: the key (unquoted) and the trimmed rest.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let (key, after) = if let Some(quote @ ('"' | '\'')) = content.chars().next() {
        let close = content[1..].find(quote)? + 1;
        let after = content[close + 1..].strip_prefix(':')?;
        (&content[1..close], after)
    } else {
        let colon = content.char_indices().find(|&(i, c)| {
            c == ':'
                && content[i + 1..]
                    .chars()
                    .next()
                    .map_or(true, |n| n == ' ' || n == '\t')
        })?;
        let key = content[..colon.0].trim_end();
        if key.is_empty() || key.starts_with(['#', '[', '{', '-', '?']) || key.contains(" #") {
            return None;
        }
        (key, &content[colon.0 + 1..])
    };
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, after.trim()))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reads `header` as starting on file line 2.
    fn read(header: &str) -> Result<(Value, Vec<usize>), Stuck> {
        let recovered = scan(header, 2)?;
        let lines = recovered.notes.iter().map(|n| n.line).collect();
        Ok((Value::Object(recovered.to_map()), lines))
    }

    #[test]
    fn recovers_clear_intent() {
        // (header, fields, lines of the notes)
        let cases = [
            (
                "title: 2021年03月23日 割引終了\n\n\n\nゆうかりんだけCG集\ncategories: \n    - 二次元\n",
                json!({"title": "2021年03月23日 割引終了 ゆうかりんだけCG集", "categories": ["二次元"]}),
                vec![2],
            ),
            (
                "title: \"\"\"\"\"\"\"'SP'\"\"\"\"\"\"\"\nauthor: AGE\nthumbnail: ''\n",
                json!({"title": "SP", "author": "AGE", "thumbnail": ""}),
                vec![2],
            ),
            ("title: 'It's'\n", json!({"title": "It's"}), vec![2]),
            ("title: a\ntitle: b\n", json!({"title": "b"}), vec![3]),
            ("title: foo: bar\n", json!({"title": "foo: bar"}), vec![2]),
            ("title: @foo\n", json!({"title": "@foo"}), vec![2]),
            ("tags:\n\t- a\n\t- b\n", json!({"tags": ["a", "b"]}), vec![3]),
            ("title: \"Foo\" bar\n", json!({"title": "\"Foo\" bar"}), vec![2]),
            ("x: 1\ntitle: 'a\n  b'c'\n", json!({"x": 1, "title": "a\n  b'c"}), vec![3]),
            // Valid shapes read the way YAML reads them, without notes.
            ("c:\n - a\n -  - b\n    - c\n - d\n", json!({"c": ["a", ["b", "c"], "d"]}), vec![]),
            ("summary: |\n  one\n  two\ntitle: x\n", json!({"summary": "one\ntwo", "title": "x"}), vec![]),
            ("summary: >-\n  one\n  two\n", json!({"summary": "one two"}), vec![]),
            ("title: 'a\n  b'\nx: 1\n", json!({"title": "a b", "x": 1}), vec![]),
            ("a:\nb: 1 # one\n", json!({"a": null, "b": 1}), vec![]),
            ("\"quoted key\": v\n", json!({"quoted key": "v"}), vec![]),
            ("tags: [a, '2021']\ndate: 2021-08-07 02:22:05\n", json!({"tags": ["a", "2021"], "date": "2021-08-07 02:22:05"}), vec![]),
            ("title:\n  on the next line\n", json!({"title": "on the next line"}), vec![]),
            ("url: http://a.b/c:d\n", json!({"url": "http://a.b/c:d"}), vec![]),
        ];
        for (header, want, note_lines) in cases {
            let (got, lines) = read(header).unwrap_or_else(|e| panic!("{header:?}: {e:?}"));
            assert_eq!(got, want, "{header:?}");
            assert_eq!(lines, note_lines, "{header:?}");
        }
    }

    #[test]
    fn refuses_unclear_intent() {
        // (header, line, reason)
        let cases = [
            ("title: x\nauthor:\n  name: a\n", 4, "nested mapping"),
            ("a: {b: c}\n", 2, "mapping"),
            ("title: 'never closed\nx: 1\n", 2, "never closes"),
            ("- a\n", 2, "before the first"),
            ("hello\n", 2, "before the first"),
            ("links:\n - name: x\n", 3, "list of mappings"),
            ("tags: [a, b\n", 2, "does not close"),
            ("title: x\n - item\n", 3, "already has a value"),
            ("tags:\n - a\n   more text\n", 4, "not part of it"),
            ("title: x\n  next: y\n", 3, "nested mapping"),
        ];
        for (header, line, reason) in cases {
            let stuck = read(header).expect_err(header);
            assert_eq!(stuck.line, line, "{header:?}: {stuck:?}");
            assert!(stuck.reason.contains(reason), "{header:?}: {stuck:?}");
        }
    }
}
