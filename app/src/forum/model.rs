//! The forum's vocabulary, shared by pages and server: proposal statuses, list sorts and
//! filters, and what lists and proposal pages show.

use crate::moderation::model::Visibility;
use serde::{Deserialize, Serialize};

/// Where the town hall is with a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalStatus {
    Open,
    UnderStudy,
    Accepted,
    Rejected,
    Done,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 5] = [
        ProposalStatus::Open,
        ProposalStatus::UnderStudy,
        ProposalStatus::Accepted,
        ProposalStatus::Rejected,
        ProposalStatus::Done,
    ];

    /// Stored value, also used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::UnderStudy => "under_study",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Done => "done",
        }
    }

    pub fn parse(raw: &str) -> Option<ProposalStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    /// The status's name in `locale` (pages and mails).
    pub fn words(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            ProposalStatus::Open => td_string!(locale, forum.status_open),
            ProposalStatus::UnderStudy => td_string!(locale, forum.status_under_study),
            ProposalStatus::Accepted => td_string!(locale, forum.status_accepted),
            ProposalStatus::Rejected => td_string!(locale, forum.status_rejected),
            ProposalStatus::Done => td_string!(locale, forum.status_done),
        }
    }
}

/// Order of the proposals list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProposalSort {
    #[default]
    Newest,
    MostSupported,
    MostDiscussed,
    RecentlyAnswered,
}

impl ProposalSort {
    pub const ALL: [ProposalSort; 4] = [
        ProposalSort::Newest,
        ProposalSort::MostSupported,
        ProposalSort::MostDiscussed,
        ProposalSort::RecentlyAnswered,
    ];

    /// Value in the URL (`/forum?tri=soutenues`).
    pub fn as_param(self) -> &'static str {
        match self {
            ProposalSort::Newest => "recentes",
            ProposalSort::MostSupported => "soutenues",
            ProposalSort::MostDiscussed => "discutees",
            ProposalSort::RecentlyAnswered => "repondues",
        }
    }

    /// Unknown values fall back to the newest first.
    pub fn parse(raw: &str) -> ProposalSort {
        Self::ALL
            .into_iter()
            .find(|s| s.as_param() == raw.trim())
            .unwrap_or_default()
    }
}

/// What the proposals list shows: search words, filters, order and page (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProposalQuery {
    pub search: String,
    /// Theme slug.
    pub theme: Option<String>,
    /// Neighbourhood slug.
    pub neighbourhood: Option<String>,
    pub status: Option<ProposalStatus>,
    pub sort: ProposalSort,
    pub page: u32,
}

/// A theme or a neighbourhood, as offered in forms and filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name_fr: String,
    pub name_en: String,
}

/// A theme or neighbourhood as administrators see it, archived ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedCategory {
    pub category: Category,
    pub position: i64,
    pub archived: bool,
}

/// A proposal in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalSummary {
    pub id: i64,
    pub title: String,
    pub theme: Category,
    pub neighbourhood: Option<Category>,
    /// `None` once the author's account is gone.
    pub author_name: Option<String>,
    pub status: ProposalStatus,
    pub support_count: i64,
    pub comment_count: i64,
    pub created_at_ms: i64,
    pub withdrawn: bool,
}

/// One page of the proposals list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalList {
    pub items: Vec<ProposalSummary>,
    /// Proposals matching the query, all pages together.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

impl ProposalList {
    pub fn page_count(&self) -> u32 {
        let size = i64::from(self.page_size.max(1));
        u32::try_from((self.total + size - 1) / size)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// A proposal's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalDetail {
    pub summary: ProposalSummary,
    /// The author's Markdown, for the edit form.
    pub body: String,
    /// Sanitised HTML rendered from the author's Markdown.
    pub body_html: String,
    pub author_id: Option<i64>,
    /// Last change by the author, if any.
    pub edited_at_ms: Option<i64>,
    pub answered_at_ms: Option<i64>,
    /// Number of the proposal's last live event: the page listens from there.
    pub event_seq: i64,
    /// Published, or (seen by its author and moderators only) held or hidden.
    pub moderation: Visibility,
}

/// One status change by the town hall, with its official answer (empty when the status
/// changed without a text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialAnswer {
    pub status: ProposalStatus,
    pub answer_html: String,
    pub created_at_ms: i64,
}

/// A comment as a page shows it to one visitor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub depth: u32,
    /// `None` once the author's account is gone.
    pub author_name: Option<String>,
    /// Empty once deleted.
    pub body_html: String,
    pub created_at_ms: i64,
    pub edited: bool,
    pub deleted: bool,
    /// The visitor wrote it and may still edit it.
    pub editable: bool,
    /// The visitor wrote it and may delete it.
    pub deletable: bool,
    /// The author's Markdown, for their edit form (only while they may edit it).
    pub source: Option<String>,
    /// Published, or held or hidden by moderation. A hidden comment keeps its place in
    /// the thread, without its text for anyone but its author and moderators; a held
    /// one is shown to them only.
    pub moderation: Visibility,
}

/// One page of a proposal's comment threads: top-level comments with all their replies,
/// in reading order (each reply after its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentPage {
    pub comments: Vec<CommentView>,
    pub page: u32,
    pub page_count: u32,
}

/// What changed on a proposal page, sent to open pages as it happens.
///
/// Events name what changed, never content: the stream is public and replays a day of
/// events, so a text or an author carried here would outlive its edit or deletion on the
/// page. Open pages fetch the page itself again to see the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Comment {
        id: i64,
    },
    CommentEdited {
        id: i64,
    },
    CommentDeleted {
        id: i64,
    },
    /// Hidden by moderation: open pages drop its text.
    CommentHidden {
        id: i64,
    },
    /// Shown again after review.
    CommentRestored {
        id: i64,
    },
    /// The proposal itself was hidden by moderation.
    Hidden,
    Supports {
        count: i64,
    },
    Status {
        status: ProposalStatus,
    },
    Withdrawn,
}

/// Deepest reply level: a comment at this depth takes no replies (0 is top level).
pub const MAX_COMMENT_DEPTH: u32 = 3;
/// Top-level comments per page (each with its replies).
pub const THREADS_PER_PAGE: u32 = 20;
pub const COMMENT_MAX_CHARS: usize = 5_000;
pub const ANSWER_MAX_CHARS: usize = 10_000;

/// Forum rules the commune may tune (`PARVIS_FORUM_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForumSettings {
    /// How long after publishing an author may edit a proposal.
    pub proposal_edit_ms: i64,
    /// How long after posting an author may edit a comment.
    pub comment_edit_ms: i64,
}

impl Default for ForumSettings {
    fn default() -> Self {
        ForumSettings {
            proposal_edit_ms: 24 * 60 * 60 * 1000,
            comment_edit_ms: 30 * 60 * 1000,
        }
    }
}

/// A public proposal in the open-data export: no personal data beyond display names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedProposal {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub theme: String,
    pub neighbourhood: String,
    pub status: String,
    pub author: String,
    /// RFC 3339, UTC.
    pub published_at: String,
    pub supports: i64,
    pub comments: i64,
    pub withdrawn: bool,
}

/// Limits of a proposal's fields.
pub const TITLE_MAX_CHARS: usize = 140;
pub const TITLE_MIN_CHARS: usize = 5;
pub const BODY_MAX_CHARS: usize = 10_000;
pub const PAGE_SIZE: u32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_sorts_read_back_from_urls() {
        for status in ProposalStatus::ALL {
            assert_eq!(ProposalStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ProposalStatus::parse("deleted"), None);
        for sort in ProposalSort::ALL {
            assert_eq!(ProposalSort::parse(sort.as_param()), sort);
        }
        assert_eq!(ProposalSort::parse("'; DROP"), ProposalSort::Newest);
    }

    #[test]
    fn a_partial_last_page_counts() {
        let list = |total| ProposalList {
            items: vec![],
            total,
            page: 1,
            page_size: 20,
        };
        assert_eq!(list(0).page_count(), 1);
        assert_eq!(list(20).page_count(), 1);
        assert_eq!(list(21).page_count(), 2);
    }
}
