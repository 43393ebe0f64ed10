//! Dates and times as the commune lives them: Europe/Paris, summer time included. Stored
//! times are UTC milliseconds; forms and pages use the local wall clock.

use jiff::civil::DateTime;
use jiff::Timestamp;

use crate::ui::time::{local, paris};

/// The same wall-clock time one calendar month later in Paris (31 January gives the last
/// day of February), as a statutory "one month" deadline counts.
pub fn one_month_later(epoch_ms: i64) -> i64 {
    Timestamp::from_millisecond(epoch_ms)
        .ok()
        .and_then(|ts| {
            ts.to_zoned(paris())
                .checked_add(jiff::Span::new().months(1))
                .ok()
        })
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(epoch_ms + 31 * 24 * 3_600_000)
}

/// `01/12/2026 09:00` in Paris time.
pub fn format(epoch_ms: i64) -> String {
    local(epoch_ms)
        .map(|dt| dt.strftime("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// `2026-12-01T09:00`, the value of a `datetime-local` field.
pub fn to_input(epoch_ms: i64) -> String {
    local(epoch_ms)
        .map(|dt| dt.strftime("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// The Paris day of a time, `2026-12-01`.
pub fn day(epoch_ms: i64) -> String {
    local(epoch_ms)
        .map(|dt| dt.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A `datetime-local` value (`2026-12-01T09:00`, seconds optional) read as Paris time.
/// A time skipped when clocks go forward is moved past the gap; a time that happens
/// twice when they go back is the first of the two.
pub fn parse_input(raw: &str) -> Option<i64> {
    let dt: DateTime = raw.trim().parse().ok()?;
    let zoned = dt.to_zoned(paris()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_and_summer_times_follow_paris() {
        // 2026-01-15 09:00 in Paris is 08:00 UTC; 2026-07-15 09:00 is 07:00 UTC.
        let winter = parse_input("2026-01-15T09:00").unwrap();
        let summer = parse_input("2026-07-15T09:00").unwrap();
        assert_eq!(winter, 1_768_464_000_000);
        assert_eq!(summer, 1_784_098_800_000);
        assert_eq!(format(winter), "15/01/2026 09:00");
        assert_eq!(to_input(summer), "2026-07-15T09:00");
        assert_eq!(day(summer), "2026-07-15");
    }

    #[test]
    fn a_time_skipped_by_the_spring_change_still_reads() {
        // 2026-03-29: clocks go from 02:00 to 03:00.
        let gap = parse_input("2026-03-29T02:30").unwrap();
        assert_eq!(format(gap), "29/03/2026 03:30");
        assert_eq!(parse_input("not a date"), None);
    }

    #[test]
    fn a_month_later_is_a_calendar_month_in_paris_time() {
        let jan31 = parse_input("2027-01-31T10:00").unwrap();
        assert_eq!(format(one_month_later(jan31)), "28/02/2027 10:00");
        // Across the spring change the wall-clock time stays.
        let march = parse_input("2027-03-15T10:00").unwrap();
        assert_eq!(format(one_month_later(march)), "15/04/2027 10:00");
    }
}
