//! Dates as scraped archives write them, parsed straight into zoned values in the
//! site's time zone so nothing downstream ever sees a naive time.

use jiff::tz::TimeZone;
use jiff::Zoned;

/// STUB (to be replaced): RFC 2822 and `YYYY-MM-DD HH:MM:SS` only.
pub fn parse_date(text: &str, tz: &TimeZone) -> Result<Zoned, String> {
    let text = text.trim();
    if let Ok(z) = jiff::fmt::rfc2822::parse(text) {
        return Ok(z.with_time_zone(tz.clone()));
    }
    let dt: jiff::civil::DateTime = text.parse().map_err(|e| format!("{e}"))?;
    dt.to_zoned(tz.clone()).map_err(|e| e.to_string())
}
