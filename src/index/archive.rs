//! Date archives. Posts are sorted newest first, so every year, month and day is
//! a contiguous range of the index: buckets store ranges, not post lists.

use std::ops::Range;

use crate::model::PostRef;
use crate::paths::dir_url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Year,
    Month,
    Day,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub level: Level,
    pub year: i16,
    pub month: i8,
    pub day: i8,
    /// `archives/2021`, `archives/2021/12` or `archives/2021/12/24`.
    pub dir: String,
    pub url: String,
    pub posts: Range<usize>,
}

impl Bucket {
    pub fn label(&self) -> String {
        match self.level {
            Level::Year => format!("{:04}", self.year),
            Level::Month => format!("{:04}-{:02}", self.year, self.month),
            Level::Day => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

/// All buckets: every year, then every month, then every day, each newest first.
pub fn buckets(posts: &[PostRef]) -> Vec<Bucket> {
    let mut out = Vec::new();
    for level in [Level::Year, Level::Month, Level::Day] {
        let mut start = 0;
        while start < posts.len() {
            let k = key(&posts[start], level);
            let len = posts[start..]
                .iter()
                .take_while(|p| key(p, level) == k)
                .count();
            let (year, month, day) = k;
            let dir = match level {
                Level::Year => format!("archives/{year:04}"),
                Level::Month => format!("archives/{year:04}/{month:02}"),
                Level::Day => format!("archives/{year:04}/{month:02}/{day:02}"),
            };
            out.push(Bucket {
                level,
                year,
                month,
                day,
                url: dir_url(&dir),
                dir,
                posts: start..start + len,
            });
            start += len;
        }
    }
    out
}

fn key(post: &PostRef, level: Level) -> (i16, i8, i8) {
    let d = post.date.date();
    match level {
        Level::Year => (d.year(), 0, 0),
        Level::Month => (d.year(), d.month(), 0),
        Level::Day => (d.year(), d.month(), d.day()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_local_dates() {
        // 16:00 GMT on 23 Dec is 24 Dec in Shanghai; 16:30 GMT on 31 Dec is next year.
        let dates = [
            "2022-01-01T00:30:00+08:00[Asia/Shanghai]",
            "2021-12-24T00:00:00+08:00[Asia/Shanghai]",
            "2021-12-24T00:00:00+08:00[Asia/Shanghai]",
            "2021-11-02T09:00:00+08:00[Asia/Shanghai]",
        ];
        let posts: Vec<PostRef> = dates
            .iter()
            .map(|d| PostRef::for_test("t", "/t/", d.parse().unwrap()))
            .collect();
        let got: Vec<(String, Range<usize>)> = buckets(&posts)
            .into_iter()
            .map(|b| (b.dir, b.posts))
            .collect();
        let want = [
            ("archives/2022", 0..1),
            ("archives/2021", 1..4),
            ("archives/2022/01", 0..1),
            ("archives/2021/12", 1..3),
            ("archives/2021/11", 3..4),
            ("archives/2022/01/01", 0..1),
            ("archives/2021/12/24", 1..3),
            ("archives/2021/11/02", 3..4),
        ];
        let want: Vec<(String, Range<usize>)> = want
            .iter()
            .map(|(d, r)| (d.to_string(), r.clone()))
            .collect();
        assert_eq!(got, want);
    }
}
