//! Rendering: turns each planned page into bytes through the theme's Tera
//! templates. Pure: templates arrive as strings and output leaves as bytes.
//! Post content is data inserted with `| safe`, never itself a template.

mod extras;
mod fragments;
mod meta;
mod views;

pub use extras::extras;

use tera::{Context, Tera};

use crate::config::Config;
use crate::index::{Index, Level};
use crate::model::Post;
use crate::paths::dir_url;
use crate::plan::{self, ListOf, PageJob, TaxonomyKind};
use crate::theme::Theme;

use fragments::{Entry, Fragments};
use views::{ArticleView, PageView};
pub use views::{Pagination, SiteView};

/// Room for a typical page (12–16 KB at 20k posts), so most renders never regrow the buffer.
const PAGE_CAPACITY: usize = 16 * 1024;

/// A template that failed to compile or render, with its name and Tera's reasons.
#[derive(Debug, Clone, thiserror::Error)]
#[error("template {template}: {message}")]
pub struct TemplateError {
    pub template: String,
    pub message: String,
}

impl TemplateError {
    /// Tera's error while rendering `template`, with every cause.
    fn rendering(template: &str, e: &tera::Error) -> TemplateError {
        TemplateError {
            template: template.to_string(),
            message: error_chain(e),
        }
    }
}

/// Compiles the theme's templates once per build.
pub fn compile(theme: &Theme) -> Result<Tera, TemplateError> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml", ".htm"]);
    tera.set_escape_fn(escape_html);
    let sources = theme
        .templates
        .iter()
        .map(|(name, (_, source))| (name.as_str(), source.as_str()));
    tera.add_raw_templates(sources).map_err(|e| {
        let template = theme
            .templates
            .keys()
            .find(|name| e.to_string().contains(name.as_str()))
            .cloned()
            .unwrap_or_else(|| "(theme)".into());
        TemplateError {
            template,
            message: error_chain(&e),
        }
    })?;
    Ok(tera)
}

/// Escapes text for HTML text and quoted attributes. Unlike Tera's default it
/// leaves `/` alone, so URLs stay readable and pages stay small.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let bytes = input.as_bytes();
    let mut clean_from = 0;
    // Every character escaped here is ASCII, so the positions found are char
    // boundaries, and the runs between them are copied whole. memchr scans a
    // run many bytes at a time: titles, summaries and URLs rarely hold any.
    while let Some(offset) = next_to_escape(&bytes[clean_from..]) {
        let at = clean_from + offset;
        out.push_str(&input[clean_from..at]);
        out.push_str(match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        clean_from = at + 1;
    }
    out.push_str(&input[clean_from..]);
    out
}

/// The first `&`, `<`, `>`, `"` or `'` (memchr takes at most three needles).
fn next_to_escape(bytes: &[u8]) -> Option<usize> {
    let markup = memchr::memchr3(b'&', b'<', b'>', bytes);
    let before = &bytes[..markup.unwrap_or(bytes.len())];
    memchr::memchr2(b'"', b'\'', before).or(markup)
}

/// Tera's error and every cause, on one line: the causes carry the line numbers.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Everything a page render needs, shared by all pages of a build.
pub struct Renderer<'a> {
    pub tera: &'a Tera,
    pub config: &'a Config,
    pub index: &'a Index,
    pub posts: &'a [Post],
    pub site: SiteView,
    /// Each post's card and archive row, rendered once and shared by list pages.
    fragments: Fragments,
}

/// A page ready to render: its output path, its template and what the template sees.
pub struct PreparedPage {
    /// Output-relative, `/`-separated.
    pub path: String,
    pub template: &'static str,
    pub context: Context,
}

/// One output file.
pub struct Rendered {
    /// Output-relative, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

impl<'a> Renderer<'a> {
    pub fn new(tera: &'a Tera, config: &'a Config, index: &'a Index, posts: &'a [Post]) -> Self {
        Renderer {
            tera,
            config,
            index,
            posts,
            site: SiteView::new(config, index),
            fragments: Fragments::new(index.posts.len()),
        }
    }

    pub fn render(&self, job: &PageJob) -> Result<Rendered, TemplateError> {
        let page = self.prepare(job)?;
        let bytes = self.render_prepared(&page)?;
        Ok(Rendered {
            path: page.path,
            bytes,
        })
    }

    /// Everything one page's bytes depend on, short of the templates themselves.
    /// Fails only when a post's card or row does not render.
    pub fn prepare(&self, job: &PageJob) -> Result<PreparedPage, TemplateError> {
        let dir = plan::job_dir(job, self.index);
        let (template, context) = match job {
            PageJob::Article(i) => ("post.html", self.article(*i, &dir)),
            PageJob::List { of, page, pages } => self.list(of, *page, *pages, &dir)?,
            PageJob::TaxonomyIndex(kind) => ("taxonomy.html", self.taxonomy_index(*kind, &dir)),
            PageJob::Search => (
                "search.html",
                self.base_context(PageView::new("search", &dir, self.config)),
            ),
            PageJob::NotFound => ("404.html", self.base_context(self.not_found_view())),
        };
        let path = plan::job_path(job, self.index);
        Ok(PreparedPage {
            path,
            template,
            context,
        })
    }

    /// Post `i`'s card or row: its own small template, seeing `post` (as on
    /// list pages) and `path` (`site.path`, the prefix of every link).
    fn entry(&self, entry: Entry, i: usize) -> Result<&str, TemplateError> {
        self.fragments.get(entry, i, || {
            let mut context = Context::new();
            context.insert("post", &self.index.posts[i]);
            context.insert("path", &self.site.path);
            self.tera
                .render(entry.template(), &context)
                .map_err(|e| TemplateError::rendering(entry.template(), &e))
        })
    }

    pub fn render_prepared(&self, page: &PreparedPage) -> Result<Vec<u8>, TemplateError> {
        // `render_to` skips the UTF-8 check that `render` makes of every page it
        // returns as a String (2 % of a build): the bytes go straight to a file.
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(page.template, &page.context, &mut html)
            .map_err(|e| TemplateError::rendering(page.template, &e))?;
        Ok(html)
    }

    /// The 404 page is served in place of any missing URL; its own address is `/404.html`.
    fn not_found_view(&self) -> PageView {
        let mut view = PageView::new("404", "", self.config);
        view.url = "/404.html".to_string();
        view.canonical = format!("{}/404.html", self.config.base_url);
        view
    }

    fn base_context(&self, page: PageView) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.site);
        context.insert("page", &page);
        context
    }

    /// Ids of the posts whose own data (title, summary, body...) a page shows.
    /// Everything else a page shows (the site view, URLs, dates, taxonomies,
    /// archive ranges) is the index's structure. Incremental builds skip pages
    /// none of whose referenced posts changed when the structure did not, so
    /// every context builder below must take its posts from these helpers.
    pub fn references(&self, job: &PageJob) -> Vec<usize> {
        match job {
            PageJob::Article(i) => {
                let mut ids = vec![*i];
                ids.extend(i.checked_sub(1));
                ids.extend((i + 1 < self.index.posts.len()).then_some(i + 1));
                ids.extend(self.related(*i));
                ids
            }
            PageJob::List { of, page, .. } => self.list_ids(of, *page),
            PageJob::TaxonomyIndex(_) | PageJob::Search | PageJob::NotFound => Vec::new(),
        }
    }

    fn related(&self, i: usize) -> Vec<usize> {
        crate::index::related(self.index, i, 5)
    }

    /// The posts on page `page` of a list.
    fn list_ids(&self, of: &ListOf, page: usize) -> Vec<usize> {
        let per_page = self.config.paginate;
        let len = plan::list_len(of, self.index);
        let start = ((page - 1) * per_page).min(len);
        plan::page_posts(of, self.index, start..(start + per_page).min(len))
    }

    fn article(&self, i: usize, dir: &str) -> Context {
        let summary = &self.index.posts[i];
        let post = &self.posts[i];
        let mut page = PageView::new("article", dir, self.config);
        page.name = Some(summary.title.clone());
        page.meta = meta::PageMeta::article(self.config, summary, post);
        let mut context = self.base_context(page);
        context.insert("post", &ArticleView::new(summary, post));
        context.insert("newer", &i.checked_sub(1).map(|n| &self.index.posts[n]));
        context.insert("older", &self.index.posts.get(i + 1));
        let related: Vec<_> = self
            .related(i)
            .into_iter()
            .map(|r| &self.index.posts[r])
            .collect();
        context.insert("related", &related);
        context
    }

    fn list(
        &self,
        of: &ListOf,
        page: usize,
        pages: usize,
        dir: &str,
    ) -> Result<(&'static str, Context), TemplateError> {
        let index = self.index;
        let list_dir = plan::list_dir(of, index);
        let kind = match of {
            ListOf::Home => "home",
            ListOf::AllArchives => "archives",
            ListOf::Bucket(_) => "archive",
            ListOf::Term(TaxonomyKind::Categories, _) => "category",
            ListOf::Term(TaxonomyKind::Tags, _) => "tag",
            ListOf::Term(TaxonomyKind::Authors, _) => "author",
        };
        let mut view = PageView::new(kind, dir, self.config);
        view.number = page;
        view.pages = pages;
        view.count = plan::list_len(of, index);
        let mut context = Context::new();
        match of {
            ListOf::Home => {
                view.feed = Some("/atom.xml".into());
                if page == 1 {
                    context.insert("sections", &views::sections(index));
                }
            }
            ListOf::AllArchives if page == 1 => context.insert("timeline", &views::timeline(index)),
            ListOf::AllArchives => {}
            ListOf::Bucket(b) => {
                let bucket = &index.archives[*b];
                view.name = Some(bucket.label());
                context.insert("level", &level_name(bucket.level));
                context.insert("children", &views::bucket_children(index, *b));
            }
            ListOf::Term(kind, t) => {
                let term = &kind.of(index).terms[*t];
                view.name = Some(term.name().to_string());
                view.feed = Some(format!("{}atom.xml", dir_url(&term.dir)));
                context.insert("term", &views::TermView::from(term));
                context.insert("trail", &views::term_trail(*kind, index, term));
                context.insert("children", &views::term_children(*kind, index, term));
            }
        }
        let entry = match of {
            ListOf::AllArchives | ListOf::Bucket(_) => Entry::Row,
            _ => Entry::Card,
        };
        let items = self
            .list_ids(of, page)
            .into_iter()
            .map(|i| self.entry(entry, i))
            .collect::<Result<Vec<&str>, _>>()?;
        context.insert("site", &self.site);
        context.insert("page", &view);
        context.insert("items", &items);
        context.insert("pagination", &Pagination::new(&list_dir, page, pages));
        let template = if kind == "home" {
            "index.html"
        } else {
            "list.html"
        };
        Ok((template, context))
    }

    fn taxonomy_index(&self, kind: TaxonomyKind, dir: &str) -> Context {
        let name = kind.dir();
        let mut context = self.base_context(PageView::new(name, dir, self.config));
        context.insert("terms", &views::term_views(kind, self.index));
        if kind == TaxonomyKind::Categories {
            context.insert("tree", &views::term_tree(kind, self.index));
        }
        context
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Year => "year",
        Level::Month => "month",
        Level::Day => "day",
    }
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_markup_characters_once_and_leaves_the_rest() {
        let cases = [
            ("", ""),
            ("plain 文本", "plain 文本"),
            ("/a/b/", "/a/b/"),
            ("<script>", "&lt;script&gt;"),
            ("a & b", "a &amp; b"),
            ("&amp;", "&amp;amp;"),
            (r#"say "hi" 'there'"#, "say &quot;hi&quot; &#39;there&#39;"),
            ("阿里云<b>篓子</b>", "阿里云&lt;b&gt;篓子&lt;/b&gt;"),
            ("ends with <", "ends with &lt;"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_html(input), expected, "input {input:?}");
        }
    }

    proptest::proptest! {
        /// Agrees with escaping one character at a time.
        #[test]
        fn matches_escaping_each_character(input in "[a-z&<>\"' 文本/]{0,40}") {
            let expected: String = input
                .chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    c => c.to_string(),
                })
                .collect();
            proptest::prop_assert_eq!(escape_html(&input), expected);
        }
    }
}
