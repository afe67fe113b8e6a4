//! Dates as scraped archives write them, parsed straight into zoned values in the
//! site's time zone so nothing downstream ever sees a naive time.
//!
//! ISO-like dates (RFC 3339, YAML timestamps, `YYYY-MM-DD HH:MM`, `YYYY/MM/DD`) go
//! through a small hand-written reader that accepts one-digit fields; everything else
//! is tried as RFC 2822, then as a Temporal string with a `[Zone/Name]` annotation.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::Zoned;

/// What `parse_date` accepts, for error messages.
pub const ACCEPTED_FORMATS: &str = "RFC 2822 (`Thu, 23 Dec 2021 16:00:00 GMT`), \
    RFC 3339 (`2021-12-23T16:00:00+08:00`), `YYYY-MM-DD[ HH:MM[:SS]]` or \
    `YYYY/MM/DD[ HH:MM[:SS]]` (no offset means the site's time zone)";

/// Parses `text` into the site's zone `tz`. A time without an offset is a wall time
/// in `tz` (gaps and folds resolved the compatible way); a time with an offset is
/// converted to `tz`.
pub fn parse_date(text: &str, tz: &TimeZone) -> Result<Zoned, String> {
    parse_date_noting(text, tz).map(|(zoned, _)| zoned)
}

/// Like [`parse_date`], and also returns a note when reading the text needed a
/// guess (an RFC 2822 weekday that contradicts the date is ignored).
pub fn parse_date_noting(text: &str, tz: &TimeZone) -> Result<(Zoned, Option<String>), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the date is empty".into());
    }
    if let Some(iso) = read_iso_like(text) {
        return iso
            .and_then(|parts| parts.into_zoned(tz))
            .map(|z| (z, None));
    }
    match jiff::fmt::rfc2822::parse(text) {
        Ok(zoned) => return Ok((zoned.with_time_zone(tz.clone()), None)),
        Err(error) if error.to_string().contains("weekday") => {
            if let Some(without_weekday) = strip_weekday(text) {
                if let Ok(zoned) = jiff::fmt::rfc2822::parse(without_weekday) {
                    let note =
                        format!("the weekday in `{text}` does not match the date; ignored it");
                    return Ok((zoned.with_time_zone(tz.clone()), Some(note)));
                }
            }
        }
        Err(_) => {}
    }
    if let Ok(zoned) = text.parse::<Zoned>() {
        return Ok((zoned.with_time_zone(tz.clone()), None));
    }
    Err(format!(
        "`{text}` is not a date; expected {ACCEPTED_FORMATS}"
    ))
}

fn strip_weekday(text: &str) -> Option<&str> {
    let (weekday, rest) = text.split_once(',')?;
    weekday
        .trim()
        .chars()
        .all(|c| c.is_ascii_alphabetic())
        .then_some(rest)
}

/// The pieces of an ISO-like date, before a time zone is applied.
struct IsoParts {
    datetime: DateTime,
    offset: Option<Offset>,
}

impl IsoParts {
    fn into_zoned(self, tz: &TimeZone) -> Result<Zoned, String> {
        match self.offset {
            Some(offset) => offset
                .to_timestamp(self.datetime)
                .map(|ts| ts.to_zoned(tz.clone()))
                .map_err(|e| e.to_string()),
            None => self
                .datetime
                .to_zoned(tz.clone())
                .map_err(|e| e.to_string()),
        }
    }
}

/// `None` when `text` is not shaped like an ISO date at all (so other readers may
/// try), `Some(Err)` when it is but a field is out of range.
fn read_iso_like(text: &str) -> Option<Result<IsoParts, String>> {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        at: 0,
    };
    let year = cursor.number(4, 4)?;
    let separator = cursor.one_of(b"-/")?;
    let month = cursor.number(1, 2)?;
    cursor.exact(separator)?;
    let day = cursor.number(1, 2)?;
    let mut time = (0, 0, 0, 0);
    let mut offset = None;
    if !cursor.done() {
        if cursor.one_of(b"Tt").is_none() && cursor.spaces() == 0 {
            return None;
        }
        time = read_time(&mut cursor)?;
        cursor.spaces();
        if !cursor.done() {
            offset = Some(read_offset(&mut cursor)?);
        }
    }
    if !cursor.done() {
        return None;
    }
    let (hour, minute, second, nanos) = time;
    let built = build_parts(year, month, day, (hour, minute, second, nanos), offset);
    Some(built)
}

fn build_parts(
    year: u32,
    month: u32,
    day: u32,
    (hour, minute, second, nanos): (u32, u32, u32, u32),
    offset: Option<Result<Offset, String>>,
) -> Result<IsoParts, String> {
    let narrow = |v: u32| i8::try_from(v).map_err(|_| format!("{v} is out of range"));
    let year = i16::try_from(year).map_err(|_| format!("year {year} is out of range"))?;
    let date = Date::new(year, narrow(month)?, narrow(day)?).map_err(|e| e.to_string())?;
    // A leap second is read as the last second of its minute, as RFC 3339 readers do.
    let second = second.min(59);
    let nanos = i32::try_from(nanos).map_err(|e| e.to_string())?;
    let time = Time::new(narrow(hour)?, narrow(minute)?, narrow(second)?, nanos)
        .map_err(|e| e.to_string())?;
    let offset = offset.transpose()?;
    Ok(IsoParts {
        datetime: date.to_datetime(time),
        offset,
    })
}

/// `H[H]:MM[:SS[.fraction]]` as (hour, minute, second, nanoseconds).
fn read_time(cursor: &mut Cursor) -> Option<(u32, u32, u32, u32)> {
    let hour = cursor.number(1, 2)?;
    cursor.exact(b':')?;
    let minute = cursor.number(2, 2)?;
    let mut second = 0;
    let mut nanos = 0;
    if cursor.exact(b':').is_some() {
        second = cursor.number(2, 2)?;
        if cursor.one_of(b".,").is_some() {
            nanos = cursor.fraction()?;
        }
    }
    Some((hour, minute, second, nanos))
}

/// `Z`, `UTC`, `GMT`, `+HH:MM`, `+HHMM`, `+HH` or `+H` (YAML allows one digit).
fn read_offset(cursor: &mut Cursor) -> Option<Result<Offset, String>> {
    for name in ["Z", "UTC", "GMT"] {
        if cursor.word(name) {
            return Some(Ok(Offset::UTC));
        }
    }
    let sign: i32 = match cursor.one_of(b"+-")? {
        b'+' => 1,
        _ => -1,
    };
    let hours = cursor.number(1, 2)?;
    let colon = cursor.exact(b':').is_some();
    let minutes = match cursor.number(2, 2) {
        Some(m) => m,
        None if colon => return None,
        None => 0,
    };
    let seconds = sign * i32::try_from(hours * 3600 + minutes * 60).ok()?;
    Some(Offset::from_seconds(seconds).map_err(|e| e.to_string()))
}

/// A byte cursor over ASCII date text; every reader returns `None` on a mismatch.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Between `min` and `max` ASCII digits, read greedily.
    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        let mut value: u32 = 0;
        while self.at - start < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.at += 1;
                }
                _ => break,
            }
        }
        (self.at - start >= min).then_some(value)
    }

    /// Fractional-second digits as nanoseconds; digits past the ninth are dropped.
    fn fraction(&mut self) -> Option<u32> {
        let start = self.at;
        let mut nanos: u32 = 0;
        let mut scale: u32 = 100_000_000;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            nanos += u32::from(b - b'0') * scale;
            scale /= 10;
            self.at += 1;
        }
        (self.at > start).then_some(nanos)
    }

    fn exact(&mut self, byte: u8) -> Option<u8> {
        self.one_of(&[byte])
    }

    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| set.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn spaces(&mut self) -> usize {
        let start = self.at;
        while self.one_of(b" \t").is_some() {}
        self.at - start
    }

    fn word(&mut self, word: &str) -> bool {
        let end = self.at + word.len();
        let matches = self
            .bytes
            .get(self.at..end)
            .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()));
        if matches {
            self.at = end;
        }
        matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").expect("bundled tzdb")
    }

    fn in_zone(text: &str, zone: &str) -> Result<String, String> {
        let tz = TimeZone::get(zone).expect("bundled tzdb");
        parse_date(text, &tz).map(|z| z.strftime("%Y-%m-%d %H:%M:%S %:z").to_string())
    }

    #[test]
    fn every_format_in_shanghai() {
        let cases = [
            // The first seed: late evening UTC is the next day in Shanghai.
            (
                "Thu, 23 Dec 2021 16:00:00 GMT",
                "2021-12-24 00:00:00 +08:00",
            ),
            // Crossing the year.
            (
                "Fri, 31 Dec 2021 16:30:00 GMT",
                "2022-01-01 00:30:00 +08:00",
            ),
            (
                "Fri, 31 Dec 2021 15:59:59 GMT",
                "2021-12-31 23:59:59 +08:00",
            ),
            (
                "Thu, 23 Dec 2021 16:00:00 +0800",
                "2021-12-23 16:00:00 +08:00",
            ),
            ("23 Dec 2021 16:00:00 +0000", "2021-12-24 00:00:00 +08:00"),
            ("Thu, 23 Dec 2021 16:00 GMT", "2021-12-24 00:00:00 +08:00"),
            (
                "Thu, 23 Dec 2021 16:00:00 +0000 (UTC)",
                "2021-12-24 00:00:00 +08:00",
            ),
            // Naive: the wall time in the site's zone.
            ("2021-08-07 02:22:05", "2021-08-07 02:22:05 +08:00"),
            ("2021-08-07T02:22:05", "2021-08-07 02:22:05 +08:00"),
            ("2021-08-07 02:22", "2021-08-07 02:22:00 +08:00"),
            ("2021-08-07", "2021-08-07 00:00:00 +08:00"),
            ("2021/08/07 02:22", "2021-08-07 02:22:00 +08:00"),
            ("2021/8/7", "2021-08-07 00:00:00 +08:00"),
            ("  2021-08-07 02:22:05  ", "2021-08-07 02:22:05 +08:00"),
            // RFC 3339 and YAML timestamps, converted to the site's zone.
            ("2021-12-31T16:30:00Z", "2022-01-01 00:30:00 +08:00"),
            (
                "2021-12-31T16:30:00.123456789Z",
                "2022-01-01 00:30:00 +08:00",
            ),
            ("2021-12-31t16:30:00z", "2022-01-01 00:30:00 +08:00"),
            ("2021-08-07T02:22:05+09:00", "2021-08-07 01:22:05 +08:00"),
            ("2021-08-07 02:22:05 +0530", "2021-08-07 04:52:05 +08:00"),
            ("2001-12-14 21:59:43.10 -5", "2001-12-15 10:59:43 +08:00"),
            ("2001-12-15 2:59:43.10", "2001-12-15 02:59:43 +08:00"),
            ("2021-08-07 02:22:05 UTC", "2021-08-07 10:22:05 +08:00"),
            ("2016-12-31T23:59:60Z", "2017-01-01 07:59:59 +08:00"),
            (
                "2021-08-07T02:22:05+08:00[Asia/Shanghai]",
                "2021-08-07 02:22:05 +08:00",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                in_zone(text, "Asia/Shanghai").as_deref(),
                Ok(want),
                "{text}"
            );
        }
    }

    #[test]
    fn daylight_saving_gaps_and_folds() {
        let cases = [
            // 02:30 does not exist on 2021-03-14 in New York: compatible moves it forward.
            (
                "2021-03-14 02:30",
                "America/New_York",
                "2021-03-14 03:30:00 -04:00",
            ),
            // 01:30 happens twice on 2021-11-07: compatible takes the earlier one.
            (
                "2021-11-07 01:30",
                "America/New_York",
                "2021-11-07 01:30:00 -04:00",
            ),
            (
                "Sun, 07 Nov 2021 06:30:00 GMT",
                "America/New_York",
                "2021-11-07 01:30:00 -05:00",
            ),
            ("2021-12-31 23:59:59", "UTC", "2021-12-31 23:59:59 +00:00"),
        ];
        for (text, zone, want) in cases {
            assert_eq!(in_zone(text, zone).as_deref(), Ok(want), "{text} in {zone}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        let cases = [
            ("", "empty"),
            ("yesterday", "expected RFC 2822"),
            ("2021-13-01", "month"),
            ("2021-02-30", "day"),
            ("2021-08-07 25:00", "hour"),
            ("2021-08-07 02:22:05 +26:00", "offset"),
            ("2021-08-07 02:22:05 junk", "expected RFC 2822"),
            ("2021-08-07x", "expected RFC 2822"),
            ("Thu, 32 Dec 2021 16:00:00 GMT", "expected RFC 2822"),
            ("1640275200", "expected RFC 2822"),
            ("2021", "expected RFC 2822"),
        ];
        for (text, want) in cases {
            match parse_date(text, &shanghai()) {
                Err(message) => assert!(message.contains(want), "{text}: {message}"),
                Ok(z) => panic!("{text} parsed as {z}"),
            }
        }
    }

    #[test]
    fn a_wrong_weekday_is_ignored_with_a_note() {
        let (zoned, note) =
            parse_date_noting("Fri, 23 Dec 2021 16:00:00 GMT", &shanghai()).expect("readable");
        assert_eq!(
            zoned.strftime("%Y-%m-%d %H:%M").to_string(),
            "2021-12-24 00:00"
        );
        assert!(note.is_some_and(|n| n.contains("weekday")));
        let (_, note) =
            parse_date_noting("Thu, 23 Dec 2021 16:00:00 GMT", &shanghai()).expect("readable");
        assert_eq!(note, None);
    }
}
