//! Reading the content tree: the only stage that reads input files.
//!
//! Walks `content/` (symlinks followed, loops reported, not followed forever),
//! keeps post files by extension and decodes each one to text in parallel.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::problem::Problem;

/// Files larger than this are refused rather than read into memory.
pub const MAX_POST_BYTES: u64 = 50 * 1024 * 1024;

const POST_EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

/// One post file, decoded to text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path shown in problems: relative to the site root where possible.
    pub path: PathBuf,
    pub text: String,
    pub mtime: SystemTime,
}

/// Every post file under `content_dir`, in a stable order (sorted by path).
pub fn find_posts(content_dir: &Path, shown_root: &Path) -> (Vec<PathBuf>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walk = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_post_file(entry.path()) => {
                files.push(entry.into_path())
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(content_dir).to_path_buf();
                let shown = shown_path(&path, shown_root);
                let message = if e.loop_ancestor().is_some() {
                    "symbolic link loop, not followed".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error().map_or(e.to_string(), |io| io.to_string())
                    )
                };
                problems.push(Problem::error(shown, message));
            }
        }
    }
    (files, problems)
}

pub fn is_post_file(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~'));
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    !hidden && ext.is_some_and(|e| POST_EXTENSIONS.contains(&e.as_str()))
}

/// Reads and decodes every file in parallel. Unreadable or undecodable files become
/// problems; nothing here panics.
pub fn read_all(files: &[PathBuf], shown_root: &Path) -> (Vec<Source>, Vec<Problem>) {
    let results: Vec<(Option<Source>, Vec<Problem>)> = files
        .par_iter()
        .map(|path| read_one(path, &shown_path(path, shown_root)))
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (source, mut found) in results {
        sources.extend(source);
        problems.append(&mut found);
    }
    (sources, problems)
}

pub fn read_one(path: &Path, shown: &Path) -> (Option<Source>, Vec<Problem>) {
    let refuse = |message: String| (None, vec![Problem::error(shown, message)]);
    let (bytes, mtime) = match read_limited(path) {
        Ok(Some(read)) => read,
        Ok(None) => {
            let message = format!(
                "file is {} MB or more; such posts are refused",
                MAX_POST_BYTES / (1024 * 1024)
            );
            return refuse(message);
        }
        Err(e) => return refuse(format!("cannot read: {e}")),
    };
    match decode(&bytes) {
        Ok((text, warning)) => {
            let problems = warning
                .map(|w| Problem::warning(shown, w))
                .into_iter()
                .collect();
            let source = Source {
                path: shown.to_path_buf(),
                text,
                mtime,
            };
            (Some(source), problems)
        }
        Err(message) => {
            let mut problem = Problem::error(shown, message);
            if let Some((line, column)) =
                first_bad_byte(&bytes).map(|at| line_and_column(&bytes, at))
            {
                problem = problem.at(line, Some(column));
            }
            (None, vec![problem])
        }
    }
}

/// The file's bytes and mtime; `None` when it holds [`MAX_POST_BYTES`] or more.
/// The read itself is capped too, so a file that grows after its size was taken
/// (or lies about it) is never read whole into memory.
fn read_limited(path: &Path) -> std::io::Result<Option<(Vec<u8>, SystemTime)>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.len() >= MAX_POST_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(MAX_POST_BYTES).read_to_end(&mut bytes)?;
    if bytes.len() as u64 >= MAX_POST_BYTES {
        return Ok(None);
    }
    let mtime = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    Ok(Some((bytes, mtime)))
}

/// Where a file stops being text: its first NUL, else its first byte that is not UTF-8.
fn first_bad_byte(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .position(|&b| b == 0)
        .or_else(|| std::str::from_utf8(bytes).err().map(|e| e.valid_up_to()))
}

/// The 1-based line and character column of byte `offset`.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_text = before.get(line_start..).unwrap_or_default();
    let line_text = line_text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line_text);
    (line, String::from_utf8_lossy(line_text).chars().count() + 1)
}

/// UTF-8 (BOM stripped), else GB18030 when that decodes without a single error.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("file is empty".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if looks_binary(bytes) {
        return Err("file looks binary (contains NUL bytes), not a post".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(utf8_error) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                Err(format!("not valid UTF-8 ({utf8_error}) nor GB18030"))
            } else {
                let warning = "not UTF-8; decoded as GB18030".to_string();
                Ok((text.into_owned(), Some(warning)))
            }
        }
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// `path` relative to `root` when it is inside it, for shorter problem lines.
pub fn shown_path(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        let gb = encoding_rs::GB18030.encode("标题：阿里云").0.into_owned();
        let cases: Vec<(&[u8], Result<&str, &str>)> = vec![
            (b"hello", Ok("hello")),
            (b"\xEF\xBB\xBF---\n", Ok("---\n")),
            (b"", Err("empty")),
            (b"  \n\n", Err("empty")),
            (b"a\0b", Err("binary")),
            (&gb, Ok("标题：阿里云")),
            (b"\xff\xfe\xfd\x80", Err("GB18030")),
        ];
        for (bytes, expected) in cases {
            match (decode(bytes), expected) {
                (Ok((text, _)), Ok(want)) => assert_eq!(text, want),
                (Err(msg), Err(want)) => assert!(msg.contains(want), "{msg}"),
                (got, want) => panic!("{bytes:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn undecodable_files_are_located() {
        // `\xe7\xac\xac` and `\xe8\xa1\x8c` are 第 and 行: columns count characters.
        let cases: [(&[u8], _); 5] = [
            (b"ok", None),
            (b"---\ntitle: a\0b\n", Some((2, 9))),
            (b"\xEF\xBB\xBFab\0", Some((1, 3))),
            (b"\xe7\xac\xac\n\xe8\xa1\x8c\xff", Some((2, 2))),
            (b"\xff", Some((1, 1))),
        ];
        for (bytes, want) in cases {
            let got = first_bad_byte(bytes).map(|at| line_and_column(bytes, at));
            assert_eq!(got, want, "{bytes:?}");
        }
    }

    #[test]
    fn read_refuses_at_the_limit_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.md");
        let file = std::fs::File::create(&path).unwrap();
        for (len, refused) in [(MAX_POST_BYTES, true), (MAX_POST_BYTES - 1, false)] {
            file.set_len(len).unwrap();
            let (source, problems) = read_one(&path, Path::new("huge.md"));
            assert!(source.is_none());
            let message = &problems[0].message;
            assert_eq!(
                message.contains("50 MB or more"),
                refused,
                "{len}: {message}"
            );
        }
    }

    #[test]
    fn post_extensions() {
        let cases = [
            ("a.md", true),
            ("a.MARKDOWN", true),
            ("b.html", true),
            ("c.txt", false),
            (".a.md.swp", false),
            (".#a.md", false),
            ("a.md~", false),
            ("noext", false),
        ];
        for (name, want) in cases {
            assert_eq!(is_post_file(Path::new(name)), want, "{name}");
        }
    }
}
