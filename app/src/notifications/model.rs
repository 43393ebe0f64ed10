//! Notifications as the notification centre shows them.

use serde::{Deserialize, Serialize};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    /// The town hall answered a followed proposal (or changed its status).
    Answer,
    /// New comments on a followed proposal (gathered while unread).
    Comments,
    /// A moderation decision about the person's contribution or account.
    Moderation,
    /// News of one of the person's requests (a status change, an agent's message).
    Request,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Answer => "answer",
            NotificationKind::Comments => "comments",
            NotificationKind::Moderation => "moderation",
            NotificationKind::Request => "request",
        }
    }

    pub fn parse(raw: &str) -> Option<NotificationKind> {
        match raw {
            "answer" => Some(NotificationKind::Answer),
            "comments" => Some(NotificationKind::Comments),
            "moderation" => Some(NotificationKind::Moderation),
            "request" => Some(NotificationKind::Request),
            _ => None,
        }
    }
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    /// The proposal, or for [`NotificationKind::Request`] the request, it is about.
    pub subject_id: i64,
    /// The proposal's title, or the request's tracking number.
    pub subject_title: String,
    /// New comments gathered in it (1 for an answer).
    pub count: i64,
    pub updated_at_ms: i64,
    pub read: bool,
}

/// A page of the notification centre, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub page: u32,
    pub page_count: u32,
    pub unread: i64,
}

pub const PAGE_SIZE: u32 = 20;
