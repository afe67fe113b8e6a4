//! Themes: where templates and static files come from. A site's own `templates/`
//! and `static/` override the theme's by name; the default theme is also built
//! into the binary so any directory of posts can be built without one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme {name:?} not found at {path}")]
    Missing { name: String, path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Bytes of a static file: on disk, or inside the binary.
#[derive(Debug, Clone)]
pub enum Asset {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

/// Templates (name → source, and where it came from) and static files (output-relative path → asset).
#[derive(Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, (PathBuf, String)>,
    pub statics: BTreeMap<String, Asset>,
}

/// Loads `<root>/themes/<name>` (or the built-in default theme), then the site's
/// own `templates/` and `static/` over it.
pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
    let mut theme = Theme::default();
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        read_dir_into(&dir.join("templates"), &mut theme, Kind::Templates)?;
        read_dir_into(&dir.join("static"), &mut theme, Kind::Statics)?;
    } else if name == "default" {
        embedded_into(&mut theme);
    } else {
        return Err(ThemeError::Missing {
            name: name.to_string(),
            path: dir,
        });
    }
    read_dir_into(&root.join("templates"), &mut theme, Kind::Templates)?;
    read_dir_into(&root.join("static"), &mut theme, Kind::Statics)?;
    Ok(theme)
}

#[derive(Clone, Copy)]
enum Kind {
    Templates,
    Statics,
}

fn read_dir_into(dir: &Path, theme: &mut Theme, kind: Kind) -> Result<(), ThemeError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| ThemeError::Read {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = relative_name(entry.path(), dir) else {
            continue;
        };
        match kind {
            Kind::Templates => {
                let source =
                    std::fs::read_to_string(entry.path()).map_err(|source| ThemeError::Read {
                        path: entry.path().to_path_buf(),
                        source,
                    })?;
                theme
                    .templates
                    .insert(rel, (entry.path().to_path_buf(), source));
            }
            Kind::Statics => {
                theme.statics.insert(rel, Asset::Disk(entry.into_path()));
            }
        }
    }
    Ok(())
}

/// `/`-separated path of `path` under `dir`; `None` for hidden or non-UTF-8 names.
fn relative_name(path: &Path, dir: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    if parts.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    Some(parts.join("/"))
}

fn embedded_into(theme: &mut Theme) {
    fn walk(dir: &'static Dir<'static>, theme: &mut Theme) {
        for file in dir.files() {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8_lossy(file.contents()).into_owned();
                let shown = PathBuf::from("<built-in default theme>").join(&path);
                theme.templates.insert(name.to_string(), (shown, source));
            } else if let Some(name) = path.strip_prefix("static/") {
                theme
                    .statics
                    .insert(name.to_string(), Asset::Embedded(file.contents()));
            }
        }
        for sub in dir.dirs() {
            walk(sub, theme);
        }
    }
    walk(&DEFAULT_THEME, theme);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_theme_has_the_page_templates() {
        let mut theme = Theme::default();
        embedded_into(&mut theme);
        for name in [
            "base.html",
            "index.html",
            "post.html",
            "list.html",
            "taxonomy.html",
            "404.html",
        ] {
            assert!(theme.templates.contains_key(name), "{name} missing");
        }
    }
}
