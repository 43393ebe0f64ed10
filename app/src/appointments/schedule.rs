//! Calendar arithmetic in the commune's time zone: the slots of a day, the days residents
//! may book, and whether a place is open at a moment. Opening hours are local
//! (Europe/Paris) wall-clock times; slots are stored as UTC instants, so a 09:00 slot is
//! 08:00 UTC in winter and 07:00 UTC in summer. A wall-clock time that does not exist
//! (spring change) or happens twice (autumn change) gives no slot.

use super::model::{Day, DayHours, Minute, OpenState, WeekHours};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

const HOUR_MS: i64 = 3_600_000;

fn paris() -> TimeZone {
    crate::ui::time::paris()
}

/// A day the commune changes its hours: closed (no ranges) or other hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub id: i64,
    pub first_day: Date,
    pub last_day: Date,
    pub hours: DayHours,
    pub label: String,
}

/// How an agenda hands out slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub week: WeekHours,
    pub slot_minutes: i64,
    pub horizon_days: i64,
    pub notice_hours: i64,
}

/// One slot: its instants and its local start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotTime {
    pub starts_at: i64,
    pub ends_at: i64,
    pub start: Minute,
}

/// Reads `2026-12-01`.
pub fn parse_day(raw: &str) -> Option<Date> {
    raw.trim().parse().ok()
}

/// The day as pages show it.
pub fn day_of(date: Date) -> Day {
    Day {
        iso: date.to_string(),
        weekday: u8::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0),
        day: u8::try_from(date.day()).unwrap_or(1),
        month: u8::try_from(date.month()).unwrap_or(1),
        year: date.year(),
    }
}

/// The Paris day and minute of an instant.
pub fn local(epoch_ms: i64) -> (Date, Minute) {
    let zoned = Timestamp::from_millisecond(epoch_ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(paris());
    let minute =
        u16::try_from(i32::from(zoned.hour()) * 60 + i32::from(zoned.minute())).unwrap_or(0);
    (zoned.date(), minute)
}

/// The Paris day of an instant.
pub fn today(now_ms: i64) -> Date {
    local(now_ms).0
}

/// `date` plus `days` (saturating at the calendar's ends).
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

/// The hours of `date`: an exception covering it, otherwise its weekday's.
pub fn hours_on<'a>(week: &'a WeekHours, exceptions: &'a [Exception], date: Date) -> &'a DayHours {
    exceptions
        .iter()
        .find(|e| e.first_day <= date && date <= e.last_day)
        .map(|e| &e.hours)
        .unwrap_or_else(|| {
            let index = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
            &week.0[index]
        })
}

/// The instant of a local wall-clock time on `date`, when it exists once.
fn instant(date: Date, minute: Minute) -> Option<i64> {
    let hour = i8::try_from(minute / 60).ok()?;
    let min = i8::try_from(minute % 60).ok()?;
    let dt = date.at(hour, min, 0, 0);
    let ts = paris().to_ambiguous_timestamp(dt).unambiguous().ok()?;
    Some(ts.as_millisecond())
}

/// Every slot of `date`, whatever the notice and horizon.
pub fn slots_on(rules: &Rules, exceptions: &[Exception], date: Date) -> Vec<SlotTime> {
    let length = Minute::try_from(rules.slot_minutes).unwrap_or(Minute::MAX);
    if length == 0 {
        return Vec::new();
    }
    let mut slots = Vec::new();
    for &(open, close) in &hours_on(&rules.week, exceptions, date).0 {
        let mut start = open;
        while start.saturating_add(length) <= close {
            if let Some(starts_at) = instant(date, start) {
                slots.push(SlotTime {
                    starts_at,
                    ends_at: starts_at + rules.slot_minutes * 60_000,
                    start,
                });
            }
            start += length;
        }
    }
    slots
}

/// The days residents may book now: from today to today + horizon.
pub fn bookable_days(rules: &Rules, now_ms: i64) -> (Date, Date) {
    let first = today(now_ms);
    (first, add_days(first, rules.horizon_days))
}

/// The earliest instant a slot may start at to be booked now.
pub fn earliest_start(rules: &Rules, now_ms: i64) -> i64 {
    now_ms + rules.notice_hours * HOUR_MS
}

/// Why a slot cannot be booked now, as a translation key, or `None` when it can.
pub fn refusal(
    rules: &Rules,
    exceptions: &[Exception],
    starts_at: i64,
    now_ms: i64,
) -> Option<&'static str> {
    if starts_at <= now_ms {
        return Some("errors.appt_past");
    }
    if starts_at < earliest_start(rules, now_ms) {
        return Some("errors.appt_too_soon");
    }
    let (date, _) = local(starts_at);
    let (_, last) = bookable_days(rules, now_ms);
    if date > last {
        return Some("errors.appt_beyond_horizon");
    }
    let slots = slots_on(rules, exceptions, date);
    if slots.is_empty() {
        return Some("errors.appt_closed_day");
    }
    if !slots.iter().any(|s| s.starts_at == starts_at) {
        return Some("errors.appt_no_such_slot");
    }
    None
}

/// Whether a place with these hours is open at `now_ms`, and until or from when (looking
/// two weeks ahead).
pub fn open_state(week: &WeekHours, exceptions: &[Exception], now_ms: i64) -> OpenState {
    let (date, minute) = local(now_ms);
    let ranges = &hours_on(week, exceptions, date).0;
    if let Some(&(_, close)) = ranges.iter().find(|(s, e)| *s <= minute && minute < *e) {
        return OpenState::Open {
            until: super::model::clock_text(close),
        };
    }
    if let Some(&(open, _)) = ranges.iter().find(|(s, _)| *s > minute) {
        return OpenState::Closed {
            next: Some((day_of(date), super::model::clock_text(open))),
        };
    }
    let next = (1..=14).find_map(|ahead| {
        let later = add_days(date, ahead);
        hours_on(week, exceptions, later)
            .0
            .first()
            .map(|&(open, _)| (day_of(later), super::model::clock_text(open)))
    });
    OpenState::Closed { next }
}

/// `09:30`, the Paris time of an instant.
pub fn time_text(epoch_ms: i64) -> String {
    super::model::clock_text(local(epoch_ms).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(hours: &str) -> Rules {
        let mut days: [String; 7] = Default::default();
        for day in &mut days {
            *day = hours.into();
        }
        Rules {
            week: WeekHours::parse_days(&days).unwrap(),
            slot_minutes: 30,
            horizon_days: 30,
            notice_hours: 24,
        }
    }

    fn at(raw: &str) -> i64 {
        crate::server::paris::parse_input(raw).unwrap()
    }

    #[test]
    fn slots_follow_paris_time_on_both_sides_of_the_spring_change() {
        let rules = rules("9h-10h");
        // Saturday 28 March 2026, winter time (UTC+1); Sunday 29, summer time (UTC+2).
        let before = slots_on(&rules, &[], parse_day("2026-03-28").unwrap());
        let after = slots_on(&rules, &[], parse_day("2026-03-29").unwrap());
        assert_eq!(before.len(), 2);
        assert_eq!(before[0].starts_at, 1_774_684_800_000, "08:00 UTC");
        assert_eq!(after[0].starts_at, 1_774_767_600_000, "07:00 UTC");
        assert_eq!(after[1].starts_at - after[0].starts_at, 30 * 60_000);
        assert_eq!(time_text(after[1].starts_at), "09:30");
    }

    #[test]
    fn wall_clock_times_skipped_or_repeated_give_no_slot() {
        let night = rules("1h-4h");
        // 29 March 2026: 02:00–03:00 does not exist.
        let spring = slots_on(&night, &[], parse_day("2026-03-29").unwrap());
        let starts: Vec<Minute> = spring.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![60, 90, 180, 210]);
        // 25 October 2026: 02:00–03:00 happens twice.
        let autumn = slots_on(&night, &[], parse_day("2026-10-25").unwrap());
        let starts: Vec<Minute> = autumn.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![60, 90, 180, 210]);
        // The 01:30 slot ends at 02:00 summer time, the 03:00 one starts an hour later.
        assert_eq!(autumn[2].starts_at - autumn[1].starts_at, 150 * 60_000);
    }

    #[test]
    fn a_closed_day_and_other_hours_override_the_week() {
        let rules = rules("9h-12h");
        let exceptions = vec![
            Exception {
                id: 1,
                first_day: parse_day("2026-12-24").unwrap(),
                last_day: parse_day("2026-12-26").unwrap(),
                hours: DayHours::default(),
                label: "Noël".into(),
            },
            Exception {
                id: 2,
                first_day: parse_day("2026-12-31").unwrap(),
                last_day: parse_day("2026-12-31").unwrap(),
                hours: DayHours::parse("9h-10h").unwrap(),
                label: String::new(),
            },
        ];
        assert!(slots_on(&rules, &exceptions, parse_day("2026-12-25").unwrap()).is_empty());
        assert_eq!(
            slots_on(&rules, &exceptions, parse_day("2026-12-31").unwrap()).len(),
            2
        );
        assert_eq!(
            slots_on(&rules, &exceptions, parse_day("2026-12-23").unwrap()).len(),
            6
        );
    }

    #[test]
    fn bookings_respect_notice_horizon_and_the_schedule() {
        let rules = rules("9h-12h");
        let now = at("2026-12-01T10:00");
        assert_eq!(
            refusal(&rules, &[], at("2026-12-01T09:00"), now),
            Some("errors.appt_past")
        );
        assert_eq!(
            refusal(&rules, &[], at("2026-12-02T09:00"), now),
            Some("errors.appt_too_soon")
        );
        assert_eq!(refusal(&rules, &[], at("2026-12-02T10:30"), now), None);
        assert_eq!(
            refusal(&rules, &[], at("2026-12-02T10:15"), now),
            Some("errors.appt_no_such_slot")
        );
        assert_eq!(
            refusal(&rules, &[], at("2027-01-15T10:00"), now),
            Some("errors.appt_beyond_horizon")
        );
        let mut sundays_closed = rules.clone();
        sundays_closed.week.0[6] = DayHours::default();
        assert_eq!(
            refusal(&sundays_closed, &[], at("2026-12-06T10:00"), now),
            Some("errors.appt_closed_day")
        );
    }

    #[test]
    fn open_now_says_until_when_or_from_when() {
        let mut days: [String; 7] = Default::default();
        days[0] = "9h-12h, 14h-18h".into();
        days[1] = "9h-12h".into();
        let week = WeekHours::parse_days(&days).unwrap();
        // Monday 30 November 2026.
        assert_eq!(
            open_state(&week, &[], at("2026-11-30T10:00")),
            OpenState::Open {
                until: "12:00".into()
            }
        );
        match open_state(&week, &[], at("2026-11-30T12:30")) {
            OpenState::Closed {
                next: Some((day, time)),
            } => {
                assert_eq!((day.iso.as_str(), time.as_str()), ("2026-11-30", "14:00"));
            }
            other => panic!("{other:?}"),
        }
        match open_state(&week, &[], at("2026-12-01T13:00")) {
            OpenState::Closed {
                next: Some((day, time)),
            } => {
                assert_eq!((day.iso.as_str(), day.weekday), ("2026-12-07", 0));
                assert_eq!(time, "09:00");
            }
            other => panic!("{other:?}"),
        }
        let closure = vec![Exception {
            id: 1,
            first_day: parse_day("2026-11-30").unwrap(),
            last_day: parse_day("2026-11-30").unwrap(),
            hours: DayHours::default(),
            label: "Travaux".into(),
        }];
        match open_state(&week, &closure, at("2026-11-30T10:00")) {
            OpenState::Closed {
                next: Some((day, _)),
            } => assert_eq!(day.iso, "2026-12-01"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            open_state(&WeekHours::default(), &[], at("2026-11-30T10:00")),
            OpenState::Closed { next: None }
        );
    }
}
