//! Times as a person reads them: the Europe/Paris wall clock (summer time included),
//! written the way the page's language writes dates ("dimanche 6 décembre 2026 à 13 h 56",
//! "Sunday 6 December 2026, 13:56"), recent ones relative to now ("il y a 5 minutes",
//! "hier à 18 h 30"). Pages show them through [`Moment`], a `<time>` element whose
//! `datetime` carries the exact instant; mails, calendars and exports use [`text`].
//!
//! Stored times are UTC milliseconds. The server reads the zone from the time-zone
//! database bundled into its binary; the browser bundle has no database and uses the
//! POSIX rule of the zone (the EU rule since 1996), which gives the same times.

use crate::i18n::{td_string, use_i18n, Locale};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use leptos::prelude::*;
use std::sync::OnceLock;

/// Europe/Paris.
pub fn paris() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        let rule = || TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap_or(TimeZone::UTC);
        #[cfg(feature = "ssr")]
        let zone = TimeZone::get("Europe/Paris").unwrap_or_else(|_| rule());
        #[cfg(not(feature = "ssr"))]
        let zone = rule();
        zone
    })
    .clone()
}

/// The Paris wall-clock time of an instant.
pub fn local(epoch_ms: i64) -> Option<DateTime> {
    let ts = Timestamp::from_millisecond(epoch_ms).ok()?;
    Some(ts.to_zoned(paris()).datetime())
}

/// The instant with its Paris offset, `2026-12-06T13:56:00+01:00`: the machine-readable
/// value of a `<time datetime>` and of calendar files.
pub fn iso(epoch_ms: i64) -> String {
    Timestamp::from_millisecond(epoch_ms)
        .map(|ts| {
            ts.to_zoned(paris())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// How a time is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Style {
    /// A complement of a sentence ("Publiée …"): "le dimanche 6 décembre 2026 à 13 h 56",
    /// or, near now, "à l’instant", "il y a 5 minutes", "aujourd’hui à 9 h 05",
    /// "hier à 18 h 30", "demain à 10 h 00".
    #[default]
    Phrase,
    /// On its own, near now relative like [`Style::Phrase`] ("il y a 5 minutes"),
    /// otherwise like [`Style::Full`]: the date of a comment or a notification.
    Stamp,
    /// On its own, always in full (a table cell, a deadline):
    /// "dimanche 6 décembre 2026 à 13 h 56".
    Full,
    /// The day only: "dimanche 6 décembre 2026".
    Day,
}

/// What a time says relative to now, before it is put into words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Said {
    JustNow,
    MinutesAgo(i64),
    Today,
    Yesterday,
    Tomorrow,
    On,
}

fn said(at: DateTime, at_ms: i64, now_ms: Option<i64>) -> Said {
    let Some(now_ms) = now_ms else {
        return Said::On;
    };
    let ago = now_ms - at_ms;
    if (0..60_000).contains(&ago) {
        return Said::JustNow;
    }
    if (60_000..3_600_000).contains(&ago) {
        return Said::MinutesAgo(ago / 60_000);
    }
    let Some(now) = local(now_ms) else {
        return Said::On;
    };
    let (day, today) = (at.date(), now.date());
    if day == today {
        Said::Today
    } else if today.yesterday().ok() == Some(day) {
        Said::Yesterday
    } else if today.tomorrow().ok() == Some(day) {
        Said::Tomorrow
    } else {
        Said::On
    }
}

/// The name of a weekday (0 = Monday): "lundi", "Monday".
pub fn weekday_name(locale: Locale, monday_is_0: u8) -> &'static str {
    match monday_is_0 {
        0 => td_string!(locale, time.monday),
        1 => td_string!(locale, time.tuesday),
        2 => td_string!(locale, time.wednesday),
        3 => td_string!(locale, time.thursday),
        4 => td_string!(locale, time.friday),
        5 => td_string!(locale, time.saturday),
        _ => td_string!(locale, time.sunday),
    }
}

/// The name of a month (1 = January): "janvier", "January".
pub fn month_name(locale: Locale, month: u8) -> &'static str {
    match month {
        1 => td_string!(locale, time.january),
        2 => td_string!(locale, time.february),
        3 => td_string!(locale, time.march),
        4 => td_string!(locale, time.april),
        5 => td_string!(locale, time.may),
        6 => td_string!(locale, time.june),
        7 => td_string!(locale, time.july),
        8 => td_string!(locale, time.august),
        9 => td_string!(locale, time.september),
        10 => td_string!(locale, time.october),
        11 => td_string!(locale, time.november),
        _ => td_string!(locale, time.december),
    }
}

/// A calendar day in words, "dimanche 6 décembre 2026" ("1er" on the first of a month in
/// French); `weekday` 0 = Monday.
pub fn date_words(locale: Locale, weekday: u8, day: u8, month: u8, year: i16) -> String {
    let day = if day == 1 {
        td_string!(locale, time.first_day).to_owned()
    } else {
        day.to_string()
    };
    td_string!(
        locale,
        time.date,
        weekday = weekday_name(locale, weekday),
        day = day,
        month = month_name(locale, month),
        year = year
    )
    .to_string()
}

fn day_words(locale: Locale, at: DateTime) -> String {
    let weekday = at.weekday().to_monday_zero_offset();
    date_words(
        locale,
        weekday as u8,
        at.day() as u8,
        at.month() as u8,
        at.year(),
    )
}

/// "13 h 56", "9 h 05"; "13:56".
fn clock_words(locale: Locale, at: DateTime) -> String {
    let minute = format!("{:02}", at.minute());
    hour_words(locale, at.hour(), &minute)
}

/// "9 h 05" / "9:05" from an hour and its two-digit minute.
fn hour_words(locale: Locale, hour: impl std::fmt::Display, minute: &str) -> String {
    td_string!(locale, time.clock, hour = hour, minute = minute).to_string()
}

/// Every time of day a text holds as the server writes it, `09:30`, in `locale`'s words:
/// an opening range `09:00–12:00, 14:00–17:30` reads "9 h 00 – 12 h 00, 14 h 00 – 17 h 30"
/// in French, "9:00 – 12:00, 14:00 – 17:30" in English. Other text is kept as it is.
pub fn clock_words_in(locale: Locale, text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    let mut i = 0;
    while i + 5 <= bytes.len() {
        let digits = |at: usize| bytes[at].is_ascii_digit() && bytes[at + 1].is_ascii_digit();
        let standalone = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_digit());
        if digits(i) && bytes[i + 2] == b':' && digits(i + 3) && standalone {
            let hour = (bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0');
            let minute = &text[i + 3..i + 5];
            out.push_str(&text[copied..i]);
            out.push_str(&hour_words(locale, hour, minute));
            i += 5;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out.replace('–', " – ").replace("  ", " ")
}

/// A time written for a person in `locale`. `now_ms` allows relative wording in
/// [`Style::Phrase`]; without it the time is written in full.
pub fn text(locale: Locale, epoch_ms: i64, style: Style, now_ms: Option<i64>) -> String {
    written(locale, epoch_ms, style, now_ms).0
}

/// [`text`], and whether it is relative to now ("il y a 5 minutes", "hier à 9 h 05").
fn written(locale: Locale, epoch_ms: i64, style: Style, now_ms: Option<i64>) -> (String, bool) {
    let Some(at) = local(epoch_ms) else {
        return (String::new(), false);
    };
    let clock = || clock_words(locale, at);
    let full = || {
        td_string!(
            locale,
            time.full,
            date = day_words(locale, at),
            clock = clock()
        )
        .to_string()
    };
    let said = match style {
        Style::Day | Style::Full => Said::On,
        Style::Phrase | Style::Stamp => said(at, epoch_ms, now_ms),
    };
    let words = match style {
        Style::Day => day_words(locale, at),
        Style::Full => full(),
        Style::Phrase | Style::Stamp => match said {
            Said::JustNow => td_string!(locale, time.just_now).to_owned(),
            Said::MinutesAgo(count) => {
                td_string!(locale, time.minutes_ago, count = count).to_string()
            }
            Said::Today => td_string!(locale, time.today, clock = clock()).to_string(),
            Said::Yesterday => td_string!(locale, time.yesterday, clock = clock()).to_string(),
            Said::Tomorrow => td_string!(locale, time.tomorrow, clock = clock()).to_string(),
            Said::On if style == Style::Stamp => full(),
            Said::On => td_string!(
                locale,
                time.on,
                date = day_words(locale, at),
                clock = clock()
            )
            .to_string(),
        },
    };
    (words, said != Said::On)
}

/// A calendar date as people type it in France, `12/04/2017`, from the ISO form forms
/// store (`2017-04-12`); `None` if `iso` is not a date.
pub fn typed_date(iso: &str) -> Option<String> {
    let date: jiff::civil::Date = iso.trim().parse().ok()?;
    Some(format!(
        "{:02}/{:02}/{}",
        date.day(),
        date.month(),
        date.year()
    ))
}

/// A date typed by a person, `12/04/2017`, `12.04.2017`, `12-04-2017` or `1/4/2017`
/// (day first), or sent by a date field, `2017-04-12`: its ISO form, if the day exists.
pub fn parse_typed_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let parts: Vec<&str> = raw.split(['/', '.', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i16>().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 {
        (number(c)?, number(b)?, number(a)?)
    } else {
        return None;
    };
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    let date = jiff::civil::Date::new(year, month, day).ok()?;
    Some(date.strftime("%Y-%m-%d").to_string())
}

/// "Now" for the page being rendered: the server's clock (injectable in tests). The
/// browser renders no times of its own, so it has none and writes times in full.
fn render_now() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server::state::AppState>().map(|state| state.clock.now_ms())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// `<time datetime="2026-12-06T13:56:00+01:00">dimanche 6 décembre 2026 à 13 h 56</time>`;
/// a relative time carries the full one in its `title`.
#[component]
pub fn Moment(
    /// UTC milliseconds.
    at_ms: i64,
    #[prop(optional)] style: Style,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let now = render_now();
    let (words, relative) = written(locale, at_ms, style, now);
    // A relative time carries the exact one (written only then: pages show many times).
    let full = relative.then(|| text(locale, at_ms, Style::Full, None));
    view! { <time datetime=iso(at_ms) title=full>{words}</time> }
}

/// [`Moment`] as a plain function, for a value passed to a translation
/// (`t!(i18n, forum.published_on, date = move || moment(at, Style::Phrase))`).
pub fn moment(at_ms: i64, style: Style) -> impl IntoView {
    view! { <Moment at_ms style /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(wall: &str) -> i64 {
        crate::site::locale::install_plural_rules();
        let dt: DateTime = wall.parse().unwrap();
        dt.to_zoned(paris()).unwrap().timestamp().as_millisecond()
    }

    #[test]
    fn times_are_written_in_paris_time_the_french_way() {
        let t = at("2026-12-06T13:56");
        assert_eq!(
            text(Locale::fr, t, Style::Full, None),
            "dimanche 6 décembre 2026 à 13 h 56"
        );
        assert_eq!(
            text(Locale::fr, t, Style::Phrase, None),
            "le dimanche 6 décembre 2026 à 13 h 56"
        );
        assert_eq!(
            text(Locale::fr, t, Style::Day, None),
            "dimanche 6 décembre 2026"
        );
        assert_eq!(
            text(Locale::en, t, Style::Full, None),
            "Sunday 6 December 2026, 13:56"
        );
        assert_eq!(
            text(Locale::en, t, Style::Phrase, None),
            "on Sunday 6 December 2026 at 13:56"
        );
        assert_eq!(iso(t), "2026-12-06T13:56:00+01:00");
        // 12:56 UTC is 13:56 in Paris in winter.
        assert_eq!(t, 1_796_561_760_000);
    }

    #[test]
    fn times_of_day_written_by_the_server_read_as_words() {
        crate::site::locale::install_plural_rules();
        assert_eq!(clock_words_in(Locale::fr, "09:30"), "9 h 30");
        assert_eq!(
            clock_words_in(Locale::fr, "08:30–12:00, 13:30–17:30"),
            "8 h 30 – 12 h 00, 13 h 30 – 17 h 30"
        );
        assert_eq!(clock_words_in(Locale::en, "09:30–12:00"), "9:30 – 12:00");
        // Nothing else is touched: other numbers, a date, an empty text.
        assert_eq!(clock_words_in(Locale::fr, "2026-12-06"), "2026-12-06");
        assert_eq!(clock_words_in(Locale::fr, "123:456"), "123:456");
        assert_eq!(clock_words_in(Locale::fr, ""), "");
        assert_eq!(
            clock_words_in(Locale::fr, "à 17:00 (Noël)"),
            "à 17 h 00 (Noël)"
        );
    }

    #[test]
    fn the_first_of_a_month_and_early_minutes_read_naturally() {
        let t = at("2027-03-01T09:05");
        assert_eq!(
            text(Locale::fr, t, Style::Full, None),
            "lundi 1er mars 2027 à 9 h 05"
        );
        assert_eq!(
            text(Locale::en, t, Style::Full, None),
            "Monday 1 March 2027, 9:05"
        );
    }

    #[test]
    fn summer_time_starts_and_ends_on_the_right_sundays() {
        // 29 March 2026: a minute after 01:59 (00:59 UTC) the clock reads 03:00.
        assert_eq!(iso(1_774_745_940_000), "2026-03-29T01:59:00+01:00");
        assert_eq!(iso(1_774_746_000_000), "2026-03-29T03:00:00+02:00");
        // 25 October 2026: 02:30 happens twice; the second is an hour after the first.
        assert_eq!(iso(1_792_888_200_000), "2026-10-25T02:30:00+02:00");
        assert_eq!(iso(1_792_891_800_000), "2026-10-25T02:30:00+01:00");
        let july = at("2026-07-14T22:00");
        assert_eq!(iso(july), "2026-07-14T22:00:00+02:00");
    }

    #[test]
    fn the_browser_rule_gives_the_same_times_as_the_database() {
        let rule = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        let mut ms = at("2024-01-01T00:00");
        let end = at("2032-01-01T00:00");
        while ms < end {
            let ts = Timestamp::from_millisecond(ms).unwrap();
            assert_eq!(
                ts.to_zoned(rule.clone()).datetime(),
                ts.to_zoned(paris()).datetime()
            );
            ms += 1_800_000;
        }
    }

    #[test]
    fn recent_times_read_relative_to_now() {
        let now = at("2026-12-06T13:56");
        let phrase = |t: i64, locale| text(locale, t, Style::Phrase, Some(now));
        assert_eq!(phrase(now - 20_000, Locale::fr), "à l’instant");
        assert_eq!(phrase(now - 60_000, Locale::fr), "il y a 1 minute");
        assert_eq!(phrase(now - 5 * 60_000, Locale::fr), "il y a 5 minutes");
        assert_eq!(phrase(now - 5 * 60_000, Locale::en), "5 minutes ago");
        assert_eq!(phrase(now - 60_000, Locale::en), "1 minute ago");
        assert_eq!(
            phrase(at("2026-12-06T09:05"), Locale::fr),
            "aujourd’hui à 9 h 05"
        );
        assert_eq!(phrase(at("2026-12-05T23:10"), Locale::fr), "hier à 23 h 10");
        assert_eq!(
            phrase(at("2026-12-07T10:00"), Locale::en),
            "tomorrow at 10:00"
        );
        assert_eq!(
            phrase(at("2026-12-04T10:00"), Locale::fr),
            "le vendredi 4 décembre 2026 à 10 h 00"
        );
        assert_eq!(
            text(Locale::fr, now - 5 * 60_000, Style::Stamp, Some(now)),
            "il y a 5 minutes"
        );
        assert_eq!(
            text(Locale::fr, at("2026-11-06T10:00"), Style::Stamp, Some(now)),
            "vendredi 6 novembre 2026 à 10 h 00"
        );
        // A full style never reads relative.
        assert_eq!(
            text(Locale::fr, now - 60_000, Style::Full, Some(now)),
            "dimanche 6 décembre 2026 à 13 h 55"
        );
    }

    #[test]
    fn dates_are_read_and_shown_the_way_people_type_them() {
        assert_eq!(
            parse_typed_date("12/04/2017").as_deref(),
            Some("2017-04-12")
        );
        assert_eq!(
            parse_typed_date(" 1.4.2017 ").as_deref(),
            Some("2017-04-01")
        );
        assert_eq!(
            parse_typed_date("12-04-2017").as_deref(),
            Some("2017-04-12")
        );
        assert_eq!(
            parse_typed_date("2017-04-12").as_deref(),
            Some("2017-04-12")
        );
        assert_eq!(parse_typed_date("31/02/2017"), None);
        assert_eq!(parse_typed_date("12/04/17"), None);
        assert_eq!(parse_typed_date("hier"), None);
        assert_eq!(typed_date("2017-04-12").as_deref(), Some("12/04/2017"));
        assert_eq!(typed_date("nonsense"), None);
    }

    #[test]
    fn yesterday_follows_paris_days_across_the_autumn_change() {
        // 26 October 2026, 00:30 in Paris; 25 October 01:00 is yesterday, not today.
        let now = at("2026-10-26T00:30");
        assert_eq!(
            text(Locale::fr, at("2026-10-25T01:00"), Style::Phrase, Some(now)),
            "hier à 1 h 00"
        );
    }
}
