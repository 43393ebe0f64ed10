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
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Answer => "answer",
            NotificationKind::Comments => "comments",
            NotificationKind::Moderation => "moderation",
        }
    }

    pub fn parse(raw: &str) -> Option<NotificationKind> {
        match raw {
            "answer" => Some(NotificationKind::Answer),
            "comments" => Some(NotificationKind::Comments),
            "moderation" => Some(NotificationKind::Moderation),
            _ => None,
        }
    }
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    pub proposal_id: i64,
    pub proposal_title: String,
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
