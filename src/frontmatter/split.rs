//! Finding the front matter: the fenced header at the top of a post, after any
//! blank lines, and where the body starts. Works on `\n` and `\r\n` files alike.

/// Which language the header is written in, from its fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fence {
    /// `---`
    Yaml,
    /// `+++`
    Toml,
}

/// A post cut into header and body. Line numbers are 1-based lines of the file.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Split<'a> {
    /// `None` when the file has no front matter: the whole text is the body.
    pub fence: Option<Fence>,
    /// The line of the opening fence (1 when there is none).
    pub open_line: usize,
    /// The header text, fences excluded.
    pub header: &'a str,
    pub body: &'a str,
    pub body_line: usize,
}

impl Split<'_> {
    /// The file line of the header's first line.
    pub fn header_line(&self) -> usize {
        self.open_line + 1
    }
}

/// An opening fence with no closing one: the line it is on.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unterminated {
    pub line: usize,
    pub fence: &'static str,
}

pub(super) fn split(text: &str) -> Result<Split<'_>, Unterminated> {
    let mut lines = LinesWithOffsets {
        text,
        at: 0,
        index: 0,
    };
    let no_front_matter = Split {
        fence: None,
        open_line: 1,
        header: "",
        body: text,
        body_line: 1,
    };
    let Some((open_index, _, first)) = lines.find(|(_, _, line)| !line.trim().is_empty()) else {
        return Ok(no_front_matter);
    };
    let (fence, marker) = match first.trim_end() {
        "---" => (Fence::Yaml, "---"),
        "+++" => (Fence::Toml, "+++"),
        _ => return Ok(no_front_matter),
    };
    let header_start = lines.at;
    for (index, start, line) in lines.by_ref() {
        if line.trim_end() == marker {
            let body_start = start + line.len();
            return Ok(Split {
                fence: Some(fence),
                open_line: open_index + 1,
                header: &text[header_start..start],
                body: &text[body_start..],
                body_line: index + 2,
            });
        }
    }
    Err(Unterminated {
        line: open_index + 1,
        fence: marker,
    })
}

/// Lines with their 0-based index and byte offset, each keeping its line break.
struct LinesWithOffsets<'a> {
    text: &'a str,
    at: usize,
    index: usize,
}

impl<'a> Iterator for LinesWithOffsets<'a> {
    type Item = (usize, usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.at..).filter(|r| !r.is_empty())?;
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let item = (self.index, self.at, &rest[..len]);
        self.at += len;
        self.index += 1;
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        // (text, fence, open_line, header, body, body_line)
        let cases = [
            (
                "---\na: 1\n---\nbody",
                Some(Fence::Yaml),
                1,
                "a: 1\n",
                "body",
                4,
            ),
            (
                "\n\n---\na: 1\n---\n\nbody\n",
                Some(Fence::Yaml),
                3,
                "a: 1\n",
                "\nbody\n",
                6,
            ),
            (
                "\r\n---\r\na: 1\r\n---\r\nbody",
                Some(Fence::Yaml),
                2,
                "a: 1\r\n",
                "body",
                5,
            ),
            (
                "---  \na: 1\n---\t\nbody",
                Some(Fence::Yaml),
                1,
                "a: 1\n",
                "body",
                4,
            ),
            (
                "+++\na = 1\n+++\nbody",
                Some(Fence::Toml),
                1,
                "a = 1\n",
                "body",
                4,
            ),
            ("---\n---\n", Some(Fence::Yaml), 1, "", "", 3),
            ("---\na: 1\n---", Some(Fence::Yaml), 1, "a: 1\n", "", 4),
            (
                "---\na: ---\n---\nx",
                Some(Fence::Yaml),
                1,
                "a: ---\n",
                "x",
                4,
            ),
            (
                "+++\na = 1\n---\n+++\n",
                Some(Fence::Toml),
                1,
                "a = 1\n---\n",
                "",
                5,
            ),
            (
                "<div>hi</div>\n---\n",
                None,
                1,
                "",
                "<div>hi</div>\n---\n",
                1,
            ),
            ("\n\n# Title\n", None, 1, "", "\n\n# Title\n", 1),
            ("", None, 1, "", "", 1),
            (
                "---- \nnot a fence\n",
                None,
                1,
                "",
                "---- \nnot a fence\n",
                1,
            ),
        ];
        for (text, fence, open_line, header, body, body_line) in cases {
            let want = Split {
                fence,
                open_line,
                header,
                body,
                body_line,
            };
            assert_eq!(split(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn unterminated_names_the_opening_line() {
        let cases = [
            ("\n\n---\ntitle: x\n", 3, "---"),
            ("+++\ntitle = 'x'\n---\n", 1, "+++"),
            ("---", 1, "---"),
        ];
        for (text, line, fence) in cases {
            assert_eq!(split(text), Err(Unterminated { line, fence }), "{text:?}");
        }
    }
}
