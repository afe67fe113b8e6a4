//! The page plan: every page the site will have, as small jobs that name their
//! data by index. Planning is cheap and allocation-light; rendering does the work.

use std::ops::Range;

use crate::index::{Index, Level};
use crate::paths::page_dir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyKind {
    Categories,
    Tags,
    Authors,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 3] = [Self::Categories, Self::Tags, Self::Authors];

    pub fn dir(self) -> &'static str {
        match self {
            Self::Categories => "categories",
            Self::Tags => "tags",
            Self::Authors => "authors",
        }
    }

    pub fn of(self, index: &Index) -> &crate::index::Taxonomy {
        match self {
            Self::Categories => &index.categories,
            Self::Tags => &index.tags,
            Self::Authors => &index.authors,
        }
    }
}

/// Which posts a list page shows, before pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOf {
    Home,
    /// `/archives/`: every post, newest first.
    AllArchives,
    /// Index into `Index::archives`.
    Bucket(usize),
    Term(TaxonomyKind, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageJob {
    Article(usize),
    List {
        of: ListOf,
        /// 1-based.
        page: usize,
        pages: usize,
    },
    TaxonomyIndex(TaxonomyKind),
    Search,
    NotFound,
}

/// The list's own directory (its page 1).
pub fn list_dir<'a>(of: &ListOf, index: &'a Index) -> std::borrow::Cow<'a, str> {
    match of {
        ListOf::Home => "".into(),
        ListOf::AllArchives => "archives".into(),
        ListOf::Bucket(b) => index.archives[*b].dir.as_str().into(),
        ListOf::Term(kind, t) => kind.of(index).terms[*t].dir.as_str().into(),
    }
}

/// The posts a list shows, as a count and a way to fetch the i-th.
pub fn list_len(of: &ListOf, index: &Index) -> usize {
    match of {
        ListOf::Home | ListOf::AllArchives => index.posts.len(),
        ListOf::Bucket(b) => index.archives[*b].posts.len(),
        ListOf::Term(kind, t) => kind.of(index).terms[*t].posts.len(),
    }
}

/// Post ids shown on one page of a list.
pub fn page_posts(of: &ListOf, index: &Index, range: Range<usize>) -> Vec<usize> {
    match of {
        ListOf::Home | ListOf::AllArchives => range.collect(),
        ListOf::Bucket(b) => {
            let start = index.archives[*b].posts.start;
            range.map(|i| start + i).collect()
        }
        ListOf::Term(kind, t) => kind.of(index).terms[*t].posts[range]
            .iter()
            .map(|&i| i as usize)
            .collect(),
    }
}

pub fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page).max(1)
}

/// Output directory of one job.
pub fn job_dir(job: &PageJob, index: &Index) -> String {
    match job {
        PageJob::Article(i) => index.posts[*i].dir.clone(),
        PageJob::List { of, page, .. } => page_dir(&list_dir(of, index), *page),
        PageJob::TaxonomyIndex(kind) => kind.dir().to_string(),
        PageJob::Search => "search".to_string(),
        PageJob::NotFound => String::new(),
    }
}

/// Output-relative file of one job.
pub fn job_path(job: &PageJob, index: &Index) -> String {
    match job {
        PageJob::NotFound => "404.html".to_string(),
        _ => crate::paths::index_file(&job_dir(job, index)),
    }
}

/// Every page of the site. Articles come first so their bodies can be dropped early.
pub fn plan(index: &Index, per_page: usize, include_search: bool) -> Vec<PageJob> {
    let mut jobs: Vec<PageJob> = (0..index.posts.len()).map(PageJob::Article).collect();
    let mut lists = vec![ListOf::Home, ListOf::AllArchives];
    lists.extend((0..index.archives.len()).map(ListOf::Bucket));
    for kind in TaxonomyKind::ALL {
        lists.extend((0..kind.of(index).terms.len()).map(|t| ListOf::Term(kind, t)));
        jobs.push(PageJob::TaxonomyIndex(kind));
    }
    for of in lists {
        let pages = page_count(list_len(&of, index), per_page);
        jobs.extend((1..=pages).map(|page| PageJob::List {
            of: of.clone(),
            page,
            pages,
        }));
    }
    if include_search {
        jobs.push(PageJob::Search);
    }
    jobs.push(PageJob::NotFound);
    jobs
}

/// Buckets one level below `bucket` (a year's months, a month's days).
pub fn child_buckets(index: &Index, bucket: usize) -> Vec<usize> {
    let parent = &index.archives[bucket];
    let child_level = match parent.level {
        Level::Year => Level::Month,
        Level::Month => Level::Day,
        Level::Day => return Vec::new(),
    };
    (0..index.archives.len())
        .filter(|&i| {
            let b = &index.archives[i];
            b.level == child_level
                && b.posts.start >= parent.posts.start
                && b.posts.end <= parent.posts.end
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_counts() {
        let cases = [
            (0, 10, 1),
            (1, 10, 1),
            (10, 10, 1),
            (11, 10, 2),
            (100_000, 10, 10_000),
        ];
        for (len, per, want) in cases {
            assert_eq!(page_count(len, per), want, "{len}/{per}");
        }
    }
}
