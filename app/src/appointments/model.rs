//! Opening hours as the commune writes them, the states of an appointment, the kinds of
//! facility, and their validation. Shared by the pages and the server.

use serde::{Deserialize, Serialize};

/// Minutes since midnight, local (Europe/Paris) time; 1440 is the end of the day.
pub type Minute = u16;

const DAY_END: Minute = 24 * 60;

/// The opening ranges of one day, sorted and disjoint; empty when closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayHours(pub Vec<(Minute, Minute)>);

/// `09:30` for 570.
pub fn clock_text(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Reads `9`, `9h`, `9h30`, `09:30`, `9.30`; `24:00` is the end of the day.
fn parse_time(raw: &str) -> Option<Minute> {
    let raw = raw.trim().to_lowercase();
    let (h, m) = match raw.find([':', 'h', '.']) {
        Some(i) => (&raw[..i], &raw[i + 1..]),
        None => (raw.as_str(), ""),
    };
    let hours: u16 = h.trim().parse().ok()?;
    let minutes: u16 = if m.trim().is_empty() {
        0
    } else {
        let m = m.trim();
        if m.len() != 2 {
            return None;
        }
        m.parse().ok()?
    };
    let total = hours.checked_mul(60)?.checked_add(minutes)?;
    (minutes < 60 && total <= DAY_END).then_some(total)
}

impl DayHours {
    /// Reads what an admin typed: ranges such as `9h-12h, 14h-17h30` or
    /// `09:00-12:00 ; 14:00-17:30`; empty for a closed day. The error is a translation
    /// key.
    pub fn parse(raw: &str) -> Result<DayHours, &'static str> {
        let normalised = raw
            .replace(['–', '—'], "-")
            .replace(" à ", "-")
            .replace(" to ", "-")
            .replace(" et ", ",")
            .replace(" and ", ",")
            .replace([';', '/'], ",");
        let mut ranges = Vec::new();
        for part in normalised
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (start, end) = part.split_once('-').ok_or("errors.hours_format")?;
            let start = parse_time(start).ok_or("errors.hours_format")?;
            let end = parse_time(end).ok_or("errors.hours_format")?;
            if start >= end {
                return Err("errors.hours_order");
            }
            ranges.push((start, end));
        }
        ranges.sort_unstable();
        if ranges.windows(2).any(|w| w[0].1 > w[1].0) {
            return Err("errors.hours_overlap");
        }
        Ok(DayHours(ranges))
    }

    /// As stored: `09:00-12:00,14:00-17:30`.
    pub fn storage(&self) -> String {
        self.0
            .iter()
            .map(|(s, e)| format!("{}-{}", clock_text(*s), clock_text(*e)))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// As shown: `09:00–12:00, 14:00–17:30` (empty when closed).
    pub fn display(&self) -> String {
        self.0
            .iter()
            .map(|(s, e)| format!("{}–{}", clock_text(*s), clock_text(*e)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_empty()
    }
}

/// Opening hours of each weekday, Monday first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours(pub [DayHours; 7]);

impl WeekHours {
    /// Reads the stored form (days separated by `|`). A day that does not read is
    /// closed: stored hours were validated when saved.
    pub fn from_storage(stored: &str) -> WeekHours {
        let mut week = WeekHours::default();
        for (i, day) in stored.split('|').take(7).enumerate() {
            week.0[i] = DayHours::parse(day).unwrap_or_default();
        }
        week
    }

    pub fn storage(&self) -> String {
        self.0
            .iter()
            .map(DayHours::storage)
            .collect::<Vec<_>>()
            .join("|")
    }

    /// Reads the seven fields of the hours form (`hours_0` … `hours_6`); errors are
    /// filed under each field's name.
    pub fn parse_days(days: &[String; 7]) -> Result<WeekHours, crate::error::FieldErrors> {
        let mut week = WeekHours::default();
        let mut errors = crate::error::FieldErrors::new();
        for (i, raw) in days.iter().enumerate() {
            match DayHours::parse(raw) {
                Ok(hours) => week.0[i] = hours,
                Err(key) => crate::error::add_field_error(&mut errors, &format!("hours_{i}"), key),
            }
        }
        if errors.is_empty() {
            Ok(week)
        } else {
            Err(errors)
        }
    }
}

/// What became of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Booked,
    Cancelled,
    Attended,
    NoShow,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Cancelled => "cancelled",
            Status::Attended => "attended",
            Status::NoShow => "no_show",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        [
            Status::Booked,
            Status::Cancelled,
            Status::Attended,
            Status::NoShow,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// How an appointment was booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Web,
    Counter,
    Phone,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Counter => "counter",
            Channel::Phone => "phone",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        [Channel::Web, Channel::Counter, Channel::Phone]
            .into_iter()
            .find(|c| c.as_str() == raw)
    }
}

/// The kinds of public facility the directory groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FacilityKind {
    TownHall,
    Library,
    Pool,
    Sports,
    Culture,
    Park,
    Cemetery,
    Other,
}

impl FacilityKind {
    pub const ALL: [FacilityKind; 8] = [
        FacilityKind::TownHall,
        FacilityKind::Library,
        FacilityKind::Pool,
        FacilityKind::Sports,
        FacilityKind::Culture,
        FacilityKind::Park,
        FacilityKind::Cemetery,
        FacilityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FacilityKind::TownHall => "town_hall",
            FacilityKind::Library => "library",
            FacilityKind::Pool => "pool",
            FacilityKind::Sports => "sports",
            FacilityKind::Culture => "culture",
            FacilityKind::Park => "park",
            FacilityKind::Cemetery => "cemetery",
            FacilityKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<FacilityKind> {
        FacilityKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A calendar day as pages show it (the server computes it in Paris time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// `2026-12-01`, for links and forms.
    pub iso: String,
    /// 0 = Monday.
    pub weekday: u8,
    pub day: u8,
    /// 1 = January.
    pub month: u8,
    pub year: i16,
}

/// Whether a place is open at a given moment, and until or from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpenState {
    /// Open until this time (`17:30`) of the same day.
    Open { until: String },
    /// Closed; opens next on that day at that time (none within two weeks).
    Closed { next: Option<(Day, String)> },
}

/// A slug: lowercase letters, digits and dashes, 2 to 60 characters.
pub fn valid_slug(slug: &str) -> bool {
    (2..=60).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_admins_write_them() {
        let day = DayHours::parse("9h-12h, 14h-17h30").unwrap();
        assert_eq!(day.0, vec![(540, 720), (840, 1050)]);
        assert_eq!(day.storage(), "09:00-12:00,14:00-17:30");
        assert_eq!(day.display(), "09:00–12:00, 14:00–17:30");
        assert_eq!(
            DayHours::parse("14:00 – 18:00 ; 08:30-12:00").unwrap().0,
            vec![(510, 720), (840, 1080)]
        );
        assert_eq!(DayHours::parse("10h à 13h").unwrap().0, vec![(600, 780)]);
        assert_eq!(DayHours::parse("  ").unwrap(), DayHours::default());
        assert_eq!(DayHours::parse("0h-24h").unwrap().0, vec![(0, 1440)]);
    }

    #[test]
    fn impossible_hours_are_refused_with_a_reason() {
        assert_eq!(DayHours::parse("9h"), Err("errors.hours_format"));
        assert_eq!(DayHours::parse("25h-26h"), Err("errors.hours_format"));
        assert_eq!(DayHours::parse("9h75-10h"), Err("errors.hours_format"));
        assert_eq!(DayHours::parse("12h-9h"), Err("errors.hours_order"));
        assert_eq!(
            DayHours::parse("9h-12h, 11h-13h"),
            Err("errors.hours_overlap")
        );
    }

    #[test]
    fn a_week_round_trips_through_storage_and_reports_each_bad_day() {
        let mut days: [String; 7] = Default::default();
        days[0] = "9h-12h".into();
        days[5] = "10h-12h,14h-16h".into();
        let week = WeekHours::parse_days(&days).unwrap();
        assert_eq!(WeekHours::from_storage(&week.storage()), week);
        assert!(week.0[6].is_closed());
        days[2] = "midi".into();
        days[4] = "18h-8h".into();
        let errors = WeekHours::parse_days(&days).unwrap_err();
        assert_eq!(errors["hours_2"], vec!["errors.hours_format"]);
        assert_eq!(errors["hours_4"], vec!["errors.hours_order"]);
    }

    #[test]
    fn slugs_are_plain() {
        assert!(valid_slug("passeport-cni"));
        assert!(!valid_slug("Passeport"));
        assert!(!valid_slug("-x"));
        assert!(!valid_slug("a"));
    }
}
