//! Site configuration in two phases: `RawConfig` is exactly what `config.toml`
//! says (unknown keys rejected), `Config` is the validated form the stages use.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;
use serde::Deserialize;

pub const DEFAULT_PROXY: &str = "https://cors.zfour.workers.dev/?";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: `{key}`: {message}")]
    Invalid {
        path: String,
        key: &'static str,
        message: String,
    },
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    pub theme: Option<String>,
    pub paginate: Option<i64>,
    pub permalink: Option<String>,
    #[serde(default)]
    pub images: RawImages,
    #[serde(default)]
    pub clean: RawClean,
    #[serde(default)]
    pub feeds: RawFeeds,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    pub proxies: Option<Vec<String>>,
    pub rewrite: Option<String>,
    pub referrer_policy: Option<String>,
    pub placeholder_hosts: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawClean {
    pub remove: Option<Vec<String>>,
    /// Extra selectors for one source, keyed by the post's `author`.
    pub by_author: Option<BTreeMap<String, Vec<String>>>,
    /// Trailing paragraphs whose text starts with one of these are dropped.
    pub trailing: Option<Vec<String>>,
    /// Extra trailing patterns for one source, keyed by the post's `author`.
    pub trailing_by_author: Option<BTreeMap<String, Vec<String>>>,
    pub iframe_hosts: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFeeds {
    pub limit: Option<i64>,
}

/// The validated configuration every stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Without a trailing slash, e.g. `https://example.org` or `https://example.org/news`.
    pub base_url: String,
    pub language: String,
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub theme: String,
    pub paginate: usize,
    pub permalink: String,
    pub images: ImagesConfig,
    pub clean: CleanConfig,
    pub feed_limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagesConfig {
    pub proxies: Vec<String>,
    /// `{url}` is replaced with the real image address.
    pub rewrite: Option<String>,
    /// Empty means: don't set the attribute.
    pub referrer_policy: String,
    pub placeholder_hosts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CleanConfig {
    pub remove: Vec<String>,
    pub by_author: BTreeMap<String, Vec<String>>,
    pub trailing: Vec<String>,
    pub trailing_by_author: BTreeMap<String, Vec<String>>,
    pub iframe_hosts: Vec<String>,
}

pub const DEFAULT_IFRAME_HOSTS: &[&str] = &[
    "www.youtube.com",
    "youtube.com",
    "www.youtube-nocookie.com",
    "player.youku.com",
    "player.bilibili.com",
    "v.qq.com",
];

impl Default for Config {
    fn default() -> Self {
        RawConfig::default()
            .validate("config.toml")
            .expect("the empty config is valid")
    }
}

impl Config {
    /// Reads `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: shown,
                    source,
                })
            }
        };
        Self::parse(&text, &shown)
    }

    pub fn parse(text: &str, shown_path: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: shown_path.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        raw.validate(shown_path)
    }
}

impl RawConfig {
    pub fn validate(self, shown_path: &str) -> Result<Config, ConfigError> {
        let invalid = |key: &'static str, message: String| ConfigError::Invalid {
            path: shown_path.to_string(),
            key,
            message,
        };
        let timezone_name = self.timezone.unwrap_or_else(|| "UTC".into());
        let timezone = TimeZone::get(&timezone_name).map_err(|_| {
            invalid(
                "timezone",
                format!("unknown IANA time zone {timezone_name:?}"),
            )
        })?;
        let paginate = match self.paginate {
            None => 10,
            Some(n) if (1..=1000).contains(&n) => n as usize,
            Some(n) => return Err(invalid("paginate", format!("must be 1..=1000, not {n}"))),
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| "http://localhost:1111".into());
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| invalid("base_url", format!("{base_url:?} is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(
                "base_url",
                format!("{base_url:?} must be http or https"),
            ));
        }
        let permalink = self
            .permalink
            .unwrap_or_else(|| ":year/:month/:day/:slug/".into());
        validate_permalink(&permalink).map_err(|m| invalid("permalink", m))?;
        let theme = self.theme.unwrap_or_else(|| "default".into());
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            return Err(invalid(
                "theme",
                format!("{theme:?} is not a theme directory name"),
            ));
        }
        let feed_limit = match self.feeds.limit {
            None => 20,
            Some(n) if (1..=10_000).contains(&n) => n as usize,
            Some(n) => {
                return Err(invalid(
                    "feeds.limit",
                    format!("must be 1..=10000, not {n}"),
                ))
            }
        };
        let images = ImagesConfig {
            proxies: self
                .images
                .proxies
                .unwrap_or_else(|| vec![DEFAULT_PROXY.to_string()]),
            rewrite: match self.images.rewrite {
                Some(r) if !r.contains("{url}") => {
                    return Err(invalid("images.rewrite", format!("{r:?} has no {{url}}")))
                }
                other => other,
            },
            referrer_policy: self
                .images
                .referrer_policy
                .unwrap_or_else(|| "no-referrer".into()),
            placeholder_hosts: self
                .images
                .placeholder_hosts
                .unwrap_or_else(|| vec!["picsum.photos".into()]),
        };
        let clean = CleanConfig {
            remove: self.clean.remove.unwrap_or_default(),
            by_author: self.clean.by_author.unwrap_or_default(),
            trailing: self.clean.trailing.unwrap_or_default(),
            trailing_by_author: self.clean.trailing_by_author.unwrap_or_default(),
            iframe_hosts: self
                .clean
                .iframe_hosts
                .unwrap_or_else(|| DEFAULT_IFRAME_HOSTS.iter().map(|s| s.to_string()).collect()),
        };
        validate_selectors(&clean.remove).map_err(|m| invalid("clean.remove", m))?;
        for list in clean.by_author.values() {
            validate_selectors(list).map_err(|m| invalid("clean.by_author", m))?;
        }
        if let Some(host) = clean
            .iframe_hosts
            .iter()
            .find(|h| h.trim().is_empty() || h.contains(['/', ':', ' ']))
        {
            return Err(invalid(
                "clean.iframe_hosts",
                format!("{host:?} is not a host name (write `www.youtube.com`, no scheme or path)"),
            ));
        }
        Ok(Config {
            title: self.title.unwrap_or_else(|| "gazette".into()),
            description: self.description.unwrap_or_default(),
            base_url: base_url.trim_end_matches('/').to_string(),
            language: self.language.unwrap_or_else(|| "zh-CN".into()),
            timezone_name,
            timezone,
            theme,
            paginate,
            permalink,
            images,
            clean,
            feed_limit,
        })
    }
}

/// Each entry must be a CSS selector scraper can match.
fn validate_selectors(list: &[String]) -> Result<(), String> {
    for s in list {
        if let Err(e) = scraper::Selector::parse(s) {
            return Err(format!("{s:?} is not a CSS selector: {e}"));
        }
    }
    Ok(())
}

const PERMALINK_TOKENS: &[&str] = &[
    ":year", ":month", ":day", ":slug", ":title", ":hour", ":minute",
];

fn validate_permalink(pattern: &str) -> Result<(), String> {
    if !pattern.contains(":slug") && !pattern.contains(":title") {
        return Err(format!("{pattern:?} must contain :slug or :title"));
    }
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        let token = &rest[at..];
        match PERMALINK_TOKENS.iter().find(|t| token.starts_with(**t)) {
            Some(t) => rest = &token[t.len()..],
            None => return Err(format!("unknown placeholder in {pattern:?}")),
        }
    }
    if pattern.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(format!("{pattern:?} may not contain . or .. segments"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = Config::parse("", "config.toml").unwrap();
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.timezone_name, "UTC");
        assert_eq!(c.paginate, 10);
        assert_eq!(c.permalink, ":year/:month/:day/:slug/");
        assert_eq!(c.images.proxies, vec![DEFAULT_PROXY.to_string()]);
        assert_eq!(c.feed_limit, 20);
    }

    #[test]
    fn errors_name_the_key() {
        let cases = [
            ("colour = 1", "colour"),
            ("timezone = \"Mars/Base\"", "timezone"),
            ("paginate = 0", "paginate"),
            ("base_url = \"ftp://x\"", "base_url"),
            ("permalink = \":year/:nope/\"", "permalink"),
            ("[images]\nrewrite = \"https://p/\"", "images.rewrite"),
            ("[feeds]\nlimit = -1", "feeds.limit"),
            ("[clean]\nbogus = []", "bogus"),
            ("paginate = \"ten\"", "paginate"),
            ("[clean]\nremove = [\"div[\"]", "clean.remove"),
            ("[clean.by_author]\nZAKER = [\"..x\"]", "clean.by_author"),
            (
                "[clean]\niframe_hosts = [\"https://youtube.com/\"]",
                "clean.iframe_hosts",
            ),
        ];
        for (text, key) in cases {
            let err = Config::parse(text, "config.toml").unwrap_err().to_string();
            assert!(err.contains(key), "{text:?} gave {err:?}");
        }
    }

    #[test]
    fn base_url_loses_trailing_slash() {
        let c = Config::parse("base_url = \"https://a.org/news/\"", "c").unwrap();
        assert_eq!(c.base_url, "https://a.org/news");
    }
}
