//! The calendar invitation attached to appointment mails (RFC 5545, written by the
//! `icalendar` crate): residents add the appointment to their phone's calendar in one
//! tap, and a cancellation removes it again (same UID, `METHOD:CANCEL`).

use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

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

/// The iCalendar text.
pub fn calendar(invitation: &Invitation<'_>) -> String {
    let mut event = Event::new();
    event
        .uid(&invitation.uid)
        .summary(invitation.summary)
        .add_property("DTSTAMP", utc(invitation.now_ms))
        .add_property("DTSTART", utc(invitation.starts_at))
        .add_property("DTEND", utc(invitation.ends_at));
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
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_carries_utc_times_and_escaped_texts() {
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
        assert!(text.contains("DTSTART:20251201T080000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20251201T083000Z\r\n"));
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
        assert!(cancelled.contains("STATUS:CANCELLED"));
    }
}
