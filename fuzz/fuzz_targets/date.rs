//! Dates: any text in a few zones. Must never panic; a date it accepts must
//! read back the same from its RFC 3339 form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for zone in ["UTC", "Asia/Shanghai", "America/St_Johns"] {
        let tz = jiff::tz::TimeZone::get(zone).unwrap();
        if let Ok(zoned) = gazette::date::parse_date(text, &tz) {
            let written = zoned.timestamp().to_string();
            let again = gazette::date::parse_date(&written, &tz)
                .unwrap_or_else(|e| panic!("{text:?} -> {written:?}: {e}"));
            assert_eq!(again.timestamp(), zoned.timestamp(), "{text:?}");
        }
    }
});
