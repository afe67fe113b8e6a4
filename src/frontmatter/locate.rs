//! Pointing back into the header: the file line of a key (for problems) and a
//! value's text as written (for numbers YAML would reformat). Both are only
//! worked out when something needs them, so clean posts pay nothing.

use std::cell::OnceCell;

use super::recover::{self, Recovered};
use super::split::Fence;

pub(super) struct HeaderText<'a> {
    text: &'a str,
    first_line: usize,
    fence: Fence,
    /// The line-by-line reading of the header, made on first use.
    lines_read: OnceCell<Option<Recovered>>,
}

impl<'a> HeaderText<'a> {
    /// `text` is the header between the fences; its first line is `first_line` of the file.
    pub fn new(text: &'a str, first_line: usize, fence: Fence) -> Self {
        HeaderText {
            text,
            first_line,
            fence,
            lines_read: OnceCell::new(),
        }
    }

    /// Keeps a line-by-line reading already made, so it is not made twice.
    pub fn with_reading(self, recovered: Recovered) -> Self {
        let _ = self.lines_read.set(Some(recovered));
        self
    }

    /// The file line where `key` is set at the top level, or the opening fence.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_index(key)
            .map_or(self.first_line.saturating_sub(1).max(1), |i| {
                self.first_line + i
            })
    }

    /// The 1-based character column where `key`'s value starts on its line.
    pub fn value_column(&self, key: &str) -> Option<usize> {
        let line = self.text.lines().nth(self.key_index(key)?)?;
        let separator = line.find([':', '='])?;
        let value = &line[separator + 1..];
        let start = separator + 1 + (value.len() - value.trim_start().len());
        Some(line[..start].chars().count() + 1)
    }

    /// The 0-based header line where `key` is set.
    fn key_index(&self, key: &str) -> Option<usize> {
        let separator = match self.fence {
            Fence::Yaml => ':',
            Fence::Toml => '=',
        };
        self.text
            .lines()
            .position(|line| sets_key(line, key, separator))
    }

    /// The first line of `key`'s value that holds `near` (an item's text), else
    /// the key's own line.
    pub fn line_near(&self, key: &str, near: Option<&str>) -> usize {
        let key_line = self.line_of(key);
        let (Some(near), Some(skip)) = (near.filter(|n| !n.is_empty()), self.key_index(key)) else {
            return key_line;
        };
        self.text
            .lines()
            .enumerate()
            .skip(skip)
            .take_while(|(i, line)| *i == skip || line.starts_with([' ', '\t', '-']))
            .find(|(i, line)| {
                // On the key's own line, only the value counts.
                let value = if *i == skip {
                    line.split_once([':', '=']).map_or("", |(_, v)| v)
                } else {
                    line
                };
                value.contains(near)
            })
            .map_or(key_line, |(i, _)| self.first_line + i)
    }

    /// `key`'s value (or its item `index`) exactly as written, when the header is
    /// YAML simple enough to read line by line.
    pub fn written(&self, key: &str, index: Option<usize>) -> Option<&str> {
        if self.fence != Fence::Yaml {
            return None;
        }
        self.lines_read
            .get_or_init(|| recover::scan(self.text, self.first_line).ok())
            .as_ref()?
            .text_of(key, index)
    }
}

fn sets_key(line: &str, key: &str, separator: char) -> bool {
    let rest = ["", "\"", "'"].iter().find_map(|quote| {
        line.strip_prefix(quote)?
            .strip_prefix(key)?
            .strip_prefix(quote)
    });
    rest.is_some_and(|rest| rest.trim_start().starts_with(separator))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys() {
        let yaml = "title: a\ndate: 2021\n\"lang\": en\ntitles: no\n";
        let header = HeaderText::new(yaml, 3, Fence::Yaml);
        let cases = [
            ("title", 3),
            ("date", 4),
            ("lang", 5),
            ("titles", 6),
            ("slug", 2),
        ];
        for (key, line) in cases {
            assert_eq!(header.line_of(key), line, "{key}");
        }
        let toml = "title = 'a'\ndate=2021-01-01\n";
        let header = HeaderText::new(toml, 2, Fence::Toml);
        assert_eq!((header.line_of("title"), header.line_of("date")), (2, 3));
        assert_eq!(header.value_column("date"), Some(6));
        let header = HeaderText::new("\"date\":   x\n", 2, Fence::Yaml);
        assert_eq!(header.value_column("date"), Some(11));
    }

    #[test]
    fn lines_of_items() {
        let yaml = "categories:\n - a\n -  - news\ntags: [news]\ntitle: news\n";
        let header = HeaderText::new(yaml, 2, Fence::Yaml);
        let cases = [
            ("categories", Some("news"), 4),
            ("categories", Some("a"), 3),
            ("categories", Some("absent"), 2),
            ("categories", None, 2),
            ("tags", Some("news"), 5),
            ("lang", Some("news"), 1),
        ];
        for (key, near, line) in cases {
            assert_eq!(header.line_near(key, near), line, "{key} {near:?}");
        }
    }

    #[test]
    fn text_as_written() {
        let yaml = "title: 1.10\ntags: [5G, 2.50]\ncategories:\n - 1.0\n";
        let header = HeaderText::new(yaml, 2, Fence::Yaml);
        let cases = [
            ("title", None, Some("1.10")),
            ("tags", Some(1), Some("2.50")),
            ("categories", Some(0), Some("1.0")),
            ("tags", Some(5), None),
            ("missing", None, None),
        ];
        for (key, index, want) in cases {
            assert_eq!(header.written(key, index), want, "{key} {index:?}");
        }
        let toml = HeaderText::new("title = 1.10\n", 2, Fence::Toml);
        assert_eq!(toml.written("title", None), None);
    }
}
