//! Problems as people read them: the greppable `path:line:col: severity: message`
//! line, then the offending source line and a caret under the column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthChar;

use crate::problem::Problem;

/// Longest source line shown in full; longer ones are cut around the column.
const MAX_SHOWN_CHARS: usize = 120;

/// Source files read for snippets, each read once. Paths in problems are shown
/// relative to the site root, so they are resolved against it.
pub struct Files {
    root: PathBuf,
    read: HashMap<PathBuf, Option<Vec<String>>>,
}

impl Files {
    pub fn new(root: &Path) -> Self {
        Files {
            root: root.to_path_buf(),
            read: HashMap::new(),
        }
    }

    fn line(&mut self, path: &Path, line: usize) -> Option<&str> {
        let root = &self.root;
        let lines = self.read.entry(path.to_path_buf()).or_insert_with(|| {
            let full = if path.is_absolute() {
                path.to_path_buf()
            } else {
                root.join(path)
            };
            let bytes = std::fs::read(full).ok()?;
            if bytes.len() as u64 >= crate::load::MAX_POST_BYTES {
                return None;
            }
            let text = String::from_utf8_lossy(&bytes);
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            Some(text.lines().map(str::to_string).collect())
        });
        lines
            .as_ref()?
            .get(line.checked_sub(1)?)
            .map(String::as_str)
    }
}

/// The problem line, plus `  | source` and `  | ^` lines when its line is known.
pub fn render_problem(problem: &Problem, files: &mut Files) -> String {
    let mut out = format!("{problem}\n");
    let Some(line_number) = problem.line else {
        return out;
    };
    let Some(text) = files.line(&problem.path, line_number) else {
        return out;
    };
    let (shown, column) = visible_window(text, problem.column);
    out.push_str(&format!("{line_number:>5} | {shown}\n"));
    if let Some(column) = column {
        let width: usize = shown
            .chars()
            .take(column - 1)
            .map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) })
            .sum();
        out.push_str(&format!("      | {}^\n", " ".repeat(width)));
    }
    out
}

/// The part of `text` worth showing, with control characters made visible, and
/// the column (1-based, in characters) within it.
fn visible_window(text: &str, column: Option<usize>) -> (String, Option<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let at = column.map(|c| c.clamp(1, chars.len() + 1));
    let start = match at {
        Some(c) if c > MAX_SHOWN_CHARS => c - MAX_SHOWN_CHARS / 2,
        _ => 0,
    };
    let end = (start + MAX_SHOWN_CHARS).min(chars.len());
    let mut shown: String = chars[start..end]
        .iter()
        .map(|&c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if start > 0 {
        shown.insert(0, '…');
    }
    if end < chars.len() {
        shown.push('…');
    }
    let column = at.map(|c| c - start + usize::from(start > 0));
    (shown, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_the_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\ndate: 第二天\n---\n").unwrap();
        let mut files = Files::new(dir.path());
        let problem = Problem::error("a.md", "bad date").at(2, Some(7));
        let want = "a.md:2:7: error: bad date\n    2 | date: 第二天\n      |       ^\n";
        assert_eq!(render_problem(&problem, &mut files), want);
        // Wide characters before the column take two cells each.
        let problem = Problem::error("a.md", "x").at(2, Some(8));
        assert!(render_problem(&problem, &mut files).ends_with("|         ^\n"));
        let unlocated = Problem::warning("gone.md", "y").at(3, Some(1));
        assert_eq!(
            render_problem(&unlocated, &mut files),
            "gone.md:3:1: warning: y\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = "a".repeat(500) + "X";
        let (shown, column) = visible_window(&line, Some(501));
        assert!(shown.chars().count() <= MAX_SHOWN_CHARS + 2);
        assert_eq!(shown.chars().nth(column.unwrap() - 1), Some('X'));
        let (shown, column) = visible_window("a\u{0}b", Some(2));
        assert_eq!((shown.as_str(), column), ("a\u{fffd}b", Some(2)));
    }
}
