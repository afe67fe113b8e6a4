//! Property tests: any instant written in each accepted format, with any offset,
//! reads back as the same instant in the site's zone.

use gazette::date::parse_date;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use proptest::prelude::*;

fn zone() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "UTC",
        "Asia/Shanghai",
        "America/New_York",
        "Asia/Kolkata",
        "America/St_Johns",
        "Pacific/Chatham",
    ])
}

/// A civil date-time (whole seconds) and an offset of whole minutes within ±14h.
fn moment() -> impl Strategy<Value = (DateTime, i32)> {
    (
        1900i16..2100,
        1i8..=12,
        1i8..=28,
        0i8..24,
        0i8..60,
        0i8..60,
        -(14 * 60)..=(14 * 60),
    )
        .prop_map(|(y, mo, d, h, mi, s, offset_minutes)| {
            (
                DateTime::new(y, mo, d, h, mi, s, 0).unwrap(),
                offset_minutes,
            )
        })
}

fn offset_text(minutes: i32, colon: bool) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn offsets_round_trip((civil, minutes) in moment(), zone in zone()) {
        let tz = TimeZone::get(zone).unwrap();
        let offset = Offset::from_seconds(minutes * 60).unwrap();
        let instant: Timestamp = offset.to_timestamp(civil).unwrap();
        let iso = civil.strftime("%Y-%m-%d").to_string();
        let time = civil.strftime("%H:%M:%S").to_string();
        let weekday_free_rfc2822 = civil.strftime("%d %b %Y %H:%M:%S").to_string();
        let written = [
            format!("{iso}T{time}{}", offset_text(minutes, true)),
            format!("{iso}t{time}{}", offset_text(minutes, true)),
            format!("{iso} {time} {}", offset_text(minutes, true)),
            format!("{iso} {time}{}", offset_text(minutes, false)),
            format!("{} {time}{}", iso.replace('-', "/"), offset_text(minutes, true)),
            format!("{weekday_free_rfc2822} {}", offset_text(minutes, false)),
            format!("{}, {weekday_free_rfc2822} {}", civil.strftime("%a"), offset_text(minutes, false)),
        ];
        for text in &written {
            let parsed = parse_date(text, &tz).map_err(TestCaseError::fail)?;
            prop_assert_eq!(parsed.timestamp(), instant, "{}", text);
            prop_assert_eq!(parsed.time_zone(), &tz, "{}", text);
        }
        // And a UTC instant in RFC 3339 and in RFC 2822 GMT form.
        let utc = instant.to_zoned(TimeZone::UTC);
        for text in [instant.to_string(), utc.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string()] {
            let parsed = parse_date(&text, &tz).map_err(TestCaseError::fail)?;
            prop_assert_eq!(parsed.timestamp(), instant, "{}", text);
        }
    }

    /// A date without an offset is a wall time in the site's zone: written back in
    /// that zone it gives the same civil time (except inside DST gaps).
    #[test]
    fn naive_dates_are_wall_times((civil, _) in moment(), zone in zone()) {
        let tz = TimeZone::get(zone).unwrap();
        let expected = tz.to_ambiguous_zoned(civil).compatible().unwrap();
        let iso = civil.strftime("%Y-%m-%d %H:%M:%S").to_string();
        let unpadded = format!(
            "{}/{}/{} {}:{:02}",
            civil.year(), civil.month(), civil.day(), civil.hour(), civil.minute()
        );
        let parsed = parse_date(&iso, &tz).map_err(TestCaseError::fail)?;
        prop_assert_eq!(parsed.timestamp(), expected.timestamp(), "{}", iso);
        let parsed = parse_date(&unpadded, &tz).map_err(TestCaseError::fail)?;
        let minute_only = tz
            .to_ambiguous_zoned(civil.with().second(0).build().unwrap())
            .compatible()
            .unwrap();
        prop_assert_eq!(parsed.timestamp(), minute_only.timestamp(), "{}", unpadded);
        // Date only: midnight, site zone.
        let day = civil.date().strftime("%Y-%m-%d").to_string();
        let midnight = tz.to_ambiguous_zoned(civil.date().to_datetime(jiff::civil::Time::midnight()))
            .compatible()
            .unwrap();
        let parsed = parse_date(&day, &tz).map_err(TestCaseError::fail)?;
        prop_assert_eq!(parsed.timestamp(), midnight.timestamp(), "{}", day);
    }
}
