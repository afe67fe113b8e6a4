//! Per-file problems: what went wrong with an input, where, and how bad it is.
//!
//! Nothing on the input side panics or stops the build; every stage returns its
//! problems as data, and the spine prints them and decides the exit status.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem with one input file. `line` and `column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn error(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self::new(path, Severity::Error, message)
    }

    pub fn warning(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self::new(path, Severity::Warning, message)
    }

    fn new(path: impl AsRef<Path>, severity: Severity, message: impl Into<String>) -> Self {
        Problem {
            path: path.as_ref().to_path_buf(),
            line: None,
            column: None,
            severity,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `path:line:col: severity: message`, the format editors and grep understand.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, ": {label}: {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_greppable() {
        let cases = [
            (Problem::error("a.md", "bad"), "a.md: error: bad"),
            (
                Problem::warning("a.md", "odd").at(3, None),
                "a.md:3: warning: odd",
            ),
            (
                Problem::error("b/c.md", "x").at(2, Some(7)),
                "b/c.md:2:7: error: x",
            ),
        ];
        for (problem, expected) in cases {
            assert_eq!(problem.to_string(), expected);
        }
    }
}
