//! The calendar invitation attached to appointment mails (RFC 5545, written by the
//! `icalendar` crate): residents add the appointment to their phone's calendar in one
//! tap, and a cancellation removes it again (same UID, `METHOD:CANCEL`).
//!
//! Times are written in Paris time with their zone (`DTSTART;TZID=Europe/Paris:…`) and
//! the zone's definition (`VTIMEZONE`), as every time shown to a person: a calendar
//! shows 9 h 00 whatever the zone of the phone it was opened on, and the file reads the
//! same to someone looking at its text.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// The zone every time is written in.
const TZID: &str = "Europe/Paris";

/// Europe/Paris as RFC 5545 defines a zone: the EU rule in force since 1996 (summer time
/// from the last Sunday of March, 2:00, to the last Sunday of October, 3:00). The
/// `icalendar` crate writes no zone definitions, so this block is put in as text.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Paris\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19960331T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19961027T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// What the invitation says.
pub struct Invitation<'a> {
    /// Unique across the commune's appointments: `appointment-12@parvis.example`.
    pub uid: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// Written at (`DTSTAMP`).
    pub now_ms: i64,
    pub cancelled: bool,
}

fn utc(epoch_ms: i64) -> String {
    jiff::Timestamp::from_millisecond(epoch_ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// `DTSTART;TZID=Europe/Paris:20261201T093000`.
fn paris(key: &str, epoch_ms: i64) -> Property {
    let local = crate::ui::time::local(epoch_ms)
        .map(|at| at.strftime("%Y%m%dT%H%M%S").to_string())
        .unwrap_or_default();
    let mut property = Property::new(key, local);
    property.add_parameter("TZID", TZID);
    property
}

/// The iCalendar text.
pub fn calendar(invitation: &Invitation<'_>) -> String {
    let mut event = Event::new();
    event
        .uid(&invitation.uid)
        .summary(invitation.summary)
        .add_property("DTSTAMP", utc(invitation.now_ms))
        .append_property(paris("DTSTART", invitation.starts_at))
        .append_property(paris("DTEND", invitation.ends_at));
    if !invitation.location.is_empty() {
        event.location(invitation.location);
    }
    if !invitation.description.is_empty() {
        event.description(invitation.description);
    }
    if invitation.cancelled {
        event.status(EventStatus::Cancelled);
        event.add_property("SEQUENCE", "1");
    } else {
        event.status(EventStatus::Confirmed);
    }
    let mut calendar = Calendar::new();
    calendar.append_property(Property::new(
        "METHOD",
        if invitation.cancelled {
            "CANCEL"
        } else {
            "PUBLISH"
        },
    ));
    calendar.push(event.done());
    calendar.done().to_string().replacen(
        "BEGIN:VEVENT\r\n",
        &format!("{VTIMEZONE}BEGIN:VEVENT\r\n"),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_carries_paris_times_with_their_zone_and_escaped_texts() {
        let text = calendar(&Invitation {
            uid: "appointment-7@mairie.example".into(),
            starts_at: 1_764_576_000_000,
            ends_at: 1_764_577_800_000,
            summary: "Passeport, carte d’identité",
            location: "Mairie; guichet 2",
            description: "Apporter: photo, justificatif",
            now_ms: 1_764_000_000_000,
            cancelled: false,
        });
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("METHOD:PUBLISH\r\n"));
        // 08:00 UTC on 1 December is 9:00 in Paris (winter time).
        assert!(
            text.contains("DTSTART;TZID=Europe/Paris:20251201T090000\r\n"),
            "{text}"
        );
        assert!(text.contains("DTEND;TZID=Europe/Paris:20251201T093000\r\n"));
        // The zone is defined once, before the event; only the stamp is in UTC.
        assert_eq!(
            text.matches("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n")
                .count(),
            1
        );
        assert!(text.find("END:VTIMEZONE").unwrap() < text.find("BEGIN:VEVENT").unwrap());
        assert!(text.contains("DTSTAMP:20251124T160000Z\r\n"), "{text}");
        assert!(text.contains("UID:appointment-7@mairie.example\r\n"));
        assert!(
            text.contains("SUMMARY:Passeport\\, carte d’identité\r\n"),
            "{text}"
        );
        assert!(text.contains("LOCATION:Mairie\\; guichet 2\r\n"), "{text}");
        assert!(text.contains("STATUS:CONFIRMED"));
        let cancelled = calendar(&Invitation {
            uid: "appointment-7@mairie.example".into(),
            starts_at: 1_764_576_000_000,
            ends_at: 1_764_577_800_000,
            summary: "x",
            location: "",
            description: "",
            now_ms: 1_764_000_000_000,
            cancelled: true,
        });
        assert!(cancelled.contains("METHOD:CANCEL\r\n"));
        // Summer time: 08:00 UTC on 1 July is 10:00 in Paris.
        let summer = calendar(&Invitation {
            uid: "appointment-8@mairie.example".into(),
            starts_at: 1_782_892_800_000,
            ends_at: 1_782_894_600_000,
            summary: "x",
            location: "",
            description: "",
            now_ms: 1_764_000_000_000,
            cancelled: false,
        });
        assert!(
            summer.contains("DTSTART;TZID=Europe/Paris:20260701T100000\r\n"),
            "{summer}"
        );
        assert!(cancelled.contains("STATUS:CANCELLED"));
    }
}
